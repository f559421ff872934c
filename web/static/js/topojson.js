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
 * twice on the outer edge), as MultiLineString coordinates.
 */
export function toFeatureCollection(topo, name) {
  if (topo?.type !== 'Topology' || !Array.isArray(topo.arcs)) throw new Error('not a TopoJSON Topology');
  const object = topo.objects?.[name];
  if (object?.type !== 'GeometryCollection' || !Array.isArray(object.geometries)) {
    throw new Error(`the topology has no GeometryCollection "${name}"`);
  }
  const arcs = decodeArcs(topo.arcs, topo.transform);
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
  const features = [];
  for (const g of object.geometries) {
    let geometry = null;
    if (g.type === 'Polygon') geometry = { type: 'Polygon', coordinates: polygon(g.arcs) };
    else if (g.type === 'MultiPolygon') geometry = { type: 'MultiPolygon', coordinates: g.arcs.map(polygon) };
    else if (g.type !== null) throw new Error(`geometry ${g.id} is a ${g.type}; want Polygon or MultiPolygon`);
    features.push({ type: 'Feature', id: g.id, properties: g.properties ?? {}, geometry });
  }
  const fc = { type: 'FeatureCollection', features };
  // Not enumerable: the collection stays plain GeoJSON to anything that serializes it.
  Object.defineProperty(fc, 'mesh', { value: (keep) => mesh(arcs, object.geometries, features, keep) });
  return fc;
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

/** Undoes the quantization and delta encoding of every arc. */
function decodeArcs(arcs, transform) {
  if (!transform) return arcs;
  const [sx, sy] = transform.scale;
  const [tx, ty] = transform.translate;
  const out = new Array(arcs.length);
  for (let i = 0; i < arcs.length; i++) {
    const arc = arcs[i];
    const pts = new Array(arc.length);
    let x = 0;
    let y = 0;
    for (let k = 0; k < arc.length; k++) {
      x += arc[k][0];
      y += arc[k][1];
      pts[k] = [x * sx + tx, y * sy + ty];
    }
    out[i] = pts;
  }
  return out;
}
