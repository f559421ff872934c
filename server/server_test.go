package server_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/encode"
	"github.com/frontline/frontline/geo/geodesic"
	"github.com/frontline/frontline/internal/testkit"
	"github.com/frontline/frontline/server"
)

var updatedField = regexp.MustCompile(`"updated": "([^"]*)"`)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// testHosts allows httptest.NewRequest's host to set the OGC links.
var testHosts = []string{"example.com"}

func newServer(t testing.TB) *server.Server {
	t.Helper()
	ds := testkit.Small(t)
	assets := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>frontline</title>" + strings.Repeat(" ", 600))}}
	srv, err := server.New(server.Deps{Dataset: ds, Assets: assets}, server.Config{Version: "test", AllowedHosts: testHosts})
	require.NoError(t, err)
	return srv
}

func get(t testing.TB, h http.Handler, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// golden compares body with testdata/golden/name, rewriting it with -update.
func golden(t *testing.T, name string, body []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, body, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./server -update to create golden files")
	assert.Equal(t, string(want), string(body), "golden %s differs; if the change is intended, run go test ./server -update", name)
}

func pretty(t *testing.T, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	require.NoError(t, json.Indent(&out, b, "", "  "))
	out.WriteByte('\n')
	return out.Bytes()
}

// ?flat=1 gives every GeoJSON layer properties that are numbers, text,
// booleans or null: no list or object, which FlatGeobuf refuses and
// Shapefile drops. The same features, the same flat members.
func TestFlatForm(t *testing.T) {
	h := newServer(t).Handler()
	for _, target := range []string{
		"/api/districts", "/api/snapshot/2016-11-28", "/api/changes?from=2016-11-15&to=2016-12-22",
		"/api/territory/2016-11-20", "/api/frontlines/2016-11-20",
	} {
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		var nested, flat struct {
			Features []struct {
				ID         string
				Properties map[string]any
			}
		}
		require.NoError(t, json.Unmarshal(get(t, h, target).Body.Bytes(), &nested), target)
		rec := get(t, h, target+sep+"flat=1")
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &flat), target)
		require.Len(t, flat.Features, len(nested.Features), target)
		for k, f := range flat.Features {
			assert.Equal(t, nested.Features[k].ID, f.ID, target)
			for name, v := range f.Properties {
				switch v.(type) {
				case []any, map[string]any:
					t.Errorf("%s: %s of %s is a list or object: %v", target, name, f.ID, v)
				}
			}
			for name, v := range nested.Features[k].Properties {
				switch v.(type) {
				case []any, map[string]any:
				default:
					assert.Equal(t, v, f.Properties[name], "%s: %s of %s, a flat member of both forms", target, name, f.ID)
				}
			}
		}
	}
	rec := get(t, h, "/api/snapshot/2016-11-28?flat=yes")
	assert.Equal(t, http.StatusBadRequest, rec.Code)
	assert.Contains(t, rec.Body.String(), "flat=1")
}

func TestGolden(t *testing.T) {
	h := newServer(t).Handler()
	tests := []struct {
		target, ctype, golden string
	}{
		{"/api/meta", "application/json", "meta.json"},
		{"/api/districts", "application/geo+json", "districts.geojson"},
		{"/api/districts.topojson", "application/json", "districts.topojson.json"},
		{"/api/districts/north-east", "application/json", "district-north-east.json"},
		{"/api/snapshot/2016-11-28", "application/geo+json", "snapshot-2016-11-28.geojson"},
		{"/api/control/2016-11-20", "application/json", "control-2016-11-20.json"},
		{"/api/stats/2016-11-20", "application/json", "stats-2016-11-20.json"},
		{"/api/stats/2016-11-28?baseline=2016-11-15&of=opposition", "application/json", "stats-baseline.json"},
		{"/api/stats?from=2016-11-15&to=2016-11-21", "application/json", "series.json"},
		{"/api/changes?from=2016-11-15&to=2016-12-22", "application/geo+json", "changes.geojson"},
		{"/api/territory/2016-11-20", "application/geo+json", "territory-2016-11-20.geojson"},
		{"/api/frontlines/2016-11-20", "application/geo+json", "frontlines-2016-11-20.geojson"},
		{"/api/changes/summary?from=2016-11-15&to=2016-12-22", "application/json", "changes-summary.json"},
		{"/api/snapshot/2016-11-28?flat=1", "application/geo+json", "snapshot-2016-11-28-flat.geojson"},
		{"/api/changes?from=2016-11-15&to=2016-12-22&flat=1", "application/geo+json", "changes-flat.geojson"},
		{"/api/frontlines/2016-11-20?flat=1", "application/geo+json", "frontlines-2016-11-20-flat.geojson"},
		{"/api/stats/2016-11-28?by=name_ar", "application/json", "stats-by-name_ar-2016-11-28.json"},
		{"/api/gains?every=week", "application/json", "gains-week.json"},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			rec := get(t, h, tt.target)
			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			assert.Equal(t, tt.ctype, rec.Header().Get("Content-Type"))
			assert.NotEmpty(t, rec.Header().Get("ETag"))
			assert.Contains(t, rec.Header().Get("Cache-Control"), "max-age")
			body := pretty(t, rec.Body.Bytes())
			if tt.golden == "meta.json" {
				// When the version went live: a time, the same on no two runs.
				at := updatedField.FindSubmatch(body)
				require.NotNil(t, at, "meta has no updated field")
				_, err := time.Parse(time.RFC3339, string(at[1]))
				assert.NoError(t, err, "updated is RFC 3339")
				body = updatedField.ReplaceAll(body, []byte(`"updated": "(when this version went live)"`))
			}
			golden(t, tt.golden, body)
		})
	}
}

func TestSeriesCSV(t *testing.T) {
	h := newServer(t).Handler()
	for _, rec := range []*httptest.ResponseRecorder{
		get(t, h, "/api/stats?from=2016-11-15&to=2016-11-21&format=csv"),
		get(t, h, "/api/stats?from=2016-11-15&to=2016-11-21", "Accept", "text/csv"),
	} {
		require.Equal(t, http.StatusOK, rec.Code)
		assert.Equal(t, "text/csv; charset=utf-8", rec.Header().Get("Content-Type"))
		golden(t, "series.csv", rec.Body.Bytes())
	}
}

func TestStatsValues(t *testing.T) {
	// The API's numbers are the domain's numbers, not a copy of them.
	srv := newServer(t)
	ds := testkit.Small(t)
	d, _ := geo.ParseDate("2016-11-28")
	want, err := ds.Stats(d)
	require.NoError(t, err)
	rec := get(t, srv.Handler(), "/api/stats/2016-11-28")
	var got geo.Stats
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &got))
	assert.Equal(t, want, got)
	// A date after the last change gives the last state.
	rec = get(t, srv.Handler(), "/api/stats/2017-03-01")
	require.Equal(t, http.StatusOK, rec.Code)
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &got))
	last, _ := ds.Stats(ds.Range().Last)
	assert.Equal(t, last.Sides, got.Sides)
}

// ?z= gives the display layer of that zoom's band: the same bytes as the
// encoder's at encode.ZoomTolerance(z), fewer the lower the zoom, the 1 m
// layer from encode.MaxZoom on; each band has its own ETag.
func TestDistrictsTopoJSONZoom(t *testing.T) {
	srv := newServer(t)
	h := srv.Handler()
	full := get(t, h, "/api/districts.topojson")
	require.Equal(t, http.StatusOK, full.Code)
	assert.Equal(t, full.Body.String(), get(t, h, fmt.Sprintf("/api/districts.topojson?z=%d", encode.MaxZoom)).Body.String())
	assert.Equal(t, full.Body.String(), get(t, h, "/api/districts.topojson?z=24").Body.String())
	enc, err := encode.New(testkit.Small(t))
	require.NoError(t, err)
	tags := map[string]int{full.Header().Get("ETag"): encode.MaxZoom}
	for _, z := range []int{0, 9, 12} {
		rec := get(t, h, fmt.Sprintf("/api/districts.topojson?z=%d", z))
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		var want bytes.Buffer
		require.NoError(t, enc.DistrictsTopoJSON(&want, encode.ZoomTolerance(z)))
		assert.Equal(t, want.String(), rec.Body.String(), "zoom %d", z)
		assert.Less(t, rec.Body.Len(), full.Body.Len(), "zoom %d", z)
		tag := rec.Header().Get("ETag")
		_, seen := tags[tag]
		assert.False(t, seen, "zoom %d has the ETag of zoom %d", z, tags[tag])
		tags[tag] = z
	}
}

func TestProblems(t *testing.T) {
	h := newServer(t).Handler()
	tests := []struct {
		target string
		status int
		detail string
	}{
		{"/api/snapshot/2016-13-01", 400, `parameter "date": date "2016-13-01": there is no month 13: write YYYY-MM-DD`},
		{"/api/snapshot/yesterday", 400, `malformed date "yesterday"`},
		{"/api/snapshot/2016-11-01", 404, "2016-11-01 is before the dataset begins: it covers 2016-11-15 to 2016-12-22"},
		{"/api/stats/2016-11-01", 404, "covers 2016-11-15 to 2016-12-22"},
		{"/api/control/2016-1-1", 400, "malformed date"},
		{"/api/districts/north-eats", 404, `no district "north-eats": did you mean "north-east"?`},
		{"/api/stats/2016-11-20?baseline=2016-11-15", 400, "baseline and of go together"},
		{"/api/stats/2016-11-20?baseline=2016-11-15&of=rebels", 400, `parameter "of": no side "rebels"`},
		{"/api/stats?from=2016-12-01&to=2016-11-20", 400, `parameter "from" (2016-12-01) is after parameter "to" (2016-11-20)`},
		{"/api/stats?format=xml", 400, `format "xml": use json or csv`},
		{"/api/changes?from=2016-11-15", 400, `parameter "to" is required`},
		{"/api/districts.topojson?z=25", 400, `parameter "z" is "25": give the map's zoom as a whole number from 0 to 24`},
		{"/api/districts.topojson?z=5.5", 400, `parameter "z" is "5.5"`},
		{"/api/districts.topojson?zoom=5", 400, `unknown parameter "zoom"`},
		{"/api/nothing", 404, ""},
		{"/nothing.html", 404, "no such page"},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			rec := get(t, h, tt.target)
			assert.Equal(t, tt.status, rec.Code)
			assert.Equal(t, "application/problem+json", rec.Header().Get("Content-Type"))
			var p struct {
				Type, Title, Detail, Instance string
				Status                        int
			}
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &p), rec.Body.String())
			assert.Equal(t, tt.status, p.Status)
			assert.Equal(t, http.StatusText(tt.status), p.Title)
			assert.Contains(t, p.Detail, tt.detail)
			assert.Empty(t, rec.Header().Get("ETag"))
		})
	}
}

func TestConditionalGzipCORSHead(t *testing.T) {
	h := newServer(t).Handler()
	rec := get(t, h, "/api/snapshot/2016-11-20")
	etag := rec.Header().Get("ETag")
	require.NotEmpty(t, etag)
	assert.Equal(t, http.StatusNotModified, get(t, h, "/api/snapshot/2016-11-20", "If-None-Match", etag).Code)
	assert.Equal(t, http.StatusOK, get(t, h, "/api/snapshot/2016-11-20", "If-None-Match", `"other"`).Code)

	gz := get(t, h, "/api/snapshot/2016-11-20", "Accept-Encoding", "gzip, deflate")
	assert.Equal(t, "gzip", gz.Header().Get("Content-Encoding"))
	zr, err := gzip.NewReader(gz.Body)
	require.NoError(t, err)
	plain, err := io.ReadAll(zr)
	require.NoError(t, err)
	assert.Equal(t, rec.Body.String(), string(plain))

	cors := get(t, h, "/api/meta", "Origin", "https://example.org")
	assert.Equal(t, "*", cors.Header().Get("Access-Control-Allow-Origin"))

	req := httptest.NewRequest(http.MethodHead, "/api/meta", nil)
	head := httptest.NewRecorder()
	h.ServeHTTP(head, req)
	assert.Equal(t, http.StatusOK, head.Code)

	page := get(t, h, "/")
	assert.Equal(t, http.StatusOK, page.Code)
	assert.Contains(t, page.Header().Get("Content-Type"), "text/html")
	assert.Equal(t, "public, max-age=0, must-revalidate, s-maxage=60", page.Header().Get("Cache-Control"), "browsers revalidate the page every time, a CDN keeps it a minute")
}

func TestSnapshotIsRFC7946(t *testing.T) {
	h := newServer(t).Handler()
	rec := get(t, h, "/api/snapshot/2016-12-01")
	var fc struct {
		Type     string
		Features []struct {
			Type       string
			ID         string
			Geometry   struct{ Type string }
			Properties struct {
				Controller string
				Changed    bool
				Since      string
			}
		}
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &fc))
	assert.Equal(t, "FeatureCollection", fc.Type)
	require.Len(t, fc.Features, 5)
	got := map[string]string{}
	for _, f := range fc.Features {
		assert.Equal(t, "Feature", f.Type)
		got[f.ID] = f.Properties.Controller
		if f.ID == "north-east" {
			assert.True(t, f.Properties.Changed)
			assert.Equal(t, "2016-12-01", f.Properties.Since)
		}
	}
	assert.Equal(t, map[string]string{
		"north-west": "government", "north-east": "opposition", "south-west": "government",
		"south-east": "contested", "islands": "sdf",
	}, got)
}

// The small dataset's fronts are known cell edges (lengths from package
// geodesic, itself checked against GeographicLib): the test checks which
// edges form each front, and that the point contact of north-east and
// islands and the outer edge do not count.
func TestFrontlinesAndTerritories(t *testing.T) {
	h := newServer(t).Handler()
	meridian := geodesic.Distance(orb.Point{37.11, 36.20}, orb.Point{37.11, 36.21}) / 1000
	meridianN := geodesic.Distance(orb.Point{37.11, 36.21}, orb.Point{37.11, 36.22}) / 1000
	parallel := geodesic.Distance(orb.Point{37.11, 36.21}, orb.Point{37.12, 36.21}) / 1000
	hole := geodesic.Length(orb.LineString{{37.114, 36.204}, {37.116, 36.204}, {37.116, 36.206}, {37.114, 36.206}, {37.114, 36.204}}) / 1000
	tests := []struct {
		date string
		want map[string]float64
	}{
		// NW,SW government; NE,SE opposition; islands (SE's hole and the square east of SE) SDF.
		{"2016-11-15", map[string]float64{"government|opposition": meridian + meridianN, "opposition|sdf": hole + meridian}},
		// NE turns government: the NW–NE edge is no front, the NE–SE edge is.
		{"2016-11-20", map[string]float64{"government|opposition": meridian + parallel, "opposition|sdf": hole + meridian}},
		// All government but the SDF islands.
		{"2016-12-22", map[string]float64{"government|sdf": hole + meridian}},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			rec := get(t, h, "/api/frontlines/"+tt.date)
			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			var fc struct {
				Features []struct {
					Geometry struct {
						Type string
					}
					Properties struct {
						Sides    []string
						LengthKm float64 `json:"length_km"`
					}
				}
			}
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &fc))
			got := map[string]float64{}
			for _, f := range fc.Features {
				assert.Equal(t, "MultiLineString", f.Geometry.Type)
				got[strings.Join(f.Properties.Sides, "|")] = f.Properties.LengthKm
			}
			require.Len(t, got, len(tt.want), "%v", got)
			for k, v := range tt.want {
				assert.InEpsilon(t, v, got[k], 1e-9, k)
			}
		})
	}

	// Territory areas are the stats' areas: the districts tile exactly.
	ds := testkit.Small(t)
	d, _ := geo.ParseDate("2016-11-15")
	st, err := ds.Stats(d)
	require.NoError(t, err)
	rec := get(t, h, "/api/territory/2016-11-15")
	var fc struct {
		Features []struct {
			ID         string
			Properties struct {
				AreaKm2   float64 `json:"area_km2"`
				Districts int
			}
		}
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &fc))
	require.Len(t, fc.Features, 3)
	for _, f := range fc.Features {
		assert.InEpsilon(t, st.Sides[f.ID].Km2, f.Properties.AreaKm2, 1e-9, f.ID)
	}
}

// /healthz answers its status, the dataset's version and frontline's, as
// the README's table says.
func TestHealth(t *testing.T) {
	rec := get(t, newServer(t).Handler(), "/healthz")
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Contains(t, rec.Body.String(), `"status":"ok"`)
	var body map[string]string
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
	readme, err := os.ReadFile(filepath.Join(testkit.Root, "README.md"))
	require.NoError(t, err)
	var row string
	for _, line := range strings.Split(string(readme), "\n") {
		if strings.HasPrefix(line, "| `GET /healthz` |") {
			row = line
		}
	}
	require.NotEmpty(t, row, "the README's table has /healthz")
	for k := range body {
		assert.Contains(t, row, `"`+k+`"`, "the README documents the member %s /healthz answers", k)
	}
}

func BenchmarkSnapshotCached(b *testing.B) {
	h := newServer(b).Handler()
	get(b, h, "/api/snapshot/2016-11-28")
	b.ReportAllocs()
	for b.Loop() {
		rec := get(b, h, "/api/snapshot/2016-11-28", "Accept-Encoding", "gzip")
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
}

func BenchmarkStatsCached(b *testing.B) {
	h := newServer(b).Handler()
	b.ReportAllocs()
	for b.Loop() {
		rec := get(b, h, "/api/stats/2016-11-28")
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
}

// The GeoPackage download is a SQLite file with the four layers, named by
// the dataset, written once into a temporary directory that Close removes,
// and served with an ETag and byte ranges.
func TestGeoPackage(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	srv := newServer(t)
	h := srv.Handler()
	rec := get(t, h, "/api/export.gpkg")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, "application/geopackage+sqlite3", rec.Header().Get("Content-Type"))
	assert.Equal(t, `attachment; filename="small.gpkg"`, rec.Header().Get("Content-Disposition"))
	body := rec.Body.Bytes()
	require.True(t, bytes.HasPrefix(body, []byte("SQLite format 3\x00")), "not a SQLite file: %q", body[:min(len(body), 16)])
	for _, layer := range []string{"districts", "control", "territory", "frontlines", "layer_styles", "qgis_projects"} {
		assert.True(t, bytes.Contains(body, []byte("CREATE TABLE \""+layer+"\"")) || bytes.Contains(body, []byte("CREATE TABLE "+layer)),
			"no table %s", layer)
	}
	etag := rec.Header().Get("ETag")
	require.NotEmpty(t, etag)
	assert.Equal(t, http.StatusNotModified, get(t, h, "/api/export.gpkg", "If-None-Match", etag).Code)
	part := get(t, h, "/api/export.gpkg", "Range", "bytes=0-15")
	assert.Equal(t, http.StatusPartialContent, part.Code)
	assert.Equal(t, "SQLite format 3\x00", part.Body.String())
	again := get(t, h, "/api/export.gpkg")
	assert.Equal(t, etag, again.Header().Get("ETag"), "written once")

	left, err := os.ReadDir(tmp)
	require.NoError(t, err)
	assert.Len(t, left, 1, "one temporary directory while the server runs")
	require.NoError(t, srv.Close())
	left, err = os.ReadDir(tmp)
	require.NoError(t, err)
	assert.Empty(t, left, "Close removes the GeoPackage")
}

// A sides.csv of 3,000 sides that hold nothing costs what its real sides
// cost: the page's whole series answers at once, with a column for each
// pair of sides that meet and none for the rest (the pairs were counted
// among all sides: 4.5 million a day, answered 503 after 30 s while memory
// grew past the cache budget).
func TestUnusedSidesSeries(t *testing.T) {
	var sides strings.Builder
	sides.WriteString(string(testkit.ReadSmall(t, geo.SidesFile)))
	for i := range 3000 {
		fmt.Fprintf(&sides, "unused-%d,Unused %d,#123456\n", i, i)
	}
	ds, err := geo.LoadDir(testkit.SmallMapFS(t, map[string]string{geo.SidesFile: sides.String()}), "unused")
	require.NoError(t, err)
	srv, err := server.New(server.Deps{Dataset: ds}, server.Config{CacheBytes: 8 << 20})
	require.NoError(t, err)
	rec := get(t, srv.Handler(), "/api/stats")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var series struct {
		Pairs  []string
		Series []json.RawMessage
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &series))
	assert.Len(t, series.Series, ds.Range().Days())
	assert.ElementsMatch(t, []string{"government|opposition", "government|sdf", "opposition|sdf"}, series.Pairs)
}
