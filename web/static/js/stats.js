// The stats panel (km² and share per side on the shown date, change since the
// previous day, frontline length per pair of sides) and the chart: for a
// short range the km² of each side stacked; for a long one (years, where a
// month's change is a sliver of the whole) the net km² each side gained in
// each month, as bars above and below zero. All numbers come from one
// /api/stats?from=&to= series fetched at start; nothing is recomputed here
// except differences between its days.

/* global uPlot */

// uPlot is loaded only when the chart is drawn, after the map's first paint.
const UPLOT_JS = new URL('../vendor/uplot.js', import.meta.url).href;
const UPLOT_CSS = new URL('../vendor/uplot.css', import.meta.url).href;
let uplotLoaded = null;

/** Loads uPlot's script and stylesheet once. */
function loadUPlot() {
  uplotLoaded ??= Promise.all([
    load(h('link', { rel: 'stylesheet', href: UPLOT_CSS })),
    load(h('script', { src: UPLOT_JS })),
  ]);
  return uplotLoaded;
}

function load(el) {
  return new Promise((resolve, reject) => {
    el.addEventListener('load', resolve);
    el.addEventListener('error', () => reject(new Error(`could not load ${el.src ?? el.href}`)));
    document.head.append(el);
  });
}

import { addDays, addMonths, daysBetween, formatDate, parseDate } from './dates.js';
import { LONG_RANGE_DAYS } from './timeline.js';
import { UNASSIGNED_COLOR } from './palette.js';
import { delta, h, km2, patchChildren, percent } from './format.js';
import { swatch } from './popup.js';

/** StatsPanel renders the table into tableBox and the chart into chartBox. */
export class StatsPanel {
  /** series: the /api/stats answer; palette: a Palette; onPick(date): a chart click. */
  constructor(tableBox, chartBox, { series, palette, onPick }) {
    this.tableBox = tableBox;
    this.chartBox = chartBox;
    this.palette = palette;
    this.onPick = onPick;
    this.sides = series.sides ?? palette.sides.map((s) => s.id);
    this.entries = [...series.series].sort((a, b) => (a.date < b.date ? -1 : 1));
    // "a|b" keys of frontlines_km, in the server's order; older servers send no "pairs".
    this.pairs = series.pairs ?? [...new Set(this.entries.flatMap((e) => Object.keys(e.frontlines_km ?? {})))];
    this.date = null;
    this.chart = null;
    // A series too long to fetch at once starts later than the data.
    this.shortenedFrom = series.shortened_from ?? null;
  }

  /** The series entry in force on date: the latest one not after it. */
  entryAt(date) {
    let lo = 0;
    let hi = this.entries.length - 1;
    let found = null;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.entries[mid].date <= date) {
        found = this.entries[mid];
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  show(date) {
    this.date = date;
    this.renderTable(date);
    if (this.chart) this.chart.redraw(false, false);
  }

  renderTable(date) {
    const now = this.entryAt(date);
    if (!now) {
      const why = this.shortenedFrom && this.entries.length > 0
        ? ` The series shown runs from ${this.entries[0].date}: the data begins ${this.shortenedFrom}, more days than one series holds.`
        : '';
      this.tableBox.replaceChildren(h('p', { class: 'muted' }, `No statistics for ${date}.${why}`));
      return;
    }
    const before = this.entryAt(addDays(date, -1));
    const rows = this.sides.map((side) => {
      const cur = now.sides[side] ?? { km2: 0, share: 0 };
      const prev = before?.sides[side];
      return row(side, this.label(side), this.palette.color(side), cur.km2, cur.share,
        prev ? cur.km2 - prev.km2 : null);
    });
    if (now.unassigned_km2 > 0 || (before && before.unassigned_km2 > 0)) {
      rows.push(row('unassigned', h('span', { class: 'name' }, 'Unassigned'), UNASSIGNED_COLOR, now.unassigned_km2,
        now.total_km2 > 0 ? now.unassigned_km2 / now.total_km2 : 0,
        before ? now.unassigned_km2 - before.unassigned_km2 : null));
    }
    const fronts = this.frontsTable(now, before);
    patchChildren(this.tableBox, [h('table', { class: 'stats', dataset: { date: now.date, shown: date } },
      h('caption', {}, `On ${date}; Δ day: change since the day before` +
        (this.shortenedFrom ? `; the chart runs from ${this.entries[0].date} (the data begins ${this.shortenedFrom}: more days than one series holds)` : '')),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Side'), h('th', { scope: 'col', class: 'num' }, 'km²'),
        h('th', { scope: 'col', class: 'num' }, 'Share'),
        h('th', { scope: 'col', class: 'num', title: 'Change in km² since the previous day' }, 'Δ day'))),
      h('tbody', {}, rows),
      h('tfoot', {}, h('tr', {},
        h('th', { scope: 'row' }, 'Total'),
        h('td', { class: 'num km2', dataset: { value: String(now.total_km2) } }, km2(now.total_km2)),
        h('td', { class: 'num' }, ''), h('td', { class: 'num' }, '')))),
    fronts]);
  }

  /** Short side name; the full one is its tooltip. */
  label(side) {
    const full = this.palette.name(side);
    const short = this.palette.shortName(side);
    return h('span', { class: 'name', title: short === full ? null : full }, short);
  }

  /** Frontline length per pair of sides on the entry's date; null if the series has none. */
  frontsTable(now, before) {
    if (this.pairs.length === 0) return null;
    const rows = this.pairs.map((pair) => {
      const sides = pair.split('|');
      const km = now.frontlines_km?.[pair] ?? 0;
      const prev = before?.frontlines_km?.[pair];
      const names = sides.map((s) => this.palette.name(s)).join(' – ');
      return h('tr', { dataset: { pair }, class: km > 0 ? null : 'none' },
        // One line per side: a pair of names never fits on one.
        h('th', { scope: 'row', title: names },
          sides.map((s) => h('span', { class: 'pair-side' }, swatch(this.palette.color(s)), this.palette.shortName(s)))),
        h('td', { class: 'num km', dataset: { value: String(km) } }, km.toFixed(2)),
        h('td', { class: 'num delta' }, prev === undefined ? '—' : delta(km - prev)));
    });
    return h('table', { class: 'stats fronts', dataset: { date: now.date } },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Frontline'), h('th', { scope: 'col', class: 'num' }, 'km'),
        h('th', { scope: 'col', class: 'num', title: 'Change in km since the previous day' }, 'Δ day'))),
      h('tbody', {}, rows));
  }

  /** The palette changed: the table and the chart again, in the new colours. */
  recolor() {
    if (this.date) this.renderTable(this.date);
    if (!this.chart) return;
    this.chart.destroy();
    this.chart = null;
    this.drawChart();
  }

  /** Whether the series spans a long range: the chart is then the net gain per month. */
  get long() {
    const n = this.entries.length;
    return n > 1 && daysBetween(this.entries[0].date, this.entries[n - 1].date) > LONG_RANGE_DAYS;
  }

  /**
   * The net km² each side gained in each calendar month of the series:
   * [{month: "YYYY-MM", from, to, net: {side: km²}}], from being the last
   * day before the month (or the series' first day) and to its last day (or
   * the series' last).
   */
  monthlyNet() {
    const first = this.entries[0].date;
    const last = this.entries[this.entries.length - 1].date;
    const out = [];
    for (let m = `${first.slice(0, 7)}-01`; m <= last; m = addMonths(m, 1)) {
      const from = m <= first ? first : addDays(m, -1);
      const end = addDays(addMonths(m, 1), -1);
      const to = end > last ? last : end;
      const a = this.entryAt(from);
      const b = this.entryAt(to);
      const net = {};
      for (const side of this.sides) net[side] = (b?.sides[side]?.km2 ?? 0) - (a?.sides[side]?.km2 ?? 0);
      out.push({ month: m.slice(0, 7), from, to, net });
    }
    return out;
  }

  /** Loads uPlot and builds the chart; call once the box has its size. */
  async drawChart() {
    await loadUPlot();
    if (this.long) {
      this.drawBars();
      return;
    }
    const xs = this.entries.map((e) => parseDate(e.date) / 1000);
    // Stack bottom-up in meta order, unassigned on top, each series holding its running total.
    const layers = this.sides.map((side) => ({
      label: this.palette.name(side), color: this.palette.color(side), values: this.entries.map((e) => e.sides[side]?.km2 ?? 0),
    }));
    if (this.entries.some((e) => e.unassigned_km2 > 0)) {
      layers.push({ label: 'Unassigned', color: UNASSIGNED_COLOR, values: this.entries.map((e) => e.unassigned_km2) });
    }
    const running = xs.map(() => 0);
    const stacked = layers.map((l) => l.values.map((v, i) => (running[i] += v)));
    // uPlot fills each series down to zero; drawing the tallest first lets each lower one paint over it.
    const order = layers.map((_, i) => i).reverse();
    const stepped = uPlot.paths.stepped({ align: 1 });
    const opts = {
      width: this.chartBox.clientWidth || 300,
      height: 150,
      legend: { show: false },
      // uPlot swallows a click it takes for the end of a drag; there is no drag here.
      cursor: { drag: { x: false, y: false, click: () => {} }, points: { show: false }, y: false },
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, max * 1.02] } },
      axes: [
        // Dates as everywhere on the page; 80 px apart so the ISO labels never touch.
        { values: (u, ticks) => ticks.map((t) => formatDate(t * 1000)), space: 80, size: 28, font: '11px system-ui, sans-serif', gap: 3 },
        { size: 42, font: '11px system-ui, sans-serif', label: 'km²', labelSize: 14, labelFont: '11px system-ui, sans-serif' },
      ],
      series: [{}, ...order.map((i) => ({
        label: layers[i].label, stroke: layers[i].color, fill: layers[i].color, width: 1, paths: stepped, points: { show: false },
      }))],
      hooks: { draw: [(u) => this.drawMarker(u)] },
    };
    this.chart = new uPlot(opts, [xs, ...order.map((i) => stacked[i])], this.chartBox);
    this.wireChart();
  }

  /**
   * The net gain per month as bars: each side's gains stacked above zero,
   * its losses below, in the side's colour. Drawn from zero, the larger
   * stacks first, so each smaller one paints over it.
   */
  drawBars() {
    const months = this.monthlyNet();
    const xs = months.map((m) => parseDate(`${m.month}-15`) / 1000);
    const series = [{}];
    const data = [xs];
    const layers = [];
    for (const [sign, pick] of [['gained', (v) => Math.max(0, v)], ['lost', (v) => Math.min(0, v)]]) {
      const running = xs.map(() => 0);
      const stacks = this.sides.map((side) => ({ side, sign, values: months.map((m, i) => (running[i] += pick(m.net[side]))) }));
      layers.push(...stacks.reverse());
    }
    const bars = uPlot.paths.bars({ size: [0.75, 40], align: 0 });
    for (const l of layers) {
      const color = this.palette.color(l.side);
      series.push({ label: `${this.palette.name(l.side)} ${l.sign}`, stroke: color, fill: color, width: 0, paths: bars, points: { show: false } });
      data.push(l.values);
    }
    const lo = Math.min(0, ...data.slice(1).flat());
    const hi = Math.max(0, ...data.slice(1).flat());
    const pad = Math.max(1, (hi - lo) * 0.06);
    const opts = {
      width: this.chartBox.clientWidth || 300,
      height: 150,
      legend: { show: false },
      cursor: { drag: { x: false, y: false, click: () => {} }, points: { show: false }, y: false },
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      scales: { x: { time: true, range: () => [xs[0] - 16 * 86400, xs[xs.length - 1] + 16 * 86400] }, y: { range: () => [lo - pad, hi + pad] } },
      axes: [
        { values: (u, ticks) => ticks.map((t) => formatDate(t * 1000).slice(0, 7)), space: 64, size: 28, font: '11px system-ui, sans-serif', gap: 3 },
        { size: 48, font: '11px system-ui, sans-serif', label: 'km² net per month', labelSize: 14, labelFont: '11px system-ui, sans-serif' },
      ],
      series,
      hooks: { draw: [(u) => this.drawZero(u), (u) => this.drawMarker(u)] },
    };
    this.chartBox.setAttribute('aria-label', 'Bar chart of the net km² each side gained (above zero) or lost (below) in each month; click it to show that date');
    this.chartBox.dataset.kind = 'monthly-net';
    this.chartBox.dataset.months = JSON.stringify(months.map((m) => [m.month, m.net]));
    this.chart = new uPlot(opts, data, this.chartBox);
    this.wireChart();
  }

  /** The zero line of the bars. */
  drawZero(u) {
    const y = Math.round(u.valToPos(0, 'y', true));
    const { ctx } = u;
    ctx.save();
    ctx.strokeStyle = '#5f6368';
    ctx.lineWidth = devicePixelRatio;
    ctx.beginPath();
    ctx.moveTo(u.bbox.left, y);
    ctx.lineTo(u.bbox.left + u.bbox.width, y);
    ctx.stroke();
    ctx.restore();
  }

  /** Clicks jump to a date; the chart follows its box's width. */
  wireChart() {
    this.chart.over.addEventListener('click', (e) => this.chartClick(e));
    if (!this.resizer) {
      this.resizer = new ResizeObserver(() => {
        const w = this.chartBox.clientWidth;
        if (this.chart && w > 0 && w !== this.chart.width) this.chart.setSize({ width: w, height: 150 });
      });
      this.resizer.observe(this.chartBox);
    }
  }

  drawMarker(u) {
    if (!this.date) return;
    const x = Math.round(u.valToPos(parseDate(this.date) / 1000, 'x', true));
    const { ctx } = u;
    ctx.save();
    ctx.strokeStyle = '#111111';
    ctx.lineWidth = 2 * devicePixelRatio;
    ctx.beginPath();
    ctx.moveTo(x, u.bbox.top);
    ctx.lineTo(x, u.bbox.top + u.bbox.height);
    ctx.stroke();
    ctx.restore();
  }

  chartClick(e) {
    // Position from the event itself: uPlot's cursor may lag a click that came without a move.
    const left = e.clientX - this.chart.over.getBoundingClientRect().left;
    const secs = this.chart.posToVal(left, 'x');
    // Snap to the nearest whole day, then keep it inside the series.
    const date = formatDate(Math.round(secs / 86400) * 86400000);
    const first = this.entries[0].date;
    const last = this.entries[this.entries.length - 1].date;
    this.onPick(date < first ? first : date > last ? last : date);
  }
}

function row(side, label, color, area, share, change) {
  return h('tr', { dataset: { side } },
    h('th', { scope: 'row' }, swatch(color), label),
    h('td', { class: 'num km2', dataset: { value: String(area) } }, km2(area)),
    h('td', { class: 'num share', dataset: { value: String(share) } }, percent(share)),
    h('td', { class: `num delta${change > 0 ? ' up' : change < 0 ? ' down' : ''}` }, change === null ? '—' : delta(change)));
}
