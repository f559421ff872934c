package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/data"
	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/server"
	"github.com/frontline/frontline/site"
	"github.com/frontline/frontline/web"
)

const nginxPath = "/usr/sbin/nginx"

// brotliModule is Debian's brotli_static module for nginx
// (libnginx-mod-http-brotli-static).
const brotliModule = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so"

// stockMimeTypes is the MIME types file of Debian's nginx, which the
// site's snippet and the proxy configuration include.
const stockMimeTypes = "/etc/nginx/mime.types"

// startNginx runs nginx on a free loopback port with the http block's
// directives conf, in which @LISTEN@ stands for the address, and returns
// its base URL and its folder (logs, mime.types). The test skips when
// nginx is not installed; nginx stops when the test ends.
func startNginx(t *testing.T, conf string) (string, string) {
	t.Helper()
	for _, p := range []string{nginxPath, stockMimeTypes} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("needs nginx from Debian (apt-get install nginx-light): %v", err)
		}
	}
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	mime, err := os.ReadFile(stockMimeTypes)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "mime.types"), mime, 0o644))
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;" // the workers read the test's private temporary folders
	}
	modules := ""
	if _, err := os.Stat(brotliModule); err == nil {
		modules = "load_module " + brotliModule + ";"
	}
	main := fmt.Sprintf(`%s
%s
daemon off;
worker_processes 2;
pid %[3]s/nginx.pid;
error_log %[3]s/error.log;
events { worker_connections 1024; }
http {
	access_log %[3]s/access.log;
	client_body_temp_path %[3]s/body;
	proxy_temp_path %[3]s/proxy;
	fastcgi_temp_path %[3]s/fastcgi;
	uwsgi_temp_path %[3]s/uwsgi;
	scgi_temp_path %[3]s/scgi;
	sendfile on;
	%[4]s
}
`, user, modules, dir, strings.ReplaceAll(conf, "@LISTEN@", addr))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(main), 0o644))
	cmd := exec.Command(nginxPath, "-p", dir, "-c", filepath.Join(dir, "nginx.conf"))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGQUIT)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx did not start: %s%s", out.String(), log)
		}
	}
	return "http://" + addr, dir
}

// serveSite serves the site at root with nginx configured by the snippet
// the site carries.
func serveSite(t *testing.T, root string) string {
	t.Helper()
	base, _ := startNginx(t, fmt.Sprintf("server {\n\tlisten @LISTEN@;\n\troot %s;\n\tinclude %s;\n}", root, filepath.Join(root, site.NginxFile)))
	return base
}

// exportSite writes ds's static site into dir, reusing prev's files.
func exportSite(t *testing.T, ds *geo.Dataset, dir, prev string) *site.Report {
	t.Helper()
	rep, err := site.Export(server.Deps{Dataset: ds, Assets: web.Assets()}, server.Config{}, site.Options{Dir: dir, Previous: prev})
	require.NoError(t, err)
	return rep
}

// requestLog records every request a tab makes and the status and coding
// of each answer.
type requestLog struct {
	mu       sync.Mutex
	urls     []string
	status   map[string]int64
	encoding map[string]string
}

func (l *requestLog) listen(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
	return chromedp.Void{}, chromedp.Listen(ctx, func(ev any) {
		l.mu.Lock()
		defer l.mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			l.urls = append(l.urls, e.Request.URL)
		case *network.EventResponseReceived:
			l.status[e.Response.URL] = e.Response.Status
			if v, ok := e.Response.Headers["Content-Encoding"].(string); ok {
				l.encoding[e.Response.URL] = v
			} else if v, ok := e.Response.Headers["content-encoding"].(string); ok {
				l.encoding[e.Response.URL] = v
			}
		}
	})
}

func (l *requestLog) snapshot() ([]string, map[string]int64, map[string]string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := map[string]int64{}
	for k, v := range l.status {
		st[k] = v
	}
	enc := map[string]string{}
	for k, v := range l.encoding {
		enc[k] = v
	}
	return slices.Clone(l.urls), st, enc
}

// TestStaticSite publishes the Aleppo map as a static site (issue 20),
// serves it with nginx as the site's own snippet configures it, and holds
// it against the live server: every file is the API's answer, and the
// page, from the files alone, draws the same districts and shows the same
// statistics and comparison numbers, asking for nothing outside the site.
func TestStaticSite(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("needs Chromium at %s (apt-get install chromium): %v", chromiumPath, err)
	}
	if _, err := os.Stat(nginxPath); err != nil {
		t.Skipf("needs nginx from Debian (apt-get install nginx-light): %v", err)
	}
	ds := dataset(t)
	root := t.TempDir()
	first := filepath.Join(root, "v1")
	rep := exportSite(t, ds, first, "")
	require.Empty(t, rep.Refused)
	// nginx serves a link that the test points at the version to publish.
	current := filepath.Join(root, "current")
	require.NoError(t, os.Symlink(first, current))
	m, err := site.ReadManifest(first)
	require.NoError(t, err)

	liveSrv, err := server.New(server.Deps{Dataset: ds, Assets: web.Assets()}, server.Config{Updated: rep.Updated})
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, liveSrv.Close()) })
	ts := httptest.NewServer(liveSrv.Handler())
	t.Cleanup(ts.Close)
	api := apiClient{t: t, base: ts.URL}
	meta := api.meta()
	features := api.districts()

	t.Run("every file is the live API's answer", func(t *testing.T) {
		n := 0
		for key, e := range m.Files {
			if !strings.HasPrefix(key, "/api/") {
				continue
			}
			res, err := http.Get(ts.URL + key)
			require.NoError(t, err)
			body, err := io.ReadAll(res.Body)
			res.Body.Close()
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, res.StatusCode, key)
			file, err := os.ReadFile(filepath.Join(first, e.Path))
			require.NoError(t, err)
			assert.True(t, bytes.Equal(body, file), "%s: %s differs from the API's answer", key, e.Path)
			n++
		}
		r := ds.Range()
		assert.Greater(t, n, 5*r.Days()+len(ds.Districts), "every day and district is there")
	})

	base := serveSite(t, current)

	t.Run("nginx serves the files with their types, gzip forms and lifetimes", func(t *testing.T) {
		for _, key := range []string{"/api/districts.topojson", "/api/snapshot/" + meta.LastDate, "/api/stats.csv", "/api/stats.csvt", "/api/export.gpkg"} {
			e := m.Files[key]
			want, err := os.ReadFile(filepath.Join(first, e.Path))
			require.NoError(t, err)
			res, err := http.Get(base + "/" + e.Path)
			require.NoError(t, err)
			body, err := io.ReadAll(res.Body)
			res.Body.Close()
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, res.StatusCode, key)
			assert.True(t, bytes.Equal(want, body), key)
			assert.Equal(t, e.Type, res.Header.Get("Content-Type"), "%s: the API's type, from nginx's stock types and the snippet's", key)
			assert.Equal(t, server.CacheImmutable, res.Header.Get("Cache-Control"), key)
			if _, ok := e.Encodings["gzip"]; !ok {
				continue
			}
			// Go's client asks for gzip itself and decodes it: ask by hand to see the stored bytes.
			req, err := http.NewRequest(http.MethodGet, base+"/"+e.Path, nil)
			require.NoError(t, err)
			req.Header.Set("Accept-Encoding", "gzip")
			res, err = http.DefaultTransport.RoundTrip(req)
			require.NoError(t, err)
			gz, err := io.ReadAll(res.Body)
			res.Body.Close()
			require.NoError(t, err)
			stored, err := os.ReadFile(filepath.Join(first, e.Path+".gz"))
			require.NoError(t, err)
			assert.Equal(t, "gzip", res.Header.Get("Content-Encoding"), "%s: gzip_static", key)
			assert.True(t, bytes.Equal(stored, gz), "%s: the .gz beside it", key)
			assert.Contains(t, res.Header.Values("Vary"), "Accept-Encoding", key)
		}
		res, err := http.Get(base + "/")
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, http.StatusOK, res.StatusCode)
		assert.Equal(t, server.CachePage, res.Header.Get("Cache-Control"))
		for _, hidden := range []string{"/" + site.NginxFile, "/.frontline-output.json"} {
			res, err := http.Get(base + hidden)
			require.NoError(t, err)
			res.Body.Close()
			assert.Equal(t, http.StatusNotFound, res.StatusCode, hidden)
		}
	})

	t.Run("with brotli_static switched on, nginx serves the .br forms", func(t *testing.T) {
		if _, err := os.Stat(brotliModule); err != nil {
			t.Skipf("needs libnginx-mod-http-brotli-static: %v", err)
		}
		snippet, err := os.ReadFile(filepath.Join(first, site.NginxFile))
		require.NoError(t, err)
		require.Contains(t, string(snippet), "#brotli_static on;")
		conf := filepath.Join(t.TempDir(), "site-brotli.conf")
		require.NoError(t, os.WriteFile(conf, bytes.Replace(snippet, []byte("#brotli_static on;"), []byte("brotli_static on;"), 1), 0o644))
		brBase, _ := startNginx(t, fmt.Sprintf("server {\n\tlisten @LISTEN@;\n\troot %s;\n\tinclude %s;\n}", first, conf))
		e := m.Files["/api/districts.topojson"]
		req, err := http.NewRequest(http.MethodGet, brBase+"/"+e.Path, nil)
		require.NoError(t, err)
		req.Header.Set("Accept-Encoding", "gzip, deflate, br")
		res, err := http.DefaultTransport.RoundTrip(req)
		require.NoError(t, err)
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		require.NoError(t, err)
		stored, err := os.ReadFile(filepath.Join(first, e.Path+".br"))
		require.NoError(t, err)
		assert.Equal(t, "br", res.Header.Get("Content-Encoding"))
		assert.True(t, bytes.Equal(stored, body), "the .br beside it")
		assert.Equal(t, e.Type, res.Header.Get("Content-Type"))
	})

	ctx := newBrowser(t)
	district, date := api.districtThatChanges(meta)
	from := meta.FirstDate

	t.Run("the page works from the files alone", func(t *testing.T) {
		log := &requestLog{status: map[string]int64{}, encoding: map[string]string{}}
		b := open(t, ctx, base+"/?tiles=off#"+date+"/"+from, log.listen, chromedp.EmulateViewport(1280, 800))

		ids := eval[[]string](t, b, `[...document.querySelectorAll('path.district')].map(p => p.dataset.id)`)
		want := make([]string, 0, len(features))
		for _, f := range features {
			want = append(want, f.ID)
		}
		assert.ElementsMatch(t, want, ids, "the same districts drawn")

		waitCompared(t, b, date, from)
		assertComparison(t, b, api, meta, from, date)
		// The whole summary the page computes is the API's, front lengths and all.
		var wantSum, gotSum map[string]any
		api.get("/api/changes/summary?from="+from+"&to="+date, &wantSum)
		require.NoError(t, json.Unmarshal([]byte(poll[string](t, b, fmt.Sprintf(`(() => {
			if (window.__summary === undefined) {
				window.__summary = '';
				const src = [...document.querySelectorAll('link[rel=modulepreload]')].find((l) => /\/api\.[0-9a-f]{10}\.js$/.test(l.href)).href;
				import(src).then((m) => new m.Api().changeSummary(%q, %q)).then((s) => { window.__summary = JSON.stringify(s); });
			}
			return window.__summary;
		})()`, from, date))), &gotSum))
		assert.Equal(t, wantSum, gotSum, "the summary computed in the browser")
		assert.Contains(t, gotSum, "frontlines")
		poll[bool](t, b, `!!document.querySelector('#stats tbody tr[data-side]')`)
		assertStats(t, b, api.stats(date))
		// A day later, the comparison is computed again, from the next day's file.
		require.NoError(t, chromedp.Do(b, chromedp.KeyEvent(kb.ArrowRight)))
		next := api.addDays(date, 1)
		waitCompared(t, b, next, from)
		assertComparison(t, b, api, meta, from, next)
		assertStats(t, b, api.stats(next))

		clickDistrict(t, b, district)
		waitPopup(t, b, district)

		links := eval[map[string]string](t, b, `Object.fromEntries([...document.querySelectorAll('#downloads li:not([hidden]) a')].map(a =>
			[a.dataset.download, a.getAttribute('href')]))`)
		assert.NotContains(t, links, "changes", "the changes between two dates are not a file")
		for _, id := range []string{"snapshot", "territory", "frontlines", "series", "gpkg"} {
			href, ok := links[id]
			if !assert.True(t, ok, "download %s", id) {
				continue
			}
			assert.True(t, strings.HasPrefix(href, site.DataDir+"/"), "%s: %s", id, href)
			res, err := http.Head(base + "/" + href)
			require.NoError(t, err)
			res.Body.Close()
			assert.Equal(t, http.StatusOK, res.StatusCode, href)
		}
		assert.Equal(t, m.Files["/api/export.gpkg"].Path, links["gpkg"])
		assert.Contains(t, eval[string](t, b, `document.querySelector('.static-note').textContent`), "OGC API")

		urls, status, encoding := log.snapshot()
		require.NotEmpty(t, urls)
		var outside, api, failed []string
		for _, u := range urls {
			if strings.HasPrefix(u, "data:") {
				continue
			}
			if !strings.HasPrefix(u, base+"/") {
				outside = append(outside, u)
				continue
			}
			if strings.HasPrefix(u, base+"/api/") {
				api = append(api, u)
			}
			if s := status[u]; s != http.StatusOK && s != http.StatusNotModified {
				failed = append(failed, fmt.Sprintf("%s: %d", u, s))
			}
		}
		assert.Empty(t, outside, "requests outside the site")
		assert.Empty(t, api, "requests for an endpoint")
		assert.Empty(t, failed, "requests that failed")
		topo := base + "/" + m.Files["/api/districts.topojson"].Path
		assert.Contains(t, urls, topo)
		assert.Contains(t, []string{"gzip", "br"}, encoding[topo], "the drawing TopoJSON came compressed")
	})

	t.Run("embed=1 on a static server", func(t *testing.T) {
		b := open(t, ctx, base+"/?tiles=off&embed=1#"+date)
		assert.True(t, eval[bool](t, b, `document.documentElement.classList.contains('embed')`))
		assert.False(t, eval[bool](t, b, `document.getElementById('title').getClientRects().length > 0`))
		assert.Equal(t, len(features), eval[int](t, b, `document.querySelectorAll('path.district').length`))
	})

	t.Run("an open page follows a new version", func(t *testing.T) {
		b := open(t, ctx, base+"/?tiles=off#"+date+"/"+from)
		waitCompared(t, b, date, from)
		// The next day's data, exported over the first site, published by pointing the server at it.
		r := ds.Range()
		control, err := data.Default().Open(geo.ControlFile)
		require.NoError(t, err)
		rows, err := io.ReadAll(control)
		control.Close()
		require.NoError(t, err)
		nextDay := (r.Last + 1).String()
		side := meta.Sides[0].ID
		if api.control(meta.LastDate)[district].Controller == side {
			side = meta.Sides[1].ID
		}
		rows = append(rows, []byte(nextDay+","+district+","+side+",1,,test\n")...)
		newer, err := geo.LoadDir(overlay{data.Default(), geo.ControlFile, rows}, data.DefaultName)
		require.NoError(t, err)
		second := filepath.Join(root, "v2")
		rep2 := exportSite(t, newer, second, first)
		assert.Less(t, rep2.NewFiles, rep2.Files/2, "the second export reuses most files")
		require.NoError(t, os.Remove(current))
		require.NoError(t, os.Symlink(second, current))

		eval[bool](t, b, `(window.dispatchEvent(new Event('focus')), true)`)
		poll[bool](t, b, fmt.Sprintf(`document.documentElement.dataset.version === %q`, newer.Version))
		assert.Contains(t, eval[string](t, b, `document.getElementById('update-note').textContent`), nextDay)
		// The new version's numbers, from its files, equal the new version's API.
		liveNew, err := server.New(server.Deps{Dataset: newer, Assets: web.Assets()}, server.Config{Updated: rep2.Updated})
		require.NoError(t, err)
		t.Cleanup(func() { assert.NoError(t, liveNew.Close()) })
		tsNew := httptest.NewServer(liveNew.Handler())
		t.Cleanup(tsNew.Close)
		apiNew := apiClient{t: t, base: tsNew.URL}
		eval[bool](t, b, fmt.Sprintf(`(location.hash = '#%s/%s', true)`, nextDay, from))
		waitCompared(t, b, nextDay, from)
		assertComparison(t, b, apiNew, apiNew.meta(), from, nextDay)
	})
}

// overlay is fsys with the file name's content replaced by data.
type overlay struct {
	fs.FS
	name string
	data []byte
}

func (o overlay) Open(name string) (fs.File, error) {
	if name == o.name {
		return fstest.MapFS{name: {Data: o.data}}.Open(name)
	}
	return o.FS.Open(name)
}
