// The page as a static site (frontline export --site): no server computes
// anything, every answer is a file. index.html names the map of its
// version's files (<meta name="frontline-site">); api.js turns each API
// request into its file through siteFile, in one place. What the live
// server computes for any two dates, the change summary, is computed here
// from the two days' control states (changeSummary).

const mapTag = document.querySelector('meta[name="frontline-site"]');

/** True when the page is a static site's (its index.html names a files map). */
export const isStatic = !!mapTag?.content;

// A static server cannot vary the page by its query: ?embed=1 is applied here,
// before main.js reads the class.
if (isStatic && new URLSearchParams(location.search).get('embed') === '1') {
  document.documentElement.classList.add('embed');
}

let mapPath = isStatic ? mapTag.content : null;
let loaded = null; // the files map once it is there
// The files map of the shown version: {version, updated, files: {request: path}}.
let current = isStatic ? loadMap(mapPath) : null;
current?.catch(() => {}); // reported by the first request that needs it

async function loadMap(path) {
  let res;
  try {
    // Named by its content, it never changes: the browser's cache may answer.
    res = await fetch(path);
  } catch (err) {
    throw new Error(`Cannot reach this site's list of files (${path}): ${err.message}.`);
  }
  if (!res.ok) throw new Error(`This site's list of files (${path}) failed: ${res.status} ${res.statusText}.`);
  const m = await res.json();
  if (typeof m?.files !== 'object' || m.files === null) throw new Error(`${path} is not a list of files of a frontline site.`);
  loaded = m;
  return m;
}

/**
 * The key of an API request in the files map, as the site's manifest writes
 * it: /api/… with the query's parameters in name order.
 */
export function requestKey(path) {
  const [p, q] = path.split('?', 2);
  let key = `/${p.replace(/^(\.\/|\/)/, '')}`;
  if (q) {
    const params = [...new URLSearchParams(q)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    key += `?${params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`;
  }
  return key;
}

/** The file that answers an API request in the shown version, or null when the site has none. */
export async function siteFile(path) {
  const m = await current;
  return m.files[requestKey(path)] ?? null;
}

/** siteFile for links, once the files map is there (null before). */
export function siteFileNow(path) {
  return loaded?.files[requestKey(path)] ?? null;
}

/**
 * Asks site.json (revalidated: it changes with each upload) which version
 * is current and, when it is another, switches every later request to its
 * files. Resolves true when it switched.
 */
export async function followSite() {
  const res = await fetch('site.json', { cache: 'no-cache' });
  if (!res.ok) return false;
  const p = await res.json();
  if (typeof p?.files !== 'string' || p.files === mapPath) return false;
  const m = await loadMap(p.files);
  mapPath = p.files;
  current = Promise.resolve(m);
  return true;
}

// Shares closer than this are equal, as in the server's change detection.
const EPS = 1e-12;

/**
 * The change summary between two dates, as /api/changes/summary answers it
 * (geo.Shapes.ChangeSummary): before and after are the two days'
 * /api/control answers, was and now their /api/stats/{date} answers (each
 * side's km², each front's length), features the districts with their
 * area_km2 and sides meta's sides, both in the dataset's order, which is
 * the server's order of summing: the numbers are its own to the last bit.
 */
export function changeSummary(from, to, { before, after, was, now }, features, sides) {
  const gained = sides.map(() => 0);
  const lost = sides.map(() => 0);
  let districts = 0;
  let moved = 0;
  for (const f of features) {
    const id = String(f.id ?? f.properties?.id);
    const a = before.districts?.[id]?.shares ?? {};
    const b = after.districts?.[id]?.shares ?? {};
    const area = f.properties?.area_km2 ?? 0;
    const delta = sides.map((s) => (b[s.id] ?? 0) - (a[s.id] ?? 0));
    let up = 0;
    let differs = false;
    for (const d of delta) {
      if (d > EPS) up += d;
      if (d > EPS || d < -EPS) differs = true;
    }
    if (!differs) continue;
    districts += 1;
    moved += up * area;
    delta.forEach((d, s) => {
      if (d > 0) gained[s] += d * area;
      else lost[s] -= d * area;
    });
  }
  const out = { from, to, districts, moved_km2: moved, sides: {} };
  sides.forEach((s, i) => {
    // The net is the difference of the two days' km², as the series has them.
    const net = (now.sides?.[s.id]?.km2 ?? 0) - (was.sides?.[s.id]?.km2 ?? 0);
    out.sides[s.id] = { gained_km2: gained[i], lost_km2: lost[i], net_km2: net };
  });
  const pairs = Object.keys(was.frontlines_km ?? {}).sort();
  if (pairs.length > 0) {
    out.frontlines = {};
    for (const p of pairs) {
      const a = was.frontlines_km[p] ?? 0;
      const b = now.frontlines_km?.[p] ?? 0;
      out.frontlines[p] = { from_km: a, to_km: b, change_km: b - a };
    }
  }
  return out;
}
