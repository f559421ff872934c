package territory

import (
	"cmp"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// segment is an undirected segment with its end points in lexicographic
// order, so that the two faces on either side of an edge produce the same key.
type segment [2]orb.Point

func newSegment(a, b orb.Point) segment {
	if comparePoints(b, a) < 0 {
		a, b = b, a
	}
	return segment{a, b}
}

// segmentKey is a segment as the bits of its coordinates, a map key that
// hashes as plain memory (float keys hash field by field, several times
// slower; the maps of a country's coverage hold a million segments). Zero
// is kept as +0, so the two zeros are one key, as they are one point.
type segmentKey [4]uint64

func keyOf(s segment) segmentKey {
	return segmentKey{math.Float64bits(s[0][0] + 0), math.Float64bits(s[0][1] + 0), math.Float64bits(s[1][0] + 0), math.Float64bits(s[1][1] + 0)}
}

func (k segmentKey) segment() segment {
	return segment{{math.Float64frombits(k[0]), math.Float64frombits(k[1])}, {math.Float64frombits(k[2]), math.Float64frombits(k[3])}}
}

func comparePoints(a, b orb.Point) int {
	if c := cmp.Compare(a[0], b[0]); c != 0 {
		return c
	}
	return cmp.Compare(a[1], b[1])
}

func compareLines(a, b orb.LineString) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if c := comparePoints(a[i], b[i]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a), len(b))
}

// lineEnd is one end of a line in mergeLines: which line, and whether it is
// the line's last point.
type lineEnd struct {
	line int
	last bool
}

// mergeLines joins lines that meet end to end at points where exactly two
// line ends meet (like GEOS LineMerge), in Go so that building a frontline per
// date needs no GEOS call. Points where one, three or more ends meet stay line
// ends. Closed chains come out as closed lines. Input lines must not share
// segments; the output is sorted and deterministic.
func mergeLines(lines []orb.LineString) []orb.LineString {
	lines = slices.Clone(lines)
	slices.SortFunc(lines, compareLines)
	ends := make(map[orb.Point][]lineEnd, 2*len(lines))
	for i, l := range lines {
		ends[l[0]] = append(ends[l[0]], lineEnd{i, false})
		ends[l[len(l)-1]] = append(ends[l[len(l)-1]], lineEnd{i, true})
	}
	used := make([]bool, len(lines))
	var out []orb.LineString
	// walk follows a chain from line i, entering it at its last point when
	// fromLast, through points where exactly two ends meet.
	walk := func(i int, fromLast bool) orb.LineString {
		var chain orb.LineString
		for {
			used[i] = true
			l := lines[i]
			if fromLast {
				l = reversed(l)
			}
			if len(chain) == 0 {
				chain = append(chain, l...)
			} else {
				chain = append(chain, l[1:]...)
			}
			p := chain[len(chain)-1]
			at := ends[p]
			if len(at) != 2 {
				return chain
			}
			next := at[0]
			if next == (lineEnd{i, !fromLast}) {
				next = at[1]
			}
			if used[next.line] {
				return chain
			}
			i, fromLast = next.line, next.last
		}
	}
	for i, l := range lines {
		if used[i] {
			continue
		}
		if len(ends[l[0]]) != 2 {
			out = append(out, walk(i, false))
		} else if len(ends[l[len(l)-1]]) != 2 {
			out = append(out, walk(i, true))
		}
	}
	// What is left are closed chains through degree-2 points only.
	for i := range lines {
		if !used[i] {
			out = append(out, walk(i, false))
		}
	}
	slices.SortFunc(out, compareLines)
	return out
}

func reversed(l orb.LineString) orb.LineString {
	r := make(orb.LineString, len(l))
	for i, p := range l {
		r[len(l)-1-i] = p
	}
	return r
}

// cross is the orientation determinant of a→b→c: positive when c lies to
// the left of a→b.
func cross(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

// orient returns r counter-clockwise when ccw is true, clockwise otherwise
// (RFC 7946: exteriors counter-clockwise, holes clockwise). Vertices are
// never dropped, not even exactly collinear ones: areas and lengths take
// edges as geodesics, and a vertex on a parallel of latitude changes them.
func orient(r orb.Ring, ccw bool) orb.Ring {
	if (signedArea(r) > 0) != ccw {
		r = orb.Ring(reversed(orb.LineString(r)))
	}
	return r
}

// signedArea is the planar shoelace area in square degrees, positive for a
// counter-clockwise ring. Coordinates are taken relative to the first point:
// with absolute lon/lat the products (~37×36) would swamp the area of a
// centimetre-sized face and get its orientation wrong.
func signedArea(r orb.Ring) float64 {
	if len(r) == 0 {
		return 0
	}
	x0, y0 := r[0][0], r[0][1]
	var s float64
	for i := 0; i+1 < len(r); i++ {
		s += (r[i][0]-x0)*(r[i+1][1]-y0) - (r[i+1][0]-x0)*(r[i][1]-y0)
	}
	return s / 2
}

// rfc7946 returns mp with exterior rings counter-clockwise, holes clockwise,
// and polygons in a deterministic order.
func rfc7946(mp orb.MultiPolygon) orb.MultiPolygon {
	out := make(orb.MultiPolygon, 0, len(mp))
	for _, p := range mp {
		if len(p) == 0 {
			continue
		}
		q := orb.Polygon{orient(p[0], true)}
		for _, h := range p[1:] {
			q = append(q, orient(h, false))
		}
		out = append(out, q)
	}
	slices.SortFunc(out, func(a, b orb.Polygon) int {
		return compareLines(orb.LineString(a[0]), orb.LineString(b[0]))
	})
	return out
}
