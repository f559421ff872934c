package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const small = "../../geo/testdata/small"

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
		{"version", []string{"--version"}, 0, []string{"frontline dev"}, nil, ""},
		{"no command", nil, 2, nil, []string{"Usage: frontline COMMAND"}, ""},
		{"unknown command", []string{"serf"}, 2, nil, []string{`unknown command "serf"`}, ""},
		{"stats table", []string{"stats", "--data", small, "--date", "2016-11-20"}, 0,
			[]string{"Small test dataset — 2016-11-20", "Government  2.744  55.0%", "total  4.989  100.0%"}, nil, ""},
		{"stats csv", []string{"stats", "--data", small, "--date", "2016-11-20", "--format", "csv"}, 0,
			[]string{"date,government,opposition,sdf,unassigned,total,front:government|opposition,front:government|sdf,front:opposition|sdf\n" +
				"2016-11-20,2.743967,1.207411,1.037801,0.000000,4.989179,2.008868,0.000000,1.913198\n"}, nil, ""},
		{"stats json is the API's", []string{"stats", "--data", small, "--date", "2016-11-28", "--baseline", "2016-11-15", "--of", "opposition", "--format", "json"}, 0,
			[]string{`"date": "2016-11-28"`, `"baseline": {`, `"of": "opposition"`}, nil, ""},
		{"stats csv has no baseline", []string{"stats", "--data", small, "--date", "2016-11-28", "--baseline", "2016-11-15", "--of", "opposition", "--format", "csv"}, 1,
			nil, []string{"--baseline has no CSV form"}, ""},
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
			[]string{"2 district(s), 1.956 km² changed hands", "North East  opposition  government  0.998"}, nil, ""},
		{"validate ok", []string{"validate", small}, 0, []string{"ok — 5 districts (4.989 km²), 3 sides, 12 control rows, 5 change dates"}, nil, ""},
		{"validate embedded default", []string{"validate", "../../data/aleppo-2016"}, 0, []string{"0 warning(s)"}, nil, ""},
		{"serve bad flag", []string{"serve", "--log-format", "xml"}, 1, nil, []string{`--log-format "xml": use text or json`}, ""},
		{"serve bad log level", []string{"serve", "--log-level", "loud"}, 1, nil, []string{`--log-level "loud": use debug, info, warn or error`}, ""},
		{"serve bad log sample", []string{"serve", "--log-sample", "0"}, 1, nil, []string{"--log-sample must be at least 1"}, ""},
		{"serve bad cache size", []string{"serve", "--cache-mb", "0"}, 1, nil, []string{"--cache-mb must be 1 to"}, ""},
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

func TestExport(t *testing.T) {
	out := filepath.Join(t.TempDir(), "export")
	for i := 0; i < 2; i++ { // the second run overwrites in place
		code, stdout, stderr := runCLI(t, "export", "--data", small, "--out", out, "--from", "2016-11-19", "--to", "2016-11-21")
		require.Equal(t, 0, code, stderr)
		assert.Contains(t, stdout, "wrote 12 files")
		assert.Empty(t, stderr, "quiet when stderr is not a terminal")
	}
	var names []string
	require.NoError(t, filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(out, p)
			names = append(names, rel)
		}
		return err
	}))
	assert.ElementsMatch(t, []string{
		"ATTRIBUTION.txt", "changes.csv", "stats.csv",
		"snapshot/2016-11-19.geojson", "snapshot/2016-11-20.geojson", "snapshot/2016-11-21.geojson",
		"territory/2016-11-19.geojson", "territory/2016-11-20.geojson", "territory/2016-11-21.geojson",
		"frontlines/2016-11-19.geojson", "frontlines/2016-11-20.geojson", "frontlines/2016-11-21.geojson",
	}, names, "no temporary files are left behind")
	changes, err := os.ReadFile(filepath.Join(out, "changes.csv"))
	require.NoError(t, err)
	assert.Equal(t, "date,district,name,from,to,moved_km2,sources,note\n"+
		`2016-11-20,north-east,North East,opposition,government,0.748320,[2][3],"""75 percent of the area"""`+"\n", string(changes))
	stats, err := os.ReadFile(filepath.Join(out, "stats.csv"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(stats), "date,government,opposition,sdf,unassigned,total,front:government|opposition"))

	// A file where the directory should be: a clear error, nothing half-written.
	blocked := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(blocked, []byte("x"), 0o644))
	code, _, stderr := runCLI(t, "export", "--data", small, "--out", blocked)
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
