// TopoJSON → GeoJSON for the map: the server sends the districts as a
// topology (shared borders once, quantized, delta-encoded), a fifth of the
// GeoJSON's bytes and far less to parse on a phone. The shared borders also
// give the outlines of groups of districts (regions) for free: a border is
// a region's edge where the districts on its two sides are in different
// regions (mesh).

/**
 * Returns object name of topology topo as a GeoJSON FeatureCollection of
 * Polygon and MultiPolygon features (ids and properties kept). Throws an
 * Error naming what is wrong when topo is not such a topology. The result's
 * mesh(keep) gives the borders between its features that keep(a, b)
 * accepts, a and b being the features on either side (the same feature
 * twice on the outer edge), as MultiLineString coordinates; its topology
 * holds the decoded arcs, the features' arc references, the node at each
 * end of each arc (nodes[2k], nodes[2k+1]: numbers, equal for one point)
 * and each arc's bounds (boxes[4k..4k+3]: west, south, east, north). A
 * feature's geometry is built when first read: a country's thousands of
 * faces are drawn from the arcs (faces.js) and need their own rings only
 * for a popup or a label.
 */
export function toFeatureCollection(topo, name) {
  if (topo?.type !== 'Topology' || !Array.isArray(topo.arcs)) throw new Error('not a TopoJSON Topology');
  const object = topo.objects?.[name];
  if (object?.type !== 'GeometryCollection' || !Array.isArray(object.geometries)) {
    throw new Error(`the topology has no GeometryCollection "${name}"`);
  }
  const { arcs, nodes, boxes } = decodeArcs(topo.arcs, topo.transform);
  const ring = (refs) => {
    const out = [];
    for (const ref of refs) {
      const a = arcs[ref < 0 ? ~ref : ref];
      if (!a) throw new Error(`arc ${ref} does not exist`);
      // Each arc after the first starts where the one before ended.
      const skip = out.length > 0 ? 1 : 0;
      if (ref < 0) for (let k = a.length - 1 - skip; k >= 0; k--) out.push(a[k]);
      else for (let k = skip; k < a.length; k++) out.push(a[k]);
    }
    return out;
  };
  const polygon = (rings) => rings.map(ring);
  const make = (g) => (g.type === 'Polygon' ? { type: 'Polygon', coordinates: polygon(g.arcs) }
    : g.type === 'MultiPolygon' ? { type: 'MultiPolygon', coordinates: g.arcs.map(polygon) } : null);
  const features = [];
  for (const g of object.geometries) {
    if (g.type !== 'Polygon' && g.type !== 'MultiPolygon' && g.type !== null) {
      throw new Error(`geometry ${g.id} is a ${g.type}; want Polygon or MultiPolygon`);
    }
    features.push(new LazyFeature(g, make));
  }
  const fc = { type: 'FeatureCollection', features };
  // Not enumerable: the collection stays plain GeoJSON to anything that serializes it.
  Object.defineProperty(fc, 'mesh', { value: (keep) => mesh(arcs, object.geometries, features, keep) });
  // The decoded arcs and each feature's geometry as arc references, for drawing merged features (faces.js).
  Object.defineProperty(fc, 'topology', { value: { arcs, nodes, boxes, geometries: object.geometries } });
  return fc;
}

/**
 * A GeoJSON feature whose geometry is built from the arcs when first read
 * (a missing arc is then an Error); it serializes as a plain feature.
 */
class LazyFeature {
  constructor(g, make) {
    this.type = 'Feature';
    this.id = g.id;
    this.properties = g.properties ?? {};
    this.g = g;
    this.make = make;
    this.built = undefined;
  }

  get geometry() {
    if (this.built === undefined) this.built = this.make(this.g);
    return this.built;
  }

  toJSON() {
    return { type: 'Feature', id: this.id, properties: this.properties, geometry: this.geometry };
  }
}

/** The arcs that keep(a, b) accepts, a and b the features using them (a twice for an arc used once). */
function mesh(arcs, geometries, features, keep) {
  const users = new Array(arcs.length); // arc -> [first user, second user]
  geometries.forEach((g, i) => {
    const polys = g.type === 'Polygon' ? [g.arcs] : g.type === 'MultiPolygon' ? g.arcs : [];
    for (const rings of polys) {
      for (const refs of rings) {
        for (const ref of refs) {
          const k = ref < 0 ? ~ref : ref;
          if (users[k] === undefined) users[k] = [i, i];
          else users[k][1] = i;
        }
      }
    }
  });
  const out = [];
  for (let k = 0; k < arcs.length; k++) {
    const u = users[k];
    if (u && keep(features[u[0]], features[u[1]])) out.push(arcs[k]);
  }
  return out;
}

/**
 * Undoes the quantization and delta encoding of every arc; numbers the
 * points where arcs end (by their grid position, or their coordinates if
 * the topology is not quantized) and bounds each arc.
 */
function decodeArcs(arcs, transform) {
  const [sx, sy] = transform?.scale ?? [1, 1];
  const [tx, ty] = transform?.translate ?? [0, 0];
  const out = new Array(arcs.length);
  const nodes = new Int32Array(2 * arcs.length);
  const boxes = new Float64Array(4 * arcs.length);
  const ids = new Map(); // x -> Map(y -> node)
  let count = 0;
  const node = (x, y) => {
    let col = ids.get(x);
    if (!col) ids.set(x, (col = new Map()));
    let id = col.get(y);
    if (id === undefined) col.set(y, (id = count++));
    return id;
  };
  for (let i = 0; i < arcs.length; i++) {
    const arc = arcs[i];
    const pts = new Array(arc.length);
    let x = 0;
    let y = 0;
    let w = Infinity;
    let s = Infinity;
    let e = -Infinity;
    let n = -Infinity;
    for (let k = 0; k < arc.length; k++) {
      if (transform) {
        x += arc[k][0];
        y += arc[k][1];
      } else {
        [x, y] = arc[k];
      }
      if (k === 0) nodes[2 * i] = node(x, y);
      if (k === arc.length - 1) nodes[2 * i + 1] = node(x, y);
      const p = [x * sx + tx, y * sy + ty];
      pts[k] = p;
      if (p[0] < w) w = p[0];
      if (p[0] > e) e = p[0];
      if (p[1] < s) s = p[1];
      if (p[1] > n) n = p[1];
    }
    out[i] = pts;
    boxes.set([w, s, e, n], 4 * i);
  }
  return { arcs: out, nodes, boxes };
}
