package site_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/internal/testkit"
	"github.com/frontline/frontline/server"
	"github.com/frontline/frontline/site"
	"github.com/frontline/frontline/web"
)

// export writes the site of ds into a new folder (reusing prev's files when
// prev is not "") and returns the folder and the report.
func export(t *testing.T, ds *geo.Dataset, prev string) (string, *site.Report) {
	t.Helper()
	dir := t.TempDir()
	rep, err := site.Export(server.Deps{Dataset: ds, Assets: web.Assets()}, server.Config{}, site.Options{Dir: dir, Previous: prev})
	require.NoError(t, err)
	return dir, rep
}

// live is the server a reader would ask instead, with the time the site
// says its version went live.
func live(t *testing.T, ds *geo.Dataset, rep *site.Report) http.Handler {
	t.Helper()
	srv, err := server.New(server.Deps{Dataset: ds, Assets: web.Assets()}, server.Config{Updated: rep.Updated})
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, srv.Close()) })
	return srv.Handler()
}

func get(t *testing.T, h http.Handler, target string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	return rec
}

func decode(t *testing.T, enc string, b []byte) []byte {
	t.Helper()
	var r io.Reader
	switch enc {
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(b))
		require.NoError(t, err)
		r = zr
	case "br":
		r = brotli.NewReader(bytes.NewReader(b))
	default:
		t.Fatalf("unknown encoding %q", enc)
	}
	out, err := io.ReadAll(r)
	require.NoError(t, err)
	return out
}

// AssertSiteEqualsAPI checks every file of the site in dir against the
// live server's answer to its request, byte for byte, its compressed
// forms against it, and that the folder holds the manifest's files and
// nothing else.
func assertSiteEqualsAPI(t *testing.T, dir string, h http.Handler) {
	t.Helper()
	m, err := site.ReadManifest(dir)
	require.NoError(t, err)
	var pointer struct{ Files string }
	require.NoError(t, json.Unmarshal(readFile(t, dir, site.PointerFile), &pointer))
	files := map[string]bool{}
	for key, e := range m.Files {
		body := readFile(t, dir, e.Path)
		sum := sha256.Sum256(body)
		assert.Equal(t, hex.EncodeToString(sum[:]), e.SHA256, key)
		assert.Equal(t, int64(len(body)), e.Bytes, key)
		files[e.Path] = true
		for enc, n := range e.Encodings {
			name := e.Path + map[string]string{"gzip": ".gz", "br": ".br"}[enc]
			z := readFile(t, dir, name)
			assert.Equal(t, n, int64(len(z)), name)
			assert.Less(t, len(z), len(body), name)
			assert.True(t, bytes.Equal(body, decode(t, enc, z)), "%s is not %s", name, e.Path)
			files[name] = true
		}
		switch {
		case key == "/" || key == "/"+site.PointerFile || key == "/"+site.AttributionFile || key == "/"+pointer.Files:
			continue // the site's own files, checked below
		case strings.HasPrefix(key, "/api/"):
			assert.True(t, strings.HasPrefix(e.Path, site.DataDir+"/"), key)
			assert.Equal(t, server.CacheImmutable, e.Cache, key)
		default:
			assert.Equal(t, strings.TrimPrefix(key, "/"), e.Path, "a page's file keeps its fingerprinted name")
		}
		rec := get(t, h, key)
		require.Equal(t, http.StatusOK, rec.Code, key)
		assert.True(t, bytes.Equal(rec.Body.Bytes(), body), "%s: the file %s is not the API's answer", key, e.Path)
		assert.Equal(t, rec.Header().Get("Content-Type"), e.Type, key)
		assert.Equal(t, rec.Header().Get("Content-Disposition"), e.Disposition, key)
	}
	// The page is the live one with the site's tags, and names the files map of this version.
	page := get(t, h, "/")
	index := readFile(t, dir, site.IndexFile)
	assert.Contains(t, string(index), `<meta name="frontline-site" content="`+pointer.Files+`">`)
	assert.NotContains(t, string(index), "frame-ancestors", "a <meta> policy cannot say it")
	var kept []string
	for _, line := range strings.Split(string(index), "\n") {
		if !strings.Contains(line, pointer.Files) && !strings.HasPrefix(line, `<meta http-equiv="Content-Security-Policy"`) {
			kept = append(kept, line)
		}
	}
	assert.Equal(t, page.Body.String(), strings.Join(kept, "\n"), "the page is the live one and the site's three tags")
	var fm struct {
		Version string
		Files   map[string]string
	}
	require.NoError(t, json.Unmarshal(readFile(t, dir, pointer.Files), &fm))
	assert.Equal(t, m.Version, fm.Version)
	api := map[string]string{}
	for key, e := range m.Files {
		if strings.HasPrefix(key, "/api/") {
			api[key] = e.Path
		}
	}
	assert.Equal(t, api, fm.Files, "the page's map is the manifest's API requests")
	// Nothing else is in the folder but the manifest and the nginx snippet.
	var extra []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if !files[rel] && rel != site.NginxFile && !strings.HasPrefix(rel, site.ManifestFile) {
			extra = append(extra, rel)
		}
		if st, err := os.Stat(p); err == nil {
			assert.Equal(t, os.FileMode(0o644), st.Mode().Perm(), "%s must be readable by a web server", rel)
		}
		return nil
	}))
	assert.Empty(t, extra, "files the manifest does not list")
}

func readFile(t *testing.T, dir, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	require.NoError(t, err)
	return b
}

// Every file of the site is the live API's answer to its request, byte
// for byte (issue 20), and the site holds every answer the page and GIS
// users ask for: every route, every day, every district.
func TestSiteEqualsTheAPI(t *testing.T) {
	ds := testkit.Small(t)
	dir, rep := export(t, ds, "")
	assertSiteEqualsAPI(t, dir, live(t, ds, rep))

	m, err := site.ReadManifest(dir)
	require.NoError(t, err)
	r := ds.Range()
	for d := r.First; d <= r.Last; d++ {
		for _, kind := range []string{"control", "snapshot", "territory", "frontlines", "stats"} {
			assert.Contains(t, m.Files, "/api/"+kind+"/"+d.String())
		}
	}
	for _, d := range ds.Districts {
		assert.Contains(t, m.Files, "/api/districts/"+d.ID)
	}
	for _, key := range []string{"/api/meta", "/api/districts", "/api/districts.topojson", "/api/references", "/api/stats",
		"/api/stats?from=" + r.First.String() + "&to=" + r.Last.String(), "/api/stats.csv", "/api/stats.csvt",
		"/api/stats_long.csv", "/api/stats_long.csvt", "/api/changes.csv", "/api/changes.csvt", "/api/export.gpkg",
		"/api/stats_" + r.First.String() + "_" + r.Last.String() + ".csv"} {
		assert.Contains(t, m.Files, key)
	}
	// GDAL finds the column types beside the CSV, and a download is saved under the server's name.
	csv := m.Files["/api/stats.csv"]
	assert.Equal(t, strings.TrimSuffix(csv.Path, ".csv")+".csvt", m.Files["/api/stats.csvt"].Path)
	assert.Equal(t, "stats_"+r.First.String()+"_"+r.Last.String()+".csv", filepath.Base(csv.Path))
	assert.Equal(t, "small.gpkg", filepath.Base(m.Files["/api/export.gpkg"].Path))
	// GDAL reads the GeoPackage by byte ranges: it has no compressed forms;
	// what the page fetches has both.
	gpkg := m.Files["/api/export.gpkg"]
	assert.Empty(t, gpkg.Encodings)
	assert.NoFileExists(t, filepath.Join(dir, filepath.FromSlash(gpkg.Path)+".gz"))
	assert.NoFileExists(t, filepath.Join(dir, filepath.FromSlash(gpkg.Path)+".br"))
	assert.ElementsMatch(t, []string{"gzip", "br"}, slices.Collect(maps.Keys(m.Files["/api/districts.topojson"].Encodings)))
	assert.Equal(t, "control_2016-11-20.json", filepath.Base(m.Files["/api/control/2016-11-20"].Path))
	assert.Equal(t, rep.Entries, len(m.Files))
	assert.Empty(t, rep.Refused, "the server refuses nothing the routes ask of a dataset that fits one request")
	assert.Equal(t, rep.Files, rep.NewFiles, "a first export writes every file")
}

// An export over the site already there reuses all of it when the dataset
// is unchanged (its files are hard links to the earlier ones: no file
// changes), and when one control row is added, only the files whose
// answers it changes are new: meta, the series and the downloads that run
// to the last date, the new days, the district's history and the entry
// files (issue 20: a daily upload sends only what changed).
func TestExportIsIncremental(t *testing.T) {
	ds := testkit.Small(t)
	first, rep1 := export(t, ds, "")
	m1, err := site.ReadManifest(first)
	require.NoError(t, err)

	again, rep2 := export(t, ds, first)
	assert.Equal(t, rep1.Updated, rep2.Updated, "the same version keeps its time")
	assert.Zero(t, rep2.NewFiles, "nothing is new")
	assert.Zero(t, rep2.NewBytes)
	assert.Equal(t, rep1.Files, rep2.Files)
	assert.Equal(t, readFile(t, first, site.ManifestFile), readFile(t, again, site.ManifestFile))
	for _, e := range m1.Files {
		a, err := os.Stat(filepath.Join(first, e.Path))
		require.NoError(t, err)
		b, err := os.Stat(filepath.Join(again, e.Path))
		require.NoError(t, err)
		assert.True(t, os.SameFile(a, b), "%s is linked, not written again", e.Path)
	}

	control := string(testkit.ReadSmall(t, geo.ControlFile)) + "2016-12-24,islands,government,1,,taken\n"
	newer, err := geo.LoadDir(testkit.SmallMapFS(t, map[string]string{geo.ControlFile: control}), "small")
	require.NoError(t, err)
	next, rep3 := export(t, newer, again)
	assertSiteEqualsAPI(t, next, live(t, newer, rep3))
	m3, err := site.ReadManifest(next)
	require.NoError(t, err)
	old := map[string]string{}
	for _, e := range m1.Files {
		old[e.Path] = e.SHA256
	}
	var changed []string
	for key, e := range m3.Files {
		if old[e.Path] != e.SHA256 {
			changed = append(changed, key)
		}
	}
	var pointer struct{ Files string }
	require.NoError(t, json.Unmarshal(readFile(t, next, site.PointerFile), &pointer))
	want := []string{"/", "/" + site.PointerFile, "/" + site.AttributionFile, "/" + pointer.Files,
		"/api/meta", "/api/stats", "/api/stats?from=2016-11-15&to=2016-12-24", "/api/stats.csv", "/api/stats.csvt",
		"/api/stats_long.csv", "/api/stats_long.csvt", "/api/stats_2016-11-15_2016-12-24.csv", "/api/stats_2016-11-15_2016-12-24.csvt",
		"/api/changes.csv", "/api/changes.csvt", "/api/export.gpkg", "/api/districts/islands", "/api/gains"}
	for _, every := range []string{"month", "week", "day"} {
		want = append(want, "/api/gains?every="+every, "/api/gains_"+every+".csv", "/api/gains_"+every+".csvt")
	}
	var groups []string
	for key := range m3.Files {
		if g, ok := strings.CutPrefix(key, "/api/stats_by_"); ok && strings.HasSuffix(g, ".csv") {
			groups = append(groups, strings.TrimSuffix(g, ".csv"))
		}
	}
	require.NotEmpty(t, groups, "the small dataset has a property to group by")
	for _, g := range groups {
		want = append(want, "/api/stats_by_"+g+".csv", "/api/stats_by_"+g+".csvt")
	}
	for _, day := range []string{"2016-12-23", "2016-12-24"} {
		for _, kind := range []string{"control", "snapshot", "territory", "frontlines", "stats"} {
			want = append(want, "/api/"+kind+"/"+day)
		}
		for _, g := range groups {
			want = append(want, "/api/stats/"+day+"?by="+g)
		}
	}
	assert.ElementsMatch(t, want, changed)
	assert.Less(t, rep3.NewFiles, rep3.Files/2, "most files are reused")
	newFiles := map[string]bool{}
	for _, key := range changed {
		e := m3.Files[key]
		newFiles[e.Path] = true
		for enc := range e.Encodings {
			newFiles[e.Path+"."+enc] = true
		}
	}
	forms, err := filepath.Glob(filepath.Join(next, site.ManifestFile+"*"))
	require.NoError(t, err)
	assert.Equal(t, len(newFiles)+len(forms), rep3.NewFiles, "the report counts the new files, and manifest.json with its forms")
}

// The manifest of an earlier site is read as the hostile input it may be:
// a path out of the folder is refused, not followed.
func TestPreviousManifestIsChecked(t *testing.T) {
	prev := t.TempDir()
	for _, p := range []string{"../outside", "/etc/passwd", "data/../../x", ".hidden", "a b", "data/x;rm -rf ~"} {
		b, err := json.Marshal(site.Manifest{Version: "x", Files: map[string]site.Entry{"/api/meta": {Path: p}}})
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(prev, site.ManifestFile), b, 0o644))
		_, err = site.Export(server.Deps{Dataset: testkit.Small(t), Assets: web.Assets()}, server.Config{}, site.Options{Dir: t.TempDir(), Previous: prev})
		assert.ErrorContains(t, err, "is not a path inside a site", p)
	}
	require.NoError(t, os.WriteFile(filepath.Join(prev, site.ManifestFile), []byte("<html>"), 0o644))
	_, err := site.ReadManifest(prev)
	assert.ErrorContains(t, err, "not a frontline site manifest")
}
