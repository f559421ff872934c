package polygons_test

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/geodesic"
	"github.com/frontline/frontline/geo/polygons"
)

// rect is a rectangle of lon/lat.
func rect(x0, y0, x1, y1 float64) orb.Polygon {
	return orb.Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}
}

func mp(ps ...orb.Polygon) orb.MultiPolygon { return orb.MultiPolygon(ps) }

// withHole cuts a rectangular hole into a rectangle.
func withHole(outer, hole orb.Polygon) orb.Polygon {
	h := append(orb.Ring(nil), hole[0]...)
	for i, j := 0, len(h)-1; i < j; i, j = i+1, j-1 {
		h[i], h[j] = h[j], h[i]
	}
	return orb.Polygon{outer[0], h}
}

// twoRegions: west and east halves of a 1° × 0.5° block, grouped "north".
func twoRegions() []polygons.Region {
	return []polygons.Region{
		{ID: "west", Name: "West", Group: "north", Geometry: mp(rect(30, 50, 30.5, 50.5))},
		{ID: "east", Name: "East", Group: "north", Geometry: mp(rect(30.5, 50, 31, 50.5))},
	}
}

// day is one date's polygons, per side.
type day struct {
	date  string
	sides []orb.MultiPolygon
}

// importDays imports the days into a new directory and loads the dataset.
func importDays(t *testing.T, cfg polygons.Config, regions []polygons.Region, days []day) (*polygons.Importer, *geo.Dataset, string) {
	t.Helper()
	im, err := polygons.New(cfg, regions)
	require.NoError(t, err)
	addDays(t, im, days)
	dir := writeDataset(t, im)
	ds, err := geo.LoadDir(os.DirFS(dir), "imported")
	require.NoError(t, err)
	return im, ds, dir
}

func addDays(t *testing.T, im *polygons.Importer, days []day) {
	t.Helper()
	for _, d := range days {
		date, err := geo.ParseDate(d.date)
		require.NoError(t, err)
		in := make([]polygons.Day, len(d.sides))
		for i, s := range d.sides {
			if s != nil {
				in[i] = polygons.Day{Date: date, Polygons: s, File: fmt.Sprintf("side%d_%s.geojson", i, d.date), SHA256: fmt.Sprintf("%064d", i)}
			}
		}
		_, err = im.Add(date, in)
		require.NoError(t, err, d.date)
	}
}

func writeDataset(t *testing.T, im *polygons.Importer) string {
	t.Helper()
	files, err := im.Files(polygons.Meta{Title: "test"})
	require.NoError(t, err)
	dir := t.TempDir()
	for _, f := range files {
		var b bytes.Buffer
		require.NoError(t, f.Write(&b), f.Name)
		require.NoError(t, os.WriteFile(filepath.Join(dir, f.Name), b.Bytes(), 0o644))
	}
	return dir
}

func km2(g orb.Geometry) float64 { return geodesic.Area(g) / 1e6 }

// assertKm2 checks a side's km² on a date against the geodesic area of
// its input to the exactness target, 1e-6 relative (rounding every vertex
// to the 1e-7° grid moves a small square's area by ~1e-7; the faces keep
// the rounded input's area to ~1e-8, which the reports check).
func assertKm2(t *testing.T, ds *geo.Dataset, date, side string, want float64) {
	t.Helper()
	d, err := geo.ParseDate(date)
	require.NoError(t, err)
	st, err := ds.Stats(d)
	require.NoError(t, err)
	got := st.Sides[side].Km2
	if want == 0 {
		assert.InDelta(t, 0, got, 1e-9, "%s %s", date, side)
		return
	}
	assert.InEpsilon(t, want, got, 1e-6, "%s %s: %v km² held, %v km² as input", date, side, got, want)
}

func TestImportSyntheticDays(t *testing.T) {
	regions := twoRegions()
	ground := km2(rect(30, 50, 30.5, 50.5)) + km2(rect(30.5, 50, 31, 50.5))
	s1 := rect(30.2, 50.2, 30.4, 50.4)
	s2 := rect(30.3, 50.2, 30.6, 50.4) // across the two regions
	pocket := rect(30.4, 50.25, 30.45, 50.3)
	outside := rect(30.9, 50.1, 31.2, 50.2) // partly east of every region
	days := []day{
		{"2024-01-01", []orb.MultiPolygon{mp(s1)}},
		{"2024-01-02", []orb.MultiPolygon{mp(s2)}},                                 // moved east by 0.1°
		{"2024-01-03", []orb.MultiPolygon{mp(s2)}},                                 // the same as the day before
		{"2024-01-04", []orb.MultiPolygon{mp(withHole(s2, pocket))}},               // an enclave appears
		{"2024-01-05", []orb.MultiPolygon{mp(s2)}},                                 // and is gone
		{"2024-01-06", []orb.MultiPolygon{mp(s2, outside)}},                        // ground outside every region
		{"2024-01-07", []orb.MultiPolygon{mp(rect(30.3, 50.2, 30.6, 50.4000001))}}, // a 1 cm sliver
	}
	cfg := polygons.Config{Sides: []string{"red"}, Rest: "blue", EdgeM: polygons.DefaultEdgeM}
	im, ds, _ := importDays(t, cfg, regions, days)

	// Every date's km² is its input's geodesic area.
	assertKm2(t, ds, "2024-01-01", "red", km2(s1))
	assertKm2(t, ds, "2024-01-01", "blue", ground-km2(s1))
	assertKm2(t, ds, "2024-01-02", "red", km2(s2))
	assertKm2(t, ds, "2024-01-04", "red", km2(withHole(s2, pocket)))
	assertKm2(t, ds, "2024-01-04", "blue", ground-km2(withHole(s2, pocket)))
	assertKm2(t, ds, "2024-01-05", "red", km2(s2))
	assertKm2(t, ds, "2024-01-06", "red", km2(mp(s2, outside)))
	assertKm2(t, ds, "2024-01-07", "red", km2(rect(30.3, 50.2, 30.6, 50.4000001)))
	// The ground is the regions and every input; outside the regions, no
	// side holds what red no longer claims.
	outKm2 := km2(rect(31, 50.1, 31.2, 50.2))
	assert.InEpsilon(t, ground+outKm2, ds.TotalKm2(), 1e-6)
	st, err := ds.Stats(mustDate(t, "2024-01-07"))
	require.NoError(t, err)
	assert.InEpsilon(t, outKm2, st.UnassignedKm2, 1e-5, "the ground east of the regions red left is unassigned (its west edge is the region's geodesic, not the input's)")

	// A day equal to the day before adds no row; the 3rd is no change date.
	for _, r := range ds.Rows {
		assert.NotEqual(t, "2024-01-03", r.Date.String(), "row on a day equal to the one before: line %d", r.Line)
	}
	assert.NotContains(t, ds.ChangeDates(), mustDate(t, "2024-01-03"))

	// The faces hold exactly the rounded input.
	for _, r := range im.Reports() {
		assert.InEpsilon(t, r.InputKm2[0], r.HeldKm2[0], 1e-7, r.Date.String())
	}
	// Every district lies in one region or none, and says which.
	for _, d := range ds.Districts {
		assert.Contains(t, []string{"west", "east", ""}, d.Properties["region"], d.ID)
	}
}

func mustDate(t *testing.T, s string) geo.Date {
	t.Helper()
	d, err := geo.ParseDate(s)
	require.NoError(t, err)
	return d
}

// Two sides that touch share a front as long as their shared edge; ground
// both claim goes to the first listed, and the report says how much.
func TestImportTwoSides(t *testing.T) {
	red := rect(30.2, 50.2, 30.4, 50.4)
	green := rect(30.4, 50.2, 30.6, 50.4)
	greenOver := rect(30.35, 50.2, 30.6, 50.4)
	cfg := polygons.Config{Sides: []string{"red", "green"}, Rest: "blue", EdgeM: polygons.DefaultEdgeM}
	im, ds, _ := importDays(t, cfg, twoRegions(), []day{
		{"2024-02-01", []orb.MultiPolygon{mp(red), mp(green)}},
		{"2024-02-02", []orb.MultiPolygon{mp(red), mp(greenOver)}},
	})
	assertKm2(t, ds, "2024-02-01", "red", km2(red))
	assertKm2(t, ds, "2024-02-01", "green", km2(green))
	assertKm2(t, ds, "2024-02-02", "red", km2(red))
	reps := im.Reports()
	assert.Zero(t, reps[0].OverlapKm2)
	// The overlap stays red's: green holds its input less the overlap.
	assert.InEpsilon(t, 0.05/0.25*reps[1].InputKm2[1], reps[1].OverlapKm2, 1e-3, "a fifth of green's claim is red's")
	assert.InEpsilon(t, reps[1].InputKm2[1]-reps[1].OverlapKm2, reps[1].HeldKm2[1], 1e-7)

	shapes, err := geo.NewShapes(ds)
	require.NoError(t, err)
	series, err := shapes.Series(ds.Range())
	require.NoError(t, err)
	edge := geodesic.Length(orb.LineString{{30.4, 50.2}, {30.4, 50.4}}) / 1000
	assert.InEpsilon(t, edge, series[0].FrontlinesKm["green|red"], 1e-6, "the shared edge is the front")
	// red meets blue on three sides, green on the fourth.
	redBlue := geodesic.Length(orb.LineString{{30.4, 50.2}, {30.2, 50.2}, {30.2, 50.4}, {30.4, 50.4}}) / 1000
	assert.InEpsilon(t, redBlue, series[0].FrontlinesKm["blue|red"], 1e-6)
}

// Where a side's map stops at the regions' edge, the ground between its
// line and the edge that no side holds is a sliver: unassigned, not the
// rest side's, so no front runs along the border.
func TestImportEdgeRule(t *testing.T) {
	// Red holds the west region but for a 5 m strip along its west edge
	// (0.00007° of longitude at 50°N).
	red := rect(30.00007, 50, 30.5, 50.5)
	cfg := polygons.Config{Sides: []string{"red"}, Rest: "blue", EdgeM: polygons.DefaultEdgeM}
	_, ds, _ := importDays(t, cfg, twoRegions(), []day{{"2024-03-01", []orb.MultiPolygon{mp(red)}}})
	strip := km2(rect(30, 50, 30.00007, 50.5))
	st, err := ds.Stats(mustDate(t, "2024-03-01"))
	require.NoError(t, err)
	assert.InEpsilon(t, strip, st.UnassignedKm2, 2e-3, "the strip is unassigned (5 m wide, its edges rounded to 1 cm)")
	assert.InEpsilon(t, km2(rect(30.5, 50, 31, 50.5)), st.Sides["blue"].Km2, 1e-6, "blue holds the east region")
	shapes, err := geo.NewShapes(ds)
	require.NoError(t, err)
	series, err := shapes.Series(ds.Range())
	require.NoError(t, err)
	border := geodesic.Length(orb.LineString{{30.5, 50}, {30.5, 50.5}}) / 1000
	assert.InEpsilon(t, border, series[0].FrontlinesKm["blue|red"], 1e-6, "the front is the line between the regions only, not the strip")

	// Off, the strip is blue's and a front runs along it.
	cfg.EdgeM = 0
	_, ds, _ = importDays(t, cfg, twoRegions(), []day{{"2024-03-01", []orb.MultiPolygon{mp(red)}}})
	st, err = ds.Stats(mustDate(t, "2024-03-01"))
	require.NoError(t, err)
	assert.InDelta(t, 0, st.UnassignedKm2, 1e-9)
}

// The same inputs always give the same bytes, and importing the days in
// two runs (the second resumed from the first's state) gives the same
// dataset as importing them at once.
func TestImportDeterministicAndIncremental(t *testing.T) {
	days := []day{
		{"2024-01-01", []orb.MultiPolygon{mp(rect(30.2, 50.2, 30.4, 50.4))}},
		{"2024-01-02", []orb.MultiPolygon{mp(rect(30.3, 50.2, 30.6, 50.4))}},
		{"2024-01-03", []orb.MultiPolygon{mp(withHole(rect(30.3, 50.2, 30.6, 50.4), rect(30.4, 50.25, 30.45, 50.3)))}},
		{"2024-01-04", []orb.MultiPolygon{mp(rect(30.1, 50.1, 30.7, 50.45), rect(30.9, 50.1, 31.2, 50.2))}},
	}
	cfg := polygons.Config{Sides: []string{"red"}, Rest: "blue", EdgeM: polygons.DefaultEdgeM}
	_, _, full := importDays(t, cfg, twoRegions(), days)
	_, _, again := importDays(t, cfg, twoRegions(), days)

	first, err := polygons.New(cfg, twoRegions())
	require.NoError(t, err)
	addDays(t, first, days[:2])
	var state bytes.Buffer
	require.NoError(t, first.Save(&state))
	resumed, err := polygons.Resume(&state)
	require.NoError(t, err)
	assert.True(t, resumed.Config().Same(cfg))
	addDays(t, resumed, days[2:])
	inc := writeDataset(t, resumed)

	for _, name := range []string{geo.DistrictsFile, geo.ControlFile, geo.SidesFile, geo.MetaFile, geo.ReferencesFile, polygons.DaysFile, polygons.StateFile} {
		a := read(t, filepath.Join(full, name))
		assert.Equal(t, a, read(t, filepath.Join(again, name)), "%s differs between two runs", name)
		assert.Equal(t, a, read(t, filepath.Join(inc, name)), "%s differs between a full and an incremental import", name)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	b, err := io.ReadAll(f)
	require.NoError(t, err)
	return string(b)
}

// Region sums equal the totals: every face lies in one region or none.
func TestImportRegionSums(t *testing.T) {
	cfg := polygons.Config{Sides: []string{"red"}, Rest: "blue", EdgeM: polygons.DefaultEdgeM, Group: "group"}
	_, ds, _ := importDays(t, cfg, twoRegions(), []day{
		{"2024-01-01", []orb.MultiPolygon{mp(rect(30.3, 50.2, 30.6, 50.4), rect(30.9, 50.1, 31.2, 50.2))}},
	})
	byRegion := map[string]float64{}
	var total float64
	for _, d := range ds.Districts {
		byRegion[d.Properties["region"].(string)] += d.AreaKm2
		total += d.AreaKm2
	}
	assert.InEpsilon(t, km2(rect(30, 50, 30.5, 50.5)), byRegion["west"], 1e-6)
	assert.InEpsilon(t, km2(rect(30.5, 50, 31, 50.5)), byRegion["east"], 1e-6)
	assert.InEpsilon(t, km2(rect(31, 50.1, 31.2, 50.2)), byRegion[""], 1e-3, "east of the regions: the corner at 31° is on another geodesic")
	assert.InEpsilon(t, total, byRegion["west"]+byRegion["east"]+byRegion[""], 1e-12)
	assert.InEpsilon(t, ds.TotalKm2(), total, 1e-12)
	assert.False(t, math.IsNaN(total))
}

// A last day equal to the day before adds no row, and the dataset still
// runs to it (dataset.json's through).
func TestImportThroughTheLastDay(t *testing.T) {
	s := mp(rect(30.2, 50.2, 30.4, 50.4))
	cfg := polygons.Config{Sides: []string{"red"}, Rest: "blue", EdgeM: polygons.DefaultEdgeM}
	_, ds, _ := importDays(t, cfg, twoRegions(), []day{{"2024-01-01", []orb.MultiPolygon{s}}, {"2024-01-05", []orb.MultiPolygon{s}}})
	assert.Equal(t, []geo.Date{mustDate(t, "2024-01-01")}, ds.ChangeDates())
	assert.Equal(t, "2024-01-01 to 2024-01-05", ds.Range().String())
}
