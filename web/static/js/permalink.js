// The URL hash holds the shown date, the comparison date and the map view:
// #2016-12-06/2016-11-15/36.2/37.15/13 (date/compare/lat/lon/zoom) or, with
// no comparison, #2016-12-06/36.2/37.15/13. Any tail may be missing; a bad
// part is ignored rather than failing the page.

import { parseDate } from './dates.js';

/** Parses a location.hash into {date, compare, lat, lng, zoom}; missing or invalid parts are undefined. */
export function parseHash(hash) {
  const parts = String(hash).replace(/^#/, '').split('/');
  const out = {};
  if (parseDate(parts[0]) !== null) out.date = parts[0];
  let view = parts.slice(1);
  if (out.date && parseDate(parts[1]) !== null) {
    out.compare = parts[1];
    view = parts.slice(2);
  }
  const [lat, lng, zoom] = view.slice(0, 3).map(Number);
  if (view.length >= 3 && [lat, lng, zoom].every(Number.isFinite)
      && Math.abs(lat) <= 90 && Math.abs(lng) <= 180 && zoom >= 0 && zoom <= 22) {
    Object.assign(out, { lat, lng, zoom });
  }
  return out;
}

/** Formats the hash; 4 decimals of a degree are ~10 m, plenty for a view. */
export function formatHash(date, compare, center, zoom) {
  // Number() drops trailing zeros: zoom 13 stays "13", a fractional zoom keeps 2 decimals.
  const dates = compare ? `${date}/${compare}` : date;
  return `#${dates}/${center.lat.toFixed(4)}/${center.lng.toFixed(4)}/${Number(zoom.toFixed(2))}`;
}
