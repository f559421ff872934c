// Package territory turns a coverage of district polygons plus one label per
// district (the side that holds it, or "contested"/"unassigned") into
// territories (the union of the districts of each label) and frontlines (the
// borders along which two different labels meet).
//
// The package knows nothing of datasets or dates: NewCoverage prepares a list
// of district geometries once, and Territories and Frontlines then answer for
// any labelling of those districts. Preparation cleans the coverage into an
// exact partition (see NewCoverage), so unions have no slivers and the shared
// border of every pair of neighbouring districts is known in advance; per-date
// calls are plain Go, need no GEOS, and are safe for concurrent use.
//
// Input and output coordinates are WGS84 longitude/latitude. Output follows
// RFC 7946: exterior rings counter-clockwise, holes clockwise. Areas and
// lengths are ellipsoidal (package geo/geodesic).
package territory

import (
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"

	"github.com/frontline/frontline/geo/geodesic"
)

// DefaultGapWidth is the default for WithGapWidth, in metres. Real district
// layers are not exact tilings: the Columbia CSR Aleppo neighbourhood layer,
// for one, leaves the streets out, so neighbours are 1–20 m apart (most under
// 10 m, broad avenues 14–20 m). 25 m closes such streets while leaving larger
// open areas (river beds, parks, the airport) as real holes.
const DefaultGapWidth = 25.0

// MaxGapSites bounds the work of closing gaps: the borders are densified to
// half the gap width, and those sites are triangulated (in tiles). Measured
// on a loaded 2-core machine, 864,000 sites along straight borders took 66 s
// and 761 MB; the limit keeps any layer under about 40 s and 450 MB.
// Aleppo's raw CSR layer needs about 45,000 at the default width, 56,000 in
// build-districts at 60 m.
const MaxGapSites = 500_000

// GapWorkError is the error of a layer whose gaps would take more than the
// limit of sites to close (MaxGapSites or WithMaxGapSites).
type GapWorkError struct{ msg string }

func (e *GapWorkError) Error() string { return e.msg }

// Grid is the precision grid, in degrees, to which all coordinates are
// snapped before noding (about 1 cm at Aleppo's latitude). It makes borders
// that are the same up to floating-point noise identical, and makes the
// overlay that builds the partition robust.
const Grid = 1e-7

// Territory is the ground held by one label.
type Territory struct {
	// Label is the label shared by the districts of this territory.
	Label string
	// Geometry is the union of those districts: districts that share a
	// border are one polygon. RFC 7946 winding.
	Geometry orb.MultiPolygon
	// Districts is the number of districts with this label.
	Districts int
	// AreaM2 is the ellipsoidal area of Geometry in square metres.
	AreaM2 float64
}

// Frontline is the border between two labels.
type Frontline struct {
	// Sides are the two labels, in ascending order.
	Sides [2]string
	// Geometry is the shared border, line-merged: each segment once, lines
	// broken only where three or more borders meet.
	Geometry orb.MultiLineString
	// LengthM is the ellipsoidal length of Geometry in metres.
	LengthM float64
}

// halfEdge is a directed segment of a district's border with the district on
// its left; other is the district on its right, or -1 outside the coverage.
type halfEdge struct {
	from, to orb.Point
	other    int32
}

// pair is the shared border of two neighbouring districts a < b.
type pair struct {
	a, b  int32
	lines []orb.LineString
	// lengthM is the ellipsoidal length of lines, for FrontLengths.
	lengthM float64
}

// Coverage is a prepared, cleaned partition of districts. It is immutable
// after NewCoverage and safe for concurrent use.
type Coverage struct {
	edges [][]halfEdge // per district, its border
	pairs []pair       // sorted by (a, b)
	areas []float64    // per district, m² of the cleaned geometry
}

// Option configures NewCoverage.
type Option func(*config) error

type config struct {
	gapWidth float64
	valid    bool
	// overlay skips the exact-tiling shortcut (tests compare the two).
	overlay bool
	// maxTile overrides tileSites (tests compare tiled and whole).
	maxTile int
	// maxSites overrides MaxGapSites.
	maxSites int
	// exactKnown: WithExactPartition.
	exactKnown bool
	// areas: WithAreas.
	areas []float64
}

// WithValidInput says the districts have been checked already with GEOS
// (valid polygons, as geo.Load does), so NewCoverage need not check them
// again before the exact-tiling shortcut. Invalid input given with it may
// give wrong territories instead of an error.
func WithValidInput() Option {
	return func(c *config) error {
		c.valid = true
		return nil
	}
}

// WithExactPartition says the districts are already an exact partition
// with every coordinate on Grid (the caller has checked it, as geo.Load
// does), shells counter-clockwise and holes clockwise: NewCoverage takes
// them as its faces without checking again. Input that is not gives wrong
// territories instead of an error.
func WithExactPartition() Option {
	return func(c *config) error {
		c.exactKnown = true
		return nil
	}
}

// WithAreas gives the geodesic areas of the districts in m², computed from
// the same geometries (as geo.Load does). With WithExactPartition the
// districts are the coverage's faces, so it takes these areas instead of
// computing them again (a third of its work for a country-scale layer);
// otherwise cleaning moves borders and the areas are computed anew.
func WithAreas(m2 []float64) Option {
	return func(c *config) error {
		for i, a := range m2 {
			if !(a >= 0) || math.IsInf(a, 0) {
				return fmt.Errorf("territory: area %v of district %d: give areas in m², finite and not negative", a, i)
			}
		}
		c.areas = m2
		return nil
	}
}

// WithGapWidth sets the widest gap between districts, in metres, that is
// closed and shared out between its neighbours (default DefaultGapWidth).
// 0 keeps the input as it is, for coverages that already tile exactly.
func WithGapWidth(metres float64) Option {
	return func(c *config) error {
		if math.IsNaN(metres) || math.IsInf(metres, 0) || metres < 0 || metres > 1000 {
			return fmt.Errorf("territory: gap width %v m out of range: use 0 to 1000 m", metres)
		}
		c.gapWidth = metres
		return nil
	}
}

// WithMaxGapSites lowers or raises the bound on the work of closing gaps
// (default MaxGapSites): more border sites than n is an error.
func WithMaxGapSites(n int) Option {
	return func(c *config) error {
		if n <= 0 {
			return fmt.Errorf("territory: the gap-closing limit %d must be positive", n)
		}
		c.maxSites = n
		return nil
	}
}

// Len returns the number of districts.
func (c *Coverage) Len() int { return len(c.edges) }

// AreaM2 returns the ellipsoidal area in m² of district i after cleaning:
// its input area plus its share of the closed gaps, less any overlap given to
// a district listed earlier. Territory areas are sums of these.
func (c *Coverage) AreaM2(i int) float64 { return c.areas[i] }

// District returns the cleaned geometry of district i (RFC 7946 winding);
// empty if the district was entirely overlapped by districts listed earlier.
func (c *Coverage) District(i int) orb.MultiPolygon {
	return trace(c.edges[i])
}

// Neighbours returns, for each pair of districts that share a border (not
// just a point), the pair in ascending order and the length of the border in
// metres.
func (c *Coverage) Neighbours() []Neighbour {
	out := make([]Neighbour, len(c.pairs))
	for k, p := range c.pairs {
		out[k] = Neighbour{
			Districts: [2]int{int(p.a), int(p.b)},
			Border:    orb.MultiLineString(p.lines),
			LengthM:   p.lengthM,
		}
	}
	return out
}

// Neighbour is the shared border of two districts.
type Neighbour struct {
	// Districts are the two district indices, ascending.
	Districts [2]int
	// Border is their shared border, line-merged.
	Border orb.MultiLineString
	// LengthM is the ellipsoidal length of Border in metres.
	LengthM float64
}

func (c *Coverage) checkLabels(labels []string) error {
	if len(labels) != len(c.edges) {
		return fmt.Errorf("territory: %d labels for %d districts: give exactly one label per district", len(labels), len(c.edges))
	}
	for i, l := range labels {
		if l == "" {
			return fmt.Errorf("territory: district %d has an empty label: use a side id, \"contested\" or \"unassigned\"", i)
		}
	}
	return nil
}

// Territories returns one Territory per distinct label, sorted by label: the
// union of the districts with that label. Districts that share a border (in
// the cleaned coverage) always end up in one polygon without seams; districts
// that meet only at a point stay separate polygons. The work is one pass over
// the districts' borders plus tracing the territories' outlines, so a date
// costs about the same whether few or many districts changed.
func (c *Coverage) Territories(labels []string) ([]Territory, error) {
	if err := c.checkLabels(labels); err != nil {
		return nil, err
	}
	ids, names := intern(labels)
	out := make([]Territory, len(names))
	kept := make([][]halfEdge, len(names))
	for i, l := range ids {
		out[l].Districts++
		// The sum of the districts' areas is the area of their union: the
		// districts partition it, and shared geodesic edges cancel.
		out[l].AreaM2 += c.areas[i]
		// A border between two districts of the same label is inside the
		// territory; keep only edges facing another label or the outside.
		for _, e := range c.edges[i] {
			if e.other < 0 || ids[e.other] != l {
				kept[l] = append(kept[l], e)
			}
		}
	}
	for l, name := range names {
		out[l].Label = name
		out[l].Geometry = trace(kept[l])
	}
	return out, nil
}

// intern numbers the distinct labels in sorted order: ids[i] is the
// number of labels[i], names the labels by number.
func intern(labels []string) (ids []int32, names []string) {
	for _, l := range labels {
		if !slices.Contains(names, l) {
			names = append(names, l)
		}
	}
	slices.Sort(names)
	ids = make([]int32, len(labels))
	last := int32(0)
	for i, l := range labels {
		// Labels come in runs: try the previous one before searching.
		if names[last] != l {
			k, _ := slices.BinarySearch(names, l)
			last = int32(k)
		}
		ids[i] = last
	}
	return ids, names
}

// Frontlines returns, sorted by Sides, one Frontline for every pair of
// different labels whose districts share a border. All labels count,
// "contested" and "unassigned" included: a caller that wants frontlines only
// between real sides filters the result by Sides. The outer edge of the
// coverage never counts, and districts that meet only at a point are no
// frontline.
func (c *Coverage) Frontlines(labels []string) ([]Frontline, error) {
	if err := c.checkLabels(labels); err != nil {
		return nil, err
	}
	ids, names := intern(labels)
	byPair := make(map[[2]int32][]orb.LineString)
	for _, p := range c.pairs {
		la, lb := ids[p.a], ids[p.b]
		if la == lb {
			continue
		}
		k := [2]int32{min(la, lb), max(la, lb)}
		byPair[k] = append(byPair[k], p.lines...)
	}
	keys := make([][2]int32, 0, len(byPair))
	for k := range byPair {
		keys = append(keys, k)
	}
	// Numbers follow the sorted names, so this sorts by Sides.
	slices.SortFunc(keys, func(a, b [2]int32) int {
		if a[0] != b[0] {
			return int(a[0] - b[0])
		}
		return int(a[1] - b[1])
	})
	out := make([]Frontline, 0, len(keys))
	for _, k := range keys {
		ml := orb.MultiLineString(mergeLines(byPair[k]))
		out = append(out, Frontline{Sides: [2]string{names[k[0]], names[k[1]]}, Geometry: ml, LengthM: geodesic.Length(ml)})
	}
	return out, nil
}

// FrontLengths returns the length in metres of the border between every
// pair of different labels that meet, keyed by the two labels in ascending
// order: the same lengths as Frontlines (up to rounding, ~1e-12 relative),
// summed from the precomputed border of each pair of neighbouring
// districts without building any geometry. Use it where only lengths are
// needed, such as a daily series.
func (c *Coverage) FrontLengths(labels []string) (map[[2]string]float64, error) {
	if err := c.checkLabels(labels); err != nil {
		return nil, err
	}
	ids, names := intern(labels)
	sums, err := c.FrontLengthsByID(ids, len(names))
	if err != nil {
		return nil, err
	}
	out := make(map[[2]string]float64, len(sums))
	for k, v := range sums {
		out[[2]string{names[k[0]], names[k[1]]}] = v
	}
	return out, nil
}

// FrontLengthsByID is FrontLengths for labels given as numbers: ids[i] in
// [0, n) is district i's label. The result holds the border length in
// metres of every pair of labels {a, b}, a < b, that meet, and no other:
// its size grows with the pairs that touch, never with n² (a dataset may
// list thousands of sides that never meet). A caller that walks many dates
// keeps the numbers up to date itself and saves the labels' strings.
func (c *Coverage) FrontLengthsByID(ids []int32, n int) (map[[2]int32]float64, error) {
	if len(ids) != len(c.edges) {
		return nil, fmt.Errorf("territory: %d labels for %d districts: give exactly one label per district", len(ids), len(c.edges))
	}
	for i, id := range ids {
		if id < 0 || int(id) >= n {
			return nil, fmt.Errorf("territory: district %d has label number %d, outside [0, %d)", i, id, n)
		}
	}
	sums := map[[2]int32]float64{}
	for _, p := range c.pairs {
		la, lb := ids[p.a], ids[p.b]
		if la != lb {
			sums[[2]int32{min(la, lb), max(la, lb)}] += p.lengthM
		}
	}
	return sums, nil
}

// trace assembles half-edges (a region's border, the region on their left)
// into rings, and the rings into polygons. Because the half-edges come from
// one exactly noded partition, the rings are closed, never cross, and share
// no segment.
func trace(kept []halfEdge) orb.MultiPolygon {
	if len(kept) == 0 {
		return orb.MultiPolygon{}
	}
	out := make(map[orb.Point][]int, len(kept))
	for i, e := range kept {
		out[e.from] = append(out[e.from], i)
	}
	// next picks, where several borders meet at a point, the outgoing edge
	// turning most to the left: that closes the smallest ring around the
	// region on the left, so regions touching at a point stay separate.
	next := func(i int) int {
		cands := out[kept[i].to]
		if len(cands) == 1 {
			return cands[0]
		}
		e := kept[i]
		ux, uy := e.to[0]-e.from[0], e.to[1]-e.from[1]
		best, bestAngle := -1, math.Inf(-1)
		for _, j := range cands {
			f := kept[j]
			vx, vy := f.to[0]-f.from[0], f.to[1]-f.from[1]
			a := math.Atan2(ux*vy-uy*vx, ux*vx+uy*vy)
			if a > bestAngle {
				best, bestAngle = j, a
			}
		}
		return best
	}
	used := make([]bool, len(kept))
	var shells, holes []orb.Ring
	for start := range kept {
		if used[start] {
			continue
		}
		ring := orb.Ring{kept[start].from}
		for i := start; ; {
			used[i] = true
			ring = append(ring, kept[i].to)
			i = next(i)
			if i == start || used[i] {
				break
			}
		}
		for _, r := range splitLoops(ring) {
			if signedArea(r) > 0 {
				shells = append(shells, r)
			} else {
				holes = append(holes, r)
			}
		}
	}
	polys := make([]orb.Polygon, len(shells))
	bounds := make([]orb.Bound, len(shells))
	areas := make([]float64, len(shells))
	for i, s := range shells {
		polys[i] = orb.Polygon{s}
		bounds[i] = s.Bound()
		areas[i] = signedArea(s)
	}
	for _, h := range holes {
		// The midpoint of a hole's segment lies on no other ring, so it is
		// strictly inside exactly the shells that enclose the hole.
		p := orb.Point{(h[0][0] + h[1][0]) / 2, (h[0][1] + h[1][1]) / 2}
		best := -1
		for i, s := range shells {
			if bounds[i].Contains(p) && ringContains(s, p) && (best < 0 || areas[i] < areas[best]) {
				best = i
			}
		}
		if best >= 0 {
			polys[best] = append(polys[best], h)
		}
	}
	return rfc7946(polys)
}

// splitLoops splits a closed ring that passes through a point more than once
// into simple rings. No turning rule at a point where one region meets itself
// diagonally is right for both cases: the leftmost turn keeps two shells
// touching at a corner apart, but runs a shell and a hole touching at a
// corner into one self-touching ring, which this splits (OGC validity wants
// them as separate rings).
func splitLoops(ring orb.Ring) []orb.Ring {
	var out []orb.Ring
	stack := make([]orb.Point, 0, len(ring))
	at := make(map[orb.Point]int, len(ring))
	for _, p := range ring {
		if k, ok := at[p]; ok {
			loop := append(orb.Ring(nil), stack[k:]...)
			loop = append(loop, p)
			if len(loop) >= 4 {
				out = append(out, loop)
			}
			for _, q := range stack[k+1:] {
				delete(at, q)
			}
			stack = stack[:k+1]
			continue
		}
		at[p] = len(stack)
		stack = append(stack, p)
	}
	return out
}

// ringContains is the even-odd point-in-ring test; p must not lie on r.
func ringContains(r orb.Ring, p orb.Point) bool {
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		a, b := r[i], r[j]
		if (a[1] > p[1]) != (b[1] > p[1]) &&
			p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}
