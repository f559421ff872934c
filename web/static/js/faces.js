// A country's faces, drawn merged. Thousands of small faces, each wholly
// held by one side on each date, would be thousands of SVG paths: painting
// them takes even a laptop half a second, a phone far longer, and the seams
// between them show. Drawn instead is one path per region and look: the
// faces of a region that look the same on the shown date, joined along the
// borders they share (the topology's arcs, so the union is exact at the
// band's tolerance and needs no outline). A face whose look is its own
// (changed on the shown date, or changed hands between the compared dates)
// keeps a path of its own, class "district" with its data-id, as a city's
// districts have. A click or a hover on a merged path is mapped back to the
// face under the pointer.

/* global L */

import { yieldToMain } from './format.js';

// Milliseconds of path making per task (see render).
const SLICE_MS = 8;

/** FaceLayer draws the faces of a topology (toFeatureCollection's) on a Leaflet map. */
export class FaceLayer {
  /**
   * map: the Leaflet map; pane: the pane of the paths; pickPane: the pane
   * of the outline of picked faces; hover: the style of a path under the
   * pointer; on: {click(id, latlng), over(id, latlng), out()} for the face
   * under the pointer.
   */
  constructor(map, { pane, pickPane, hover, on }) {
    this.map = map;
    this.pane = pane;
    this.hover = hover;
    this.hovered = null; // the path record under the pointer
    this.on = on;
    this.group = L.layerGroup().addTo(map);
    this.paths = new Map(); // key -> {poly, members: [face index], sig, styleKey, own}
    this.pickLine = L.polygon([], {
      pane: pickPane, interactive: false, className: 'picked', fill: false, color: '#000000', weight: 4, opacity: 1,
    }).addTo(map);
    this.picked = [];
    this.looks = null;
    this.token = 0; // bumps per render: a render that yields stops when another began
    this.lookIdx = new Map(); // style key -> its number, for the paths' keys
  }

  /**
   * Takes the faces and arcs of fc (a collection from toFeatureCollection,
   * of the same faces as before when called again for another zoom band);
   * the next render redraws every path.
   */
  setTopology(fc) {
    const { arcs, nodes, boxes, geometries } = fc.topology;
    const features = fc.features;
    this.features = features;
    this.arcs = arcs;
    this.index = new Map(features.map((f, i) => [String(f.id ?? f.properties?.id), i]));
    this.ids = features.map((f) => String(f.id ?? f.properties?.id));
    this.region = features.map((f) => {
      const p = f.properties ?? {};
      return String(p.region || p.group || '');
    });
    // Regions and looks as numbers: a path's key is region × 65536 + look (a face of its own: −1 − its index).
    const regions = new Map();
    this.regionIdx = Int32Array.from(this.region, (r) => {
      if (!regions.has(r)) regions.set(r, regions.size);
      return regions.get(r);
    });
    // Who uses each arc: users[2k] and users[2k+1], uses[k] times in all;
    // each face's bounds, from its arcs'.
    const n = arcs.length;
    this.users = new Int32Array(2 * n).fill(-1);
    this.uses = new Uint8Array(n);
    this.boxes = new Float64Array(4 * geometries.length).fill(NaN);
    geometries.forEach((g, i) => {
      let [w, south, e, north] = [Infinity, Infinity, -Infinity, -Infinity];
      for (const rings of polygonsOf(g.type, g.arcs)) {
        for (const refs of rings) {
          for (const ref of refs) {
            const k = ref < 0 ? ~ref : ref;
            if (k >= n) throw new Error(`arc ${ref} does not exist`);
            if (this.uses[k] === 0) this.users[2 * k] = i;
            else this.users[2 * k + 1] = i;
            if (this.uses[k] < 255) this.uses[k]++;
            const q = 4 * k;
            if (boxes[q] < w) w = boxes[q];
            if (boxes[q + 1] < south) south = boxes[q + 1];
            if (boxes[q + 2] > e) e = boxes[q + 2];
            if (boxes[q + 3] > north) north = boxes[q + 3];
          }
        }
      }
      if (w <= e) this.boxes.set([w, south, e, north], 4 * i);
    });
    this.nodes = nodes;
    for (const rec of this.paths.values()) rec.sig = null; // new shapes for every path
    if (this.looks) this.render(this.looks);
    if (this.picked.length > 0) this.pick(this.picked);
  }

  /**
   * Draws the faces as looks says: looks(i) → {style, own, change} for face
   * i (own: a path of its own; change: its data-change, or null). Only the
   * paths whose faces changed are reshaped, the rest at most restyled; the
   * reshaping is cut into tasks of SLICE_MS (the first drawing of a country
   * reshapes hundreds of paths). Resolves once drawn, or once a later
   * render has taken over.
   */
  async render(looks) {
    this.looks = looks;
    const token = ++this.token;
    const count = this.ids.length;
    const keys = new Float64Array(count);
    const styles = new Map(); // key -> style
    const members = new Map(); // key -> [face index]
    const changes = new Map(); // key -> change
    const lookOf = new Map(); // style object -> its number: merged faces share a few
    let started = performance.now();
    for (let i = 0; i < count; i++) {
      // A country's faces are thousands: their looks are found in slices too.
      if ((i & 511) === 0 && performance.now() - started > SLICE_MS) {
        await yieldToMain();
        if (token !== this.token) return;
        started = performance.now();
      }
      const look = looks(i);
      let key;
      if (look.own) {
        key = -1 - i;
      } else {
        let li = lookOf.get(look.style);
        if (li === undefined) {
          const sk = styleKey(look.style);
          li = this.lookIdx.get(sk);
          if (li === undefined) this.lookIdx.set(sk, (li = this.lookIdx.size));
          lookOf.set(look.style, li);
        }
        key = this.regionIdx[i] * 65536 + li;
      }
      keys[i] = key;
      if (!members.has(key)) {
        members.set(key, []);
        styles.set(key, look.style);
        changes.set(key, look.own ? look.change : null);
      }
      members.get(key).push(i);
    }
    const edges = new Map(); // key -> [arc index]
    const add = (key, k) => {
      let list = edges.get(key);
      if (!list) edges.set(key, (list = []));
      list.push(k);
    };
    for (let k = 0; k < this.arcs.length; k++) {
      const a = this.users[2 * k];
      if (a < 0) continue;
      if (this.uses[k] === 1) {
        add(keys[a], k);
      } else {
        const b = this.users[2 * k + 1];
        if (a !== b && keys[a] !== keys[b]) {
          add(keys[a], k);
          add(keys[b], k);
        }
      }
    }
    for (const [key, rec] of this.paths) {
      if (!members.has(key)) {
        this.group.removeLayer(rec.poly);
        this.paths.delete(key);
      }
    }
    started = performance.now();
    for (const [key, list] of members) {
      if (performance.now() - started > SLICE_MS) {
        await yieldToMain();
        if (token !== this.token) return;
        started = performance.now();
      }
      const style = styles.get(key);
      const sig = signature(list);
      let rec = this.paths.get(key);
      if (!rec) {
        const own = key < 0;
        const poly = L.polygon([], { pane: this.pane, className: own ? 'district' : 'face-group', ...style });
        rec = { key, poly, members: list, sig: null, style, styleKey: styleKey(style), own };
        if (!own) this.reorder = true; // added after the faces of their own, it would cover them
        this.paths.set(key, rec);
        this.wire(rec);
        this.group.addLayer(poly);
      } else if (rec.styleKey !== styleKey(style)) {
        rec.style = style;
        rec.styleKey = styleKey(style);
        if (this.hovered !== rec) rec.poly.setStyle(style);
      }
      rec.members = list;
      if (rec.sig !== sig) {
        rec.sig = sig;
        rec.poly.setLatLngs(this.loops(edges.get(key) ?? []));
      }
      const el = rec.poly.getElement();
      if (el) {
        // Written only when they differ: each write restyles the path.
        const set = (k, v) => {
          if (v === null) {
            if (k in el.dataset) delete el.dataset[k];
          } else if (el.dataset[k] !== v) {
            el.dataset[k] = v;
          }
        };
        if (rec.own) {
          set('id', this.ids[list[0]]);
          set('change', changes.get(key) ?? null);
        } else {
          set('region', this.region[list[0]]);
          set('faces', String(list.length));
        }
      }
    }
    // Faces of their own on top: their outlines must not hide under a neighbour.
    if (this.reorder) for (const rec of this.paths.values()) if (rec.own) rec.poly.bringToFront();
    this.reorder = false;
  }

  /**
   * The closed loops of the arcs ks (each a border of the merged faces),
   * as Leaflet rings [lat, lng]: followed end to end, an arc at a time,
   * whichever way each runs. Drawn with the even-odd rule, the loops are the
   * union whatever their order and direction.
   */
  loops(ks) {
    const at = new Map(); // node -> [arc index]
    const link = (nd, k) => {
      let l = at.get(nd);
      if (!l) at.set(nd, (l = []));
      l.push(k);
    };
    const start = (k) => this.nodes[2 * k];
    const end = (k) => this.nodes[2 * k + 1];
    for (const k of ks) {
      link(start(k), k);
      link(end(k), k);
    }
    const used = new Set();
    const rings = [];
    for (const k0 of ks) {
      if (used.has(k0)) continue;
      const ring = [];
      const first = start(k0);
      let k = k0;
      let forward = true;
      for (;;) {
        used.add(k);
        const a = this.arcs[k];
        if (forward) for (let j = ring.length > 0 ? 1 : 0; j < a.length; j++) ring.push([a[j][1], a[j][0]]);
        else for (let j = a.length - 1 - (ring.length > 0 ? 1 : 0); j >= 0; j--) ring.push([a[j][1], a[j][0]]);
        const nd = forward ? end(k) : start(k);
        if (nd === first) break;
        const next = (at.get(nd) ?? []).find((x) => !used.has(x));
        if (next === undefined) break; // an open chain (not in a valid coverage): drawn closed as it is
        forward = start(next) === nd;
        k = next;
      }
      if (ring.length >= 3) rings.push(ring);
    }
    return rings;
  }

  wire(rec) {
    const p = rec.poly;
    p.on('click', (e) => {
      const id = this.faceAt(rec, e.latlng);
      if (id !== null) this.on.click(id, e.latlng);
    });
    p.on('mouseover mousemove', (e) => {
      if (this.hovered !== rec) {
        this.unhover();
        this.hovered = rec;
        p.setStyle(this.hover);
      }
      const id = this.faceAt(rec, e.latlng);
      if (id !== null) this.on.over(id, e.latlng);
    });
    p.on('mouseout', () => {
      this.unhover();
      this.on.out();
    });
  }

  unhover() {
    const rec = this.hovered;
    this.hovered = null;
    if (rec && this.paths.get(rec.key) === rec) rec.poly.setStyle(rec.style);
  }

  /** Makes the next render set every path's style again (the colours changed). */
  forgetStyles() {
    for (const rec of this.paths.values()) rec.styleKey = null;
  }

  /** The id of the face of rec under latlng (the nearest member's when none contains it), or null. */
  faceAt(rec, latlng) {
    if (rec.own) return this.ids[rec.members[0]];
    const pt = [latlng.lng, latlng.lat];
    let near = null;
    for (const i of rec.members) {
      const b = this.boxOfIndex(i);
      if (!b || pt[0] < b[0] || pt[0] > b[2] || pt[1] < b[1] || pt[1] > b[3]) continue;
      near ??= i;
      if (contains(this.features[i].geometry, pt)) return this.ids[i];
    }
    return near === null ? (rec.members.length > 0 ? this.ids[rec.members[0]] : null) : this.ids[near];
  }

  /** Outlines the union of the faces ids (a face, a region, an oblast); [] clears. */
  pick(ids) {
    this.picked = ids;
    const set = new Set(ids.map((id) => this.index.get(id)).filter((i) => i !== undefined));
    const ks = [];
    for (let k = 0; k < this.arcs.length; k++) {
      const a = this.users[2 * k];
      if (a < 0) continue;
      const b = this.uses[k] === 1 ? a : this.users[2 * k + 1];
      if (a === b ? set.has(a) && this.uses[k] === 1 : set.has(a) !== set.has(b)) ks.push(k);
    }
    this.pickLine.setLatLngs(set.size > 0 ? this.loops(ks) : []);
    const el = this.pickLine.getElement();
    if (el) {
      if (set.size > 0) el.dataset.ids = [...set].map((i) => this.ids[i]).sort().join(' ');
      else delete el.dataset.ids;
    }
  }

  /** Whether face id is drawn. */
  has(id) {
    return this.index.has(id);
  }

  /** The bounds of face id, as a Leaflet LatLngBounds, or null. */
  boundsOf(id) {
    const b = this.boxOf(id);
    return b ? L.latLngBounds([b[1], b[0]], [b[3], b[2]]) : null;
  }

  /** The bounds of face id as [west, south, east, north], or null. */
  boxOf(id) {
    const i = this.index.get(id);
    return i === undefined ? null : this.boxOfIndex(i);
  }

  boxOfIndex(i) {
    const q = 4 * i;
    return Number.isNaN(this.boxes[q]) ? null : [this.boxes[q], this.boxes[q + 1], this.boxes[q + 2], this.boxes[q + 3]];
  }

  /** The own path of face id, if it has one. */
  pathOf(id) {
    const i = this.index.get(id);
    return i === undefined ? null : this.paths.get(-1 - i)?.poly ?? null;
  }
}

function styleKey(s) {
  return `${s.fillColor}|${s.fillOpacity}|${s.color}|${s.weight}|${s.opacity}|${s.dashArray}|${s.stroke}`;
}

/** Which faces a list holds, in a number that changes when they do (count, sum and a hash of the indices). */
function signature(list) {
  let sum = 0;
  let hash = 0;
  for (const i of list) {
    sum += i;
    hash = (hash ^ Math.imul(i + 1, 2654435761)) >>> 0;
  }
  return `${list.length}:${sum}:${hash}`;
}

function polygonsOf(type, coords) {
  return type === 'Polygon' ? [coords] : type === 'MultiPolygon' ? coords : [];
}

/** The bounds of (Multi)Polygon g as [west, south, east, north], or null. */
export function bbox(g) {
  let b = null;
  for (const rings of polygonsOf(g?.type, g?.coordinates)) {
    for (const [x, y] of rings[0] ?? []) {
      if (!b) b = [x, y, x, y];
      else b = [Math.min(b[0], x), Math.min(b[1], y), Math.max(b[2], x), Math.max(b[3], y)];
    }
  }
  return b;
}

/** Whether [x, y] is inside (Multi)Polygon g (even-odd over all its rings). */
export function contains(g, [x, y]) {
  let inside = false;
  for (const rings of polygonsOf(g?.type, g?.coordinates)) {
    for (const ring of rings) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i];
        const [xj, yj] = ring[j];
        if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      }
    }
  }
  return inside;
}
