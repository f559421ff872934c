// Package topology turns a polygon coverage into shared arcs (the model of
// TopoJSON) and simplifies each arc once, so that two districts that share a
// border keep sharing it after simplification: no slivers, no gaps.
//
// It is for drawing. The simplified rings may deviate from the exact ones by
// the tolerance and are not checked for validity; areas, territories and
// every download use the exact geometry.
package topology

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// Topology is a set of polygonal shapes as references to shared arcs.
type Topology struct {
	// Arcs are polylines of at least two points (lon/lat). A closed arc
	// (first point equals last) is a whole ring that meets no other ring.
	Arcs []orb.LineString
	// Shapes hold one entry per input geometry: its polygons, each a list
	// of rings (outer first), each a list of arc references. Reference
	// i ≥ 0 is arc i; ^i (that is −i−1) is arc i reversed, as in TopoJSON.
	// Consecutive arcs of a ring share their end and start points.
	Shapes [][][][]int
}

// Options tune Build.
type Options struct {
	// Tolerance is the Douglas–Peucker tolerance in metres; 0 keeps every
	// vertex (the arcs are still shared).
	Tolerance float64
}

// Build returns the topology of geoms (orb.Polygon or orb.MultiPolygon;
// nil and empty geometries give empty shapes). Arcs run between nodes:
// vertices where more than two edges meet. Shared borders are therefore
// found where the rings share vertices, as in a noded coverage (the
// districts of a dataset built by build-districts are); a border drawn
// with different vertices on its two sides gives two arcs, simplified
// independently.
func Build(geoms []orb.Geometry, opt Options) (*Topology, error) {
	if opt.Tolerance < 0 || math.IsNaN(opt.Tolerance) || math.IsInf(opt.Tolerance, 0) {
		return nil, fmt.Errorf("topology: tolerance %v m: want a finite number ≥ 0", opt.Tolerance)
	}
	b := builder{ids: map[orb.Point]int32{}}
	shapes := make([][][]ring, len(geoms))
	for i, g := range geoms {
		var polys []orb.Polygon
		switch g := g.(type) {
		case nil:
		case orb.Polygon:
			polys = []orb.Polygon{g}
		case orb.MultiPolygon:
			polys = g
		default:
			return nil, fmt.Errorf("topology: shape %d is a %s; want Polygon or MultiPolygon", i, g.GeoJSONType())
		}
		for _, p := range polys {
			var rs []ring
			for j, r := range p {
				vs := b.ring(r)
				if len(vs) < 3 {
					if j == 0 {
						break // no outer ring: no polygon
					}
					continue
				}
				rs = append(rs, vs)
			}
			if len(rs) > 0 {
				shapes[i] = append(shapes[i], rs)
			}
		}
	}
	b.findNodes(shapes)
	t := &Topology{Shapes: make([][][][]int, len(geoms))}
	for i, polys := range shapes {
		for _, rs := range polys {
			var refs [][]int
			for _, r := range rs {
				refs = append(refs, b.ringArcs(r))
			}
			t.Shapes[i] = append(t.Shapes[i], refs)
		}
	}
	b.simplify(opt.Tolerance, t.Shapes)
	t.Arcs = make([]orb.LineString, len(b.arcs))
	for i, a := range b.arcs {
		ls := make(orb.LineString, 0, a.kept)
		for k, v := range a.verts {
			if a.keep[k] {
				ls = append(ls, b.pts[v])
			}
		}
		t.Arcs[i] = ls
	}
	return t, nil
}

// ring is a ring's vertex ids without the closing repeat.
type ring []int32

type builder struct {
	ids  map[orb.Point]int32
	pts  []orb.Point
	node []bool
	arcs []arc
	// byEdge finds the arc that leaves a node along a directed edge:
	// its reference (^i when that walk runs the arc backwards).
	byEdge map[[2]int32]int
}

type arc struct {
	verts []int32
	keep  []bool
	kept  int
}

// ring interns the vertices of r, dropping the closing point and
// repeated consecutive points.
func (b *builder) ring(r orb.Ring) ring {
	out := make(ring, 0, len(r))
	for _, p := range r {
		id, ok := b.ids[p]
		if !ok {
			id = int32(len(b.pts))
			b.ids[p] = id
			b.pts = append(b.pts, p)
		}
		if len(out) > 0 && out[len(out)-1] == id {
			continue
		}
		out = append(out, id)
	}
	for len(out) > 1 && out[len(out)-1] == out[0] {
		out = out[:len(out)-1]
	}
	return out
}

// findNodes marks the vertices with other than two distinct neighbours,
// and in every ring without such a vertex its smallest point, so that a
// ring shared whole (an island and the hole around it) starts at the same
// place on both sides.
func (b *builder) findNodes(shapes [][][]ring) {
	var edges [][2]int32
	for _, polys := range shapes {
		for _, rs := range polys {
			for _, r := range rs {
				for k, v := range r {
					w := r[(k+1)%len(r)]
					edges = append(edges, [2]int32{v, w}, [2]int32{w, v})
				}
			}
		}
	}
	slices.SortFunc(edges, func(a, b [2]int32) int {
		return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1]))
	})
	edges = slices.Compact(edges)
	degree := make([]int32, len(b.pts))
	for _, e := range edges {
		degree[e[0]]++
	}
	b.node = make([]bool, len(b.pts))
	for v, d := range degree {
		b.node[v] = d != 2
	}
	for _, polys := range shapes {
		for _, rs := range polys {
			for _, r := range rs {
				if !slices.ContainsFunc(r, func(v int32) bool { return b.node[v] }) {
					least := slices.MinFunc(r, func(x, y int32) int { return comparePoints(b.pts[x], b.pts[y]) })
					b.node[least] = true
				}
			}
		}
	}
	b.byEdge = make(map[[2]int32]int, len(edges)/4)
}

func comparePoints(a, b orb.Point) int {
	return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1]))
}

// ringArcs cuts r at its nodes and returns the references of its arcs,
// making the arcs not seen before.
func (b *builder) ringArcs(r ring) []int {
	start := slices.IndexFunc(r, func(v int32) bool { return b.node[v] })
	n := len(r)
	var refs []int
	for k := 0; k < n; {
		seg := []int32{r[(start+k)%n]}
		for {
			k++
			v := r[(start+k)%n]
			seg = append(seg, v)
			if b.node[v] || k >= n {
				break
			}
		}
		first := [2]int32{seg[0], seg[1]}
		ref, ok := b.byEdge[first]
		// In a valid ring an edge out of a node leads to one arc; a ring
		// that turns back on itself (a spike) can leave the same way twice
		// and go elsewhere: then its stretch gets an arc of its own.
		if ok && !b.sameArc(ref, seg) {
			ok = false
		}
		if !ok {
			ref = len(b.arcs)
			b.arcs = append(b.arcs, arc{verts: seg})
			last := [2]int32{seg[len(seg)-1], seg[len(seg)-2]}
			if _, taken := b.byEdge[first]; !taken {
				b.byEdge[first] = ref
			}
			if _, taken := b.byEdge[last]; !taken {
				b.byEdge[last] = ^ref
			}
		}
		refs = append(refs, ref)
	}
	return refs
}

// sameArc reports whether the arc that ref names runs through seg's
// vertices in seg's order.
func (b *builder) sameArc(ref int, seg []int32) bool {
	a := b.arcs[arcIndex(ref)].verts
	if len(a) != len(seg) {
		return false
	}
	for k, v := range seg {
		w := a[k]
		if ref < 0 {
			w = a[len(a)-1-k]
		}
		if v != w {
			return false
		}
	}
	return true
}

// simplify chooses the vertices each arc keeps, then gives back vertices
// to rings that would have fewer than three.
func (b *builder) simplify(tol float64, shapes [][][][]int) {
	for i := range b.arcs {
		a := &b.arcs[i]
		a.keep = make([]bool, len(a.verts))
		last := len(a.verts) - 1
		a.keep[0], a.keep[last] = true, true
		a.kept = 2
		if a.verts[0] == a.verts[last] {
			// A closed arc has no chord: split it at its farthest point.
			far, _ := b.farthest(a, 0, last, true)
			if far > 0 {
				b.keepVertex(a, far)
				b.douglasPeucker(a, 0, far, tol)
				b.douglasPeucker(a, far, last, tol)
			}
			continue
		}
		b.douglasPeucker(a, 0, last, tol)
	}
	for _, polys := range shapes {
		for _, rs := range polys {
			for _, refs := range rs {
				b.fillRing(refs)
			}
		}
	}
}

// fillRing restores, arc by arc, the vertex farthest from what is kept
// until the ring has three distinct points or nothing more to give.
func (b *builder) fillRing(refs []int) {
	for {
		distinct := 0
		for _, ref := range refs {
			distinct += b.arcs[arcIndex(ref)].kept - 1
		}
		if distinct >= 3 {
			return
		}
		added := false
		for _, ref := range refs {
			if b.restoreOne(&b.arcs[arcIndex(ref)]) {
				added = true
				break
			}
		}
		if !added {
			return
		}
	}
}

// restoreOne keeps the dropped vertex of a farthest from the kept line.
func (b *builder) restoreOne(a *arc) bool {
	best, bestD := -1, -1.0
	prev := 0
	for k := 1; k < len(a.verts); k++ {
		if !a.keep[k] {
			continue
		}
		if far, d := b.farthest(a, prev, k, false); far > 0 && d > bestD {
			best, bestD = far, d
		}
		prev = k
	}
	if best < 0 {
		return false
	}
	b.keepVertex(a, best)
	return true
}

func (b *builder) keepVertex(a *arc, k int) {
	if !a.keep[k] {
		a.keep[k] = true
		a.kept++
	}
}

// douglasPeucker keeps the vertices between i and j (exclusive) that
// stand out of the kept line by more than tol metres. It uses an explicit
// stack: an arc may have hundreds of thousands of vertices.
func (b *builder) douglasPeucker(a *arc, i, j int, tol float64) {
	stack := [][2]int{{i, j}}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		far, d := b.farthest(a, s[0], s[1], false)
		if far > 0 && d > tol {
			b.keepVertex(a, far)
			stack = append(stack, [2]int{s[0], far}, [2]int{far, s[1]})
		}
	}
}

// farthest returns the vertex strictly between i and j farthest (in
// metres) from the segment between them, or from vertex i when fromStart,
// and its distance; -1 when there is none.
func (b *builder) farthest(a *arc, i, j int, fromStart bool) (int, float64) {
	if j-i < 2 {
		return -1, 0
	}
	p, q := b.pts[a.verts[i]], b.pts[a.verts[j]]
	// A local equirectangular frame is exact enough for a display
	// tolerance of metres over the length of one arc.
	kx := metresPerDegree * math.Cos(p[1]*math.Pi/180)
	ky := metresPerDegree
	qx, qy := (q[0]-p[0])*kx, (q[1]-p[1])*ky
	if fromStart {
		qx, qy = 0, 0
	}
	l2 := qx*qx + qy*qy
	best, bestD := -1, -1.0
	for k := i + 1; k < j; k++ {
		r := b.pts[a.verts[k]]
		x, y := (r[0]-p[0])*kx, (r[1]-p[1])*ky
		var d float64
		if t := (x*qx + y*qy) / l2; l2 > 0 && t > 0 && t < 1 {
			d = math.Abs(x*qy-y*qx) / math.Sqrt(l2)
		} else if l2 > 0 && t >= 1 {
			d = math.Hypot(x-qx, y-qy)
		} else {
			d = math.Hypot(x, y)
		}
		if d > bestD {
			best, bestD = k, d
		}
	}
	return best, bestD
}

// metresPerDegree is a degree of latitude (or of longitude at the
// equator) on a sphere of the WGS84 mean radius.
const metresPerDegree = 6371008.8 * math.Pi / 180

func arcIndex(ref int) int {
	if ref < 0 {
		return ^ref
	}
	return ref
}
