// Popup content for one district: its state on the shown date, its sources
// and its whole history (fetched once per district from /api/districts/{id}).
// Citation numbers such as [37] are buttons that show the reference they
// stand for (from /api/references) under the line that cites them.

import { h, km2, percent } from './format.js';
import { sharesOf } from './palette.js';

/**
 * Builds the popup element. feature: the district's GeoJSON feature; state: its
 * /api/control entry on date (may be undefined while loading); info: the
 * /api/districts/{id} answer, null while loading, or an Error; refs: null when
 * the dataset has no references, else {open: Set of opened citations,
 * text(cite): the reference text, undefined while loading, null if unknown,
 * toggle(cite, where)}. Elements that can hold the focus carry data-fk, a key
 * that names the same element in the next rendering, so the focus survives
 * the rebuild: "title", and "WHERE:cite:[N]" / "WHERE:ref:[N]" for a
 * citation button and its opened reference, WHERE being "state" or "hI" for
 * the I-th row of the history.
 */
export function districtPopup({ feature, state, date, info, palette, refs = null, place = null }) {
  const p = feature.properties ?? {};
  return h('div', { class: 'popup', dataset: { id: String(feature.id ?? p.id) } },
    h('h2', { class: 'popup-name', tabindex: '-1', dataset: { fk: 'title' } }, p.name ?? String(feature.id)),
    p.name_ar ? h('p', { class: 'popup-name-ar', lang: 'ar', dir: 'rtl' }, p.name_ar) : null,
    place ? h('p', { class: 'popup-place' }, place) : null,
    p.area_km2 !== undefined ? h('p', { class: 'muted' }, `${km2(p.area_km2)} km²`) : null,
    h('h3', {}, `On ${date}`),
    state ? stateBlock(state, palette, refs) : h('p', { class: 'muted' }, 'Loading…'),
    h('h3', {}, 'History'),
    handsLine(info, palette),
    historyBlock(info, state, palette, refs),
  );
}

/** How many times the district changed hands (its controller changed) over the record, and when last. */
export function changedHands(history) {
  let n = 0;
  let last = null;
  for (let i = 1; i < (history ?? []).length; i++) {
    if (history[i].controller !== history[i - 1].controller) {
      n++;
      last = history[i].date;
    }
  }
  return { n, last };
}

function handsLine(info, palette) {
  if (!info || info instanceof Error) return null;
  const hist = info.history ?? [];
  if (hist.length === 0) return null;
  const { n, last } = changedHands(hist);
  const first = hist[0];
  const text = n === 0
    ? `Held by ${palette.name(first.controller)} throughout the record (from ${first.date}).`
    : `Changed hands ${n === 1 ? 'once' : `${n} times`} since ${first.date}, last on ${last}.`;
  return h('p', { class: 'hands', dataset: { changes: String(n) } }, text);
}

function stateBlock(state, palette, refs) {
  const parts = sharesOf(state);
  return h('div', { class: 'popup-state' },
    h('p', {}, h('strong', {}, palette.name(state.controller))),
    parts.length > 0
      ? h('ul', { class: 'shares' }, parts.map(([side, v]) => h('li', {},
        swatch(palette.color(side)), `${palette.name(side)}: `, h('span', { class: 'num' }, percent(v)))))
      : h('p', { class: 'muted' }, 'No side holds it.'),
    h('p', {}, 'Since: ', state.since ?? 'the start of the record'),
    sourcesLine(state.sources, state.note, refs),
    openedRefs(state.sources, refs, 'state'),
  );
}

function sourcesLine(sources, note, refs) {
  const list = sources && sources.length > 0 ? cites(sources, refs, 'state') : ['none given'];
  return h('p', { class: 'sources' },
    h('span', { class: 'label' }, 'Sources: '), h('span', { class: 'cites' }, list),
    note ? h('span', { class: 'note' }, ` — ${note}`) : null);
}

/** Citations as text, with each [N] a button when the dataset has references; where: see districtPopup. */
function cites(sources, refs, where) {
  const out = [];
  sources.forEach((src, i) => {
    if (i > 0) out.push(' ');
    if (!refs || !/^\[\d+\]$/.test(src)) {
      out.push(String(src));
      return;
    }
    const open = refs.open.has(src);
    const b = h('button', {
      type: 'button', class: 'cite', 'aria-expanded': open ? 'true' : 'false', dataset: { cite: src, fk: `${where}:cite:${src}` },
      title: open ? 'Hide this reference' : 'Show this reference',
    }, src);
    // The popup is rebuilt at once: had the click gone on, Leaflet would no longer
    // see that it came from inside the popup and would close it.
    b.addEventListener('click', (e) => {
      e.stopPropagation();
      refs.toggle(src, where);
    });
    out.push(b);
  });
  return out;
}

/** The texts of the opened citations among sources; each can take the focus (it is where a citation leads). */
function openedRefs(sources, refs, where) {
  const open = (sources ?? []).filter((s) => refs?.open.has(s));
  if (open.length === 0) return null;
  return h('ul', { class: 'refs' }, open.map((src) => {
    const text = refs.text(src);
    return h('li', { tabindex: '-1', dataset: { cite: src, fk: `${where}:ref:${src}` } }, h('strong', {}, src), ' ',
      text === undefined ? h('span', { class: 'muted' }, 'Loading…')
        : text === null ? h('span', { class: 'muted' }, 'The dataset has no text for this reference number.')
          : text);
  }));
}

function historyBlock(info, state, palette, refs) {
  if (info === null) return h('p', { class: 'muted' }, 'Loading history…');
  if (info instanceof Error) return h('p', { class: 'error-text' }, `History unavailable: ${info.message}`);
  const rows = (info.history ?? []).map((e, i) => h('tr', { class: state && e.date === state.since ? 'current' : null },
    h('th', { scope: 'row' }, e.date),
    h('td', {}, sharesOf(e).length > 0
      ? sharesOf(e).map(([side, v]) => h('span', { class: 'share' }, swatch(palette.color(side)), `${Math.round(v * 100)}%`))
      : palette.name(e.controller)),
    h('td', { class: 'cites' }, cites(e.sources ?? [], refs, `h${i}`), e.note ? h('div', { class: 'note' }, e.note) : null,
      openedRefs(e.sources, refs, `h${i}`))));
  if (rows.length === 0) return h('p', { class: 'muted' }, 'No recorded changes.');
  return h('div', { class: 'history' }, h('table', {},
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Date'), h('th', { scope: 'col' }, 'Held by'), h('th', { scope: 'col' }, 'Sources'))),
    h('tbody', {}, rows)));
}

/** A small square of colour, hidden from screen readers (the text names the side). */
export function swatch(color) {
  const s = h('span', { class: 'swatch', 'aria-hidden': 'true' });
  s.style.background = color;
  return s;
}
