package geodesic

import (
	"math"

	"github.com/paulmach/orb"
)

// A ring's area in geod_polygonarea is the sum, over its edges, of S12 (the
// area between the edge and the equator) in a compensated accumulator,
// reduced by the ellipsoid's area with the parity of the edges' transits of
// the prime meridian. Each edge's terms depend only on its two end points,
// so AreaCache keeps them by edge and does the sum and the reduction here,
// in the same order and with the same operations: the result is
// geod_polygonarea's, bit for bit.

// edgeTerm is what geod_polygon_addpoint adds to a ring for one edge.
type edgeTerm struct {
	s12     float64
	transit int32
}

// accumulator is geodesic.c's: a sum and its rounding error.
type accumulator [2]float64

// sumErr is geodesic.c's sumx: s = round(u+v) and t = u+v-s exactly.
func sumErr(u, v float64) (s, t float64) {
	s = u + v
	up := s - v
	vpp := s - up
	up -= u
	vpp -= v
	if s != 0 {
		t = 0 - (up + vpp)
	} else {
		t = s
	}
	return s, t
}

// add is geodesic.c's accadd (Shewchuk's).
func (s *accumulator) add(y float64) {
	z, u := sumErr(y, s[1])
	s[0], s[1] = sumErr(z, s[0])
	if s[0] == 0 {
		s[0] = u
	} else {
		s[1] = s[1] + u
	}
}

// reduceArea is geodesic.c's areareduceA for geod_polygonarea (reverse
// false, sign true): the area counter-clockwise, in (-area0/2, area0/2].
func reduceArea(area accumulator, crossings int) float64 {
	area0 := ellipsoidArea
	area[0] = math.Remainder(area[0], area0)
	area.add(0)
	if crossings&1 != 0 {
		if area[0] < 0 {
			area.add(area0 / 2)
		} else {
			area.add(-area0 / 2)
		}
	}
	area[0], area[1] = -area[0], -area[1]
	if area[0] > area0/2 {
		area.add(-area0)
	} else if area[0] <= -area0/2 {
		area.add(area0)
	}
	return area[0] + 0
}

// AreaCache measures rings as RingArea does, with the same result bit for
// bit, keeping each edge's terms so that rings that share most edges with
// those of the day before need the geodesic only for the new ones. Next
// ends a round (a day) and forgets the edges the round did not use, so
// that the cache never holds more than two rounds' edges. The zero value
// is ready to use; it is not safe for concurrent use.
type AreaCache struct {
	edges segCache[edgeTerm]
	// Scratch for one ring: its edges and the edges to compute.
	terms   []*segEntry[edgeTerm]
	missIdx []int
	missPts []float64
	missS12 []float64
	missTr  []int32
}

// RingArea returns RingArea(r).
func (c *AreaCache) RingArea(r orb.Ring) float64 {
	n := len(r)
	if n > 1 && r[0] == r[n-1] {
		n--
	}
	if n < 3 {
		return 0
	}
	c.edges.startRing()
	terms, miss, pts := c.terms[:0], c.missIdx[:0], c.missPts[:0]
	for i := range n {
		a, b := r[i], r[(i+1)%n]
		k := keyOf(a, b)
		e := c.edges.get(k)
		if e == nil {
			// Its terms are filled in below, for all new edges in one call.
			e = c.edges.add(k, edgeTerm{})
			miss = append(miss, i)
			pts = append(pts, a[0], a[1], b[0], b[1])
		}
		terms = append(terms, e)
	}
	if len(miss) > 0 {
		s12, tr := c.missS12[:0], c.missTr[:0]
		s12, tr = append(s12, make([]float64, len(miss))...), append(tr, make([]int32, len(miss))...)
		edgeTerms(pts, s12, tr)
		for k, i := range miss {
			terms[i].val = edgeTerm{s12: s12[k], transit: tr[k]}
		}
		c.missS12, c.missTr = s12, tr
	}
	var acc accumulator
	crossings := 0
	for _, e := range terms {
		acc.add(e.val.s12)
		crossings += int(e.val.transit)
	}
	clear(terms) // no pointers into the cache kept past the call
	c.terms, c.missIdx, c.missPts = terms, miss, pts
	return reduceArea(acc, crossings)
}

// Area returns Area(g), measuring its rings with c.
func (c *AreaCache) Area(g orb.Geometry) float64 { return area(g, c.RingArea) }

// Next ends a round (a day): the edges it did not use are forgotten.
func (c *AreaCache) Next() { c.edges.nextRound() }

// Len is the number of edges kept.
func (c *AreaCache) Len() int { return len(c.edges.m) }
