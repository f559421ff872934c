// Package testkit is what the tests of every package share, once: the
// small test dataset (five districts, geo/testdata/small) and a server on
// a loopback port. It is imported by tests only.
package testkit

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/frontline/frontline/geo"
)

// Root is the absolute path of the repository, whichever package's
// directory a test runs in.
var Root = func() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		panic("testkit: cannot locate its own source file")
	}
	return filepath.Join(filepath.Dir(file), "..", "..")
}()

// SmallDir is the absolute path of the small test dataset.
var SmallDir = filepath.Join(Root, "geo", "testdata", "small")

// SmallFS is the small test dataset's directory.
func SmallFS() fs.FS { return os.DirFS(SmallDir) }

// ReadSmall returns one file of the small test dataset.
func ReadSmall(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(SmallDir, name))
	if err != nil {
		t.Fatalf("testkit: %v", err)
	}
	return b
}

// Small loads the small test dataset, named "small".
func Small(t testing.TB) *geo.Dataset {
	t.Helper()
	ds, err := geo.LoadDir(SmallFS(), "small")
	if err != nil {
		t.Fatalf("testkit: loading %s: %v", SmallDir, err)
	}
	return ds
}

// SmallMapFS returns the small test dataset's files with some replaced
// (name → content; "" removes the file).
func SmallMapFS(t testing.TB, replace map[string]string) fstest.MapFS {
	t.Helper()
	entries, err := os.ReadDir(SmallDir)
	if err != nil {
		t.Fatalf("testkit: %v", err)
	}
	fsys := fstest.MapFS{}
	for _, e := range entries {
		if !e.IsDir() {
			fsys[e.Name()] = &fstest.MapFile{Data: ReadSmall(t, e.Name())}
		}
	}
	for name, content := range replace {
		if content == "" {
			delete(fsys, name)
			continue
		}
		fsys[name] = &fstest.MapFile{Data: []byte(content)}
	}
	return fsys
}

// SmallWith writes the small test dataset, with some files replaced as
// SmallMapFS does, into a new directory and returns it.
func SmallWith(t testing.TB, replace map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, f := range SmallMapFS(t, replace) {
		if err := os.WriteFile(filepath.Join(dir, name), f.Data, 0o644); err != nil {
			t.Fatalf("testkit: %v", err)
		}
	}
	return dir
}

// Serve runs serve (a server's Serve method) on a free loopback port and
// returns its base URL, http://127.0.0.1:PORT, and stop, which ends it
// gracefully and returns what serve returned (nil after a graceful
// shutdown). The test's cleanup stops it if the test did not, and fails
// the test on any error but http.ErrServerClosed.
func Serve(t testing.TB, serve func(context.Context, net.Listener) error) (base string, stop func() error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testkit: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln) }()
	var once sync.Once
	var result error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case result = <-done:
			case <-time.After(30 * time.Second):
				result = errors.New("testkit: the server did not stop within 30 s of its context ending")
			}
		})
		return result
	}
	t.Cleanup(func() {
		if err := stop(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("server: %v", err)
		}
	})
	return "http://" + ln.Addr().String(), stop
}

// Shared is the folder beside the repository that holds material the
// project may not commit (../shared): the Ukraine sample among it.
var Shared = filepath.Join(Root, "..", "shared")

// Ukraine returns the folder of the DeepState sample (daily snapshots of
// occupied Ukraine, GPL-3.0: never copied into the repository) and the
// OSM raions file, or skips the test, saying why, when they are absent.
func Ukraine(t testing.TB) (sample, raions string) {
	t.Helper()
	sample = filepath.Join(Shared, "ukraine", "deepstate-sample")
	raions = filepath.Join(Shared, "ukraine", "osm-raions.geojson.gz")
	for _, p := range []string{sample, raions} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("the Ukraine sample is absent (%v): it lives beside the repository in ../shared/ukraine, never in it", err)
		}
	}
	return sample, raions
}
