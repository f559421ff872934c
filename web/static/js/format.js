// Number and DOM helpers shared by the panels. API strings are always put in
// the page with textContent, never innerHTML.

/** km² with two decimals, as the stats panel and the e2e test show them. */
export function km2(v) {
  return v.toFixed(2);
}

/** A share in 0..1 as a percentage with one decimal. */
export function percent(v) {
  return `${(v * 100).toFixed(1)} %`;
}

/** A signed change of km², with a true minus sign. */
export function delta(v) {
  const s = Math.abs(v).toFixed(2);
  if (Number(s) === 0) return '±0.00';
  return v > 0 ? `+${s}` : `−${s}`;
}

/** Creates an element with attributes and children (strings become text nodes). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

/** Text with http(s) URLs turned into links, as DOM nodes. */
export function linkify(text) {
  const out = [];
  const re = /https?:\/\/[^\s<>"]+[^\s<>".,;:)\]]/g;
  let last = 0;
  for (const m of String(text).matchAll(re)) {
    out.push(text.slice(last, m.index));
    out.push(h('a', { href: m[0], rel: 'noopener', target: '_blank' }, m[0]));
    last = m.index + m[0].length;
  }
  out.push(String(text).slice(last));
  return out.filter((s) => s !== '');
}
