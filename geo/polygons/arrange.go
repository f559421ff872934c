package polygons

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/twpayne/go-geos"

	"github.com/frontline/frontline/geo/geodesic"
	"github.com/frontline/frontline/geo/territory"
)

// scale is the number of grid steps per degree: every coordinate is a
// multiple of territory.Grid (1e-7°, about 1 cm), as the coverage the
// server prepares rounds them, so that faces written here are an exact
// partition there.
const scale = 1 / territory.Grid

// snap rounds a coordinate to the grid as GEOS's fixed precision model
// does (half up), so that snapping twice changes nothing.
func snap(v float64) float64 { return math.Floor(v*scale+0.5) / scale }

func snapPoint(p orb.Point) orb.Point { return orb.Point{snap(p[0]), snap(p[1])} }

// segKey is an undirected segment between two grid points, ends in
// lexicographic order.
type segKey [2]orb.Point

func newSegKey(a, b orb.Point) segKey {
	if b[0] < a[0] || b[0] == a[0] && b[1] < a[1] {
		a, b = b, a
	}
	return segKey{a, b}
}

// face is one cell of the arrangement: a polygon (shell counter-clockwise,
// holes clockwise, on the grid) that lies wholly inside or wholly outside
// the polygons of every side on every date processed so far.
type face struct {
	id     int64 // sequence number, in order of creation
	poly   orb.Polygon
	bound  orb.Bound
	region int32 // index in the regions, -1 outside every region
	areaM2 float64
	// inner is a point inside the face, for point-in-polygon tests.
	inner orb.Point
	// hist holds the face's label on each date it changed, in date order;
	// before the first entry it is unassigned.
	hist []mark
	// base is the label the inputs give the face on the date being
	// processed, before the edge rule (see label.go).
	base int16
	// nbrs caches neighbours(slot); nil when a neighbour changed.
	nbrs []nbr
}

// mark is a change of label on a date (an index into the dates).
type mark struct {
	Day   int32
	Label int16
}

// label returns the face's label after its last change, unassigned before
// any.
func (f *face) label(unassigned int16) int16 {
	if len(f.hist) == 0 {
		return unassigned
	}
	return f.hist[len(f.hist)-1].Label
}

// arrangement is the set of faces: the regions cut by every date's
// polygon boundaries. Faces are never merged, only split; a face that is
// split dies and its pieces are new faces that inherit its region and
// history.
type arrangement struct {
	ctx   *geos.Context
	faces []*face // by slot; nil once dead
	free  []int32 // dead slots, reused
	index *cellIndex
	// segs maps each edge segment to the faces on its two sides and its
	// length.
	segs   map[segKey]segUse
	nextID int64
	// dangles are the lines the last noding left dangling or that cut
	// through a face without dividing it.
	dangles []orb.LineString
	// moved are the block's segments the last noding changed.
	moved []segKey
}

// segUse is who uses a segment: the slots of the faces on its two sides
// (-1: none, the outside of the ground), and its geodesic length (-1 until
// first needed).
type segUse struct {
	faces [2]int32
	m     float64
}

func newArrangement(ctx *geos.Context) *arrangement {
	return &arrangement{ctx: ctx, index: newCellIndex(0.05), segs: map[segKey]segUse{}, nextID: 1}
}

// add inserts a face and returns its slot.
func (a *arrangement) add(f *face) int32 {
	var slot int32
	if n := len(a.free); n > 0 {
		slot, a.free = a.free[n-1], a.free[:n-1]
		a.faces[slot] = f
	} else {
		slot = int32(len(a.faces))
		a.faces = append(a.faces, f)
	}
	a.index.insert(slot, f.bound)
	a.addSegs(slot, f.poly)
	return slot
}

// addSegs records that the face in slot uses the segments of p.
func (a *arrangement) addSegs(slot int32, p orb.Polygon) {
	forEachSeg(p, func(k segKey) {
		v, ok := a.segs[k]
		if !ok {
			v = segUse{faces: [2]int32{-1, -1}, m: -1}
		}
		if v.faces[0] < 0 {
			v.faces[0] = slot
		} else {
			v.faces[1] = slot
		}
		a.segs[k] = v
	})
}

// remove takes a face out.
func (a *arrangement) remove(slot int32) {
	f := a.faces[slot]
	a.index.remove(slot, f.bound)
	forEachSeg(f.poly, func(k segKey) {
		v := a.segs[k]
		switch slot {
		case v.faces[0]:
			v.faces[0], v.faces[1] = v.faces[1], -1
		case v.faces[1]:
			v.faces[1] = -1
		}
		if v.faces[0] < 0 {
			delete(a.segs, k)
		} else {
			a.segs[k] = v
		}
	})
	a.faces[slot] = nil
	a.free = append(a.free, slot)
}

// neighbours returns, for the face in slot, the length of its border with
// each neighbour (-1: the outside), in slot order.
func (a *arrangement) neighbours(slot int32) []nbr {
	m := map[int32]float64{}
	forEachSeg(a.faces[slot].poly, func(k segKey) {
		v := a.segs[k]
		if v.m < 0 {
			v.m = geodesic.Distance(k[0], k[1])
			a.segs[k] = v
		}
		n := v.faces[0]
		if n == slot {
			n = v.faces[1]
		}
		m[n] += v.m
	})
	out := make([]nbr, 0, len(m))
	for s, l := range m {
		out = append(out, nbr{s, l})
	}
	slices.SortFunc(out, func(x, y nbr) int { return cmp.Compare(x.Slot, y.Slot) })
	return out
}

// nbr is a neighbour of a face and the length in metres of their shared
// border.
type nbr struct {
	Slot int32
	M    float64
}

func forEachSeg(p orb.Polygon, fn func(segKey)) {
	for _, r := range p {
		for j := 0; j+1 < len(r); j++ {
			fn(newSegKey(r[j], r[j+1]))
		}
	}
}

// newFace measures a polygon of the grid and gives it the next id.
func (a *arrangement) newFace(p orb.Polygon, region int32, hist []mark) (*face, error) {
	f, err := a.measure(p)
	if err != nil {
		return nil, err
	}
	f.id, f.region, f.hist = a.nextID, region, slices.Clone(hist)
	a.nextID++
	return f, nil
}

// measure makes a face of a polygon of the grid: oriented, with its bounds,
// geodesic area and perimeter, and a point inside it.
func (a *arrangement) measure(p orb.Polygon) (*face, error) {
	p = orient(p)
	pt, ok := interiorPoint(p)
	if !ok {
		return nil, errors.New("a face has no interior point")
	}
	return &face{poly: p, bound: p.Bound(), region: -1, areaM2: geodesic.PolygonArea(p), inner: pt}, nil
}

// orient makes the shell counter-clockwise and the holes clockwise.
func orient(p orb.Polygon) orb.Polygon {
	for i, r := range p {
		if (planarArea(r) > 0) != (i == 0) {
			slices.Reverse(r)
		}
	}
	return p
}

func planarArea(r orb.Ring) float64 {
	x0, y0 := r[0][0], r[0][1]
	var s float64
	for i := 0; i+1 < len(r); i++ {
		s += (r[i][0]-x0)*(r[i+1][1]-y0) - (r[i+1][0]-x0)*(r[i][1]-y0)
	}
	return s / 2
}

// insert adds new lines (segments on the grid) to the arrangement: the
// faces they touch, and those whose border the noding could move, are
// noded again together with them and polygonized; each new face inherits
// the region and history of the face it lies in, and faces outside every
// old face have no region and no history. It returns the slots of the new
// faces.
func (a *arrangement) insert(lines []segKey) ([]int32, error) {
	if len(lines) == 0 {
		return nil, nil
	}
	// The block: faces within two steps of a new line (a line that
	// passes that close to a border may be noded onto it).
	near := map[int32][]int{}
	for i, seg := range lines {
		sb := orb.Bound{Min: seg[0], Max: seg[0]}.Extend(seg[1])
		for _, slot := range a.index.query(pad(sb)) {
			if boundsTouch(a.faces[slot].bound, sb) {
				near[slot] = append(near[slot], i)
			}
		}
	}
	block := map[int32]bool{}
	for _, slot := range sortedSlots(near) {
		if a.within(a.faces[slot].poly, lines, near[slot], 2/scale) {
			block[slot] = true
		}
	}
	for attempt := 0; ; attempt++ {
		slots, pieces, err := a.node(block, lines)
		if err != nil {
			return nil, err
		}
		parents, err := a.parents(slots, pieces)
		if err != nil {
			return nil, err
		}
		moved := a.movedNeighbours(block)
		moved = append(moved, a.enclosed(block, pieces, parents)...)
		moved = append(moved, a.closing(block)...)
		if len(moved) == 0 {
			return a.replace(slots, pieces, parents)
		}
		if attempt >= 20 {
			return nil, fmt.Errorf("noding did not settle after %d rounds", attempt)
		}
		for _, s := range moved {
			block[s] = true
		}
	}
}

// within reports whether any of the lines picked lies within d of the
// polygon (on its ground or near its border).
func (a *arrangement) within(p orb.Polygon, lines []segKey, pick []int, d float64) bool {
	for _, i := range pick {
		if planar.PolygonContains(p, lines[i][0]) {
			return true
		}
	}
	for _, r := range p {
		for j := 0; j+1 < len(r); j++ {
			for _, i := range pick {
				if segSegDist(r[j], r[j+1], lines[i][0], lines[i][1]) <= d {
					return true
				}
			}
		}
	}
	return false
}

// segSegDist is the planar distance between segments a–b and c–d.
func segSegDist(a, b, c, d orb.Point) float64 {
	side := func(p, q, r orb.Point) float64 { return (q[0]-p[0])*(r[1]-p[1]) - (q[1]-p[1])*(r[0]-p[0]) }
	if side(a, b, c)*side(a, b, d) < 0 && side(c, d, a)*side(c, d, b) < 0 {
		return 0
	}
	return min(segDist(a, c, d), segDist(b, c, d), segDist(c, a, b), segDist(d, a, b))
}

// node nodes the borders of the block's faces with the new lines on the
// grid (snapRound) and polygonizes them.
func (a *arrangement) node(block map[int32]bool, lines []segKey) ([]int32, []orb.Polygon, error) {
	slots := make([]int32, 0, len(block))
	for s := range block {
		slots = append(slots, s)
	}
	slices.Sort(slots)
	var old []iseg
	for _, s := range slots {
		forEachSeg(a.faces[s].poly, func(k segKey) { old = append(old, newISeg(toIpt(k[0]), toIpt(k[1]))) })
	}
	slices.SortFunc(old, cmpISeg)
	old = slices.Compact(old)
	fresh := make([]iseg, len(lines))
	for i, k := range lines {
		fresh[i] = newISeg(toIpt(k[0]), toIpt(k[1]))
	}
	noded, moved := snapRound(fresh, old)
	pieces, loose := polygonize(noded)
	a.dangles = loose
	a.moved = a.moved[:0]
	for _, s := range moved {
		a.moved = append(a.moved, newSegKey(s.a.pt(), s.b.pt()))
	}
	// The faces' order is by position, so that the same lines always give
	// the same faces and ids.
	type keyed struct {
		b orb.Bound
		p orb.Polygon
	}
	ks := make([]keyed, len(pieces))
	for i, p := range pieces {
		ks[i] = keyed{p[0].Bound(), p}
	}
	slices.SortFunc(ks, func(x, y keyed) int {
		return cmp.Or(cmp.Compare(x.b.Min[0], y.b.Min[0]), cmp.Compare(x.b.Min[1], y.b.Min[1]),
			cmp.Compare(x.b.Max[0], y.b.Max[0]), cmp.Compare(x.b.Max[1], y.b.Max[1]), cmp.Compare(len(x.p[0]), len(y.p[0])))
	})
	for i, k := range ks {
		pieces[i] = k.p
	}
	return slots, pieces, nil
}

// movedNeighbours returns the faces outside the block whose shared border
// with it the noding changed (snap rounding bent a segment near a new
// crossing): they join the block, so that neighbours keep sharing their
// borders vertex for vertex.
func (a *arrangement) movedNeighbours(block map[int32]bool) []int32 {
	var out []int32
	for _, k := range a.moved {
		for _, n := range a.segs[k].faces {
			if n >= 0 && !block[n] && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	slices.Sort(out)
	return out
}

// onEdge reports whether segment k lies along edges of the arrangement:
// it is one, or its middle is within two grid steps of one (noding split
// it where it crossed other lines). A line the last noding left dangling,
// or that runs through a face without dividing it, lies along no edge.
func (a *arrangement) onEdge(k segKey) bool {
	if _, ok := a.segs[k]; ok {
		return true
	}
	m := orb.Point{(k[0][0] + k[1][0]) / 2, (k[0][1] + k[1][1]) / 2}
	const tol = 2 / scale
	b := orb.Bound{Min: orb.Point{m[0] - tol, m[1] - tol}, Max: orb.Point{m[0] + tol, m[1] + tol}}
	for _, s := range a.index.query(b) {
		f := a.faces[s]
		if !boundsTouch(f.bound, b) {
			continue
		}
		for _, r := range f.poly {
			for j := 0; j+1 < len(r); j++ {
				if segDist(m, r[j], r[j+1]) <= tol {
					return true
				}
			}
		}
	}
	return false
}

// segDist is the planar distance from p to the segment a–b.
func segDist(p, a, b orb.Point) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = math.Max(0, math.Min(1, ((p[0]-a[0])*dx+(p[1]-a[1])*dy)/l))
	}
	return math.Hypot(p[0]-a[0]-t*dx, p[1]-a[1]-t*dy)
}

// closing returns the faces outside the block at the edge of the ground
// near the lines the last noding left dangling or as cuts: a new coast that
// leaves the old edge and comes back to it, enclosing new ground, is closed
// by the old edge, which may belong to faces the new lines never touch (the
// cells along a border between the two points where the line leaves and
// meets it); without them the new line cuts the outside in two and forms
// no face.
func (a *arrangement) closing(block map[int32]bool) []int32 {
	var out []int32
	for _, l := range a.dangles {
		b := l.Bound()
		d := math.Max(math.Hypot(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]), 4/scale)
		b = orb.Bound{Min: orb.Point{b.Min[0] - d, b.Min[1] - d}, Max: orb.Point{b.Max[0] + d, b.Max[1] + d}}
		for _, s := range a.index.query(b) {
			if block[s] || slices.Contains(out, s) || !boundsTouch(a.faces[s].bound, b) || !a.atEdge(s) {
				continue
			}
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

// atEdge reports whether the face in slot borders the outside of the
// arrangement.
func (a *arrangement) atEdge(slot int32) bool {
	edge := false
	forEachSeg(a.faces[slot].poly, func(k segKey) {
		edge = edge || a.segs[k].faces[1] < 0
	})
	return edge
}

// enclosed returns the faces outside the block that lie inside a piece
// outside every block face: new lines that ring old ground without
// touching it (a coast drawn offshore around a peninsula) need the old
// ground's borders to make the faces between.
func (a *arrangement) enclosed(block map[int32]bool, pieces []orb.Polygon, parents []parent) []int32 {
	var out []int32
	for i, p := range pieces {
		if parents[i].slot >= 0 {
			continue // inside a block face: a face outside the block can only be in a hole of both
		}
		b := p.Bound()
		for _, s := range a.index.query(b) {
			f := a.faces[s]
			if block[s] || !b.Contains(f.bound.Min) || !b.Contains(f.bound.Max) || slices.Contains(out, s) || !planar.PolygonContains(p, f.inner) {
				continue
			}
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

// parent is the face of the block a piece lies in (slot −1: none), and a
// point inside the piece.
type parent struct {
	slot  int32
	inner orb.Point
}

// parents finds, for each piece, the face of the block it lies in.
func (a *arrangement) parents(slots []int32, pieces []orb.Polygon) ([]parent, error) {
	out := make([]parent, len(pieces))
	for i, p := range pieces {
		pt, ok := interiorPoint(p)
		if !ok {
			return nil, errors.New("a face has no interior point")
		}
		out[i] = parent{-1, pt}
		for _, s := range slots {
			if o := a.faces[s]; o.bound.Contains(pt) && planar.PolygonContains(o.poly, pt) {
				out[i].slot = s
				break
			}
		}
	}
	return out, nil
}

// replace swaps the block's faces for the pieces (a face a piece equals
// is kept).
func (a *arrangement) replace(slots []int32, pieces []orb.Polygon, parents []parent) ([]int32, error) {
	made := make([]*face, 0, len(pieces))
	kept := map[int32]bool{}
	for i, p := range pieces {
		// A face the lines came near but did not cut stays as it is, with
		// its id: only the faces cut die.
		if s := parents[i].slot; s >= 0 && samePolygon(a.faces[s].poly, p) {
			kept[s] = true
			continue
		}
		f, err := a.newFace(p, -1, nil)
		if err != nil {
			return nil, err
		}
		switch s := parents[i].slot; {
		case s >= 0:
			f.region, f.hist = a.faces[s].region, slices.Clone(a.faces[s].hist)
		case a.covered(f.inner, slots):
			// Ground the block's lines enclose that faces outside the block
			// already cover.
			a.nextID--
			continue
		}
		// Otherwise the piece is outside every old face: new ground if a
		// side's polygon covers it, else void (the sea between a new coast
		// and the old edge), kept as a face so that its borders stay in
		// the arrangement for the day a polygon covers it. Void faces are
		// not written.
		made = append(made, f)
	}
	// The neighbours of the old faces will border new faces: their lists
	// are made again when next needed.
	for _, s := range slots {
		if kept[s] {
			continue
		}
		for _, n := range a.nbrsOf(s) {
			if n.Slot >= 0 {
				a.faces[n.Slot].nbrs = nil
			}
		}
	}
	for _, s := range slots {
		if !kept[s] {
			a.remove(s)
		}
	}
	out := make([]int32, len(made))
	for i, f := range made {
		out[i] = a.add(f)
	}
	return out, nil
}

// nbrsOf returns the neighbours of the face in slot, cached.
func (a *arrangement) nbrsOf(slot int32) []nbr {
	f := a.faces[slot]
	if f.nbrs == nil {
		f.nbrs = a.neighbours(slot)
	}
	return f.nbrs
}

// covered reports whether pt lies in a face other than those in slots.
func (a *arrangement) covered(pt orb.Point, slots []int32) bool {
	for _, s := range a.index.query(orb.Bound{Min: pt, Max: pt}) {
		f := a.faces[s]
		if !slices.Contains(slots, s) && f.bound.Contains(pt) && planar.PolygonContains(f.poly, pt) {
			return true
		}
	}
	return false
}

func pad(b orb.Bound) orb.Bound {
	const e = 4 / scale
	return orb.Bound{Min: orb.Point{b.Min[0] - e, b.Min[1] - e}, Max: orb.Point{b.Max[0] + e, b.Max[1] + e}}
}

func boundsTouch(a, b orb.Bound) bool {
	b = pad(b)
	return a.Min[0] <= b.Max[0] && a.Max[0] >= b.Min[0] && a.Min[1] <= b.Max[1] && a.Max[1] >= b.Min[1]
}

// cellIndex finds faces by bounds: a uniform grid of cells, each listing
// the faces whose bounds overlap it.
type cellIndex struct {
	size  float64
	cells map[[2]int32][]int32
}

func newCellIndex(size float64) *cellIndex {
	return &cellIndex{size: size, cells: map[[2]int32][]int32{}}
}

func (ix *cellIndex) span(b orb.Bound) (x0, y0, x1, y1 int32) {
	c := func(v float64) int32 { return int32(math.Floor(v / ix.size)) }
	return c(b.Min[0]), c(b.Min[1]), c(b.Max[0]), c(b.Max[1])
}

func (ix *cellIndex) insert(slot int32, b orb.Bound) {
	x0, y0, x1, y1 := ix.span(b)
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			k := [2]int32{x, y}
			ix.cells[k] = append(ix.cells[k], slot)
		}
	}
}

func (ix *cellIndex) remove(slot int32, b orb.Bound) {
	x0, y0, x1, y1 := ix.span(b)
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			k := [2]int32{x, y}
			l := ix.cells[k]
			if i := slices.Index(l, slot); i >= 0 {
				l[i] = l[len(l)-1]
				l = l[:len(l)-1]
			}
			if len(l) == 0 {
				delete(ix.cells, k)
			} else {
				ix.cells[k] = l
			}
		}
	}
}

// query returns the slots whose bounds may overlap b, each once, sorted.
func (ix *cellIndex) query(b orb.Bound) []int32 {
	x0, y0, x1, y1 := ix.span(b)
	var out []int32
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			out = append(out, ix.cells[[2]int32{x, y}]...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// samePolygon reports whether two polygons of the grid, oriented alike,
// have the same rings, whatever vertex each ring starts at and whatever
// the order of the holes.
func samePolygon(p, q orb.Polygon) bool {
	if len(p) != len(q) {
		return false
	}
	used := make([]bool, len(q))
	for _, r := range p {
		found := false
		for j, t := range q {
			if !used[j] && sameRing(r, t) {
				used[j], found = true, true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// sameRing reports whether two closed rings have the same vertices in the
// same cyclic order.
func sameRing(r, t orb.Ring) bool {
	n := len(r) - 1
	if n != len(t)-1 || n < 1 {
		return false
	}
	k := slices.Index(t[:n], r[0])
	if k < 0 {
		return false
	}
	for i := range n {
		if r[i] != t[(k+i)%n] {
			return false
		}
	}
	return true
}
