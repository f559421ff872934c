// HTTP client for the frontline API (see the contract in the project notes).
// Paths are relative so the page also works when mounted under a prefix. In
// a static site (site.js) each request is turned into its file here, and
// nowhere else.

import { addDays, daysBetween } from './dates.js';
import { changeSummary, followSite, isStatic, siteFile, siteFileNow } from './site.js';
import { toFeatureCollection } from './topojson.js';

export { isStatic };

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
    const file = isStatic ? await siteFile(path) : path;
    if (file === null) throw new ApiError(`${path} is not part of this static copy of the map: the live frontline server answers it.`, 404);
    // no-cache: revalidated (a 304 when unchanged), so that a new version of
    // the data served since an answer was cached is never mixed with it. A
    // static site's files never change under their names.
    res = await fetch(file, { cache: isStatic ? 'default' : 'no-cache', headers: { Accept: 'application/json, application/geo+json' } });
  } catch (err) {
    if (err instanceof ApiError) throw err;
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

/** The address of a download: the API's path, or its file in a static site (null when the site has none). */
export function fileHref(path) {
  return isStatic ? siteFileNow(path) : path;
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
    this.statsByDate = new Map();
    // Set once /api/frontlines answers 404: the server has no such endpoint.
    this.noFrontlines = false;
  }

  meta() {
    this.lastMeta = fetchJSON('api/meta');
    return this.lastMeta;
  }

  /**
   * The newest /api/meta when it is not the one seen last (tag: that one's
   * ETag), as {meta, tag}; null when nothing changed. A static site asks its
   * site.json, and switches to the new version's files.
   */
  async newMeta(tag) {
    if (isStatic) return (await followSite()) ? { meta: await this.meta(), tag: null } : null;
    // no-store: the browser's cache must not answer for the server; the
    // ETag still makes an unchanged answer a 304.
    const headers = { Accept: 'application/json' };
    if (tag) headers['If-None-Match'] = tag;
    const res = await fetch('api/meta', { cache: 'no-store', headers });
    if (res.status === 304 || !res.ok) return null;
    return { meta: await res.json(), tag: res.headers.get('ETag') };
  }

  /**
   * The districts as the map draws them: shared borders simplified by 1 m,
   * or for zoom z (see the server's ?z=); downloads use the exact api/districts.
   */
  districts(z) {
    const path = z === undefined ? 'api/districts.topojson' : `api/districts.topojson?z=${z}`;
    this.lastDistricts = fetchJSON(path).then((topo) => {
      try {
        return toFeatureCollection(topo, 'districts');
      } catch (err) {
        throw new ApiError(`${path} is not usable: ${err.message}`, 200);
      }
    });
    return this.lastDistricts;
  }

  /**
   * km² gained, lost and net per side between two dates (/api/changes/summary).
   * A static site computes it from the two days' control states, the
   * districts and the sides the page already has.
   */
  changeSummary(from, to) {
    if (!isStatic) return fetchJSON(`api/changes/summary?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    return Promise.all([this.control(from), this.control(to), this.stats(from), this.stats(to), this.lastMeta ?? this.meta(),
      this.lastDistricts ?? this.districts()])
      .then(([before, after, was, now, meta, districts]) => changeSummary(from, to, { before, after, was, now },
        districts.features ?? [], meta.sides ?? []));
  }

  /** A day's km² per side and front lengths (/api/stats/{date}). */
  stats(date) {
    return cached(this.statsByDate, date, () => fetchJSON(`api/stats/${date}`));
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
