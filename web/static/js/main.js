// Entry point: loads meta and geometry, shows the first date, then the
// statistics and the chart. Reading order: App.start, App.showDate, then the
// helpers. Every string from the dataset reaches the page as text.

import { Api, fetchJSON } from './api.js';
import { changesBetween, summaryTable } from './compare.js';
import { addDays, addMonths, clampDate, parseDate, readDate } from './dates.js';
import { Downloads } from './downloads.js';
import { h, linkify, patchChildren } from './format.js';
import { Labels, featureItems, interiorPoint } from './labels.js';
import { DistrictMap, yieldToMain } from './mapview.js';
import { Palette, UNASSIGNED_COLOR, svg } from './palette.js';
import { formatHash, parseHash } from './permalink.js';
import { followUpdates } from './live.js';
import { districtPopup } from './popup.js';
import { RegionLines, RegionsPanel, regionChangesTable, regionItems, regionName, regionsOf } from './regions.js';
import { SearchBox } from './search.js';
import { StatsPanel } from './stats.js';
import { Timeline } from './timeline.js';

/* global L */

const embed = document.documentElement.classList.contains('embed');
// Moves closer together than this (ms) are one run: one history entry (see App.writeHash).
const RUN_MS = 1500;
// localStorage key of the colour choice ("safe" for the colour-blind safe colours).
const SAFE_KEY = 'frontline.colours';
// A map narrower than this (px) is a phone's: its popups take the whole map.
const SMALL_MAP_PX = 500;
// What Leaflet's popup adds around its content, px: the margins of the
// content (app.css) and, below, its tip and the gap to the point.
const POPUP_FRAME = [34, 76];
// A dataset of this many districts or more is big (a country's faces): drawn
// for the zoom in bands, without outlines of its own, its regions named.
const BIG_DISTRICTS = 500;
// The zoom bands of the server's ?z= (encode.MaxZoom: from it on, the 1 m layer).
const MAX_BAND = 16;
// The map's arrow keys as screen directions.
const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

/** App owns the page's state: the shown and comparison dates, the caches (in Api) and the widgets. */
class App {
  constructor() {
    this.api = new Api();
    this.date = null;
    this.compare = null; // the comparison date, or null
    this.seq = 0; // bumps per showDate so a slow answer for an old date is dropped
    this.selected = null; // {id, latlng} of the district whose popup is open
    this.returnFocus = null; // where the focus goes back to when the popup closes
    this.focusNext = null; // data-fk of the popup element to focus after the next rendering
    this.cursor = null; // the district the map's arrow keys are on
    this.pickReason = null; // why districts are outlined: "select", "cursor" or "group"
    this.features = new Map(); // id -> GeoJSON feature
    this.summaries = new Map(); // "from/to" -> /api/changes/summary promise
    this.errorKind = null;
    this.legendKey = null;
    this.refs = null;
    this.arabic = false; // labels in Arabic
    this.runAt = -Infinity; // when the last move of a run of date moves was written to the address
    this.big = false; // see BIG_DISTRICTS
    this.band = undefined; // the zoom band of the drawn geometry (big datasets), else undefined: the 1 m layer
    this.bands = new Map(); // band -> promise of its FeatureCollection
    this.points = new Map(); // id -> a point inside the district, [lat, lng]
    this.regions = { region: null, group: null };
  }

  async start() {
    const wanted = parseHash(location.hash);
    const meta = await this.api.meta();
    if (parseDate(meta.first_date) === null || parseDate(meta.last_date) === null) {
      throw new Error(`api/meta gave no usable date range (first_date ${meta.first_date}, last_date ${meta.last_date}).`);
    }
    this.meta = meta;
    // Geometry is the largest download: start it first. A big dataset's is
    // the band of the zoom that will show it all (the map's box is laid out already).
    this.big = (meta.districts ?? 0) >= BIG_DISTRICTS;
    if (this.big) this.band = firstBand(meta, document.getElementById('map'));
    const districtsP = this.geometry(this.band);
    districtsP.catch(() => {}); // reported where it is awaited
    const clamp = (d) => clampDate(d, meta.first_date, meta.last_date);
    // A permalink wins; otherwise the view the dataset names, or its last date.
    const date = clamp(wanted.date ?? meta.view_date ?? meta.last_date);
    const compare = wanted.date ? (wanted.compare ? clamp(wanted.compare) : null)
      : (meta.view_date && meta.view_compare ? clamp(meta.view_compare) : null);
    this.api.control(date).catch(() => {}); // prefetch; reported in showDate
    if (compare) this.api.control(compare).catch(() => {});
    const seriesP = embed ? null : this.api.series(meta.first_date, meta.last_date, meta.max_series_days);
    seriesP?.catch(() => {});

    this.palette = new Palette(meta.sides ?? [], document.getElementById('patterns'), stored(SAFE_KEY) === 'safe');
    renderMeta(meta);
    this.refs = meta.references > 0 ? this.referenceState() : null;
    // The start is cut into tasks a phone runs in well under 50 ms each, so
    // the page answers input while it fills in.
    await yieldToMain();

    const tiles = tileSettings();
    this.map = new DistrictMap(document.getElementById('map'), {
      palette: this.palette, tiles, onSelect: (id, latlng) => this.select(id, latlng), big: this.big,
    });
    this.map.map.attributionControl.addAttribution(embed ? '<a href="./" target="_blank" rel="noopener">Data: sources</a>' : 'Data: <a href="#about">sources</a>');
    this.map.map.on('popupclose', (e) => this.popupClosed(e.popup));
    this.wireMapKeys();

    const districts = await districtsP;
    await yieldToMain();
    for (const f of districts.features ?? []) this.features.set(String(f.id ?? f.properties?.id), f);
    this.regions = regionsOf(districts.features ?? []);
    await this.map.setDistricts(districts, () => {
      // The phone layout sizes the map to the districts' shape (app.css), before it is fitted.
      if (this.map.bounds.isValid()) {
        const sw = this.map.map.project(this.map.bounds.getSouthWest(), 0);
        const ne = this.map.map.project(this.map.bounds.getNorthEast(), 0);
        if (ne.x > sw.x) document.documentElement.style.setProperty('--data-aspect', ((sw.y - ne.y) / (ne.x - sw.x)).toFixed(3));
      }
      if (wanted.zoom !== undefined) this.map.map.setView([wanted.lat, wanted.lng], wanted.zoom, { animate: false });
      else this.map.fitAll();
    });
    if (this.regions.group || this.regions.region) {
      this.regionLines = new RegionLines(this.map.map, this.regions);
      // After the first paint: the faces are the picture, the borders its frame.
      afterPaint().then(() => this.regionLines.draw(this.bandFC ?? districts));
    }
    if (this.big) {
      this.map.map.on('zoomend', () => this.checkBand());
      document.documentElement.dataset.band = String(this.band);
    }
    if ((districts.features ?? []).some((f) => typeof f.properties?.name_ar === 'string' && f.properties.name_ar !== '')) {
      this.addArabicSwitch();
    } else {
      const what = this.regions.group || this.regions.region ? 'a place or region' : 'a district';
      document.getElementById('search').placeholder = `Find ${what}`;
      document.querySelector('label[for="search"]').textContent = `Find ${what}`;
    }

    this.timeline = new Timeline(document.getElementById('timeline'), {
      first: meta.first_date, last: meta.last_date, changeDates: meta.change_dates ?? [],
      onPick: (d, how) => this.showDate(d, how),
    });
    this.wireCompare();
    this.wirePresets();
    this.wireColours();
    if (!embed) {
      this.search = new SearchBox(document.getElementById('search'), document.getElementById('search-list'), {
        features: districts.features ?? [],
        onPick: (ids, name) => (ids.length === 1 ? this.find(ids[0]) : this.findGroup(ids, name)),
        onClear: () => { if (this.pickReason === 'group') this.setPicked([], null); },
      });
      this.downloads = new Downloads(document.getElementById('downloads'));
      if (this.regions.group) {
        this.regionsPanel = new RegionsPanel(document.getElementById('regions-section'), {
          regions: this.regions, palette: this.palette, onPick: (ids, name) => this.findGroup(ids, name),
        });
      }
    }

    this.map.map.on('moveend', () => this.writeHash('replace'));
    window.addEventListener('hashchange', () => this.applyHash());
    window.addEventListener('popstate', () => this.applyHash());
    document.addEventListener('keydown', (e) => this.onKey(e), true);

    this.compare = compare;
    this.showCompareControls();
    await yieldToMain();
    await this.showDate(date, 'replace');
    settle();
    // Ready once that is painted, with the heights the phone's layout measures (trackHeights) in place:
    // the map drawn in the first date's colours, what "the first map" takes (scripts/lighthouse.sh prints it).
    afterPaint().then(() => {
      performance.mark('frontline:map-ready');
      document.documentElement.dataset.ready = 'true';
      document.documentElement.dataset.readyMs = String(Math.round(performance.now()));
    });
    // Names on the map come after the first paint: they are context, not the picture.
    afterPaint().then(() => {
      // A country's faces are named by their regions; a city's districts by their own names.
      const items = this.big && (this.regions.group || this.regions.region)
        ? regionItems(this.regions, (id) => this.map.boxOf(id)) : featureItems(districts.features ?? []);
      this.labels = new Labels(this.map.map, items);
      this.labels.setArabic(this.arabic);
      this.labels.update();
    });
    if (seriesP) this.startStats(seriesP);
    if (this.big) this.checkBand();
  }

  /**
   * The districts drawn for zoom band z (undefined: the 1 m layer), fetched
   * once per band. Where there are no bands (a static copy of the map that
   * holds only the 1 m layer), the 1 m layer for every zoom.
   */
  geometry(z) {
    if (this.noBands) z = undefined;
    let p = this.bands.get(z);
    if (!p) {
      p = this.api.districts(z).catch((err) => {
        if (z === undefined || err.status !== 404) throw err;
        this.noBands = true;
        return this.geometry(undefined);
      });
      this.bands.set(z, p);
      p.catch(() => this.bands.delete(z));
    }
    return p;
  }

  /**
   * A big dataset: swaps in the geometry of another zoom band when the
   * drawn one is more than a band too coarse or two too fine for the zoom
   * (a little ahead in the direction of travel, so zooming on finds it
   * ready). The paths stay; only their shapes change.
   */
  async checkBand() {
    if (this.noBands) return;
    const want = Math.max(0, Math.min(MAX_BAND, Math.floor(this.map.map.getZoom())));
    const drawn = this.band;
    if (want - 1 <= drawn && drawn <= want + 2) return;
    const z = want > drawn ? Math.min(MAX_BAND, want + 1) : Math.max(0, want - 1);
    this.wantBand = z;
    let fc;
    try {
      fc = await this.geometry(z);
    } catch (err) {
      this.showError(err, 'band');
      return;
    }
    if (this.wantBand !== z || this.band === z) return;
    this.band = z;
    this.bandFC = fc;
    this.map.setGeometry(fc);
    for (const f of fc.features ?? []) this.features.set(String(f.id ?? f.properties?.id), f);
    this.points.clear();
    await this.regionLines?.draw(fc);
    document.documentElement.dataset.band = String(z);
    // The zoom may have moved on while this band loaded.
    if (this.wantBand === z) this.checkBand();
  }

  /** The table as soon as the series is there, the chart once the map has been painted. */
  async startStats(seriesP) {
    try {
      this.stats = new StatsPanel(document.getElementById('stats'), document.getElementById('chart'), {
        series: await seriesP, palette: this.palette, onPick: (d) => { this.timeline.pause(); this.showDate(d, 'commit'); },
      });
      this.stats.show(this.date);
      // The chart (and uPlot with it) waits until its box is about to be seen: on a
      // phone it is below the map, and most visits never scroll there.
      await afterPaint();
      await nearViewport(document.getElementById('chart'));
      await this.stats.drawChart();
      document.documentElement.dataset.chart = 'ready';
    } catch (err) {
      // The map is still useful without the statistics: say so and go on.
      this.showError(err, 'stats');
      document.getElementById('stats').replaceChildren(h('p', { class: 'error-text' }, `Statistics unavailable: ${err.message}`));
    }
  }

  /**
   * Shows date everywhere. how: "drag", "step" or "play" (a run of moves: the
   * address follows, and the run is one history entry, see writeHash),
   * "commit" (a deliberate pick: a history entry of its own), "replace"
   * (rewrite the current entry), "none" (the URL already says it, e.g. after
   * back/forward).
   */
  async showDate(date, how) {
    this.date = date;
    this.timeline.set(date);
    this.stats?.show(date);
    this.downloads?.update(this.view());
    if (how === 'commit') this.writeHash('push');
    else if (how === 'replace') this.writeHash('replace');
    else if (how === 'drag' || how === 'step' || how === 'play') this.writeHash('run');
    const seq = ++this.seq;
    const compare = this.compare;
    this.updatePresets();
    this.showRegions(how);
    this.loadFrontlines(date, seq);
    if (compare) this.loadSummary(compare, date, seq);
    else document.getElementById('compare-summary').replaceChildren();
    try {
      const [control, before] = await Promise.all([this.api.control(date), compare ? this.api.control(compare) : null]);
      if (seq !== this.seq) return;
      const changes = before ? changesBetween(before, control) : null;
      await this.map.showControl(control, date === this.meta.first_date, changes);
      if (seq !== this.seq) return;
      patchChildren(document.getElementById('compare-regions'),
        [changes ? regionChangesTable(changes, before, control, this.features, this.regions, this.palette) : null]);
      this.renderLegend(changes);
      this.refreshPopup();
      document.documentElement.dataset.shownDate = date;
      document.documentElement.dataset.shownCompare = compare ?? '';
      if (this.errorKind === 'date') this.hideError();
    } catch (err) {
      if (seq === this.seq) this.showError(err, 'date');
    }
    // Make playback smooth: have the next step's state ready before its turn.
    if (how === 'play' && date < this.meta.last_date) this.api.control(clampDate(this.timeline.playNext(date), date, this.meta.last_date)).catch(() => {});
  }

  /** The regions panel follows the date; while the slider is dragged, once it rests. */
  showRegions(how) {
    if (!this.regionsPanel) return;
    clearTimeout(this.regionsTimer);
    this.regionsTimer = setTimeout(() => this.regionsPanel.show(this.date), how === 'drag' ? 250 : 0);
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

  /** The change summary between the comparison date and date, as the API computes it. */
  async loadSummary(compare, date, seq) {
    const key = `${compare}/${date}`;
    let p = this.summaries.get(key);
    if (!p) {
      p = this.api.changeSummary(compare, date);
      this.summaries.set(key, p);
      p.catch(() => this.summaries.delete(key));
    }
    try {
      const summary = await p;
      if (seq !== this.seq) return;
      patchChildren(document.getElementById('compare-summary'), [summaryTable(summary, this.palette)]);
      document.documentElement.dataset.summary = key;
    } catch (err) {
      if (seq === this.seq) this.showError(err, 'date');
    }
  }

  /**
   * The comparison field, its calendar and its clear button. What is typed is
   * read on Enter, on leaving the field and on change, never while typing, so
   * the field only changes under the user's hands once they are done.
   */
  wireCompare() {
    const input = document.getElementById('compare');
    const { first_date: first, last_date: last } = this.meta;
    const apply = () => {
      const text = input.value.trim();
      if (text === '') {
        this.compareMessage(null);
        if (this.compare) this.setCompare(null, 'commit');
        return;
      }
      const r = readDate(text, first, last);
      this.compareMessage(r.error ?? null);
      if (r.error) return;
      input.value = r.date;
      if (r.date !== this.compare) this.setCompare(r.date, 'commit');
    };
    input.addEventListener('change', apply);
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        apply();
        e.preventDefault();
      } else if (e.key === 'Escape' && input.value !== (this.compare ?? '')) {
        // Back to the date in force; a second Escape goes on to the page (closes a popup).
        input.value = this.compare ?? '';
        this.compareMessage(null);
        e.preventDefault();
        e.stopPropagation();
      }
    });
    input.addEventListener('input', () => { if (input.getAttribute('aria-invalid')) this.compareMessage(null); });
    // The browser's own calendar, where it can be opened from script (the field stays the one typed in).
    const picker = document.getElementById('compare-picker');
    const pick = document.getElementById('compare-pick');
    if (typeof picker.showPicker === 'function') {
      picker.min = first;
      picker.max = last;
      pick.hidden = false;
      pick.addEventListener('click', () => {
        picker.value = this.compare ?? this.date;
        try {
          picker.showPicker();
        } catch (err) {
          console.error(err);
          input.focus();
        }
      });
      picker.addEventListener('change', () => {
        if (parseDate(picker.value) === null) return;
        input.value = picker.value;
        apply();
      });
    }
    document.getElementById('compare-clear').addEventListener('click', () => this.setCompare(null, 'commit'));
  }

  /**
   * Comparison presets for a long range: the shown date against a week
   * before, a month before and the first of January (of the year before,
   * on a first of January); one outside the data is disabled.
   */
  wirePresets() {
    if (!this.timeline.long || embed) return;
    const box = document.getElementById('presets');
    this.presets = [
      { id: 'week', text: 'a week', label: 'Compare with a week before the shown date', at: (d) => addDays(d, -7) },
      { id: 'month', text: 'a month', label: 'Compare with a month before the shown date', at: (d) => addMonths(d, -1) },
      { id: 'year', text: null, label: 'Compare with the first of January', at: (d) => (d.endsWith('-01-01') ? `${Number(d.slice(0, 4)) - 1}-01-01` : `${d.slice(0, 4)}-01-01`) },
    ].map((p) => {
      const b = h('button', { type: 'button', class: 'small preset', dataset: { preset: p.id } }, p.text ?? '');
      b.addEventListener('click', () => {
        const d = p.at(this.date);
        if (d >= this.meta.first_date && d < this.date) this.setCompare(d, 'commit');
      });
      return { ...p, b };
    });
    box.replaceChildren(h('span', { class: 'presets-label', 'aria-hidden': 'true' }, 'Since'), ...this.presets.map((p) => p.b));
    box.hidden = false;
    this.updatePresets();
  }

  /** The presets' dates for the shown date, and which are in the data. */
  updatePresets() {
    if (!this.date) return;
    for (const p of this.presets ?? []) {
      const d = p.at(this.date);
      if (!p.text) p.b.textContent = d;
      p.b.setAttribute('aria-label', p.text ? `${p.label} (${d})` : `Compare with ${d}`);
      p.b.disabled = d < this.meta.first_date || d >= this.date;
      p.b.setAttribute('aria-pressed', String(this.compare === d));
    }
  }

  /** The colour-blind safe switch; the choice is kept in localStorage for the next visit. */
  wireColours() {
    const box = document.getElementById('safe-colours');
    box.checked = this.palette.safe;
    box.disabled = false;
    box.addEventListener('change', () => {
      store(SAFE_KEY, box.checked ? 'safe' : null);
      this.palette.useSafe(box.checked);
      this.legendKey = null;
      this.map.repaint();
      this.stats?.recolor();
      this.regionsPanel?.recolor();
      this.showDate(this.date, 'none');
    });
  }

  /** Says what is wrong with the typed comparison date (null: nothing). */
  compareMessage(text) {
    const input = document.getElementById('compare');
    const msg = document.getElementById('compare-msg');
    msg.textContent = text ?? '';
    msg.hidden = !text;
    if (text) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }

  /** Starts, moves or ends the comparison. */
  setCompare(date, how) {
    this.compare = date;
    this.showCompareControls();
    this.timeline.pause();
    return this.showDate(this.date, how);
  }

  showCompareControls() {
    const input = document.getElementById('compare');
    if (input.value !== (this.compare ?? '')) {
      input.value = this.compare ?? '';
      this.compareMessage(null);
    }
    document.getElementById('compare-clear').hidden = !this.compare;
    document.documentElement.classList.toggle('comparing', !!this.compare);
    this.timeline.markCompare(this.compare);
    document.getElementById('stats-h').textContent = this.compare ? 'Ground held and changed' : 'Ground held';
  }

  view() {
    const m = this.meta;
    return { name: m.name || 'dataset', first: m.first_date, last: m.last_date, date: this.date, compare: this.compare };
  }

  /**
   * Writes the view into the address. mode "push" adds a history entry,
   * "replace" rewrites the current one, "run" does either: a move within
   * RUN_MS of the last one (dragging, playing, stepping day after day)
   * rewrites the entry the run started, so Back undoes the whole run at once
   * instead of stepping through every date it passed.
   */
  writeHash(mode) {
    if (!this.date || !this.map) return;
    if (mode === 'run') {
      const now = performance.now();
      mode = now - this.runAt < RUN_MS ? 'replace' : 'push';
      this.runAt = now;
    } else if (mode === 'push') {
      this.runAt = -Infinity;
    }
    const hash = formatHash(this.date, this.compare, this.map.map.getCenter(), this.map.map.getZoom());
    if (embed) document.getElementById('open-full').href = `./${hash}`;
    if (hash === location.hash) return;
    if (mode === 'push') history.pushState(null, '', hash);
    else history.replaceState(null, '', hash);
  }

  /** Follows a hash typed by hand or reached with back/forward; what it cannot follow it corrects. */
  applyHash() {
    this.runAt = -Infinity; // the next step starts a new history entry
    const want = parseHash(location.hash);
    if (want.zoom !== undefined) {
      const c = this.map.map.getCenter();
      const same = formatHash('', null, c, this.map.map.getZoom()) === formatHash('', null, { lat: want.lat, lng: want.lng }, want.zoom);
      if (!same) this.map.map.setView([want.lat, want.lng], want.zoom, { animate: false });
    }
    if (want.date) {
      const clamp = (d) => clampDate(d, this.meta.first_date, this.meta.last_date);
      const date = clamp(want.date);
      const compare = want.compare ? clamp(want.compare) : null;
      if (date !== this.date || compare !== this.compare) {
        this.timeline.pause(false);
        this.compare = compare;
        this.showCompareControls();
        this.showDate(date, 'none');
      }
    }
    // A bad or partial hash (#garbage, an impossible date, no view) gets the view's own.
    this.writeHash('replace');
  }

  onKey(e) {
    if (e.key === 'Escape') {
      this.onEscape(e);
      return;
    }
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    // Text fields and the slider handle their own keys (the slider steps a day too).
    if (e.target.closest?.('input:not([type=checkbox]):not([type=radio]), textarea, select, [contenteditable]')) return;
    // The map itself (not its buttons or popup): arrows move between districts, Enter opens one.
    // Capture phase: Leaflet, which would pan, never sees them (Shift+arrows still pan).
    if (e.target === this.map.map.getContainer() && (ARROWS[e.key] || e.key === 'Enter')) {
      if (e.key === 'Enter') this.openCursor();
      else this.moveCursor(ARROWS[e.key]);
      e.preventDefault();
      e.stopPropagation();
      return;
    }
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      this.timeline.stepBy(e.key === 'ArrowLeft' ? -1 : 1, 'day');
      e.preventDefault();
      e.stopPropagation();
    } else if (e.key === 'PageUp' || e.key === 'PageDown') {
      this.timeline.stepBy(e.key === 'PageUp' ? 1 : -1, 'month');
      e.preventDefault();
    } else if (e.key === ' ' && !e.target.closest?.('button, a')) {
      if (this.timeline.playing) this.timeline.pause();
      else this.timeline.play();
      e.preventDefault();
    }
  }

  /** Escape closes the popup, wherever the focus is, once the search list and a half-typed date have had theirs. */
  onEscape(e) {
    if (!this.selected) return;
    if (!document.getElementById('search-list').hidden) return;
    const compare = document.getElementById('compare');
    if (e.target === compare && compare.value !== (this.compare ?? '')) return;
    this.map.map.closePopup();
    e.preventDefault();
    e.stopPropagation();
  }

  /** The map's keyboard help, its announcements and what happens when the focus leaves it. */
  wireMapKeys() {
    const box = this.map.map.getContainer();
    box.setAttribute('aria-describedby', 'map-help');
    box.addEventListener('focusout', (e) => {
      if (box.contains(e.relatedTarget)) return;
      if (this.pickReason === 'cursor') this.setPicked([], null);
      this.map.hideTip();
    });
  }

  /** Moves the keyboard's district to the nearest one in direction [dx, dy] (screen axes); the first move takes the one nearest the middle. */
  moveCursor([dx, dy]) {
    const map = this.map.map;
    const mid = (id) => (this.big ? this.map.boundsOf(id).getCenter() : this.pointOf(id));
    const from = this.cursor ? map.latLngToContainerPoint(mid(this.cursor)) : map.getSize().divideBy(2);
    let best = null;
    let bestScore = Infinity;
    for (const id of this.features.keys()) {
      if (id === this.cursor || !this.map.has(id)) continue;
      // A country's thousands of faces by the middle of their bounds: their rings are built only for the one chosen.
      const p = map.latLngToContainerPoint(mid(id));
      const vx = p.x - from.x;
      const vy = p.y - from.y;
      let score = Math.hypot(vx, vy);
      if (this.cursor) {
        const along = vx * dx + vy * dy;
        const across = Math.abs(vx * dy - vy * dx);
        // Within about 63° of the arrow; straight ahead beats off to the side.
        if (along <= 0.5 || across > 2 * along) continue;
        score = along + 2 * across;
      }
      if (score < bestScore) [best, bestScore] = [id, score];
    }
    if (!best) {
      this.announce(`No district further ${dx < 0 ? 'west' : dx > 0 ? 'east' : dy < 0 ? 'north' : 'south'}.`);
      return;
    }
    this.cursor = best;
    this.setPicked([best], 'cursor');
    const at = this.pointOf(best);
    map.panInside(at, { padding: [60, 60], animate: false });
    this.map.showTip(best, at);
    const state = this.map.control?.districts[best];
    this.announce(`${this.map.names.get(best) ?? best}: ${state ? this.palette.name(state.controller) : 'loading'}. Enter shows its details.`);
  }

  /** Enter on the map: the keyboard's district (or the one nearest the middle) in a popup that takes the focus. */
  openCursor() {
    if (!this.cursor) this.moveCursor([0, 0]);
    if (this.cursor) this.select(this.cursor, this.pointOf(this.cursor), true);
  }

  /** A point inside district id, as a LatLng: where its label, tooltip and popup go. */
  pointOf(id) {
    let pt = this.points.get(id);
    if (pt === undefined) {
      pt = interiorPoint(this.features.get(id)?.geometry);
      this.points.set(id, pt);
    }
    return pt ? L.latLng(pt[0], pt[1]) : this.map.boundsOf(id)?.getCenter();
  }

  /** Outlines districts on the map; reason says what clears them again. */
  setPicked(ids, reason) {
    this.pickReason = ids.length > 0 ? reason : null;
    this.map.pick(ids);
  }

  announce(text) {
    document.getElementById('map-status').textContent = text;
  }

  /**
   * A search result: the whole district in view below the room its popup
   * may take (so opening it pans nothing away), outlined, and its popup.
   */
  find(id) {
    const bounds = this.map.boundsOf(id);
    if (!bounds) return;
    this.sizePopup();
    const { y } = this.map.map.getSize();
    const o = this.popup.options;
    const reserve = Math.max(40, Math.min(y - 100, o.autoPanPaddingTopLeft[1] + o.maxHeight + POPUP_FRAME[1]));
    this.map.map.fitBounds(bounds, {
      maxZoom: Math.max(this.map.map.getZoom(), 15), paddingTopLeft: [40, reserve], paddingBottomRight: [40, 40], animate: false,
    });
    this.select(id, this.pointOf(id));
  }

  /** A group from the search (a quarter, the Old City): all its districts outlined and in view. */
  findGroup(ids, name) {
    const all = ids.map((id) => this.map.boundsOf(id)).filter((b) => b);
    if (all.length === 0) return;
    this.map.map.closePopup();
    const bounds = L.latLngBounds([]);
    for (const b of all) bounds.extend(b);
    this.map.map.fitBounds(bounds, { maxZoom: Math.max(this.map.map.getZoom(), 15), padding: [40, 40], animate: false });
    this.setPicked(ids, 'group');
    this.announce(`${name}: ${all.length} districts, outlined on the map.`);
  }

  /** Opens district id's popup at latlng; focus: move the focus into it (it opened from the keyboard). */
  select(id, latlng, focus = false) {
    const active = document.activeElement;
    if (!this.popup?.getElement()?.contains(active)) {
      this.returnFocus = active && active !== document.body ? active : this.map.map.getContainer();
    }
    this.selected = { id, latlng };
    if (focus) this.focusNext = 'title';
    if (this.pickReason !== 'cursor' || this.cursor !== id) this.setPicked([id], 'select');
    this.renderPopup();
    this.api.district(id).then(
      (info) => { if (this.selected?.id === id) this.renderPopup(info); },
      (err) => { if (this.selected?.id === id) this.renderPopup(err); },
    );
  }

  /** The popup closed (Escape, its ×, a click elsewhere): the focus goes back where it came from if it was inside. */
  popupClosed(popup) {
    if (popup !== this.popup) return;
    document.documentElement.classList.remove('popup-open');
    this.map.map.invalidateSize({ pan: false });
    const el = popup.getElement();
    const inside = el?.contains(document.activeElement) || document.activeElement === document.body;
    this.selected = null;
    if (this.pickReason === 'select') this.setPicked([], null);
    if (inside) {
      const back = this.returnFocus?.isConnected ? this.returnFocus : this.map.map.getContainer();
      back.focus({ preventScroll: true });
    }
    this.returnFocus = null;
    if (this.cursor && document.activeElement === this.map.map.getContainer()) this.setPicked([this.cursor], 'cursor');
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

  renderPopup(info = this.selected?.info ?? null) {
    if (!this.selected) return;
    this.selected.info = info;
    const { id, latlng } = this.selected;
    const feature = this.features.get(id);
    const content = districtPopup({
      feature, state: this.map.control?.districts[id], date: this.date, info, palette: this.palette,
      refs: this.refs, place: this.placeOf(feature),
    });
    // The content is rebuilt: the focus goes to the same element in the new one (or where it was sent).
    const active = document.activeElement;
    const key = this.focusNext ?? (this.popup?.getElement()?.contains(active) ? active.closest('[data-fk]')?.dataset.fk : null);
    this.focusNext = null;
    this.popup ??= L.popup();
    const opening = !this.map.map.hasLayer(this.popup);
    if (opening) {
      // A phone's map grows while a popup is open (app.css); the view stays where the user took it.
      this.map.autoFit = false;
      document.documentElement.classList.add('popup-open');
      this.map.map.invalidateSize({ pan: false });
    }
    this.sizePopup();
    this.popup.setLatLng(latlng).setContent(content);
    if (opening) this.popup.openOn(this.map.map);
    if (key) focusWithin(content, content.querySelector(`[data-fk="${CSS.escape(key)}"]`) ?? content.querySelector('[data-fk="title"]'));
  }

  /** The group a district is in, by name ("Donetska oblast"), or null. */
  placeOf(feature) {
    const g = feature?.properties?.group;
    if (typeof g !== 'string' || g === '') return null;
    return this.regions.group?.get(g)?.name ?? regionName(g);
  }

  /**
   * Fits the popup's limits to the map as it is now: at most 340×320 px of
   * content, less on a phone, and panned clear of the map's buttons. On a
   * small map the buttons at the top give way while the popup is open
   * (app.css, .popup-covers), or the popup would have no room.
   */
  sizePopup() {
    this.popup ??= L.popup();
    const box = this.map.map.getContainer();
    const { x, y } = this.map.map.getSize();
    const small = x < SMALL_MAP_PX;
    const pad = small ? 6 : 16;
    const top = box.getBoundingClientRect().top;
    const bottom = box.getBoundingClientRect().bottom;
    const edge = (sel, f) => Math.max(0, ...[...box.querySelectorAll(sel)].map(f));
    const padTop = small ? pad : edge('.leaflet-top .leaflet-control', (c) => c.getBoundingClientRect().bottom - top) + 8;
    const padBottom = Math.max(pad, edge('.leaflet-bottom .leaflet-control', (c) => bottom - c.getBoundingClientRect().top) + 4);
    const o = this.popup.options;
    o.maxWidth = Math.max(150, Math.min(340, x - 2 * pad - POPUP_FRAME[0]));
    o.minWidth = Math.min(220, o.maxWidth);
    o.maxHeight = Math.max(90, Math.min(320, y - padTop - padBottom - POPUP_FRAME[1]));
    o.autoPanPaddingTopLeft = [pad, padTop];
    o.autoPanPaddingBottomRight = [pad, padBottom];
    box.classList.toggle('popup-covers', small);
  }

  /** What the popups need to open citations: loaded on the first click. */
  referenceState() {
    let texts = null; // Map "[N]" -> text once loaded
    const state = {
      open: new Set(),
      text: (cite) => (texts ? texts.get(cite) ?? null : undefined),
      toggle: (cite, where) => {
        const opening = !state.open.has(cite);
        if (opening) state.open.add(cite);
        else state.open.delete(cite);
        // Opening a citation leads to its reference; closing it stays on the button.
        this.focusNext = `${where}:${opening ? 'ref' : 'cite'}:${cite}`;
        this.renderPopup();
        if (!texts) {
          fetchJSON('api/references').then((r) => {
            texts = new Map((r.references ?? []).map((x) => [`[${x.number}]`, String(x.text)]));
            this.renderPopup();
          }, (err) => this.showError(err, 'refs'));
        }
      },
    };
    return state;
  }

  /** A map button that switches the labels between English and Arabic names. */
  addArabicSwitch() {
    const Switch = L.Control.extend({
      onAdd: () => {
        const b = h('button', {
          type: 'button', class: 'arabic-switch', lang: 'ar', 'aria-pressed': 'false', title: 'Arabic names on the map',
        }, 'عربي');
        L.DomEvent.disableClickPropagation(b);
        b.addEventListener('click', () => {
          const on = b.getAttribute('aria-pressed') !== 'true';
          b.setAttribute('aria-pressed', String(on));
          this.arabic = on;
          this.labels?.setArabic(on);
        });
        return b;
      },
    });
    new Switch({ position: 'topright' }).addTo(this.map.map);
  }

  /** The legend of the plain view, or of the comparison with the pairs of sides that occur. */
  renderLegend(changes) {
    const pairs = changes ? [...new Set([...changes.values()].map((c) => `${c.gainer}>${c.loser}`))].sort() : null;
    const key = pairs ? pairs.join(',') : 'plain';
    if (key === this.legendKey) return;
    this.legendKey = key;
    renderLegend(document.getElementById('legend'), this.palette, pairs, this.compare, this.date);
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

/**
 * The zoom band in which a big dataset will be first seen whole in the map
 * box el, from its area (its width is taken as 1.4 times the side of a
 * square of that area) and the box's width: about the zoom the fit will
 * choose, at mid-latitudes. checkBand corrects it once the map is fitted.
 */
function firstBand(meta, el) {
  const width = Math.max(200, el.getBoundingClientRect().width - 32);
  const span = Math.sqrt(Math.max(1, Number(meta.total_km2) || 1) * 1e6) * 1.4;
  const z = Math.floor(Math.log2((156543 * 0.8 * width) / span));
  return Math.max(0, Math.min(MAX_BAND, z));
}

/** The basemap: the server's tile URL and credit, unless ?tiles=off. */
function tileSettings() {
  const metaContent = (name) => document.querySelector(`meta[name="${name}"]`)?.content ?? '';
  return {
    url: metaContent('frontline-tiles'),
    attribution: metaContent('frontline-tiles-attribution'),
    on: new URLSearchParams(location.search).get('tiles') !== 'off',
  };
}

/** localStorage item key, or null where storage is off (private windows, policies). */
function stored(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

/** Sets (null: removes) localStorage item key, quietly where storage is off. */
function store(key, value) {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // The choice then lasts for this page only.
  }
}

/** Focuses el without scrolling the page, then scrolls the popup's content (box) to show it. */
function focusWithin(box, el) {
  if (!el) return;
  el.focus({ preventScroll: true });
  const scroller = box.parentElement; // Leaflet's .leaflet-popup-content, which scrolls past maxHeight
  if (!scroller) return;
  const top = el.getBoundingClientRect().top - scroller.getBoundingClientRect().top + scroller.scrollTop;
  if (top < scroller.scrollTop || top + el.offsetHeight > scroller.scrollTop + scroller.clientHeight) {
    scroller.scrollTop = Math.max(0, top - 8);
  }
}

/** Resolves once el is within 300 px of the viewport. */
function nearViewport(el) {
  return new Promise((resolve) => {
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        io.disconnect();
        resolve();
      }
    }, { rootMargin: '300px' });
    io.observe(el);
  });
}

/** Resolves after the browser has painted the current state. */
function afterPaint() {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
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
  items.push(h('p', { class: 'muted' }, meta.references > 0
    ? 'Numbers in brackets in a district\'s popup are the citation numbers of the source article: click one to read the reference.'
    : 'Numbers in brackets in a district\'s popup are the citation numbers of the source article.'));
  about.replaceChildren(...items);
}

// attribution is a string by contract; an object of named parts is shown as a list.
function attributionNodes(a) {
  if (typeof a === 'string') return linkify(a);
  return h('ul', {}, Object.entries(a).map(([k, v]) => h('li', {}, `${k}: `, linkify(typeof v === 'string' ? v : JSON.stringify(v)))));
}

function square(fill, extra = {}) {
  const s = svg('svg', { width: 22, height: 16, viewBox: '0 0 22 16', 'aria-hidden': 'true', class: 'legend-swatch' });
  s.append(svg('rect', { x: 1, y: 1, width: 20, height: 14, fill, stroke: '#3b3b3b', 'stroke-width': 0.8, ...extra }));
  return s;
}

/**
 * The legend: each entry has a long label and a short one, which the compact
 * legend of phones and embeds shows (CSS picks one, the other is not shown
 * or read).
 */
function renderLegend(box, palette, pairs, compare, date) {
  const items = [];
  if (pairs) {
    for (const pair of pairs) {
      const [gainer, loser] = pair.split('>');
      const f = palette.gained(gainer, loser);
      const label = `${palette.shortName(gainer)} gained from ${palette.shortName(loser)}`;
      items.push([square(f.fillColor, { 'stroke-width': 1.6, stroke: '#111' }), label, label, pair]);
    }
    if (pairs.length === 0) items.push([square('none'), `No district changed hands between ${compare} and ${date}`, 'No change']);
    const faded = palette.faded({ controller: palette.sides[0]?.id, shares: { [palette.sides[0]?.id]: 1 } });
    items.push([square(palette.sides[0]?.color ?? UNASSIGNED_COLOR, { 'fill-opacity': faded.fillOpacity }),
      'Unchanged (faint: held as on the shown date)', 'Unchanged (faint)']);
  } else {
    for (const s of palette.sides) items.push([square(s.color, { 'fill-opacity': 0.65 }), s.name, palette.shortName(s.id)]);
    const [a, b] = palette.sides;
    if (a && b) {
      items.push([square(palette.fill({ controller: a.id, shares: { [a.id]: 0.6, [b.id]: 0.4 } }).fillColor), 'Split control (stripes ∝ shares)', 'Split']);
      items.push([square(palette.fill({ controller: 'contested', shares: { [a.id]: 0.5, [b.id]: 0.5 } }).fillColor), 'Contested (tied)', 'Contested']);
    }
    items.push([square(UNASSIGNED_COLOR, { 'fill-opacity': 0.35 }), 'Unassigned / no data', 'No data']);
    items.push([square('none', { stroke: '#111', 'stroke-width': 2, 'stroke-dasharray': '4 3' }), 'Changed on the shown date', 'Changed that day']);
  }
  // Drawn as on the map: a dark line on a white casing.
  const line = svg('svg', { width: 22, height: 16, viewBox: '0 0 22 16', 'aria-hidden': 'true', class: 'legend-swatch' });
  line.append(svg('line', { x1: 4, y1: 8, x2: 18, y2: 8, stroke: '#ffffff', 'stroke-width': 7, 'stroke-linecap': 'round' }));
  line.append(svg('line', { x1: 4, y1: 8, x2: 18, y2: 8, stroke: '#111', 'stroke-width': 3.5, 'stroke-linecap': 'round' }));
  items.push([line, 'Frontline on the shown date', 'Front line']);
  box.replaceChildren(h('ul', { class: pairs ? 'legend compare' : 'legend' },
    items.map(([sw, long, short, pair]) => h('li', { dataset: pair ? { pair } : {} }, sw,
      h('span', { class: 'long' }, long), h('span', { class: 'short' }, short)))));
}

/**
 * Shows the time bar, the legend and the panel (app.css keeps them laid out
 * but unseen until then): once the dataset has given them their form (a long
 * range's steps, ticks and presets, the first date, the legend) and the map
 * its height, or when the page failed. So what the reader sees first does
 * not move when the first answers fill it in.
 */
function settle() {
  document.documentElement.dataset.settled = 'true';
}

/**
 * Phones: the first screen holds the header, the map, the time bar and the
 * legend; the map gets the height the others leave (app.css), which these
 * keep measured.
 */
function trackHeights() {
  const root = document.documentElement.style;
  for (const [sel, name] of [['.top', '--top-h'], ['#timeline', '--timeline-h'], ['#legend-section', '--legend-h']]) {
    const el = document.querySelector(sel);
    new ResizeObserver(() => root.setProperty(name, `${el.offsetHeight}px`)).observe(el);
  }
}

trackHeights();
document.getElementById('error-retry').addEventListener('click', () => location.reload());
document.getElementById('error-close').addEventListener('click', () => { document.getElementById('error').hidden = true; });

const app = new App();
// Once started, the page follows new versions of the data (live.js).
app.start().then(() => followUpdates(app, { renderMeta }), (err) => {
  console.error(err);
  settle();
  showErrorBanner(`The map could not be loaded. ${err.message ?? String(err)}`);
  document.getElementById('stats').replaceChildren(h('p', { class: 'muted' }, 'Unavailable.'));
  document.getElementById('map').classList.add('failed');
});
