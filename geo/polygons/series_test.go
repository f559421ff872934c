package polygons_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/geodesic"
	"github.com/frontline/frontline/geo/polygons"
)

// movingFront is a synthetic war over n days on twoRegions' ground (30°–31°
// E, 50°–50.5° N): red holds everything west of a front of 41 vertices
// from the south edge to the north edge, whose ends stay at the regions'
// corners (30.5° E: so red's edges along the ground's are the regions'
// geodesics, and red's input lies wholly in the ground). Each day the
// front moves locally,
// as real ones do: a few neighbouring vertices advance or fall back by up
// to ~400 m; every tenth day is the same as the day before. It returns
// each day's input and front line.
func movingFront(n int, seed uint64) ([]day, []orb.LineString) {
	rng := rand.New(rand.NewPCG(seed, 7))
	const k = 40
	x := make([]float64, k+1)
	for i := range x {
		x[i] = 30.5
	}
	start := geo.Date(0)
	if d, err := geo.ParseDate("2024-01-01"); err == nil {
		start = d
	}
	var days []day
	var lines []orb.LineString
	for d := range n {
		if d%10 != 9 {
			at, width := rng.IntN(k+1), 1+rng.IntN(4)
			step := (rng.Float64() - 0.45) * 0.01 // drifts east
			for i := max(1, at-width); i <= min(k-1, at+width); i++ {
				x[i] = min(30.8, max(30.2, x[i]+step))
			}
		}
		line := make(orb.LineString, k+1)
		for i := range line {
			line[i] = orb.Point{x[i], 50 + 0.5*float64(i)/k}
		}
		ring := orb.Ring{{30, 50}}
		ring = append(ring, line...)
		ring = append(ring, orb.Point{30, 50.5}, orb.Point{30, 50})
		days = append(days, day{(start + geo.Date(d)).String(), []orb.MultiPolygon{mp(orb.Polygon{ring})}})
		lines = append(lines, line)
	}
	return days, lines
}

// A longer series, a front that moves a little every day for 120 days:
// every day's km² is its input's geodesic area, the rest is the ground
// less it, the front is the moving line (never the ground's edge), a day
// equal to the one before adds no row, the faces grow with the changes
// (not with days × line), and a run resumed half-way ends as one run.
func TestImportLongSyntheticSeries(t *testing.T) {
	const n = 120
	days, lines := movingFront(n, 1)
	cfg := polygons.Config{Sides: []string{"red"}, Rest: "blue", EdgeM: polygons.DefaultEdgeM}
	im, ds, full := importDays(t, cfg, twoRegions(), days)
	ground := km2(rect(30, 50, 30.5, 50.5)) + km2(rect(30.5, 50, 31, 50.5))
	assert.InEpsilon(t, ground, ds.TotalKm2(), 1e-8, "the ground is the regions (nodes on their edges are rounded to 1 cm)")

	shapes, err := geo.NewShapes(ds)
	require.NoError(t, err)
	series, err := shapes.Series(ds.Range())
	require.NoError(t, err)
	require.Len(t, series, n)
	for i, s := range series {
		red := km2(days[i].sides[0])
		require.InEpsilon(t, red, s.Sides["red"].Km2, 1e-6, days[i].date)
		require.InEpsilon(t, ground-red, s.Sides["blue"].Km2, 1e-6, days[i].date)
		front := geodesic.Length(lines[i]) / 1000
		require.InEpsilon(t, front, s.FrontlinesKm["blue|red"], 1e-6, "%s: the front is the line, not the edge", days[i].date)
	}
	for _, r := range ds.Rows {
		d := int(r.Date - mustDate(t, days[0].date))
		assert.NotEqual(t, 9, d%10, "row %d on %s, a day equal to the one before", r.Line, r.Date)
	}
	// Each change cuts a few faces out of the ones it crosses: the faces
	// grow with the changes, some tens a change at most, not with every
	// line crossing every other.
	changes := len(ds.ChangeDates())
	t.Logf("%d faces, %d change dates", len(ds.Districts), changes)
	assert.Less(t, len(ds.Districts), 40*changes, "faces for %d change dates", changes)
	for _, r := range im.Reports() {
		assert.InEpsilon(t, r.InputKm2[0], r.HeldKm2[0], 1e-7, r.Date.String())
	}

	first, err := polygons.New(cfg, twoRegions())
	require.NoError(t, err)
	addDays(t, first, days[:n/2])
	var state bytes.Buffer
	require.NoError(t, first.Save(&state))
	resumed, err := polygons.Resume(&state)
	require.NoError(t, err)
	addDays(t, resumed, days[n/2:])
	inc := writeDataset(t, resumed)
	for _, name := range []string{geo.DistrictsFile, geo.ControlFile, polygons.StateFile} {
		assert.Equal(t, read(t, full+"/"+name), read(t, inc+"/"+name), "%s differs between one run and a resumed one", name)
	}
}

// BenchmarkImportDay is the importer's cost per day of a front that moves
// locally (movingFront), one import of 100 days per iteration.
func BenchmarkImportDay(b *testing.B) {
	days, _ := movingFront(100, 2)
	in := make([][]polygons.Day, len(days))
	dates := make([]geo.Date, len(days))
	for i, d := range days {
		date, err := geo.ParseDate(d.date)
		require.NoError(b, err)
		dates[i] = date
		in[i] = []polygons.Day{{Date: date, Polygons: d.sides[0], File: d.date + ".geojson", SHA256: fmt.Sprintf("%064d", i)}}
	}
	cfg := polygons.Config{Sides: []string{"red"}, Rest: "blue", EdgeM: polygons.DefaultEdgeM}
	b.ResetTimer()
	for range b.N {
		im, err := polygons.New(cfg, twoRegions())
		require.NoError(b, err)
		for i := range days {
			if _, err := im.Add(dates[i], in[i]); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(days))/1e6, "ms/day")
}
