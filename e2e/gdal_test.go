package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/data"
	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/internal/testkit"
	"github.com/frontline/frontline/server"
)

// serve runs the real server on a free loopback port until the test ends
// and returns its base URL.
func serve(t *testing.T, ds *geo.Dataset) string {
	t.Helper()
	srv, err := server.New(server.Deps{Dataset: ds}, server.Config{Version: "test"})
	require.NoError(t, err)
	base, _ := testkit.Serve(t, srv.Serve)
	return base
}

// needTool skips the test, saying what to install, when a tool is absent.
func needTool(t *testing.T, name, pkg string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("this test drives %s from the Debian package %s, which is not installed (apt-get install %s, or scripts/deps.sh test)", name, pkg, pkg)
	}
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	// GDAL must not answer from a cache of an earlier server on the port.
	cmd.Env = append(os.Environ(), "GDAL_HTTP_TIMEOUT=60", "CPL_VSIL_CURL_NON_CACHED=/vsicurl/")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s %s:\n%s", name, strings.Join(args, " "), out)
	return string(out)
}

// TestGDAL drives GDAL's own OGC API – Features client (ogrinfo, ogr2ogr)
// and its CSV reader against the real server.
func TestGDAL(t *testing.T) {
	needTool(t, "ogrinfo", "gdal-bin")
	needTool(t, "ogr2ogr", "gdal-bin")
	// A 0.6 share on a later page than the first: GDAL types each field
	// from the first page, where every share is 1.0 or 0.0.
	control := strings.NewReplacer("north-east,government,0.75", "north-east,government,0.6",
		"north-east,opposition,0.25", "north-east,opposition,0.4").Replace(string(testkit.ReadSmall(t, geo.ControlFile)))
	ds, err := geo.LoadDir(testkit.SmallMapFS(t, map[string]string{geo.ControlFile: control}), "small-0.6")
	require.NoError(t, err)
	base := serve(t, ds)
	oapif := "OAPIF:" + base + "/ogc"

	t.Run("ogrinfo lists the four collections", func(t *testing.T) {
		out := run(t, "ogrinfo", "-ro", oapif)
		for _, l := range []string{"1: districts", "2: control", "3: territory", "4: frontlines"} {
			assert.Contains(t, out, l)
		}
	})

	dir := t.TempDir()
	t.Run("ogr2ogr copies every collection with typed fields", func(t *testing.T) {
		gpkg := filepath.Join(dir, "copy.gpkg")
		run(t, "ogr2ogr", "-f", "GPKG", gpkg, "-oo", "PAGE_SIZE=2", oapif)
		out := run(t, "ogrinfo", "-ro", gpkg)
		for _, l := range []string{"districts", "control", "territory", "frontlines"} {
			assert.Regexp(t, `\d: `+l+` .*\(Multi (Polygon|Line String)\)`, out)
		}
		schema := run(t, "ogrinfo", "-ro", "-so", gpkg, "control")
		for _, f := range []string{"valid_from: DateTime", "valid_to: DateTime", "share_government: Real", "share_opposition: Real", "share_sdf: Real", "unassigned: Real"} {
			assert.Contains(t, schema, f)
		}
		assert.Contains(t, run(t, "ogrinfo", "-ro", "-so", gpkg, "territory"), "valid_to: DateTime")
		assert.Contains(t, run(t, "ogrinfo", "-ro", "-so", gpkg, "frontlines"), "length_km: Real")
		got := run(t, "ogrinfo", "-ro", "-q", gpkg, "-sql", "SELECT share_government, share_opposition FROM control WHERE id = 'north-east/2016-11-20'")
		assert.Contains(t, got, "share_government (Real) = 0.6")
		assert.Contains(t, got, "share_opposition (Real) = 0.4")
	})

	t.Run("a datetime query answers the snapshot's states", func(t *testing.T) {
		r := ds.Range()
		// After the last date the last states hold, as in the snapshot.
		for _, d := range append(ds.ChangeDates(), r.First+2, r.Last-1, r.Last+1, r.Last+100) {
			out := filepath.Join(dir, "day-"+d.String()+".geojson")
			run(t, "ogr2ogr", "-f", "GeoJSON", out, "-oo", "PAGE_SIZE=3", oapif+"?datetime="+d.String(), "control")
			var fc struct {
				Features []struct{ Properties map[string]any }
			}
			b, err := os.ReadFile(out)
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(b, &fc))
			got := map[string]map[string]any{}
			for _, f := range fc.Features {
				got[f.Properties["district"].(string)] = f.Properties
			}
			require.Len(t, got, len(ds.Districts), "one state per district on %s", d)
			for i, dist := range ds.Districts {
				st := ds.StateOn(i, d)
				p := got[dist.ID]
				assert.Equal(t, ds.Controller(st), p["controller"], "%s on %s", dist.ID, d)
				for s, side := range ds.Sides {
					want := 0.0
					if st.Shares() != nil {
						want = st.Shares()[s]
					}
					assert.Equal(t, want, p["share_"+side.ID], "%s on %s", dist.ID, d)
				}
			}
		}
	})

	t.Run("each GeoJSON layer has one geometry type", func(t *testing.T) {
		d := ds.ChangeDates()[1].String()
		for u, want := range map[string]string{
			"/api/districts":                             "Multi Polygon",
			"/api/snapshot/" + d:                         "Multi Polygon",
			"/api/changes?from=2016-11-15&to=2016-12-22": "Multi Polygon",
			"/api/territory/" + d:                        "Multi Polygon",
			"/api/frontlines/" + d:                       "Multi Line String",
		} {
			out := run(t, "ogrinfo", "-ro", "-so", "-al", base+u)
			assert.Contains(t, out, "Geometry: "+want+"\n", u)
		}
	})

	t.Run("the series CSV opens by URL with numbers as numbers", func(t *testing.T) {
		// GDAL names the layer after the path's last element.
		for _, u := range []string{"/api/stats.csv", "/api/stats_2016-11-15_2016-11-21.csv"} {
			out := run(t, "ogrinfo", "-ro", "-so", "/vsicurl/"+base+u, strings.TrimSuffix(filepath.Base(u), ".csv"))
			assert.Contains(t, out, "date: Date", u)
			assert.Contains(t, out, "government_km2: Real", u)
			assert.Contains(t, out, "front_government_opposition_km: Real", u)
		}
		// The long shape at its own path, with its own .csvt.
		for _, u := range []string{"/api/stats_long.csv", "/api/stats_long_2016-11-15_2016-11-21.csv"} {
			out := run(t, "ogrinfo", "-ro", "-so", "/vsicurl/"+base+u, strings.TrimSuffix(filepath.Base(u), ".csv"))
			assert.Contains(t, out, "date: Date", u)
			assert.Contains(t, out, "side: String", u)
			assert.Contains(t, out, "km2: Real", u)
			assert.Contains(t, out, "share: Real", u)
		}
		out := run(t, "ogrinfo", "-ro", "-so", "/vsicurl/"+base+"/api/changes.csv", "changes")
		assert.Contains(t, out, "moved_km2: Real")
	})

	t.Run("the stats by group and the gains open by URL with their types", func(t *testing.T) {
		for _, u := range []string{"/api/stats_by_name_ar.csv", "/api/stats_by_name_ar_2016-11-15_2016-11-21.csv"} {
			out := run(t, "ogrinfo", "-ro", "-so", "/vsicurl/"+base+u, strings.TrimSuffix(filepath.Base(u), ".csv"))
			for _, f := range []string{"date: Date", "group: String", "side: String", "km2: Real", "share: Real"} {
				assert.Contains(t, out, f, u)
			}
		}
		for _, u := range []string{"/api/gains_week.csv", "/api/gains_day_2016-11-15_2016-11-21.csv"} {
			out := run(t, "ogrinfo", "-ro", "-so", "/vsicurl/"+base+u, strings.TrimSuffix(filepath.Base(u), ".csv"))
			for _, f := range []string{"period: String", "gained_km2: Real", "net_km2: Real", "partial: Integer(Boolean)", "from: Date", "to: Date"} {
				assert.Contains(t, out, f, u)
			}
		}
		got := run(t, "ogrinfo", "-ro", "-q", "/vsicurl/"+base+"/api/gains_week.csv", "-sql", "SELECT period, partial, net_km2 FROM gains_week WHERE side = 'government' AND period = '2016-W46'")
		assert.Contains(t, got, "partial (Integer(Boolean)) = 1")
		assert.Contains(t, got, "net_km2 (Real) = 0.59865")
	})

	t.Run("the served GeoPackage opens by URL with its styled layers", func(t *testing.T) {
		url := "/vsicurl/" + base + "/api/export.gpkg"
		out := run(t, "ogrinfo", "-ro", url)
		for _, l := range []string{"districts", "control", "territory", "frontlines"} {
			assert.Regexp(t, `\d: `+l+` .*\(Multi (Polygon|Line String)\)`, out)
		}
		got := run(t, "ogrinfo", "-ro", "-q", url, "-sql", "SELECT share_government FROM control WHERE id = 'north-east/2016-11-20'")
		assert.Contains(t, got, "share_government (Real) = 0.6")
		styles := run(t, "ogrinfo", "-ro", "-q", url, "-sql", "SELECT f_table_name FROM layer_styles")
		assert.Contains(t, styles, "f_table_name (String) = control")
	})
}

// TestGDALPagesAtTheServersSize reads the Aleppo control periods through
// GDAL 3.6's OAPIF driver, which asks for 10 features a page whatever the
// server says: the next links ask for the server's page size (100), so
// 221 periods take 5 requests, not 24 (the first is GDAL's look at the
// fields).
func TestGDALPagesAtTheServersSize(t *testing.T) {
	needTool(t, "ogrinfo", "gdal-bin")
	ds, err := geo.LoadDir(data.Default(), data.DefaultName)
	require.NoError(t, err)
	srv, err := server.New(server.Deps{Dataset: ds}, server.Config{Version: "test"})
	require.NoError(t, err)
	var items atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ogc/collections/control/items" {
			items.Add(1)
		}
		srv.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		ts.Close()
		assert.NoError(t, srv.Close())
	})
	periods := 0
	require.NoError(t, ds.ControlPeriods(func(geo.ControlPeriod) error { periods++; return nil }))
	out := run(t, "ogrinfo", "-ro", "-al", "-q", "OAPIF:"+ts.URL+"/ogc", "control")
	assert.Equal(t, periods, strings.Count(out, "OGRFeature(control)"), "every period read")
	pages := 1 + (periods-10+99)/100 // 10 features, then pages of 100
	assert.Equal(t, int64(1+pages), items.Load(), "GDAL's look at the fields, then %d pages", pages)
}

// TestGDALFlatForms converts every GeoJSON layer of the API in its flat
// form (?flat=1), and the OGC collections, to FlatGeobuf and to Shapefile
// (with -lco ENCODING=UTF-8, as the README says): no list field for the
// drivers to refuse or drop, the Arabic names kept.
func TestGDALFlatForms(t *testing.T) {
	needTool(t, "ogr2ogr", "gdal-bin")
	ds, err := geo.LoadDir(data.Default(), data.DefaultName)
	require.NoError(t, err)
	base := serve(t, ds)
	d := "2016-12-06"
	i, err := ds.DistrictIndex("sukkari")
	require.NoError(t, err)
	arabic := ds.Districts[i].Properties["name_ar"].(string)
	require.NotEmpty(t, arabic)
	dir := t.TempDir()
	for k, src := range []struct {
		url, layer string
		features   int
		arabic     bool // the layer holds name_ar
	}{
		{base + "/api/districts?flat=1", "", len(ds.Districts), true},
		{base + "/api/snapshot/" + d + "?flat=1", "", len(ds.Districts), false},
		{base + "/api/changes?from=2016-11-15&to=2016-12-22&flat=1", "", -1, false},
		{base + "/api/territory/" + d + "?flat=1", "", -1, false},
		{base + "/api/frontlines/" + d + "?flat=1", "", -1, false},
		{"OAPIF:" + base + "/ogc", "districts", len(ds.Districts), true},
		{"OAPIF:" + base + "/ogc?datetime=" + d, "control", len(ds.Districts), false},
	} {
		for _, drv := range []struct{ name, ext string }{{"FlatGeobuf", ".fgb"}, {"ESRI Shapefile", ".shp"}} {
			out := filepath.Join(dir, fmt.Sprintf("layer%d%s", k, drv.ext))
			args := []string{"-f", drv.name, out, src.url}
			if drv.ext == ".shp" {
				args = []string{"-f", drv.name, "-lco", "ENCODING=UTF-8", out, src.url}
			}
			if src.layer != "" {
				args = append(args, src.layer)
			}
			msg := run(t, "ogr2ogr", args...)
			assert.NotContains(t, msg, "ERROR", "%s to %s", src.url, drv.name)
			assert.NotContains(t, msg, "StringList", "%s to %s", src.url, drv.name)
			info := run(t, "ogrinfo", "-ro", "-so", "-al", out)
			if src.features >= 0 {
				assert.Contains(t, info, "Feature Count: "+itoa(src.features)+"\n", "%s to %s", src.url, drv.name)
			}
			if src.arabic {
				got := run(t, "ogrinfo", "-ro", "-q", "-al", "-where", "id = 'sukkari'", out)
				assert.Contains(t, got, "name_ar (String) = "+arabic, "%s to %s: the Arabic name kept", src.url, drv.name)
			}
			if drv.ext == ".shp" {
				cpg, err := os.ReadFile(strings.TrimSuffix(out, ".shp") + ".cpg")
				require.NoError(t, err, "a .cpg says the encoding")
				assert.Equal(t, "UTF-8", strings.TrimSpace(string(cpg)))
			}
		}
	}
}

// TestGeoPandas reads every GeoJSON endpoint with Debian 12's geopandas:
// its fiona 1.9.0 kills the process on a property holding an empty array.
func TestGeoPandas(t *testing.T) {
	const python = "/usr/bin/python3"
	if _, err := os.Stat(python); err != nil {
		t.Skipf("this test needs Debian's %s with python3-geopandas (apt-get install python3-geopandas)", python)
	}
	if err := exec.Command(python, "-c", "import geopandas").Run(); err != nil {
		t.Skipf("this test needs python3-geopandas (apt-get install python3-geopandas): %v", err)
	}
	ds, err := geo.LoadDir(data.Default(), data.DefaultName)
	require.NoError(t, err)
	base := serve(t, ds)
	r := ds.Range()
	mid := ds.ChangeDates()[len(ds.ChangeDates())/2].String()
	var urls []string
	for _, p := range []string{
		"/api/districts", "/api/snapshot/" + r.First.String(), "/api/snapshot/" + mid, "/api/snapshot/" + r.Last.String(),
		"/api/changes?from=" + r.First.String() + "&to=" + r.Last.String(),
		"/api/territory/" + mid, "/api/frontlines/" + mid,
		"/ogc/collections/districts/items?limit=10000", "/ogc/collections/control/items?limit=10000",
		"/ogc/collections/territory/items?limit=10000", "/ogc/collections/frontlines/items?limit=10000",
		"/ogc/collections/control/items?datetime=" + mid,
	} {
		urls = append(urls, base+p)
	}
	script := `
import sys, geopandas
for url in sys.argv[1:]:
    df = geopandas.read_file(url)
    print(len(df), url)
`
	out := run(t, python, append([]string{"-c", script}, urls...)...)
	for _, u := range urls {
		assert.Contains(t, out, " "+u)
	}
	assert.Contains(t, out, itoa(len(ds.Districts))+" "+base+"/api/districts\n")
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
