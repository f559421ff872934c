// Fills for district states: the side's colour for sole control, proportional
// stripes for a split district and a cross-hatch for a contested (tied) one.
// Patterns live in one hidden inline <svg>; Leaflet's SVG renderer writes
// fillColor straight into the path's fill attribute, so "url(#id)" works.

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Colour of districts nobody holds. */
export const UNASSIGNED_COLOR = '#9e9e9e';
// A side missing from /api/meta still needs a visible colour.
const UNKNOWN_COLOR = '#555555';
const STRIPE = 12; // px, one period of the split pattern
const HATCH = 7; // px, one period of the contested pattern
const GAIN = 8; // px, one period of the gained-from pattern
// Behind a comparison every district is drawn at this share of its usual opacity.
const FADED = 0.45;

/**
 * The colour-blind safe colours, in the order they are handed out: red,
 * blue and orange stay apart (CIE ΔE*ab ≥ 20 filled, ≥ 10 faded, over the
 * map's grey) under deuteranopia, protanopia and tritanopia, as simulated
 * with the Machado (2009) matrices at full severity (the browser test checks
 * it); after them the rest of Okabe and Ito's palette.
 */
export const SAFE_COLORS = ['#cc3311', '#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#f0e442'];

/** Palette maps sides to colours and builds the SVG patterns on demand. */
export class Palette {
  /**
   * sides: /api/meta sides, with the dataset's colours; defs: the <defs>
   * element of a hidden inline SVG. safe: use SAFE_COLORS instead.
   */
  constructor(sides, defs, safe = false) {
    this.dataset = sides;
    this.index = new Map(sides.map((s, i) => [s.id, i]));
    this.defs = defs;
    this.made = new Set();
    this.useSafe(safe);
  }

  /** Switches between the dataset's colours and the colour-blind safe ones; the patterns are made again. */
  useSafe(on) {
    this.safe = on;
    const colors = on ? safeColors(this.dataset.map((s) => s.color)) : this.dataset.map((s) => s.color);
    this.sides = this.dataset.map((s, i) => ({ ...s, color: colors[i] }));
    this.defs.replaceChildren();
    this.made.clear();
  }

  color(side) {
    if (side === 'unassigned') return UNASSIGNED_COLOR;
    const i = this.index.get(side);
    return i === undefined ? UNKNOWN_COLOR : this.sides[i].color;
  }

  name(side) {
    if (side === 'unassigned') return 'Unassigned';
    if (side === 'contested') return 'Contested';
    const i = this.index.get(side);
    return i === undefined ? side : this.sides[i].name;
  }

  /**
   * A label for tight spaces: the name without a trailing parenthetical
   * ("Syrian government (Syrian Arab Army and allies)" → "Syrian government").
   * Show the full name beside it (a title) where the short one is used.
   */
  shortName(side) {
    const name = this.name(side);
    return name.replace(/\s*\([^()]*\)\s*$/, '') || name;
  }

  /** Returns {fillColor, fillOpacity} for a district state from /api/control. */
  fill(state) {
    const parts = sharesOf(state);
    if (parts.length === 0) return { fillColor: UNASSIGNED_COLOR, fillOpacity: 0.35 };
    if (state.controller === 'contested') return { fillColor: this.hatch(parts), fillOpacity: 0.9 };
    if (parts.length === 1) {
      // A lone share below 1 means part of the district is unassigned: fainter.
      return { fillColor: this.color(parts[0][0]), fillOpacity: 0.2 + 0.45 * Math.min(1, parts[0][1]) };
    }
    return { fillColor: this.stripes(parts), fillOpacity: 0.8 };
  }

  /** A district state drawn behind a comparison: the same fill, faint, so the changes stand out. */
  faded(state) {
    const f = this.fill(state);
    return { fillColor: f.fillColor, fillOpacity: f.fillOpacity * FADED };
  }

  /**
   * Ground gained by one side from another between two dates: the gainer's
   * colour with thin stripes of the loser's, at the other diagonal than a
   * split district's stripes.
   */
  gained(gainer, loser) {
    const id = this.patternId('gain', [[gainer, 0], [loser, 0]]);
    if (!this.made.has(id)) {
      const p = this.pattern(id, GAIN, -45);
      p.append(svg('rect', { x: 0, y: 0, width: GAIN, height: GAIN, fill: this.color(gainer) }));
      p.append(svg('rect', { x: 0, y: 0, width: 2.2, height: GAIN, fill: this.color(loser) }));
    }
    return { fillColor: `url(#${id})`, fillOpacity: 0.95 };
  }

  /** Parallel diagonal stripes whose widths are proportional to the shares. */
  stripes(parts) {
    const total = parts.reduce((sum, [, v]) => sum + v, 0);
    const id = this.patternId('split', parts.map(([s, v]) => [s, Math.round((100 * v) / total)]));
    if (!this.made.has(id)) {
      const p = this.pattern(id, STRIPE);
      let x = 0;
      for (const [side, v] of parts) {
        const w = (STRIPE * v) / total;
        p.append(svg('rect', { x, y: 0, width: w, height: STRIPE, fill: this.color(side) }));
        x += w;
      }
    }
    return `url(#${id})`;
  }

  /** A cross-hatch on white: each tied side draws one direction of the lattice. */
  hatch(parts) {
    const id = this.patternId('contested', parts.map(([s]) => [s, 0]));
    if (!this.made.has(id)) {
      const p = this.pattern(id, HATCH);
      p.append(svg('rect', { x: 0, y: 0, width: HATCH, height: HATCH, fill: '#ffffff' }));
      parts.forEach(([side], i) => {
        const bar = i % 2 === 0
          ? { x: 0, y: 0, width: 2.5, height: HATCH }
          : { x: 0, y: 0, width: HATCH, height: 2.5 };
        p.append(svg('rect', { ...bar, fill: this.color(side) }));
      });
    }
    return `url(#${id})`;
  }

  patternId(kind, parts) {
    // Side ids may hold any character; their index in meta is a safe stand-in.
    return `fl-${kind}-${parts.map(([s, v]) => `${this.index.get(s) ?? (s === 'unassigned' ? 'u' : 'x')}_${v}`).join('-')}`;
  }

  pattern(id, size, angle = 45) {
    const p = svg('pattern', {
      id, width: size, height: size, patternUnits: 'userSpaceOnUse', patternTransform: `rotate(${angle})`,
    });
    this.defs.append(p);
    this.made.add(id);
    return p;
  }
}

/**
 * The safe colours for sides whose dataset colours are given: the first n of
 * SAFE_COLORS (the most distinct set), each side getting the one nearest its
 * own colour's hue where that can be arranged (red stays red), so a
 * familiar map keeps what it can of its meaning.
 */
export function safeColors(colors) {
  const n = colors.length;
  const pool = SAFE_COLORS.slice(0, n);
  if (n > SAFE_COLORS.length) {
    // More sides than safe colours: the rest keep their own.
    return [...SAFE_COLORS, ...colors.slice(SAFE_COLORS.length)];
  }
  if (n > 6) return pool; // 7! orders are too many to try; in order
  const hues = colors.map(hue);
  const poolHues = pool.map(hue);
  let best = pool;
  let bestCost = Infinity;
  const permute = (done, rest) => {
    if (rest.length === 0) {
      const cost = done.reduce((sum, j, i) => sum + hueDistance(hues[i], poolHues[j]), 0);
      if (cost < bestCost) [bestCost, best] = [cost, done.map((j) => pool[j])];
      return;
    }
    rest.forEach((j, k) => permute([...done, j], [...rest.slice(0, k), ...rest.slice(k + 1)]));
  };
  permute([], pool.map((_, j) => j));
  return best;
}

/** The hue of a #rgb or #rrggbb colour in degrees (0 for greys and anything unreadable). */
function hue(color) {
  let hex = String(color).replace(/^#/, '');
  if (hex.length === 3) hex = [...hex].map((c) => c + c).join('');
  const v = Number.parseInt(hex, 16);
  if (hex.length !== 6 || Number.isNaN(v)) return 0;
  const [r, g, b] = [(v >> 16) & 255, (v >> 8) & 255, v & 255].map((c) => c / 255);
  const max = Math.max(r, g, b);
  const d = max - Math.min(r, g, b);
  if (d === 0) return 0;
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return (h * 60 + 360) % 360;
}

function hueDistance(a, b) {
  const d = Math.abs(a - b) % 360;
  return Math.min(d, 360 - d);
}

/** [side, share] pairs with a positive share, largest first. */
export function sharesOf(state) {
  if (!state || !state.shares) return [];
  return Object.entries(state.shares)
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1]);
}

/** Creates an SVG element with attributes. */
export function svg(tag, attrs = {}) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}
