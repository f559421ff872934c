// Popup content for one district: its state on the shown date, its sources
// and its whole history (fetched once per district from /api/districts/{id}).

import { longDate } from './dates.js';
import { h, km2, percent } from './format.js';
import { sharesOf } from './palette.js';

/**
 * Builds the popup element. feature: the district's GeoJSON feature; state: its
 * /api/control entry on date (may be undefined while loading); info: the
 * /api/districts/{id} answer, null while loading, or an Error.
 */
export function districtPopup({ feature, state, date, info, palette }) {
  const p = feature.properties ?? {};
  return h('div', { class: 'popup', dataset: { id: String(feature.id ?? p.id) } },
    h('h2', { class: 'popup-name' }, p.name ?? String(feature.id)),
    p.name_ar ? h('p', { class: 'popup-name-ar', lang: 'ar', dir: 'rtl' }, p.name_ar) : null,
    p.area_km2 !== undefined ? h('p', { class: 'muted' }, `${km2(p.area_km2)} km²`) : null,
    h('h3', {}, `On ${longDate(date)}`),
    state ? stateBlock(state, palette) : h('p', { class: 'muted' }, 'Loading…'),
    h('h3', {}, 'History'),
    historyBlock(info, state, palette),
  );
}

function stateBlock(state, palette) {
  const parts = sharesOf(state);
  return h('div', { class: 'popup-state' },
    h('p', {}, h('strong', {}, palette.name(state.controller))),
    parts.length > 0
      ? h('ul', { class: 'shares' }, parts.map(([side, v]) => h('li', {},
        swatch(palette.color(side)), `${palette.name(side)}: `, h('span', { class: 'num' }, percent(v)))))
      : h('p', { class: 'muted' }, 'No side holds it.'),
    h('p', {}, 'Since: ', state.since ? longDate(state.since) : 'the start of the record'),
    sourcesLine(state.sources, state.note),
  );
}

function sourcesLine(sources, note) {
  const list = sources && sources.length > 0 ? sources.join(' ') : 'none given';
  return h('p', { class: 'sources' },
    h('span', { class: 'label' }, 'Sources: '), h('span', { class: 'cites' }, list),
    note ? h('span', { class: 'note' }, ` — ${note}`) : null);
}

function historyBlock(info, state, palette) {
  if (info === null) return h('p', { class: 'muted' }, 'Loading history…');
  if (info instanceof Error) return h('p', { class: 'error-text' }, `History unavailable: ${info.message}`);
  const rows = (info.history ?? []).map((e) => h('tr', { class: state && e.date === state.since ? 'current' : null },
    h('th', { scope: 'row' }, e.date),
    h('td', {}, sharesOf(e).length > 0
      ? sharesOf(e).map(([side, v]) => h('span', { class: 'share' }, swatch(palette.color(side)), `${Math.round(v * 100)}%`))
      : palette.name(e.controller)),
    h('td', { class: 'cites' }, (e.sources ?? []).join(' '), e.note ? h('div', { class: 'note' }, e.note) : null)));
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
