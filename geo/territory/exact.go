package territory

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Exact tilings (the output of build-districts, synthetic grids, layers cut
// from one topology) are already the partition that noding and polygonizing
// would produce: after snapping to Grid, neighbours share their borders
// vertex for vertex and nothing crosses. exactFaces recognises them in Go,
// in time linear in the number of segments, and hands the districts on as
// the faces, so the GEOS overlay (most of NewCoverage's time) is skipped.
// Anything else — a T-junction, a crossing, an overlap, a district inside
// another — is left to the overlay.

// ipoint is a vertex in units of Grid.
type ipoint struct{ x, y int64 }

// gridScale is 1/Grid, the scale GEOS's precision model uses for Grid.
const gridScale = 1e7

// snapInt rounds a coordinate to Grid as GEOS's fixed precision model does
// (round half up of v×scale).
func snapInt(v float64) int64 { return int64(math.Floor(v*gridScale + 0.5)) }

func (p ipoint) point() orb.Point {
	return orb.Point{float64(p.x) / gridScale, float64(p.y) / gridScale}
}

// iseg is an undirected segment, end points in lexicographic order.
type iseg struct{ a, b ipoint }

func lessPoint(a, b ipoint) bool { return a.x < b.x || a.x == b.x && a.y < b.y }

// segUse records who uses a segment: the district on its left when
// walked from a to b (fwd) or from b to a (rev); -1 when unused.
type segUse struct{ fwd, rev int32 }

// maxCellSegments bounds the segments of one index cell: beyond it the
// pairwise test would be quadratic, and the overlay handles such inputs.
const maxCellSegments = 512

// exactFaces returns the snapped districts as faces with their owners when
// they already form an exact partition, and ok false otherwise.
func exactFaces(polys []orb.MultiPolygon) (faces []orb.Polygon, owner []int32, ok bool) {
	uses := make(map[iseg]segUse)
	snapped := make([]orb.MultiPolygon, len(polys))
	for i, mp := range polys {
		out := make(orb.MultiPolygon, 0, len(mp))
		for _, p := range mp {
			q := make(orb.Polygon, 0, len(p))
			for ri, r := range p {
				ring, pts := snapRing(r)
				if ring == nil {
					return nil, nil, false
				}
				// Orient as assemble will: shell counter-clockwise, holes
				// clockwise, so the district is on the left of each segment.
				if (signedArea(ring) > 0) != (ri == 0) {
					ring = orb.Ring(reversed(orb.LineString(ring)))
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
						return nil, nil, false
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
		return nil, nil, false
	}
	// With every segment noded and shared borders run in opposite
	// directions, two districts overlap only if one lies (partly) inside
	// the other across a segment used once; the midpoint of such a segment
	// is then strictly inside the other district.
	bounds := make([]orb.Bound, len(snapped))
	for i, mp := range snapped {
		bounds[i] = mp.Bound()
	}
	index := newBoundIndex(bounds)
	for s, u := range uses {
		if u.fwd >= 0 && u.rev >= 0 {
			continue
		}
		self := max(u.fwd, u.rev)
		a, b := s.a.point(), s.b.point()
		m := orb.Point{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2}
		for _, k := range index.query(m) {
			if k != self && bounds[k].Contains(m) && planar.MultiPolygonContains(snapped[k], m) {
				return nil, nil, false
			}
		}
	}
	for i, mp := range snapped {
		for _, p := range mp {
			faces = append(faces, p)
			owner = append(owner, int32(i))
		}
	}
	return faces, owner, true
}

// snapRing snaps a ring to Grid and drops repeated vertices; nil if it
// collapses (fewer than three distinct vertices, or no area).
func snapRing(r orb.Ring) (orb.Ring, []ipoint) {
	pts := make([]ipoint, 0, len(r))
	for _, p := range r {
		q := ipoint{snapInt(p[0]), snapInt(p[1])}
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
		ring[k] = p.point()
	}
	if signedArea(ring) == 0 {
		return nil, nil
	}
	return ring, pts
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
	// Exact integer orientation needs coordinate differences below 2^31.
	if maxX-minX >= 1<<31 || maxY-minY >= 1<<31 {
		return false
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
				if !meetOnlyAtEnds(segs[list[i]], segs[list[j]]) {
					return false
				}
			}
		}
	}
	return true
}

// orientation is the sign of the cross product (b−a)×(c−a), exact for
// coordinate differences below 2^31.
func orientation(a, b, c ipoint) int {
	v := (b.x-a.x)*(c.y-a.y) - (b.y-a.y)*(c.x-a.x)
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
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
