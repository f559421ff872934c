package site

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/internal/testkit"
	"github.com/frontline/frontline/server"
)

// A district id is written into a path as the page writes it, with
// JavaScript's encodeURIComponent (outputs from Node), so that the
// manifest's key is the page's request byte for byte.
func TestEscapeComponentIsEncodeURIComponent(t *testing.T) {
	for in, want := range map[string]string{
		"a b/c'(é)":   "a%20b%2Fc'(%C3%A9)",
		"x?y#z&w=1+2": "x%3Fy%23z%26w%3D1%2B2",
		"~!*._-":      "~!*._-",
		"%41":         "%2541",
		"حلب":         "%D8%AD%D9%84%D8%A8",
	} {
		assert.Equal(t, want, escapeComponent(in), in)
	}
}

// A file is named after its request, safely, with the extension of its
// type; a download keeps the name the server gives it.
func TestFileName(t *testing.T) {
	json := http.Header{"Content-Type": {"application/json"}}
	geojson := http.Header{"Content-Type": {"application/geo+json"}}
	for _, c := range []struct {
		key  string
		h    http.Header
		want string
	}{
		{"/api/control/2016-12-06", json, "control_2016-12-06.json"},
		{"/api/snapshot/2016-12-06", geojson, "snapshot_2016-12-06.geojson"},
		{"/api/stats/2016-12-06?by=group", json, "stats_2016-12-06_by_group.json"},
		{"/api/stats?to=2016-12-22&from=2016-11-15", json, "stats_from_2016-11-15_to_2016-12-22.json"},
		{"/api/districts.topojson", json, "districts.topojson.json"},
		{"/api/districts/a%20b%2Fc'(%C3%A9)", json, "districts_a_b_c_____.json"},
		{"/api/districts/..", json, "districts_...json"},
		{"/api/stats.csv", http.Header{"Content-Type": {"text/csv; charset=utf-8"}, "Content-Disposition": {`attachment; filename="stats_2016-11-15_2016-12-22.csv"`}},
			"stats_2016-11-15_2016-12-22.csv"},
		{"/api/export.gpkg", http.Header{"Content-Type": {"application/geopackage+sqlite3"}, "Content-Disposition": {`attachment; filename="../../etc/x.gpkg"`}},
			"_.._etc_x.gpkg"},
	} {
		name := fileName(c.key, c.h)
		assert.Equal(t, c.want, name, c.key)
		assert.True(t, validPath("data/0123456789abcdef/"+name), "%s: %s", c.key, name)
	}
}

// A dataset whose range holds more values than one request may ask (here
// 3,000 sides over two years) has the series the page asks for (its last
// days, as web/static/js/api.js asks them), and no file for the answers
// over the whole range, which the live server refuses: the export says
// so instead of failing. Any other refusal fails the export (and
// TestSiteEqualsTheAPI checks that a dataset that fits has none).
func TestLongDatasetsSeriesAndRefusals(t *testing.T) {
	var sides strings.Builder
	sides.WriteString(string(testkit.ReadSmall(t, geo.SidesFile)))
	for i := range 3000 {
		fmt.Fprintf(&sides, "unused-%d,Unused %d,#123456\n", i, i)
	}
	control := string(testkit.ReadSmall(t, geo.ControlFile)) + "2018-12-22,north-east,opposition,1,[7],\n"
	ds, err := geo.LoadDir(testkit.SmallMapFS(t, map[string]string{geo.SidesFile: sides.String(), geo.ControlFile: control}), "long")
	require.NoError(t, err)
	r := ds.Range()
	require.Less(t, ds.MaxSeriesDays(), r.Days())
	ts, err := targets(routes, ds, false)
	require.NoError(t, err)
	first := (r.Last - geo.Date(ds.MaxSeriesDays()-1)).String()
	var keys []string
	for _, tg := range ts {
		keys = append(keys, tg.key)
	}
	assert.Contains(t, keys, "/api/stats?from="+first+"&to="+r.Last.String(), "the page's series")

	srv, err := server.New(server.Deps{Dataset: ds}, server.Config{})
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, srv.Close()) })
	dir := t.TempDir()
	b := &builder{dir: dir, tmp: t.TempDir(), prev: map[string]Entry{}, h: srv.Handler(), files: map[string]*file{}, keys: map[string]string{}}
	require.NoError(t, b.run([]target{{key: "/api/stats", whole: true}, {key: "/api/stats.csv", with: "/api/stats.csvt", whole: true},
		{key: "/api/stats?from=" + first + "&to=" + r.Last.String()}}, Options{}))
	assert.Len(t, b.refused, 2)
	for _, msg := range b.refused {
		assert.Contains(t, msg, "400 Bad Request")
		assert.Contains(t, msg, "days asked, at most")
	}
	assert.Contains(t, b.keys, "/api/stats?from="+first+"&to="+r.Last.String())
	assert.NotContains(t, b.keys, "/api/stats")

	err = b.run([]target{{key: "/api/control/2000-01-01"}}, Options{})
	assert.ErrorContains(t, err, "404", "a refusal of an answer that is not over the whole range is an error")
	err = b.run([]target{{key: "/api/export.gpkg.nothing", whole: true}}, Options{})
	assert.ErrorContains(t, err, "404", "and any refusal but a 400")
}

// With the last snapshot only, a day's snapshot is a file for the last
// day and no other; every other answer of every day stays.
func TestLastSnapshotOnly(t *testing.T) {
	ds := testkit.Small(t)
	all, err := targets(routes, ds, false)
	require.NoError(t, err)
	last, err := targets(routes, ds, true)
	require.NoError(t, err)
	snap := func(ts []target) []string {
		var out []string
		for _, t := range ts {
			if strings.HasPrefix(t.key, "/api/snapshot/") {
				out = append(out, t.key)
			}
		}
		return out
	}
	assert.Len(t, snap(all), ds.Range().Days())
	assert.Equal(t, []string{"/api/snapshot/" + ds.Range().Last.String()}, snap(last))
	assert.Equal(t, len(all)-ds.Range().Days()+1, len(last))
}

// A big dataset's site holds the drawing layer of every zoom band the page
// asks for; a city's holds the 1 m layer only.
func TestZoomBandsForBigDatasets(t *testing.T) {
	bands := func(ds *geo.Dataset) []string {
		ts, err := targets(routes, ds, false)
		require.NoError(t, err)
		var out []string
		for _, t := range ts {
			if strings.HasPrefix(t.key, "/api/districts.topojson?z=") {
				out = append(out, t.key)
			}
		}
		return out
	}
	assert.Empty(t, bands(testkit.Small(t)))
	fsys, err := geo.SynthFS(geo.SynthOptions{NX: 25, NY: 20, Dates: 3, Pace: 1, Seed: 1})
	require.NoError(t, err)
	big, err := geo.LoadDir(fsys, "big")
	require.NoError(t, err)
	got := bands(big)
	assert.Len(t, got, 17)
	assert.Contains(t, got, "/api/districts.topojson?z=0")
	assert.Contains(t, got, "/api/districts.topojson?z=16")
}
