// The download links of the panel. Each entry says when it applies, where
// the API serves it and what the file is called; the links are made once and
// only their addresses change with the shown date. To offer a new export
// (a per-day CSV), add an entry here.

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
  }

  /** Points every link at view v. */
  update(v) {
    for (const e of this.entries) {
      const on = !e.when || e.when(v);
      e.li.hidden = !on;
      if (!on) continue;
      e.a.href = e.href(v);
      e.a.download = e.file(v);
      e.a.textContent = e.label(v);
    }
  }
}
