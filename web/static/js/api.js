// HTTP client for the frontline API (see the contract in the project notes).
// Paths are relative so the page also works when mounted under a prefix.

import { addDays, daysBetween } from './dates.js';
import { toFeatureCollection } from './topojson.js';

/** An API failure with a message meant for people. status is 0 if the server could not be reached. */
export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

/** Fetches JSON, turning network errors, non-2xx answers (RFC 9457 problem details) and bad JSON into ApiError. */
export async function fetchJSON(path) {
  let res;
  try {
    // no-cache: revalidated (a 304 when unchanged), so that a new version of
    // the data served since an answer was cached is never mixed with it.
    res = await fetch(path, { cache: 'no-cache', headers: { Accept: 'application/json, application/geo+json' } });
  } catch (err) {
    throw new ApiError(`Cannot reach the frontline server (${path}): ${err.message}. Is it running?`, 0);
  }
  if (!res.ok) {
    throw new ApiError(`${path} failed: ${res.status} ${await problemText(res)}`, res.status);
  }
  try {
    return await res.json();
  } catch (err) {
    throw new ApiError(`${path} sent a body that is not JSON: ${err.message}`, res.status);
  }
}

async function problemText(res) {
  try {
    const p = await res.json();
    const text = [p.title, p.detail].filter(Boolean).join(': ');
    if (text) return text;
  } catch {
    // Not problem+json (e.g. a proxy's HTML page): the status text must do.
  }
  return res.statusText;
}

/** Remembers one promise per key so each resource is fetched once; failures are forgotten so they can be retried. */
function cached(map, key, load) {
  let p = map.get(key);
  if (!p) {
    p = load();
    map.set(key, p);
    p.catch(() => map.delete(key));
  }
  return p;
}

/** Api fetches the dataset's resources, caching per-date and per-district answers. */
export class Api {
  constructor() {
    this.controlByDate = new Map();
    this.frontlinesByDate = new Map();
    this.districtById = new Map();
    // Set once /api/frontlines answers 404: the server has no such endpoint.
    this.noFrontlines = false;
  }

  meta() { return fetchJSON('api/meta'); }

  /**
   * The districts as the map draws them: shared borders simplified by 1 m,
   * or for zoom z (see the server's ?z=); downloads use the exact api/districts.
   */
  async districts(z) {
    const path = z === undefined ? 'api/districts.topojson' : `api/districts.topojson?z=${z}`;
    const topo = await fetchJSON(path);
    try {
      return toFeatureCollection(topo, 'districts');
    } catch (err) {
      throw new ApiError(`${path} is not usable: ${err.message}`, 200);
    }
  }

  /**
   * The daily series from..to. A series holds at most maxDays days (meta's
   * max_series_days: days × columns are bounded); a longer range is
   * shortened to its last maxDays days, and the answer says from where
   * (shortened_from) so that the page can say what it does not show.
   */
  series(from, to, maxDays) {
    let first = from;
    if (maxDays > 0 && daysBetween(from, to) + 1 > maxDays) first = addDays(to, -(maxDays - 1));
    return fetchJSON(`api/stats?from=${encodeURIComponent(first)}&to=${encodeURIComponent(to)}`)
      .then((s) => (first === from ? s : { ...s, shortened_from: from }));
  }

  control(date) {
    return cached(this.controlByDate, date, () => fetchJSON(`api/control/${date}`));
  }

  district(id) {
    return cached(this.districtById, id, () => fetchJSON(`api/districts/${encodeURIComponent(id)}`));
  }

  /** Frontlines of a date, or null when the server does not provide them. */
  async frontlines(date) {
    if (this.noFrontlines) return null;
    try {
      return await cached(this.frontlinesByDate, date, () => fetchJSON(`api/frontlines/${date}`));
    } catch (err) {
      if (err.status === 404) {
        this.noFrontlines = true;
        return null;
      }
      throw err;
    }
  }
}
