// Package partition recognises polygons that already form an exact
// partition: after rounding every coordinate to a grid, neighbours share
// their borders vertex for vertex, nothing crosses, overlaps or lies inside
// another. Exact tilings (the output of build-districts, synthetic grids,
// layers cut from one topology) are such partitions, and for them the GEOS
// overlay (noding, polygonizing) that makes one, or the pairwise overlap
// tests that look for trouble, can be skipped. The check is in Go, with
// exact integer arithmetic, in time linear in the number of segments.
package partition

import (
	"math"
	"math/bits"

	"github.com/paulmach/orb"
)

// ipoint is a vertex in grid units.
type ipoint struct{ x, y int64 }

// iseg is an undirected segment, end points in lexicographic order.
type iseg struct{ a, b ipoint }

func lessPoint(a, b ipoint) bool { return a.x < b.x || a.x == b.x && a.y < b.y }

// segUse records who uses a segment: the district on its left when
// walked from a to b (fwd) or from b to a (rev); -1 when unused.
type segUse struct{ fwd, rev int32 }

// maxCellSegments bounds the segments of one index cell: beyond it the
// pairwise test would be quadratic, and the overlay handles such inputs.
const maxCellSegments = 512

// Exact rounds every coordinate of the districts to a multiple of 1/scale
// (as GEOS's fixed precision model does: half up) and reports whether the
// result is an exact partition: no two segments meet except at shared end
// points; a segment used twice is used by two different districts in
// opposite directions (shells counter-clockwise, holes clockwise, so each
// district lies on the left of its segments); and no district lies inside
// another. It returns the rounded districts, so oriented, with repeated
// vertices dropped; nil and false when they are not an exact partition,
// including when a ring collapses or coordinates exceed ±2^62/scale.
func Exact(polys []orb.MultiPolygon, scale float64) ([]orb.MultiPolygon, bool) {
	if scale <= 0 || 180*scale >= 1<<62 {
		return nil, false
	}
	uses := make(map[iseg]segUse)
	snapped := make([]orb.MultiPolygon, len(polys))
	for i, mp := range polys {
		out := make(orb.MultiPolygon, 0, len(mp))
		for _, p := range mp {
			q := make(orb.Polygon, 0, len(p))
			for ri, r := range p {
				ring, pts := snapRing(r, scale)
				if ring == nil {
					return nil, false
				}
				// Orient so that the district is on the left of each segment.
				if (signedArea(ring) > 0) != (ri == 0) {
					reverse(ring)
					for l, k := 0, len(pts)-1; l < k; l, k = l+1, k-1 {
						pts[l], pts[k] = pts[k], pts[l]
					}
				}
				for j := 0; j+1 < len(pts); j++ {
					a, b := pts[j], pts[j+1]
					key, fwd := iseg{a, b}, true
					if lessPoint(b, a) {
						key, fwd = iseg{b, a}, false
					}
					u, seen := uses[key]
					if !seen {
						u = segUse{-1, -1}
					}
					side := &u.rev
					if fwd {
						side = &u.fwd
					}
					// The same direction twice is an overlap; one district on
					// both sides is a collapsed or self-touching ring.
					if *side >= 0 || u.fwd == int32(i) || u.rev == int32(i) {
						return nil, false
					}
					*side = int32(i)
					uses[key] = u
				}
				q = append(q, ring)
			}
			out = append(out, q)
		}
		snapped[i] = out
	}
	segs := make([]iseg, 0, len(uses))
	for s := range uses {
		segs = append(segs, s)
	}
	if !noded(segs) {
		return nil, false
	}
	// With every segment noded and shared borders run in opposite
	// directions, two districts overlap only if one lies (partly) inside
	// the other across a segment used once; the midpoint of such a segment
	// is then strictly inside the other district.
	bounds := make([]orb.Bound, len(snapped))
	for i, mp := range snapped {
		bounds[i] = mp.Bound()
	}
	index := NewIndex(bounds)
	located := make([]*locator, len(snapped))
	for s, u := range uses {
		if u.fwd >= 0 && u.rev >= 0 {
			continue
		}
		self := max(u.fwd, u.rev)
		m := orb.Point{(float64(s.a.x) + float64(s.b.x)) / 2 / scale, (float64(s.a.y) + float64(s.b.y)) / 2 / scale}
		for _, k := range index.Query(m) {
			if k == self || !bounds[k].Contains(m) {
				continue
			}
			if located[k] == nil {
				located[k] = newLocator(snapped[k])
			}
			if located[k].contains(m) {
				return nil, false
			}
		}
	}
	return snapped, true
}

// locator answers point-in-polygon for one district in time proportional
// to the edges near the point's latitude: its edges are bucketed in bands
// of latitude, so the ray cast from the point crosses only its band's
// edges. (A district of a country-scale layer has thousands of vertices,
// and its whole outline is tested against many points.)
type locator struct {
	minY, step float64
	bands      [][][2]orb.Point
}

const locatorBands = 256

func newLocator(mp orb.MultiPolygon) *locator {
	b := mp.Bound()
	l := &locator{minY: b.Min[1], step: (b.Max[1] - b.Min[1]) / locatorBands, bands: make([][][2]orb.Point, locatorBands)}
	if l.step <= 0 {
		l.step = 1
	}
	for _, p := range mp {
		for _, r := range p {
			for j := 0; j+1 < len(r); j++ {
				a, c := r[j], r[j+1]
				lo, hi := l.band(math.Min(a[1], c[1])), l.band(math.Max(a[1], c[1]))
				for k := lo; k <= hi; k++ {
					l.bands[k] = append(l.bands[k], [2]orb.Point{a, c})
				}
			}
		}
	}
	return l
}

func (l *locator) band(y float64) int {
	return max(0, min(locatorBands-1, int((y-l.minY)/l.step)))
}

// contains reports whether p lies inside (even–odd over every ring, as
// shells and holes of a valid polygon give), a point on an edge counting
// as outside (a midpoint of a segment is on no other district's edge in a
// noded partition).
func (l *locator) contains(p orb.Point) bool {
	in := false
	for _, e := range l.bands[l.band(p[1])] {
		a, c := e[0], e[1]
		if (a[1] > p[1]) != (c[1] > p[1]) {
			x := a[0] + (p[1]-a[1])*(c[0]-a[0])/(c[1]-a[1])
			if x > p[0] {
				in = !in
			}
		}
	}
	return in
}

// snapRing rounds a ring to the grid and drops repeated vertices; nil if
// it collapses (fewer than three distinct vertices, or no area).
func snapRing(r orb.Ring, scale float64) (orb.Ring, []ipoint) {
	pts := make([]ipoint, 0, len(r))
	for _, p := range r {
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.Abs(p[0]) > 180 || math.Abs(p[1]) > 180 {
			return nil, nil
		}
		q := ipoint{int64(math.Floor(p[0]*scale + 0.5)), int64(math.Floor(p[1]*scale + 0.5))}
		if len(pts) > 0 && pts[len(pts)-1] == q {
			continue
		}
		pts = append(pts, q)
	}
	if len(pts) < 4 || pts[0] != pts[len(pts)-1] {
		return nil, nil
	}
	ring := make(orb.Ring, len(pts))
	for k, p := range pts {
		ring[k] = orb.Point{float64(p.x) / scale, float64(p.y) / scale}
	}
	if signedArea(ring) == 0 {
		return nil, nil
	}
	return ring, pts
}

func reverse(r orb.Ring) {
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
}

// signedArea is the planar shoelace area, positive for a counter-clockwise
// ring, relative to the first point for precision.
func signedArea(r orb.Ring) float64 {
	x0, y0 := r[0][0], r[0][1]
	var s float64
	for i := 0; i+1 < len(r); i++ {
		s += (r[i][0]-x0)*(r[i+1][1]-y0) - (r[i+1][0]-x0)*(r[i][1]-y0)
	}
	return s / 2
}

// noded reports whether no two segments meet except at a shared end
// point: no crossing, no T-junction, no collinear overlap. Segments are
// bucketed in a uniform grid of cells about twice the mean segment length;
// each pair is tested once, in the first cell both cover.
func noded(segs []iseg) bool {
	if len(segs) < 2 {
		return true
	}
	minX, minY := segs[0].a.x, segs[0].a.y
	maxX, maxY := minX, minY
	var total float64
	for _, s := range segs {
		for _, p := range []ipoint{s.a, s.b} {
			minX, maxX = min(minX, p.x), max(maxX, p.x)
			minY, maxY = min(minY, p.y), max(maxY, p.y)
		}
		total += math.Hypot(float64(s.b.x-s.a.x), float64(s.b.y-s.a.y))
	}
	size := max(1, int64(2*total/float64(len(segs))))
	nx, ny := (maxX-minX)/size+1, (maxY-minY)/size+1
	if nx*ny > 4*int64(len(segs)) {
		// Few long segments over a wide area: coarser cells.
		f := math.Sqrt(float64(nx*ny) / float64(4*len(segs)))
		size = int64(math.Ceil(float64(size) * f))
		nx, ny = (maxX-minX)/size+1, (maxY-minY)/size+1
	}
	cellOf := func(p ipoint) (int64, int64) { return (p.x - minX) / size, (p.y - minY) / size }
	cells := make([][]int32, nx*ny)
	type span struct{ x0, y0, x1, y1 int64 }
	spans := make([]span, len(segs))
	for k, s := range segs {
		x0, y0 := cellOf(ipoint{min(s.a.x, s.b.x), min(s.a.y, s.b.y)})
		x1, y1 := cellOf(ipoint{max(s.a.x, s.b.x), max(s.a.y, s.b.y)})
		spans[k] = span{x0, y0, x1, y1}
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				c := y*nx + x
				cells[c] = append(cells[c], int32(k))
				if len(cells[c]) > maxCellSegments {
					return false
				}
			}
		}
	}
	for c, list := range cells {
		cx, cy := int64(c)%nx, int64(c)/nx
		for i := 0; i < len(list); i++ {
			for j := i + 1; j < len(list); j++ {
				si, sj := spans[list[i]], spans[list[j]]
				// Test the pair only in the first cell both cover.
				if max(si.x0, sj.x0) != cx || max(si.y0, sj.y0) != cy {
					continue
				}
				// Segments whose boxes are apart cannot meet: most pairs
				// of a cell end here, before any product is taken.
				a, b := segs[list[i]], segs[list[j]]
				if max(a.a.x, a.b.x) < min(b.a.x, b.b.x) || max(b.a.x, b.b.x) < min(a.a.x, a.b.x) ||
					max(a.a.y, a.b.y) < min(b.a.y, b.b.y) || max(b.a.y, b.b.y) < min(a.a.y, a.b.y) {
					continue
				}
				if !meetOnlyAtEnds(a, b) {
					return false
				}
			}
		}
	}
	return true
}

// orientation is the sign of the cross product (b−a)×(c−a), exact: the
// products are taken in 128 bits.
func orientation(a, b, c ipoint) int {
	return cmpProducts(b.x-a.x, c.y-a.y, b.y-a.y, c.x-a.x)
}

// cmpProducts returns the sign of p·q − r·s for |p|, |q|, |r|, |s| < 2^63.
func cmpProducts(p, q, r, s int64) int {
	// Factors under 2^31 (segments of a cell are short) give products
	// under 2^62, whose difference int64 holds exactly.
	const small = 1 << 31
	if -small < p && p < small && -small < q && q < small && -small < r && r < small && -small < s && s < small {
		d := p*q - r*s
		switch {
		case d < 0:
			return -1
		case d > 0:
			return 1
		}
		return 0
	}
	l, rr := mul128(p, q), mul128(r, s)
	switch {
	case l.neg != rr.neg:
		if l.neg {
			return -1
		}
		return 1
	case l == rr:
		return 0
	}
	less := l.hi < rr.hi || l.hi == rr.hi && l.lo < rr.lo // magnitudes
	if less != l.neg {
		return -1
	}
	return 1
}

// i128 is a signed 128-bit product as sign and magnitude; zero is never
// negative.
type i128 struct {
	neg    bool
	hi, lo uint64
}

func mul128(a, b int64) i128 {
	neg := (a < 0) != (b < 0)
	ua, ub := uint64(a), uint64(b)
	if a < 0 {
		ua = -ua
	}
	if b < 0 {
		ub = -ub
	}
	hi, lo := bits.Mul64(ua, ub)
	return i128{neg: neg && (hi|lo) != 0, hi: hi, lo: lo}
}

// onSegment reports whether p, collinear with s, lies within s's box.
func onSegment(s iseg, p ipoint) bool {
	return min(s.a.x, s.b.x) <= p.x && p.x <= max(s.a.x, s.b.x) &&
		min(s.a.y, s.b.y) <= p.y && p.y <= max(s.a.y, s.b.y)
}

// meetOnlyAtEnds reports whether two distinct segments are disjoint or
// share exactly one end point and nothing else.
func meetOnlyAtEnds(s, t iseg) bool {
	o1, o2 := orientation(s.a, s.b, t.a), orientation(s.a, s.b, t.b)
	o3, o4 := orientation(t.a, t.b, s.a), orientation(t.a, t.b, s.b)
	if o1 != 0 && o2 != 0 && o3 != 0 && o4 != 0 {
		return o1 == o2 || o3 == o4 // a proper crossing otherwise
	}
	// An end point touching the other segment must be one of its ends.
	isEnd := func(u iseg, p ipoint) bool { return p == u.a || p == u.b }
	if o1 == 0 && onSegment(s, t.a) && !isEnd(s, t.a) ||
		o2 == 0 && onSegment(s, t.b) && !isEnd(s, t.b) ||
		o3 == 0 && onSegment(t, s.a) && !isEnd(t, s.a) ||
		o4 == 0 && onSegment(t, s.b) && !isEnd(t, s.b) {
		return false
	}
	// Sharing both ends would be the same segment; collinear segments
	// sharing one end point but pointing the same way overlap, which the
	// checks above catch (the shorter one's far end lies on the longer).
	return true
}

// Index is a uniform grid over bounds (of districts), for point queries.
type Index struct {
	bound  orb.Bound
	nx, ny int
	cells  [][]int32
}

// NewIndex indexes bounds by their position in the slice.
func NewIndex(bounds []orb.Bound) *Index {
	if len(bounds) == 0 {
		return &Index{}
	}
	all := bounds[0]
	for _, b := range bounds[1:] {
		all = all.Union(b)
	}
	side := max(1, int(math.Sqrt(float64(len(bounds)))))
	ix := &Index{bound: all, nx: side, ny: side, cells: make([][]int32, side*side)}
	for i, b := range bounds {
		x0, y0 := ix.cell(b.Min)
		x1, y1 := ix.cell(b.Max)
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				ix.cells[y*ix.nx+x] = append(ix.cells[y*ix.nx+x], int32(i))
			}
		}
	}
	return ix
}

func (ix *Index) cell(p orb.Point) (int, int) {
	fx := (p[0] - ix.bound.Min[0]) / (ix.bound.Max[0] - ix.bound.Min[0])
	fy := (p[1] - ix.bound.Min[1]) / (ix.bound.Max[1] - ix.bound.Min[1])
	x := min(ix.nx-1, max(0, int(fx*float64(ix.nx))))
	y := min(ix.ny-1, max(0, int(fy*float64(ix.ny))))
	return x, y
}

// Query returns, in ascending order, the positions of the bounds that may
// contain p.
func (ix *Index) Query(p orb.Point) []int32 {
	if ix.nx == 0 || !ix.bound.Contains(p) {
		return nil
	}
	x, y := ix.cell(p)
	return ix.cells[y*ix.nx+x]
}
