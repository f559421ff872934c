package territory

import (
	"fmt"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/frontline/frontline/geo/internal/geosx"
)

// tileSites is the most sites triangulated at once. GEOS's incremental
// Delaunay triangulation slows down quadratically on sites along straight
// lines, which densified borders are (100,000 sites on one line: 100 s);
// in tiles of this size it stays linear overall (Aleppo's CSR layer, 56,000
// sites in build-districts, goes in eight tiles).
const tileSites = 8192

// ownerEdges returns the Voronoi edges that separate sites of different
// owners, within margin of any site. Sites are triangulated whole up to
// maxTile, else in tiles (a k-d split at the median): each tile with every
// site within margin of it, its edges clipped to the tile. Inside the gaps
// the result is the same, since a point there is nearer than margin to its
// nearest site; far from every site edges may be missing, which only leaves
// faces of one district unsplit.
func ownerEdges(pts orb.MultiPoint, owners map[orb.Point]int32, spacing, margin float64, maxTile int) (orb.MultiLineString, error) {
	if len(pts) <= maxTile {
		return triangulateEdges(pts, owners, spacing)
	}
	var out orb.MultiLineString
	var split func(box orb.Bound, own, near orb.MultiPoint, depth int) error
	split = func(box orb.Bound, own, near orb.MultiPoint, depth int) error {
		if len(own) <= maxTile || depth > 48 {
			edges, err := triangulateEdges(near, owners, spacing)
			if err != nil {
				return err
			}
			for _, e := range edges {
				if c, ok := clipSegment(e[0], e[1], box); ok {
					out = append(out, c)
				}
			}
			return nil
		}
		// Split the longer side at the median site; if most sites share
		// that coordinate, the other side.
		axis := 0
		if box.Max[1]-box.Min[1] > box.Max[0]-box.Min[0] {
			axis = 1
		}
		var m float64
		ok := false
		for range 2 {
			own = slices.Clone(own)
			slices.SortFunc(own, func(a, b orb.Point) int {
				return comparePoints(orb.Point{a[axis], a[1-axis]}, orb.Point{b[axis], b[1-axis]})
			})
			m = own[len(own)/2][axis]
			if m > own[0][axis] && m < box.Max[axis] {
				ok = true
				break
			}
			axis = 1 - axis
		}
		if !ok {
			return split(box, own, near, 49)
		}
		lo, hi := box, box
		lo.Max[axis], hi.Min[axis] = m, m
		var ownLo, ownHi, nearLo, nearHi orb.MultiPoint
		for _, p := range own {
			if p[axis] < m {
				ownLo = append(ownLo, p)
			} else {
				ownHi = append(ownHi, p)
			}
		}
		for _, p := range near {
			if p[axis] <= m+margin {
				nearLo = append(nearLo, p)
			}
			if p[axis] >= m-margin {
				nearHi = append(nearHi, p)
			}
		}
		if err := split(lo, ownLo, nearLo, depth+1); err != nil {
			return err
		}
		return split(hi, ownHi, nearHi, depth+1)
	}
	if err := split(pts.Bound(), pts, pts, 0); err != nil {
		return nil, err
	}
	return out, nil
}

// triangulateEdges is ownerEdges for one set of sites.
func triangulateEdges(pts orb.MultiPoint, owners map[orb.Point]int32, spacing float64) (orb.MultiLineString, error) {
	if len(pts) < 3 {
		return nil, nil
	}
	mpWKB, err := wkb.Marshal(pts)
	if err != nil {
		return nil, err
	}
	trisWKB, err := geosx.DelaunayTriangles(mpWKB)
	if err != nil {
		return nil, fmt.Errorf("territory: %w", err)
	}
	o, err := wkb.Unmarshal(trisWKB)
	if err != nil {
		return nil, fmt.Errorf("territory: reading Delaunay triangles: %w", err)
	}
	tris, ok := o.(orb.Collection)
	if !ok {
		return nil, fmt.Errorf("territory: Delaunay triangles are a %s, want a collection", o.GeoJSONType())
	}
	return voronoiBetween(tris, owners, spacing), nil
}

// clipSegment returns the part of the segment a–b inside box
// (Liang–Barsky), false when none of it, or only a point, is.
func clipSegment(a, b orb.Point, box orb.Bound) (orb.LineString, bool) {
	t0, t1 := 0.0, 1.0
	d := [2]float64{b[0] - a[0], b[1] - a[1]}
	for axis := range 2 {
		for _, edge := range [2]struct{ p, q float64 }{
			{-d[axis], a[axis] - box.Min[axis]},
			{d[axis], box.Max[axis] - a[axis]},
		} {
			if edge.p == 0 {
				if edge.q < 0 {
					return nil, false
				}
				continue
			}
			r := edge.q / edge.p
			if edge.p < 0 {
				t0 = max(t0, r)
			} else {
				t1 = min(t1, r)
			}
		}
	}
	if t0 >= t1 {
		return nil, false
	}
	at := func(t float64) orb.Point {
		switch t {
		case 0:
			return a
		case 1:
			return b
		}
		return orb.Point{a[0] + t*d[0], a[1] + t*d[1]}
	}
	return orb.LineString{at(t0), at(t1)}, true
}
