// Regions: groups of districts that the dataset names in their properties,
// for a country's faces the raion (`region`, named by the faces' `name`)
// and the oblast (`group`). They give the map its orientation (borders and
// names: the faces themselves are not outlined), the search its places, the
// regions panel its rows (the share each side holds, from
// /api/stats/{date}?by=group) and a comparison its per-region summary.

/* global L */

import { fetchJSON } from './api.js';
import { contains } from './faces.js';
import { delta, h, km2, patchChildren, percent, yieldToMain } from './format.js';
import { interiorPoint } from './labels.js';
import { swatch } from './popup.js';

// The properties that name regions, the smaller first; a property counts when
// it gives two or more districts the same value and has two values or more.
const KINDS = ['region', 'group'];
// Points per path of region borders (see RegionLines.draw).
const LINE_POINTS = 3000;
// Rows of the per-region summary of a comparison shown before "and N more".
const CHANGE_ROWS = 8;

/** A group's value as people read it: "donetska_oblast" → "Donetska oblast". */
export function regionName(value) {
  const s = String(value).replace(/[_]+/g, ' ').trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * The regions of the district features: {region: Map, group: Map}, each a
 * Map from the property's value to {key, kind, name, ids, km2}, and null for
 * a kind the data does not have. A region's name is its districts' most
 * common name; a group's, its value made readable.
 */
export function regionsOf(features) {
  const out = {};
  for (const kind of KINDS) {
    const byValue = new Map();
    for (const f of features) {
      const p = f.properties ?? {};
      const v = p[kind];
      if (typeof v !== 'string' || v === '') continue;
      let r = byValue.get(v);
      if (!r) {
        r = { key: v, kind, ids: [], km2: 0, names: new Map(), features: [] };
        byValue.set(v, r);
      }
      r.ids.push(String(f.id ?? p.id));
      r.km2 += Number(p.area_km2) || 0;
      r.features.push(f);
      if (typeof p.name === 'string') r.names.set(p.name, (r.names.get(p.name) ?? 0) + 1);
    }
    const useful = byValue.size > 1 && [...byValue.values()].some((r) => r.ids.length > 1);
    out[kind] = useful ? byValue : null;
    for (const r of byValue.values()) {
      r.name = kind === 'group' || r.names.size === 0 ? regionName(r.key) : [...r.names].sort((a, b) => b[1] - a[1])[0][0];
      delete r.names;
    }
  }
  return out;
}

/**
 * Label items (see labels.js) for the regions: the groups (kind "group",
 * drawn larger) and the regions within them. A region's label stands at the
 * area-weighted middle of its districts when that is inside one of them,
 * else inside its largest district. boxOf(id) is a district's bounds,
 * [west, south, east, north] (the map has them without building its rings).
 */
export function regionItems(regions, boxOf) {
  const items = [];
  for (const kind of ['group', 'region']) {
    for (const r of regions[kind]?.values() ?? []) {
      let point;
      items.push({
        id: `${kind}:${r.key}`, kind, km2: r.km2, name: r.name, nameAr: '',
        // The largest names, in capitals: wider letters, and at most 2.6 times their region's width on any map.
        charPx: kind === 'group' ? 7.6 : undefined, reach: kind === 'group' ? 2.6 : undefined,
        get point() {
          if (point === undefined) point = regionPoint(r.features, boxOf);
          return point;
        },
      });
    }
  }
  return items;
}

function regionPoint(features, boxOf) {
  let sx = 0;
  let sy = 0;
  let sw = 0;
  let largest = null;
  let largestW = -1;
  const boxes = features.map((f) => boxOf(String(f.id ?? f.properties?.id)));
  features.forEach((f, i) => {
    const w = Number(f.properties?.area_km2) || 0;
    const b = boxes[i];
    if (!b) return;
    sx += ((b[0] + b[2]) / 2) * w;
    sy += ((b[1] + b[3]) / 2) * w;
    sw += w;
    if (w > largestW) [largest, largestW] = [f, w];
  });
  if (sw > 0) {
    const pt = [sx / sw, sy / sw];
    // Only the districts whose bounds hold the point need their rings.
    const inside = features.some((f, i) => {
      const b = boxes[i];
      return b && b[0] <= pt[0] && pt[0] <= b[2] && b[1] <= pt[1] && pt[1] <= b[3] && contains(f.geometry, pt);
    });
    if (inside) return [pt[1], pt[0]];
  }
  return largest ? interiorPoint(largest.geometry) : null;
}

/**
 * RegionLines draws the borders of the regions over the faces: thin between
 * regions of one group, stronger between groups and along the edge of the
 * ground, from the shared borders of the drawn topology (so they follow the
 * faces exactly, at every zoom band).
 */
export class RegionLines {
  constructor(map, regions) {
    this.regions = regions;
    this.pane = map.getPane('regions') ? 'regions' : 'overlayPane';
    this.group = L.layerGroup().addTo(map);
    this.token = 0;
  }

  /**
   * Draws the borders of fc, a collection from toFeatureCollection (which
   * has mesh): the groups', then the regions', a path for every few
   * thousand points with a yield between (a country's borders are tens of
   * thousands of points).
   */
  async draw(fc) {
    const token = ++this.token;
    const val = (f, k) => {
      const v = f.properties?.[k];
      return typeof v === 'string' ? v : '';
    };
    const hasGroup = !!this.regions.group;
    const hasRegion = !!this.regions.region;
    const k = hasGroup ? 'group' : 'region';
    const sets = [
      // Where one side is in a group and the other in another, in none, or nothing (the edge).
      ['group-line', { color: '#1d1f21', weight: 1.8, opacity: 0.85 }, fc.mesh((a, b) => (a === b ? val(a, k) !== '' : val(a, k) !== val(b, k)))],
    ];
    if (hasRegion && hasGroup) {
      // Between two regions of the same group: the group's border is the other line.
      sets.push(['region-line', { color: '#3c4043', weight: 0.8, opacity: 0.7 }, fc.mesh((a, b) => a !== b && val(a, 'region') !== val(b, 'region')
        && val(a, 'group') === val(b, 'group') && val(a, 'region') !== '' && val(b, 'region') !== '')]);
    }
    const parts = []; // [className, style, arcs] of a path each
    for (const [className, style, arcs] of sets) {
      for (let i = 0; i < arcs.length;) {
        const chunk = [];
        for (let points = 0; i < arcs.length && points < LINE_POINTS; i++) {
          chunk.push(arcs[i]);
          points += arcs[i].length;
        }
        parts.push([className, style, chunk]);
      }
    }
    const old = this.group.getLayers();
    for (const [className, style, arcs] of parts) {
      await yieldToMain();
      if (token !== this.token) return;
      const latlngs = arcs.map((a) => a.map(([x, y]) => [y, x]));
      this.group.addLayer(L.polyline(latlngs, { pane: this.pane, interactive: false, className, ...style }));
    }
    for (const line of old) this.group.removeLayer(line);
  }
}

/**
 * RegionsPanel: per group, the share of its ground each side holds on the
 * shown date (from /api/stats/{date}?by=group), sortable by any column; a
 * click on a group's name calls onPick(ids, name).
 */
export class RegionsPanel {
  constructor(box, { regions, palette, onPick }) {
    this.box = box;
    this.groups = regions.group;
    this.palette = palette;
    this.onPick = onPick;
    this.sort = { key: 'name', dir: 1 };
    this.byDate = new Map(); // date -> promise of the answer
    this.date = null;
    this.answer = null;
    this.error = null;
    box.hidden = false;
    // One listener for the table's buttons: the table is patched in place
    // (patchChildren), so a button may show another row after a sort.
    box.addEventListener('click', (e) => {
      const sort = e.target.closest('th[data-sort] button');
      if (sort) {
        const k = sort.parentElement.dataset.sort;
        const { key, dir } = this.sort;
        this.sort = key === k ? { key: k, dir: -dir } : { key: k, dir: k === 'name' ? 1 : -1 };
        this.render();
        return;
      }
      const row = e.target.closest('tr[data-group] button.link')?.closest('tr');
      const g = row && this.groups?.get(row.dataset.group);
      if (g) this.onPick(g.ids, g.name);
    });
  }

  /** Shows date: asks for its answer (once per date), keeps the last one until it comes. */
  async show(date) {
    this.date = date;
    let p = this.byDate.get(date);
    if (!p) {
      p = fetchJSON(`api/stats/${date}?by=group`);
      this.byDate.set(date, p);
      p.catch(() => this.byDate.delete(date));
    }
    try {
      const answer = await p;
      if (this.date !== date) return;
      this.answer = answer;
      this.error = null;
    } catch (err) {
      if (this.date !== date) return;
      this.error = err;
    }
    this.render();
  }

  recolor() {
    this.render();
  }

  render() {
    const table = this.box.querySelector('#regions');
    if (this.error && !this.answer) {
      table.replaceChildren(h('p', { class: 'muted' }, `Regions unavailable: ${this.error.message}`));
      return;
    }
    const a = this.answer;
    if (!a) return;
    const sides = this.palette.sides.map((s) => s.id);
    // The districts of no group (a country's ground outside every region) are not a region.
    const rows = (a.groups ?? []).filter((g) => g.group !== '' && g.group !== null).map((g) => ({
      key: String(g.group), name: this.groups?.get(String(g.group))?.name ?? regionName(g.group),
      total: Number(g.total_km2) || 0, sides: g.sides ?? {},
    }));
    const { key, dir } = this.sort;
    const value = (r) => (key === 'name' ? r.name : key === 'total' ? r.total : r.sides[key]?.share ?? 0);
    rows.sort((x, y) => {
      const vx = value(x);
      const vy = value(y);
      const c = typeof vx === 'string' ? vx.localeCompare(vy) : vx - vy;
      return c * dir || x.name.localeCompare(y.name);
    });
    const head = (k, label, title, num = true) => {
      const on = key === k;
      const b = h('button', { type: 'button', class: 'sort', title: `Sort by ${title}` }, label,
        h('span', { class: 'arrow', 'aria-hidden': 'true' }, on ? (dir > 0 ? ' ▲' : ' ▼') : ''));
      return h('th', { scope: 'col', class: num ? 'num' : null, 'aria-sort': on ? (dir > 0 ? 'ascending' : 'descending') : 'none', dataset: { sort: k } }, b);
    };
    const body = rows.map((r) => {
      const b = h('button', { type: 'button', class: 'link', title: `Show ${r.name} on the map` }, r.name);
      return h('tr', { dataset: { group: r.key } },
        h('th', { scope: 'row' }, b),
        sides.map((s) => {
          const v = r.sides[s] ?? { km2: 0, share: 0 };
          return h('td', { class: 'num share', dataset: { side: s, value: String(v.share), km2: String(v.km2) } }, percent(v.share));
        }),
        h('td', { class: 'num km2', dataset: { value: String(r.total) } }, Math.round(r.total).toLocaleString('en-GB')));
    });
    patchChildren(table, [h('table', { class: 'stats regions', dataset: { date: String(a.date) } },
      h('caption', {}, `Share of each region held on ${a.date}`),
      h('thead', {}, h('tr', {}, head('name', 'Region', 'name', false),
        sides.map((s) => head(s, h('span', {}, swatch(this.palette.color(s)), this.palette.shortName(s)), `${this.palette.name(s)}'s share`)),
        head('total', 'km²', 'area'))),
      h('tbody', {}, body))]);
    document.documentElement.dataset.regionsDate = String(a.date);
  }
}

/**
 * A comparison per group: the km² each side gained or lost in it (whole
 * districts changing hands, each with its area), the groups with the most
 * ground moved first. changes: changesBetween's Map; before/after the two
 * /api/control answers; features by id.
 */
export function regionChangesTable(changes, before, after, features, regions, palette) {
  if (!regions.group || changes.size === 0) return null;
  const sides = palette.sides.map((s) => s.id);
  const rows = new Map(); // group -> {name, net: {side: km²}, moved}
  for (const id of changes.keys()) {
    const f = features.get(id);
    const g = f?.properties?.group;
    if (typeof g !== 'string' || g === '') continue;
    const area = Number(f.properties.area_km2) || 0;
    let r = rows.get(g);
    if (!r) {
      r = { key: g, name: regions.group.get(g)?.name ?? regionName(g), net: {}, moved: 0 };
      rows.set(g, r);
    }
    const a = before.districts[id]?.shares ?? {};
    const b = after.districts[id]?.shares ?? {};
    let moved = 0;
    for (const s of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = ((b[s] ?? 0) - (a[s] ?? 0)) * area;
      r.net[s] = (r.net[s] ?? 0) + d;
      if (d > 0) moved += d;
    }
    r.moved += moved;
  }
  const list = [...rows.values()].filter((r) => r.moved > 0.005).sort((x, y) => y.moved - x.moved);
  if (list.length === 0) return null;
  const shown = list.slice(0, CHANGE_ROWS);
  return h('table', { class: 'stats compare by-region' },
    h('caption', {}, 'By region (net km²)'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Region'),
      sides.map((s) => h('th', { scope: 'col', class: 'num' }, swatch(palette.color(s)), palette.shortName(s))))),
    h('tbody', {}, shown.map((r) => h('tr', { dataset: { group: r.key } },
      h('th', { scope: 'row' }, r.name),
      sides.map((s) => {
        const v = r.net[s] ?? 0;
        return h('td', { class: `num net delta${v > 0.005 ? ' up' : v < -0.005 ? ' down' : ''}`, dataset: { side: s, value: String(v) } }, delta(v));
      })))),
    list.length > shown.length
      ? h('tfoot', {}, h('tr', {}, h('td', { colspan: String(sides.length + 1), class: 'muted' },
        `and ${list.length - shown.length} more region${list.length - shown.length === 1 ? '' : 's'} with ${km2(list.slice(CHANGE_ROWS).reduce((s, r) => s + r.moved, 0))} km² changed`)))
      : null);
}
