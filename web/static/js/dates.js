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

const longFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric',
});
const weekdayFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'long' });
const mediumFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' });
const weekdayShortFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short' });
const shortFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short' });

/** "6 December 2016". */
export function longDate(s) {
  return longFormat.format(parseDate(s));
}

/** "6 Dec 2016", where a long date does not fit. */
export function mediumDate(s) {
  return mediumFormat.format(parseDate(s));
}

/** "Tue". */
export function weekdayShort(s) {
  return weekdayShortFormat.format(parseDate(s));
}

/** "Tuesday". */
export function weekday(s) {
  return weekdayFormat.format(parseDate(s));
}

/** "6 Dec", for chart axes. */
export function shortDate(ms) {
  return shortFormat.format(ms);
}
