package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/internal/testkit"
	"github.com/frontline/frontline/server"
)

// Versions of the small test dataset, as rows added to its control.csv.
const (
	// rowsB moves north-west to the SDF on 28 November: the snapshots,
	// territories and series from then on differ from the original's.
	rowsB = "2016-11-28,north-west,sdf,1,,test version B\n"
	// rowsUnknown names a district the dataset does not have.
	rowsUnknown = "2016-11-28,nowhere,sdf,1,,test\n"
)

// smallFS is the small test dataset with rows appended to control.csv and
// files replaced.
func smallFS(t testing.TB, rows string, replace map[string]string) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, f := range []string{geo.MetaFile, geo.SidesFile, geo.DistrictsFile, geo.ControlFile} {
		b, err := os.ReadFile(filepath.Join(testkit.SmallDir, f))
		require.NoError(t, err)
		if f == geo.ControlFile {
			b = append(b, rows...)
		}
		if r, ok := replace[f]; ok {
			b = []byte(r)
		}
		fsys[f] = &fstest.MapFile{Data: b}
	}
	return fsys
}

// unpreparable is a version that loads but whose territories cannot be
// prepared (what `frontline validate` finds beyond loading): a district
// stretched over 67° of longitude, 9 m from its neighbour, with gaps to
// close.
func unpreparable(t testing.TB) fstest.MapFS {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testkit.SmallDir, geo.DistrictsFile))
	require.NoError(t, err)
	far := strings.Replace(string(b), "[[[37.10, 36.21], [37.11, 36.21], [37.11, 36.22], [37.10, 36.22], [37.10, 36.21]]]",
		"[[[-30, 36.21], [37.1099, 36.21], [37.1099, 36.22], [-30, 36.22], [-30, 36.21]]]", 1)
	require.NotEqual(t, string(b), far)
	return smallFS(t, "", map[string]string{geo.DistrictsFile: far, geo.MetaFile: `{"title":"t","gap_width_m":25}`})
}

func loadFS(t testing.TB, fsys fstest.MapFS) *geo.Dataset {
	t.Helper()
	ds, err := geo.LoadDir(fsys, "small")
	require.NoError(t, err)
	return ds
}

// serveLive serves l on a loopback socket until the test ends and returns
// its base URL.
func serveLive(t *testing.T, l *server.Live) string {
	t.Helper()
	base, _ := testkit.Serve(t, l.Serve)
	return base
}

type healthDoc struct {
	Status, Dataset, Updated string
	LastReload               *struct{ At, Result, Version, Error string } `json:"last_reload"`
}

type metaDoc struct{ Version, Updated string }

// identityTag is the ETag of the identity form of the representation tag
// names (the gzip form's ETag adds -gzip).
func identityTag(tag string) string { return strings.Replace(tag, `-gzip"`, `"`, 1) }

// logMessages are the messages of a JSON log.
func logMessages(t *testing.T, logs *syncBuffer) []string {
	t.Helper()
	var out []string
	for line := range strings.Lines(logs.String()) {
		var rec struct{ Msg string }
		require.NoError(t, json.Unmarshal([]byte(line), &rec))
		out = append(out, rec.Msg)
	}
	return out
}

func health(t *testing.T, h http.Handler) healthDoc {
	t.Helper()
	var doc healthDoc
	rec := get(t, h, "/healthz")
	require.Equal(t, http.StatusOK, rec.Code)
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &doc))
	return doc
}

func meta(t *testing.T, h http.Handler) metaDoc {
	t.Helper()
	var doc metaDoc
	rec := get(t, h, "/api/meta")
	require.Equal(t, http.StatusOK, rec.Code)
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &doc))
	return doc
}

// A version with errors is refused, whether loading finds them or the
// preparation of the territories does: the old version stays live,
// /healthz says the last reload was refused and why, and the log lists
// the problems as `frontline validate` prints them. A good version then
// goes live, with its version and the time it went live in /api/meta.
func TestLiveRefusesABrokenVersion(t *testing.T) {
	var logs syncBuffer
	a := loadFS(t, smallFS(t, "", nil))
	next := make(chan fstest.MapFS, 1)
	l, err := server.NewLive(server.Deps{Dataset: a, Logger: slog.New(slog.NewJSONHandler(&logs, nil))}, server.Config{},
		func() (*geo.Dataset, error) { return geo.LoadDir(<-next, "small") })
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	before := meta(t, l)
	assert.Equal(t, a.Version, before.Version)
	_, err = time.Parse(time.RFC3339, before.Updated)
	require.NoError(t, err)
	assert.Nil(t, health(t, l).LastReload, "no reload yet")

	for _, tc := range []struct {
		name    string
		fsys    fstest.MapFS
		problem string
	}{
		{"unknown district", smallFS(t, rowsUnknown, nil), `small/control.csv:14: error: unknown district "nowhere"`},
		{"territories cannot be prepared", unpreparable(t), "small/districts.geojson: error: preparing districts for territories: territory: closing the gaps needs"},
		{"not a dataset", fstest.MapFS{}, "small/sides.csv: error: cannot read"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			next <- tc.fsys
			err := l.Reload(context.Background())
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.problem)
			assert.Equal(t, a.Version, l.Version(), "the old version stays live")
			assert.Equal(t, before, meta(t, l))
			h := health(t, l)
			assert.Equal(t, a.Version, h.Dataset)
			require.NotNil(t, h.LastReload)
			assert.Equal(t, "refused", h.LastReload.Result)
			assert.Contains(t, h.LastReload.Error, tc.problem)
			assert.LessOrEqual(t, len(h.LastReload.Error), 340, "in short")
			assert.True(t, slices.ContainsFunc(logMessages(t, &logs), func(m string) bool { return strings.HasPrefix(m, tc.problem) }),
				"the problem is logged as validate prints it")
			assert.Contains(t, logMessages(t, &logs), "small: 1 error(s), 0 warning(s): reload refused, still serving version "+a.Version)
		})
	}

	b := loadFS(t, smallFS(t, rowsB, nil))
	next <- smallFS(t, rowsB, nil)
	require.NoError(t, l.Reload(context.Background()))
	assert.Equal(t, b.Version, l.Version())
	after := meta(t, l)
	assert.Equal(t, b.Version, after.Version)
	updated, err := time.Parse(time.RFC3339, after.Updated)
	require.NoError(t, err)
	assert.False(t, updated.Before(time.Now().Add(-time.Minute)), "updated is when the version went live")
	h := health(t, l)
	assert.Equal(t, b.Version, h.Dataset)
	assert.Equal(t, after.Updated, h.Updated)
	require.NotNil(t, h.LastReload)
	assert.Equal(t, "swapped", h.LastReload.Result)
	assert.Empty(t, h.LastReload.Error)

	// The same files again: nothing to swap.
	next <- smallFS(t, rowsB, nil)
	require.NoError(t, l.Reload(context.Background()))
	assert.Equal(t, "unchanged", health(t, l).LastReload.Result)
	assert.Equal(t, after, meta(t, l))
}

// The embedded dataset has no loader: a reload says so.
func TestLiveWithoutLoaderHasNothingToReload(t *testing.T) {
	l, err := server.NewLive(server.Deps{Dataset: loadFS(t, smallFS(t, "", nil))}, server.Config{}, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	assert.ErrorIs(t, l.Reload(context.Background()), server.ErrNothingToReload)
}

// A file replaced while it is read is not loaded half-way: the reload is
// refused (the old version stays), and the next one, once the file is
// whole, swaps.
func TestLiveRefusesAFileReplacedMidRead(t *testing.T) {
	dir := t.TempDir()
	for name, f := range smallFS(t, "", nil) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), f.Data, 0o644))
	}
	a, err := geo.LoadDir(os.DirFS(dir), dir)
	require.NoError(t, err)
	control := filepath.Join(dir, geo.ControlFile)
	whole, err := os.ReadFile(control)
	require.NoError(t, err)
	replace := true
	l, err := server.NewLive(server.Deps{Dataset: a}, server.Config{}, func() (*geo.Dataset, error) {
		if !replace {
			return geo.LoadDir(os.DirFS(dir), dir)
		}
		// The writer truncates control.csv and has written half of it
		// when the loader has read its first bytes.
		return geo.LoadDir(midRead{FS: os.DirFS(dir), name: geo.ControlFile, then: func() {
			require.NoError(t, os.WriteFile(control, append(whole, rowsB...)[:len(whole)/2], 0o644))
		}}, dir)
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })

	err = l.Reload(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "control.csv: error: cannot read: changed while it was read")
	assert.Equal(t, a.Version, l.Version())

	require.NoError(t, os.WriteFile(control, append(whole, rowsB...), 0o644))
	replace = false
	require.NoError(t, l.Reload(context.Background()))
	assert.Equal(t, loadFS(t, smallFS(t, rowsB, nil)).Version, l.Version())
}

// midRead runs then once the file name has been opened and read from.
type midRead struct {
	fs.FS
	name string
	then func()
}

func (m midRead) Open(name string) (fs.File, error) {
	f, err := m.FS.Open(name)
	if err != nil || name != m.name {
		return f, err
	}
	return &midReadFile{File: f, then: m.then}, nil
}

type midReadFile struct {
	fs.File
	then func()
	once sync.Once
}

func (f *midReadFile) Read(p []byte) (int, error) {
	n, err := f.File.Read(p[:min(len(p), 64)])
	f.once.Do(f.then)
	return n, err
}

// SIGHUP while the version served is still being prepared (its first
// territory requests waiting for it): the reload waits for the
// preparation before it loads (one at a time), no request fails, each is
// answered by one version, and the new version goes live.
func TestLiveReloadDuringTheFirstComputation(t *testing.T) {
	optsA := geo.SynthOptions{NX: 30, NY: 30, Dates: 40, Hex: true, Pace: 1, Seed: 6}
	optsB := optsA
	optsB.Seed = 7
	a, b := synth(t, optsA), synth(t, optsB)
	var l *server.Live
	var preparedAtLoad atomic.Bool
	l, err := server.NewLive(server.Deps{Dataset: a}, server.Config{}, func() (*geo.Dataset, error) {
		select {
		case <-l.Prepared():
			preparedAtLoad.Store(true)
		default:
		}
		fsys, err := geo.SynthFS(optsB)
		if err != nil {
			return nil, err
		}
		return geo.LoadDir(fsys, "synth")
	})
	require.NoError(t, err)
	base := serveLive(t, l)

	r := a.Range()
	targets := []string{"/api/territory/" + r.Last.String(), "/api/frontlines/" + r.First.String(),
		"/api/stats?from=" + r.First.String() + "&to=" + r.Last.String()}
	type answer struct {
		target string
		status int
		body   []byte
	}
	answers := make(chan answer, len(targets))
	for _, target := range targets {
		go func() {
			resp, err := http.Get(base + target)
			if err != nil {
				answers <- answer{target, 0, []byte(err.Error())}
				return
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			answers <- answer{target, resp.StatusCode, body}
		}()
	}
	select {
	case <-l.Prepared():
		t.Fatal("the districts were prepared before the reload was asked for: make the dataset larger")
	default:
	}
	require.NoError(t, l.Reload(context.Background()))
	assert.True(t, preparedAtLoad.Load(), "the reload loaded while the version served was being prepared")
	assert.Equal(t, b.Version, l.Version())

	want := map[string][][]byte{}
	for _, ds := range []*geo.Dataset{a, b} {
		srv, err := server.New(server.Deps{Dataset: ds}, server.Config{})
		require.NoError(t, err)
		for _, target := range targets {
			want[target] = append(want[target], get(t, srv.Handler(), target).Body.Bytes())
		}
	}
	for range targets {
		got := <-answers
		require.Equal(t, http.StatusOK, got.status, "%s: %s", got.target, got.body)
		assert.True(t, slices.ContainsFunc(want[got.target], func(w []byte) bool { return string(w) == string(got.body) }),
			"%s: the body is neither version's", got.target)
	}
}

// Reloads asked for while one runs share the next load: one load at a
// time, and the latest files win.
func TestLiveCoalescesReloads(t *testing.T) {
	versions := []fstest.MapFS{smallFS(t, rowsB, nil), smallFS(t, rowsB, map[string]string{geo.MetaFile: `{"title":"C"}`})}
	var calls, running, most atomic.Int32
	gate := make(chan struct{})
	l, err := server.NewLive(server.Deps{Dataset: loadFS(t, smallFS(t, "", nil))}, server.Config{}, func() (*geo.Dataset, error) {
		n := calls.Add(1)
		if r := running.Add(1); r > most.Load() {
			most.Store(r)
		}
		defer running.Add(-1)
		if n == 1 {
			<-gate // the first load is slow
		}
		return geo.LoadDir(versions[min(int(n), len(versions))-1], "small")
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })

	first := make(chan error, 1)
	go func() { first <- l.Reload(context.Background()) }()
	require.Eventually(t, func() bool { return calls.Load() == 1 }, 5*time.Second, time.Millisecond)
	// Five more while the first load runs (a cancelled context returns at
	// once; the request stands).
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for range 5 {
		assert.ErrorIs(t, l.Reload(cancelled), context.Canceled)
	}
	close(gate)
	require.NoError(t, <-first)
	c := loadFS(t, versions[1]).Version
	require.Eventually(t, func() bool { return l.Version() == c }, 5*time.Second, time.Millisecond, "the latest wins")
	assert.Equal(t, int32(2), calls.Load(), "the reloads asked for during a load share one")
	assert.Equal(t, int32(1), most.Load(), "never two loads at once")
}

// With Watch, a dataset directory replaced by rename (as import-polygons
// writes it) goes live, and a broken file written into it is refused.
func TestLiveWatchServesTheNewVersion(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	write := func(dst string, fsys fstest.MapFS) {
		require.NoError(t, os.MkdirAll(dst, 0o755))
		for name, f := range fsys {
			require.NoError(t, os.WriteFile(filepath.Join(dst, name), f.Data, 0o644))
		}
	}
	write(dir, smallFS(t, "", nil))
	load := func() (*geo.Dataset, error) { return geo.LoadDir(os.DirFS(dir), dir) }
	a, err := load()
	require.NoError(t, err)
	l, err := server.NewLive(server.Deps{Dataset: a}, server.Config{}, load)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); _ = l.Close() })
	require.NoError(t, l.Watch(ctx, dir))

	write(dir+".partial", smallFS(t, rowsB, nil))
	require.NoError(t, os.Rename(dir, dir+".old"))
	require.NoError(t, os.Rename(dir+".partial", dir))
	require.NoError(t, os.RemoveAll(dir+".old"))
	b := loadFS(t, smallFS(t, rowsB, nil))
	require.Eventually(t, func() bool { return l.Version() == b.Version }, 10*time.Second, 20*time.Millisecond, "the new directory goes live")

	require.NoError(t, os.WriteFile(filepath.Join(dir, geo.ControlFile), []byte("date,district\n"), 0o644))
	require.Eventually(t, func() bool { r := l.LastReload(); return r != nil && r.Result == "refused" }, 10*time.Second, 20*time.Millisecond)
	assert.Equal(t, b.Version, l.Version(), "the broken file is not served")
}

// The load test, short form (scripts/bench-reload.sh is the long one):
// clients on a mix of snapshot, series, territory and meta requests
// through the real server on a loopback socket while versions swap every
// 100 ms, good and broken alternately. Every answer is 200 (304 for a meta
// revalidated), every body is the one its ETag names, as a server of one
// of the good versions answers it, and the broken versions are never
// served.
func TestLiveUnderLoad(t *testing.T) {
	good := []fstest.MapFS{smallFS(t, "", nil), smallFS(t, rowsB, nil)}
	seq := []fstest.MapFS{smallFS(t, rowsUnknown, nil), good[1], unpreparable(t), good[0]}
	targets := []string{"/api/snapshot/2016-11-20", "/api/snapshot/2016-12-01", "/api/stats?from=2016-11-15&to=2016-12-22",
		"/api/territory/2016-11-28", "/api/frontlines/2016-12-22", "/api/stats/2016-11-28"}

	// What each good version answers, from a server of its own: by target
	// and ETag, the body and the version.
	type answer struct {
		body    string
		version string
	}
	want := map[string]map[string]answer{}
	versions := map[string]bool{}
	for _, fsys := range good {
		ds := loadFS(t, fsys)
		versions[ds.Version] = true
		srv, err := server.New(server.Deps{Dataset: ds}, server.Config{})
		require.NoError(t, err)
		for _, target := range targets {
			rec := get(t, srv.Handler(), target)
			require.Equal(t, http.StatusOK, rec.Code, target)
			if want[target] == nil {
				want[target] = map[string]answer{}
			}
			want[target][rec.Header().Get("ETag")] = answer{rec.Body.String(), ds.Version}
		}
	}
	require.Len(t, want["/api/snapshot/2016-12-01"], 2, "the versions must differ where the test looks")

	var swaps int
	l, err := server.NewLive(server.Deps{Dataset: loadFS(t, good[0])}, server.Config{}, func() (*geo.Dataset, error) {
		// The reloads run one at a time: swaps needs no lock.
		fsys := seq[swaps%len(seq)]
		swaps++
		return geo.LoadDir(fsys, "small")
	})
	require.NoError(t, err)
	base := serveLive(t, l)

	const clients = 8
	var (
		mu       sync.Mutex
		failures []string
		served   = map[string]int{}
		requests atomic.Int64
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if len(failures) < 20 {
			failures = append(failures, fmt.Sprintf(format, args...))
		}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Half the clients take gzip (decoded by the transport: the
			// ETag then names the gzip form of the body).
			client := &http.Client{Transport: &http.Transport{DisableCompression: c%2 == 0, MaxIdleConnsPerHost: 1}}
			defer client.CloseIdleConnections()
			metaTag := ""
			for i := c; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				target := "/api/meta"
				if i%(len(targets)+1) != 0 {
					target = targets[i%(len(targets)+1)-1]
				}
				req, _ := http.NewRequest(http.MethodGet, base+target, nil)
				if target == "/api/meta" && metaTag != "" {
					req.Header.Set("If-None-Match", metaTag)
				}
				resp, err := client.Do(req)
				if err != nil {
					fail("%s: %v", target, err)
					continue
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				requests.Add(1)
				tag := resp.Header.Get("ETag")
				switch {
				case err != nil:
					fail("%s: reading the body: %v", target, err)
				case resp.StatusCode == http.StatusNotModified && target == "/api/meta":
				case resp.StatusCode != http.StatusOK:
					fail("%s: %d %s", target, resp.StatusCode, body)
				case target == "/api/meta":
					var m metaDoc
					if err := json.Unmarshal(body, &m); err != nil || !versions[m.Version] {
						fail("meta names version %q, not a good one (%v)", m.Version, err)
					}
					sum := sha256.Sum256(body)
					if identityTag(tag) != `"`+hex.EncodeToString(sum[:12])+`"` {
						fail("meta's ETag %s is not its body's", tag)
					}
					metaTag = tag
				default:
					w, ok := want[target][identityTag(tag)]
					if !ok {
						fail("%s: ETag %s is no good version's", target, tag)
					} else if string(body) != w.body {
						fail("%s: the body is not the one its ETag %s names", target, tag)
					} else {
						mu.Lock()
						served[w.version]++
						mu.Unlock()
					}
				}
			}
		}()
	}

	deadline := time.Now().Add(2 * time.Second)
	refused, swapped := 0, 0
	for time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		before := l.Version()
		if err := l.Reload(context.Background()); err != nil {
			refused++
			var h healthDoc
			resp, herr := http.Get(base + "/healthz")
			require.NoError(t, herr)
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&h))
			resp.Body.Close()
			assert.Equal(t, before, h.Dataset, "a refused version is not served")
			assert.Equal(t, "refused", h.LastReload.Result)
		} else {
			swapped++
		}
	}
	close(stop)
	wg.Wait()
	t.Logf("%d requests, %d versions swapped in, %d refused; answers by version: %v", requests.Load(), swapped, refused, served)
	assert.Empty(t, failures)
	assert.Positive(t, refused)
	assert.Positive(t, swapped)
	assert.Len(t, served, 2, "both good versions served")
	assert.ElementsMatch(t, slices.Collect(maps.Keys(versions)), slices.Collect(maps.Keys(served)))
}

// ETags are hashes of the bytes of each representation: after a swap, an
// answer the new version changed has a new ETag (a client's If-None-Match
// gets the new body), and one it left alone keeps its ETag (a 304: caches
// keep what is still right).
func TestLiveETagsFollowTheBytes(t *testing.T) {
	next := make(chan fstest.MapFS, 1)
	l, err := server.NewLive(server.Deps{Dataset: loadFS(t, smallFS(t, "", nil))}, server.Config{},
		func() (*geo.Dataset, error) { return geo.LoadDir(<-next, "small") })
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	tags := map[string]string{}
	for _, target := range []string{"/api/snapshot/2016-11-20", "/api/snapshot/2016-12-01", "/api/meta"} {
		for _, enc := range []string{"", "gzip"} {
			tags[target+enc] = get(t, l, target, "Accept-Encoding", enc).Header().Get("ETag")
		}
	}
	next <- smallFS(t, rowsB, nil) // north-west changes hands on 28 November
	require.NoError(t, l.Reload(context.Background()))
	for _, tc := range []struct {
		target string
		status int
	}{
		{"/api/snapshot/2016-11-20", http.StatusNotModified},
		{"/api/snapshot/2016-12-01", http.StatusOK},
		{"/api/meta", http.StatusOK},
	} {
		for _, enc := range []string{"", "gzip"} {
			rec := get(t, l, tc.target, "Accept-Encoding", enc, "If-None-Match", tags[tc.target+enc])
			assert.Equal(t, tc.status, rec.Code, "%s %q", tc.target, enc)
			if tc.status == http.StatusOK {
				assert.NotEqual(t, tags[tc.target+enc], rec.Header().Get("ETag"))
			}
		}
	}
}
