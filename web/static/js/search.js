// The district search: a combobox over the English and Arabic names and the
// aliases of every district ("Karm al-Trab" finds the district that has it
// as an alias). Matching ignores case, accents, Arabic diacritics and the
// spelling of alef, ta marbuta and alif maqsura, spaces, hyphens and
// apostrophes.

import { h } from './format.js';

const MAX_RESULTS = 8;

/** Folds a name for matching: "al-Ma'asaraniyeh" and "Al Maasaraniyeh" become the same. */
export function fold(s) {
  return String(s).normalize('NFKD')
    .replace(/[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]/g, '')
    .replace(/[\u0622\u0623\u0625\u0671]/g, '\u0627')
    .replace(/\u0629/g, '\u0647')
    .replace(/\u0649/g, '\u064a')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
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
  const aliases = Array.isArray(p.aliases) ? p.aliases : typeof p.aliases === 'string' ? p.aliases.split(';') : [];
  for (const a of aliases) add(a, 'alias');
  return out;
}

/** Builds the index: one entry per name, folded once. */
export function searchIndex(features) {
  const entries = [];
  for (const f of features) {
    const id = String(f.id ?? f.properties?.id);
    const names = namesOf(f);
    const primary = names.find((n) => n.kind === 'name')?.text ?? id;
    const arabic = names.find((n) => n.kind === 'arabic')?.text ?? '';
    for (const n of names) entries.push({ id, primary, arabic, text: n.text, kind: n.kind, key: fold(n.text) });
  }
  return entries;
}

/** The best matches of query: exact, then prefix, then substring; names before aliases; one result per district. */
export function search(index, query) {
  const q = fold(query);
  if (q === '') return [];
  const kindRank = { name: 0, arabic: 0, alias: 1 };
  const hits = [];
  for (const e of index) {
    const at = e.key.indexOf(q);
    if (at < 0) continue;
    const rank = (e.key === q ? 0 : at === 0 ? 1 : 2) * 2 + kindRank[e.kind];
    hits.push({ ...e, rank });
  }
  hits.sort((a, b) => a.rank - b.rank || a.primary.localeCompare(b.primary));
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

/** SearchBox wires the combobox input and its listbox; onPick(id) is called for a chosen district. */
export class SearchBox {
  constructor(input, list, { features, onPick }) {
    this.input = input;
    this.list = list;
    this.onPick = onPick;
    this.features = features;
    this.index = null; // built on first use: folding every name is work a visit may never need
    this.results = [];
    this.active = -1;
    this.arabic = false;
    input.disabled = false;
    input.addEventListener('input', () => this.update());
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
      class: i === this.active ? 'active' : null, dataset: { index: String(i), id: r.id },
    },
    h('span', { class: 'opt-name' }, r.primary),
    r.arabic ? h('span', { class: 'opt-ar', lang: 'ar', dir: 'rtl' }, r.arabic) : null,
    r.kind === 'alias' ? h('span', { class: 'opt-alias' }, `also: ${r.text}`) : null));
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
      if (!this.list.hidden) this.close();
      else this.input.value = '';
      e.preventDefault();
    }
  }

  pick(i) {
    const r = this.results[i];
    if (!r) return;
    this.input.value = r.primary;
    this.close();
    this.onPick(r.id);
  }
}
