// Comparison of two dates: which districts changed hands between the
// comparison date and the shown date (gained by one side, lost by another),
// and the km² summary from /api/changes/summary shown beside the map.

import { delta, h, km2 } from './format.js';
import { swatch } from './popup.js';

// Shares closer than this are equal, as in the server's change detection.
const EPS = 1e-12;

/**
 * For each district whose shares differ between the two /api/control
 * answers, the side that gained most and the one that lost most
 * ("unassigned" when ground came from or went to no side). before is the
 * comparison date's answer, after the shown date's.
 */
export function changesBetween(before, after) {
  const out = new Map();
  const [d1, d2] = [before.date, after.date];
  for (const id in after.districts) {
    const now = after.districts[id];
    const was = before.districts[id];
    // The common case, checked cheaply (a country has thousands of faces): a
    // state in force since the earlier date or before held on both dates.
    if (was && now && typeof d1 === 'string' && typeof d2 === 'string'
      && (d1 <= d2 ? typeof now.since === 'string' && now.since <= d1 : typeof was.since === 'string' && was.since <= d2)) continue;
    const a = was?.shares ?? {};
    const b = now?.shares ?? {};
    if (was && was.controller === now?.controller && sameShares(a, b)) continue;
    let gainer = null;
    let loser = null;
    let up = EPS;
    let down = -EPS;
    // Sorted, so a tie goes to the same side every time.
    for (const side of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      const d = (b[side] ?? 0) - (a[side] ?? 0);
      if (d > up) [gainer, up] = [side, d];
      if (d < down) [loser, down] = [side, d];
    }
    if (gainer || loser) out.set(id, { gainer: gainer ?? 'unassigned', loser: loser ?? 'unassigned' });
  }
  return out;
}

/** Whether two shares objects hold the same sides with the same shares. */
function sameShares(a, b) {
  for (const side in a) if (Math.abs((b[side] ?? 0) - a[side]) > EPS) return false;
  for (const side in b) if (!(side in a) && Math.abs(b[side]) > EPS) return false;
  return true;
}

/** The /api/changes/summary answer as a table: km² gained, lost and net per side. */
export function summaryTable(summary, palette) {
  const rows = palette.sides.map((s) => {
    const v = summary.sides?.[s.id] ?? { gained_km2: 0, lost_km2: 0, net_km2: 0 };
    return h('tr', { dataset: { side: s.id } },
      h('th', { scope: 'row' }, swatch(s.color), h('span', { class: 'name', title: s.name !== palette.shortName(s.id) ? s.name : null }, palette.shortName(s.id))),
      h('td', { class: 'num gained', dataset: { value: String(v.gained_km2) } }, v.gained_km2 > 0.005 ? `+${km2(v.gained_km2)}` : km2(0)),
      h('td', { class: 'num lost', dataset: { value: String(v.lost_km2) } }, v.lost_km2 > 0.005 ? `−${km2(v.lost_km2)}` : km2(0)),
      h('td', { class: `num net delta${v.net_km2 > 0.005 ? ' up' : v.net_km2 < -0.005 ? ' down' : ''}`, dataset: { value: String(v.net_km2) } }, delta(v.net_km2)));
  });
  return h('table', { class: 'stats compare', dataset: { from: summary.from, to: summary.to } },
    h('caption', {}, `Changes from ${summary.from} to ${summary.to}: `,
      h('span', { class: 'moved', dataset: { value: String(summary.moved_km2), districts: String(summary.districts) } },
        `${summary.districts} district${summary.districts === 1 ? '' : 's'}, ${km2(summary.moved_km2)} km² changed hands`)),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Side'), h('th', { scope: 'col', class: 'num' }, 'Gained'),
      h('th', { scope: 'col', class: 'num' }, 'Lost'), h('th', { scope: 'col', class: 'num' }, 'Net km²'))),
    h('tbody', {}, rows));
}
