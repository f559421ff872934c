// Names on the map: a point inside each district, and labels for the
// districts (or, for a country's faces, the regions) large enough on screen
// to hold their name (the largest first, none overlapping). Recomputed when
// the view changes, never per date.

/* global L */

const MIN_AREA_PX = 2600; // a district smaller than ~50×50 px gets no label
// On a phone-sized map the whole city is small: names may then stand on
// districts of ~30×30 px and reach over the neighbours (still never over
// another name), or a first view would name one district.
const SMALL_MAP_PX = 600;
const SMALL_MIN_AREA_PX = 900;
const MAX_LABELS = 250;
const CHAR_PX = 6.4; // average width of a label character at the label font size
const LABEL_H = 16;

/**
 * A point inside a (Multi)Polygon, as [lat, lng]: the middle of the widest
 * stretch of the horizontal line through the middle of the largest polygon
 * (the centroid can fall outside a bent district).
 */
export function interiorPoint(geometry) {
  const polys = geometry?.type === 'Polygon' ? [geometry.coordinates]
    : geometry?.type === 'MultiPolygon' ? geometry.coordinates : [];
  let best = null;
  let bestArea = -1;
  for (const rings of polys) {
    const a = Math.abs(ringArea(rings[0] ?? []));
    if (a > bestArea) [best, bestArea] = [rings, a];
  }
  if (!best || best[0].length === 0) return null;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const [, y] of best[0]) [minY, maxY] = [Math.min(minY, y), Math.max(maxY, y)];
  const y = (minY + maxY) / 2;
  const xs = [];
  for (const ring of best) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [x0, y0] = ring[j];
      const [x1, y1] = ring[i];
      // Half-open, so a vertex on the line counts once.
      if ((y0 <= y && y < y1) || (y1 <= y && y < y0)) xs.push(x0 + ((y - y0) * (x1 - x0)) / (y1 - y0));
    }
  }
  xs.sort((a, b) => a - b);
  let x = (best[0][0][0] + best[0][Math.floor(best[0].length / 2)][0]) / 2;
  let widest = -1;
  for (let i = 0; i + 1 < xs.length; i += 2) {
    if (xs[i + 1] - xs[i] > widest) [widest, x] = [xs[i + 1] - xs[i], (xs[i] + xs[i + 1]) / 2];
  }
  return [y, x];
}

function ringArea(ring) {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  return a / 2;
}

/**
 * What Labels places for each district feature: {id, km2, name, nameAr,
 * point}. The interior point is found when first needed: at the first view
 * only the largest districts are labelled.
 */
export function featureItems(features) {
  const items = [];
  for (const f of features) {
    if (!f.geometry) continue;
    const p = f.properties ?? {};
    let point;
    items.push({
      id: String(f.id ?? p.id), km2: Number(p.area_km2) || 0,
      name: String(p.name ?? f.id ?? ''), nameAr: typeof p.name_ar === 'string' ? p.name_ar : '',
      get point() {
        if (point === undefined) point = interiorPoint(f.geometry);
        return point;
      },
    });
  }
  return items;
}

/** Labels keeps the labels of a Leaflet map up to date. */
export class Labels {
  /**
   * map: a Leaflet map; items: what to name, {id, km2, name, nameAr, point,
   * kind}, as featureItems or regions.js make them (kind, if any, is a
   * class of the label: "group" for the largest regions).
   */
  constructor(map, items) {
    this.map = map;
    this.arabic = false;
    this.items = items;
    this.byId = new Map(items.map((it) => [it.id, it]));
    this.shown = new Map(); // id -> L.Marker
    map.createPane('labels').style.zIndex = 460;
    map.on('zoomend moveend', () => this.update());
  }

  /** The point of item id (a district's interior point), as [lat, lng]. */
  pointOf(id) {
    return this.byId.get(id)?.point ?? null;
  }

  setArabic(on) {
    if (on === this.arabic) return;
    this.arabic = on;
    for (const m of this.shown.values()) m.remove();
    this.shown.clear();
    this.update();
  }

  update() {
    const zoom = this.map.getZoom();
    const bounds = this.map.getBounds().pad(0.1);
    const mPerPx = (40075016.686 * Math.cos((this.map.getCenter().lat * Math.PI) / 180)) / 2 ** (zoom + 8);
    const pxPerKm2 = 1e6 / (mPerPx * mPerPx);
    const small = this.map.getSize().x < SMALL_MAP_PX;
    const minArea = small ? SMALL_MIN_AREA_PX : MIN_AREA_PX;
    const reach = small ? 4 : 2.2; // how many times its district's width a name may be
    const candidates = this.items
      .filter((it) => it.km2 * pxPerKm2 >= minArea && it.point && bounds.contains(it.point))
      .sort((a, b) => b.km2 - a.km2);
    // The map's buttons count as placed: a name under them could not be read.
    const box0 = this.map.getContainer().getBoundingClientRect();
    const placed = [...this.map.getContainer().querySelectorAll('.leaflet-top .leaflet-control')].map((el) => {
      const r = el.getBoundingClientRect();
      return [r.left - box0.left, r.top - box0.top, r.right - box0.left, r.bottom - box0.top];
    });
    const want = new Set();
    for (const it of candidates) {
      if (want.size >= MAX_LABELS) break;
      const text = this.textOf(it);
      const w = text.length * (it.charPx ?? CHAR_PX) + 8;
      // A name much wider than its district would cover the neighbours.
      if (w > (it.reach ?? reach) * Math.sqrt(it.km2 * pxPerKm2)) continue;
      const c = this.map.latLngToContainerPoint(it.point);
      const box = [c.x - w / 2, c.y - LABEL_H / 2, c.x + w / 2, c.y + LABEL_H / 2];
      // A region's name is whole or not shown (a cut one reads as another name).
      if (it.kind && (box[0] < 0 || box[2] > box0.width || box[1] < 0 || box[3] > box0.height)) continue;
      if (placed.some((b) => box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3])) continue;
      placed.push(box);
      want.add(it);
    }
    const keep = new Set([...want].map((it) => it.id));
    for (const [id, m] of this.shown) {
      if (!keep.has(id)) {
        m.remove();
        this.shown.delete(id);
      }
    }
    for (const it of want) {
      if (this.shown.has(it.id)) continue;
      const span = document.createElement('span');
      span.textContent = this.textOf(it);
      if (this.arabic && it.nameAr) {
        span.lang = 'ar';
        span.dir = 'rtl';
      }
      span.dataset.id = it.id;
      const icon = L.divIcon({ className: it.kind ? `district-label ${it.kind}` : 'district-label', html: span, iconSize: null });
      this.shown.set(it.id, L.marker(it.point, { icon, pane: 'labels', interactive: false, keyboard: false }).addTo(this.map));
    }
  }

  textOf(it) {
    return this.arabic && it.nameAr ? it.nameAr : it.name;
  }
}
