// The Leaflet map: district geometry is added once, then each date only
// restyles the existing SVG paths. Frontlines get their own pane above.
// A big dataset (a country's thousands of faces) is drawn for the zoom: its
// geometry comes in bands simplified for what the zoom can show, and its
// faces are merged per region and look (faces.js): not outlined one by one,
// their regions are instead (regions.js).

/* global L */

import { FaceLayer } from './faces.js';
import { h, yieldToMain } from './format.js';

export { yieldToMain };

const BORDER = { color: '#3b3b3b', weight: 0.7, opacity: 0.9, dashArray: null };
// Districts whose state changed on the shown date: thick dashed outline.
const CHANGED = { color: '#111111', weight: 2.6, opacity: 1, dashArray: '5 4' };
const HOVER = { color: '#000000', weight: 3.5, opacity: 1, dashArray: null };
// The district picked by search or the keyboard (and the members of a picked group).
const PICKED = { color: '#000000', weight: 4.5, opacity: 1, dashArray: null };
// Districts that changed hands between the comparison date and the shown date.
const GAINED = { color: '#111111', weight: 1.6, opacity: 1, dashArray: null };
// Milliseconds of path making per task while loading (see setDistricts): a
// phone four times slower than a laptop still stays under the 50 ms of a
// long task.
const SLICE_MS = 8;
// Fit padding in px, at most: the scale bar and attribution take the bottom
// strip. A small map (a phone's) pads by a twentieth of its size instead.
const FIT_PADDING = { top: 16, left: 16, right: 16, bottom: 30 };
// A big dataset's merged faces: no border (their regions have one).
const NO_BORDER = { stroke: false, color: '#000000', weight: 0, opacity: 0, dashArray: null };

/** DistrictMap draws the districts and frontlines and reports clicks. */
export class DistrictMap {
  /**
   * el: the map container; palette: a Palette; tiles: {url, attribution, on}
   * of the basemap (no url: none; on: shown at start); onSelect(id, latlng):
   * a district was clicked; big: a dataset of many small faces (see above).
   */
  constructor(el, { palette, tiles, onSelect, big = false }) {
    this.palette = palette;
    this.big = big;
    this.styled = new Map(); // id -> key of the style last set, so a date step touches only what changed
    this.mergedLooks = new Map(); // a big dataset's looks of merged faces, by state
    this.onSelect = onSelect;
    this.layers = new Map(); // district id -> L.Path
    this.names = new Map(); // district id -> name, for the tooltip
    this.control = null; // the shown /api/control answer
    this.changes = null; // id -> {gainer, loser} while comparing two dates
    this.hovered = null;
    this.picked = new Set(); // ids drawn with the PICKED outline
    this.bounds = null; // of all districts
    this.autoFit = false; // keep the view fitted to the districts until the user moves it
    this.fitting = false;
    this.initial = false;
    this.map = L.map(el, { zoomSnap: 0.25, zoomDelta: 0.5, wheelPxPerZoomLevel: 90, worldCopyJump: false, preferCanvas: false });
    this.map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    this.map.createPane('frontlines').style.zIndex = 450;
    if (big) {
      this.map.createPane('faces').style.zIndex = 400;
      // Region borders over the faces, then the picked faces' outline, under the front line.
      this.map.createPane('regions').style.zIndex = 420;
      this.map.createPane('picked').style.zIndex = 430;
      el.classList.add('big');
    }
    // Leaflet writes attributions as HTML: the configured text goes in escaped.
    this.tiles = tiles.url ? new PolicyTiles(tiles.url, { maxZoom: 19, attribution: escapeHTML(tiles.attribution) }) : null;
    if (tiles.on) this.tiles?.addTo(this.map);
    // className must be a layer option, not a style: Leaflet sets it once, when the path is made.
    this.frontCasing = L.geoJSON(null, {
      pane: 'frontlines', interactive: false, className: 'frontline-casing',
      style: { color: '#ffffff', weight: 7, opacity: 0.75, lineCap: 'round' },
    });
    this.frontLine = L.geoJSON(null, {
      pane: 'frontlines', interactive: false, className: 'frontline',
      style: { color: '#111111', weight: 3.5, opacity: 1, lineCap: 'round' },
      // The pair of sides, on the path, for tests and styling.
      onEachFeature: (f, layer) => layer.on('add', () => {
        layer.getElement().dataset.sides = (f.properties?.sides ?? []).join('|');
      }),
    });
    this.fronts = L.layerGroup([this.frontCasing, this.frontLine]).addTo(this.map);
    L.control.scale({ imperial: false }).addTo(this.map);
    // One tooltip for all districts, moved to the one under the pointer (or
    // the keyboard's): a tooltip bound to each path would also make every
    // path a Tab stop, since Chromium lets SVG elements with focus listeners
    // take the focus.
    this.tip = L.tooltip({ direction: 'top', offset: [0, -6], className: 'district-tip' });
    this.map.on('movestart', () => { if (!this.fitting) this.autoFit = false; });
    // Leaflet measures its container only on window resizes; the page's layout
    // can change it too (the time bar filling in, the error banner).
    new ResizeObserver(() => this.resized()).observe(el);
    const overlays = this.tiles ? { Basemap: this.tiles, Frontlines: this.fronts } : { Frontlines: this.fronts };
    L.control.layers(null, overlays, { collapsed: true }).addTo(this.map);
  }

  /**
   * Adds the district FeatureCollection; called once. The paths are made a
   * slice at a time, yielding between slices, so a slow phone never sees one
   * long task (the page stays responsive while thousands of districts load).
   * setView(), if given, places the map once the bounds are known and before
   * any path is drawn, so no path is drawn twice.
   */
  async setDistricts(fc, setView) {
    const features = fc.features ?? [];
    // A big dataset's from its arcs' bounds: its faces' rings are built only when needed.
    this.bounds = this.big && fc.topology ? boxesBounds(fc.topology.boxes) : boundsOf(features);
    setView?.();
    await yieldToMain();
    if (this.big) {
      for (const f of features) {
        const id = String(f.id ?? f.properties?.id);
        this.names.set(id, String(f.properties?.name ?? id));
      }
      this.faces = new FaceLayer(this.map, {
        pane: 'faces', pickPane: 'picked', hover: HOVER,
        on: {
          click: (id, latlng) => this.onSelect(id, latlng),
          over: (id, latlng) => this.showTip(id, latlng),
          out: () => this.map.closeTooltip(this.tip),
        },
      });
      this.faces.setTopology(fc);
      return;
    }
    const group = L.geoJSON(null, {
      className: 'district',
      style: () => ({ ...BORDER, fillColor: '#ffffff', fillOpacity: 0 }),
      onEachFeature: (feature, layer) => this.wire(feature, layer),
    }).addTo(this.map);
    let start = performance.now();
    for (const f of features) {
      if (performance.now() - start > SLICE_MS) {
        await yieldToMain();
        start = performance.now();
      }
      group.addData(f);
    }
  }

  /** A big dataset's faces in the geometry of fc: the same faces, drawn for another zoom band. */
  setGeometry(fc) {
    this.faces?.setTopology(fc);
  }

  /** Whether district id is drawn. */
  has(id) {
    return this.faces ? this.faces.has(id) : this.layers.has(id);
  }

  /** The bounds of district id as [west, south, east, north], or null. */
  boxOf(id) {
    if (this.faces) return this.faces.boxOf(id);
    const b = this.layers.get(id)?.getBounds();
    return b ? [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()] : null;
  }

  /** The bounds of district id (a LatLngBounds), or null. */
  boundsOf(id) {
    if (this.faces) return this.faces.boundsOf(id);
    return this.layers.get(id)?.getBounds() ?? null;
  }

  /** Shows every district, and keeps doing so through layout changes until the user pans or zooms. */
  fitAll() {
    this.autoFit = true;
    this.refit();
  }

  refit() {
    this.fitting = true;
    try {
      this.map.invalidateSize({ pan: false });
      const { x, y } = this.map.getSize();
      const pad = (v, most) => Math.min(most, Math.max(8, Math.round(v / 20)));
      const padding = {
        paddingTopLeft: [pad(x, FIT_PADDING.left), pad(y, FIT_PADDING.top)],
        paddingBottomRight: [pad(x, FIT_PADDING.right), pad(y, FIT_PADDING.bottom)],
      };
      if (this.bounds?.isValid()) this.map.fitBounds(this.bounds, { ...padding, animate: false });
      else this.map.setView([0, 0], 2, { animate: false });
    } finally {
      this.fitting = false;
    }
  }

  resized() {
    if (!this.autoFit) {
      this.map.invalidateSize(); // keeps the centre where the user put it
      return;
    }
    // The observer also reports the size it starts with: redraw only on a change.
    const before = this.map.getSize();
    this.map.invalidateSize({ pan: false });
    if (!this.map.getSize().equals(before)) this.refit();
  }

  wire(feature, layer) {
    const id = String(feature.id ?? feature.properties?.id);
    this.layers.set(id, layer);
    this.names.set(id, String(feature.properties?.name ?? id));
    // The SVG path exists only once the map has a view: tag it then, for tests and styling.
    layer.on('add', () => { layer.getElement().dataset.id = id; });
    layer.on('mouseover', (e) => {
      this.hovered = id;
      this.styled.delete(id);
      layer.setStyle(HOVER);
      layer.bringToFront();
      this.showTip(id, e.latlng);
    });
    layer.on('mousemove', (e) => this.tip.setLatLng(e.latlng));
    layer.on('mouseout', () => {
      this.hovered = null;
      this.styled.delete(id);
      this.restyle(id, layer);
      this.map.closeTooltip(this.tip);
    });
    layer.on('click', (e) => this.onSelect(id, e.latlng));
  }

  /** Shows the name of district id at latlng. */
  showTip(id, latlng) {
    // Leaflet inserts string content as HTML: the name goes in as an element
    // whose only child is a text node (h never parses markup).
    this.tip.setContent(h('span', {}, this.names.get(id) ?? id));
    this.tip.setLatLng(latlng);
    if (!this.map.hasLayer(this.tip)) this.map.openTooltip(this.tip);
  }

  hideTip() {
    this.map.closeTooltip(this.tip);
  }

  /** Outlines the districts of ids (search picks, the keyboard's district); [] clears. */
  pick(ids) {
    const before = this.picked;
    this.picked = new Set(ids);
    if (this.faces) {
      this.faces.pick(ids);
      return;
    }
    for (const id of new Set([...before, ...this.picked])) {
      const layer = this.layers.get(id);
      if (!layer) continue;
      this.restyle(id, layer);
      const el = layer.getElement();
      if (this.picked.has(id)) {
        layer.bringToFront();
        if (el) el.dataset.highlight = '';
      } else if (el) {
        delete el.dataset.highlight;
      }
    }
  }

  /**
   * Restyles every district for a /api/control answer; no geometry is touched
   * (a big dataset's merged faces are reshaped where their looks changed:
   * the promise it returns then resolves once drawn). initial: the dataset's
   * first date, where every district "changed" (its record starts): no
   * outline then, it would only say that.
   */
  showControl(control, initial = false, changes = null) {
    this.control = control;
    this.initial = initial;
    this.changes = changes;
    if (this.faces) return this.faces.render((i) => this.lookOf(this.faces.ids[i]));
    const changed = [];
    for (const [id, layer] of this.layers) {
      this.restyle(id, layer);
      const ch = changes?.get(id);
      const el = layer.getElement();
      // The change on the path, for tests and styling: "gainer>loser", or absent.
      if (el) {
        if (ch) el.dataset.change = `${ch.gainer}>${ch.loser}`;
        else delete el.dataset.change;
      }
      if (changes ? ch : (!initial && control.districts[id]?.changed)) changed.push(layer);
    }
    // Dashed outlines must not be hidden under the neighbours' borders.
    for (const layer of changed) layer.bringToFront();
    for (const id of this.picked) this.layers.get(id)?.bringToFront();
    if (this.hovered) {
      this.styled.delete(this.hovered);
      this.layers.get(this.hovered)?.setStyle(HOVER);
    }
  }

  /** Forgets the styles set, so the next showControl sets every one (the colours changed). */
  repaint() {
    this.styled.clear();
    this.mergedLooks.clear();
    this.faces?.forgetStyles();
  }

  /**
   * How a big dataset's face id looks: {style, own, change}. A face changed
   * on the shown date or between the compared dates is drawn on its own,
   * outlined; the others merge with their region's faces of the same look.
   */
  lookOf(id) {
    const state = this.control?.districts[id];
    const ch = this.changes?.get(id);
    const own = this.changes ? !!ch : !!state?.changed && !this.initial;
    if (own) {
      return { style: { ...this.fillOf(id, state), ...this.outlineOf(id, state) }, own, change: ch ? `${ch.gainer}>${ch.loser}` : null };
    }
    // Thousands of faces share a handful of looks: one style object each.
    const key = `${this.changes ? 'faded' : 'plain'}|${state?.controller}|${sharesKey(state?.shares, state?.controller)}`;
    let look = this.mergedLooks.get(key);
    if (!look) {
      look = { style: { ...this.fillOf(id, state), ...NO_BORDER }, own: false, change: null };
      this.mergedLooks.set(key, look);
    }
    return look;
  }

  /** Sets district id's style unless it already has it: thousands of faces, few of which change in a day. */
  restyle(id, layer) {
    const style = this.styleOf(id);
    const key = `${style.fillColor}|${style.fillOpacity}|${style.color}|${style.weight}|${style.opacity}|${style.dashArray}`;
    if (this.styled.get(id) === key) return;
    this.styled.set(id, key);
    layer.setStyle(style);
  }

  styleOf(id) {
    const state = this.control?.districts[id];
    const fill = this.fillOf(id, state);
    if (this.picked.has(id)) return { ...fill, ...PICKED };
    return { ...fill, ...this.outlineOf(id, state) };
  }

  fillOf(id, state) {
    if (this.changes) {
      const ch = this.changes.get(id);
      return ch ? this.palette.gained(ch.gainer, ch.loser) : this.palette.faded(state);
    }
    return this.palette.fill(state);
  }

  outlineOf(id, state) {
    if (this.changes) {
      const ch = this.changes.get(id);
      // A country's changed faces are small at its zoom: a wide border in the gainer's colour makes them seen.
      if (ch && this.big) return { ...GAINED, color: this.palette.color(ch.gainer), weight: 3 };
      if (ch) return GAINED;
    } else if (state?.changed && !this.initial) {
      return CHANGED;
    }
    return BORDER;
  }

  /** Replaces the frontline lines; null hides them. */
  showFrontlines(fc) {
    this.frontCasing.clearLayers();
    this.frontLine.clearLayers();
    if (!fc) return;
    this.frontCasing.addData(fc);
    this.frontLine.addData(fc);
  }

  /** The district's path (a big dataset's face: only when drawn on its own), e.g. for tests and to anchor popups. */
  layer(id) {
    return this.faces ? this.faces.pathOf(id) : this.layers.get(id);
  }
}

/**
 * Leaflet's tile layer, except that a tile it cancels or removes loses its
 * src instead of getting Leaflet's blank data: image, which the page's
 * Content-Security-Policy (img-src: this server and the tile host) blocks
 * and reports on every zoom. Removing src cancels the request all the same.
 */
const PolicyTiles = L.TileLayer.extend({
  _abortLoading() {
    for (const key in this._tiles) {
      const t = this._tiles[key];
      if (t.coords.z === this._tileZoom) continue;
      t.el.onload = L.Util.falseFn;
      t.el.onerror = L.Util.falseFn;
      if (t.el.complete) continue;
      t.el.removeAttribute('src');
      L.DomUtil.remove(t.el);
      delete this._tiles[key];
      this.fire('tileabort', { tile: t.el, coords: t.coords });
    }
  },
  _removeTile(key) {
    const t = this._tiles[key];
    if (!t) return undefined;
    t.el.removeAttribute('src');
    return L.GridLayer.prototype._removeTile.call(this, key);
  },
  _tileReady(coords, err, tile) {
    // A tile whose src was taken away is not ready, whatever event it fires.
    if (!this._map || (tile && !tile.hasAttribute('src'))) return undefined;
    return L.GridLayer.prototype._tileReady.call(this, coords, err, tile);
  },
});

/** The bounds of arcs' bounds (west, south, east, north, four numbers an arc). */
/** A key of a shares object: the same for the same sides and shares ("" for the whole held by controller). */
function sharesKey(shares, controller) {
  if (!shares) return '-';
  let n = 0;
  for (const side in shares) if (++n > 1 || side !== controller || shares[side] !== 1) break;
  if (n === 1 && shares[controller] === 1) return '';
  let k = '';
  for (const side of Object.keys(shares).sort()) k += `${side}=${shares[side]};`;
  return k;
}

function boxesBounds(boxes) {
  let [w, south, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let q = 0; q < boxes.length; q += 4) {
    if (boxes[q] < w) w = boxes[q];
    if (boxes[q + 1] < south) south = boxes[q + 1];
    if (boxes[q + 2] > e) e = boxes[q + 2];
    if (boxes[q + 3] > n) n = boxes[q + 3];
  }
  return w <= e ? L.latLngBounds([south, w], [n, e]) : L.latLngBounds([]);
}

/** The bounds of GeoJSON features, without making layers. */
function boundsOf(features) {
  let w = Infinity;
  let south = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  const visit = (c) => {
    if (typeof c[0] === 'number') {
      if (c[0] < w) w = c[0];
      if (c[0] > e) e = c[0];
      if (c[1] < south) south = c[1];
      if (c[1] > n) n = c[1];
      return;
    }
    for (let i = 0; i < c.length; i++) visit(c[i]);
  };
  for (const f of features) if (f.geometry?.coordinates) visit(f.geometry.coordinates);
  return w <= e ? L.latLngBounds([south, w], [n, e]) : L.latLngBounds([]);
}

/** Escapes text for the few Leaflet APIs that take HTML. */
export function escapeHTML(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
