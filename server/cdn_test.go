package server_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/internal/testkit"
	"github.com/frontline/frontline/server"
	"github.com/frontline/frontline/web"
)

// Each kind of answer has the lifetime a CDN in front needs (issue 20):
// the fingerprinted files a year, the page a minute in shared caches only,
// what a new version changes a minute, the rest Config.MaxAge; each may be
// served stale as long again while it is revalidated.
func TestCacheControlPerRoute(t *testing.T) {
	ds := testkit.Small(t)
	srv, err := server.New(server.Deps{Dataset: ds, Assets: web.Assets()}, server.Config{MaxAge: 2 * time.Hour, AllowedHosts: testHosts})
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, srv.Close()) })
	h := srv.Handler()
	r := ds.Range()
	last, after := r.Last.String(), (r.Last + 3).String()
	const (
		day    = "public, max-age=7200, stale-while-revalidate=7200"
		latest = "public, max-age=60, stale-while-revalidate=60"
		page   = "public, max-age=0, must-revalidate, s-maxage=60"
	)
	cases := map[string]string{
		"/api/meta":                                        latest,
		"/api/districts":                                   day,
		"/api/districts.topojson":                          day,
		"/api/districts/islands":                           day,
		"/api/control/" + last:                             day,
		"/api/control/" + after:                            latest,
		"/api/snapshot/2016-11-20":                         day,
		"/api/territory/" + after:                          latest,
		"/api/frontlines/2016-11-20":                       day,
		"/api/stats/2016-11-20":                            day,
		"/api/stats/" + after:                              latest,
		"/api/stats":                                       latest,
		"/api/stats?from=2016-11-15":                       latest,
		"/api/stats?to=" + last:                            day,
		"/api/stats?to=" + after:                           latest,
		"/api/stats.csv":                                   latest,
		"/api/stats_long.csvt":                             latest,
		"/api/stats_2016-11-15_" + last + ".csv":           day,
		"/api/changes?from=2016-11-15&to=2016-11-20":       day,
		"/api/changes/summary?from=2016-11-15&to=" + after: latest,
		"/api/changes.csv":                                 latest,
		"/api/changes_2016-11-15_2016-11-20.csv":           day,
		"/api/export.gpkg":                                 latest,
		"/api/references":                                  day,
		"/":                                                page,
		"/js/main.js":                                      page,
		"/healthz":                                         "no-store",
		"/api/control/1990-01-01":                          "no-store",
	}
	for _, p := range srv.PageFiles()[1:] {
		cases[p] = "public, max-age=31536000, immutable"
	}
	for target, want := range cases {
		rec := get(t, h, target)
		assert.Equal(t, want, rec.Header().Get("Cache-Control"), target)
	}
}

// Vary names only what the body depends on: Accept-Encoding where a
// compressed form may be sent, Accept where the format is negotiated, and
// never Origin (every answer allows every origin alike), so that a shared
// cache keeps one copy of each answer.
func TestVaryOnlyWhereTheBodyVaries(t *testing.T) {
	h := newServer(t).Handler()
	for _, c := range []struct {
		target string
		vary   []string
	}{
		{"/api/snapshot/2016-11-20", []string{"Accept-Encoding"}},
		{"/api/stats", []string{"Accept", "Accept-Encoding"}},
		{"/api/control/2016-11-20", []string{"Accept-Encoding"}},
		{"/api/changes/summary?from=2016-11-15&to=2016-11-20", []string{"Accept-Encoding"}},
		{"/api/references", nil}, // too small to be compressed
		{"/api/export.gpkg", nil},
	} {
		for _, origin := range []string{"", "https://news.example"} {
			rec := get(t, h, c.target, "Origin", origin)
			require.Equal(t, http.StatusOK, rec.Code, c.target)
			assert.ElementsMatch(t, c.vary, rec.Header().Values("Vary"), "%s from %q", c.target, origin)
			assert.Equal(t, "*", rec.Header().Get("Access-Control-Allow-Origin"), "%s from %q: the same for every origin", c.target, origin)
		}
	}
	// A preflight (If-None-Match is not a simple header) is allowed for a day.
	req := httptest.NewRequest(http.MethodOptions, "/api/meta", nil)
	req.Header.Set("Origin", "https://news.example")
	req.Header.Set("Access-Control-Request-Method", "GET")
	req.Header.Set("Access-Control-Request-Headers", "if-none-match")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusNoContent, rec.Code)
	assert.Equal(t, "*", rec.Header().Get("Access-Control-Allow-Origin"))
	assert.Equal(t, "if-none-match", rec.Header().Get("Access-Control-Allow-Headers"))
	assert.Contains(t, rec.Header().Get("Access-Control-Allow-Methods"), "GET")
	assert.Equal(t, "86400", rec.Header().Get("Access-Control-Max-Age"))
}

// With Config.Updated, two servers of one dataset give the same bytes for
// every answer, /api/meta and the GeoPackage included (a static export
// made again for an unchanged dataset changes no file); without it, each
// says when it started.
func TestUpdatedMakesAnswersReproducible(t *testing.T) {
	at := time.Date(2024, 11, 30, 6, 0, 0, 0, time.UTC)
	a := serverWith(t, server.Config{Updated: at}, io.Discard).Handler()
	b := serverWith(t, server.Config{Updated: at}, io.Discard).Handler()
	for _, target := range []string{"/api/meta", "/api/export.gpkg"} {
		ra, rb := get(t, a, target), get(t, b, target)
		require.Equal(t, http.StatusOK, ra.Code, target)
		assert.True(t, bytes.Equal(ra.Body.Bytes(), rb.Body.Bytes()), target)
	}
	assert.Contains(t, get(t, a, "/api/meta").Body.String(), `"updated":"2024-11-30T06:00:00Z"`)
}
