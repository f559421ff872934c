package topology

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// decode rebuilds shape i from its arcs.
func decode(t *testing.T, top *Topology, i int) orb.MultiPolygon {
	t.Helper()
	var mp orb.MultiPolygon
	for _, p := range top.Shapes[i] {
		var poly orb.Polygon
		for _, refs := range p {
			var r orb.Ring
			for k, ref := range refs {
				a := top.Arcs[arcIndex(ref)]
				pts := append(orb.LineString(nil), a...)
				if ref < 0 {
					pts.Reverse()
				}
				if k > 0 {
					if r[len(r)-1] != pts[0] {
						t.Fatalf("shape %d: arc %d starts at %v, the ring is at %v", i, ref, pts[0], r[len(r)-1])
					}
					pts = pts[1:]
				}
				r = append(r, pts...)
			}
			if r[0] != r[len(r)-1] {
				t.Fatalf("shape %d: ring %v is not closed", i, r)
			}
			poly = append(poly, r)
		}
		mp = append(mp, poly)
	}
	return mp
}

// zigzag runs from a to b through n points that stray up to amp degrees
// to the side.
func zigzag(a, b orb.Point, n int, amp float64) []orb.Point {
	pts := []orb.Point{a}
	for k := 1; k < n; k++ {
		f := float64(k) / float64(n)
		off := amp
		if k%2 == 0 {
			off = -amp
		}
		pts = append(pts, orb.Point{a[0] + f*(b[0]-a[0]) + off, a[1] + f*(b[1]-a[1])})
	}
	return pts
}

// twoSquares are two 0.01° squares whose shared border (x = 0.01) wiggles
// by about 0.1 m; the second is drawn in the other direction.
func twoSquares() []orb.Geometry {
	border := zigzag(orb.Point{0.01, 0}, orb.Point{0.01, 0.01}, 50, 1e-6)
	left := orb.Ring{{0, 0}}
	left = append(left, border...)
	left = append(left, orb.Point{0.01, 0.01}, orb.Point{0, 0.01}, orb.Point{0, 0})
	right := orb.Ring{{0.01, 0}, {0.02, 0}, {0.02, 0.01}, {0.01, 0.01}}
	for k := len(border) - 1; k >= 1; k-- {
		right = append(right, border[k])
	}
	right = append(right, orb.Point{0.01, 0})
	return []orb.Geometry{orb.Polygon{left}, orb.Polygon{right}}
}

func TestBuildSharesBorders(t *testing.T) {
	geoms := twoSquares()
	top, err := Build(geoms, Options{Tolerance: 1})
	if err != nil {
		t.Fatal(err)
	}
	uses := map[int]int{}
	for _, s := range top.Shapes {
		for _, p := range s {
			for _, refs := range p {
				for _, ref := range refs {
					uses[arcIndex(ref)]++
				}
			}
		}
	}
	shared := 0
	for i, n := range uses {
		if n == 2 {
			shared++
			if got := len(top.Arcs[i]); got != 2 {
				t.Errorf("the shared border kept %d points; its wiggle is under the tolerance, want 2", got)
			}
		}
	}
	if shared != 1 {
		t.Fatalf("%d arcs are used by both squares, want 1 (uses %v)", shared, uses)
	}
	var sum float64
	for i := range geoms {
		sum += planar.Area(decode(t, top, i))
	}
	if math.Abs(sum-2e-4) > 1e-12 {
		t.Errorf("the two simplified squares cover %g deg², want 2e-4: a gap or an overlap", sum)
	}
}

func TestBuildToleranceZeroKeepsEveryVertex(t *testing.T) {
	geoms := twoSquares()
	top, err := Build(geoms, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, g := range geoms {
		want := g.(orb.Polygon)
		got := decode(t, top, i)[0]
		if len(got[0]) != len(want[0]) {
			t.Errorf("shape %d: %d points, want %d", i, len(got[0]), len(want[0]))
		}
		if math.Abs(planar.Area(got)-planar.Area(want)) > 1e-15 {
			t.Errorf("shape %d: area %g, want %g", i, planar.Area(got), planar.Area(want))
		}
	}
}

func TestBuildIslandInHole(t *testing.T) {
	square := func(x0, y0, x1, y1 float64) orb.Ring {
		return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
	}
	island := square(0.004, 0.004, 0.006, 0.006)
	hole := append(orb.Ring(nil), island...)
	hole.Reverse()
	// The hole starts elsewhere on the same loop.
	hole = append(orb.Ring{hole[2], hole[3]}, hole[0], hole[1], hole[2])
	geoms := []orb.Geometry{orb.Polygon{square(0, 0, 0.01, 0.01), hole}, orb.Polygon{island}}
	top, err := Build(geoms, Options{Tolerance: 1})
	if err != nil {
		t.Fatal(err)
	}
	h, isl := top.Shapes[0][0][1], top.Shapes[1][0][0]
	if len(h) != 1 || len(isl) != 1 || arcIndex(h[0]) != arcIndex(isl[0]) || h[0] == isl[0] {
		t.Fatalf("hole arcs %v, island arcs %v: want one closed arc, once each way", h, isl)
	}
	if got := planar.Area(decode(t, top, 1)); math.Abs(got-4e-6) > 1e-15 {
		t.Errorf("island area %g, want 4e-6", got)
	}
}

func TestBuildKeepsSmallRingsOpen(t *testing.T) {
	tiny := orb.Polygon{{{0, 0}, {1e-6, 0}, {1e-6, 1e-6}, {0, 1e-6}, {0, 0}}}
	top, err := Build([]orb.Geometry{tiny}, Options{Tolerance: 1000})
	if err != nil {
		t.Fatal(err)
	}
	r := decode(t, top, 0)[0][0]
	if len(r) < 4 || planar.Area(orb.Polygon{r}) == 0 {
		t.Errorf("a ring far under the tolerance became %v; want at least a triangle", r)
	}
}

func TestBuildInput(t *testing.T) {
	tests := []struct {
		name    string
		geoms   []orb.Geometry
		opt     Options
		wantErr bool
		shapes  int
	}{
		{"negative tolerance", nil, Options{Tolerance: -1}, true, 0},
		{"NaN tolerance", nil, Options{Tolerance: math.NaN()}, true, 0},
		{"point", []orb.Geometry{orb.Point{1, 2}}, Options{}, true, 0},
		{"nil and empty", []orb.Geometry{nil, orb.Polygon{}, orb.MultiPolygon{}}, Options{}, false, 0},
		{"degenerate rings", []orb.Geometry{orb.Polygon{{{0, 0}, {1, 1}, {0, 0}}}, orb.Polygon{{{0, 0}, {0, 0}, {0, 0}, {0, 0}}}}, Options{}, false, 0},
		{"outer without closing point", []orb.Geometry{orb.Polygon{{{0, 0}, {1, 0}, {1, 1}}}}, Options{}, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			top, err := Build(tt.geoms, tt.opt)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			n := 0
			for i, s := range top.Shapes {
				n += len(s)
				if len(s) > 0 {
					decode(t, top, i)
				}
			}
			if n != tt.shapes {
				t.Errorf("%d polygons, want %d", n, tt.shapes)
			}
		})
	}
}

// TestBuildGridCoverage simplifies a grid of cells with jittered, shared
// borders: the cells must still tile the square (no gap, no overlap), stay
// within the tolerance of their exact shape, and come out the same twice.
func TestBuildGridCoverage(t *testing.T) {
	const n, cell = 6, 0.002 // degrees, about 200 m
	rng := rand.New(rand.NewPCG(1, 2))
	// Every grid line is densified once, with jitter, and shared by the
	// cells on both sides.
	// The outline stays straight, so the cells must cover the square exactly.
	jitter := func(a, b orb.Point, outline bool) []orb.Point {
		amp := 4e-5
		if outline {
			amp = 0
		}
		pts := []orb.Point{a}
		for k := 1; k < 20; k++ {
			f := float64(k) / 20
			pts = append(pts, orb.Point{a[0] + f*(b[0]-a[0]) + (rng.Float64()-0.5)*amp, a[1] + f*(b[1]-a[1]) + (rng.Float64()-0.5)*amp})
		}
		return pts
	}
	corner := func(i, j int) orb.Point { return orb.Point{float64(i) * cell, float64(j) * cell} }
	horiz := map[[2]int][]orb.Point{} // from (i,j) to (i+1,j)
	vert := map[[2]int][]orb.Point{}  // from (i,j) to (i,j+1)
	for i := 0; i <= n; i++ {
		for j := 0; j <= n; j++ {
			if i < n {
				horiz[[2]int{i, j}] = jitter(corner(i, j), corner(i+1, j), j == 0 || j == n)
			}
			if j < n {
				vert[[2]int{i, j}] = jitter(corner(i, j), corner(i, j+1), i == 0 || i == n)
			}
		}
	}
	rev := func(p []orb.Point) []orb.Point {
		out := append([]orb.Point(nil), p...)
		for a, b := 0, len(out)-1; a < b; a, b = a+1, b-1 {
			out[a], out[b] = out[b], out[a]
		}
		return out
	}
	var geoms []orb.Geometry
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			var r orb.Ring
			r = append(r, horiz[[2]int{i, j}]...)
			r = append(r, vert[[2]int{i + 1, j}]...)
			r = append(r, rev(slices.Concat(horiz[[2]int{i, j + 1}][1:], []orb.Point{corner(i+1, j+1)}))...)
			r = append(r, rev(slices.Concat(vert[[2]int{i, j}][1:], []orb.Point{corner(i, j+1)}))...)
			r = append(r, corner(i, j))
			geoms = append(geoms, orb.Polygon{r})
		}
	}
	const tol = 2.0
	top, err := Build(geoms, Options{Tolerance: tol})
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Build(geoms, Options{Tolerance: tol})
	if !reflect.DeepEqual(top, again) {
		t.Error("two builds of the same input differ")
	}
	var sum, vertsIn, vertsOut float64
	for i, g := range geoms {
		exact := g.(orb.Polygon)
		got := decode(t, top, i)
		sum += planar.Area(got)
		vertsIn += float64(len(exact[0]))
		vertsOut += float64(len(got[0][0]))
		for _, p := range got[0][0] {
			if d := distanceToRing(p, exact[0]); d > tol+1e-9 {
				t.Fatalf("cell %d: %v lies %.2f m from the exact ring, over the %v m tolerance", i, p, d, tol)
			}
		}
		for _, p := range exact[0] {
			if d := distanceToRing(p, got[0][0]); d > tol+1e-9 {
				t.Fatalf("cell %d: exact vertex %v lies %.2f m from the simplified ring, over the %v m tolerance", i, p, d, tol)
			}
		}
	}
	if want := float64(n*n) * cell * cell; math.Abs(sum-want) > 1e-13 {
		t.Errorf("the simplified cells cover %g deg², want %g: a gap or an overlap", sum, want)
	}
	if vertsOut > vertsIn/2 {
		t.Errorf("simplification kept %v of %v vertices; the jitter (about 2 m) is near the tolerance, want fewer than half", vertsOut, vertsIn)
	}
}

// distanceToRing is the distance in metres from p to the ring r, in the
// same local frame Build uses.
func distanceToRing(p orb.Point, r orb.Ring) float64 {
	kx := metresPerDegree * math.Cos(p[1]*math.Pi/180)
	best := math.Inf(1)
	for k := 0; k+1 < len(r); k++ {
		ax, ay := (r[k][0]-p[0])*kx, (r[k][1]-p[1])*metresPerDegree
		bx, by := (r[k+1][0]-p[0])*kx, (r[k+1][1]-p[1])*metresPerDegree
		dx, dy := bx-ax, by-ay
		t := 0.0
		if l2 := dx*dx + dy*dy; l2 > 0 {
			t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l2))
		}
		best = math.Min(best, math.Hypot(ax+t*dx, ay+t*dy))
	}
	return best
}
