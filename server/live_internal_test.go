package server

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/internal/testkit"
)

// testQuiet is the watch's quiet time in the tests: short, but several
// times the pauses of the writers below.
const testQuiet = 150 * time.Millisecond

// watched watches dir and returns the control.csv each change report
// found, read when it was reported.
func watched(t *testing.T, dir string) <-chan string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	got := make(chan string, 16)
	require.NoError(t, watchDir(ctx, dir, testQuiet, func() {
		b, _ := os.ReadFile(filepath.Join(dir, geo.ControlFile))
		got <- string(b)
	}, slog.New(slog.DiscardHandler)))
	return got
}

// next returns the next report, failing after a few seconds without one.
func next(t *testing.T, got <-chan string) string {
	t.Helper()
	select {
	case s := <-got:
		return s
	case <-time.After(5 * time.Second):
		t.Fatal("no change reported")
		return ""
	}
}

// none checks that no report comes for a while.
func none(t *testing.T, got <-chan string) {
	t.Helper()
	select {
	case s := <-got:
		t.Fatalf("a change reported with nothing changed (control.csv %d bytes)", len(s))
	case <-time.After(4 * testQuiet):
	}
}

func writeFiles(t *testing.T, dir, control string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(dir, 0o755))
	for _, f := range []string{geo.MetaFile, geo.SidesFile, geo.DistrictsFile} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), []byte(f), 0o644))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, geo.ControlFile), []byte(control), 0o644))
}

// A file written in pieces, with pauses shorter than the quiet time, is
// reported once, whole: never half-written.
func TestWatchWaitsForAWriteToFinish(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	writeFiles(t, dir, "v1")
	got := watched(t, dir)

	f, err := os.Create(filepath.Join(dir, geo.ControlFile)) // truncates: the old bytes are gone at once
	require.NoError(t, err)
	var want strings.Builder
	for i := range 12 {
		line := strings.Repeat("x", 1000) + "\n"
		want.WriteString(line)
		_, err := f.WriteString(line)
		require.NoError(t, err)
		if i < 11 {
			time.Sleep(testQuiet / 3)
		}
	}
	require.NoError(t, f.Close())
	assert.Equal(t, want.String(), next(t, got), "reported before the file was whole")
	none(t, got)

	// A file that is not the dataset's changes nothing.
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".control.csv.swp"), []byte("x"), 0o644))
	none(t, got)
}

// A directory replaced whole by renames, as import-polygons and export
// commit theirs (DIR → DIR.old, DIR.partial → DIR, DIR.old removed), is
// reported once, and the watch follows the new directory: a write into it,
// and a second swap, are reported too.
func TestWatchFollowsADirectorySwappedByRename(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "data")
	writeFiles(t, dir, "v1")
	got := watched(t, dir)
	swap := func(control string) {
		writeFiles(t, dir+".partial", control)
		require.NoError(t, os.Rename(dir, dir+".old"))
		require.NoError(t, os.Rename(dir+".partial", dir))
		require.NoError(t, os.RemoveAll(dir+".old"))
	}

	swap("v2")
	assert.Equal(t, "v2", next(t, got))
	none(t, got)

	require.NoError(t, os.WriteFile(filepath.Join(dir, geo.ControlFile), []byte("v3"), 0o644))
	assert.Equal(t, "v3", next(t, got), "a write into the new directory is seen")
	none(t, got)

	swap("v4")
	assert.Equal(t, "v4", next(t, got), "a second swap is seen")

	// The directory gone: reported (the reload refuses it); recreated: reported again.
	require.NoError(t, os.RemoveAll(dir))
	assert.Equal(t, "", next(t, got))
	writeFiles(t, dir, "v5")
	assert.Equal(t, "v5", next(t, got))
}

// A version in use is never closed: requests that took it before a swap
// finish on it (its GeoPackage still there), and it is closed when the
// last one is done; versions swapped in and out under concurrent requests
// are closed only once none uses them.
func TestLiveClosesAVersionAfterItsRequests(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	dsA := testkit.Small(t)
	var n atomic.Int32
	l, err := NewLive(Deps{Dataset: dsA}, Config{}, func() (*geo.Dataset, error) {
		// Each load differs from the last: a title of its own.
		fsys := fstest.MapFS{}
		for _, f := range []string{geo.SidesFile, geo.DistrictsFile, geo.ControlFile} {
			b, err := os.ReadFile(filepath.Join(testkit.SmallDir, f))
			if err != nil {
				return nil, err
			}
			fsys[f] = &fstest.MapFile{Data: b}
		}
		fsys[geo.MetaFile] = &fstest.MapFile{Data: fmt.Appendf(nil, `{"title": "small %d"}`, n.Add(1))}
		return geo.LoadDir(fsys, "small")
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })

	held := l.acquire()
	f, err := held.s.gpkg.file(held.s)
	require.NoError(t, err)
	require.NoError(t, l.Reload(context.Background()))
	assert.NotSame(t, held, l.cur.Load(), "the reload swapped")
	assert.False(t, held.closed.Load(), "closed while a request uses it")
	assert.FileExists(t, f.path, "the GeoPackage of a version in use is kept")
	held.release(l.log)
	assert.True(t, held.closed.Load(), "closed once its last request is done")
	assert.NoFileExists(t, f.path, "the GeoPackage of a replaced version is removed")

	stop := make(chan struct{})
	done := make(chan struct{})
	var bad atomic.Int32
	for range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			for {
				select {
				case <-stop:
					return
				default:
				}
				v := l.acquire()
				if v.closed.Load() {
					bad.Add(1)
				}
				v.release(l.log)
			}
		}()
	}
	var replaced []*version
	for range 10 {
		replaced = append(replaced, l.cur.Load())
		require.NoError(t, l.Reload(context.Background()))
	}
	close(stop)
	for range 8 {
		<-done
	}
	assert.Zero(t, bad.Load(), "a request got a closed version")
	for i, v := range replaced {
		assert.True(t, v.closed.Load(), "replaced version %d not closed", i)
		assert.Zero(t, v.s.cache.bytes(), "replaced version %d still holds cached answers", i)
	}
}

// A new version is warmed before it goes live: the answers asked for most
// lately are in its cache at the swap, so the first requests after it find
// them computed (and in gzip, as they were asked for).
func TestLiveWarmsTheHotAnswersBeforeTheSwap(t *testing.T) {
	dsA := testkit.Small(t)
	l, err := NewLive(Deps{Dataset: dsA}, Config{}, func() (*geo.Dataset, error) {
		fsys := fstest.MapFS{}
		for _, f := range []string{geo.SidesFile, geo.DistrictsFile, geo.ControlFile} {
			b, err := os.ReadFile(filepath.Join(testkit.SmallDir, f))
			if err != nil {
				return nil, err
			}
			fsys[f] = &fstest.MapFile{Data: b}
		}
		fsys[geo.MetaFile] = &fstest.MapFile{Data: []byte(`{"title": "small, again"}`)}
		return geo.LoadDir(fsys, "small")
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	hot := []string{"/api/snapshot/2016-11-20", "/api/territory/2016-11-28", "/api/stats?from=2016-11-15&to=2016-12-22"}
	for i := range 10 * hotSample * len(hot) {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, hot[i%len(hot)], nil)
		req.Header.Set("Accept-Encoding", "gzip")
		l.ServeHTTP(rec, req)
		require.Equal(t, http.StatusOK, rec.Code)
	}
	// Pages and downloads of the GeoPackage are not warmed.
	for range 2 * hotSample {
		l.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/index.html", nil))
	}
	assert.ElementsMatch(t, hot, l.hot.top(hotWarm))

	require.NoError(t, l.Reload(context.Background()))
	s := l.cur.Load().s
	require.Equal(t, "small, again", s.deps.Dataset.Meta.Title)
	s.cache.mu.Lock()
	keys := slices.Collect(maps.Keys(s.cache.items))
	s.cache.mu.Unlock()
	for _, k := range []string{"snapshot/2016-11-20", "territory/2016-11-28", "series/2016-11-15/2016-12-22/json"} {
		assert.Contains(t, keys, k)
	}
	misses := s.cache.misses.Load()
	for _, u := range hot {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, u, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		l.ServeHTTP(rec, req)
		require.Equal(t, http.StatusOK, rec.Code)
		assert.Equal(t, "gzip", rec.Header().Get("Content-Encoding"))
	}
	assert.Equal(t, misses, s.cache.misses.Load(), "the first requests after the swap are answered from the cache")
}
