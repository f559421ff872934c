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

/**
 * Makes box's children look like the given nodes, touching only what differs
 * (a changed text, a changed attribute), so a day step rewrites a few numbers
 * instead of rebuilding tables: less layout work per step.
 */
export function patchChildren(box, nodes) {
  const want = nodes.filter((n) => n !== null && n !== undefined);
  const have = [...box.childNodes];
  if (have.length !== want.length || have.some((n, i) => !sameKind(n, want[i]))) {
    box.replaceChildren(...want);
    return;
  }
  have.forEach((n, i) => patchNode(n, want[i]));
}

function sameKind(a, b) {
  return a.nodeType === b.nodeType && a.nodeName === b.nodeName;
}

function patchNode(old, next) {
  if (old.nodeType === Node.TEXT_NODE) {
    if (old.data !== next.data) old.data = next.data;
    return;
  }
  if (old.nodeType !== Node.ELEMENT_NODE) return;
  for (const { name } of [...old.attributes]) if (!next.hasAttribute(name)) old.removeAttribute(name);
  for (const { name, value } of next.attributes) {
    if (old.getAttribute(name) === value) continue;
    // Through the CSSOM: the page's policy forbids inline style attributes.
    if (name === 'style') old.style.cssText = next.style.cssText;
    else old.setAttribute(name, value);
  }
  patchChildren(old, [...next.childNodes]);
}

/** Lets the browser handle input and paint before the next slice of work. */
export function yieldToMain() {
  if (globalThis.scheduler?.yield) return globalThis.scheduler.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
}
