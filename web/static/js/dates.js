// Calendar dates as ISO strings (YYYY-MM-DD). All arithmetic is in UTC so a
// day is always 24 h and the browser's time zone cannot shift a date.

const DAY_MS = 86400000;

/** Returns the UTC midnight of an ISO date in ms, or null if it is not a real date. */
export function parseDate(s) {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return null;
  const t = Date.parse(`${s}T00:00:00Z`);
  // Date.parse rolls 2016-02-30 over to March: a round trip rejects it.
  if (Number.isNaN(t) || formatDate(t) !== s) return null;
  return t;
}

/** Formats UTC ms as an ISO date. */
export function formatDate(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Adds n days to an ISO date. */
export function addDays(s, n) {
  return formatDate(parseDate(s) + n * DAY_MS);
}

/** Whole days from ISO date a to ISO date b (negative if b is earlier). */
export function daysBetween(a, b) {
  return Math.round((parseDate(b) - parseDate(a)) / DAY_MS);
}

/** Clamps an ISO date into [first, last]; ISO strings compare in date order. */
export function clampDate(s, first, last) {
  if (s < first) return first;
  if (s > last) return last;
  return s;
}

// English names written out: the page's dates are always English and UTC, and
// setting up Intl.DateTimeFormat was the costliest script of start-up in a
// Chromium profile.
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function parts(ms) {
  const d = new Date(ms);
  return { day: d.getUTCDate(), month: d.getUTCMonth(), year: d.getUTCFullYear(), weekday: d.getUTCDay() };
}

/** "6 December 2016". */
export function longDate(s) {
  const p = parts(parseDate(s));
  return `${p.day} ${MONTHS[p.month]} ${p.year}`;
}

/** "6 Dec 2016", where a long date does not fit. */
export function mediumDate(s) {
  const p = parts(parseDate(s));
  return `${p.day} ${MONTHS[p.month].slice(0, 3)} ${p.year}`;
}

/** "Tue". */
export function weekdayShort(s) {
  return WEEKDAYS[parts(parseDate(s)).weekday].slice(0, 3);
}

/** "Tuesday". */
export function weekday(s) {
  return WEEKDAYS[parts(parseDate(s)).weekday];
}

/** "6 Dec", for chart axes (ms since the epoch). */
export function shortDate(ms) {
  const p = parts(ms);
  return `${p.day} ${MONTHS[p.month].slice(0, 3)}`;
}
