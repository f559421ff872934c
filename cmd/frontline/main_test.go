package main

import (
	"bytes"
	"go/parser"
	"go/token"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/internal/testkit"
	"github.com/frontline/frontline/server"
)

var small = testkit.SmallDir

// runCLI runs the command line in process and returns exit code and output.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestCLI(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		code    int
		stdout  []string
		stderr  []string
		noMatch string
	}{
		{"version", []string{"--version"}, 0, []string{"frontline dev"}, nil, "Usage"},
		{"no command", nil, 2, nil, []string{"Usage: frontline COMMAND"}, ""},
		{"unknown command", []string{"serf"}, 2, nil, []string{`unknown command "serf"`}, ""},
		{"stats table", []string{"stats", "--data", small, "--date", "2016-11-20"}, 0,
			[]string{"Small test dataset — 2016-11-20", "Government  2.744  55.0%", "total  4.989  100.0%"}, nil, "warning"},
		{"stats csv", []string{"stats", "--data", small, "--date", "2016-11-20", "--format", "csv"}, 0,
			[]string{"date,government_km2,opposition_km2,sdf_km2,unassigned_km2,total_km2,front_government_opposition_km,front_government_sdf_km,front_opposition_sdf_km\n" +
				"2016-11-20,2.743967,1.207411,1.037801,0.000000,4.989179,2.008868,0.000000,1.913198\n"}, nil, ""},
		{"stats json is the API's", []string{"stats", "--data", small, "--date", "2016-11-28", "--baseline", "2016-11-15", "--of", "opposition", "--format", "json"}, 0,
			[]string{`"date": "2016-11-28"`, `"baseline": {`, `"of": "opposition"`}, nil, ""},
		{"stats baseline csv", []string{"stats", "--data", small, "--date", "2016-11-28", "--baseline", "2016-11-15", "--of", "opposition", "--format", "csv"}, 0,
			[]string{"date,baseline_date,of,side,km2,share\n2016-11-28,2016-11-15,opposition,government,1.227", "2016-11-28,2016-11-15,opposition,unassigned,0.000000,0.000000000\n"}, nil, ""},
		{"stats baseline csv series", []string{"stats", "--data", small, "--from", "2016-11-15", "--to", "2016-11-16", "--baseline", "2016-11-15", "--of", "opposition", "--format", "csv"}, 0,
			[]string{"2016-11-15,2016-11-15,opposition,government,0.000000,0.000000000\n", "2016-11-16,2016-11-15,opposition,opposition,1.955731,1.000000000\n"}, nil, ""},
		{"stats baseline series needs csv", []string{"stats", "--data", small, "--from", "2016-11-15", "--to", "2016-11-16", "--baseline", "2016-11-15", "--of", "opposition"}, 1,
			nil, []string{"--baseline over --from and --to is a CSV"}, ""},
		{"stats json before range", []string{"stats", "--data", small, "--date", "2016-11-01", "--format", "json"}, 1, nil,
			[]string{"2016-11-01 is before the dataset begins"}, ""},
		{"stats baseline", []string{"stats", "--data", small, "--date", "2016-11-28", "--baseline", "2016-11-15", "--of", "opposition"}, 0,
			[]string{"Of the 1.956 km² held by opposition on 2016-11-15, on 2016-11-28:", "Government  1.227  62.8%"}, nil, ""},
		{"stats series", []string{"stats", "--data", small, "--from", "2016-11-19", "--to", "2016-11-20", "--format", "csv"}, 0,
			[]string{"2016-11-19,1.995646", "2016-11-20,2.743967"}, nil, ""},
		{"stats before range", []string{"stats", "--data", small, "--date", "2016-11-01"}, 1, nil,
			[]string{"2016-11-01 is before the dataset begins: it covers 2016-11-15 to 2016-12-22"}, ""},
		{"stats bad date", []string{"stats", "--data", small, "--date", "6/12/2016"}, 1, nil, []string{`--date: malformed date "6/12/2016"`}, ""},
		{"stats no date", []string{"stats", "--data", small}, 1, nil, []string{"give either --date D or --from D1 --to D2"}, ""},
		{"stats missing dir", []string{"stats", "--data", "/nonexistent", "--date", "2016-11-20"}, 1, nil, []string{"--data /nonexistent: not a directory"}, ""},
		{"changes", []string{"changes", "--data", small, "--from", "2016-11-15", "--to", "2016-12-22"}, 0,
			[]string{"2 district(s), 1.956 km² changed hands", "North East  opposition  government  0.998",
				"front  2016-11-15 km  2016-12-22 km  change km", "government–opposition  2.219  0.000  -2.219", "government–sdf  0.000  1.913  +1.913"}, nil, ""},
		{"changes json is the API's", []string{"changes", "--data", small, "--from", "2016-11-15", "--to", "2016-12-22", "--format", "json"}, 0,
			[]string{`"frontlines": {`, `"government|sdf": {`, `"to_km": 1.9131983041350613`}, nil, ""},
		{"stats by table", []string{"stats", "--data", small, "--date", "2016-11-28", "--by", "name_ar"}, 0,
			[]string{"Small test dataset — 2016-11-28, by name_ar", "(none)  2.225  55.7%  0.728  18.2%  1.038  26.0%  0.000  3.991", "الشمال الغربي  0.998  100.0%"}, nil, ""},
		{"stats by csv", []string{"stats", "--data", small, "--from", "2016-11-19", "--to", "2016-11-20", "--by", "name_ar", "--format", "csv"}, 0,
			[]string{"date,group,side,km2,share\n2016-11-19,,government,", "2016-11-20,الشمال الغربي,unassigned,0.000000,0.000000000\n"}, nil, ""},
		{"stats by json", []string{"stats", "--data", small, "--date", "2016-11-28", "--by", "name", "--format", "json"}, 0,
			[]string{`"by": "name"`, `"group": "Islands"`}, nil, ""},
		{"stats by unknown", []string{"stats", "--data", small, "--date", "2016-11-28", "--by", "nme"}, 1, nil,
			[]string{`--by: no district property "nme": did you mean "name"? Group by one of: name, name_ar`}, ""},
		{"stats by series needs csv", []string{"stats", "--data", small, "--from", "2016-11-19", "--to", "2016-11-20", "--by", "name"}, 1, nil,
			[]string{"--by over --from and --to is a CSV"}, ""},
		{"stats by baseline", []string{"stats", "--data", small, "--date", "2016-11-28", "--by", "name", "--baseline", "2016-11-15", "--of", "opposition"}, 1, nil,
			[]string{"--by does not go with --baseline"}, ""},
		{"gains table", []string{"gains", "--data", small, "--every", "week"}, 0,
			[]string{"km² gained and lost every week, 2016-11-15 to 2016-12-22", "2016-W46 *  2016-11-15  2016-11-20  Government  0.748  0.000  +0.748",
				"2016-W48  2016-11-27  2016-12-04  Government  0.479  0.748  -0.269", "ground taken and lost again within a period counts 0", "* partial"}, nil, ""},
		{"gains csv", []string{"gains", "--data", small, "--from", "2016-11-20", "--to", "2016-11-30", "--format", "csv"}, 0,
			[]string{"period,side,gained_km2,lost_km2,net_km2,partial,from,to\n2016-11,government,1.227306,0.000000,1.227306,true,2016-11-19,2016-11-30\n"}, nil, ""},
		{"gains json", []string{"gains", "--data", small, "--every", "day", "--from", "2016-11-20", "--to", "2016-11-21", "--format", "json"}, 0,
			[]string{`"every": "day"`, `"period": "2016-11-20"`, `"gained_km2": 0.7483204005689621`, `"districts": 0`}, nil, ""},
		{"gains bad every", []string{"gains", "--data", small, "--every", "year"}, 1, nil, []string{`--every "year": use month, week or day`}, ""},
		{"gains before range", []string{"gains", "--data", small, "--from", "2016-11-01"}, 1, nil, []string{"2016-11-01 is before the dataset begins"}, ""},
		{"validate ok", []string{"validate", small}, 0, []string{"ok — 5 districts (4.989 km²), 3 sides, 12 control rows, 5 change dates"}, nil, "error"},
		{"validate size limit", []string{"validate", "--max-file-mb", "0", small}, 1, nil, []string{"--max-file-mb 0: give a size in MiB from 1 to 1048576"}, "ok —"},
		{"validate bad limit", []string{"validate", "--max-parts", "0", small}, 1, nil, []string{"--max-parts 0: give a limit of at least 1"}, "ok —"},
		{"validate over a limit", []string{"validate", "--max-side-districts", "14", small}, 1,
			[]string{"sides.csv: error: 3 sides × 5 districts = 15, more than the limit of 14", "--max-side-districts"}, nil, "ok —"},
		{"validate embedded default", []string{"validate", "../../data/aleppo-2016"}, 0, []string{"0 warning(s)"}, nil, ""},
		{"serve bad flag", []string{"serve", "--log-format", "xml"}, 1, nil, []string{`--log-format "xml": use text or json`}, ""},
		{"serve bad log level", []string{"serve", "--log-level", "loud"}, 1, nil, []string{`--log-level "loud": use debug, info, warn or error`}, ""},
		{"serve bad log sample", []string{"serve", "--log-sample", "0"}, 1, nil, []string{"--log-sample must be at least 1"}, ""},
		{"serve bad cache size", []string{"serve", "--cache-mb", "0"}, 1, nil, []string{"--cache-mb must be 1 to"}, ""},
		{"serve bad base URL", []string{"serve", "--base-url", "ftp://maps.example.org"}, 1, nil, []string{`base URL "ftp://maps.example.org": give the address clients use`}, ""},
		{"serve bad proxy", []string{"serve", "--trusted-proxies", "10.0.0.0/33"}, 1, nil, []string{`--trusted-proxies "10.0.0.0/33": give networks such as 10.0.0.0/8`}, ""},
		{"serve bad tiles", []string{"serve", "--tiles", "javascript:alert(1)/{z}/{x}/{y}"}, 1, nil, []string{`--tiles "javascript:alert(1)/{z}/{x}/{y}": give an http(s) URL template`}, ""},
		{"serve tiles without {z}", []string{"serve", "--tiles", "https://tiles.example.org/a.png"}, 1, nil, []string{"with {z}, {x} and {y}"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(t, tt.args...)
			assert.Equal(t, tt.code, code, "stdout:\n%s\nstderr:\n%s", out, errs)
			for _, s := range tt.stdout {
				assert.Contains(t, squeeze(out), squeeze(s))
			}
			for _, s := range tt.stderr {
				assert.Contains(t, errs, s)
			}
			if tt.noMatch != "" {
				assert.NotContains(t, out+errs, tt.noMatch)
			}
		})
	}
}

// squeeze folds runs of spaces so table alignment does not matter.
func squeeze(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' }), " ")
}

func TestValidateListsEveryProblem(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"dataset.json", "sides.csv", "districts.geojson"} {
		b, err := os.ReadFile(filepath.Join(small, f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), b, 0o644))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "control.csv"), []byte("date,district,side,share,source,note\n"+
		"2016-11-15,north-west,government,1.2,[1],\n"+
		"2016-11-15,nort-east,government,1,[1],\n"+
		"2016-11-15,south-west,government,1,,\n"), 0o644))
	code, out, _ := runCLI(t, "validate", dir)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "control.csv:2: error: share 1.2 is out of range (0,1]")
	assert.Contains(t, out, `control.csv:3: error: unknown district "nort-east": did you mean "north-east"?`)
	assert.Contains(t, out, "control.csv:4: warning: row has neither source nor note")
	assert.Contains(t, out, "2 error(s), 1 warning(s)")
}

// files lists the files under dir, relative to it.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			names = append(names, rel)
		}
		return err
	}))
	return names
}

func TestExport(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "export")
	code, stdout, stderr := runCLI(t, "export", "--data", small, "--out", out, "--from", "2016-11-19", "--to", "2016-11-21")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "wrote 17 files")
	assert.Empty(t, stderr, "quiet when stderr is not a terminal")
	assert.ElementsMatch(t, []string{
		manifestName, "ATTRIBUTION.txt", "changes.csv", "changes.csvt", "stats.csv", "stats.csvt", "districts.geojson", "frontline.gpkg", "frontline.qgs",
		"snapshot/snapshot_2016-11-19.geojson", "snapshot/snapshot_2016-11-20.geojson", "snapshot/snapshot_2016-11-21.geojson",
		"territory/territory_2016-11-19.geojson", "territory/territory_2016-11-20.geojson", "territory/territory_2016-11-21.geojson",
		"frontlines/frontlines_2016-11-19.geojson", "frontlines/frontlines_2016-11-20.geojson", "frontlines/frontlines_2016-11-21.geojson",
	}, files(t, out))
	entries, err := os.ReadDir(parent)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no DIR.partial or DIR.old is left behind")

	changes, err := os.ReadFile(filepath.Join(out, "changes.csv"))
	require.NoError(t, err)
	assert.Equal(t, "date,district,name,from,to,moved_km2,sources,note\n"+
		`2016-11-20,north-east,North East,opposition,government,0.748320,[2][3],"""75 percent of the area"""`+"\n", string(changes))
	stats, err := os.ReadFile(filepath.Join(out, "stats.csv"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(stats), "date,government_km2,opposition_km2,sdf_km2,unassigned_km2,total_km2,front_government_opposition_km"))

	// The files are the API's bytes: one encoder for both.
	ds, err := geo.LoadDir(os.DirFS(small), "small")
	require.NoError(t, err)
	srv, err := server.New(server.Deps{Dataset: ds}, server.Config{})
	require.NoError(t, err)
	for file, target := range map[string]string{
		"districts.geojson":                        "/api/districts",
		"snapshot/snapshot_2016-11-20.geojson":     "/api/snapshot/2016-11-20",
		"territory/territory_2016-11-21.geojson":   "/api/territory/2016-11-21",
		"frontlines/frontlines_2016-11-19.geojson": "/api/frontlines/2016-11-19",
		"stats.csv":   "/api/stats_2016-11-19_2016-11-21.csv",
		"stats.csvt":  "/api/stats.csvt",
		"changes.csv": "/api/changes_2016-11-19_2016-11-21.csv",
	} {
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		require.Equal(t, http.StatusOK, rec.Code, target)
		b, err := os.ReadFile(filepath.Join(out, file))
		require.NoError(t, err)
		assert.Equal(t, rec.Body.String(), string(b), "%s differs from %s", file, target)
	}

	// A re-export of a shorter range leaves no file of the old run.
	code, _, stderr = runCLI(t, "export", "--data", small, "--out", out, "--from", "2016-11-21", "--to", "2016-11-21")
	require.Equal(t, 0, code, stderr)
	assert.NotContains(t, files(t, out), "snapshot/snapshot_2016-11-19.geojson")
	assert.Contains(t, files(t, out), "snapshot/snapshot_2016-11-21.geojson")

	// A file where the directory should be: a clear error.
	blocked := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(blocked, []byte("x"), 0o644))
	code, _, stderr = runCLI(t, "export", "--data", small, "--out", blocked)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "frontline export:")
	assert.Contains(t, stderr, "not a directory")

}

func TestLogWriterFlushes(t *testing.T) {
	var out safeBuffer
	lw := newLogWriter(&out, time.Millisecond)
	_, err := lw.Write([]byte("one\n"))
	require.NoError(t, err)
	assert.Eventually(t, func() bool { return out.String() == "one\n" }, time.Second, time.Millisecond, "flushed by the ticker")
	_, err = lw.Write([]byte("two\n"))
	require.NoError(t, err)
	require.NoError(t, lw.Close())
	assert.Equal(t, "one\ntwo\n", out.String(), "flushed on Close")
}

type safeBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *safeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *safeBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestSynthWritesAValidDataset(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "synth")
	code, stdout, stderr := runCLI(t, "synth", "--out", dir, "--nx", "6", "--ny", "5", "--dates", "4")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "30 districts and 4 days")
	code, stdout, stderr = runCLI(t, "validate", dir)
	require.Equal(t, 0, code, stdout+stderr)
	assert.Contains(t, stdout, "ok — 30 districts")
	assert.Contains(t, stdout, "0 warning(s)")

	hex := filepath.Join(t.TempDir(), "hex")
	code, stdout, stderr = runCLI(t, "synth", "--out", hex, "--nx", "7", "--ny", "6", "--dates", "5", "--shape", "hex", "--pace", "0.5")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "42 districts and 5 days")
	code, stdout, stderr = runCLI(t, "validate", hex)
	require.Equal(t, 0, code, stdout+stderr)
	assert.Contains(t, stdout, "ok — 42 districts")

	for _, tc := range []struct{ args, err string }{
		{"--nx 1", "--nx and --ny must be at least 2"},
		{"--shape round", `--shape "round": use grid or hex`},
		{"--pace 0", "--pace must be above 0"},
	} {
		code, _, stderr = runCLI(t, append([]string{"synth", "--out", dir}, strings.Fields(tc.args)...)...)
		assert.Equal(t, 1, code, tc.args)
		assert.Contains(t, stderr, tc.err)
	}
}

// copySmall copies the small dataset's files other than skip into a new
// directory.
func copySmall(t *testing.T, skip string) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"dataset.json", "sides.csv", "districts.geojson", "control.csv"} {
		if f == skip {
			continue
		}
		b, err := os.ReadFile(filepath.Join(small, f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), b, 0o644))
	}
	return dir
}

// TestValidateRefusesWhatIsNotAFile: a FIFO would block validate and serve
// forever, a link to /dev/zero or out of the directory would read what the
// dataset must not.
func TestValidateRefusesWhatIsNotAFile(t *testing.T) {
	for _, tc := range []struct {
		name string
		make func(path string) error
		want string
	}{
		{"fifo", func(p string) error { return syscall.Mkfifo(p, 0o644) }, "control.csv: error: cannot read: is a named pipe (FIFO), not a regular file"},
		{"dev zero", func(p string) error { return os.Symlink("/dev/zero", p) }, `control.csv: error: cannot read: is a symbolic link to "/dev/zero", outside the dataset directory`},
		{"passwd", func(p string) error { return os.Symlink("../../../../../../../etc/passwd", p) }, `control.csv: error: cannot read: is a symbolic link to "../../../../../../../etc/passwd", outside the dataset directory`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copySmall(t, "control.csv")
			require.NoError(t, tc.make(filepath.Join(dir, "control.csv")))
			type result struct {
				code int
				out  string
			}
			done := make(chan result, 1)
			go func() {
				code, out, _ := runCLI(t, "validate", dir)
				done <- result{code, out}
			}()
			select {
			case r := <-done:
				assert.Equal(t, 1, r.code)
				assert.Contains(t, r.out, tc.want)
				assert.NotContains(t, r.out, "root:")
			case <-time.After(10 * time.Second):
				t.Fatal("validate did not return within 10 s")
			}
		})
	}
}

// A dataset whose territories serve could not prepare is not ok: a district
// stretched over 67° of longitude (a wrong coordinate), 9 m from its
// neighbour, needs more gap-closing work than the limit allows.
func TestValidatePreparesTerritories(t *testing.T) {
	dir := copySmall(t, "")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "dataset.json"), []byte(`{"title":"t","gap_width_m":25}`), 0o644))
	b, err := os.ReadFile(filepath.Join(dir, "districts.geojson"))
	require.NoError(t, err)
	far := strings.Replace(string(b), "[[[37.10, 36.21], [37.11, 36.21], [37.11, 36.22], [37.10, 36.22], [37.10, 36.21]]]", "[[[-30, 36.21], [37.1099, 36.21], [37.1099, 36.22], [-30, 36.22], [-30, 36.21]]]", 1)
	require.NotEqual(t, string(b), far)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "districts.geojson"), []byte(far), 0o644))
	code, out, _ := runCLI(t, "validate", dir)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "districts.geojson: error: preparing districts for territories: territory: closing the gaps needs")
	assert.Contains(t, out, "check for a wrong coordinate")
	assert.Contains(t, out, "1 error(s)")
}

// The package doc and the help name every command.
func TestEveryCommandDocumented(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	require.NoError(t, err)
	require.NotNil(t, f.Doc, "main.go has a package doc")
	doc := f.Doc.Text()
	_, _, help := runCLI(t, "help")
	for _, c := range commands() {
		assert.Contains(t, doc, "`"+c.name+"`", "the package doc names %s", c.name)
		assert.Contains(t, help, "  "+c.name+" ", "the help names %s", c.name)
	}
}

// export --site writes the static site through the one atomic writer (its
// folder rules: a folder of another command is refused), says what an
// upload sends, and reuses the site there on the next run; site-upload
// prints the commands that upload it.
func TestExportSite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "site")
	code, stdout, stderr := runCLI(t, "export", "--data", small, "--site", dir, "--tiles", "off")
	require.Equal(t, 0, code, stderr)
	assert.Regexp(t, `wrote the site of .* to .*: \d+ requests answered, \d+ files, [0-9.]+ MB`, stdout)
	assert.Contains(t, files(t, dir), manifestName, "the folder rules' own manifest")
	assert.Contains(t, files(t, dir), "manifest.json")
	assert.Contains(t, files(t, dir), "index.html")

	code, stdout, stderr = runCLI(t, "export", "--data", small, "--site", dir, "--tiles", "off")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "new since the site that was there: 0 files, 0.0 MB")

	code, stdout, stderr = runCLI(t, "site-upload", "--site", dir, "--to", "s3://maps/small")
	require.Equal(t, 0, code, stderr)
	assert.True(t, strings.HasPrefix(stdout, "#!/bin/sh\n"))
	assert.Contains(t, stdout, "aws s3 cp 'index.html.gz' 's3://maps/small/index.html'")
	assert.Contains(t, stderr, "the script sends")

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"export", "--data", small, "--site", dir, "--out", dir}, "--site writes the whole dataset on its own"},
		{[]string{"export", "--data", small, "--site", dir, "--tiles", "ftp://x"}, "--tiles"},
		{[]string{"site-upload", "--site", dir}, "--to s3://BUCKET are required"},
		{[]string{"site-upload", "--site", t.TempDir(), "--to", "s3://maps"}, "is not a site written by frontline export --site"},
		{[]string{"site-upload", "--site", dir, "--to", "https://maps"}, "give s3://BUCKET"},
	} {
		code, _, stderr := runCLI(t, c.args...)
		assert.Equal(t, 1, code, c.args)
		assert.Contains(t, stderr, c.want, c.args)
	}
	// An export's folder is not a site's: the folder rules keep the one from replacing the other.
	out := filepath.Join(t.TempDir(), "export")
	code, _, stderr = runCLI(t, "export", "--data", small, "--out", out, "--from", "2016-11-19", "--to", "2016-11-19")
	require.Equal(t, 0, code, stderr)
	code, _, stderr = runCLI(t, "export", "--data", small, "--site", out)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "is the output of frontline export, not of export --site")
}
