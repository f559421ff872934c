package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeTree writes files (relative path → content) under dir.
func writeTree(t *testing.T, dir string, tree map[string]string) {
	t.Helper()
	for name, content := range tree {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
}

// readTree reads every file under dir (relative path → content).
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	tree := map[string]string{}
	for _, f := range files(t, dir) {
		b, err := os.ReadFile(filepath.Join(dir, f))
		require.NoError(t, err)
		tree[f] = string(b)
	}
	return tree
}

// TestOutputFolderRules are the reproductions of issue 22, items 1–5: an
// output folder replaces nothing frontline did not write. Each case sets
// up the parent folder P, runs a command with --out P/D and checks the
// user's files are all still there.
func TestOutputFolderRules(t *testing.T) {
	exportArgs := []string{"export", "--data", small, "--from", "2016-11-19", "--to", "2016-11-19"}
	synthArgs := []string{"synth", "--nx", "3", "--ny", "3", "--dates", "3"}
	dataset := map[string]string{}
	for _, f := range []string{"dataset.json", "sides.csv", "districts.geojson", "control.csv"} {
		b, err := os.ReadFile(filepath.Join(small, f))
		require.NoError(t, err)
		dataset["D/"+f] = string(b)
	}
	dataset["D/README.md"] = "# my dataset"
	dataset["D/references.csv"] = "id,title\n"
	dataset["D/sources/scan.txt"] = "precious"

	for _, tc := range []struct {
		name string
		// before runs the commands that set P up (with --out P/D), then
		// user writes the user's files.
		before [][]string
		user   map[string]string
		// edit names a file whose bytes the user changes, keeping its size.
		edit string
		args []string
		// err is the error expected (empty: success).
		err string
	}{
		{name: "1: a folder with an ATTRIBUTION.txt is not an export",
			user: map[string]string{"D/ATTRIBUTION.txt": "x", "D/main.c": "int main;", "D/notes.md": "notes"},
			args: exportArgs, err: "holds files but no .frontline-output.json, so frontline did not write it"},
		{name: "2: D.old is the user's",
			before: [][]string{exportArgs}, user: map[string]string{"D.old/backup.csv": "precious"},
			args: exportArgs},
		{name: "3: a D.partial without the marker is the user's",
			user: map[string]string{"D.partial/draft.txt": "precious"},
			args: exportArgs, err: "D.partial holds files but no .frontline-output.json, so it is not an unfinished output of frontline"},
		{name: "5: synth does not replace a real dataset",
			user: dataset, args: synthArgs, err: "holds files but no .frontline-output.json"},
		{name: "a file added to an export",
			before: [][]string{exportArgs}, user: map[string]string{"D/my-notes.txt": "precious"},
			args: exportArgs, err: "holds what frontline did not write (my-notes.txt)"},
		{name: "a folder added to an export",
			before: [][]string{exportArgs}, user: map[string]string{"D/mine/a.txt": "precious"},
			args: exportArgs, err: "holds what frontline did not write (mine/)"},
		{name: "an export file edited",
			before: [][]string{exportArgs}, user: map[string]string{"D/stats.csv": "my edits"},
			args: exportArgs, err: "stats.csv (changed since it was written)"},
		{name: "an export file edited in place, its size kept",
			before: [][]string{exportArgs}, edit: "D/stats.csv",
			args: exportArgs, err: "stats.csv (changed since it was written)"},
		{name: "export does not replace a synth dataset",
			before: [][]string{synthArgs}, args: exportArgs, err: "is the output of frontline synth, not of export"},
		{name: "synth replaces its own dataset", before: [][]string{synthArgs}, args: synthArgs},
		{name: "a hidden file is a file", user: map[string]string{"D/.keep": ""}, args: exportArgs,
			err: "holds files but no .frontline-output.json"},
		{name: "a file for the folder", user: map[string]string{"D": "x"}, args: exportArgs, err: "not a directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parent := t.TempDir()
			out := filepath.Join(parent, "D")
			for _, args := range tc.before {
				code, _, stderr := runCLI(t, append(args, "--out", out)...)
				require.Equal(t, 0, code, stderr)
			}
			writeTree(t, parent, tc.user)
			if tc.edit != "" {
				p := filepath.Join(parent, tc.edit)
				b, err := os.ReadFile(p)
				require.NoError(t, err)
				b[len(b)-2] ^= 1 // a digit of the last row, say: a typo fixed
				require.NoError(t, os.WriteFile(p, b, 0o644))
				later := time.Now().Add(2 * time.Second)
				require.NoError(t, os.Chtimes(p, later, later))
			}
			before := readTree(t, parent)
			code, _, stderr := runCLI(t, append(tc.args, "--out", out)...)
			after := readTree(t, parent)
			if tc.err != "" {
				assert.Equal(t, 1, code)
				assert.Contains(t, stderr, tc.err)
				assert.Equal(t, before, after, "nothing changed")
				return
			}
			require.Equal(t, 0, code, stderr)
			for name, content := range tc.user {
				assert.Equal(t, content, after[name], "%s is kept", name)
			}
			entries, err := os.ReadDir(parent)
			require.NoError(t, err)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			want := []string{"D"}
			for name := range tc.user {
				if dir, _, _ := strings.Cut(name, "/"); dir != "D" {
					want = append(want, dir)
				}
			}
			assert.ElementsMatch(t, want, names, "no temporary folder is left")
		})
	}
}

// TestOutputFolderEmpty: an empty folder is replaced by the output, and a
// DIR.partial of an interrupted run (it carries the marker) is cleared,
// but not one that a run still going on is writing.
func TestOutputFolderEmpty(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "D")
	require.NoError(t, os.Mkdir(out, 0o755))
	code, _, stderr := runCLI(t, "synth", "--nx", "3", "--ny", "3", "--dates", "3", "--out", out)
	require.Equal(t, 0, code, stderr)
	assert.ElementsMatch(t, []string{manifestName, "dataset.json", "sides.csv", "districts.geojson", "control.csv"}, files(t, out))

	o, err := newOutDir(out, "synth")
	require.NoError(t, err)
	require.NoError(t, o.writeBytes("half.csv", []byte("x")))
	// While the run goes on, another leaves its folder alone.
	code, _, stderr = runCLI(t, "synth", "--nx", "3", "--ny", "3", "--dates", "3", "--out", out)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, fmt.Sprintf("D.partial is being written by frontline synth (process %d): wait until it is done", os.Getpid()))
	assert.FileExists(t, filepath.Join(o.partial, "half.csv"))
	// Interrupted here (the process that wrote it is gone): the next run
	// clears the partial folder.
	gone := exec.Command("true")
	require.NoError(t, gone.Run())
	m, err := readManifest(o.partial)
	require.NoError(t, err)
	m.PID = gone.Process.Pid
	b, err := json.Marshal(m)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(o.partial, manifestName), b, 0o644))
	code, _, stderr = runCLI(t, "synth", "--nx", "3", "--ny", "3", "--dates", "3", "--out", out)
	require.Equal(t, 0, code, stderr)
	entries, err := os.ReadDir(parent)
	require.NoError(t, err)
	require.Len(t, entries, 1)
	code, stdout, stderr := runCLI(t, "validate", out)
	require.Equal(t, 0, code, stdout+stderr)
	assert.Contains(t, stdout, "0 warning(s)", "the manifest is no dataset file")
}

// TestOutputFolderRefused: issue 22 item 4, and the home folder and the
// root: folders that hold what an output must not replace.
func TestOutputFolderRefused(t *testing.T) {
	data, err := filepath.Abs(small)
	require.NoError(t, err)
	empty := t.TempDir()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Chdir(empty)
	for _, tc := range []struct{ out, err string }{
		{".", "is or holds the current folder"},
		{"..", "is or holds"},
		{home, "is or holds your home folder"},
		{"/", "is the root of the file system"},
	} {
		t.Run(tc.out, func(t *testing.T) {
			code, _, stderr := runCLI(t, "export", "--data", data, "--out", tc.out)
			assert.Equal(t, 1, code)
			assert.Contains(t, stderr, tc.err)
			for _, dir := range []string{empty, home} {
				entries, err := os.ReadDir(dir)
				require.NoError(t, err)
				assert.Empty(t, entries, "nothing is written")
				_, err = os.Stat(dir + ".partial")
				assert.True(t, os.IsNotExist(err), "no %s.partial", dir)
			}
		})
	}
}

// TestOutputFolderCheckedFirst: issue 22 item 4's rules hold for every
// command that writes a folder, and are checked before the command's work
// (an import of years of maps takes hours: a refused --out is said at
// once). The inputs here are missing, so a command that read them first
// would fail on them instead.
func TestOutputFolderCheckedFirst(t *testing.T) {
	t.Chdir(t.TempDir())
	foreign := t.TempDir()
	writeTree(t, foreign, map[string]string{"notes.md": "precious"})
	missing := filepath.Join(t.TempDir(), "missing")
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"import-polygons", []string{"import-polygons", "--side", "a=" + filepath.Join(missing, "*.geojson")}},
		{"export", []string{"export", "--data", missing}},
		{"export --site", []string{"export", "--data", missing}},
	} {
		for _, out := range []struct{ dir, err string }{
			{".", "is or holds the current folder"},
			{foreign, "holds files but no .frontline-output.json, so frontline did not write it"},
		} {
			t.Run(tc.name+" "+out.dir, func(t *testing.T) {
				flag := "--out"
				if tc.name == "export --site" {
					flag = "--site"
				}
				code, _, stderr := runCLI(t, append(tc.args, flag, out.dir)...)
				assert.Equal(t, 1, code)
				assert.Contains(t, stderr, out.err)
				assert.Equal(t, map[string]string{"notes.md": "precious"}, readTree(t, foreign))
			})
		}
	}
}
