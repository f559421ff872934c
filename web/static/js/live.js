// Follows new versions of the dataset while the page is open: the server
// swaps in a new version without a restart (frontline serve --watch, or
// SIGHUP), and /api/meta names the version served. The page asks again when
// it gets the focus back and every few minutes, cheaply (If-None-Match: a
// 304 of a few hundred bytes when nothing changed), and on a new version it
// updates in place: the reader keeps the shown date, the comparison, the
// map's view and the open popup, and a note says what changed. A change of
// the districts, the sides or the first date (the map's geometry, its
// colours, the slider's start) is not redrawn in place: the note offers a
// reload, which keeps the date, comparison and view (they are in the link).

import { clampDate, daysBetween } from './dates.js';
import { h } from './format.js';
import { StatsPanel } from './stats.js';

const EVERY_MS = 3 * 60 * 1000;

/**
 * Starts following app (main.js's App, once started). renderMeta(meta)
 * redraws the title and the About section.
 */
export function followUpdates(app, { renderMeta }) {
  const live = new LiveUpdates(app, renderMeta);
  live.start();
  return live;
}

class LiveUpdates {
  constructor(app, renderMeta) {
    this.app = app;
    this.renderMeta = renderMeta;
    this.metaTag = null; // ETag of the last /api/meta seen
    this.checking = null;
    this.offered = null; // the version a reload was offered for
    document.documentElement.dataset.version = app.meta.version ?? '';
  }

  start() {
    window.addEventListener('focus', () => this.check());
    document.addEventListener('visibilitychange', () => { if (!document.hidden) this.check(); });
    setInterval(() => { if (!document.hidden) this.check(); }, EVERY_MS);
    this.check();
  }

  /** Asks for /api/meta and applies a new version; one check at a time. */
  check() {
    this.checking ??= this.fetchMeta().then(
      (meta) => (meta ? this.apply(meta) : null),
    ).catch((err) => {
      // Offline or restarting: the next focus or tick asks again.
      console.warn('checking for a new version of the data:', err);
    }).finally(() => { this.checking = null; });
    return this.checking;
  }

  /** The new /api/meta, or null when it is the one seen last. */
  async fetchMeta() {
    const got = await this.app.api.newMeta(this.metaTag);
    if (!got) return null;
    this.metaTag = got.tag;
    return got.meta;
  }

  async apply(meta) {
    const app = this.app;
    const old = app.meta;
    if (!meta.version || meta.version === old.version || meta.version === this.offered) return;
    if (meta.first_date !== old.first_date || meta.districts !== old.districts || !sameSides(meta.sides, old.sides)
        || await this.districtsChanged()) {
      this.offered = meta.version;
      this.note(meta, old, true);
      return;
    }
    // Everything the new version needs before the page switches to it.
    const series = app.stats ? await app.api.series(meta.first_date, meta.last_date, meta.max_series_days) : null;

    app.meta = meta;
    app.api.controlByDate.clear();
    app.api.frontlinesByDate.clear();
    app.api.districtById.clear();
    app.api.statsByDate.clear();
    app.summaries.clear();
    app.regionsPanel?.byDate.clear();
    this.renderMeta(meta);
    app.refs = meta.references > 0 ? app.referenceState() : null;

    const tl = app.timeline;
    tl.last = meta.last_date;
    tl.slider.max = String(daysBetween(tl.first, tl.last));
    const ticks = document.getElementById('ticks');
    for (const t of ticks.querySelectorAll('.tick')) t.remove();
    tl.drawTicks(ticks, meta.change_dates ?? []);
    document.getElementById('compare').max = meta.last_date;

    const clamp = (d) => clampDate(d, meta.first_date, meta.last_date);
    const date = clamp(app.date);
    app.compare = app.compare ? clamp(app.compare) : null;
    app.showCompareControls();
    if (series) await this.updateStats(series);
    await app.showDate(date, date === app.date ? 'none' : 'replace');
    document.documentElement.dataset.version = meta.version;
    this.note(meta, old, false);
  }

  /**
   * Whether the districts differ from those the map was drawn from: the
   * same features, geometry and names. Asked only for a new version; the
   * request is revalidated, so unchanged districts cost a 304.
   */
  async districtsChanged() {
    // The band drawn now (a big dataset's): its features are the ones to compare.
    const features = (await this.app.api.districts(this.app.noBands ? undefined : this.app.band)).features ?? [];
    const drawn = this.app.features;
    return features.length !== drawn.size || features.some((f) => {
      const before = drawn.get(String(f.id ?? f.properties?.id));
      return !before || JSON.stringify(before) !== JSON.stringify(f);
    });
  }

  /** Gives the stats panel the new series, and redraws its chart if it is drawn. */
  async updateStats(series) {
    const panel = this.app.stats;
    const next = new StatsPanel(panel.tableBox, panel.chartBox, { series, palette: panel.palette, onPick: panel.onPick });
    panel.sides = next.sides;
    panel.entries = next.entries;
    panel.pairs = next.pairs;
    if (panel.chart) {
      panel.chart.destroy();
      panel.chart = null;
      await panel.drawChart();
    }
  }

  /** The note of what changed, with a way to the new last date, or to a reload. */
  note(meta, old, reload) {
    document.getElementById('update-note')?.remove();
    const what = meta.last_date !== old.last_date ? `Data updated: now to ${meta.last_date}.` : 'Data updated.';
    const close = h('button', { type: 'button', class: 'small', title: 'Dismiss this message' }, '×');
    const parts = [h('p', {}, what)];
    if (reload) {
      parts.push(h('p', {}, 'The districts or sides changed: reload the page to see them.'));
      const b = h('button', { type: 'button' }, 'Reload');
      b.addEventListener('click', () => location.reload());
      parts.push(b);
    } else if (meta.last_date !== old.last_date && this.app.date !== meta.last_date) {
      const b = h('button', { type: 'button' }, `Show ${meta.last_date}`);
      b.addEventListener('click', () => {
        this.app.timeline.pause();
        this.app.showDate(meta.last_date, 'commit');
        box.remove();
      });
      parts.push(b);
    }
    const box = h('div', { id: 'update-note', class: 'update-note', role: 'status', dataset: { version: meta.version } }, ...parts, close);
    close.addEventListener('click', () => box.remove());
    document.getElementById('error').after(box);
  }
}


function sameSides(a = [], b = []) {
  return a.length === b.length && a.every((s, i) => s.id === b[i].id && s.name === b[i].name && s.color === b[i].color);
}
