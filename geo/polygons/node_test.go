package polygons

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

func TestHitsPixel(t *testing.T) {
	c := ipt{10, 10}
	for _, tc := range []struct {
		name string
		a, b ipt
		want bool
	}{
		{"through the centre", ipt{0, 10}, ipt{20, 10}, true},
		{"an end on the centre", ipt{10, 10}, ipt{30, 40}, true},
		{"a step below", ipt{0, 9}, ipt{20, 9}, false},
		{"through the lower half", ipt{0, 9}, ipt{20, 10}, true},
		{"past the pixel", ipt{0, 0}, ipt{9, 20}, false},
		// y = x + 1 touches the pixel only at its top-left corner (9.5, 10.5).
		{"the top-left corner only", ipt{0, 1}, ipt{19, 20}, false},
		// y = x − 1: only the bottom-right corner (10.5, 9.5).
		{"the bottom-right corner only", ipt{1, 0}, ipt{11, 10}, false},
		// y = 19 − x: only the bottom-left corner (9.5, 9.5), which is the pixel's.
		{"the bottom-left corner only", ipt{0, 19}, ipt{19, 0}, true},
		// y = x passes through the centre.
		{"the diagonal", ipt{0, 0}, ipt{20, 20}, true},
		{"ends beyond it on both sides", ipt{9, 30}, ipt{11, -10}, true},
		{"short of it", ipt{0, 10}, ipt{9, 10}, false},
	} {
		if got := hitsPixel(tc.a, tc.b, c); got != tc.want {
			t.Errorf("%s: hitsPixel(%v, %v, %v) = %v, want %v", tc.name, tc.a, tc.b, c, got, tc.want)
		}
		if got := hitsPixel(tc.b, tc.a, c); got != tc.want {
			t.Errorf("%s, reversed: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestRoundedCrossing(t *testing.T) {
	for _, tc := range []struct {
		a, b, c, d, want ipt
	}{
		{ipt{0, 0}, ipt{10, 10}, ipt{0, 10}, ipt{10, 0}, ipt{5, 5}},
		{ipt{0, 0}, ipt{3, 1}, ipt{0, 1}, ipt{3, 0}, ipt{2, 1}},      // (1.5, 0.5) rounds up
		{ipt{-3, -1}, ipt{0, 0}, ipt{-3, 0}, ipt{0, -1}, ipt{-1, 0}}, // (−1.5, −0.5)
		{ipt{0, 0}, ipt{7, 2}, ipt{0, 3}, ipt{5, -1}, ipt{3, 1}},     // (2.76…, 0.79…)
		{ipt{1 << 40, 0}, ipt{1<<40 + 10, 10}, ipt{1 << 40, 10}, ipt{1<<40 + 10, 0}, ipt{1<<40 + 5, 5}},
	} {
		if got := roundedCrossing(tc.a, tc.b, tc.c, tc.d); got != tc.want {
			t.Errorf("roundedCrossing(%v, %v, %v, %v) = %v, want %v", tc.a, tc.b, tc.c, tc.d, got, tc.want)
		}
	}
}

// checkNoded fails unless the segments meet only at shared ends: no two
// cross or overlap, and no end lies inside another segment.
func checkNoded(t *testing.T, segs []iseg) {
	t.Helper()
	for i, s := range segs {
		if s.a == s.b {
			t.Fatalf("segment %v has no length", s)
		}
		for _, u := range segs[i+1:] {
			if s == u {
				t.Fatalf("segment %v twice", s)
			}
			if _, ok := crossing(s, u); ok {
				t.Fatalf("%v and %v cross", s, u)
			}
			for _, p := range []ipt{u.a, u.b} {
				if p != s.a && p != s.b && onSegment(s, p) {
					t.Fatalf("%v has %v inside it", s, p)
				}
			}
			for _, p := range []ipt{s.a, s.b} {
				if p != u.a && p != u.b && onSegment(u, p) {
					t.Fatalf("%v has %v inside it", u, p)
				}
			}
		}
	}
}

func onSegment(s iseg, p ipt) bool {
	return orient2(s.a, s.b, p) == 0 && min(s.a.x, s.b.x) <= p.x && p.x <= max(s.a.x, s.b.x) &&
		min(s.a.y, s.b.y) <= p.y && p.y <= max(s.a.y, s.b.y)
}

func randomSegs(r *rand.Rand, n int, span int64) []iseg {
	out := make([]iseg, n)
	for i := range out {
		a := ipt{r.Int64N(span), r.Int64N(span)}
		b := ipt{r.Int64N(span), r.Int64N(span)}
		if r.IntN(4) == 0 { // axis-parallel lines, as the grid's and many borders' are
			b.y = a.y
		}
		out[i] = newISeg(a, b)
	}
	return out
}

// TestSnapRoundNodes nodes random segments at once and then in rounds (the
// noded result is the next round's old segments), as the import does, and
// checks the result is noded each time.
func TestSnapRoundNodes(t *testing.T) {
	for seed := range uint64(30) {
		r := rand.New(rand.NewPCG(seed, 1))
		span := int64(8 + r.IntN(200))
		all, _ := snapRound(randomSegs(r, 20+r.IntN(40), span), nil)
		checkNoded(t, all)
		old := all
		for range 4 {
			noded, changed := snapRound(randomSegs(r, 1+r.IntN(10), span), old)
			checkNoded(t, noded)
			for _, s := range old { // an old segment is kept or said to be changed (or both: a new one may run along it)
				if !slices.Contains(noded, s) && !slices.Contains(changed, s) {
					t.Fatalf("seed %d: old segment %v kept %v, changed %v", seed, s, slices.Contains(noded, s), slices.Contains(changed, s))
				}
			}
			old = noded
		}
	}
}

// TestSnapRoundKeepsFarSegments: an old segment no new segment comes near
// is kept as it is, even one that passes through the pixel of an old end.
func TestSnapRoundKeepsFarSegments(t *testing.T) {
	old := []iseg{newISeg(ipt{0, 0}, ipt{100, 1}), newISeg(ipt{50, 1}, ipt{50, 40})} // (50, 0.5) is on the pixel's edge
	slices.SortFunc(old, cmpISeg)
	got, changed := snapRound([]iseg{newISeg(ipt{0, 100}, ipt{100, 100})}, old)
	for _, s := range old {
		if !slices.Contains(got, s) {
			t.Errorf("old segment %v was changed: %v", s, got)
		}
	}
	if len(changed) > 0 {
		t.Errorf("changed %v, want none", changed)
	}
	// A new segment across the first pulls it onto the crossing's pixel.
	got, changed = snapRound([]iseg{newISeg(ipt{20, -10}, ipt{20, 10})}, old)
	checkNoded(t, got)
	if slices.Contains(got, old[0]) || !slices.Equal(changed, old[:1]) {
		t.Errorf("the crossed segment %v is still whole: %v (changed %v)", old[0], got, changed)
	}
}

func square(x0, y0, x1, y1 int64) []iseg {
	return []iseg{newISeg(ipt{x0, y0}, ipt{x1, y0}), newISeg(ipt{x1, y0}, ipt{x1, y1}),
		newISeg(ipt{x1, y1}, ipt{x0, y1}), newISeg(ipt{x0, y1}, ipt{x0, y0})}
}

func TestPolygonize(t *testing.T) {
	touching := append(square(0, 0, 10, 10), newISeg(ipt{0, 5}, ipt{3, 3}), newISeg(ipt{3, 3}, ipt{3, 7}), newISeg(ipt{3, 7}, ipt{0, 5}))
	for _, tc := range []struct {
		name  string
		segs  []iseg
		areas []float64 // of the faces, in steps², largest first
		holes int       // in all faces
		loose int
	}{
		{"a square", square(0, 0, 10, 10), []float64{100}, 0, 0},
		{"a square in a square", append(square(0, 0, 10, 10), square(3, 3, 6, 6)...), []float64{91, 9}, 1, 0},
		// The triangle's ring touches the shell at (0, 5): GEOS dropped such a hole.
		{"a hole touching its shell", touching, []float64{94, 6}, 1, 0},
		{"a dangle", append(square(0, 0, 10, 10), newISeg(ipt{10, 10}, ipt{20, 20}), newISeg(ipt{20, 20}, ipt{20, 30})), []float64{100}, 0, 2},
		{"a bridge to an island", append(append(square(0, 0, 10, 10), square(3, 3, 6, 6)...), newISeg(ipt{0, 0}, ipt{3, 3})), []float64{91, 9}, 1, 1},
		{"two squares side by side", append(square(0, 0, 10, 10), square(10, 0, 20, 10)...), []float64{100, 100}, 0, 0},
		{"an open line", []iseg{newISeg(ipt{0, 0}, ipt{5, 5})}, nil, 0, 1},
	} {
		segs := slices.Clone(tc.segs)
		slices.SortFunc(segs, cmpISeg)
		segs = slices.Compact(segs)
		polys, loose := polygonize(segs)
		var areas []float64
		holes := 0
		for _, p := range polys {
			if planarArea(p[0]) <= 0 {
				t.Errorf("%s: a shell runs clockwise: %v", tc.name, p[0])
			}
			for _, h := range p[1:] {
				if planarArea(h) >= 0 {
					t.Errorf("%s: a hole runs counter-clockwise: %v", tc.name, h)
				}
			}
			areas = append(areas, math.Round(planar.Area(p)*scale*scale))
			holes += len(p) - 1
		}
		slices.SortFunc(areas, func(a, b float64) int { return cmp.Compare(b, a) })
		if !slices.Equal(areas, tc.areas) || holes != tc.holes || len(loose) != tc.loose {
			t.Errorf("%s: faces of %v steps² with %d holes and %d loose segments, want %v, %d, %d", tc.name, areas, holes, len(loose), tc.areas, tc.holes, tc.loose)
		}
		for _, p := range polys {
			pt, ok := interiorPoint(p)
			if !ok || !planar.PolygonContains(p, pt) {
				t.Errorf("%s: interior point %v of %v is not inside it", tc.name, pt, p)
			}
		}
	}
}

// TestPolygonizeRandom: the faces of random noded segments use every
// segment that is not loose once or twice, and a segment used once borders
// the unbounded face.
func TestPolygonizeRandom(t *testing.T) {
	for seed := range uint64(30) {
		r := rand.New(rand.NewPCG(seed, 2))
		segs, _ := snapRound(randomSegs(r, 10+r.IntN(40), 60), nil)
		polys, loose := polygonize(segs)
		uses := map[iseg]int{}
		for _, p := range polys {
			for _, ring := range p {
				for i := 0; i+1 < len(ring); i++ {
					uses[newISeg(toIpt(ring[i]), toIpt(ring[i+1]))]++
				}
			}
			if _, ok := interiorPoint(p); !ok {
				t.Fatalf("seed %d: a face has no interior point: %v", seed, p)
			}
		}
		for _, l := range loose {
			uses[newISeg(toIpt(l[0]), toIpt(l[1]))] += 10
		}
		for _, s := range segs {
			if n := uses[s]; n != 1 && n != 2 && n != 10 {
				t.Fatalf("seed %d: segment %v is used %d times (10: loose)", seed, s, n)
			}
		}
		// Faces do not overlap: the interior point of each lies in no other.
		for i, p := range polys {
			pt, _ := interiorPoint(p)
			for j, q := range polys {
				if i != j && planar.PolygonContains(q, pt) {
					t.Fatalf("seed %d: faces %d and %d overlap at %v", seed, i, j, pt)
				}
			}
		}
	}
}

func TestInteriorPointAvoidsHoles(t *testing.T) {
	p := orb.Polygon{
		{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}},
		{{1, 1}, {1, 9}, {9, 9}, {9, 1}, {1, 1}},
	}
	pt, ok := interiorPoint(p)
	if !ok || !planar.PolygonContains(p, pt) {
		t.Fatalf("interiorPoint = %v, %v: not in the frame", pt, ok)
	}
}

// BenchmarkSnapRoundDense nodes a street-scale line of 20,000 one-step
// zigzags crossed by 200 lines: the cells shrink to the segments, so the
// work stays near linear (a country-sized cell would hold all of them).
func BenchmarkSnapRoundDense(b *testing.B) {
	var line, cross []iseg
	for i := range int64(20000) {
		line = append(line, newISeg(ipt{i, i % 2 * 3}, ipt{i + 1, (i + 1) % 2 * 3}))
	}
	for i := range int64(200) {
		cross = append(cross, newISeg(ipt{i*100 + 7, -50}, ipt{i*100 + 57, 50}))
	}
	old, _ := snapRound(line, nil)
	b.ResetTimer()
	for range b.N {
		snapRound(cross, old)
	}
}

// TestSnapRoundSteepSegment: a steep old segment that passes through a new
// end's pixel just across a cell's column edge is snapped to it. The cells
// are 2¹⁰ steps (the segments are short); the pixel of (1024, 27000) is in
// the second column, and the segment passes it at x = 1023.5, in the first.
func TestSnapRoundSteepSegment(t *testing.T) {
	steep := newISeg(ipt{1000, -20000}, ipt{1025, 30000})
	fresh := []iseg{newISeg(ipt{1024, 27000}, ipt{1030, 27000})}
	for i := range int64(20) { // short segments far away set the cell size
		fresh = append(fresh, newISeg(ipt{100000 + 10*i, 0}, ipt{100001 + 10*i, 0}))
	}
	if got := cellsFor(fresh, []iseg{steep}).size; got != 1<<10 {
		t.Fatalf("cells of %d steps, want 1024", got)
	}
	if !hitsPixel(steep.a, steep.b, ipt{1024, 27000}) {
		t.Fatal("the steep segment misses the pixel")
	}
	noded, changed := snapRound(fresh, []iseg{steep})
	checkNoded(t, noded)
	if !slices.Equal(changed, []iseg{steep}) || slices.Contains(noded, steep) {
		t.Errorf("the steep segment was not snapped to (1024, 27000): changed %v", changed)
	}
}
