// The download links of the panel. Each entry says when it applies, where
// the API serves it and what the file is called; the links are made once and
// only their addresses change with the shown date. To offer a new export
// (a per-day CSV), add an entry here.

import { fileHref, isStatic } from './api.js';
import { h } from './format.js';

/** v: {name, first, last, date, compare} — the dataset's file label, its range, the shown and comparison dates. */
export const DOWNLOADS = [
  {
    id: 'snapshot', label: (v) => `Districts on ${v.date} (GeoJSON)`,
    href: (v) => `api/snapshot/${v.date}`, file: (v) => `${v.name}-${v.date}.geojson`,
  },
  {
    id: 'territory', label: (v) => `Territory of each side on ${v.date} (GeoJSON)`,
    href: (v) => `api/territory/${v.date}`, file: (v) => `${v.name}-territory-${v.date}.geojson`,
  },
  {
    id: 'frontlines', label: (v) => `Front lines on ${v.date} (GeoJSON)`,
    href: (v) => `api/frontlines/${v.date}`, file: (v) => `${v.name}-frontlines-${v.date}.geojson`,
  },
  {
    id: 'changes', when: (v) => !!v.compare, label: (v) => `Districts changed from ${v.compare} to ${v.date} (GeoJSON)`,
    href: (v) => `api/changes?from=${v.compare}&to=${v.date}`, file: (v) => `${v.name}-changes-${v.compare}-${v.date}.geojson`,
  },
  {
    id: 'series', label: (v) => `Daily km² and front lengths, ${v.first} to ${v.last} (CSV)`,
    href: (v) => `api/stats_${v.first}_${v.last}.csv`, file: (v) => `stats_${v.first}_${v.last}.csv`,
  },
  {
    id: 'gpkg', label: () => 'Everything, every day, for QGIS (GeoPackage: districts, control periods, territory, front lines)',
    href: () => 'api/export.gpkg', file: (v) => `${v.name}.gpkg`,
  },
];

/** Downloads keeps the links in list in step with the view. */
export class Downloads {
  constructor(list, entries = DOWNLOADS) {
    this.entries = entries.map((e) => {
      const a = h('a', { dataset: { download: e.id } });
      const li = h('li', {}, a);
      list.append(li);
      return { ...e, a, li };
    });
    if (isStatic) {
      list.after(h('p', { class: 'muted static-note' },
        'This is a static copy of the map: what needs a server — the districts changed between two dates as GeoJSON, '
        + 'and the OGC API that QGIS and GDAL read with any area and date — comes from the live frontline server only. '
        + 'The GeoPackage above holds every layer and every day.'));
    }
  }

  /** Points every link at view v (a static site's file; none hides the link). */
  update(v) {
    for (const e of this.entries) {
      const href = !e.when || e.when(v) ? fileHref(e.href(v)) : null;
      e.li.hidden = href === null;
      if (href === null) continue;
      e.a.href = href;
      e.a.download = e.file(v);
      e.a.textContent = e.label(v);
    }
  }
}
