// The time controls: the slider with its ticks, the back and forward
// buttons, play/pause and the large date, which takes a date typed by hand.
// A short range (a city's weeks) gets a tick per change date and steps of a
// day; a long one (a country's years, a change nearly every day) gets a tick
// per month, the year written at each January, a choice of steps (a day, a
// week, a month) and playback fast enough to show two years in under a
// minute. It only reports wanted dates; main.js decides what showing a date
// means.

import { addDays, addMonths, daysBetween, readDate, spokenDate, weekday, weekdayShort } from './dates.js';
import { h, patchChildren } from './format.js';

// A range longer than this (days) is long: month ticks, step choice, faster play.
export const LONG_RANGE_DAYS = 62;
// Playback of a short range: a day per step, at this interval (ms).
const PLAY_STEP_MS = 800;
// Playback of a long range: a step at this interval, as many days per step as
// it takes to cross the whole range in PLAY_WHOLE_MS.
const LONG_PLAY_STEP_MS = 400;
const PLAY_WHOLE_MS = 45000;
// More change dates than this are not ticked one by one.
const MAX_CHANGE_TICKS = 60;
const UNITS = { day: ['day', 'days'], week: ['week', 'weeks'], month: ['month', 'months'] };

/**
 * How playback crosses the range [first, last] stepping by unit ("day",
 * "week" or "month"): {stepDays, everyMs}, a step of stepDays days (null: a
 * calendar month) every everyMs. A short range goes a day at a time; a long
 * one as many days a step as crossing it in PLAY_WHOLE_MS takes, or the
 * chosen unit if that is more.
 */
export function playPlan(first, last, unit = 'day') {
  const days = daysBetween(first, last);
  if (days <= LONG_RANGE_DAYS) return { stepDays: 1, everyMs: PLAY_STEP_MS };
  if (unit === 'month') return { stepDays: null, everyMs: LONG_PLAY_STEP_MS };
  const auto = Math.ceil((days * LONG_PLAY_STEP_MS) / PLAY_WHOLE_MS);
  return { stepDays: Math.max(auto, unit === 'week' ? 7 : 1), everyMs: LONG_PLAY_STEP_MS };
}

/** Timeline wires the controls found under root to onPick(date, how). */
export class Timeline {
  /**
   * first/last: the dataset's date range; changeDates: dates that get a tick
   * (a short range's); onPick(date, how) with how "drag" (slider moving),
   * "step" (a step back or forward, the slider let go), "play" (playback,
   * and its pause) or "commit" (a date typed in).
   */
  constructor(root, { first, last, changeDates, onPick }) {
    this.first = first;
    this.last = last;
    this.onPick = onPick;
    this.date = first;
    this.timer = null;
    this.unit = 'day';
    this.long = daysBetween(first, last) > LONG_RANGE_DAYS;
    this.slider = root.querySelector('#slider');
    this.label = root.querySelector('#date-label');
    this.sub = root.querySelector('#date-sub');
    this.msg = root.querySelector('#date-msg');
    this.status = document.getElementById('date-status');
    this.playButton = root.querySelector('#play');
    this.prev = root.querySelector('#prev-day');
    this.next = root.querySelector('#next-day');
    this.slider.min = '0';
    this.slider.max = String(daysBetween(first, last));
    this.slider.step = '1';
    this.compareTick = root.querySelector('#compare-tick');
    this.drawTicks(root.querySelector('#ticks'), changeDates);
    // The controls stay disabled in the HTML until there is a date range to move in.
    for (const el of root.querySelectorAll('button, input, select')) el.disabled = false;
    root.classList.toggle('long', this.long);
    const stepBox = root.querySelector('#step');
    stepBox.hidden = !this.long;
    root.querySelector('#step-unit').addEventListener('change', (e) => this.setUnit(e.target.value));

    this.slider.addEventListener('input', () => this.pick(addDays(first, Number(this.slider.value)), 'drag'));
    // "change" fires once the thumb is released (or after a key press).
    this.slider.addEventListener('change', () => this.pick(addDays(first, Number(this.slider.value)), 'step'));
    // Page Up/Down: a month (the range input's own jump is a tenth of the range).
    this.slider.addEventListener('keydown', (e) => {
      if (e.key !== 'PageUp' && e.key !== 'PageDown') return;
      this.stepBy(e.key === 'PageUp' ? 1 : -1, 'month');
      e.preventDefault();
    });
    this.prev.addEventListener('click', () => this.step(-1));
    this.next.addEventListener('click', () => this.step(1));
    this.playButton.addEventListener('click', () => (this.timer ? this.pause() : this.play()));
    this.wireTyping();
  }

  /**
   * The ticks: a short range's change dates; a long range's months, with
   * the year at each January (or the first month's YYYY-MM when no January
   * is in range), and its change dates too when they are few.
   */
  drawTicks(box, changeDates) {
    const dates = changeDates.filter((d) => d >= this.first && d <= this.last);
    if (!this.long || dates.length <= MAX_CHANGE_TICKS) {
      for (const d of dates) box.append(this.tick(d, 'tick', d));
    }
    if (!this.long) return;
    let m = `${this.first.slice(0, 7)}-01`;
    if (m < this.first) m = addMonths(m, 1);
    let labelled = false;
    for (; m <= this.last; m = addMonths(m, 1)) {
      const year = m.endsWith('-01-01');
      const tick = this.tick(m, year ? 'tick month year' : 'tick month', m.slice(0, 7));
      if (year) {
        tick.append(h('span', { class: 'tick-label' }, m.slice(0, 4)));
        labelled = true;
      }
      box.append(tick);
    }
    if (!labelled) box.querySelector('.tick.month')?.append(h('span', { class: 'tick-label' }, box.querySelector('.tick.month').title));
  }

  tick(d, className, title) {
    const tick = document.createElement('span');
    tick.className = className;
    tick.style.left = this.position(d);
    tick.title = title;
    tick.dataset.date = d;
    return tick;
  }

  /** The CSS left of date's tick: the thumb's centre runs from thumb/2 to 100% - thumb/2. */
  position(d) {
    const span = Math.max(1, daysBetween(this.first, this.last));
    return `calc(var(--thumb) / 2 + (100% - var(--thumb)) * ${daysBetween(this.first, d) / span})`;
  }

  /** Marks the comparison date on the slider (null: none). */
  markCompare(date) {
    this.compareTick.hidden = !date;
    if (date) {
      this.compareTick.style.left = this.position(date);
      this.compareTick.title = `Compared with ${date}`;
    }
  }

  /** Shows date on the controls without reporting it. */
  set(date) {
    this.date = date;
    this.slider.value = String(daysBetween(this.first, date));
    this.slider.setAttribute('aria-valuetext', spokenDate(date));
    // ISO in tabular figures: every date is as wide as the next, so nothing beside it moves.
    // A date being typed stays as typed.
    if (document.activeElement !== this.label) this.label.value = date;
    this.label.dataset.date = date;
    // Said to screen readers (the field is not a live region, as the date's output was).
    this.status.textContent = spokenDate(date);
    // Narrow screens show the short weekday (CSS), so the line stays on one line.
    patchChildren(this.sub, [h('span', { class: 'long' }, weekday(date)), h('span', { class: 'short' }, weekdayShort(date)),
      document.createTextNode(` · day ${daysBetween(this.first, date) + 1} of ${daysBetween(this.first, this.last) + 1}`)]);
  }

  pick(date, how) {
    if (date === this.date && how === 'drag') return;
    this.set(date);
    this.onPick(date, how);
  }

  /** The date typed into the big date: read on Enter and on leaving the field, never while typing. */
  wireTyping() {
    const input = this.label;
    const apply = () => {
      const text = input.value.trim();
      if (text === '' || text === this.date) {
        this.message(null);
        input.value = this.date;
        return;
      }
      const r = readDate(text, this.first, this.last);
      this.message(r.error ?? null);
      if (r.error) return;
      input.value = r.date;
      this.pause(false);
      this.pick(r.date, 'commit');
    };
    input.addEventListener('change', apply);
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        apply();
        e.preventDefault();
      } else if (e.key === 'Escape' && input.value !== this.date) {
        input.value = this.date;
        this.message(null);
        e.preventDefault();
        e.stopPropagation();
      }
    });
    input.addEventListener('input', () => { if (input.getAttribute('aria-invalid')) this.message(null); });
    input.addEventListener('blur', () => { if (!input.getAttribute('aria-invalid')) input.value = this.date; });
  }

  /** Says what is wrong with the typed date (null: nothing). */
  message(text) {
    this.msg.textContent = text ?? '';
    this.msg.hidden = !text;
    if (text) this.label.setAttribute('aria-invalid', 'true');
    else this.label.removeAttribute('aria-invalid');
  }

  /** What the back and forward buttons step by: "day", "week" or "month". */
  setUnit(unit) {
    if (!UNITS[unit]) return;
    this.unit = unit;
    const [one] = UNITS[unit];
    this.prev.setAttribute('aria-label', `Back 1 ${one}`);
    this.next.setAttribute('aria-label', `Forward 1 ${one}`);
    for (const el of [this.prev, this.next]) {
      const w = el.querySelector('.words');
      if (w) w.textContent = el === this.prev ? ` 1 ${one}` : `1 ${one} `;
    }
  }

  /** Moves n steps of the chosen unit, staying in range. */
  step(n) {
    this.stepBy(n, this.unit);
  }

  /** Moves n steps of unit ("day", "week" or "month"); a step past either end stops at it. */
  stepBy(n, unit) {
    this.pause();
    let next = unit === 'month' ? addMonths(this.date, n) : addDays(this.date, unit === 'week' ? 7 * n : n);
    if (next < this.first) next = this.first;
    if (next > this.last) next = this.last;
    if (next === this.date) return;
    this.pick(next, 'step');
  }

  /** The date playback shows after date (see playPlan). */
  playNext(date) {
    const { stepDays } = playPlan(this.first, this.last, this.unit);
    return stepDays === null ? addMonths(date, 1) : addDays(date, stepDays);
  }

  play() {
    // Playing from the last date starts again from the first.
    if (this.date >= this.last) this.pick(this.first, 'play');
    this.timer = setInterval(() => {
      if (this.date >= this.last) {
        this.pause();
        return;
      }
      const next = this.playNext(this.date);
      this.pick(next > this.last ? this.last : next, 'play');
    }, playPlan(this.first, this.last, this.unit).everyMs);
    this.playButton.setAttribute('aria-pressed', 'true');
    this.playButton.title = 'Pause (space)';
    this.playButton.classList.add('playing');
  }

  /** Stops playback; report: tell onPick where it stopped (not when the page itself moves elsewhere). */
  pause(report = true) {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = null;
    this.playButton.setAttribute('aria-pressed', 'false');
    this.playButton.title = 'Play (space)';
    this.playButton.classList.remove('playing');
    if (report) this.onPick(this.date, 'play');
  }

  get playing() {
    return this.timer !== null;
  }
}
