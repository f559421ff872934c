// The district search: a combobox over the English and Arabic names and the
// aliases of every district ("Karm al-Trab" finds the district that has it
// as an alias), and over groups of districts: a `group` or `quarter`
// property, or an alias that several districts share ("Old City"). Matching
// ignores case, accents, Arabic diacritics and the spelling of alef, ta
// marbuta and alif maqsura, spaces, hyphens and apostrophes; then the usual
// variants of transliteration (sheikh/shaikh/shaykh, saeed/said, ou/oo/u,
// the article al-/ash-/el-, doubled letters), with Cyrillic names written
// in Latin letters ("Bakhmut" finds Бахмутський район); then a few typing
// errors. A name several districts share (a country's faces bear the name
// of their region) is one group, as is a `group` property ("Donetska
// oblast" for donetska_oblast).

import { h } from './format.js';

const MAX_RESULTS = 8;
// Articles left out of the transliteration skeleton (al-Ajam, ash-Sheikh, el-Bab).
const ARTICLES = new Set(['al', 'el', 'ad', 'ag', 'ash', 'as', 'at', 'ar', 'an', 'az', 'aj', 'adh', 'ath', 'ed', 'es', 'et', 'ez']);

/** Folds a name for matching: "al-Ma'asaraniyeh" and "Al Maasaraniyeh" become the same. */
export function fold(s) {
  return words(s).join('');
}

/** The folded words of a name (lower case, no accents or diacritics, Arabic letter forms unified). */
function words(s) {
  return String(s).normalize('NFKD')
    .replace(/[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]/g, '')
    .replace(/[\u0622\u0623\u0625\u0671]/g, '\u0627')
    .replace(/\u0629/g, '\u0647')
    .replace(/\u0649/g, '\u064a')
    .toLowerCase()
    .replace(/['\u2019\u2018\u02bc\u02bf\u02be`]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '');
}

// Ukrainian and Russian letters in Latin (the Ukrainian national system,
// simplified: the skeleton blurs what it would tell apart anyway).
const CYRILLIC = {
  а: 'a', б: 'b', в: 'v', г: 'h', ґ: 'g', д: 'd', е: 'e', є: 'ie', ж: 'zh', з: 'z', и: 'y', і: 'i', ї: 'i', й: 'i',
  к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch',
  ш: 'sh', щ: 'shch', ь: '', ю: 'iu', я: 'ia', ы: 'y', э: 'e', ё: 'e', ъ: '',
};

/** A Cyrillic word in Latin letters; any other word as it is. */
function latin(w) {
  if (!/[\u0400-\u04ff]/.test(w)) return w;
  let out = '';
  for (const c of w) out += CYRILLIC[c] ?? c;
  return out;
}

/**
 * The transliteration skeleton of a name: the same for the spellings of one
 * Arabic name in Latin letters ("Sheikh Saeed", "shaikh said", "Shaykh
 * Sa'id" → "shiksid"). Articles go, e and i are one vowel, o and u another,
 * ch is sh, kh k, q k, y i, and doubled letters count once; Arabic words
 * lose the article ال.
 */
export function skeleton(s) {
  const ws = words(s);
  const out = [];
  for (const word of ws) {
    const w = latin(word);
    if (ws.length > 1 && ARTICLES.has(w)) continue;
    if (!/^[a-z0-9]+$/.test(w)) {
      out.push(w.length > 3 && w.startsWith('\u0627\u0644') ? w.slice(2) : w);
      continue;
    }
    out.push(w
      .replace(/(?:ah|eh|a|e)$/, 'a')
      .replace(/ch/g, 'sh').replace(/kh/g, 'k').replace(/gh/g, 'g').replace(/ph/g, 'f')
      .replace(/dh/g, 'd').replace(/th/g, 't').replace(/ck|q/g, 'k').replace(/ou|w/g, 'u')
      .replace(/[ey]/g, 'i').replace(/o/g, 'u')
      .replace(/ai|ia/g, 'i')
      .replace(/(.)\1+/g, '$1'));
  }
  return out.join('');
}

/**
 * The fewest edits (insert, delete, replace, swap two neighbours) that turn
 * q into some stretch of t, if at most k; else Infinity.
 */
export function typos(q, t, k) {
  const n = q.length;
  let prev2 = null;
  let prev = Array.from({ length: n + 1 }, (_, i) => i);
  let best = prev[n];
  for (let j = 1; j <= t.length; j++) {
    const cur = new Array(n + 1);
    cur[0] = 0; // a match may start anywhere in t
    for (let i = 1; i <= n; i++) {
      cur[i] = Math.min(prev[i] + 1, cur[i - 1] + 1, prev[i - 1] + (q[i - 1] === t[j - 1] ? 0 : 1));
      if (prev2 && i > 1 && q[i - 1] === t[j - 2] && q[i - 2] === t[j - 1]) cur[i] = Math.min(cur[i], prev2[i - 2] + 1);
    }
    best = Math.min(best, cur[n]);
    [prev2, prev] = [prev, cur];
  }
  return best <= k ? best : Infinity;
}

/** Typing errors forgiven in a query skeleton of n letters. */
function allowed(n) {
  return n < 4 ? 0 : n < 7 ? 1 : n < 11 ? 2 : 3;
}

/** The searchable names of a district feature: [{text, kind}] with kind "name", "arabic" or "alias". */
export function namesOf(feature) {
  const p = feature.properties ?? {};
  const out = [];
  const add = (v, kind) => {
    if (typeof v === 'string' && v.trim() !== '') out.push({ text: v.trim(), kind });
  };
  add(p.name ?? String(feature.id ?? ''), 'name');
  add(p.name_ar, 'arabic');
  for (const a of list(p.aliases)) add(a, 'alias');
  for (const g of [...list(p.group), ...list(p.quarter)]) add(readable(g), 'group');
  return out;
}

/** A group's value as people write it: "donetska_oblast" → "Donetska oblast". */
function readable(v) {
  const s = v.replace(/_+/g, ' ').trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A property that may be an array or a ;-separated string, as a list of strings. */
function list(v) {
  if (Array.isArray(v)) return v.filter((x) => typeof x === 'string');
  return typeof v === 'string' ? v.split(';') : [];
}

/**
 * Builds the index: one entry per name, folded once. A group name (a group
 * property, an alias that two or more districts bear, or a name that two or
 * more share) is one entry with the ids of all its districts.
 */
export function searchIndex(features) {
  const entries = [];
  const shared = new Map(); // folded alias or group name -> {text, ids}
  const sameName = new Map(); // folded name -> {text, ids}
  const perDistrict = [];
  for (const f of features) {
    const id = String(f.id ?? f.properties?.id);
    const names = namesOf(f);
    const primary = names.find((n) => n.kind === 'name')?.text ?? id;
    const arabic = names.find((n) => n.kind === 'arabic')?.text ?? '';
    for (const n of names) {
      const key = fold(n.text);
      if (key === '') continue;
      if (n.kind === 'alias' || n.kind === 'group') {
        const g = shared.get(key) ?? { text: n.text, ids: new Set(), group: false };
        g.ids.add(id);
        g.group ||= n.kind === 'group';
        shared.set(key, g);
      } else if (n.kind === 'name') {
        const g = sameName.get(key) ?? { text: n.text, ids: new Set(), group: true };
        g.ids.add(id);
        sameName.set(key, g);
      }
      perDistrict.push({ id, primary, arabic, text: n.text, kind: n.kind, key });
    }
  }
  const groups = new Set([...shared].filter(([, g]) => g.group || g.ids.size > 1).map(([key]) => key));
  // A name several districts share is their group; in an alias's place if it is also one.
  const names = new Set([...sameName].filter(([, g]) => g.ids.size > 1).map(([key]) => key));
  for (const key of names) {
    if (!shared.has(key)) shared.set(key, sameName.get(key));
    else for (const id of sameName.get(key).ids) shared.get(key).ids.add(id);
    groups.add(key);
  }
  for (const e of perDistrict) {
    if ((e.kind === 'alias' || e.kind === 'group') && groups.has(e.key)) continue;
    if (e.kind === 'name' && names.has(e.key)) continue;
    entries.push({ ...e, skel: skeleton(e.text), wskel: wordSkeletons(e.text) });
  }
  // Names of the same set of districts ("Old City", "Old Aleppo") are one group under its first name.
  const first = new Map(); // sorted ids -> the first name's text
  for (const key of groups) {
    const g = shared.get(key);
    const ids = [...g.ids].sort();
    const set = ids.join(' ');
    if (!first.has(set)) first.set(set, g.text);
    entries.push({ id: `group:${set}`, ids, primary: first.get(set), arabic: '', text: g.text, kind: 'group', key, skel: skeleton(g.text), wskel: wordSkeletons(g.text) });
  }
  return entries;
}

/** The skeletons of a name's words, each on its own ("Kharkivska oblast" → karkivska, ublast). */
function wordSkeletons(s) {
  return words(s).map((w) => skeleton(w)).filter((w) => w !== '');
}

/** Whether each word of the query begins a word of the name, in order ("kharkiv obl" in "Kharkivska oblast"). */
function wordPrefixes(qw, nw) {
  let j = 0;
  for (const w of qw) {
    while (j < nw.length && !nw[j].startsWith(w)) j++;
    if (j === nw.length) return false;
    j++;
  }
  return true;
}

/**
 * The best matches of query, one per district or group: exact, prefix and
 * substring matches of the folded name, then of its transliteration
 * skeleton (whole, or word by word: each word of the query beginning one of
 * the name's), then names within a few typing errors; names and groups
 * before aliases, closer and shorter names first.
 */
export function search(index, query) {
  const q = fold(query);
  if (q === '') return [];
  const qs = skeleton(query);
  const qw = wordSkeletons(query);
  const k = allowed(qs.length);
  const kindRank = { name: 0, arabic: 0, group: 0, alias: 1 };
  const hits = [];
  for (const e of index) {
    let rank;
    const at = e.key.indexOf(q);
    const sat = qs === '' ? -1 : e.skel.indexOf(qs);
    if (at >= 0) rank = e.key === q ? 0 : at === 0 ? 1 : 2;
    else if (sat >= 0 && (e.skel === qs || sat === 0)) rank = e.skel === qs ? 3 : 4;
    else if (qw.length > 1 && wordPrefixes(qw, e.wskel)) rank = 4.5;
    else if (sat >= 0) rank = 5;
    else if (k > 0) {
      const d = typos(qs, e.skel, k);
      if (d === Infinity) continue;
      rank = 5 + d;
    } else continue;
    hits.push({ ...e, rank: rank * 2 + kindRank[e.kind] });
  }
  hits.sort((a, b) => a.rank - b.rank || a.skel.length - b.skel.length || a.primary.localeCompare(b.primary));
  const seen = new Set();
  const out = [];
  for (const hit of hits) {
    if (seen.has(hit.id)) continue;
    seen.add(hit.id);
    out.push(hit);
    if (out.length === MAX_RESULTS) break;
  }
  return out;
}

/**
 * SearchBox wires the combobox input and its listbox; onPick(ids, name) is
 * called for a chosen district ([id]) or group (its ids), onClear() when the
 * field is emptied.
 */
export class SearchBox {
  constructor(input, list, { features, onPick, onClear }) {
    this.input = input;
    this.list = list;
    this.onPick = onPick;
    this.onClear = onClear;
    this.features = features;
    this.index = null; // built on first use: folding every name is work a visit may never need
    this.results = [];
    this.active = -1;
    this.arabic = false;
    input.disabled = false;
    input.addEventListener('input', () => {
      this.update();
      if (input.value.trim() === '') this.onClear?.();
    });
    input.addEventListener('keydown', (e) => this.onKey(e));
    input.addEventListener('focus', () => { if (input.value) this.update(); });
    // A click on an option arrives after the input lost focus: close a little later.
    input.addEventListener('blur', () => setTimeout(() => this.close(), 150));
    list.addEventListener('mousedown', (e) => e.preventDefault()); // keep focus in the input
    list.addEventListener('click', (e) => {
      const li = e.target.closest('li[data-index]');
      if (li) this.pick(Number(li.dataset.index));
    });
  }

  update() {
    this.index ??= searchIndex(this.features);
    this.results = search(this.index, this.input.value);
    this.active = this.results.length > 0 ? 0 : -1;
    this.render();
  }

  render() {
    if (this.input.value.trim() === '') {
      this.close();
      return;
    }
    const items = this.results.map((r, i) => h('li', {
      id: `search-opt-${i}`, role: 'option', 'aria-selected': i === this.active ? 'true' : 'false',
      class: i === this.active ? 'active' : null,
      dataset: r.kind === 'group' ? { index: String(i), group: r.ids.join(' ') } : { index: String(i), id: r.id },
    },
    h('span', { class: 'opt-name' }, r.primary),
    r.arabic ? h('span', { class: 'opt-ar', lang: 'ar', dir: 'rtl' }, r.arabic) : null,
    r.kind === 'group' ? h('span', { class: 'opt-count' }, `${r.ids.length} districts`) : null,
    r.kind === 'alias' || (r.kind === 'group' && r.text !== r.primary) ? h('span', { class: 'opt-alias' }, `also: ${r.text}`) : null));
    if (items.length === 0) items.push(h('li', { class: 'none', role: 'option', 'aria-disabled': 'true' }, 'No district matches.'));
    this.list.replaceChildren(...items);
    this.list.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
    if (this.active >= 0) this.input.setAttribute('aria-activedescendant', `search-opt-${this.active}`);
    else this.input.removeAttribute('aria-activedescendant');
  }

  close() {
    this.list.hidden = true;
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }

  onKey(e) {
    const open = !this.list.hidden && this.results.length > 0;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (!open) {
        this.update();
        e.preventDefault();
        return;
      }
      const n = this.results.length;
      this.active = (this.active + (e.key === 'ArrowDown' ? 1 : -1) + n) % n;
      this.render();
      this.list.querySelector('li.active')?.scrollIntoView({ block: 'nearest' });
      e.preventDefault();
    } else if (e.key === 'Enter') {
      if (this.results.length === 0) this.update();
      if (this.results.length > 0) this.pick(Math.max(0, this.active));
      e.preventDefault();
    } else if (e.key === 'Escape') {
      if (!this.list.hidden) {
        this.close();
      } else if (this.input.value !== '') {
        this.input.value = '';
        this.onClear?.();
      } else {
        return; // nothing to do here: the page may use it (close a popup)
      }
      e.preventDefault();
    }
  }

  pick(i) {
    const r = this.results[i];
    if (!r) return;
    this.input.value = r.primary;
    this.close();
    this.onPick(r.kind === 'group' ? r.ids : [r.id], r.primary);
  }
}
