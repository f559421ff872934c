package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/internal/testkit"
)

// /api/gains and /api/gains.csv are geo.Dataset.Gains: by month unless
// every says otherwise, over the whole range unless from and to narrow it.
func TestGains(t *testing.T) {
	h := newServer(t).Handler()
	ds := testkit.Small(t)
	for _, tt := range []struct {
		query    string
		every    geo.Every
		from, to string
	}{
		{"", geo.EveryMonth, "", ""},
		{"?every=week", geo.EveryWeek, "", ""},
		{"?every=day&from=2016-11-19&to=2016-12-02", geo.EveryDay, "2016-11-19", "2016-12-02"},
		{"?every=month&to=2017-01-10", geo.EveryMonth, "", "2017-01-10"},
	} {
		rec := get(t, h, "/api/gains"+tt.query)
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
		r, err := ds.RangeArg(geo.Arg{Name: "from", Value: tt.from}, geo.Arg{Name: "to", Value: tt.to})
		require.NoError(t, err)
		want, err := ds.Gains(r, tt.every)
		require.NoError(t, err)
		var got geo.Gains
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &got))
		assert.Equal(t, want, got, tt.query)
	}

	csv := get(t, h, "/api/gains.csv?every=week")
	require.Equal(t, http.StatusOK, csv.Code, csv.Body.String())
	assert.Equal(t, "text/csv; charset=utf-8", csv.Header().Get("Content-Type"))
	assert.Equal(t, `attachment; filename="gains_week_2016-11-15_2016-12-22.csv"`, csv.Header().Get("Content-Disposition"))
	golden(t, "gains-week.csv", csv.Body.Bytes())
	assert.Equal(t, `attachment; filename="gains_month_2016-11-15_2016-12-22.csv"`, get(t, h, "/api/gains.csv").Header().Get("Content-Disposition"))
	// GDAL asks for the .csvt without the query: the types are the same.
	for _, target := range []string{"/api/gains.csvt", "/api/gains.csvt?every=day"} {
		rec := get(t, h, target)
		require.Equal(t, http.StatusOK, rec.Code)
		assert.Equal(t, `"String","String","Real","Real","Real","Integer(Boolean)","Date","Date"`+"\n", rec.Body.String())
	}
	// GDAL's CSV driver opens only paths ending in .csv: the same CSV at
	// /api/gains_EVERY.csv and /api/gains_EVERY_FROM_TO.csv.
	assert.Equal(t, csv.Body.String(), get(t, h, "/api/gains_week.csv").Body.String())
	assert.Equal(t, csv.Header().Get("Content-Disposition"), get(t, h, "/api/gains_week.csv").Header().Get("Content-Disposition"))
	part := get(t, h, "/api/gains_day_2016-11-19_2016-11-21.csv")
	require.Equal(t, http.StatusOK, part.Code, part.Body.String())
	assert.Equal(t, get(t, h, "/api/gains.csv?every=day&from=2016-11-19&to=2016-11-21").Body.String(), part.Body.String())
	assert.Equal(t, get(t, h, "/api/gains_day.csv?from=2016-11-19&to=2016-11-21").Body.String(), part.Body.String())
	assert.Equal(t, `attachment; filename="gains_day_2016-11-19_2016-11-21.csv"`, part.Header().Get("Content-Disposition"))
	for _, target := range []string{"/api/gains_week.csvt", "/api/gains_month_2016-11-19_2016-11-21.csvt"} {
		assert.Equal(t, get(t, h, "/api/gains.csvt").Body.String(), get(t, h, target).Body.String(), target)
	}
	etag := csv.Header().Get("ETag")
	assert.Equal(t, http.StatusNotModified, get(t, h, "/api/gains.csv?every=week", "If-None-Match", etag).Code)

	for _, tt := range []struct {
		target string
		status int
		detail string
	}{
		{"/api/gains?every=year", 400, `parameter \"every\" \"year\": use month, week or day`},
		{"/api/gains.csv?every=", 400, "use month, week or day"},
		{"/api/gains.csvt?every=fortnight", 400, "use month, week or day"},
		{"/api/gains?from=2016-11-01", 404, "before the dataset begins"},
		{"/api/gains?from=2016-12-01&to=2016-11-20", 400, "is after"},
		{"/api/gains?by=name", 400, `unknown parameter \"by\": /api/gains takes every, from, to`},
		{"/api/gains_year.csv", 400, `the period in /api/gains_year.csv \"year\": use month, week or day`},
		{"/api/gains_week.csv?every=day", 400, `unknown parameter \"every\"`},
		{"/api/gains_week_2016-11-19.csv", 404, "use /api/gains_EVERY_FROM_TO.csv"},
		{"/api/gains_week_2016-11-19_2016-11-21.csv?from=2016-11-20", 400, "the path gives the range"},
		{"/api/gains_week_2016-11-21_2016-11-19.csv", 400, "is after"},
		{"/api/gains_week.json", 404, "use /api/gains.csv, /api/gains_EVERY.csv"},
	} {
		rec := get(t, h, tt.target)
		assert.Equal(t, tt.status, rec.Code, tt.target)
		assert.Contains(t, rec.Body.String(), tt.detail, tt.target)
	}
}

// The change summary gives the front length of each pair on both dates,
// those of /api/stats on each, and the change between them.
func TestChangesSummaryFronts(t *testing.T) {
	h := newServer(t).Handler()
	var sum geo.ChangeSummary
	rec := get(t, h, "/api/changes/summary?from=2016-11-20&to=2016-12-01")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &sum))
	var from, to geo.SeriesDay
	require.NoError(t, json.Unmarshal(get(t, h, "/api/stats/2016-11-20").Body.Bytes(), &from))
	require.NoError(t, json.Unmarshal(get(t, h, "/api/stats/2016-12-01").Body.Bytes(), &to))
	require.Len(t, sum.Frontlines, len(from.FrontlinesKm))
	changed := 0
	for p, km := range from.FrontlinesKm {
		f := sum.Frontlines[p]
		assert.Equal(t, km, f.FromKm, p)
		assert.Equal(t, to.FrontlinesKm[p], f.ToKm, p)
		assert.Equal(t, f.ToKm-f.FromKm, f.ChangeKm, p)
		if f.ChangeKm != 0 {
			changed++
		}
	}
	assert.Positive(t, changed)
}

// Any CSV path of the stats by group or of the gains, and any ?by=, gets
// an answer or a problem, never a crash or a 5xx.
func FuzzCSVPaths(f *testing.F) {
	for _, s := range []string{"by_name", "by_name_ar_2016-11-15_2016-11-20", "by__2016-11-15_2016-11-20", "week", "day_2016-11-19_2016-11-21",
		"month_2016-11-19", "by_name_2016-13-01_2016-11-20", "by_%2F", "by_name.csv", "week__", "by_name__"} {
		f.Add(s)
	}
	h := newServer(f).Handler()
	f.Fuzz(func(t *testing.T, s string) {
		esc := url.PathEscape(s)
		for _, target := range []string{"/api/stats_" + esc + ".csv", "/api/stats_" + esc + ".csvt", "/api/gains_" + esc + ".csv",
			"/api/stats.csv?by=" + url.QueryEscape(s), "/api/stats/2016-11-20?by=" + url.QueryEscape(s)} {
			rec := get(t, h, target)
			require.Less(t, rec.Code, 500, "%s: %s", target, rec.Body.String())
			if rec.Code >= 400 {
				require.Equal(t, "application/problem+json", rec.Header().Get("Content-Type"), target)
			}
		}
	})
}
