package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
)

// The front end is served from bytes prepared once at start:
//
//   - every file that the page or another file refers to gets a second,
//     fingerprinted name (js/main.3f9c1a2b7d.js) whose bytes never change,
//     served with a one-year immutable Cache-Control; references inside
//     HTML (src, href), JS modules (import … from, import(), new
//     URL('./f', import.meta.url)) and CSS (url()) are rewritten to them, so one new file renames every file
//     that leads to it and a new build is never half-cached;
//   - the plain names stay reachable, and the HTML pages are revalidated by
//     browsers on every visit (by ETag; shared caches keep them a minute:
//     pageCache);
//   - index.html gets <link rel=modulepreload> for its modules' static
//     imports (they load in parallel, not one level at a time) and the
//     tile server's URL, and has an embed variant for ?embed=1;
//   - each body has a Brotli and a gzip form, computed once (shared by
//     the plain and the fingerprinted name), in the background once the
//     server listens and the districts are prepared (about 0.6 s of one
//     core at the best levels), so the first visitor does not wait for it;
//     a request that comes first encodes its file itself. A handler used without Serve (tests, a
//     mount in another server) starts the background encoding at its
//     first HTML page. Each form has its own ETag.

// immutable is the Cache-Control of fingerprinted names.
const immutable = "public, max-age=31536000, immutable"

// assetSet is the front end, by request path.
type assetSet struct {
	byPath map[string]*asset
	// page and embed are index.html and its ?embed=1 variant.
	page, embed *asset
	// warm starts encoding every file, once.
	warm sync.Once
}

// warmUp encodes every file in the background, once.
func (set *assetSet) warmUp() {
	set.warm.Do(func() {
		go func() {
			for _, a := range set.byPath {
				a.encode()
			}
		}()
	})
}

// asset is one file ready to serve: its body as a response (compressed
// at the best levels, shared by the plain and the fingerprinted name), and
// the name's Cache-Control.
type asset struct {
	*response
	cacheControl string
	html         bool
}

func newAsset(ctype, cacheControl string, body []byte) *asset {
	r := newResponse(ctype, body)
	r.best = true
	return &asset{response: r, cacheControl: cacheControl, html: strings.HasPrefix(ctype, "text/html")}
}

// serve writes the representation the client accepts best.
func (a *asset) serve(c echo.Context) error { return a.response.serve(c, a.cacheControl) }

// pickEncoding reads the whole Accept-Encoding header (RFC 9110 §12.5.3):
// each coding's q-value, "*" for the codings not named, q=0 as "not
// acceptable". Brotli wins a tie: it is the smaller; a coding wins a tie
// with identity. "" means identity. The API's cached answers use it too
// (gzip only).
func pickEncoding(header string, haveBr, haveGzip bool) string {
	if header == "" {
		return ""
	}
	q := map[string]float64{}
	for _, a := range parseAccept(header) {
		q[a.name] = a.q
	}
	weight := func(coding string) float64 {
		if v, ok := q[coding]; ok {
			return v
		}
		if coding == "gzip" {
			if v, ok := q["x-gzip"]; ok {
				return v
			}
		}
		return q["*"]
	}
	best, bestQ := "", 0.0
	if haveBr && weight("br") > bestQ {
		best, bestQ = "br", weight("br")
	}
	if haveGzip && weight("gzip") > bestQ {
		best, bestQ = "gzip", weight("gzip")
	}
	// The unencoded form has a weight only when the header gives it one
	// (identity, or "*" without identity); weighted higher, it wins.
	id, ok := q["identity"]
	if !ok {
		id = q["*"]
	}
	if id > bestQ {
		return ""
	}
	return best
}

// pageConfig is what index.html learns from the server's configuration.
type pageConfig struct {
	tileURL, tileAttribution string
}

// loadAssets prepares the front end; see the comment at the top of the file.
func (s *Server) loadAssets() error {
	set, err := buildAssets(s.deps.Assets, pageConfig{tileURL: s.cfg.TileURL, tileAttribution: s.cfg.TileAttribution})
	if err != nil {
		return fmt.Errorf("front end: %w", err)
	}
	s.assets = set
	return nil
}

// Local references the pipeline rewrites. Specifiers of JS modules must be
// relative ("./x.js", "../vendor/y.js"); the page's attributes and CSS urls
// are relative paths without a scheme.
var (
	jsImport   = regexp.MustCompile(`(?m)(?:^|[;\s})])(?:import|export)\s[^'"();]*?\bfrom\s*['"](\.\.?/[^'"\s]+)['"]|(?:^|[;\s])import\s*['"](\.\.?/[^'"\s]+)['"]`)
	jsDynamic  = regexp.MustCompile(`\bimport\(\s*['"](\.\.?/[^'"\s]+)['"]\s*\)|\bnew URL\(\s*['"](\.\.?/[^'"\s]+)['"]\s*,\s*import\.meta\.url\s*\)`)
	cssURL     = regexp.MustCompile(`url\(\s*['"]?([^'"()\s]+)['"]?\s*\)`)
	htmlRef    = regexp.MustCompile(`\s(?:src|href)="([^"]+)"`)
	moduleTag  = regexp.MustCompile(`<script\s+type="module"\s+src="([^"]+)"`)
	htmlTagRef = regexp.MustCompile(`<html\b`)
)

// ref is one local reference inside a file: bytes [start,end) hold spec.
type ref struct {
	start, end int
	target     string // the referenced file, as a path in the asset FS
	static     bool   // a static JS import (preloaded with the page)
}

type pipeline struct {
	files  map[string][]byte
	hashed map[string]string // file → fingerprinted path
	body   map[string][]byte // file → rewritten body
	active map[string]bool   // files being fingerprinted, to report cycles
}

func buildAssets(fsys fs.FS, cfg pageConfig) (*assetSet, error) {
	set := &assetSet{byPath: map[string]*asset{}}
	if fsys == nil {
		return set, nil
	}
	p := &pipeline{files: map[string][]byte{}, hashed: map[string]string{}, body: map[string][]byte{}, active: map[string]bool{}}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		p.files[name] = b
		return nil
	})
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(p.files))
	for name := range p.files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if strings.HasSuffix(name, ".html") {
			body := p.rewrite(name, p.files[name], p.refs(name, p.files[name]))
			if name == "index.html" {
				body = p.decorateIndex(body, cfg)
			}
			a := newAsset(ctypeOf(name, body), pageCache, body)
			set.byPath["/"+name] = a
			continue
		}
		hashed, err := p.fingerprint(name)
		if err != nil {
			return nil, err
		}
		body := p.body[name]
		plain := newAsset(ctypeOf(name, body), pageCache, body)
		set.byPath["/"+name] = plain
		set.byPath["/"+hashed] = &asset{response: plain.response, cacheControl: immutable}
	}
	if idx, ok := set.byPath["/index.html"]; ok {
		set.page = idx
		embed := htmlTagRef.ReplaceAll(idx.body, []byte(`<html class="embed"`))
		set.embed = newAsset(idx.ctype, pageCache, embed)
	}
	return set, nil
}

func ctypeOf(name string, body []byte) string {
	if strings.HasSuffix(name, ".ico") {
		return "image/x-icon"
	}
	if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
		return ct
	}
	return http.DetectContentType(body)
}

// fingerprint returns name's fingerprinted path, rewriting its references
// first (depth first: a file's name depends on the names it refers to).
func (p *pipeline) fingerprint(name string) (string, error) {
	if h, ok := p.hashed[name]; ok {
		return h, nil
	}
	if p.active[name] {
		return "", fmt.Errorf("%s is part of a reference cycle: fingerprinted names cannot be computed", name)
	}
	p.active[name] = true
	defer delete(p.active, name)
	body := p.files[name]
	refs := p.refs(name, body)
	for _, r := range refs {
		if _, err := p.fingerprint(r.target); err != nil {
			return "", err
		}
	}
	body = p.rewrite(name, body, refs)
	sum := sha256.Sum256(body)
	ext := path.Ext(name)
	hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
	p.hashed[name], p.body[name] = hashed, body
	return hashed, nil
}

// refs finds the local references of a file that exist in the asset FS.
func (p *pipeline) refs(name string, body []byte) []ref {
	var out []ref
	add := func(start, end int, static bool) {
		spec := string(body[start:end])
		if strings.Contains(spec, ":") || strings.HasPrefix(spec, "/") || strings.HasPrefix(spec, "#") {
			return // a URL, an absolute path or a fragment: not a file of ours
		}
		target := path.Join(path.Dir(name), spec)
		if _, ok := p.files[target]; ok && target != name {
			out = append(out, ref{start: start, end: end, target: target, static: static})
		}
	}
	groups := func(re *regexp.Regexp, static bool) {
		for _, m := range re.FindAllSubmatchIndex(body, -1) {
			for g := 2; g+1 < len(m); g += 2 {
				if m[g] >= 0 {
					add(m[g], m[g+1], static)
				}
			}
		}
	}
	switch path.Ext(name) {
	case ".js", ".mjs":
		groups(jsImport, true)
		groups(jsDynamic, false)
	case ".css":
		groups(cssURL, false)
	case ".html":
		groups(htmlRef, false)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	return out
}

// rewrite replaces each reference with the fingerprinted name, keeping it
// relative to the referring file.
func (p *pipeline) rewrite(name string, body []byte, refs []ref) []byte {
	if len(refs) == 0 {
		return body
	}
	var out bytes.Buffer
	last := 0
	for _, r := range refs {
		hashed, err := p.fingerprint(r.target)
		if err != nil {
			continue // reported where the target is fingerprinted itself
		}
		spec := string(body[r.start:r.end])
		out.Write(body[last:r.start])
		out.WriteString(relative(spec, path.Base(hashed)))
		last = r.end
	}
	out.Write(body[last:])
	return out.Bytes()
}

// relative keeps spec's directory part and swaps its file name.
func relative(spec, base string) string {
	if i := strings.LastIndex(spec, "/"); i >= 0 {
		return spec[:i+1] + base
	}
	return base
}

// decorateIndex adds the modulepreload links and the tile settings.
func (p *pipeline) decorateIndex(body []byte, cfg pageConfig) []byte {
	var extra strings.Builder
	fmt.Fprintf(&extra, "<meta name=\"frontline-tiles\" content=\"%s\">\n", html.EscapeString(cfg.tileURL))
	fmt.Fprintf(&extra, "<meta name=\"frontline-tiles-attribution\" content=\"%s\">\n", html.EscapeString(cfg.tileAttribution))
	seen := map[string]bool{}
	var walk func(name string)
	walk = func(name string) {
		for _, r := range p.refs(name, p.files[name]) {
			if r.static && !seen[r.target] {
				seen[r.target] = true
				fmt.Fprintf(&extra, "<link rel=\"modulepreload\" href=\"%s\">\n", p.hashed[r.target])
				walk(r.target)
			}
		}
	}
	for _, m := range moduleTag.FindAllSubmatch(p.files["index.html"], -1) {
		walk(path.Clean(string(m[1])))
	}
	return bytes.Replace(body, []byte("</head>"), []byte(extra.String()+"</head>"), 1)
}

// PageFiles returns the request paths of the page: "/" (index.html) and
// every file it loads, under the fingerprinted names it refers to them by,
// sorted. They are what a copy of the page served elsewhere needs (a
// static site): the files never change under those names.
func (s *Server) PageFiles() []string {
	paths := []string{}
	for p, a := range s.assets.byPath {
		if a.cacheControl == immutable {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	if s.assets.page != nil {
		paths = append([]string{"/"}, paths...)
	}
	return paths
}

// getAsset serves the front end. HTML pages carry the page's security
// policy; ?embed=1 gets the embed variant, which other sites may frame.
func (s *Server) getAsset(c echo.Context) error {
	p := c.Request().URL.Path
	if strings.HasSuffix(p, "/") {
		p += "index.html"
	}
	a, ok := s.assets.byPath[p]
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound, "no such page: "+c.Request().URL.Path)
	}
	if a.html {
		embed := c.QueryParam("embed") == "1"
		if embed && a == s.assets.page {
			a = s.assets.embed
		}
		s.pageHeaders(c.Response().Header(), embed)
		s.assets.warmUp()
	}
	return a.serve(c)
}
