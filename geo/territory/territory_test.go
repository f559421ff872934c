package territory

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twpayne/go-geos"

	"github.com/frontline/frontline/geo/geodesic"
	"github.com/frontline/frontline/geo/internal/geosx"
)

// 3×3 grid of 0.01° cells near Aleppo; cell (i, j) is district j*3+i, row 0
// in the south. Corners come from integer indices, so neighbours share them
// exactly.
func corner(i, j int) orb.Point {
	// Nearest doubles to 37.1x and 36.2x: already on Grid, so snapping
	// keeps them bit for bit.
	return orb.Point{float64(3710+i) / 100, float64(3620+j) / 100}
}

func cell(i, j int) orb.Polygon {
	return orb.Polygon{{corner(i, j), corner(i+1, j), corner(i+1, j+1), corner(i, j+1), corner(i, j)}}
}

func grid3() []orb.Geometry {
	var out []orb.Geometry
	for j := 0; j < 3; j++ {
		for i := 0; i < 3; i++ {
			out = append(out, cell(i, j))
		}
	}
	return out
}

// edge is the geodesic length of the straight edge between two corners,
// computed on its own, without the package.
func edge(a, b orb.Point) float64 {
	return geodesic.Length(orb.LineString{a, b})
}

func relEqual(t *testing.T, want, got float64, msg string) {
	t.Helper()
	assert.InDelta(t, 1, got/want, 1e-9, "%s: want %v, got %v", msg, want, got)
}

func labelsOf(s string) []string {
	out := make([]string, len(s))
	for i, r := range s {
		out[i] = string(r)
	}
	return out
}

func TestGrid3(t *testing.T) {
	type want struct {
		polys    int
		holes    int
		vertices []int // per polygon (sorted), exterior ring points, closing point included
		cells    [][2]int
	}
	type wantLine struct {
		lines int
		edges [][2]orb.Point
	}
	cases := []struct {
		name   string
		labels string // row 0 first, west to east
		terr   map[string]want
		front  map[[2]string]wantLine
	}{
		{
			name:   "one label is the whole square",
			labels: "AAAAAAAAA",
			terr: map[string]want{"A": {polys: 1, vertices: []int{13}, cells: [][2]int{
				{0, 0}, {1, 0}, {2, 0}, {0, 1}, {1, 1}, {2, 1}, {0, 2}, {1, 2}, {2, 2}}}},
			front: map[[2]string]wantLine{},
		},
		{
			name:   "L-shape around a 2x2 block, outer edge excluded",
			labels: "AAAABBABB",
			terr: map[string]want{
				"A": {polys: 1, vertices: []int{13}, cells: [][2]int{{0, 0}, {1, 0}, {2, 0}, {0, 1}, {0, 2}}},
				"B": {polys: 1, vertices: []int{9}, cells: [][2]int{{1, 1}, {2, 1}, {1, 2}, {2, 2}}},
			},
			front: map[[2]string]wantLine{{"A", "B"}: {lines: 1, edges: [][2]orb.Point{
				{corner(1, 1), corner(1, 2)}, {corner(1, 2), corner(1, 3)},
				{corner(1, 1), corner(2, 1)}, {corner(2, 1), corner(3, 1)}}}},
		},
		{
			name:   "diagonal point contact is no frontline",
			labels: "ACCCBCCCC",
			terr: map[string]want{
				"A": {polys: 1, vertices: []int{5}, cells: [][2]int{{0, 0}}},
				"B": {polys: 1, vertices: []int{5}, cells: [][2]int{{1, 1}}},
				"C": {polys: 1, holes: 1, vertices: []int{13}, cells: [][2]int{{1, 0}, {2, 0}, {0, 1}, {2, 1}, {0, 2}, {1, 2}, {2, 2}}},
			},
			front: map[[2]string]wantLine{
				{"A", "C"}: {lines: 1, edges: [][2]orb.Point{{corner(1, 0), corner(1, 1)}, {corner(0, 1), corner(1, 1)}}},
				{"B", "C"}: {lines: 1, edges: [][2]orb.Point{
					{corner(1, 1), corner(2, 1)}, {corner(2, 1), corner(2, 2)}, {corner(1, 2), corner(2, 2)}, {corner(1, 1), corner(1, 2)}}},
			},
		},
		{
			name:   "same label touching at a point stays two polygons",
			labels: "ABBBABBBA",
			terr: map[string]want{
				"A": {polys: 3, vertices: []int{5, 5, 5}, cells: [][2]int{{0, 0}, {1, 1}, {2, 2}}},
				"B": {polys: 2, vertices: []int{9, 9}, cells: [][2]int{{1, 0}, {2, 0}, {2, 1}, {0, 1}, {0, 2}, {1, 2}}},
			},
			// Four borders meet at each pinch point: lines break there.
			front: map[[2]string]wantLine{{"A", "B"}: {lines: 6, edges: [][2]orb.Point{
				{corner(1, 0), corner(1, 1)}, {corner(0, 1), corner(1, 1)},
				{corner(1, 1), corner(2, 1)}, {corner(2, 1), corner(2, 2)}, {corner(1, 2), corner(2, 2)}, {corner(1, 1), corner(1, 2)},
				{corner(2, 2), corner(3, 2)}, {corner(2, 2), corner(2, 3)}}}},
		},
		{
			name:   "ring around the centre has a hole and a closed frontline",
			labels: "AAAABAAAA",
			terr: map[string]want{
				"A": {polys: 1, holes: 1, vertices: []int{13}, cells: [][2]int{{0, 0}, {1, 0}, {2, 0}, {0, 1}, {2, 1}, {0, 2}, {1, 2}, {2, 2}}},
				"B": {polys: 1, vertices: []int{5}, cells: [][2]int{{1, 1}}},
			},
			front: map[[2]string]wantLine{{"A", "B"}: {lines: 1, edges: [][2]orb.Point{
				{corner(1, 1), corner(2, 1)}, {corner(2, 1), corner(2, 2)}, {corner(1, 2), corner(2, 2)}, {corner(1, 1), corner(1, 2)}}}},
		},
	}
	for _, gap := range []float64{0, DefaultGapWidth} {
		cov, err := NewCoverage(grid3(), WithGapWidth(gap))
		require.NoError(t, err)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				labels := labelsOf(tc.labels)
				terr, err := cov.Territories(labels)
				require.NoError(t, err)
				require.Len(t, terr, len(tc.terr))
				for k, tr := range terr {
					if k > 0 {
						assert.Less(t, terr[k-1].Label, tr.Label, "sorted by label")
					}
					w, ok := tc.terr[tr.Label]
					require.True(t, ok, tr.Label)
					assert.Equal(t, len(w.cells), tr.Districts)
					require.Len(t, tr.Geometry, w.polys)
					var verts []int
					holes := 0
					for _, p := range tr.Geometry {
						verts = append(verts, len(p[0]))
						assert.Positive(t, signedArea(p[0]), "exterior counter-clockwise")
						for _, h := range p[1:] {
							holes++
							assert.Negative(t, signedArea(h), "hole clockwise")
						}
					}
					sort.Ints(verts)
					assert.Equal(t, w.vertices, verts, tr.Label)
					assert.Equal(t, w.holes, holes, tr.Label)
					var area float64
					for _, c := range w.cells {
						area += geodesic.Area(cell(c[0], c[1]))
					}
					relEqual(t, area, tr.AreaM2, tr.Label+" area")
				}
				front, err := cov.Frontlines(labels)
				require.NoError(t, err)
				require.Len(t, front, len(tc.front))
				for _, f := range front {
					w, ok := tc.front[f.Sides]
					require.True(t, ok, "unexpected frontline %v", f.Sides)
					assert.Len(t, f.Geometry, w.lines, "%v", f.Sides)
					var length float64
					for _, e := range w.edges {
						length += edge(e[0], e[1])
					}
					relEqual(t, length, f.LengthM, "frontline length")
				}
			})
		}
	}
}

// canonical rotates a closed ring to start at its smallest vertex, so that
// rings can be compared whatever vertex tracing started from.
func canonical(r orb.Ring) orb.Ring {
	n := len(r) - 1
	k := 0
	for i := 1; i < n; i++ {
		if comparePoints(r[i], r[k]) < 0 {
			k = i
		}
	}
	out := append(orb.Ring(nil), r[k:n]...)
	out = append(out, r[:k]...)
	return append(out, out[0])
}

func TestGrid3LShapeExact(t *testing.T) {
	cov, err := NewCoverage(grid3(), WithGapWidth(0))
	require.NoError(t, err)
	labels := labelsOf("AAAABBABB")
	terr, err := cov.Territories(labels)
	require.NoError(t, err)
	require.Len(t, terr, 2)
	require.Len(t, terr[0].Geometry, 1)
	require.Len(t, terr[1].Geometry, 1)
	c := corner
	assert.Equal(t, orb.Ring{c(0, 0), c(1, 0), c(2, 0), c(3, 0), c(3, 1), c(2, 1), c(1, 1), c(1, 2), c(1, 3), c(0, 3), c(0, 2), c(0, 1), c(0, 0)},
		canonical(terr[0].Geometry[0][0]))
	assert.Equal(t, orb.Ring{c(1, 1), c(2, 1), c(3, 1), c(3, 2), c(3, 3), c(2, 3), c(1, 3), c(1, 2), c(1, 1)},
		canonical(terr[1].Geometry[0][0]))
	front, err := cov.Frontlines(labels)
	require.NoError(t, err)
	require.Len(t, front, 1)
	require.Len(t, front[0].Geometry, 1)
	l := front[0].Geometry[0]
	if comparePoints(l[0], l[len(l)-1]) > 0 {
		l = reversed(l)
	}
	assert.Equal(t, orb.LineString{c(1, 3), c(1, 2), c(1, 1), c(2, 1), c(3, 1)}, l)
}

func TestNeighbours(t *testing.T) {
	cov, err := NewCoverage(grid3(), WithGapWidth(0))
	require.NoError(t, err)
	nb := cov.Neighbours()
	// 3×3 grid: 12 inner edges, diagonal contacts excluded.
	require.Len(t, nb, 12)
	for _, n := range nb {
		a, b := n.Districts[0], n.Districts[1]
		d := b - a
		assert.True(t, d == 1 && a%3 != 2 || d == 3, "%d and %d are not edge neighbours", a, b)
		i, j := a%3, a/3
		want := edge(corner(i+1, j), corner(i+1, j+1)) // east neighbour
		if d == 3 {
			want = edge(corner(i, j+1), corner(i+1, j+1)) // north neighbour
		}
		relEqual(t, want, n.LengthM, "border length")
	}
}

func TestErrors(t *testing.T) {
	bowtie := orb.Polygon{{{37.1, 36.2}, {37.2, 36.3}, {37.2, 36.2}, {37.1, 36.3}, {37.1, 36.2}}}
	cases := []struct {
		name  string
		geoms []orb.Geometry
		opts  []Option
	}{
		{"empty", nil, nil},
		{"not polygonal", []orb.Geometry{orb.Point{37.1, 36.2}}, nil},
		{"nil geometry", []orb.Geometry{nil}, nil},
		{"invalid polygon", []orb.Geometry{bowtie}, nil},
		{"not lon/lat", []orb.Geometry{orb.Polygon{{{370000, 3600000}, {370010, 3600000}, {370010, 3600010}, {370000, 3600000}}}}, nil},
		{"negative gap", grid3(), []Option{WithGapWidth(-1)}},
		{"NaN gap", grid3(), []Option{WithGapWidth(math.NaN())}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewCoverage(tc.geoms, tc.opts...)
			assert.Error(t, err)
		})
	}
	cov, err := NewCoverage(grid3())
	require.NoError(t, err)
	_, err = cov.Territories(labelsOf("AAA"))
	assert.ErrorContains(t, err, "3 labels for 9 districts")
	bad := labelsOf("AAAAAAAAA")
	bad[4] = ""
	_, err = cov.Frontlines(bad)
	assert.ErrorContains(t, err, "district 4 has an empty label")
}

// checkLabelling checks the properties that must hold for any labelling.
func checkLabelling(t *testing.T, cov *Coverage, labels []string, outer func(orb.Point) bool) {
	t.Helper()
	terr, err := cov.Territories(labels)
	require.NoError(t, err)
	var sum, want float64
	for _, tr := range terr {
		sum += tr.AreaM2
	}
	for i := range labels {
		want += cov.AreaM2(i)
	}
	relEqual(t, want, sum, "territory areas sum to district areas")

	districts := make([]orb.MultiPolygon, cov.Len())
	bounds := make([]orb.Bound, cov.Len())
	for i := range districts {
		districts[i] = cov.District(i)
		bounds[i] = districts[i].Bound()
	}
	labelAt := func(p orb.Point) string {
		for i, d := range districts {
			if bounds[i].Contains(p) && planar.MultiPolygonContains(d, p) {
				return labels[i]
			}
		}
		return ""
	}
	front, err := cov.Frontlines(labels)
	require.NoError(t, err)
	for _, f := range front {
		require.Less(t, f.Sides[0], f.Sides[1])
		for _, l := range f.Geometry {
			for j := 0; j+1 < len(l); j++ {
				a, b := l[j], l[j+1]
				mid := orb.Point{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2}
				require.False(t, outer != nil && outer(mid), "frontline on the outer edge at %v", mid)
				// Just left and right of the segment lie districts of the
				// two sides: the segment is on a border between them.
				dx, dy := b[0]-a[0], b[1]-a[1]
				n := math.Hypot(dx, dy) / 1e-9
				left := labelAt(orb.Point{mid[0] - dy/n, mid[1] + dx/n})
				right := labelAt(orb.Point{mid[0] + dy/n, mid[1] - dx/n})
				got := [2]string{left, right}
				if right < left {
					got = [2]string{right, left}
				}
				require.Equal(t, f.Sides, got, "segment %v-%v", a, b)
			}
		}
	}
}

func randomLabels(rng *rand.Rand, n int) []string {
	names := []string{"government", "opposition", "contested", "unassigned"}
	out := make([]string, n)
	for i := range out {
		out[i] = names[rng.IntN(len(names))]
	}
	return out
}

func TestRandomLabellings(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	onRect := func(minX, minY, maxX, maxY float64) func(orb.Point) bool {
		return func(p orb.Point) bool {
			const eps = 1e-12
			return math.Abs(p[0]-minX) < eps || math.Abs(p[0]-maxX) < eps || math.Abs(p[1]-minY) < eps || math.Abs(p[1]-maxY) < eps
		}
	}
	cases := []struct {
		name  string
		geoms []orb.Geometry
		outer func(orb.Point) bool
	}{
		{"grid3", grid3(), onRect(37.1, 36.2, corner(3, 3)[0], corner(3, 3)[1])},
		{"synth 12x10", SynthGrid(12, 10, 7), onRect(SynthLon, SynthLat, SynthLon+12*SynthCell, SynthLat+10*SynthCell)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cov, err := NewCoverage(tc.geoms)
			require.NoError(t, err)
			var input float64
			for i, g := range tc.geoms {
				input += geodesic.Area(g)
				// An exact tiling is kept as it is, up to the snapping of
				// each vertex to Grid (≤ 1 cm): area moves by less than
				// perimeter × 1 cm.
				perimeter := geodesic.Length(orb.LineString(g.(orb.Polygon)[0]))
				assert.InDelta(t, geodesic.Area(g), cov.AreaM2(i), perimeter*0.01)
			}
			for range 20 {
				labels := randomLabels(rng, len(tc.geoms))
				checkLabelling(t, cov, labels, tc.outer)
			}
		})
	}
}

func TestTerritoriesMatchGEOS(t *testing.T) {
	geoms := SynthGrid(12, 10, 3)
	cov, err := NewCoverage(geoms)
	require.NoError(t, err)
	labels := randomLabels(rand.New(rand.NewPCG(5, 6)), len(geoms))
	terr, err := cov.Territories(labels)
	require.NoError(t, err)
	ctx := geos.NewContext()
	toGEOS := func(g orb.Geometry) *geos.Geom {
		gg, err := geosx.ToGEOS(ctx, g)
		require.NoError(t, err)
		return gg
	}
	for _, tr := range terr {
		var parts []*geos.Geom
		for i, l := range labels {
			if l == tr.Label {
				parts = append(parts, toGEOS(cov.District(i)))
			}
		}
		want := ctx.NewCollection(geos.TypeIDGeometryCollection, parts).CoverageUnion()
		got := toGEOS(tr.Geometry)
		require.True(t, got.IsValid(), "%s: %s", tr.Label, got.IsValidReason())
		assert.Equal(t, want.NumGeometries(), got.NumGeometries(), tr.Label)
		assert.Less(t, got.SymDifference(want).Area(), 1e-12*want.Area(), tr.Label)
	}
}

func TestConcurrent(t *testing.T) {
	cov, err := NewCoverage(SynthGrid(20, 20, 1))
	require.NoError(t, err)
	dates := SynthFront(20, 20, 8, "government", "opposition", 1)
	want := make([][]Frontline, len(dates))
	for d, l := range dates {
		want[d], err = cov.Frontlines(l)
		require.NoError(t, err)
	}
	var wg sync.WaitGroup
	for d, l := range dates {
		wg.Go(func() {
			got, err := cov.Frontlines(l)
			assert.NoError(t, err)
			assert.Equal(t, want[d], got)
			_, err = cov.Territories(l)
			assert.NoError(t, err)
		})
	}
	wg.Wait()
}

// loadCSR reads the Columbia CSR Aleppo neighbourhoods (MIT) from the shared
// reference directory; its geometry is never copied into the repository.
func loadCSR(t testing.TB) []orb.Geometry {
	t.Helper()
	b, err := os.ReadFile("../../data/aleppo-2016/sources/csr/Neighborhoods.geojson")
	require.NoError(t, err)
	// Plain encoding/json: orb/geojson would need go.sum entries for its
	// BSON dependency. The "crs" member (CRS84) is lon/lat as expected.
	var fc struct {
		Features []struct {
			Geometry struct {
				Type        string
				Coordinates [][][][2]float64
			}
		}
	}
	require.NoError(t, json.Unmarshal(b, &fc))
	var out []orb.Geometry
	for k, f := range fc.Features {
		require.Equal(t, "MultiPolygon", f.Geometry.Type, "feature %d", k)
		var mp orb.MultiPolygon
		for _, p := range f.Geometry.Coordinates {
			var poly orb.Polygon
			for _, r := range p {
				ring := make(orb.Ring, len(r))
				for i, c := range r {
					ring[i] = orb.Point(c)
				}
				poly = append(poly, ring)
			}
			mp = append(mp, poly)
		}
		out = append(out, mp)
	}
	return out
}

func TestCSR(t *testing.T) {
	geoms := loadCSR(t)
	require.Len(t, geoms, 133)
	cov, err := NewCoverage(geoms)
	require.NoError(t, err)

	var input, cleaned float64
	for i, g := range geoms {
		input += geodesic.Area(g)
		cleaned += cov.AreaM2(i)
	}
	// Closing the streets adds their area, a few per cent at most.
	assert.Greater(t, cleaned, input*0.999)
	assert.Less(t, cleaned, input*1.05)
	// Almost every neighbourhood borders another across a street.
	assert.Greater(t, len(cov.Neighbours()), 250)

	all := make([]string, len(geoms))
	for i := range all {
		all[i] = "government"
	}
	terr, err := cov.Territories(all)
	require.NoError(t, err)
	require.Len(t, terr, 1)
	assert.LessOrEqual(t, len(terr[0].Geometry), 12, "the city is one piece plus a few outliers")
	ctx := geos.NewContext()
	for _, p := range terr[0].Geometry {
		for _, h := range p[1:] {
			assert.GreaterOrEqual(t, math.Abs(geodesic.RingArea(h)), 500.0, "sliver hole %v...", h[0])
		}
	}
	g, err := geosx.ToGEOS(ctx, terr[0].Geometry)
	require.NoError(t, err)
	assert.True(t, g.IsValid(), g.IsValidReason())
	front, err := cov.Frontlines(all)
	require.NoError(t, err)
	assert.Empty(t, front)

	// West against east of the median centre longitude.
	centres := make([]float64, len(geoms))
	for i, g := range geoms {
		centres[i] = g.Bound().Center()[0]
	}
	sorted := append([]float64(nil), centres...)
	sort.Float64s(sorted)
	split := make([]string, len(geoms))
	for i, c := range centres {
		split[i] = "opposition"
		if c < sorted[len(sorted)/2] {
			split[i] = "government"
		}
	}
	front, err = cov.Frontlines(split)
	require.NoError(t, err)
	require.Len(t, front, 1)
	assert.Equal(t, [2]string{"government", "opposition"}, front[0].Sides)
	assert.Greater(t, front[0].LengthM, 3000.0)
	checkLabelling(t, cov, split, nil)
	terr, err = cov.Territories(split)
	require.NoError(t, err)
	for _, tr := range terr {
		g, err := geosx.ToGEOS(ctx, tr.Geometry)
		require.NoError(t, err)
		assert.True(t, g.IsValid(), "%s: %s", tr.Label, g.IsValidReason())
	}
	checkLabelling(t, cov, randomLabels(rand.New(rand.NewPCG(3, 4)), len(geoms)), nil)
}

// The benchmarks run at the scale of issue 10: 10,000 hexagonal districts
// and 365 change dates, about 130 districts changing a date.
const benchNX, benchNY, benchDates, benchPace = 100, 100, 365, 0.16

func benchSetup(b *testing.B) (*Coverage, [][]string) {
	b.Helper()
	cov, err := NewCoverage(SynthHex(benchNX, benchNY, 1), WithGapWidth(0))
	require.NoError(b, err)
	labels := SynthFrontPace(benchNX, benchNY, benchDates, benchPace, "government", "opposition", 1)
	flips := 0
	for d := 1; d < benchDates; d++ {
		for i := range labels[d] {
			if labels[d][i] != labels[d-1][i] {
				flips++
			}
		}
	}
	b.Logf("%d districts, %d dates, %.0f districts change label per date", benchNX*benchNY, benchDates, float64(flips)/(benchDates-1))
	return cov, labels
}

// BenchmarkNewCoverage prepares an exact tiling with gap width 0: through
// the exact-tiling check, and through the GEOS overlay (noding and
// polygonizing) that other inputs take.
func BenchmarkNewCoverage(b *testing.B) {
	geoms := SynthHex(benchNX, benchNY, 1)
	for _, bc := range []struct {
		name string
		opt  Option
	}{{"exact", func(*config) error { return nil }}, {"overlay", func(c *config) error { c.overlay = true; return nil }}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := NewCoverage(geoms, WithGapWidth(0), bc.opt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkTerritories is every change date's territories.
func BenchmarkTerritories(b *testing.B) {
	cov, dates := benchSetup(b)
	for b.Loop() {
		for _, l := range dates {
			if _, err := cov.Territories(l); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkFrontlines is every change date's frontlines.
func BenchmarkFrontlines(b *testing.B) {
	cov, dates := benchSetup(b)
	for b.Loop() {
		for _, l := range dates {
			if _, err := cov.Frontlines(l); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkFrontLengths is every change date's front lengths, as a daily
// series needs them.
func BenchmarkFrontLengths(b *testing.B) {
	cov, dates := benchSetup(b)
	for b.Loop() {
		for _, l := range dates {
			if _, err := cov.FrontLengths(l); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// TestManyPartsClosed: past wholeParts polygons the union and the closing
// are computed part by part (geosx.Union, geosx.Closing); the gaps close
// as they do whole. A district of 40 × 40 squares of ~20 m, 2 m apart,
// beside a plain one: at a gap width of 25 m the squares close into one
// block, and the district's area is the block's.
func TestManyPartsClosed(t *testing.T) {
	const side, size, step = 40, 0.00018, 0.0002 // degrees: ~20 m squares, ~2 m apart
	var mp orb.MultiPolygon
	for i := range side {
		for j := range side {
			x, y := 37.1+float64(i)*step, 36.2+float64(j)*step
			mp = append(mp, orb.Polygon{{{x, y}, {x + size, y}, {x + size, y + size}, {x, y + size}, {x, y}}})
		}
	}
	require.Greater(t, len(mp), wholeParts)
	other := orb.Polygon{{{37.0, 36.2}, {37.05, 36.2}, {37.05, 36.25}, {37.0, 36.25}, {37.0, 36.2}}}
	cov, err := NewCoverage([]orb.Geometry{mp, other}, WithGapWidth(25))
	require.NoError(t, err)
	end := 37.1 + float64(side-1)*step + size
	top := 36.2 + float64(side-1)*step + size
	block := orb.Polygon{{{37.1, 36.2}, {end, 36.2}, {end, top}, {37.1, top}, {37.1, 36.2}}}
	relEqual(t, geodesic.Area(block), cov.AreaM2(0), "the squares closed into one block")
	assert.Len(t, cov.District(0), 1, "one polygon")
	relEqual(t, geodesic.Area(other), cov.AreaM2(1), "the other district is as it was")
}
