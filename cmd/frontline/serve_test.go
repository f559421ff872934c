package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// served runs `frontline serve` in process with args (and --addr on a free
// loopback port) and returns its base URL, its log and a stop function
// (SIGTERM, as systemd stops it) that returns its exit code.
func served(t *testing.T, args ...string) (base string, logs *safeBuffer, stop func() int) {
	t.Helper()
	var stdout safeBuffer
	logs = &safeBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(append([]string{"serve", "--addr", "127.0.0.1:0", "--log-sample", "1000"}, args...), &stdout, logs)
	}()
	url := regexp.MustCompile(`on (http://127\.0\.0\.1:\d+)`)
	require.Eventually(t, func() bool { return url.MatchString(stdout.String()) }, 30*time.Second, 10*time.Millisecond,
		"serve did not start: %s", logs.String())
	base = url.FindStringSubmatch(stdout.String())[1]
	stopped := false
	stop = func() int {
		if stopped {
			return 0
		}
		stopped = true
		require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGTERM))
		select {
		case code := <-done:
			return code
		case <-time.After(30 * time.Second):
			t.Fatal("serve did not stop on SIGTERM")
			return -1
		}
	}
	t.Cleanup(func() { stop() })
	return base, logs, stop
}

type healthz struct {
	Dataset    string
	LastReload *struct{ Result, Error string } `json:"last_reload"`
}

func healthOf(t *testing.T, base string) healthz {
	t.Helper()
	resp, err := http.Get(base + "/healthz")
	require.NoError(t, err)
	defer resp.Body.Close()
	var h healthz
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&h))
	return h
}

// appendRow adds a control row to dir's control.csv, as a hand edit does.
func appendRow(t *testing.T, dir, row string) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(dir, "control.csv"), os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString(row + "\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())
}

// The daily workflow on a running server: a hand-edited table goes live
// on SIGHUP (systemctl reload); a broken edit is refused and the old
// version stays; without --watch nothing is read before the signal.
func TestServeReloadsOnSIGHUP(t *testing.T) {
	dir := copySmall(t, "")
	base, logs, stop := served(t, "--data", dir)
	v1 := healthOf(t, base).Dataset

	appendRow(t, dir, "2016-12-30,north-west,sdf,1,,a new day")
	time.Sleep(300 * time.Millisecond)
	assert.Equal(t, v1, healthOf(t, base).Dataset, "without --watch the files are read on SIGHUP only")
	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGHUP))
	require.Eventually(t, func() bool { return healthOf(t, base).Dataset != v1 }, 10*time.Second, 20*time.Millisecond)
	h := healthOf(t, base)
	assert.Equal(t, "swapped", h.LastReload.Result)
	var meta struct {
		LastDate string `json:"last_date"`
	}
	resp, err := http.Get(base + "/api/meta")
	require.NoError(t, err)
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&meta))
	resp.Body.Close()
	assert.Equal(t, "2016-12-30", meta.LastDate)

	appendRow(t, dir, "2016-12-31,nowhere,sdf,1,,a typo")
	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGHUP))
	require.Eventually(t, func() bool { return healthOf(t, base).LastReload.Result == "refused" }, 10*time.Second, 20*time.Millisecond)
	assert.Equal(t, h.Dataset, healthOf(t, base).Dataset, "the broken edit is not served")
	assert.Contains(t, healthOf(t, base).LastReload.Error, `unknown district "nowhere"`)
	assert.Equal(t, 0, stop())
	assert.Contains(t, logs.String(), `control.csv:15: error: unknown district \"nowhere\"`, "logged as validate prints it")
}

// With --watch, a new day appended to the table, and a dataset directory
// replaced by renames (as import-polygons writes it), go live by
// themselves.
func TestServeWatchesTheDatasetDirectory(t *testing.T) {
	dir := copySmall(t, "")
	base, _, stop := served(t, "--data", dir, "--watch")
	v1 := healthOf(t, base).Dataset

	appendRow(t, dir, "2016-12-30,north-west,sdf,1,,a new day")
	require.Eventually(t, func() bool { return healthOf(t, base).Dataset != v1 }, 10*time.Second, 20*time.Millisecond)
	v2 := healthOf(t, base).Dataset

	next := dir + ".partial"
	require.NoError(t, os.CopyFS(next, os.DirFS(dir)))
	appendRow(t, next, "2016-12-31,north-east,sdf,1,,another day")
	require.NoError(t, os.Rename(dir, dir+".old"))
	require.NoError(t, os.Rename(next, dir))
	require.NoError(t, os.RemoveAll(dir+".old"))
	require.Eventually(t, func() bool { return healthOf(t, base).Dataset != v2 }, 10*time.Second, 20*time.Millisecond)
	assert.Equal(t, "swapped", healthOf(t, base).LastReload.Result)
	assert.Equal(t, 0, stop())
}

// The embedded dataset has nothing to reload: SIGHUP says so and the
// server goes on; --watch needs a directory.
func TestServeEmbeddedHasNothingToReload(t *testing.T) {
	base, logs, stop := served(t)
	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGHUP))
	require.Eventually(t, func() bool {
		return regexp.MustCompile(`SIGHUP: the embedded dataset has nothing to reload`).MatchString(logs.String())
	},
		10*time.Second, 20*time.Millisecond)
	assert.Nil(t, healthOf(t, base).LastReload)
	assert.Equal(t, 0, stop())

	code, _, stderr := runCLI(t, "serve", "--watch")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "--watch needs --data DIR")
}

func TestOriginFlags(t *testing.T) {
	for _, tc := range []struct {
		addr, hosts string
		want        []string
	}{
		{":8080", "", []string{"localhost", "127.0.0.1", "::1"}},
		{"0.0.0.0:8080", "", []string{"localhost", "127.0.0.1", "::1"}},
		{"maps.example.org:80", "", []string{"localhost", "127.0.0.1", "::1", "maps.example.org"}},
		{"[2001:db8::1]:80", "", []string{"localhost", "127.0.0.1", "::1", "2001:db8::1"}},
		{":8080", "a.example, b.example ", []string{"a.example", "b.example"}},
	} {
		hosts, _, err := originFlags(tc.addr, tc.hosts, "")
		require.NoError(t, err)
		assert.Equal(t, tc.want, hosts, tc.addr+" "+tc.hosts)
	}
	_, proxies, err := originFlags(":8080", "", "10.0.0.0/8, 192.0.2.7")
	require.NoError(t, err)
	assert.Equal(t, []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.7/32")}, proxies)
}

// The daily workflow of a polygon source, end to end: a server started
// with --watch on an import-polygons dataset serves the day a later
// import-polygons run appends (written as DIR.partial and renamed over
// DIR) without a restart.
func TestServeWatchPicksUpImportPolygons(t *testing.T) {
	src := t.TempDir()
	write := func(name, body string) {
		require.NoError(t, os.WriteFile(filepath.Join(src, name), []byte(body), 0o644))
	}
	rect := func(x0, y0, x1, y1 float64) string {
		return fmt.Sprintf(`[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]`, x0, y0, x1, y0, x1, y1, x0, y1, x0, y0)
	}
	write("regions.geojson", `{"type":"FeatureCollection","features":[`+
		`{"type":"Feature","properties":{"rid":"w","rname":"West","grp":"north"},"geometry":{"type":"Polygon","coordinates":`+rect(30, 50, 30.5, 50.5)+`}},`+
		`{"type":"Feature","properties":{"rid":"e","rname":"East","grp":"north"},"geometry":{"type":"Polygon","coordinates":`+rect(30.5, 50, 31, 50.5)+`}}]}`)
	held := func(name string, east float64) {
		write(name, `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":`+
			rect(30.7, 50, east, 50.5)+`}}]}`)
	}
	held("red_20240101.geojson", 31)
	held("red_20240102.geojson", 31)
	dir := filepath.Join(t.TempDir(), "war")
	importDays := func() {
		t.Helper()
		code, _, stderr := runCLI(t, "import-polygons", "--out", dir, "--side", "red="+filepath.Join(src, "red_*.geojson"), "--rest", "blue",
			"--regions", filepath.Join(src, "regions.geojson"), "--region-id", "rid", "--region-name", "rname", "--group", "grp")
		require.Equal(t, 0, code, stderr)
	}
	importDays()

	base, _, stop := served(t, "--data", dir, "--watch")
	v1 := healthOf(t, base).Dataset
	lastDate := func() string {
		var meta struct {
			LastDate string `json:"last_date"`
		}
		resp, err := http.Get(base + "/api/meta")
		require.NoError(t, err)
		defer resp.Body.Close()
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&meta))
		return meta.LastDate
	}
	require.Equal(t, "2024-01-02", lastDate())

	// The next morning: red takes more ground, the same command appends it.
	write("red_20240103.geojson", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":`+
		rect(30.4, 50, 31, 50.5)+`}}]}`)
	importDays()
	require.Eventually(t, func() bool { return healthOf(t, base).Dataset != v1 }, 20*time.Second, 20*time.Millisecond)
	assert.Equal(t, "swapped", healthOf(t, base).LastReload.Result)
	assert.Equal(t, "2024-01-03", lastDate())
	assert.Equal(t, 0, stop())
}
