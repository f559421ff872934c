package e2e

import (
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/server"
	"github.com/frontline/frontline/web"
)

// TestCachingProxy puts nginx, configured as docs/nginx-cache.conf says,
// in front of the live server, and sends it a burst of readers opening the
// page at once (issue 20): each of the page's requests reaches the server
// once, whatever the number of readers, because every answer says how long
// it may be kept and what it varies with.
func TestCachingProxy(t *testing.T) {
	conf, err := os.ReadFile("../docs/nginx-cache.conf")
	require.NoError(t, err)
	srv, err := server.New(server.Deps{Dataset: dataset(t), Assets: web.Assets()}, server.Config{})
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, srv.Close()) })
	var mu sync.Mutex
	hits := map[string]int{}
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.RequestURI()]++
		mu.Unlock()
		srv.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(origin.Close)

	// The configuration as shipped, with this test's addresses and folder.
	edits := [][2]string{
		{"/var/cache/nginx/frontline", t.TempDir()},
		{"server 127.0.0.1:8080;", "server " + strings.TrimPrefix(origin.URL, "http://") + ";"},
		{"listen 80;", "listen @LISTEN@;"},
	}
	text := string(conf)
	for _, e := range edits {
		require.Equal(t, 1, strings.Count(text, e[0]), "docs/nginx-cache.conf should say %q once", e[0])
		text = strings.Replace(text, e[0], e[1], 1)
	}
	base, _ := startNginx(t, text)

	api := apiClient{t: t, base: origin.URL}
	meta := api.meta()
	features := api.districts()
	urls := append(srv.PageFiles(), "/api/meta", "/api/districts.topojson", "/api/references",
		"/api/stats?from="+meta.FirstDate+"&to="+meta.LastDate,
		"/api/control/"+meta.ViewDate, "/api/control/"+meta.ViewCompare, "/api/frontlines/"+meta.ViewDate,
		"/api/changes/summary?from="+meta.ViewCompare+"&to="+meta.ViewDate, "/api/districts/"+features[0].ID)
	mu.Lock()
	clear(hits) // what the test asked for itself
	mu.Unlock()

	const readers = 100
	var wg sync.WaitGroup
	errs := make(chan string, readers*len(urls))
	for range readers {
		wg.Go(func() {
			for _, i := range rand.Perm(len(urls)) {
				req, err := http.NewRequest(http.MethodGet, base+urls[i], nil)
				if err != nil {
					errs <- err.Error()
					return
				}
				req.Header.Set("Accept-Encoding", "gzip, deflate, br, zstd") // as Chromium sends it
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					errs <- err.Error()
					continue
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					errs <- urls[i] + ": " + res.Status
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, u := range urls {
		assert.Equal(t, 1, hits[u], "%s reached the server %d times for %d readers", u, hits[u], readers)
	}
	assert.Len(t, hits, len(urls), "nothing else reached the server")
}
