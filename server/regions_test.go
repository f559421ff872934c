package server_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/data"
	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/internal/testkit"
	"github.com/frontline/frontline/server"
)

// /api/stats/{date}?by=PROP is geo.Regions on that date; on Aleppo, by
// kind, the groups add up to /api/stats' totals to 1e-9.
func TestStatsBy(t *testing.T) {
	h := newServer(t).Handler()
	ds := testkit.Small(t)
	regions, err := geo.NewRegions(ds, "name_ar")
	require.NoError(t, err)
	for _, day := range []string{"2016-11-15", "2016-11-28", "2017-01-01"} {
		rec := get(t, h, "/api/stats/"+day+"?by=name_ar")
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		var got geo.RegionStats
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &got))
		d, _ := geo.ParseDate(day)
		want, err := regions.On(d)
		require.NoError(t, err)
		assert.Equal(t, want, got, day)
	}

	aleppo, err := geo.LoadDir(data.Default(), data.DefaultName)
	require.NoError(t, err)
	srv, err := server.New(server.Deps{Dataset: aleppo}, server.Config{})
	require.NoError(t, err)
	for _, day := range []string{"2016-11-15", "2016-12-06", "2016-12-22"} {
		var by geo.RegionStats
		var total geo.Stats
		require.NoError(t, json.Unmarshal(get(t, srv.Handler(), "/api/stats/"+day+"?by=kind").Body.Bytes(), &by))
		require.NoError(t, json.Unmarshal(get(t, srv.Handler(), "/api/stats/"+day).Body.Bytes(), &total))
		require.Len(t, by.Groups, 7, "residential, industrial, institution, cemetery, landmark, park, airport")
		sums := map[string]float64{}
		var ground, unassigned float64
		for _, g := range by.Groups {
			for id, a := range g.Sides {
				sums[id] += a.Km2
			}
			ground += g.TotalKm2
			unassigned += g.UnassignedKm2
		}
		for id, a := range total.Sides {
			assert.InDelta(t, a.Km2, sums[id], 1e-9*total.TotalKm2, "%s %s", day, id)
		}
		assert.InEpsilon(t, total.TotalKm2, ground, 1e-9, day)
		assert.InDelta(t, total.UnassignedKm2, unassigned, 1e-9*total.TotalKm2, day)
	}
}

// The regions CSV has GDAL paths of its own (/api/stats_by_PROP.csv and
// _FROM_TO, with their .csvt), answered as /api/stats.csv?by=PROP is.
func TestStatsByCSV(t *testing.T) {
	h := newServer(t).Handler()
	whole := get(t, h, "/api/stats_by_name_ar.csv")
	require.Equal(t, http.StatusOK, whole.Code, whole.Body.String())
	assert.Equal(t, "text/csv; charset=utf-8", whole.Header().Get("Content-Type"))
	assert.Equal(t, `attachment; filename="stats_by_name_ar_2016-11-15_2016-12-22.csv"`, whole.Header().Get("Content-Disposition"))
	golden(t, "stats-by-name_ar.csv", whole.Body.Bytes())
	for _, target := range []string{"/api/stats.csv?by=name_ar", "/api/stats.csv?by=name_ar&shape=long", "/api/stats_by_name_ar.csv?by=name_ar",
		"/api/stats_by_name_ar_2016-11-15_2016-12-22.csv", "/api/stats_2016-11-15_2016-12-22.csv?by=name_ar"} {
		rec := get(t, h, target)
		assert.Equal(t, whole.Body.String(), rec.Body.String(), target)
		assert.Equal(t, whole.Header().Get("Content-Disposition"), rec.Header().Get("Content-Disposition"), target)
	}
	week := get(t, h, "/api/stats_by_name_ar_2016-11-15_2016-11-21.csv")
	require.Equal(t, http.StatusOK, week.Code)
	assert.Equal(t, `attachment; filename="stats_by_name_ar_2016-11-15_2016-11-21.csv"`, week.Header().Get("Content-Disposition"))
	assert.Equal(t, week.Body.String(), get(t, h, "/api/stats.csv?by=name_ar&from=2016-11-15&to=2016-11-21").Body.String())
	assert.Equal(t, 1+7*2*4, len(splitLines(week.Body.String())), "7 days × 2 groups × 3 sides and unassigned")
	for _, target := range []string{"/api/stats_by_name_ar.csvt", "/api/stats_by_name_ar_2016-11-15_2016-11-21.csvt", "/api/stats.csvt?by=name_ar"} {
		rec := get(t, h, target)
		require.Equal(t, http.StatusOK, rec.Code, target)
		assert.Equal(t, `"Date","String","String","Real","Real"`+"\n", rec.Body.String(), target)
	}
	// A property with an underscore, or several, is one name.
	assert.Equal(t, http.StatusOK, get(t, h, "/api/stats_by_name.csv").Code)

	etag := whole.Header().Get("ETag")
	require.NotEmpty(t, etag)
	assert.Equal(t, http.StatusNotModified, get(t, h, "/api/stats_by_name_ar.csv", "If-None-Match", etag).Code)
}

func splitLines(s string) []string {
	var out []string
	for len(s) > 0 {
		i := 0
		for i < len(s) && s[i] != '\n' {
			i++
		}
		out = append(out, s[:i])
		if i < len(s) {
			i++
		}
		s = s[i:]
	}
	return out
}

func TestStatsByProblems(t *testing.T) {
	h := newServer(t).Handler()
	for _, tt := range []struct {
		target string
		status int
		detail string
	}{
		{"/api/stats/2016-11-20?by=nam", 400, `no district property \"nam\": did you mean \"name\"? Group by one of: name, name_ar`},
		{"/api/stats/2016-11-20?by=oblast", 400, `no district property \"oblast\": group by one of: name, name_ar`},
		{"/api/stats/2016-11-20?by=", 400, "group by one of: name, name_ar"},
		{"/api/stats/2016-11-20?by=name&baseline=2016-11-15&of=opposition", 400, "by does not go with baseline and of"},
		{"/api/stats/2016-11-01?by=name", 404, "before the dataset begins"},
		{"/api/stats.csv?by=oblast", 400, "group by one of: name, name_ar"},
		{"/api/stats.csvt?by=oblast", 400, "group by one of: name, name_ar"},
		{"/api/stats_by_oblast.csv", 400, "group by one of: name, name_ar"},
		{"/api/stats_by_.csv", 404, "name the property after _by_"},
		{"/api/stats_by_name.csv?by=name_ar", 400, `the path groups by \"name\" and parameter \"by\" by \"name_ar\"`},
		{"/api/stats.csv?by=name&shape=wide", 400, "by gives the long shape"},
		{"/api/stats_by_name_2016-11-21_2016-11-15.csv", 400, `parameter \"from\" (2016-11-21) is after parameter \"to\" (2016-11-15)`},
		{"/api/stats_by_name_2016-11-15_2016-13-01.csv", 400, "there is no month 13"},
		{"/api/stats?by=name", 400, `unknown parameter \"by\"`},
	} {
		rec := get(t, h, tt.target)
		assert.Equal(t, tt.status, rec.Code, tt.target)
		assert.Equal(t, "application/problem+json", rec.Header().Get("Content-Type"), tt.target)
		assert.Contains(t, rec.Body.String(), tt.detail, tt.target)
	}
}
