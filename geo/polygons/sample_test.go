//go:build !race

// The real sample takes tens of seconds under the race detector: make
// test runs it in its own pass, without it.

package polygons_test

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/geodesic"
	"github.com/frontline/frontline/geo/polygons"
	"github.com/frontline/frontline/internal/testkit"
)

// sampleDays are five consecutive days of DeepState's map of November
// 2024, read from ../shared (never from the repository).
var sampleDays = []string{"20241110", "20241111", "20241112", "20241113", "20241114"}

func readSample(t *testing.T, sample string, days []string) [][]polygons.Day {
	t.Helper()
	var out [][]polygons.Day
	for _, d := range days {
		ds, problems, err := polygons.ReadDays(filepath.Join(sample, "deepstatemap_data_"+d+".geojson"), geo.DefaultMaxFileBytes)
		require.NoError(t, err, "%v", problems)
		require.Len(t, ds, 1)
		out = append(out, ds)
	}
	return out
}

func raionRegions(t *testing.T, raions string) []polygons.Region {
	t.Helper()
	regions, _, _, err := polygons.ReadRegions(raions, "osm_id", "name", "oblast", geo.DefaultMaxFileBytes)
	require.NoError(t, err)
	require.Len(t, regions, 147)
	return regions
}

// planimeterKm2 is the area of a MultiPolygon by GeographicLib's own
// Planimeter (geographiclib-tools), independent of PROJ's C port that
// frontline measures with: shells less holes.
func planimeterKm2(t *testing.T, mp orb.MultiPolygon) float64 {
	t.Helper()
	var total float64
	for _, p := range mp {
		for i, r := range p {
			var in bytes.Buffer
			for _, pt := range r[:len(r)-1] {
				fmt.Fprintf(&in, "%.9f %.9f\n", pt[1], pt[0])
			}
			cmd := exec.Command("Planimeter", "-r")
			cmd.Stdin = &in
			out, err := cmd.Output()
			require.NoError(t, err)
			f := strings.Fields(string(out))
			require.Len(t, f, 3, "Planimeter said %q", out)
			a, err := strconv.ParseFloat(f[2], 64)
			require.NoError(t, err)
			if i == 0 {
				total += math.Abs(a)
			} else {
				total -= math.Abs(a)
			}
		}
	}
	return total / 1e6
}

// TestSampleAreasFrontsAndResume imports five real days with the OSM
// raions and checks what users quote: each day's km² equals the area of
// DeepState's polygon as GeographicLib measures it (1e-6 relative is the
// target), the ground is the raions and the polygons, no front runs along
// the ground's edge (the state border, the coast), and a run resumed from
// the state gives the same dataset as one run.
func TestSampleAreasFrontsAndResume(t *testing.T) {
	if _, err := exec.LookPath("Planimeter"); err != nil {
		t.Skipf("needs GeographicLib's Planimeter (apt-get install geographiclib-tools): %v", err)
	}
	sample, raions := testkit.Ukraine(t)
	days := readSample(t, sample, sampleDays)
	cfg := polygons.Config{Sides: []string{"russia"}, Rest: "ukraine", EdgeM: polygons.DefaultEdgeM, Group: "oblast"}
	im, err := polygons.New(cfg, raionRegions(t, raions))
	require.NoError(t, err)
	for _, d := range days {
		_, err := im.Add(d[0].Date, d)
		require.NoError(t, err)
	}
	dir := writeDataset(t, im)
	ds, err := geo.LoadDir(os.DirFS(dir), "ukraine")
	require.NoError(t, err)

	for _, d := range days {
		want := planimeterKm2(t, d[0].Polygons)
		st, err := ds.Stats(d[0].Date)
		require.NoError(t, err)
		got := st.Sides["russia"].Km2
		assert.InEpsilon(t, want, got, 1e-6, "%s: frontline %v km², GeographicLib %v km²", d[0].Date, got, want)
		assert.InEpsilon(t, ds.TotalKm2()-got-st.UnassignedKm2, st.Sides["ukraine"].Km2, 1e-9, "the rest side is the ground minus the others")
		assert.Less(t, st.UnassignedKm2, 200.0, "%s: unassigned slivers", d[0].Date)
	}
	assert.InDelta(t, 603_828, ds.TotalKm2(), 10, "the raions (602,517 km² as a union) and the polygon outside them")

	fronts(t, ds)

	// Resumed after three days, the same dataset.
	first, err := polygons.New(cfg, raionRegions(t, raions))
	require.NoError(t, err)
	for _, d := range days[:3] {
		_, err := first.Add(d[0].Date, d)
		require.NoError(t, err)
	}
	var state bytes.Buffer
	require.NoError(t, first.Save(&state))
	resumed, err := polygons.Resume(&state)
	require.NoError(t, err)
	for _, d := range days[3:] {
		_, err := resumed.Add(d[0].Date, d)
		require.NoError(t, err)
	}
	inc := writeDataset(t, resumed)
	for _, name := range []string{geo.DistrictsFile, geo.ControlFile, geo.ReferencesFile, polygons.DaysFile} {
		assert.Equal(t, read(t, filepath.Join(dir, name)), read(t, filepath.Join(inc, name)), "%s: resumed differs from one run", name)
	}
}

// fronts checks that the front between Russia and Ukraine is where they
// meet inside the ground: its length is that of the line DeepState draws
// across the country (1,000–1,600 km, the Dnipro included), and almost
// none of it lies within 200 m of the ground's edge (the state border and
// the coast), which it only crosses where the line reaches the border.
func fronts(t *testing.T, ds *geo.Dataset) {
	t.Helper()
	shapes, err := geo.NewShapes(ds)
	require.NoError(t, err)
	last := ds.Range().Last
	day, err := shapes.On(last)
	require.NoError(t, err)
	require.Len(t, day.Frontlines, 1)
	front := day.Frontlines[0]
	assert.Equal(t, [2]string{"russia", "ukraine"}, front.Sides)
	km := front.LengthM / 1000
	assert.True(t, km > 1000 && km < 1600, "front %v km", km)

	// The ground's edge: the segments of exactly one district.
	uses := map[[2]orb.Point]int{}
	for _, d := range ds.Districts {
		var mp orb.MultiPolygon
		switch g := d.Geometry.(type) {
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			mp = g
		}
		for _, p := range mp {
			for _, r := range p {
				for j := 0; j+1 < len(r); j++ {
					a, b := r[j], r[j+1]
					if b[0] < a[0] || b[0] == a[0] && b[1] < a[1] {
						a, b = b, a
					}
					uses[[2]orb.Point{a, b}]++
				}
			}
		}
	}
	// Points every ~100 m along the front, each tested against the edge
	// segments near it (a grid of 0.01° cells).
	const cell = 0.01
	grid := map[[2]int][][2]orb.Point{}
	key := func(p orb.Point) [2]int { return [2]int{int(math.Floor(p[0] / cell)), int(math.Floor(p[1] / cell))} }
	for s, n := range uses {
		if n != 1 {
			continue
		}
		k0, k1 := key(s[0]), key(s[1])
		for x := min(k0[0], k1[0]); x <= max(k0[0], k1[0]); x++ {
			for y := min(k0[1], k1[1]); y <= max(k0[1], k1[1]); y++ {
				grid[[2]int{x, y}] = append(grid[[2]int{x, y}], s)
			}
		}
	}
	nearEdge := func(p orb.Point) bool {
		k := key(p)
		for dx := -1; dx <= 1; dx++ {
			for dy := -1; dy <= 1; dy++ {
				for _, s := range grid[[2]int{k[0] + dx, k[1] + dy}] {
					if geodesic.Distance(p, nearestOn(p, s[0], s[1])) < 200 {
						return true
					}
				}
			}
		}
		return false
	}
	var nearKm float64
	var where []string
	for _, l := range front.Geometry {
		for j := 0; j+1 < len(l); j++ {
			a, b := l[j], l[j+1]
			m := geodesic.Distance(a, b)
			n := max(1, int(m/100))
			for k := 0; k < n; k++ {
				f := (float64(k) + 0.5) / float64(n)
				p := orb.Point{a[0] + f*(b[0]-a[0]), a[1] + f*(b[1]-a[1])}
				if nearEdge(p) {
					nearKm += m / float64(n) / 1000
					if len(where) < 20 && (len(where) == 0 || where[len(where)-1] != fmt.Sprintf("%.2f,%.2f", p[0], p[1])) {
						where = append(where, fmt.Sprintf("%.2f,%.2f", p[0], p[1]))
					}
				}
			}
		}
	}
	t.Logf("front within 200 m of the edge: %.1f km, at %v", nearKm, where)
	// Where the front meets the border, and along the Kinburn spit, whose
	// coast it follows, it comes near the edge: about 2 % of it.
	assert.Less(t, nearKm, 0.03*km, "%.1f km of the %.0f km front lie within 200 m of the state border or coast", nearKm, km)
}

// nearestOn is the point of segment a–b nearest to p (planar, in degrees:
// near enough at 200 m).
func nearestOn(p, a, b orb.Point) orb.Point {
	dx, dy := b[0]-a[0], b[1]-a[1]
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = math.Max(0, math.Min(1, ((p[0]-a[0])*dx+(p[1]-a[1])*dy)/l))
	}
	return orb.Point{a[0] + t*dx, a[1] + t*dy}
}
