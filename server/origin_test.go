package server_test

import (
	"bufio"
	"bytes"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/internal/testkit"
	"github.com/frontline/frontline/server"
)

// serverWith is the small dataset's server with cfg, logging to logs.
func serverWith(t *testing.T, cfg server.Config, logs io.Writer) *server.Server {
	t.Helper()
	srv, err := server.New(server.Deps{Dataset: testkit.Small(t), Logger: slog.New(slog.NewTextHandler(logs, nil))}, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, srv.Close()) })
	return srv
}

// TestOGCLinksCannotBePoisoned: issue 22, item 12. A Host the server was
// not told about never reaches the links that a shared cache would keep.
func TestOGCLinksCannotBePoisoned(t *testing.T) {
	landing := func(h http.Handler, host, remote string, header ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/ogc?f=json", nil)
		req.Host, req.RemoteAddr = host, remote
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	const peer, proxy = "198.51.100.7:4000", "192.0.2.10:4000"
	byDefault := serverWith(t, server.Config{}, io.Discard).Handler()
	for _, host := range []string{"evil.example", "localhost:8080@evil.example", "evil.example:8080", "", "::1", "[localhost]:80"} {
		rec := landing(byDefault, host, peer)
		assert.Equal(t, http.StatusMisdirectedRequest, rec.Code, host)
		assert.Contains(t, rec.Body.String(), "start it with --base-url (the address clients use) or --allowed-hosts", host)
		assert.NotContains(t, rec.Header().Get("Cache-Control"), "public", host)
	}
	for host, want := range map[string]string{"localhost:8080": "http://localhost:8080/ogc/api", "127.0.0.1": "http://127.0.0.1/ogc/api", "[::1]:9": "http://[::1]:9/ogc/api"} {
		rec := landing(byDefault, host, peer, "X-Forwarded-Proto", "https")
		require.Equal(t, http.StatusOK, rec.Code, host)
		assert.Contains(t, rec.Body.String(), `"href":"`+want+`"`, "%s: links on the host, X-Forwarded-Proto of an untrusted peer ignored", host)
		assert.Contains(t, rec.Header().Values("Vary"), "Host", "the body depends on the host")
	}
	// The absolute form of the request line names the host too.
	req := httptest.NewRequest(http.MethodGet, "http://evil.example/ogc/collections?f=json", nil)
	rec := httptest.NewRecorder()
	byDefault.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusMisdirectedRequest, rec.Code)

	// A trusted proxy's X-Forwarded-Proto sets the scheme.
	proxied := serverWith(t, server.Config{AllowedHosts: []string{"maps.example.org"},
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}}, io.Discard).Handler()
	rec = landing(proxied, "maps.example.org", proxy, "X-Forwarded-Proto", "https")
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Contains(t, rec.Body.String(), `"href":"https://maps.example.org/ogc/api"`)
	rec = landing(proxied, "maps.example.org", proxy, "X-Forwarded-Proto", "javascript")
	assert.Contains(t, rec.Body.String(), `"href":"http://maps.example.org/ogc/api"`)

	// With a base URL, every host gets the same links, and no Vary: Host.
	based := serverWith(t, server.Config{BaseURL: "https://maps.example.org/frontline/"}, io.Discard).Handler()
	for _, host := range []string{"evil.example", "localhost"} {
		rec := landing(based, host, peer)
		require.Equal(t, http.StatusOK, rec.Code)
		assert.Contains(t, rec.Body.String(), `"href":"https://maps.example.org/frontline/ogc/api"`)
		assert.NotContains(t, rec.Body.String(), host+"/")
		assert.NotContains(t, rec.Header().Values("Vary"), "Host")
	}
	_, err := server.New(server.Deps{Dataset: testkit.Small(t)}, server.Config{BaseURL: "javascript:alert(1)"})
	assert.ErrorContains(t, err, `base URL "javascript:alert(1)": give the address clients use`)
}

// TestRequestLogRemote: issue 22, item 14. The log's remote is the
// socket's address unless it is a trusted proxy's.
func TestRequestLogRemote(t *testing.T) {
	for _, tc := range []struct {
		name    string
		proxies []netip.Prefix
		remote  string
		want    string
	}{
		{"no proxy trusted", nil, "192.0.2.10:4000", "remote=192.0.2.10"},
		{"a loopback peer is no proxy either", nil, "127.0.0.1:4000", "remote=127.0.0.1"},
		{"a trusted proxy", []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}, "192.0.2.10:4000", "remote=203.0.113.9"},
		{"a peer outside the trusted networks", []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}, "198.51.100.7:4000", "remote=198.51.100.7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			h := serverWith(t, server.Config{TrustedProxies: tc.proxies}, &logs).Handler()
			req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
			req.RemoteAddr = tc.remote
			req.Header.Set("X-Forwarded-For", "1.2.3.4, 203.0.113.9")
			req.Header.Set("X-Real-IP", "5.6.7.8")
			h.ServeHTTP(httptest.NewRecorder(), req)
			assert.Contains(t, logs.String(), tc.want+"\n")
		})
	}
}

// TestUnknownAndRepeatedParameters: issue 22, item 15.
func TestUnknownAndRepeatedParameters(t *testing.T) {
	h := newServer(t).Handler()
	for target, want := range map[string]string{
		"/api/stats?shpe=long":                         `unknown parameter \"shpe\": /api/stats takes from, to, format, shape`,
		"/api/stats?from=2016-11-15&from=2016-11-20":   `parameter \"from\" is given 2 times: give it once`,
		"/api/snapshot/2016-11-20?date=2016-11-21":     `unknown parameter \"date\": /api/snapshot/:date takes flat`,
		"/api/stats/2016-11-20?of=sdf&of=government":   `parameter \"of\" is given 2 times`,
		"/ogc/collections?f=json&crs=3":                `unknown parameter \"crs\": /ogc/collections takes f, bbox, datetime, limit, offset`,
		"/ogc/collections/control/items?f=json&f=html": `parameter \"f\" is given 2 times`,
		"/ogc/collections/control/items?crs=x":         `unknown parameter \"crs\": /ogc/collections/:collection/items takes f, bbox, datetime, limit, offset`,
		"/api/stats?shape=wide2":                       `shape \"wide2\": use wide`,
	} {
		rec := get(t, h, target)
		assert.Equal(t, http.StatusBadRequest, rec.Code, target)
		assert.Contains(t, rec.Body.String(), want, target)
	}
	for _, target := range []string{"/api/stats?from=2016-11-15&to=2016-11-20&format=csv&shape=long", "/?tiles=off&utm_source=x",
		"/ogc/collections/control/items?limit=2&f=json", "/ogc/collections?datetime=2016-11-15"} {
		assert.Equal(t, http.StatusOK, get(t, h, target).Code, target)
	}
}

// TestSmugglingClosesTheConnection: issue 22, item 13. A request with
// both Content-Length and Transfer-Encoding is answered, and the
// connection closed (RFC 9112 §6.1): the request after it, which a proxy
// that went by the Content-Length took for the body, is never answered.
func TestSmugglingClosesTheConnection(t *testing.T) {
	srv := serverWith(t, server.Config{}, io.Discard)
	base, _ := testkit.Serve(t, srv.Serve)
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	smuggled := "GET /api/meta HTTP/1.1\r\nHost: localhost\r\n\r\n"
	_, err = io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: localhost\r\nContent-Length: "+
		strconv.Itoa(len("0\r\n\r\n")+len(smuggled))+"\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"+smuggled)
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
	r := bufio.NewReader(conn)
	res, err := http.ReadResponse(r, nil)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.True(t, res.Close, "Connection: close")
	again, err := http.ReadResponse(r, nil)
	assert.Nil(t, again, "the smuggled request is not answered")
	assert.Error(t, err, "the connection is closed")
}
