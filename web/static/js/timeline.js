// The time controls: slider with ticks on change dates, ±1 day buttons,
// play/pause and the large date label. It only reports wanted dates; main.js
// decides what showing a date means.

import { addDays, daysBetween, spokenDate, weekday, weekdayShort } from './dates.js';
import { h, patchChildren } from './format.js';

const PLAY_STEP_MS = 800;

/** Timeline wires the controls found under root to onPick(date, how). */
export class Timeline {
  /**
   * first/last: the dataset's date range; changeDates: dates that get a tick;
   * onPick(date, how) with how "drag" (slider moving), "step" (a day back or
   * forward, the slider let go) or "play" (playback, and its pause).
   */
  constructor(root, { first, last, changeDates, onPick }) {
    this.first = first;
    this.last = last;
    this.onPick = onPick;
    this.date = first;
    this.timer = null;
    this.slider = root.querySelector('#slider');
    this.label = root.querySelector('#date-label');
    this.sub = root.querySelector('#date-sub');
    this.playButton = root.querySelector('#play');
    this.slider.min = '0';
    this.slider.max = String(daysBetween(first, last));
    this.slider.step = '1';
    this.compareTick = root.querySelector('#compare-tick');
    this.drawTicks(root.querySelector('#ticks'), changeDates);
    // The controls stay disabled in the HTML until there is a date range to move in.
    for (const el of root.querySelectorAll('button, input')) el.disabled = false;

    this.slider.addEventListener('input', () => this.pick(addDays(first, Number(this.slider.value)), 'drag'));
    // "change" fires once the thumb is released (or after a key press).
    this.slider.addEventListener('change', () => this.pick(addDays(first, Number(this.slider.value)), 'step'));
    root.querySelector('#prev-day').addEventListener('click', () => this.step(-1));
    root.querySelector('#next-day').addEventListener('click', () => this.step(1));
    this.playButton.addEventListener('click', () => (this.timer ? this.pause() : this.play()));
  }

  drawTicks(box, changeDates) {
    for (const d of changeDates) {
      if (d < this.first || d > this.last) continue;
      const tick = document.createElement('span');
      tick.className = 'tick';
      tick.style.left = this.position(d);
      tick.title = d;
      box.append(tick);
    }
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
    patchChildren(this.label, [document.createTextNode(date)]);
    this.label.dataset.date = date;
    // Narrow screens show the short weekday (CSS), so the line stays on one line.
    patchChildren(this.sub, [h('span', { class: 'long' }, weekday(date)), h('span', { class: 'short' }, weekdayShort(date)),
      document.createTextNode(` · day ${daysBetween(this.first, date) + 1} of ${daysBetween(this.first, this.last) + 1}`)]);
  }

  pick(date, how) {
    if (date === this.date && how === 'drag') return;
    this.set(date);
    this.onPick(date, how);
  }

  /** Moves n days, staying in range. */
  step(n) {
    this.pause();
    const next = addDays(this.date, n);
    if (next < this.first || next > this.last) return;
    this.pick(next, 'step');
  }

  play() {
    // Playing from the last date starts again from the first.
    if (this.date >= this.last) this.pick(this.first, 'play');
    this.timer = setInterval(() => {
      if (this.date >= this.last) {
        this.pause();
        return;
      }
      this.pick(addDays(this.date, 1), 'play');
    }, PLAY_STEP_MS);
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
