package boundaries

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twpayne/go-geos"

	"github.com/frontline/frontline/geo/geodesic"
	"github.com/frontline/frontline/geo/internal/geosx"
	"github.com/frontline/frontline/geo/thiessen"
)

// Hand-made layers sit at Aleppo's latitude, where 0.001° of longitude is
// about 90 m and 0.001° of latitude about 111 m.
const lon0, lat0 = 37.10, 36.20

// rect is an axis-parallel rectangle in thousandths of a degree from
// (lon0, lat0).
func rect(x0, y0, x1, y1 float64) orb.Polygon {
	a := func(x, y float64) orb.Point { return orb.Point{lon0 + x/1000, lat0 + y/1000} }
	return orb.Polygon{{a(x0, y0), a(x1, y0), a(x1, y1), a(x0, y1), a(x0, y0)}}
}

// feature is one named polygon of a hand-made layer.
type feature struct {
	name string
	geom orb.Geometry
}

// layer encodes features as a GeoJSON FeatureCollection named by "name".
func layer(t *testing.T, fs ...feature) []byte {
	t.Helper()
	fc := geojson.NewFeatureCollection()
	for _, f := range fs {
		gf := geojson.NewFeature(f.geom)
		gf.Properties = geojson.Properties{"name": f.name}
		fc.Append(gf)
	}
	b, err := json.Marshal(fc)
	require.NoError(t, err)
	return b
}

func place(id string, x, y float64, aliases ...string) thiessen.Place {
	return thiessen.Place{ID: id, Name: strings.ToUpper(id[:1]) + id[1:], Aliases: aliases,
		Lon: lon0 + x/1000, Lat: lat0 + y/1000, Kind: "residential", CoordSource: "test"}
}

// byID returns the output features by id.
func byID(res *Result) map[string]*geojson.Feature {
	m := map[string]*geojson.Feature{}
	for _, f := range res.Collection.Features {
		m[f.ID.(string)] = f
	}
	return m
}

// checkTiling asserts the coverage properties every result must have: valid
// polygons, no two overlapping, sorted ids, and districts that together
// cover exactly their union (their areas add up).
func checkTiling(t *testing.T, res *Result) {
	t.Helper()
	ctx := geos.NewContext()
	var geoms []*geos.Geom
	var sum float64
	prev := ""
	for _, f := range res.Collection.Features {
		id := f.ID.(string)
		require.Greater(t, id, prev, "features sorted by id")
		prev = id
		g, err := geosx.ToGEOS(ctx, f.Geometry)
		require.NoError(t, err)
		require.True(t, g.IsValid(), "district %s: %s", id, g.IsValidReason())
		geoms = append(geoms, g)
		sum += geodesic.Area(f.Geometry)
		assert.Equal(t, id, f.Properties["id"])
	}
	fs := res.Collection.Features
	for i := range geoms {
		for j := i + 1; j < len(geoms); j++ {
			if !fs[i].Geometry.Bound().Intersects(fs[j].Geometry.Bound()) {
				continue
			}
			if geoms[i].RelatePattern(geoms[j], "2********") {
				inter, err := geosx.Polygons(geoms[i].Intersection(geoms[j]))
				if err == nil {
					assert.Less(t, geodesic.Area(inter), 1e-3, "districts %v and %v overlap",
						res.Collection.Features[i].ID, res.Collection.Features[j].ID)
				}
			}
		}
	}
	union, err := geosx.Polygons(ctx.NewCollection(geos.TypeIDGeometryCollection, geoms).UnaryUnion())
	require.NoError(t, err)
	assert.InDelta(t, geodesic.Area(union), sum, 1e-9*sum+1e-3, "the districts tile their union")
	assert.InDelta(t, res.Report.TotalKm2*1e6, sum, 1e-6*sum, "the report's total")
}

func buildOK(t *testing.T, data []byte, opt Options) *Result {
	t.Helper()
	res, err := Build(data, "layer.geojson", opt)
	require.NoError(t, err)
	checkTiling(t, res)
	return res
}

func areaKm2(f *geojson.Feature) float64 { return geodesic.Area(f.Geometry) / 1e6 }

func TestStreetGapClosed(t *testing.T) {
	// Two blocks 10 × 10 (about 0.9 × 1.1 km) with a 0.3 (27 m) street.
	data := layer(t, feature{"West", rect(0, 0, 10, 10)}, feature{"East", rect(10.3, 0, 20.3, 10)})
	res := buildOK(t, data, Options{})
	got := byID(res)
	require.Len(t, got, 2)
	whole := geodesic.Area(rect(0, 0, 20.3, 10)) / 1e6
	assert.InDelta(t, whole, areaKm2(got["west"])+areaKm2(got["east"]), 1e-9, "the street is shared out")
	assert.InDelta(t, areaKm2(got["west"]), areaKm2(got["east"]), 1e-4, "each block takes its half of the street")
	assert.InDelta(t, geodesic.Area(rect(10, 0, 10.3, 10))/1e6, res.Report.GapFilledKm2, 1e-6)
	assert.Empty(t, res.Report.Holes)
	assert.Equal(t, 1, res.Report.Parts)
	assert.Equal(t, SourcePolygon, got["west"].Properties["geometry_source"])
	assert.Equal(t, []string{"West"}, got["west"].Properties["source_names"])

	// A gap wider than the maximum stays: two separate parts.
	res = buildOK(t, data, Options{MaxGapM: 20})
	assert.Equal(t, 2, res.Report.Parts)
	assert.Zero(t, res.Report.GapFilledKm2)
}

func TestOverlapGoesToTheSmallerUnit(t *testing.T) {
	big := rect(0, 0, 10, 10)
	small := rect(9, 2, 14, 6) // overlaps big by 1 × 4
	res := buildOK(t, layer(t, feature{"Big", big}, feature{"Small", small}), Options{})
	got := byID(res)
	overlap := geodesic.Area(rect(9, 2, 10, 6)) / 1e6
	assert.InDelta(t, geodesic.Area(small)/1e6, areaKm2(got["small"]), 1e-9, "the smaller unit keeps all its ground")
	assert.InDelta(t, geodesic.Area(big)/1e6-overlap, areaKm2(got["big"]), 1e-9)
	require.Len(t, res.Report.Overlaps, 1)
	o := res.Report.Overlaps[0]
	assert.Equal(t, Overlap{A: "big", B: "small", KeptBy: "small"}, Overlap{A: o.A, B: o.B, KeptBy: o.KeptBy})
	assert.InDelta(t, overlap, o.Km2, 1e-9)
}

func TestNameOverTwoParts(t *testing.T) {
	res := buildOK(t, layer(t,
		feature{"Twin", rect(0, 0, 5, 5)}, feature{"Other", rect(5.2, 0, 10, 5)}, feature{"Twin", rect(10.2, 0, 15, 5)},
	), Options{})
	got := byID(res)
	require.Len(t, got, 2)
	assert.Equal(t, "MultiPolygon", got["twin"].Geometry.GeoJSONType(), "separated parts stay apart")
	assert.Equal(t, []Merge{{Name: "Twin", Parts: 2}}, res.Report.Merged)
	assert.Equal(t, 3, res.Report.Features)
	assert.Equal(t, 2, res.Report.Units)

	// Parts that touch become one polygon.
	res = buildOK(t, layer(t, feature{"Twin", rect(0, 0, 5, 5)}, feature{"Twin", rect(5, 0, 10, 5)}), Options{})
	assert.Equal(t, "Polygon", byID(res)["twin"].Geometry.GeoJSONType())
}

func TestPlacesMatchSplitAndGapCell(t *testing.T) {
	data := layer(t,
		feature{"al-Qadim’", rect(0, 0, 10, 10)},       // curly apostrophe, matched by alias
		feature{"Industrial I", rect(10.2, 0, 20, 10)}, // split by a place inside
		feature{"Nowhere", rect(0, 10.2, 10, 20)},      // matches no place
	)
	places := []thiessen.Place{
		place("qadim", 5, 5, "al-Qadim'"),
		place("industrial-1", 13, 5, "Industrial I"),
		place("old-quarter", 18, 5),   // inside Industrial I: a split
		place("outpost", 15, 14),      // outside every unit: a gap cell
		place("second-joined", 25, 5), // outside too, east
	}
	res := buildOK(t, data, Options{Places: places})
	got := byID(res)
	for _, id := range []string{"qadim", "industrial-1", "old-quarter", "outpost", "second-joined", "nowhere"} {
		require.Contains(t, got, id)
	}
	assert.Equal(t, "Qadim", got["qadim"].Properties["name"])
	assert.Equal(t, []string{"al-Qadim'"}, got["qadim"].Properties["aliases"])
	assert.Equal(t, "test", got["qadim"].Properties["coord_source"])
	assert.Equal(t, SourcePolygon, got["qadim"].Properties["geometry_source"])
	assert.Equal(t, SourceSplit, got["industrial-1"].Properties["geometry_source"])
	assert.Equal(t, SourceSplit, got["old-quarter"].Properties["geometry_source"])
	assert.Equal(t, []string{"Industrial I"}, got["old-quarter"].Properties["source_names"])
	assert.Equal(t, SourceGapCell, got["outpost"].Properties["geometry_source"])
	assert.NotContains(t, got["outpost"].Properties, "source_names")
	assert.Equal(t, "Nowhere", got["nowhere"].Properties["name"])
	assert.NotContains(t, got["nowhere"].Properties, "kind")
	assert.Equal(t, []string{"Nowhere"}, res.Report.Unmatched)
	assert.Equal(t, []Split{{Unit: "industrial-1", Places: []string{"old-quarter"}}}, res.Report.Splits)

	// The split pieces tile the unit: the bisector of the two points (x = 15.5)
	// divides it, each side also taking half of the 0.2 street.
	whole := geodesic.Area(rect(10.1, 0, 20, 10)) / 1e6
	assert.InDelta(t, whole, areaKm2(got["industrial-1"])+areaKm2(got["old-quarter"]), 1e-6)
	assert.InDelta(t, geodesic.Area(rect(15.5, 0, 20, 10))/1e6, areaKm2(got["old-quarter"]), 2e-3)

	// The gap cells hold their points and touch the city.
	for _, id := range []string{"outpost", "second-joined"} {
		f := got[id]
		p := places[slicesIndex(places, id)]
		assert.True(t, contains(f.Geometry, orb.Point{p.Lon, p.Lat}), "%s holds its point", id)
	}
	require.Len(t, res.Report.GapCells, 2)
	for _, g := range res.Report.GapCells {
		assert.False(t, g.Island, "%s touches the city", g.ID)
		assert.Less(t, g.Km2, math.Pi*1.5*1.5, "%s stays within the reach", g.ID)
	}
}

func slicesIndex(ps []thiessen.Place, id string) int {
	for i, p := range ps {
		if p.ID == id {
			return i
		}
	}
	return -1
}

func contains(g orb.Geometry, p orb.Point) bool {
	ctx := geos.NewContext()
	gg, _ := geosx.ToGEOS(ctx, g)
	return gg.Contains(ctx.NewPointFromXY(p[0], p[1]))
}

func TestHoleWiderThanMaxGapStays(t *testing.T) {
	// Four blocks around a 4 × 4 (about 360 × 440 m) square: a hole.
	data := layer(t,
		feature{"S", rect(0, 0, 12, 4)}, feature{"N", rect(0, 8, 12, 12)},
		feature{"W", rect(0, 4, 4, 8)}, feature{"E", rect(8, 4, 12, 8)},
	)
	res := buildOK(t, data, Options{})
	require.Len(t, res.Report.Holes, 1)
	h := res.Report.Holes[0]
	assert.InDelta(t, geodesic.Area(rect(4, 4, 8, 8))/1e6, h.Km2, 1e-9)
	assert.True(t, orb.Bound{Min: orb.Point{lon0 + 0.004, lat0 + 0.004}, Max: orb.Point{lon0 + 0.008, lat0 + 0.008}}.Contains(h.At))
	var text bytes.Buffer
	require.NoError(t, res.Report.WriteText(&text, "layer.geojson", Options{}))
	assert.Contains(t, text.String(), "holes wider than 60 m kept: 1")
}

func TestRepairAndCRS(t *testing.T) {
	// A bow-tie is repaired and reported; a CRS84 crs member is accepted.
	bow := orb.Polygon{{{lon0, lat0}, {lon0 + 0.01, lat0 + 0.01}, {lon0 + 0.01, lat0}, {lon0, lat0 + 0.01}, {lon0, lat0}}}
	data := layer(t, feature{"Bow", bow}, feature{"Box", rect(20, 0, 30, 10)})
	data = bytes.Replace(data, []byte(`{"type":"FeatureCollection",`),
		[]byte(`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},`), 1)
	res := buildOK(t, data, Options{})
	require.Len(t, res.Report.Repaired, 1)
	assert.Contains(t, res.Report.Repaired[0], "Self-intersection")
	assert.Len(t, res.Collection.Features, 2)
}

func TestBuildErrors(t *testing.T) {
	good := layer(t, feature{"A", rect(0, 0, 1, 1)})
	for _, tc := range []struct {
		name string
		data []byte
		opt  Options
		want string
	}{
		{"not JSON", []byte("{"), Options{}, "layer.geojson"},
		{"no name", []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"NAME":"x"},"geometry":{"type":"Polygon","coordinates":[[[37,36],[37.1,36],[37.1,36.1],[37,36]]]}}]}`), Options{}, `property "name"`},
		{"a point", []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"x"},"geometry":{"type":"Point","coordinates":[37,36]}}]}`), Options{}, "Polygon or MultiPolygon"},
		{"gap out of range", good, Options{MaxGapM: -1}, "maximum gap"},
		{"reach out of range", good, Options{ReachM: 1e6}, "reach"},
		{"places too close to split", layer(t, feature{"A", rect(0, 0, 10, 10)}),
			Options{Places: []thiessen.Place{place("a", 5, 5, "A"), place("b", 5.1, 5)}}, `splitting unit "a"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Build(tc.data, "layer.geojson", tc.opt)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestAmbiguousName(t *testing.T) {
	places := []thiessen.Place{place("one", 2, 2), place("two", 8, 8)}
	places[0].NameAr, places[1].NameAr = "حي", "حي"
	res := buildOK(t, layer(t, feature{"حي", rect(0, 0, 10, 10)}), Options{Places: places})
	assert.Equal(t, []Ambiguous{{Name: "حي", Places: []string{"one", "two"}}}, res.Report.Ambiguous)
	assert.Contains(t, byID(res), "unit-1", "a name without ASCII letters gets a numbered id")
}

func TestDeterministic(t *testing.T) {
	data := layer(t, feature{"West", rect(0, 0, 10, 10)}, feature{"East", rect(10.3, 0, 20.3, 10)}, feature{"North", rect(0, 10.2, 20, 14)})
	opt := Options{Places: []thiessen.Place{place("west", 5, 5), place("mid", 7, 7)}}
	var first []byte
	for range 3 {
		res, err := Build(data, "layer.geojson", opt)
		require.NoError(t, err)
		var buf bytes.Buffer
		require.NoError(t, res.Encode(&buf))
		if first == nil {
			first = buf.Bytes()
			continue
		}
		require.Equal(t, string(first), buf.String())
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"al-A’ajam":        "al-aajam",
		"  Bab  al-Hadid ": "bab-al-hadid",
		"Ramouseh II (a)":  "ramouseh-ii-a",
		"حلب":              "",
	} {
		assert.Equal(t, want, slug(in), in)
	}
}

// TestCSR builds the real Columbia CSR Aleppo layer with the dataset's places:
// every place gets a district, every name joins a place, and the result is
// a clean coverage of a real city's size.
func TestCSR(t *testing.T) {
	data, err := os.ReadFile("../../data/aleppo-2016/sources/csr/Neighborhoods.geojson")
	require.NoError(t, err)
	placesFile, err := os.Open("../../data/aleppo-2016/places.csv")
	require.NoError(t, err)
	defer placesFile.Close()
	places, err := thiessen.ReadPlaces(placesFile, "places.csv")
	require.NoError(t, err)

	res := buildOK(t, data, Options{NameProperty: "NAME", Places: places})
	got := byID(res)
	for _, p := range places {
		assert.Contains(t, got, p.ID, "every place has a district")
	}
	assert.Len(t, got, len(places))
	assert.Empty(t, res.Report.Unmatched)
	assert.Empty(t, res.Report.NoGround)
	assert.Equal(t, 133, res.Report.Features)
	assert.Equal(t, []Join{{ID: "sakhour", Names: []string{"as-Sakhour", "as-Sakhour I"}}}, res.Report.Joined)
	for _, g := range res.Report.GapCells {
		assert.False(t, g.Island, "gap cell %s touches the city", g.ID)
	}
	t.Logf("CSR: %d districts, %.3f km², gaps filled %.3f km², %d holes, gap cells %+v",
		res.Report.Districts, res.Report.TotalKm2, res.Report.GapFilledKm2, len(res.Report.Holes), res.Report.GapCells)
	assert.InDelta(t, 135, res.Report.TotalKm2, 10, "the size of the city the layer covers")
}

func FuzzBuild(f *testing.F) {
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"a"},"geometry":{"type":"Polygon","coordinates":[[[37,36],[37.01,36],[37.01,36.01],[37,36]]]}}]}`, 37.005, 36.02)
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"a"},"geometry":{"type":"Polygon","coordinates":[[[37,36],[37.01,36.01],[37.01,36],[37,36.01],[37,36]]]}},{"type":"Feature","properties":{"name":"a"},"geometry":{"type":"Polygon","coordinates":[[[37.0103,36],[37.02,36],[37.02,36.01],[37.0103,36]]]}}]}`, 37.004, 36.003)
	f.Fuzz(func(t *testing.T, data string, lon, lat float64) {
		if len(data) > 1<<14 {
			return
		}
		p := thiessen.Place{ID: "p", Name: "P", Lon: lon, Lat: lat}
		// A small gap-closing limit keeps every run short: a layer that spans
		// continents is refused (TestGapSplitLimit in territory) rather than
		// built for tens of seconds, which the fuzzer takes for a hang.
		res, err := Build([]byte(data), "fuzz.geojson", Options{Places: []thiessen.Place{p}, MaxGapSites: 20000})
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := res.Encode(&buf); err != nil {
			t.Fatalf("encoding a built result: %v", err)
		}
		for _, f := range res.Collection.Features {
			if _, ok := f.ID.(string); !ok {
				t.Fatalf("feature id %v is not a string", f.ID)
			}
		}
		_ = fmt.Sprint(res.Report)
	})
}
