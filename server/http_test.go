package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/internal/testkit"
	"github.com/frontline/frontline/server"
)

// synth loads a synthetic dataset (a grid with a moving front) made by
// geo.Synth.
func synth(t testing.TB, o geo.SynthOptions) *geo.Dataset {
	t.Helper()
	fsys, err := geo.SynthFS(o)
	require.NoError(t, err)
	ds, err := geo.LoadDir(fsys, "synth")
	require.NoError(t, err)
	return ds
}

// serveSocket serves srv on a real loopback socket until the test ends and
// returns its base URL.
func serveSocket(t *testing.T, srv *server.Server) string {
	t.Helper()
	base, _ := testkit.Serve(t, srv.Serve)
	return base
}

// Accept-Encoding is read whole (RFC 9110 §12.5.3): an explicit gzip;q=0
// excludes gzip even when "*" comes first, and weights are compared.
func TestAcceptEncodingWholeHeader(t *testing.T) {
	h := newServer(t).Handler()
	plain := get(t, h, "/api/snapshot/2016-11-20")
	for header, gzip := range map[string]bool{
		"*, gzip;q=0":                 false,
		"gzip;q=0.5, identity;q=0.8":  false,
		"identity;q=0, *":             true,
		"br;q=1, gzip;q=0.2":          true,
		"deflate, x-gzip":             true,
		"gzip;q=0.000, deflate;q=0.3": false,
	} {
		rec := get(t, h, "/api/snapshot/2016-11-20", "Accept-Encoding", header)
		require.Equal(t, http.StatusOK, rec.Code, header)
		if gzip {
			assert.Equal(t, "gzip", rec.Header().Get("Content-Encoding"), header)
		} else {
			assert.Empty(t, rec.Header().Get("Content-Encoding"), header)
			assert.Equal(t, plain.Body.String(), rec.Body.String(), header)
		}
	}
}

// Each representation has its own strong ETag, and every answer says it
// varies with Accept-Encoding.
func TestETagPerRepresentation(t *testing.T) {
	h := newServer(t).Handler()
	const target = "/api/snapshot/2016-11-20"
	plain := get(t, h, target)
	gz := get(t, h, target, "Accept-Encoding", "gzip")
	require.Equal(t, "gzip", gz.Header().Get("Content-Encoding"))
	pe, ge := plain.Header().Get("ETag"), gz.Header().Get("ETag")
	require.NotEmpty(t, pe)
	require.NotEmpty(t, ge)
	assert.NotEqual(t, pe, ge)
	assert.False(t, strings.HasPrefix(pe, "W/") || strings.HasPrefix(ge, "W/"), "strong ETags")
	for _, rec := range []*httptest.ResponseRecorder{plain, gz} {
		assert.Contains(t, rec.Header().Values("Vary"), "Accept-Encoding")
	}
	assert.Equal(t, http.StatusOK, get(t, h, target, "If-None-Match", ge).Code, "the gzip ETag does not validate the plain body")
	assert.Equal(t, http.StatusOK, get(t, h, target, "If-None-Match", pe, "Accept-Encoding", "gzip").Code)
	nm := get(t, h, target, "If-None-Match", ge, "Accept-Encoding", "gzip")
	assert.Equal(t, http.StatusNotModified, nm.Code)
	assert.Equal(t, ge, nm.Header().Get("ETag"))
	assert.Contains(t, nm.Header().Values("Vary"), "Accept-Encoding")
	assert.Equal(t, http.StatusNotModified, get(t, h, target, "If-None-Match", pe).Code)
}

// HEAD on an error says what GET would send; echoed input is cut short.
func TestErrorsHeadAndEcho(t *testing.T) {
	h := newServer(t).Handler()
	for _, target := range []string{"/api/snapshot/2000-01-01", "/api/snapshot/nonsense", "/no-such-page"} {
		got := get(t, h, target)
		head := httptest.NewRecorder()
		h.ServeHTTP(head, httptest.NewRequest(http.MethodHead, target, nil))
		assert.Equal(t, got.Code, head.Code, target)
		assert.Equal(t, "application/problem+json", head.Header().Get("Content-Type"), target)
		assert.Equal(t, strconv.Itoa(got.Body.Len()), head.Header().Get("Content-Length"), target)
		assert.Zero(t, head.Body.Len(), target)
	}

	long := strings.Repeat("a", 100_000)
	for _, target := range []string{"/" + long, "/api/snapshot/" + long, "/api/districts/" + long} {
		rec := get(t, h, target)
		assert.GreaterOrEqual(t, rec.Code, 400)
		assert.Less(t, rec.Body.Len(), 2000, "a %d-byte answer to a 100 KB path", rec.Body.Len())
		assert.Contains(t, rec.Body.String(), "bytes cut")
	}
}

// A malformed query is a 400, not a parameter silently dropped.
func TestMalformedQuery(t *testing.T) {
	h := newServer(t).Handler()
	for _, target := range []string{"/api/stats?from=%", "/api/stats?from=2016-11-15&to=%zz", "/api/changes?from=2016-11-15;to=2016-11-20"} {
		rec := get(t, h, target)
		assert.Equal(t, http.StatusBadRequest, rec.Code, target)
		assert.Contains(t, rec.Body.String(), "malformed query string", target)
	}
	assert.Equal(t, http.StatusOK, get(t, h, "/api/stats?from=2016-11-15&to=2016-11-20").Code)
}

// The front lengths of the series are sums of precomputed pair borders;
// they must equal the lengths of the frontline geometry.
func TestSeriesFrontlinesMatchGeometry(t *testing.T) {
	small := testkit.Small(t)
	for name, ds := range map[string]*geo.Dataset{
		"small": small,
		"synth": synth(t, geo.SynthOptions{NX: 14, NY: 12, Dates: 9, Hex: true, Pace: 1, Seed: 5}),
	} {
		t.Run(name, func(t *testing.T) {
			srv, err := server.New(server.Deps{Dataset: ds}, server.Config{})
			require.NoError(t, err)
			h := srv.Handler()
			r := ds.Range()
			var series struct {
				Series []struct {
					Date         string
					FrontlinesKm map[string]float64 `json:"frontlines_km"`
				}
			}
			rec := get(t, h, "/api/stats?from="+r.First.String()+"&to="+(r.Last+1).String())
			require.Equal(t, http.StatusOK, rec.Code)
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &series))
			fronts := 0
			for _, day := range series.Series {
				var fc struct {
					Features []struct {
						Properties struct {
							Sides    [2]string
							LengthKm float64 `json:"length_km"`
						}
					}
				}
				require.NoError(t, json.Unmarshal(get(t, h, "/api/frontlines/"+day.Date).Body.Bytes(), &fc))
				want := map[string]float64{}
				for _, f := range fc.Features {
					want[f.Properties.Sides[0]+"|"+f.Properties.Sides[1]] = f.Properties.LengthKm
				}
				for pair, km := range day.FrontlinesKm {
					if want[pair] == 0 {
						assert.Zero(t, km, "%s %s", day.Date, pair)
						continue
					}
					fronts++
					assert.InEpsilon(t, want[pair], km, 1e-12, "%s %s", day.Date, pair)
				}
			}
			assert.Positive(t, fronts)
		})
	}
}

// With LogSample n, one in n ordinary requests is logged.
func TestRequestLogSampling(t *testing.T) {
	ds := testkit.Small(t)
	var logs bytes.Buffer
	srv, err := server.New(server.Deps{Dataset: ds, Logger: slog.New(slog.NewJSONHandler(&logs, nil))}, server.Config{LogSample: 3})
	require.NoError(t, err)
	h := srv.Handler()
	for range 6 {
		get(t, h, "/api/meta")
		get(t, h, "/api/snapshot/1999-01-01") // 404s are sampled too
	}
	assert.Equal(t, 4, strings.Count(logs.String(), `"msg":"request"`), logs.String())
}

// A first computation longer than the request timeout answers 503 with
// Retry-After and a problem body, never an empty reply, and completes in
// the background: a later request gets the result.
func TestSlowFirstComputationAnswersHonestly(t *testing.T) {
	ds := synth(t, geo.SynthOptions{NX: 30, NY: 30, Dates: 40, Hex: true, Pace: 1, Seed: 6})
	srv, err := server.New(server.Deps{Dataset: ds}, server.Config{RequestTimeout: time.Nanosecond})
	require.NoError(t, err)
	url := serveSocket(t, srv) + "/api/stats?from=2020-01-01&to=2020-02-09"
	fetch := func() (*http.Response, []byte) {
		resp, err := http.Get(url)
		require.NoError(t, err, "the server must answer, not drop the connection")
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, b
	}
	resp, b := fetch()
	require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, string(b))
	assert.NotEmpty(t, resp.Header.Get("Retry-After"))
	assert.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"))
	assert.Contains(t, string(b), "still being computed")

	for range 200 {
		if resp, b = fetch(); resp.StatusCode == http.StatusOK {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var series struct{ Series []json.RawMessage }
	require.NoError(t, json.Unmarshal(b, &series))
	assert.Len(t, series.Series, 40)
}

// Over a real connection, cached bodies go out with their headers in one
// writev (see conn.go): the bytes must be those the handler gives, for
// plain and gzip bodies, small and large, on a kept-alive connection.
func TestServeOverSocketMatchesHandler(t *testing.T) {
	srv := newServer(t)
	base := serveSocket(t, srv)

	client := &http.Client{Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 1}}
	for range 3 { // the same connection, again and again
		for _, target := range []string{"/api/snapshot/2016-11-20", "/api/meta", "/api/stats/2016-11-20", "/api/districts"} {
			for _, enc := range []string{"", "gzip"} {
				want := get(t, srv.Handler(), target, "Accept-Encoding", enc)
				req, err := http.NewRequest(http.MethodGet, base+target, nil)
				require.NoError(t, err)
				req.Header.Set("Accept-Encoding", enc)
				resp, err := client.Do(req)
				require.NoError(t, err)
				b, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				require.NoError(t, err)
				assert.Equal(t, http.StatusOK, resp.StatusCode, target)
				assert.Equal(t, want.Body.Bytes(), b, "%s %q", target, enc)
				assert.Equal(t, want.Header().Get("ETag"), resp.Header.Get("ETag"))
				assert.Equal(t, strconv.Itoa(len(b)), resp.Header.Get("Content-Length"))
			}
		}
	}
}
