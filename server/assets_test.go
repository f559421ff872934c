package server

import (
	"compress/gzip"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/internal/testkit"
)

// frontEnd is a small page with every kind of reference the pipeline rewrites.
func frontEnd() fstest.MapFS {
	big := strings.Repeat("/* padding so that compression pays */\n", 40)
	return fstest.MapFS{
		"index.html": {Data: []byte(`<!doctype html><html lang="en"><head>
<link rel="stylesheet" href="app.css"><link rel="icon" href="favicon.ico">
<script src="vendor/lib.js" defer></script>
<script type="module" src="js/main.js"></script>
</head><body><a href="#x">skip</a><a href="https://example.org/">out</a></body></html>`)},
		"app.css":          {Data: []byte(`.a{background:url(vendor/img/a.png)} .b{background:url("#frag")}` + big)},
		"favicon.ico":      {Data: []byte("ico")},
		"vendor/lib.js":    {Data: []byte("window.lib = 1;" + big)},
		"vendor/img/a.png": {Data: []byte("png")},
		"js/main.js": {Data: []byte("import { a } from './a.js';\nimport {\n  b,\n} from \"./b.js\";\nimport './side.js';\n" +
			"const late = () => import('../vendor/late.js');\nconst css = new URL('../app.css', import.meta.url);\n" + big)},
		"js/a.js":        {Data: []byte("import { b } from './b.js';\nexport const a = b;\n")},
		"js/b.js":        {Data: []byte("export const b = 1;\n")},
		"js/side.js":     {Data: []byte("export {};\n")},
		"vendor/late.js": {Data: []byte("export default 1;\n")},
	}
}

func newAssetServer(t *testing.T, fsys fstest.MapFS, cfg Config) http.Handler {
	t.Helper()
	ds := testkit.Small(t)
	srv, err := New(Deps{Dataset: ds, Assets: fsys}, cfg)
	require.NoError(t, err)
	return srv.Handler()
}

func fetch(t *testing.T, h http.Handler, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestFingerprintedAssets(t *testing.T) {
	h := newAssetServer(t, frontEnd(), Config{})
	page := fetch(t, h, "/")
	require.Equal(t, http.StatusOK, page.Code)
	assert.Equal(t, pageCache, page.Header().Get("Cache-Control"))
	html := page.Body.String()

	hashed := regexp.MustCompile(`^(.*)\.[0-9a-f]{10}(\.[a-z]+)$`)
	refs := regexp.MustCompile(`(?:src|href)="([^"#:]+)"`).FindAllStringSubmatch(html, -1)
	var got []string
	for _, m := range refs {
		got = append(got, m[1])
		require.Regexp(t, hashed, m[1], "the page refers to %s by its plain name", m[1])
		rec := fetch(t, h, "/"+m[1])
		require.Equal(t, http.StatusOK, rec.Code, m[1])
		assert.Equal(t, immutable, rec.Header().Get("Cache-Control"), m[1])
		plain := fetch(t, h, "/"+hashed.ReplaceAllString(m[1], "$1$2"))
		assert.Equal(t, pageCache, plain.Header().Get("Cache-Control"), "plain names stay reachable, revalidated")
		assert.Equal(t, rec.Body.String(), plain.Body.String())
	}
	// The stylesheet, favicon, classic script, module and the module's two static
	// dependencies plus its side-effect import, preloaded; the dynamic import is not.
	assert.Len(t, got, 7, "%v", got)
	assert.Equal(t, 3, strings.Count(html, `rel="modulepreload"`), "a.js, b.js and side.js, each once: %s", html)
	assert.Contains(t, html, `href="#x"`)
	assert.Contains(t, html, `href="https://example.org/"`)

	main := fetch(t, h, "/js/main.js").Body.String()
	assert.Regexp(t, `from '\./a\.[0-9a-f]{10}\.js'`, main)
	assert.Regexp(t, `from "\./b\.[0-9a-f]{10}\.js"`, main, "multi-line imports are rewritten")
	assert.Regexp(t, `import '\./side\.[0-9a-f]{10}\.js'`, main)
	assert.Regexp(t, `import\('\.\./vendor/late\.[0-9a-f]{10}\.js'\)`, main)
	assert.Regexp(t, `new URL\('\.\./app\.[0-9a-f]{10}\.css', import\.meta\.url\)`, main)
	css := fetch(t, h, "/app.css").Body.String()
	assert.Regexp(t, `url\(vendor/img/a\.[0-9a-f]{10}\.png\)`, css)
	assert.Contains(t, css, `url("#frag")`)
	assert.Equal(t, "image/x-icon", fetch(t, h, "/favicon.ico").Header().Get("Content-Type"))

	// A change deep down renames every file that leads to it.
	changed := frontEnd()
	changed["js/b.js"] = &fstest.MapFile{Data: []byte("export const b = 2;\n")}
	html2 := fetch(t, newAssetServer(t, changed, Config{}), "/").Body.String()
	name := regexp.MustCompile(`src="(js/main\.[0-9a-f]+\.js)"`)
	assert.NotEqual(t, name.FindStringSubmatch(html)[1], name.FindStringSubmatch(html2)[1], "main.js imports b.js through a.js: its name must change")
	assert.Contains(t, html2, `src="vendor/lib.`+strings.Split(strings.Split(html, `src="vendor/lib.`)[1], `"`)[0]+`"`,
		"an unrelated file keeps its name")
}

func TestAssetCycleIsAnError(t *testing.T) {
	ds := testkit.Small(t)
	fsys := fstest.MapFS{
		"index.html": {Data: []byte(`<script type="module" src="a.js"></script>`)},
		"a.js":       {Data: []byte("import './b.js';\n")},
		"b.js":       {Data: []byte("import './a.js';\n")},
	}
	_, err := New(Deps{Dataset: ds, Assets: fsys}, Config{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "reference cycle")
}

func TestAssetEncodings(t *testing.T) {
	h := newAssetServer(t, frontEnd(), Config{})
	plain := fetch(t, h, "/js/main.js")
	require.Equal(t, http.StatusOK, plain.Code)
	tests := []struct {
		accept, want string
	}{
		{"", ""},
		{"gzip", "gzip"},
		{"gzip, deflate, br", "br"},
		{"br;q=0.5, gzip", "gzip"},
		{"*", "br"},
		{"*, br;q=0", "gzip"},
		{"*, gzip;q=0", "br"},
		{"*;q=0", ""},
		{"gzip;q=0, br;q=0", ""},
		{"identity", ""},
		{"GZIP;Q=1", "gzip"},
		{"x-gzip", "gzip"},
		{"gzip;q=abc", ""},
		{"br;q=2", ""},
	}
	etags := map[string]string{}
	for _, tt := range tests {
		t.Run(tt.accept, func(t *testing.T) {
			rec := fetch(t, h, "/js/main.js", "Accept-Encoding", tt.accept)
			require.Equal(t, http.StatusOK, rec.Code)
			assert.Equal(t, tt.want, rec.Header().Get("Content-Encoding"))
			assert.Contains(t, rec.Header().Values("Vary"), "Accept-Encoding")
			var body []byte
			var err error
			switch tt.want {
			case "br":
				body, err = io.ReadAll(brotli.NewReader(rec.Body))
			case "gzip":
				zr, zerr := gzip.NewReader(rec.Body)
				require.NoError(t, zerr)
				body, err = io.ReadAll(zr)
			default:
				body = rec.Body.Bytes()
			}
			require.NoError(t, err)
			assert.Equal(t, plain.Body.String(), string(body))
			if prev, ok := etags[tt.want]; ok {
				assert.Equal(t, prev, rec.Header().Get("ETag"))
			}
			etags[tt.want] = rec.Header().Get("ETag")
			assert.Equal(t, http.StatusNotModified, fetch(t, h, "/js/main.js", "Accept-Encoding", tt.accept, "If-None-Match", rec.Header().Get("ETag")).Code)
		})
	}
	assert.Len(t, etags, 3)
	assert.NotEqual(t, etags[""], etags["gzip"], "each representation has its own ETag")
	assert.NotEqual(t, etags["gzip"], etags["br"])
	// A small file is not worth compressing.
	assert.Empty(t, fetch(t, h, "/js/b.js", "Accept-Encoding", "br, gzip").Header().Get("Content-Encoding"))
}

// The plain and the fingerprinted name of a file share one body and are
// compressed once between them.
func TestAssetNamesShareEncodings(t *testing.T) {
	set, err := buildAssets(frontEnd(), pageConfig{})
	require.NoError(t, err)
	plain := set.byPath["/js/main.js"]
	require.NotNil(t, plain)
	var fixed *asset
	for p, a := range set.byPath {
		if strings.HasPrefix(p, "/js/main.") && p != "/js/main.js" {
			fixed = a
		}
	}
	require.NotNil(t, fixed)
	assert.Same(t, plain.response, fixed.response)
	fixed.encode()
	assert.NotEmpty(t, plain.br, "encoding one name encodes the other")
	assert.Equal(t, immutable, fixed.cacheControl)
	assert.Equal(t, pageCache, plain.cacheControl)
}

func TestSecurityHeaders(t *testing.T) {
	h := newAssetServer(t, frontEnd(), Config{})
	for _, target := range []string{"/", "/index.html", "/js/main.js", "/api/meta", "/api/nothing", "/healthz"} {
		rec := fetch(t, h, target)
		assert.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"), target)
		assert.Equal(t, "strict-origin-when-cross-origin", rec.Header().Get("Referrer-Policy"), target)
		assert.NotEmpty(t, rec.Header().Get("Content-Security-Policy"), target)
	}
	api := fetch(t, h, "/api/meta")
	assert.Equal(t, "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'", api.Header().Get("Content-Security-Policy"))
	assert.Equal(t, "DENY", api.Header().Get("X-Frame-Options"))

	page := fetch(t, h, "/")
	csp := page.Header().Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self';", "style-src 'self';",
		"img-src 'self' https://tile.openstreetmap.org;", "connect-src 'self'", "frame-ancestors 'none'"} {
		assert.Contains(t, csp, want)
	}
	assert.NotContains(t, csp, "unsafe")
	assert.Equal(t, "DENY", page.Header().Get("X-Frame-Options"))
	assert.Contains(t, page.Body.String(), `<meta name="frontline-tiles" content="https://tile.openstreetmap.org/{z}/{x}/{y}.png">`)
	assert.Contains(t, page.Body.String(), `<html lang="en">`)

	embed := fetch(t, h, "/?embed=1")
	assert.Contains(t, embed.Header().Get("Content-Security-Policy"), "frame-ancestors *")
	assert.Empty(t, embed.Header().Get("X-Frame-Options"), "the embed mode is meant to be framed")
	assert.Contains(t, embed.Body.String(), `<html class="embed" lang="en">`)
	assert.NotEqual(t, page.Header().Get("ETag"), embed.Header().Get("ETag"))

	custom := newAssetServer(t, frontEnd(), Config{TileURL: "https://{s}.tiles.example.org/{z}/{x}/{y}.png", TileAttribution: `<b>Example</b> & co`})
	page = fetch(t, custom, "/")
	assert.Contains(t, page.Header().Get("Content-Security-Policy"), "img-src 'self' https://*.tiles.example.org;")
	assert.Contains(t, page.Body.String(), `content="&lt;b&gt;Example&lt;/b&gt; &amp; co"`, "configuration reaches the page escaped")

	named := fetch(t, newAssetServer(t, frontEnd(), Config{TileURL: DefaultTileURL}), "/")
	assert.Contains(t, named.Body.String(), `<meta name="frontline-tiles-attribution" content="© OpenStreetMap contributors">`,
		"the default tiles keep their credit when named explicitly (serve --tiles)")

	off := newAssetServer(t, frontEnd(), Config{TileURL: "off"})
	page = fetch(t, off, "/")
	assert.Contains(t, page.Header().Get("Content-Security-Policy"), "img-src 'self';")
	assert.Contains(t, page.Body.String(), `<meta name="frontline-tiles" content="">`)
}

func TestReferences(t *testing.T) {
	fsys := testkit.SmallMapFS(t, map[string]string{geo.ReferencesFile: "number,text\n2,\"<img src=x onerror=alert(1)>\"\n1,First\n"})
	ds, err := geo.LoadDir(fsys, "small")
	require.NoError(t, err)
	srv, err := New(Deps{Dataset: ds}, Config{})
	require.NoError(t, err)
	rec := fetch(t, srv.Handler(), "/api/references")
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
	assert.JSONEq(t, `{"references":[{"number":1,"text":"First"},{"number":2,"text":"<img src=x onerror=alert(1)>"}]}`, rec.Body.String())
	assert.Contains(t, fetch(t, srv.Handler(), "/api/meta").Body.String(), `"references":2`)

	none := fetch(t, newAssetServer(t, frontEnd(), Config{}), "/api/references")
	assert.JSONEq(t, `{"references":[]}`, none.Body.String())
}

// A handler used without Serve compresses nothing until someone asks for
// the page; the page's first request encodes every file.
func TestAssetsEncodeOnFirstPage(t *testing.T) {
	ds := testkit.Small(t)
	srv, err := New(Deps{Dataset: ds, Assets: frontEnd()}, Config{})
	require.NoError(t, err)
	h := srv.Handler()
	lib := srv.assets.byPath["/vendor/lib.js"]
	require.NotNil(t, lib)
	require.Equal(t, http.StatusOK, fetch(t, h, "/api/stats/2016-11-15").Code)
	time.Sleep(50 * time.Millisecond)
	assert.False(t, lib.done.Load(), "an API request encodes no page file")
	require.Equal(t, http.StatusOK, fetch(t, h, "/").Code)
	assert.Eventually(t, lib.done.Load, 5*time.Second, 10*time.Millisecond, "the page's first request encodes the files it loads")
}

// A server that listens compresses the page's files in the background once
// its districts are prepared: the first visitor does not wait for Brotli.
func TestServeEncodesAssetsBeforeTheFirstPage(t *testing.T) {
	ds := testkit.Small(t)
	srv, err := New(Deps{Dataset: ds, Assets: frontEnd(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, Config{})
	require.NoError(t, err)
	testkit.Serve(t, srv.Serve)
	lib := srv.assets.byPath["/vendor/lib.js"]
	require.NotNil(t, lib)
	assert.Eventually(t, lib.done.Load, 5*time.Second, 10*time.Millisecond, "no page was asked for, yet the files are encoded")
	assert.NotNil(t, lib.br, "lib.js has a Brotli form")
}
