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

/** Adds n calendar months to an ISO date; a day the month lacks becomes its last (2025-01-31 + 1 → 2025-02-28). */
export function addMonths(s, n) {
  const [y, m, d] = s.split('-').map(Number);
  const months = y * 12 + (m - 1) + n;
  const year = Math.floor(months / 12);
  const month = months - year * 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return formatDate(Date.UTC(year, month, Math.min(d, last)));
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

// The page shows every date as ISO YYYY-MM-DD (as the URL, the API and the
// file names do); the slider tells screen readers the spoken form. English
// names are written out: setting up Intl.DateTimeFormat was the costliest
// script of start-up in a Chromium profile.
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function parts(ms) {
  const d = new Date(ms);
  return { day: d.getUTCDate(), month: d.getUTCMonth(), year: d.getUTCFullYear(), weekday: d.getUTCDay() };
}

/** "Tuesday 6 December 2016": for aria-valuetext, which is heard, not seen. */
export function spokenDate(s) {
  const p = parts(parseDate(s));
  return `${WEEKDAYS[p.weekday]} ${p.day} ${MONTHS[p.month]} ${p.year}`;
}

/** "Tue". */
export function weekdayShort(s) {
  return WEEKDAYS[parts(parseDate(s)).weekday].slice(0, 3);
}

/** "Tuesday". */
export function weekday(s) {
  return WEEKDAYS[parts(parseDate(s)).weekday];
}

/**
 * Reads a date typed by hand, for a field whose range is [first, last]:
 * YYYY-MM-DD (also with / or . or nothing between), "1 Dec 2016", "December
 * 1, 2016", or day and month in either order ("12/01/2016" is 1 December
 * when 12 January is outside the range). Returns {date} or {error}, a
 * sentence that says what to type instead.
 */
export function readDate(text, first, last) {
  const s = String(text).trim().toLowerCase();
  const range = `pick a date from ${first} to ${last}`;
  const iso = (y, m, d) => {
    const v = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    return parseDate(v) === null ? null : v;
  };
  let candidates = [];
  let m;
  if ((m = /^(\d{4})[-/.]?(\d{1,2})[-/.]?(\d{1,2})$/.exec(s)) && (s.length === 8 || /\D/.test(s))) {
    candidates = [iso(m[1], m[2], m[3])];
  } else if ((m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(s))) {
    candidates = [iso(m[3], m[1], m[2]), iso(m[3], m[2], m[1])];
  } else if ((m = /^(\d{1,2})\.?\s*([a-z]{3,})\.?,?\s*(\d{4})$/.exec(s)) || (m = /^([a-z]{3,})\.?\s*(\d{1,2}),?\s*(\d{4})$/.exec(s))) {
    const [day, name] = /^\d/.test(m[1]) ? [m[1], m[2]] : [m[2], m[1]];
    const month = MONTHS.findIndex((n) => n.toLowerCase().startsWith(name));
    candidates = month < 0 ? [] : [iso(m[3], month + 1, day)];
  }
  const dates = [...new Set(candidates.filter((d) => d !== null))];
  if (dates.length === 0) return { error: `"${String(text).trim()}" is not a date: write it as YYYY-MM-DD, e.g. ${last}.` };
  const inside = dates.filter((d) => d >= first && d <= last);
  if (inside.length === 1) return { date: inside[0] };
  if (inside.length > 1) return { error: `"${String(text).trim()}" could be ${inside.join(' or ')}: write it as YYYY-MM-DD.` };
  return { error: `${dates.join(' and ')} ${dates.length > 1 ? 'are' : 'is'} outside the data: ${range}.` };
}
