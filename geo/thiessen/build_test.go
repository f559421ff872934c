package thiessen

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twpayne/go-geos"

	"github.com/frontline/frontline/geo/internal/geosx"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// square returns the lon/lat square polygon with the given corners.
func square(minLon, minLat, maxLon, maxLat float64) orb.Polygon {
	return orb.Polygon{{{minLon, minLat}, {maxLon, minLat}, {maxLon, maxLat}, {minLon, maxLat}, {minLon, minLat}}}
}

func place(id string, lon, lat float64) Place {
	return Place{ID: id, Name: strings.ToUpper(id), Lon: lon, Lat: lat, Kind: "residential", CoordSource: "test"}
}

// square4 is four places at (±s/2, ±s/2) degrees around lon 0, lat 0 in the
// square ±s. The local projection is centred there and symmetric, so the
// bisectors are the equator and the prime meridian and each district is the
// quarter of the square around its place.
func square4(s float64) ([]Place, Options) {
	h := s / 2
	return []Place{
			place("ne", h, h), place("nw", -h, h), place("sw", -h, -h), place("se", h, -h),
		}, Options{
			Outline: square(-s, -s, s, s),
		}
}

// readShared reads a file of the shared folder beside the repository (the
// repository root is the nearest parent with go.mod), or skips the test.
func readShared(t testing.TB, rel string) []byte {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("repository root (go.mod) not found")
		}
		dir = parent
	}
	path := filepath.Join(dir, "..", "shared", rel)
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		t.Skipf("%s is absent: the test needs the shared folder beside the repository", path)
	}
	require.NoError(t, err)
	return data
}

func aleppoPlaces(t testing.TB) []Place {
	t.Helper()
	data := readShared(t, "aleppo-places.csv")
	places, err := ReadPlaces(bytes.NewReader(data), "aleppo-places.csv")
	require.NoError(t, err)
	return places
}

// geom converts an orb geometry to GEOS.
func geom(t *testing.T, ctx *geos.Context, g orb.Geometry) *geos.Geom {
	t.Helper()
	gg, err := geosx.ToGEOS(ctx, g)
	require.NoError(t, err)
	return gg
}

// checkCoverage checks the invariants of a build: in the plane (before
// rounding) the cells are valid, do not overlap, tile the outline (the sum of
// their areas and the area of their union equal the outline's area within
// 1e-9 relative) and contain their places; after rounding to WGS84 degrees
// the districts are valid, closed, correctly oriented, do not overlap, still
// contain their places and cover the outline up to the rounding.
func checkCoverage(t *testing.T, b *build) {
	t.Helper()
	ctx := geos.NewContext()
	outline := geom(t, ctx, b.outline)
	outlineArea := outline.Area()
	require.Positive(t, outlineArea)

	var cells, rounded []*geos.Geom
	var sum float64
	for _, d := range b.districts {
		if len(d.cell) == 0 {
			assert.Empty(t, d.lonLat, d.place.ID)
			continue
		}
		g := geom(t, ctx, d.cell)
		require.True(t, g.IsValid(), "cell %s: %s", d.place.ID, g.IsValidReason())
		sum += g.Area()
		if outline.Covers(ctx.NewPointFromXY(d.site[0], d.site[1])) {
			assert.True(t, g.Covers(ctx.NewPointFromXY(d.site[0], d.site[1])), "cell %s does not cover its place", d.place.ID)
		}
		cells = append(cells, g)

		require.NotEmpty(t, d.lonLat, d.place.ID)
		for _, poly := range d.lonLat {
			for j, ring := range poly {
				require.GreaterOrEqual(t, len(ring), 4, d.place.ID)
				assert.Equal(t, ring[0], ring[len(ring)-1], "ring of %s not closed", d.place.ID)
				want := orb.CCW
				if j > 0 {
					want = orb.CW
				}
				assert.Equal(t, want, ring.Orientation(), "ring %d of %s", j, d.place.ID)
				for _, p := range ring {
					assert.Equal(t, p[0], roundDeg(p[0]))
					assert.Equal(t, p[1], roundDeg(p[1]))
				}
			}
		}
		r := geom(t, ctx, d.lonLat)
		require.True(t, r.IsValid(), "district %s: %s", d.place.ID, r.IsValidReason())
		if g.Covers(ctx.NewPointFromXY(d.site[0], d.site[1])) {
			assert.True(t, r.Covers(ctx.NewPointFromXY(d.place.Lon, d.place.Lat)), "district %s does not cover its place", d.place.ID)
		}
		rounded = append(rounded, r)
	}
	require.NotEmpty(t, cells)
	union := ctx.NewCollection(geos.TypeIDGeometryCollection, cells).UnaryUnion()
	assert.InDelta(t, 1, sum/outlineArea, 1e-9, "sum of cell areas / outline area")
	assert.InDelta(t, 1, union.Area()/outlineArea, 1e-9, "union of cells / outline area")
	assert.InDelta(t, 0, union.SymDifference(outline).Area()/outlineArea, 1e-9, "union of cells differs from the outline")
	for i := range cells {
		for j := i + 1; j < len(cells); j++ {
			assert.LessOrEqual(t, cells[i].Intersection(cells[j]).Area(), 1e-9*outlineArea, "cells %d and %d overlap", i, j)
			assert.False(t, rounded[i].RelatePattern(rounded[j], "T********"), "districts %d and %d overlap after rounding", i, j)
		}
	}

	// After rounding the coverage still tiles the outline: the rounded
	// outline's boundary moves by at most half a unit of the last decimal.
	var lonLatSum float64
	for _, r := range rounded {
		lonLatSum += r.Area()
	}
	lonLatUnion := ctx.NewCollection(geos.TypeIDGeometryCollection, rounded).UnaryUnion()
	assert.InDelta(t, 1, lonLatSum/lonLatUnion.Area(), 1e-9, "rounded districts overlap")
	outlineLonLat := unprojectForTest(t, b, b.outline)
	ol := geom(t, ctx, outlineLonLat)
	tol := ol.Length() * 0.71e-7
	assert.InDelta(t, ol.Area(), lonLatUnion.Area(), tol, "rounded districts do not cover the outline")
	assert.LessOrEqual(t, lonLatUnion.SymDifference(ol).Area(), 2*tol, "rounded districts differ from the outline")
}

func unprojectForTest(t *testing.T, b *build, mp orb.MultiPolygon) orb.MultiPolygon {
	t.Helper()
	out := orb.Clone(mp).(orb.MultiPolygon)
	for _, poly := range out {
		for _, ring := range poly {
			for i, p := range ring {
				q, err := b.plane.inverse(p)
				require.NoError(t, err)
				ring[i] = q
			}
		}
	}
	return out
}

func TestBuildSquare4KnownCells(t *testing.T) {
	places, opt := square4(0.02)
	b, err := runBuild(places, opt)
	require.NoError(t, err)
	checkCoverage(t, b)
	require.Empty(t, b.warnings)
	want := map[string]orb.Polygon{
		"ne": square(0, 0, 0.02, 0.02), "nw": square(-0.02, 0, 0, 0.02),
		"sw": square(-0.02, -0.02, 0, 0), "se": square(0, -0.02, 0.02, 0),
	}
	ctx := geos.NewContext()
	require.Len(t, b.districts, 4)
	for _, d := range b.districts {
		require.Len(t, d.lonLat, 1, d.place.ID)
		got, w := geom(t, ctx, d.lonLat[0]), geom(t, ctx, want[d.place.ID])
		assert.True(t, got.Equals(w), "%s: got %s, want %s", d.place.ID, got.ToWKT(), w.ToWKT())
	}
}

func TestBuildCoverage(t *testing.T) {
	// A ring of 12 places around Aleppo's centre with one in the middle.
	var ring []Place
	for i := range 12 {
		a := float64(i) * math.Pi / 6
		ring = append(ring, place(fmt.Sprintf("r%02d", i), 37.15+0.02*math.Cos(a), 36.2+0.015*math.Sin(a)))
	}
	ring = append(ring, place("centre", 37.15, 36.2))
	rng := rand.New(rand.NewPCG(1, 2))
	var random []Place
	for i := range 60 {
		random = append(random, place(fmt.Sprintf("p%02d", i), 37.05+0.2*rng.Float64(), 36.1+0.2*rng.Float64()))
	}
	donut := orb.Polygon{
		square(37.0, 36.05, 37.3, 36.35)[0],
		{{37.12, 36.18}, {37.12, 36.22}, {37.18, 36.22}, {37.18, 36.18}, {37.12, 36.18}},
	}
	for _, tc := range []struct {
		name     string
		places   []Place
		opt      Options
		warnings []string
	}{
		{"ring with default buffer", ring, Options{}, nil},
		{"ring in a square", ring, Options{Outline: square(37.1, 36.16, 37.2, 36.24)}, nil},
		{"60 random places, buffer 800 m", random, Options{BufferM: 800}, nil},
		{"60 random places in a square with a hole", random, Options{Outline: donut, ThinM: -1}, []string{
			`place "p01" lies outside the outline: its district is the part of the outline nearest to it`,
			`district "p24" is split by the outline into 2 parts: it is kept as a MultiPolygon`,
			`place "p51" lies outside the outline: its district is the part of the outline nearest to it`,
		}},
		{"single place", []Place{place("only", 37.15, 36.2)}, Options{}, nil},
		{"single place in a square with a hole", []Place{place("only", 37.05, 36.1)}, Options{Outline: donut}, nil},
		{"collinear places", []Place{place("a", 37.10, 36.2), place("b", 37.12, 36.2), place("c", 37.15, 36.2)},
			Options{Outline: square(37.05, 36.15, 37.2, 36.25)}, nil},
		{"split and empty districts", []Place{place("left", 37.01, 36.2), place("mid", 37.1, 36.2), place("right", 37.19, 36.2), place("far", 37.1, 36.5)},
			Options{Outline: orb.MultiPolygon{square(37.0, 36.19, 37.08, 36.21), square(37.12, 36.19, 37.2, 36.21)}},
			[]string{
				`district "far" is empty: its place lies outside the outline and no part of the outline is nearest to it; it is left out`,
				`place "mid" lies outside the outline: its district is the part of the outline nearest to it`,
				`district "mid" is split by the outline into 2 parts: it is kept as a MultiPolygon`,
			}},
		{"thin district", []Place{place("a", 37.1, 36.2), place("b", 37.1012, 36.2), place("c", 37.1024, 36.2)},
			Options{Outline: square(37.09, 36.19, 37.11, 36.21)},
			[]string{`district "b" is thin: the largest circle inside it has a radius of 54 m (under 100 m); check its place against its neighbours`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := runBuild(tc.places, tc.opt)
			require.NoError(t, err)
			checkCoverage(t, b)
			assert.Equal(t, tc.warnings, b.warnings)
		})
	}
}

func TestBuildAleppo(t *testing.T) {
	places := aleppoPlaces(t)
	b, err := runBuild(places, Options{})
	require.NoError(t, err)
	checkCoverage(t, b)
	n := 0
	for _, d := range b.districts {
		if len(d.lonLat) > 0 {
			n++
		}
	}
	assert.Equal(t, len(places), n, "every place has a district")
	t.Logf("%d districts, warnings: %q", n, b.warnings)
}

func TestBuildDeterministic(t *testing.T) {
	places := aleppoPlaces(t)
	encode := func(ps []Place) []byte {
		t.Helper()
		res, err := Build(ps, Options{})
		require.NoError(t, err)
		var buf bytes.Buffer
		require.NoError(t, res.Encode(&buf))
		return buf.Bytes()
	}
	first := encode(places)
	assert.Equal(t, first, encode(places), "two builds differ")
	shuffled := append([]Place(nil), places...)
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	assert.Equal(t, first, encode(shuffled), "the order of the places changes the output")
}

func TestBuildGolden(t *testing.T) {
	places, opt := square4(0.002)
	places[0].NameAr = "شمال شرق"
	places[0].Aliases = []string{"North-East", "N&E <1>"}
	res, err := Build(places, opt)
	require.NoError(t, err)
	got, err := res.MarshalJSON()
	require.NoError(t, err)
	path := filepath.Join("testdata", "square4.golden.geojson")
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create it")
	assert.Equal(t, string(want), string(got))

	// The output is GeoJSON that orb reads back to the same collection.
	fc, err := geojson.UnmarshalFeatureCollection(got)
	require.NoError(t, err)
	require.Len(t, fc.Features, 4)
	assert.Equal(t, "ne", fc.Features[0].ID)
	assert.Equal(t, []any{"North-East", "N&E <1>"}, fc.Features[0].Properties["aliases"])
	assert.Equal(t, res.Collection.Features[0].Geometry, fc.Features[0].Geometry)
}

func TestBuildErrors(t *testing.T) {
	bowtie := orb.Polygon{{{37, 36}, {37.2, 36.2}, {37.2, 36}, {37, 36.2}, {37, 36}}}
	for _, tc := range []struct {
		name   string
		places []Place
		opt    Options
		want   []string
	}{
		{"no places", nil, Options{}, []string{"no places: give at least one place"}},
		{"duplicate id", []Place{place("a", 37, 36), {ID: "a", Name: "A", Lon: 37.1, Lat: 36, Line: 7}}, Options{},
			[]string{`duplicate id "a" (line 7): ids must be unique`}},
		{"empty id", []Place{place("a", 37, 36), {Name: "A", Lon: 37.1, Lat: 36, Line: 3}}, Options{},
			[]string{"place 1 (line 3) has an empty id: give every place a unique id"}},
		{"bad lon", []Place{place("a", 37, 36), {ID: "b", Lon: 237.1, Lat: 36, Line: 3}}, Options{},
			[]string{`place "b" (line 3): lon 237.1, lat 36 out of range: give WGS84 decimal degrees`}},
		{"NaN lat", []Place{place("a", 37, math.NaN())}, Options{}, []string{`place "a": lon 37, lat NaN out of range`}},
		{"too close", []Place{
			{ID: "muhammad-bek", Lon: 37.1850, Lat: 36.2000, Line: 80},
			{ID: "bab-al-nayrab", Lon: 37.1854, Lat: 36.2001, Line: 9},
			place("far", 37.3, 36.2),
		}, Options{},
			// GeodSolve -i: 37.6466 m
			[]string{`places "bab-al-nayrab" (line 9) and "muhammad-bek" (line 80) are 37.6 m apart, closer than the minimum distance 50 m: merge them, drop one, or lower the minimum distance`}},
		{"too close with a larger minimum", []Place{place("a", 37.1, 36.2), place("b", 37.101, 36.2), place("c", 37.1, 36.201)},
			Options{MinDistanceM: 150}, []string{
				`places "a" and "b" are 89.9 m apart, closer than the minimum distance 150 m`,
				`places "a" and "c" are 111.0 m apart`,
				`places "b" and "c" are 142.8 m apart`}}, // GeodSolve: 89.9355, 110.9627, 142.8321 m
		{"identical even without a minimum", []Place{place("a", 37.1, 36.2), place("b", 37.1, 36.2)}, Options{MinDistanceM: -1},
			[]string{`places "a" and "b" have identical coordinates (37.1, 36.2): drop one or correct its coordinates`}},
		{"places too far apart", []Place{place("aleppo", 37.1, 36.2), place("paris", 2.35, 48.85)}, Options{},
			[]string{`place "aleppo" lies 1`, `km from the mean of all places`, `build districts for one city or region at a time`}},
		{"outline of the wrong type", []Place{place("a", 37.1, 36.2)}, Options{Outline: orb.LineString{{37, 36}, {38, 37}}},
			[]string{"the outline is a LineString: give a Polygon or MultiPolygon"}},
		{"invalid outline", []Place{place("a", 37.1, 36.2)}, Options{Outline: bowtie},
			[]string{"the outline is not a valid polygon: Self-intersection[37.1 36.1]"}},
		{"outline out of range", []Place{place("a", 37.1, 36.2)}, Options{Outline: square(37, 36, 37.2, 96)},
			[]string{"the outline has the point [37.2 96] out of range"}},
		{"negative buffer", []Place{place("a", 37.1, 36.2)}, Options{BufferM: -5},
			[]string{"option BufferM is -5: the buffer radius must be positive"}},
		{"infinite option", []Place{place("a", 37.1, 36.2)}, Options{MinDistanceM: math.Inf(1)},
			[]string{"option MinDistanceM is +Inf: give a finite number of metres"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Build(tc.places, tc.opt)
			require.Error(t, err)
			assert.Nil(t, res)
			assertInOrder(t, err.Error(), tc.want)
		})
	}
}

// TestBuildFromFileErrors runs the parser and the builder as the command does.
func TestBuildFromFileErrors(t *testing.T) {
	in := testHeader + "a,A,,,37.1,36.2,,\nb,B,,,37.10001,36.2,,\n"
	places, err := ReadPlaces(strings.NewReader(in), "places.csv")
	require.NoError(t, err)
	_, err = Build(places, Options{})
	require.Error(t, err)
	assert.Equal(t, `places "a" (line 2) and "b" (line 3) are 0.9 m apart, closer than the minimum distance 50 m: merge them, drop one, or lower the minimum distance`, err.Error())
}

func TestPlaneRoundTrip(t *testing.T) {
	p, err := newPlane(37.15, 36.2)
	require.NoError(t, err)
	for _, ll := range []orb.Point{{37.15, 36.2}, {37.0, 36.05}, {37.4, 36.4}, {36.0, 35.0}} {
		xy, err := p.forward(ll)
		require.NoError(t, err)
		back, err := p.inverse(xy)
		require.NoError(t, err)
		assert.InDelta(t, ll[0], back[0], 1e-11)
		assert.InDelta(t, ll[1], back[1], 1e-11)
	}
	// 0.01° of latitude at 36.2° N is 1109.6 m on the WGS84 ellipsoid; at
	// the centre the projection has scale 1.
	xy, err := p.forward(orb.Point{37.15, 36.21})
	require.NoError(t, err)
	assert.InDelta(t, 0, xy[0], 1e-6)
	assert.InDelta(t, 1109.6, xy[1], 0.1)
}

// FuzzBuild builds districts from up to 16 places near Aleppo taken from the
// fuzz input (three bytes a place, on a grid of about 2.5 m) and checks the
// coverage invariants whenever the build succeeds.
func FuzzBuild(f *testing.F) {
	f.Add([]byte{0, 0, 0, 255, 0, 0, 0, 255, 0, 128, 128, 0}, false)
	f.Add([]byte{10, 10, 0, 20, 10, 0, 30, 10, 0, 40, 10, 0}, true)
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 200, 100, 50, 30, 30, 30}, true)
	f.Fuzz(func(t *testing.T, data []byte, withOutline bool) {
		if b := buildFromBytes(t, data, withOutline); b != nil {
			b.plane.close()
		}
	})
}

// BenchmarkBuildAleppo measures a whole build of the 129 Aleppo places with
// the default outline.
func BenchmarkBuildAleppo(b *testing.B) {
	places := aleppoPlaces(b)
	for b.Loop() {
		if _, err := Build(places, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// Encoded tells a district file the builders wrote (which build-districts
// may replace) from one laid out by another tool or by hand.
func TestEncoded(t *testing.T) {
	var empty, one bytes.Buffer
	require.NoError(t, EncodeCollection(&empty, geojson.NewFeatureCollection()))
	fc := geojson.NewFeatureCollection()
	f := geojson.NewFeature(orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}})
	f.ID, f.Properties = "a", geojson.Properties{"id": "a", "name": "A"}
	fc.Append(f)
	require.NoError(t, EncodeCollection(&one, fc))
	aleppo, err := os.ReadFile(filepath.Join("..", "..", "data", "aleppo-2016", "districts.geojson"))
	require.NoError(t, err)
	for _, b := range [][]byte{empty.Bytes(), one.Bytes(), aleppo[:4096]} {
		assert.True(t, Encoded(b), "%.60s", b)
	}
	for _, s := range []string{"", "old", `{"type":"FeatureCollection","features":[{"type":"Feature"`,
		"{\n\"type\": \"FeatureCollection\",\n\"name\": \"districts\",\n\"features\": [\n{ \"type\": \"Feature\""} {
		assert.False(t, Encoded([]byte(s)), "%q", s)
	}
}
