package polygons

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/twpayne/go-geos"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/geodesic"
	"github.com/frontline/frontline/geo/internal/geosx"
	"github.com/frontline/frontline/geo/internal/work"
	"github.com/frontline/frontline/geo/territory"
)

// engine folds the dates into the arrangement one by one: each date's
// polygons cut the faces they cross, and every face gets the label it has
// that day. Importing a whole archive and appending its days one run at a
// time are the same fold, so they give the same faces, ids and rows.
//
// Labels are small numbers: 0 … nSides-1 the input sides in the order
// given (the first claims ground two sides claim), then the rest side (if
// any), then unassigned.
type engine struct {
	arr    *arrangement
	nSides int
	// rest says whether ground of the regions that no side holds goes to
	// the rest side (else it is unassigned).
	rest bool
	// edgeM is the edge rule's width in metres (see edgeRule).
	edgeM float64
	// inserted are the segments of every polygon boundary inserted so far.
	inserted map[segKey]bool
	// prev are the last date's polygons, per side, and their areas in km².
	prev    []orb.MultiPolygon
	prevKm2 []float64
	// pending are, per side, the last date's segments that were not
	// inserted (left dangling); nil when not known (after Resume).
	pending []map[segKey]bool
	dates   []geo.Date
}

func (e *engine) restLabel() int16       { return int16(e.nSides) }
func (e *engine) unassignedLabel() int16 { return int16(e.nSides + 1) }

// DayReport says what one date did.
type DayReport struct {
	Date geo.Date
	// Lines is the number of new boundary segments; Faces the faces made
	// by cutting; Changed the faces that changed hands.
	Lines, Faces, Changed int
	// InputKm2 and HeldKm2 are each side's area on the date: of its input
	// polygons and of the faces it holds (they differ by the overlaps
	// given to an earlier side and by floating-point noise).
	InputKm2, HeldKm2 []float64
	// OverlapKm2 is the ground two sides claimed, kept by the first.
	OverlapKm2 float64
	// EdgeKm2 is the ground of the regions no side held that the edge rule
	// left unassigned instead of giving it to the rest side.
	EdgeKm2 float64
	// RestKm2 is the rest side's ground.
	RestKm2 float64
	// RepairedKm2 is the area the inputs' repair and rounding to the grid
	// moved (|area after − area before|).
	RepairedKm2 float64
}

// addDay processes one date: polys holds each side's polygons (snapped to
// the grid and valid; nil for none), areasKm2 their geodesic areas (nil:
// measured here).
func (e *engine) addDay(d geo.Date, polys []orb.MultiPolygon, areasKm2 []float64) (DayReport, error) {
	if n := len(e.dates); n > 0 && d <= e.dates[n-1] {
		return DayReport{}, fmt.Errorf("date %s comes after %s: dates are processed in order", d, e.dates[n-1])
	}
	day := int32(len(e.dates))
	e.dates = append(e.dates, d)
	rep := DayReport{Date: d, InputKm2: make([]float64, e.nSides), HeldKm2: make([]float64, e.nSides)}

	var lines []segKey
	fresh := map[segKey]bool{}
	bounds := make([]orb.Bound, len(polys))
	for i, p := range polys {
		bounds[i] = p.Bound()
		if areasKm2 != nil {
			rep.InputKm2[i] = areasKm2[i]
		} else {
			rep.InputKm2[i] = geodesic.Area(p) / 1e6
		}
	}
	// What changed since the last date, per side, and the segments to
	// insert: the new ones not inserted before, and the last date's that
	// were left dangling and are still there.
	if e.prev != nil && e.pending == nil { // resumed: find the dangling ones
		e.pending = make([]map[segKey]bool, len(e.prev))
		for i, p := range e.prev {
			e.pending[i] = map[segKey]bool{}
			forEachSegMP(p, func(k segKey) {
				if !e.inserted[k] {
					e.pending[i][k] = true
				}
			})
		}
	}
	diffs := make([][]segKey, len(polys))
	cands := make([][]segKey, len(polys))
	for i, p := range polys {
		var was orb.MultiPolygon
		if e.prev != nil {
			was = e.prev[i]
		}
		added, removed := diffRings(was, p)
		diffs[i] = append(slices.Clone(added), removed...)
		cands[i] = added
		if e.pending != nil && len(e.pending[i]) > 0 {
			gone := map[segKey]bool{}
			for _, k := range removed {
				gone[k] = true
			}
			for k := range e.pending[i] {
				if !gone[k] {
					cands[i] = append(cands[i], k)
				}
			}
		}
		for _, k := range cands[i] {
			if !e.inserted[k] && !fresh[k] {
				fresh[k] = true
				lines = append(lines, k)
			}
		}
	}
	slices.SortFunc(lines, compareSegs)
	preps := make([]*geos.PrepGeom, len(polys))
	for i, p := range polys {
		if len(p) == 0 {
			continue
		}
		g, err := geosx.ToGEOS(e.arr.ctx, p)
		if err != nil {
			return rep, err
		}
		preps[i] = g.Prepare()
	}
	inside := func(pt orb.Point) int {
		for i, p := range preps {
			// (PrepGeom.ContainsXY is a stub before GEOS 3.12: it always says no.)
			if p != nil && bounds[i].Contains(pt) && p.Contains(e.arr.ctx.NewPointFromXY(pt[0], pt[1])) {
				return i
			}
		}
		return -1
	}
	made, err := e.arr.insert(lines)
	if err != nil {
		return rep, fmt.Errorf("%s: cutting the faces: %w", d, err)
	}
	// A line counts as inserted once it lies along edges: one left dangling
	// (its ring not closed yet) is noded again the next time it comes.
	for k := range fresh {
		if e.arr.onEdge(k) {
			e.inserted[k] = true
		}
	}
	e.pending = make([]map[segKey]bool, len(polys))
	for i := range polys {
		e.pending[i] = map[segKey]bool{}
		for _, k := range cands[i] {
			if !e.inserted[k] {
				e.pending[i][k] = true
			}
		}
	}
	rep.Lines, rep.Faces = len(lines), len(made)

	// The faces whose label may change: the new ones, and those inside
	// what changed since the last date.
	cand := map[int32]bool{}
	isNew := map[int32]bool{}
	for _, s := range made {
		cand[s], isNew[s] = true, true
	}
	if e.prev == nil { // the first date labels every face
		for s, f := range e.arr.faces {
			if f != nil {
				cand[int32(s)] = true
			}
		}
	}
	for i := range polys {
		for _, b := range changedBounds(diffs[i]) {
			for _, s := range e.arr.index.query(b) {
				if b.Contains(e.arr.faces[s].inner) {
					cand[s] = true
				}
			}
		}
	}
	var changed []int32
	for _, s := range sortedSlots(cand) {
		f := e.arr.faces[s]
		b := e.unassignedLabel()
		switch side := inside(f.inner); {
		case side >= 0:
			b = int16(side)
		case f.region >= 0 && e.rest:
			b = e.restLabel()
		}
		if b != f.base || isNew[s] {
			f.base = b
			changed = append(changed, s)
		}
	}
	final := e.edgeRule(changed)
	for _, s := range sortedSlots(final) {
		f := e.arr.faces[s]
		// Every face gets a row on the first date it is labelled, even as
		// unassigned: a dataset says what it knows of each district.
		if l := final[s]; l != f.label(e.unassignedLabel()) || len(f.hist) == 0 {
			f.hist = append(f.hist, mark{Day: day, Label: l})
			rep.Changed++
		}
	}
	e.prev, e.prevKm2 = polys, rep.InputKm2
	// Held ground, for the report and the exactness check.
	for _, f := range e.arr.faces {
		if f == nil {
			continue
		}
		switch l := f.label(e.unassignedLabel()); {
		case int(l) < e.nSides:
			rep.HeldKm2[l] += f.areaM2 / 1e6
		case l == e.restLabel() && e.rest:
			rep.RestKm2 += f.areaM2 / 1e6
		case l == e.unassignedLabel() && f.base == e.restLabel():
			rep.EdgeKm2 += f.areaM2 / 1e6
		}
	}
	if len(polys) > 1 {
		if rep.OverlapKm2, err = e.overlapKm2(polys); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// cellDeg is the side of the grid cells that cut the regions when the
// first faces are made: no face is larger, so cutting the faces along a
// day's new lines nodes a few cells' borders, never a whole region's (a
// raion's border has thousands of vertices). Faces of the same region with
// the same history are joined again when the dataset is written (see
// dissolve), so the cells are not seen in the output.
const cellDeg = 0.2

// seed makes the first faces: the regions' borders and a grid of lines
// cellDeg apart, noded together and polygonized; a face belongs to the
// smallest region containing it (regions that overlap give the overlap to
// the smaller, as build-districts does), and ground outside every region
// is no face until a side's polygon covers it. It returns the area in km²
// where regions overlapped.
func (e *engine) seed(regions []orb.MultiPolygon) (overlapKm2, gapKm2 float64, err error) {
	var lines []segKey
	var all orb.Bound
	areas := make([]float64, len(regions))
	bounds := make([]orb.Bound, len(regions))
	// Measuring is the work here, and each region's is its own: on every
	// core (so the faces' below).
	work.Parallel(len(regions), func(i int) {
		regions[i] = snapMulti(densify(regions[i]))
		areas[i] = geodesic.Area(regions[i])
	})
	for i, mp := range regions {
		bounds[i] = mp.Bound()
		if i == 0 {
			all = bounds[i]
		}
		all = all.Union(bounds[i])
		forEachSegMP(mp, func(k segKey) {
			if k[0] != k[1] {
				lines = append(lines, k)
			}
		})
	}
	if len(lines) == 0 {
		return 0, 0, nil
	}
	lines = append(lines, gridLines(all)...)
	_, pieces, err := e.arr.node(nil, lines)
	if err != nil {
		return 0, 0, fmt.Errorf("noding the regions: %w", err)
	}
	order := make([]int, len(regions)) // smaller regions first
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(areas[a], areas[b]) })
	index := newCellIndex(0.5)
	for _, i := range order {
		index.insert(int32(i), bounds[i])
	}
	var claimed float64 // face area counted once per region containing it
	faces := make([]*face, len(pieces))
	// Regions have thousands of vertices: point-in-polygon goes through
	// GEOS's indexed locator.
	preps := make([]*geos.PrepGeom, len(regions))
	inRegion := func(r int32, pt orb.Point) (bool, error) {
		if preps[r] == nil {
			g, err := geosx.ToGEOS(e.arr.ctx, regions[r])
			if err != nil {
				return false, err
			}
			preps[r] = g.Prepare()
		}
		return preps[r].Contains(e.arr.ctx.NewPointFromXY(pt[0], pt[1])), nil
	}
	measureErrs := make([]error, len(pieces))
	work.Parallel(len(pieces), func(k int) { faces[k], measureErrs[k] = e.arr.measure(pieces[k]) })
	if err := errors.Join(measureErrs...); err != nil {
		return 0, 0, err
	}
	for _, f := range faces {
		cands := index.query(orb.Bound{Min: f.inner, Max: f.inner})
		slices.SortStableFunc(cands, func(a, b int32) int { return cmp.Compare(areas[a], areas[b]) })
		for _, r := range cands {
			if !bounds[r].Contains(f.inner) {
				continue
			}
			in, err := inRegion(r, f.inner)
			if err != nil {
				return 0, 0, err
			}
			if in {
				if f.region < 0 {
					f.region = r
				} else {
					claimed += f.areaM2
				}
			}
		}
	}
	filled := fillRegionGaps(faces)
	for _, f := range faces {
		if f.region < 0 {
			continue // outside every region
		}
		f.id = e.arr.nextID
		e.arr.nextID++
		f.base = e.unassignedLabel()
		e.arr.add(f)
	}
	return claimed / 1e6, filled / 1e6, nil
}

// regionGapM is the widest gap between regions that seed closes: as
// build-districts closes street gaps, a hairline between two raions that
// their layer did not make meet is their ground, not a hole.
const regionGapM = 60

// fillRegionGaps gives the pieces of a gap between regions (pieces in no
// region, enclosed by pieces of regions, narrower on average than
// regionGapM) to the region that borders the gap longest, and returns the
// area it gave, m².
func fillRegionGaps(faces []*face) float64 {
	type use struct {
		a, b int32
		m    float64
	}
	segs := map[segKey]*use{}
	for k, f := range faces {
		forEachSeg(f.poly, func(s segKey) {
			if u, ok := segs[s]; ok {
				u.b = int32(k)
			} else {
				segs[s] = &use{a: int32(k), b: -1, m: -1}
			}
		})
	}
	length := func(s segKey, u *use) float64 {
		if u.m < 0 {
			u.m = geodesic.Distance(s[0], s[1])
		}
		return u.m
	}
	// Neighbours of the pieces outside the regions, with border lengths.
	nbrs := map[int32]map[int32]float64{}
	for s, u := range segs {
		for _, pair := range [][2]int32{{u.a, u.b}, {u.b, u.a}} {
			if pair[0] >= 0 && faces[pair[0]].region < 0 {
				if nbrs[pair[0]] == nil {
					nbrs[pair[0]] = map[int32]float64{}
				}
				nbrs[pair[0]][pair[1]] += length(s, u)
			}
		}
	}
	var filled float64
	seen := map[int32]bool{}
	for _, k := range sortedSlots(nbrs) {
		if seen[k] {
			continue
		}
		// The connected gap around k.
		comp := []int32{k}
		seen[k] = true
		enclosed := true
		var area, perim float64
		border := map[int32]float64{} // region → border length with the gap
		for i := 0; i < len(comp); i++ {
			area += faces[comp[i]].areaM2
			for n, m := range nbrs[comp[i]] {
				switch {
				case n < 0:
					enclosed = false
					perim += m
				case faces[n].region < 0:
					if !seen[n] {
						seen[n] = true
						comp = append(comp, n)
					}
				default:
					perim += m
					border[faces[n].region] += m
				}
			}
		}
		if !enclosed || perim == 0 || 2*area/perim >= regionGapM {
			continue
		}
		best, bestM := int32(-1), -1.0
		for _, r := range sortedSlots(border) {
			if border[r] > bestM {
				best, bestM = r, border[r]
			}
		}
		for _, c := range comp {
			faces[c].region = best
		}
		filled += area
	}
	return filled
}

// gridLines returns the lines cellDeg apart across b, and a cell beyond,
// one segment per cell side (the noder indexes a segment in every cell it
// crosses: short ones are found in few).
func gridLines(b orb.Bound) []segKey {
	x0, x1 := math.Floor(b.Min[0]/cellDeg)-1, math.Ceil(b.Max[0]/cellDeg)+1
	y0, y1 := math.Floor(b.Min[1]/cellDeg)-1, math.Ceil(b.Max[1]/cellDeg)+1
	at := func(i float64) float64 { return snap(i * cellDeg) }
	var out []segKey
	for i := x0; i <= x1; i++ {
		for j := y0; j <= y1; j++ {
			if j < y1 {
				out = append(out, newSegKey(orb.Point{at(i), at(j)}, orb.Point{at(i), at(j + 1)}))
			}
			if i < x1 {
				out = append(out, newSegKey(orb.Point{at(i), at(j)}, orb.Point{at(i + 1), at(j)}))
			}
		}
	}
	return out
}

func snapMulti(mp orb.MultiPolygon) orb.MultiPolygon {
	out := make(orb.MultiPolygon, len(mp))
	for i, p := range mp {
		out[i] = snapPolygon(p)
	}
	return out
}

// snapPolygon rounds a polygon to the grid (a copy).
func snapPolygon(p orb.Polygon) orb.Polygon {
	out := make(orb.Polygon, len(p))
	for i, r := range p {
		q := make(orb.Ring, len(r))
		for j, pt := range r {
			q[j] = snapPoint(pt)
		}
		out[i] = q
	}
	return out
}

// changedBounds returns bounds that together cover every place where a
// side's polygons changed, given the segments one day has and the other
// lacks: they make the boundary of the symmetric difference, so each
// connected chain of them bounds a part of it (or a hole in one).
func changedBounds(diff []segKey) []orb.Bound {
	// Chains: union-find over the segments' end points.
	parent := map[orb.Point]orb.Point{}
	var find func(p orb.Point) orb.Point
	find = func(p orb.Point) orb.Point {
		q, ok := parent[p]
		if !ok || q == p {
			return p
		}
		r := find(q)
		parent[p] = r
		return r
	}
	for _, k := range diff {
		a, b := find(k[0]), find(k[1])
		if a != b {
			parent[a] = b
		}
	}
	boxes := map[orb.Point]orb.Bound{}
	for _, k := range diff {
		r := find(k[0])
		b, ok := boxes[r]
		if !ok {
			b = orb.Bound{Min: k[0], Max: k[0]}
		}
		boxes[r] = b.Extend(k[0]).Extend(k[1])
	}
	out := make([]orb.Bound, 0, len(boxes))
	for _, b := range boxes {
		out = append(out, pad(b))
	}
	slices.SortFunc(out, func(x, y orb.Bound) int {
		return cmp.Or(cmp.Compare(x.Min[0], y.Min[0]), cmp.Compare(x.Min[1], y.Min[1]), cmp.Compare(x.Max[0], y.Max[0]), cmp.Compare(x.Max[1], y.Max[1]))
	})
	return out
}

// overlapKm2 is the ground claimed by more than one side.
func (e *engine) overlapKm2(polys []orb.MultiPolygon) (float64, error) {
	var km2 float64
	for i := range polys {
		for j := i + 1; j < len(polys); j++ {
			if len(polys[i]) == 0 || len(polys[j]) == 0 || !boundsTouch(polys[i].Bound(), polys[j].Bound()) {
				continue
			}
			a, err := geosx.ToGEOS(e.arr.ctx, polys[i])
			if err != nil {
				return 0, err
			}
			b, err := geosx.ToGEOS(e.arr.ctx, polys[j])
			if err != nil {
				return 0, err
			}
			mp, err := geosx.PolygonalParts(a.Intersection(b))
			if err != nil {
				return 0, err
			}
			km2 += geodesic.Area(mp) / 1e6
		}
	}
	return km2, nil
}

// edgeRule gives the final label of the faces whose base label changed
// and of every face in a piece of the rest side's ground that touches
// them. Where a side's map stops at the edge of the regions (a state
// border, a coast) its line and the regions' border never quite agree: the
// ground between them, which no side's map covers, is a sliver along the
// edge, and giving it to the rest side would draw a front along the whole
// border. So a connected piece of the rest side's ground that touches the
// edge of the regions (the outside, or ground outside every region) and is
// on average narrower than edgeM (twice its area over its perimeter) is
// left unassigned. Real ground the rest side holds is wider.
func (e *engine) edgeRule(changed []int32) map[int32]int16 {
	final := map[int32]int16{}
	rest := e.restLabel()
	var seeds []int32
	for _, s := range changed {
		seeds = append(seeds, s)
		for _, n := range e.arr.nbrsOf(s) {
			if n.Slot >= 0 {
				seeds = append(seeds, n.Slot)
			}
		}
	}
	for _, s := range changed {
		final[s] = e.arr.faces[s].base
	}
	visited := map[int32]bool{}
	for _, s := range seeds {
		if visited[s] || e.arr.faces[s].base != rest || !e.rest {
			continue
		}
		comp := []int32{s}
		visited[s] = true
		var areaM2, perimM, edgeM float64
		for i := 0; i < len(comp); i++ {
			f := e.arr.faces[comp[i]]
			areaM2 += f.areaM2
			for _, n := range e.arr.nbrsOf(comp[i]) {
				if n.Slot >= 0 && e.arr.faces[n.Slot].base == rest {
					if !visited[n.Slot] {
						visited[n.Slot] = true
						comp = append(comp, n.Slot)
					}
					continue
				}
				perimM += n.M
				if n.Slot < 0 || e.arr.faces[n.Slot].region < 0 {
					edgeM += n.M
				}
			}
		}
		l := rest
		if edgeM > 0 && perimM > 0 && 2*areaM2/perimM < e.edgeM {
			l = e.unassignedLabel()
		}
		for _, c := range comp {
			final[c] = l
		}
	}
	return final
}

func forEachSegMP(mp orb.MultiPolygon, fn func(segKey)) {
	for _, p := range mp {
		forEachSeg(p, fn)
	}
}

func compareSegs(x, y segKey) int {
	for i := range 2 {
		for j := range 2 {
			if x[i][j] != y[i][j] {
				if x[i][j] < y[i][j] {
					return -1
				}
				return 1
			}
		}
	}
	return 0
}

func sortedSlots[V any](m map[int32]V) []int32 {
	out := make([]int32, 0, len(m))
	for s := range m {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// relErr is |a-b| relative to b.
func relErr(a, b float64) float64 {
	if b == 0 {
		return math.Abs(a)
	}
	return math.Abs(a-b) / math.Abs(b)
}

// densifyM is the longest segment of an input polygon: longer ones get
// points along their geodesic, so that the faces, cut on straight lines in
// longitude and latitude, keep the geodesic area of the input (a 50 km
// edge bows about 25 m away from the straight line; a 1 km one 1 cm).
const densifyM = 1000

// densify adds points along the geodesic of every segment longer than
// densifyM (a copy where it does).
func densify(mp orb.MultiPolygon) orb.MultiPolygon {
	out := make(orb.MultiPolygon, len(mp))
	for i, p := range mp {
		out[i] = make(orb.Polygon, len(p))
		for j, r := range p {
			out[i][j] = geodesic.DensifyRing(r, densifyM)
		}
	}
	return out
}

// validOnGrid makes a side's polygons valid and rounds them to the grid
// (rounding each coordinate keeps most maps valid; for the others GEOS
// MakeValid, then snap rounding, which keeps them valid). It returns the
// result, its geodesic area and the area the repair moved, in km²
// (rounding alone moves less than a square metre and is not counted).
// vc keeps the work on the last day's polygons.
func validOnGrid(ctx *geos.Context, vc *validCache, mp orb.MultiPolygon) (orb.MultiPolygon, float64, float64, error) {
	if len(mp) == 0 {
		return nil, 0, 0, nil
	}
	dense := vc.densify(mp)
	snapped := snapMulti(dense)
	var out orb.MultiPolygon
	moved := false
	if vc.wasValid(snapped) {
		// GEOS found these very polygons valid the day before.
		out = clonePolygons(snapped)
	} else {
		rounded, err := geosx.ToGEOS(ctx, snapped)
		if err != nil {
			return nil, 0, 0, err
		}
		valid := rounded.IsValid()
		switch {
		case valid && plainPolygons(snapped):
			// GEOS holds the very coordinates it was given: they need not
			// come back through WKB.
			vc.rememberValid(snapped)
			out = clonePolygons(snapped)
		case valid:
			if out, err = geosx.PolygonalParts(rounded); err != nil {
				return nil, 0, 0, err
			}
		default:
			g, err := geosx.ToGEOS(ctx, dense)
			if err != nil {
				return nil, 0, 0, err
			}
			if !g.IsValid() {
				g = g.MakeValid()
			}
			g = g.SetPrecision(territory.Grid, geos.PrecisionRuleNone)
			if g == nil {
				return nil, 0, 0, fmt.Errorf("GEOS could not round the polygons to the %g° grid", territory.Grid)
			}
			moved = true
			if out, err = geosx.PolygonalParts(g); err != nil {
				return nil, 0, 0, err
			}
		}
	}
	for _, p := range out {
		orient(p)
	}
	area := vc.area.Area(out) / 1e6
	if !moved {
		return out, area, 0, nil
	}
	return out, area, math.Abs(area - vc.area.Area(mp)/1e6), nil
}
