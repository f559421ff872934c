// Entry point: loads meta, geometry and the stats series once, then shows one
// date at a time. Reading order: App.start, App.showDate, then the helpers.

import { Api } from './api.js';
import { addDays, clampDate, parseDate } from './dates.js';
import { h, linkify } from './format.js';
import { DistrictMap } from './mapview.js';
import { Palette, UNASSIGNED_COLOR, svg } from './palette.js';
import { formatHash, parseHash } from './permalink.js';
import { districtPopup } from './popup.js';
import { StatsPanel } from './stats.js';
import { Timeline } from './timeline.js';

/* global L */

/** App owns the page's state: the shown date, the caches (in Api) and the widgets. */
class App {
  constructor() {
    this.api = new Api();
    this.date = null;
    this.seq = 0; // bumps per showDate so a slow answer for an old date is dropped
    this.selected = null; // {id, latlng} of the district whose popup is open
    this.features = new Map(); // id -> GeoJSON feature
    this.errorKind = null;
  }

  async start() {
    const wanted = parseHash(location.hash);
    const tiles = new URLSearchParams(location.search).get('tiles') !== 'off';
    // Geometry is the largest download: start it before meta arrives.
    const districtsP = this.api.districts();
    districtsP.catch(() => {}); // reported where it is awaited
    const meta = await this.api.meta();
    if (parseDate(meta.first_date) === null || parseDate(meta.last_date) === null) {
      throw new Error(`api/meta gave no usable date range (first_date ${meta.first_date}, last_date ${meta.last_date}).`);
    }
    this.meta = meta;
    const date = wanted.date ? clampDate(wanted.date, meta.first_date, meta.last_date) : meta.first_date;
    this.api.control(date).catch(() => {}); // prefetch; reported in showDate
    const seriesP = this.api.series(meta.first_date, meta.last_date);
    seriesP.catch(() => {});

    this.palette = new Palette(meta.sides ?? [], document.getElementById('patterns'));
    renderMeta(meta);
    renderLegend(document.getElementById('legend'), this.palette);

    this.map = new DistrictMap(document.getElementById('map'), {
      palette: this.palette, tiles, onSelect: (id, latlng) => this.select(id, latlng),
    });
    this.map.map.attributionControl.addAttribution('Data: <a href="#about">sources</a>');
    this.map.map.on('popupclose', () => { this.selected = null; });

    const districts = await districtsP;
    for (const f of districts.features ?? []) this.features.set(String(f.id ?? f.properties?.id), f);
    this.map.setDistricts(districts);
    if (wanted.zoom !== undefined) this.map.map.setView([wanted.lat, wanted.lng], wanted.zoom, { animate: false });
    else this.map.fitAll();

    this.timeline = new Timeline(document.getElementById('timeline'), {
      first: meta.first_date, last: meta.last_date, changeDates: meta.change_dates ?? [],
      onPick: (d, how) => this.showDate(d, how),
    });

    try {
      this.stats = new StatsPanel(document.getElementById('stats'), document.getElementById('chart'), {
        series: await seriesP, palette: this.palette, onPick: (d) => { this.timeline.pause(); this.showDate(d, 'commit'); },
      });
      this.stats.drawChart();
    } catch (err) {
      // The map is still useful without the statistics: say so and go on.
      this.showError(err, 'stats');
      document.getElementById('stats').replaceChildren(h('p', { class: 'error-text' }, `Statistics unavailable: ${err.message}`));
    }

    this.map.map.on('moveend', () => this.writeHash('replace'));
    window.addEventListener('hashchange', () => this.applyHash());
    window.addEventListener('popstate', () => this.applyHash());
    document.addEventListener('keydown', (e) => this.onKey(e), true);

    await this.showDate(date, 'replace');
    document.documentElement.dataset.ready = 'true';
    document.documentElement.dataset.readyMs = String(Math.round(performance.now()));
  }

  /**
   * Shows date everywhere. how: "drag"/"play" (transient: no history entry),
   * "commit" (push a history entry), "replace" (rewrite the current entry),
   * "none" (the URL already says it, e.g. after back/forward).
   */
  async showDate(date, how) {
    this.date = date;
    this.timeline.set(date);
    this.stats?.show(date);
    if (how === 'commit') this.writeHash('push');
    else if (how === 'replace') this.writeHash('replace');
    const seq = ++this.seq;
    this.loadFrontlines(date, seq);
    try {
      const control = await this.api.control(date);
      if (seq !== this.seq) return;
      this.map.showControl(control, date === this.meta.first_date);
      this.refreshPopup();
      document.documentElement.dataset.shownDate = date;
      if (this.errorKind === 'date') this.hideError();
    } catch (err) {
      if (seq === this.seq) this.showError(err, 'date');
    }
    // Make playback smooth: have the next day's state ready before its turn.
    if (how === 'play' && date < this.meta.last_date) this.api.control(addDays(date, 1)).catch(() => {});
  }

  async loadFrontlines(date, seq) {
    try {
      const fc = await this.api.frontlines(date);
      if (seq !== this.seq) return;
      this.map.showFrontlines(fc);
      document.documentElement.dataset.frontlinesDate = date;
    } catch (err) {
      if (seq === this.seq) this.showError(err, 'date');
    }
  }

  writeHash(mode) {
    if (!this.date || !this.map) return;
    const hash = formatHash(this.date, this.map.map.getCenter(), this.map.map.getZoom());
    if (hash === location.hash) return;
    if (mode === 'push') history.pushState(null, '', hash);
    else history.replaceState(null, '', hash);
  }

  /** Follows a hash typed by hand or reached with back/forward. */
  applyHash() {
    const want = parseHash(location.hash);
    if (want.zoom !== undefined) {
      const c = this.map.map.getCenter();
      const same = formatHash('', c, this.map.map.getZoom()) === formatHash('', { lat: want.lat, lng: want.lng }, want.zoom);
      if (!same) this.map.map.setView([want.lat, want.lng], want.zoom, { animate: false });
    }
    if (want.date) {
      const date = clampDate(want.date, this.meta.first_date, this.meta.last_date);
      if (date !== this.date) {
        this.timeline.pause();
        this.showDate(date, 'none');
      }
    }
  }

  onKey(e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    // Text fields and the slider handle their own keys (the slider steps a day too).
    if (e.target.closest?.('input:not([type=checkbox]):not([type=radio]), textarea, select, [contenteditable]')) return;
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      this.timeline.step(e.key === 'ArrowLeft' ? -1 : 1);
      // Capture phase: keeps Leaflet from also panning sideways when the map has focus.
      e.preventDefault();
      e.stopPropagation();
    } else if (e.key === ' ' && !e.target.closest?.('button, a')) {
      if (this.timeline.playing) this.timeline.pause();
      else this.timeline.play();
      e.preventDefault();
    }
  }

  select(id, latlng) {
    this.selected = { id, latlng };
    this.renderPopup();
    this.api.district(id).then(
      (info) => { if (this.selected?.id === id) this.renderPopup(info); },
      (err) => { if (this.selected?.id === id) this.renderPopup(err); },
    );
  }

  refreshPopup() {
    if (!this.selected) return;
    const { id } = this.selected;
    // The district answer is cached, so this resolves at once after the first time.
    this.api.district(id).then(
      (info) => { if (this.selected?.id === id) this.renderPopup(info); },
      (err) => { if (this.selected?.id === id) this.renderPopup(err); },
    );
  }

  renderPopup(info = null) {
    const { id, latlng } = this.selected;
    const content = districtPopup({
      feature: this.features.get(id), state: this.map.control?.districts[id], date: this.date, info, palette: this.palette,
    });
    if (!this.popup) this.popup = L.popup({ maxWidth: 340, minWidth: 220, maxHeight: 320, autoPanPadding: [16, 16] });
    this.popup.setLatLng(latlng).setContent(content);
    if (!this.map.map.hasLayer(this.popup)) this.popup.openOn(this.map.map);
  }

  showError(err, kind) {
    console.error(err);
    this.errorKind = kind;
    showErrorBanner(err.message ?? String(err));
  }

  hideError() {
    this.errorKind = null;
    document.getElementById('error').hidden = true;
    delete document.documentElement.dataset.error;
  }
}

function showErrorBanner(message) {
  document.getElementById('error-text').textContent = message;
  document.getElementById('error').hidden = false;
  document.documentElement.dataset.error = message;
}

/** Title, description and the attribution of article, licence and places. */
function renderMeta(meta) {
  if (meta.title) {
    document.getElementById('title').textContent = meta.title;
    document.title = `${meta.title} — frontline`;
  }
  const about = document.getElementById('about-body');
  const items = [];
  if (meta.description) items.push(h('p', {}, meta.description));
  items.push(h('p', { class: 'muted' },
    `${meta.districts ?? '?'} districts, ${meta.first_date} to ${meta.last_date}, ${(meta.change_dates ?? []).length} dates with changes.`));
  if (meta.attribution) items.push(h('p', {}, h('strong', {}, 'Sources: '), attributionNodes(meta.attribution)));
  if (meta.license) items.push(h('p', {}, h('strong', {}, 'Licence: '), linkify(meta.license)));
  items.push(h('p', { class: 'muted' },
    'Numbers in brackets in a district\'s popup are the citation numbers of the source article. Basemap © OpenStreetMap contributors.'));
  about.replaceChildren(...items);
}

// attribution is a string by contract; an object of named parts is shown as a list.
function attributionNodes(a) {
  if (typeof a === 'string') return linkify(a);
  return h('ul', {}, Object.entries(a).map(([k, v]) => h('li', {}, `${k}: `, linkify(typeof v === 'string' ? v : JSON.stringify(v)))));
}

function renderLegend(box, palette) {
  const square = (fill, extra = {}) => {
    const s = svg('svg', { width: 22, height: 16, 'aria-hidden': 'true', class: 'legend-swatch' });
    s.append(svg('rect', { x: 1, y: 1, width: 20, height: 14, fill, stroke: '#3b3b3b', 'stroke-width': 0.8, ...extra }));
    return s;
  };
  const items = palette.sides.map((s) => [square(s.color, { 'fill-opacity': 0.65 }), s.name]);
  const [a, b] = palette.sides;
  if (a && b) {
    items.push([square(palette.fill({ controller: a.id, shares: { [a.id]: 0.6, [b.id]: 0.4 } }).fillColor), 'Split control (stripes ∝ shares)']);
    items.push([square(palette.fill({ controller: 'contested', shares: { [a.id]: 0.5, [b.id]: 0.5 } }).fillColor), 'Contested (tied)']);
  }
  items.push([square(UNASSIGNED_COLOR, { 'fill-opacity': 0.35 }), 'Unassigned / no data']);
  items.push([square('none', { stroke: '#111', 'stroke-width': 2, 'stroke-dasharray': '4 3' }), 'Changed on the shown date']);
  // Drawn as on the map: a dark line on a white casing.
  const line = svg('svg', { width: 22, height: 16, 'aria-hidden': 'true', class: 'legend-swatch' });
  line.append(svg('line', { x1: 4, y1: 8, x2: 18, y2: 8, stroke: '#ffffff', 'stroke-width': 7, 'stroke-linecap': 'round' }));
  line.append(svg('line', { x1: 4, y1: 8, x2: 18, y2: 8, stroke: '#111', 'stroke-width': 3.5, 'stroke-linecap': 'round' }));
  items.push([line, 'Frontline: where ground held by two sides meets, on the shown date (lengths above)']);
  box.replaceChildren(h('ul', { class: 'legend' }, items.map(([sw, label]) => h('li', {}, sw, label))));
}

document.getElementById('error-retry').addEventListener('click', () => location.reload());
document.getElementById('error-close').addEventListener('click', () => { document.getElementById('error').hidden = true; });

new App().start().catch((err) => {
  console.error(err);
  showErrorBanner(`The map could not be loaded. ${err.message ?? String(err)}`);
  document.getElementById('stats').replaceChildren(h('p', { class: 'muted' }, 'Unavailable.'));
  document.getElementById('map').classList.add('failed');
});
