package polygons

import (
	"cmp"
	"math"
	"math/big"
	"slices"

	"github.com/paulmach/orb"
)

// The arrangement's own noding: snap rounding on the grid (Hobby's, as
// GEOS's snap-rounding noder does it) and a polygonizer, in integers.
//
// GEOS's noder takes a block's lines as a whole every time: the borders of
// the faces a day's lines touch, thousands of vertices noded already, for
// the hundred segments that are new. Here only the new segments are
// intersected, and an old segment is looked at only if it passes through
// a pixel that a changed segment goes through; the rest of the block is
// kept as it is. Snap rounding's guarantee (the rounded segments cross
// nowhere) holds because every segment through such a pixel is snapped to
// it, and an old segment that no changed segment comes near cannot be
// crossed by one.

// ipt is a point of the grid, in grid steps.
type ipt struct{ x, y int64 }

func toIpt(p orb.Point) ipt {
	return ipt{int64(math.Floor(p[0]*scale + 0.5)), int64(math.Floor(p[1]*scale + 0.5))}
}

// pt is the point in degrees (the same float64 snap gives).
func (p ipt) pt() orb.Point { return orb.Point{float64(p.x) / scale, float64(p.y) / scale} }

func cmpIpt(p, q ipt) int {
	switch {
	case p.x != q.x:
		return cmp.Compare(p.x, q.x)
	case p.y != q.y:
		return cmp.Compare(p.y, q.y)
	}
	return 0
}

// iseg is a segment of the grid, ends in order.
type iseg struct{ a, b ipt }

func newISeg(a, b ipt) iseg {
	if cmpIpt(b, a) < 0 {
		a, b = b, a
	}
	return iseg{a, b}
}

func cmpISeg(s, t iseg) int {
	if s.a != t.a {
		return cmpIpt(s.a, t.a)
	}
	return cmpIpt(s.b, t.b)
}

// smallCoord bounds the differences whose products int64 holds exactly.
const smallCoord = 1 << 31

func small(vs ...int64) bool {
	for _, v := range vs {
		if v <= -smallCoord || v >= smallCoord {
			return false
		}
	}
	return true
}

// cross returns the sign of ux·vy − uy·vx, exactly.
func cross(ux, uy, vx, vy int64) int {
	if small(ux, uy, vx, vy) {
		return cmp.Compare(ux*vy, uy*vx)
	}
	l := new(big.Int).Mul(big.NewInt(ux), big.NewInt(vy))
	r := new(big.Int).Mul(big.NewInt(uy), big.NewInt(vx))
	return l.Cmp(r)
}

// orient2 is the side of a→b that c is on: 1 left, −1 right, 0 on the line.
func orient2(a, b, c ipt) int { return cross(b.x-a.x, b.y-a.y, c.x-a.x, c.y-a.y) }

// hitsPixel reports whether segment a–b meets the pixel of c, the square
// of side one step around c, closed on its left and bottom and open on its
// top and right (the pixels partition the plane). Ends are on the grid and
// pixel edges half-way between, so the segment can touch a pixel without
// entering it only at a corner: the bottom-left one is the pixel's.
func hitsPixel(a, b, c ipt) bool {
	if a == c || b == c {
		return true
	}
	// Doubled coordinates keep the pixel's edges on integers.
	ax, ay, bx, by := 2*a.x, 2*a.y, 2*b.x, 2*b.y
	x0, x1, y0, y1 := 2*c.x-1, 2*c.x+1, 2*c.y-1, 2*c.y+1
	if max(ax, bx) < x0 || min(ax, bx) > x1 || max(ay, by) < y0 || min(ay, by) > y1 {
		return false
	}
	ux, uy := bx-ax, by-ay
	side := func(x, y int64) int { return cross(ux, uy, x-ax, y-ay) }
	ll, lr, ur, ul := side(x0, y0), side(x1, y0), side(x1, y1), side(x0, y1)
	pos, neg, zero := 0, 0, 0
	for _, o := range [4]int{ll, lr, ur, ul} {
		switch {
		case o > 0:
			pos++
		case o < 0:
			neg++
		default:
			zero++
		}
	}
	switch {
	case pos > 0 && neg > 0:
		return true
	case zero == 0:
		return false
	}
	return ll == 0 // it touches one corner
}

// roundedCrossing returns the pixel holding the point where the segments
// a–b and c–d cross (they cross properly: no three ends on a line).
func roundedCrossing(a, b, c, d ipt) ipt {
	// X = a + t(b−a), t = ((c−a)×(d−c)) / ((b−a)×(d−c)); the pixel is
	// floor(X + ½), in exact rationals.
	bi := func(v int64) *big.Int { return big.NewInt(v) }
	mul := func(x, y *big.Int) *big.Int { return new(big.Int).Mul(x, y) }
	sub := func(x, y *big.Int) *big.Int { return new(big.Int).Sub(x, y) }
	ux, uy, wx, wy := bi(b.x-a.x), bi(b.y-a.y), bi(d.x-c.x), bi(d.y-c.y)
	den := sub(mul(ux, wy), mul(uy, wx))
	num := sub(mul(bi(c.x-a.x), wy), mul(bi(c.y-a.y), wx))
	if den.Sign() < 0 {
		den.Neg(den)
		num.Neg(num)
	}
	two := big.NewInt(2)
	round := func(a0 int64, u *big.Int) int64 {
		// floor((2(a0·den + num·u) + den) / (2 den))
		n := new(big.Int).Add(mul(bi(a0), den), mul(num, u))
		n.Mul(n, two).Add(n, den)
		return new(big.Int).Div(n, mul(den, two)).Int64() // Div is floor for a positive divisor
	}
	return ipt{round(a.x, ux), round(a.y, uy)}
}

// cells index segments and pixels: square cells of a side in grid steps
// chosen from the segments (sixteen times the median one, from 2¹⁰ to 2¹⁶
// steps, 10 m to 6.5 km), so that a cell holds few of them whether the
// lines are a country's or a street's, and a segment crosses few cells.
type cells struct{ size int64 }

func cellsFor(segs ...[]iseg) cells {
	var ls []int64
	for _, l := range segs {
		for i := 0; i < len(l); i += max(1, len(l)/512) { // a sample is enough
			s := l[i]
			ls = append(ls, max(s.b.x-s.a.x, s.b.y-s.a.y, s.a.y-s.b.y))
		}
	}
	size := int64(1 << 16)
	if len(ls) > 0 {
		slices.Sort(ls)
		size = 1 << 10
		for size < 16*ls[len(ls)/2] && size < 1<<16 {
			size <<= 1
		}
	}
	return cells{size}
}

type cellKey struct{ x, y int64 }

func floorDiv(v, d int64) int64 {
	q := v / d
	if v%d != 0 && (v < 0) != (d < 0) {
		q--
	}
	return q
}

func (c cells) of(p ipt) cellKey { return cellKey{floorDiv(p.x, c.size), floorDiv(p.y, c.size)} }

// along calls fn with every cell that the segment, widened by two steps,
// passes through: column by column, the rows its y spans there.
func (c cells) along(s iseg, fn func(cellKey)) {
	const m = 2
	size := c.size
	cx0, cx1 := floorDiv(s.a.x-m, size), floorDiv(s.b.x+m, size)
	ylo, yhi := min(s.a.y, s.b.y), max(s.a.y, s.b.y)
	dx, dy := float64(s.b.x-s.a.x), float64(s.b.y-s.a.y)
	for cx := cx0; cx <= cx1; cx++ {
		lo, hi := ylo, yhi
		if dx != 0 && cx0 != cx1 {
			// The column widened by the margin too: a steep segment may
			// pass a point of this column closest just inside the next one.
			xl := min(max(cx*size-m, s.a.x), s.b.x)
			xh := min(max((cx+1)*size+m, s.a.x), s.b.x)
			y1 := float64(s.a.y) + float64(xl-s.a.x)*dy/dx
			y2 := float64(s.a.y) + float64(xh-s.a.x)*dy/dx
			lo, hi = int64(math.Floor(min(y1, y2))), int64(math.Ceil(max(y1, y2)))
		}
		for cy := floorDiv(lo-m, size); cy <= floorDiv(hi+m, size); cy++ {
			fn(cellKey{cx, cy})
		}
	}
}

// snapRound nodes segments on the grid: fresh are new, old (sorted by
// cmpISeg) are noded already among themselves (they meet only at their
// ends). It returns the noded segments, each once, sorted, and the old
// segments that snapping changed (split where a hot pixel is).
func snapRound(fresh, old []iseg) (noded, changed []iseg) {
	news := make([]iseg, 0, len(fresh))
	for _, s := range fresh {
		if _, found := slices.BinarySearchFunc(old, s, cmpISeg); s.a != s.b && !found {
			news = append(news, s)
		}
	}
	slices.SortFunc(news, cmpISeg)
	news = slices.Compact(news)
	if len(news) == 0 {
		return old, nil
	}
	grid := cellsFor(news, old)
	oldIdx := map[cellKey][]int32{}
	for i, s := range old {
		grid.along(s, func(k cellKey) { oldIdx[k] = append(oldIdx[k], int32(i)) })
	}
	newIdx := map[cellKey][]int32{}
	for i, s := range news {
		grid.along(s, func(k cellKey) { newIdx[k] = append(newIdx[k], int32(i)) })
	}
	// Hot pixels are every end (found through the segments of a cell) and
	// the points where a new segment crosses another.
	crossIdx := map[cellKey][]ipt{}
	crossSet := map[ipt]bool{}
	crossAll := func(s iseg, segs []iseg, cands []int32) {
		slices.Sort(cands)
		for _, j := range slices.Compact(cands) {
			if p, ok := crossing(s, segs[j]); ok && !crossSet[p] {
				crossSet[p] = true
				crossIdx[grid.of(p)] = append(crossIdx[grid.of(p)], p)
			}
		}
	}
	var newCands, oldCands []int32
	for i, s := range news {
		newCands, oldCands = newCands[:0], oldCands[:0]
		grid.along(s, func(k cellKey) {
			for _, j := range newIdx[k] {
				if int(j) > i { // each pair of new segments once
					newCands = append(newCands, j)
				}
			}
			oldCands = append(oldCands, oldIdx[k]...)
		})
		crossAll(s, news, newCands)
		crossAll(s, old, oldCands)
	}
	// Snap the new segments, and every old one through a pixel a changed
	// segment goes through, to the hot pixels they pass through.
	pixelsOf := func(s iseg) []ipt {
		out := []ipt{s.a, s.b}
		try := func(p ipt) {
			if p != s.a && p != s.b && hitsPixel(s.a, s.b, p) {
				out = append(out, p)
			}
		}
		grid.along(s, func(k cellKey) {
			for _, p := range crossIdx[k] {
				try(p)
			}
			for _, j := range newIdx[k] {
				try(news[j].a)
				try(news[j].b)
			}
			for _, j := range oldIdx[k] {
				try(old[j].a)
				try(old[j].b)
			}
		})
		return sortAlong(s, out)
	}
	type job struct {
		seg iseg
		old int32 // −1 for a new segment
	}
	queue := make([]job, 0, len(news))
	for _, s := range news {
		queue = append(queue, job{s, -1})
	}
	touched := make([]bool, len(old))
	done := map[ipt]bool{}
	var out []iseg
	for len(queue) > 0 {
		j := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		ps := pixelsOf(j.seg)
		if j.old >= 0 {
			if len(ps) == 2 {
				out = append(out, j.seg) // unchanged
				continue
			}
			changed = append(changed, j.seg)
		}
		for i := 0; i+1 < len(ps); i++ {
			out = append(out, newISeg(ps[i], ps[i+1]))
		}
		for _, p := range ps {
			if done[p] {
				continue
			}
			done[p] = true
			for _, o := range oldIdx[grid.of(p)] {
				if !touched[o] && hitsPixel(old[o].a, old[o].b, p) {
					touched[o] = true
					queue = append(queue, job{old[o], o})
				}
			}
		}
	}
	for i, s := range old {
		if !touched[i] {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, cmpISeg)
	slices.SortFunc(changed, cmpISeg)
	return slices.Compact(out), changed
}

// sortAlong orders points on a segment from a to b, each once.
func sortAlong(s iseg, ps []ipt) []ipt {
	ux, uy := s.b.x-s.a.x, s.b.y-s.a.y
	// The key is the projection on the segment: exact in int64 for any
	// segment shorter than 2³⁰ steps (107°; the import's are 1 km or 0.2°
	// at most), which the points it passes through are near.
	if small(2*ux, 2*uy) {
		key := func(p ipt) int64 { return (p.x-s.a.x)*ux + (p.y-s.a.y)*uy }
		slices.SortFunc(ps, func(p, q ipt) int { return cmp.Or(cmp.Compare(key(p), key(q)), cmpIpt(p, q)) })
	} else {
		key := func(p ipt) float64 { return float64(p.x-s.a.x)*float64(ux) + float64(p.y-s.a.y)*float64(uy) }
		slices.SortFunc(ps, func(p, q ipt) int { return cmp.Or(cmp.Compare(key(p), key(q)), cmpIpt(p, q)) })
	}
	return slices.Compact(ps)
}

// crossing returns the pixel of the point where two segments cross, if
// they cross at a point that is no end of either (an end is a hot pixel
// already; segments along one line meet at ends too).
func crossing(s, t iseg) (ipt, bool) {
	if max(s.a.x, s.b.x) < min(t.a.x, t.b.x) || max(t.a.x, t.b.x) < min(s.a.x, s.b.x) ||
		max(s.a.y, s.b.y) < min(t.a.y, t.b.y) || max(t.a.y, t.b.y) < min(s.a.y, s.b.y) {
		return ipt{}, false
	}
	o1, o2 := orient2(s.a, s.b, t.a), orient2(s.a, s.b, t.b)
	if o1 == 0 || o2 == 0 || o1 == o2 {
		return ipt{}, false
	}
	o3, o4 := orient2(t.a, t.b, s.a), orient2(t.a, t.b, s.b)
	if o3 == 0 || o4 == 0 || o3 == o4 {
		return ipt{}, false
	}
	return roundedCrossing(s.a, s.b, t.a, t.b), true
}

// polygonize returns the bounded faces of a set of noded segments (each
// once, meeting only at their ends) as polygons: shell counter-clockwise,
// holes clockwise, every face whole (a hole that touches its shell at a
// point is a hole, not a second face). It also returns the segments that
// bound no face (dangles, and cuts with the same face on both sides).
func polygonize(segs []iseg) ([]orb.Polygon, []orb.LineString) {
	// Vertices, in order, and the edges between them.
	pts := make([]ipt, 0, 2*len(segs))
	for _, s := range segs {
		pts = append(pts, s.a, s.b)
	}
	slices.SortFunc(pts, cmpIpt)
	pts = slices.Compact(pts)
	id := make(map[ipt]int32, len(pts))
	for i, p := range pts {
		id[p] = int32(i)
	}
	n := len(pts)
	// Half-edge 2e runs a→b of edge e, 2e+1 back.
	from := make([]int32, 2*len(segs))
	for e, s := range segs {
		from[2*e], from[2*e+1] = id[s.a], id[s.b]
	}
	to := func(h int32) int32 { return from[h^1] }
	alive := make([]bool, len(segs))
	deg := make([]int32, n)
	for e := range segs {
		alive[e] = true
		deg[from[2*e]]++
		deg[from[2*e+1]]++
	}
	// Dangles: edges with a free end, pruned until none is left.
	inc := make([][]int32, n)
	for h := range from {
		inc[from[h]] = append(inc[from[h]], int32(h))
	}
	var loose []orb.LineString
	var stack []int32
	for v := range n {
		if deg[v] == 1 {
			stack = append(stack, int32(v))
		}
	}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if deg[v] != 1 {
			continue
		}
		for _, h := range inc[v] {
			if e := h / 2; alive[e] {
				alive[e] = false
				deg[v]--
				w := to(h)
				deg[w]--
				loose = append(loose, orb.LineString{pts[v].pt(), pts[w].pt()})
				if deg[w] == 1 {
					stack = append(stack, w)
				}
				break
			}
		}
	}
	// Around each vertex, its half-edges counter-clockwise.
	around := make([][]int32, n)
	pos := make([]int32, len(from))
	for v := range n {
		var hs []int32
		for _, h := range inc[v] {
			if alive[h/2] {
				hs = append(hs, h)
			}
		}
		o := pts[v]
		dir := func(h int32) (int64, int64) { q := pts[to(h)]; return q.x - o.x, q.y - o.y }
		slices.SortFunc(hs, func(g, h int32) int {
			gx, gy := dir(g)
			hx, hy := dir(h)
			ug, uh := upper(gx, gy), upper(hx, hy)
			if ug != uh {
				if ug {
					return -1
				}
				return 1
			}
			return -cross(gx, gy, hx, hy)
		})
		for i, h := range hs {
			pos[h] = int32(i)
		}
		around[v] = hs
	}
	next := func(h int32) int32 {
		t := h ^ 1
		hs := around[from[t]]
		return hs[(int(pos[t])+len(hs)-1)%len(hs)]
	}
	// Components, for placing the outer boundary of one inside a face of
	// another.
	comp := make([]int32, n)
	for v := range comp {
		comp[v] = int32(v)
	}
	find := func(v int32) int32 {
		for comp[v] != v {
			comp[v] = comp[comp[v]]
			v = comp[v]
		}
		return v
	}
	for e, ok := range alive {
		if ok {
			a, b := find(from[2*e]), find(from[2*e+1])
			comp[a] = b
		}
	}
	// Walk every face's boundary; split each walk where it passes a
	// vertex twice into simple loops: counter-clockwise ones are shells,
	// clockwise ones holes of the walk's shell, or outer boundaries of a
	// component when the walk has no shell.
	type loop struct {
		ring  []int32
		area2 float64 // twice the signed area, in steps²
		bound [4]int64
	}
	var shells []loop
	var holesOf [][]loop
	var outer []loop
	seen := make([]bool, len(from))
	at := make([]int32, n) // position of a vertex on the stack, +1
	for h0 := range from {
		h0 := int32(h0)
		if seen[h0] || !alive[h0/2] {
			continue
		}
		var shell *loop
		var cw []loop
		var st []int32
		emit := func(r []int32) {
			if len(r) < 3 { // there and back: a cut
				loose = append(loose, orb.LineString{pts[r[0]].pt(), pts[r[1]].pt()})
				return
			}
			l := loop{ring: slices.Clone(r), area2: ringArea2(pts, r)}
			if l.area2 > 0 {
				if shell == nil {
					shell = &l
				} else { // cannot happen in a plane graph; keep the ground
					shells = append(shells, l)
					holesOf = append(holesOf, nil)
				}
			} else {
				cw = append(cw, l)
			}
		}
		push := func(v int32) {
			if i := at[v]; i > 0 {
				emit(st[i-1:])
				for _, u := range st[i:] {
					at[u] = 0
				}
				st = st[:i]
				return
			}
			st = append(st, v)
			at[v] = int32(len(st))
		}
		h := h0
		for {
			seen[h] = true
			push(from[h])
			h = next(h)
			if h == h0 {
				break
			}
		}
		push(from[h0])
		for _, u := range st {
			at[u] = 0
		}
		if shell != nil {
			shells = append(shells, *shell)
			holesOf = append(holesOf, cw)
		} else {
			outer = append(outer, cw...)
		}
	}
	for i := range shells {
		shells[i].bound = ringBound(pts, shells[i].ring)
	}
	// An outer boundary is a hole of the smallest shell of another
	// component around it (none: it bounds the unbounded face).
	for _, l := range outer {
		p := pts[l.ring[0]]
		c := find(l.ring[0])
		best := -1
		for i, s := range shells {
			b := s.bound
			if p.x < b[0] || p.x > b[2] || p.y < b[1] || p.y > b[3] || find(s.ring[0]) == c {
				continue
			}
			if (best < 0 || s.area2 < shells[best].area2) && insideRing(pts, s.ring, p) {
				best = i
			}
		}
		if best >= 0 {
			holesOf[best] = append(holesOf[best], l)
		}
	}
	out := make([]orb.Polygon, len(shells))
	for i, s := range shells {
		p := orb.Polygon{toRing(pts, s.ring)}
		for _, h := range holesOf[i] {
			p = append(p, toRing(pts, h.ring))
		}
		out[i] = p
	}
	return out, loose
}

// upper reports whether direction (x, y) has an angle in [0, π).
func upper(x, y int64) bool { return y > 0 || y == 0 && x > 0 }

// ringArea2 is twice the signed area of a ring of vertices (not closed),
// relative to its first vertex; exact in sign (loops of a plane graph have
// an area of half a step² or more).
func ringArea2(pts []ipt, r []int32) float64 {
	o := pts[r[0]]
	var s, mag float64
	for i := 1; i+1 < len(r); i++ {
		p, q := pts[r[i]], pts[r[i+1]]
		a := float64(p.x-o.x) * float64(q.y-o.y)
		b := float64(p.y-o.y) * float64(q.x-o.x)
		s += a - b
		mag += math.Abs(a) + math.Abs(b)
	}
	if math.Abs(s) > mag*float64(len(r)+2)*0x1p-52 {
		return s
	}
	// Too close to call in float64: in big integers.
	t := new(big.Int)
	for i := 1; i+1 < len(r); i++ {
		p, q := pts[r[i]], pts[r[i+1]]
		a := new(big.Int).Mul(big.NewInt(p.x-o.x), big.NewInt(q.y-o.y))
		b := new(big.Int).Mul(big.NewInt(p.y-o.y), big.NewInt(q.x-o.x))
		t.Add(t, a.Sub(a, b))
	}
	return float64(t.Sign()) * math.Max(math.Abs(s), 1)
}

func ringBound(pts []ipt, r []int32) [4]int64 {
	b := [4]int64{math.MaxInt64, math.MaxInt64, math.MinInt64, math.MinInt64}
	for _, v := range r {
		p := pts[v]
		b[0], b[1], b[2], b[3] = min(b[0], p.x), min(b[1], p.y), max(b[2], p.x), max(b[3], p.y)
	}
	return b
}

// insideRing reports whether p, on no edge of the ring, is inside it.
func insideRing(pts []ipt, r []int32, p ipt) bool {
	w := 0
	for i := range r {
		a, b := pts[r[i]], pts[r[(i+1)%len(r)]]
		switch {
		case a.y <= p.y && b.y > p.y && orient2(a, b, p) > 0:
			w++
		case b.y <= p.y && a.y > p.y && orient2(a, b, p) < 0:
			w--
		}
	}
	return w != 0
}

func toRing(pts []ipt, r []int32) orb.Ring {
	out := make(orb.Ring, len(r)+1)
	for i, v := range r {
		out[i] = pts[v].pt()
	}
	out[len(r)] = out[0]
	return out
}

// interiorPoint returns a point inside a polygon (not in a hole), away
// from its border: the middle of the widest span of the polygon on a
// horizontal line near its middle that passes between its vertices (as
// GEOS's InteriorPointArea finds one).
func interiorPoint(p orb.Polygon) (orb.Point, bool) {
	if len(p) == 0 || len(p[0]) < 4 {
		return orb.Point{}, false
	}
	b := p[0].Bound()
	mid := (b.Min[1] + b.Max[1]) / 2
	lo, hi := b.Min[1], b.Max[1]
	for _, r := range p {
		for _, v := range r {
			if y := v[1]; y <= mid && y > lo {
				lo = y
			} else if y > mid && y < hi {
				hi = y
			}
		}
	}
	y := (lo + hi) / 2 // no vertex is on the line
	var xs []float64
	for _, r := range p {
		for i := 0; i+1 < len(r); i++ {
			a, c := r[i], r[i+1]
			if (a[1] < y) != (c[1] < y) {
				xs = append(xs, a[0]+(y-a[1])*(c[0]-a[0])/(c[1]-a[1]))
			}
		}
	}
	slices.Sort(xs)
	best, at := 0.0, -1
	for i := 0; i+1 < len(xs); i += 2 {
		if w := xs[i+1] - xs[i]; w > best {
			best, at = w, i
		}
	}
	if at < 0 {
		return orb.Point{}, false
	}
	return orb.Point{(xs[at] + xs[at+1]) / 2, y}, true
}
