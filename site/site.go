// Package site writes the static site of a dataset: the page and every
// answer the page and GIS users fetch, with the bytes the live API gives
// (each file is the answer of the real server's handler, asked in
// process), as files that an object store or any static server serves
// behind a CDN with no compute at all.
//
// The site's folder:
//
//	index.html       the page, naming the files map of its version (revalidated)
//	site.json        {"version", "updated", "files"}: the current files map, for open pages to follow (revalidated)
//	manifest.json    every file by the request it answers, with type, SHA-256, size, encodings, Cache-Control (revalidated)
//	ATTRIBUTION.txt  the dataset's sources and licence, and what the files are (revalidated)
//	nginx.conf       a snippet that serves the folder with nginx (not part of the site)
//	js/ vendor/ …    the page's files under their fingerprinted names (immutable)
//	data/HASH/NAME   every answer: NAME says what it is (control_2016-12-06.json, the download's own name for
//	                 the GeoPackage and CSV), HASH is 16 hex digits of its SHA-256 (immutable)
//
// Data files are content-addressed: a file keeps its path from one
// version of the dataset to the next while its bytes stay the same (a
// day's control states, a district's history), so an export reuses the
// earlier site's unchanged files and an upload sends only the new ones.
// Every file has its gzip and Brotli forms beside it (NAME.gz, NAME.br)
// for servers that serve them (nginx gzip_static) and stores that take
// them with a Content-Encoding, but for images, fonts, the smallest files
// and the GeoPackage (see compressible).
package site

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/frontline/frontline/server"
)

// The files of a site's folder with fixed names.
const (
	IndexFile       = "index.html"
	PointerFile     = "site.json"
	ManifestFile    = "manifest.json"
	AttributionFile = "ATTRIBUTION.txt"
	NginxFile       = "nginx.conf"
	// DataDir holds the answers.
	DataDir = "data"
)

// tmpDir holds the answers while they are hashed; removed at the end.
const tmpDir = ".answers"

// Options say where the site goes.
type Options struct {
	// Dir is the folder to write into: new or empty.
	Dir string
	// Previous is the folder of an earlier export of the site (its
	// manifest.json), whose files are reused when their bytes are the
	// same; "" for none. When its dataset version is the same, its
	// "updated" time is kept, so that an unchanged dataset gives the
	// same files.
	Previous string
	// Workers bounds the answers computed and compressed at once
	// (default: GOMAXPROCS).
	Workers int
	// LastSnapshotOnly writes the snapshot (every district with its
	// geometry and state) of the last day only: for a country over years
	// the snapshots of every day are most of the site (19 GB of the 26 for
	// Ukraine's archive) and change every day; the page hides the others'
	// links, and the GeoPackage has every day.
	LastSnapshotOnly bool
	// Progress, if set, is called after each answer written.
	Progress func(done, total int, key string)
}

// Report says what an export wrote.
type Report struct {
	// Version is the dataset's; Updated when it went live.
	Version string
	Updated time.Time
	// Entries is the number of requests the site answers (the manifest's
	// entries); Files and Bytes count every file of the folder, the
	// compressed forms and manifest.json included.
	Entries int
	Files   int
	Bytes   int64
	// NewFiles and NewBytes count the files the previous site did not
	// have (every file when there was none): what an upload sends.
	NewFiles int
	NewBytes int64
	// Refused are the requests over the whole range that the server
	// refuses for this dataset (its range holds more values than one
	// request may ask for), each with the server's reason: the site has
	// no file for them, as the live server has no answer.
	Refused []string
}

// exportTimeout is how long one answer may take to compute: the largest
// (a country's GeoPackage, its series) take minutes, and the export
// waits for them rather than report the live server's 503.
const exportTimeout = 6 * time.Hour

// Export writes the site of deps.Dataset into opt.Dir: the page as the
// live server with cfg serves it (its tile server, the page's policy),
// then every answer of routes, each written as it is produced.
func Export(deps server.Deps, cfg server.Config, opt Options) (*Report, error) {
	ds := deps.Dataset
	if ds == nil {
		return nil, errors.New("site: no dataset")
	}
	prev, err := readPrevious(opt.Previous)
	if err != nil {
		return nil, fmt.Errorf("the earlier site in %s: %w", opt.Previous, err)
	}
	if cfg.Updated.IsZero() {
		cfg.Updated = time.Now().UTC().Truncate(time.Second)
		if prev != nil && prev.Version == ds.Version {
			if t, err := time.Parse(time.RFC3339, prev.Updated); err == nil {
				cfg.Updated = t
			}
		}
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = exportTimeout
	}
	srv, err := server.New(deps, cfg)
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	tmp := filepath.Join(opt.Dir, tmpDir)
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	b := &builder{dir: opt.Dir, tmp: tmp, prevDir: opt.Previous, prev: map[string]Entry{}, h: srv.Handler(),
		files: map[string]*file{}, keys: map[string]string{}}
	if prev != nil {
		for _, e := range prev.Files {
			b.prev[e.Path] = e
		}
	}
	ts, err := targets(routes, ds, opt.LastSnapshotOnly)
	if err != nil {
		return nil, err
	}
	pages := srv.PageFiles()
	if len(pages) == 0 || pages[0] != "/" {
		return nil, errors.New("site: the server has no page (server.Deps.Assets)")
	}
	for _, p := range pages[1:] {
		rel := strings.TrimPrefix(p, "/")
		if !validPath(rel) || fixedName(rel) {
			return nil, fmt.Errorf("site: the page's file %s cannot be part of a site: its name is taken or unsafe", p)
		}
		ts = append(ts, target{key: p})
	}
	if err := b.run(ts, opt); err != nil {
		return nil, err
	}
	if err := b.entryFiles(ds, cfg.Updated); err != nil {
		return nil, err
	}
	return b.finish(ds, cfg.Updated)
}

// fixedName reports the names an answer or a page's file may not take.
func fixedName(rel string) bool {
	switch first, _, _ := strings.Cut(rel, "/"); first {
	case IndexFile, PointerFile, ManifestFile, AttributionFile, NginxFile, DataDir, tmpDir:
		return true
	}
	return false
}

// builder writes one site.
type builder struct {
	dir, tmp, prevDir string
	// prev is the previous site's files by path.
	prev map[string]Entry
	h    http.Handler

	mu      sync.Mutex
	files   map[string]*file  // by path
	keys    map[string]string // request → path
	refused []string
}

// file is one file of the site and its compressed forms.
type file struct {
	entry Entry
	// reused says it came from the previous site.
	reused bool
}

// run fetches and writes every target with opt.Workers at once; the first
// error stops the work.
func (b *builder) run(ts []target, opt Options) error {
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	work := make(chan target)
	var wg sync.WaitGroup
	var done sync.Mutex
	n := 0
	for range workers {
		wg.Go(func() {
			for t := range work {
				if ctx.Err() != nil {
					continue
				}
				if err := b.do(t); err != nil {
					cancel(err)
					continue
				}
				if opt.Progress != nil {
					done.Lock()
					n++
					opt.Progress(n, len(ts), t.key)
					done.Unlock()
				}
			}
		})
	}
	for _, t := range ts {
		if ctx.Err() != nil {
			break
		}
		work <- t
	}
	close(work)
	wg.Wait()
	return context.Cause(ctx)
}

// do writes one target: its answer, and the file beside it under the
// same name, in a folder named by the digest of both.
func (b *builder) do(t target) error {
	main, err := b.fetch(t.key)
	var no *refusal
	if t.whole && errors.As(err, &no) && no.status == http.StatusBadRequest {
		b.mu.Lock()
		b.refused = append(b.refused, no.Error())
		b.mu.Unlock()
		return nil
	}
	if err != nil {
		return err
	}
	if !strings.HasPrefix(t.key, "/api/") {
		// A page's file, already named by its content.
		return b.place(t.key, main, strings.TrimPrefix(t.key, "/"), server.CacheImmutable)
	}
	sum := main.sum
	var with *fetched
	if t.with != "" {
		if with, err = b.fetch(t.with); err != nil {
			os.Remove(main.tmp)
			return err
		}
		h := sha256.New()
		h.Write(main.sum[:])
		h.Write(with.sum[:])
		copy(sum[:], h.Sum(nil))
	}
	name := fileName(t.key, main.header)
	if err := b.place(t.key, main, dataPath(sum, name), server.CacheImmutable); err != nil {
		return err
	}
	if with == nil {
		return nil
	}
	return b.place(t.with, with, dataPath(sum, strings.TrimSuffix(name, path.Ext(name))+extOf(t.with)), server.CacheImmutable)
}

// fetch asks the server for key and keeps the answer in a temporary file.
func (b *builder) fetch(key string) (*fetched, error) {
	f, err := newTemp(b.tmp)
	if err != nil {
		return nil, err
	}
	w := newCapture(f)
	b.h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, key, nil))
	if err := w.close(); err != nil {
		os.Remove(f.Name())
		return nil, fmt.Errorf("writing the answer to %s: %w", key, err)
	}
	if w.status != http.StatusOK {
		os.Remove(f.Name())
		return nil, &refusal{key: key, status: w.status, body: string(bytes.TrimSpace(w.errMsg))}
	}
	out := &fetched{tmp: f.Name(), n: w.n, header: w.header}
	w.hash.Sum(out.sum[:0])
	return out, nil
}

// refusal is an answer of the server other than 200.
type refusal struct {
	key    string
	status int
	body   string // its start: the problem's detail
}

func (e *refusal) Error() string {
	return fmt.Sprintf("the server answered %s with %d %s: %s", e.key, e.status, http.StatusText(e.status), e.body)
}

// body keeps bytes made here (the entry files) in a temporary file, as
// fetch keeps an answer.
func (b *builder) body(ctype string, body []byte) (*fetched, error) {
	f, err := newTemp(b.tmp)
	if err != nil {
		return nil, err
	}
	_, err = f.Write(body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return nil, err
	}
	return &fetched{tmp: f.Name(), sum: sha256.Sum256(body), n: int64(len(body)), header: http.Header{"Content-Type": {ctype}}}, nil
}

// place puts an answer at rel as the file of key: once per path (two
// requests with one answer share it), from the previous site when it has
// the same bytes there, else written and compressed.
func (b *builder) place(key string, f *fetched, rel, cache string) error {
	defer os.Remove(f.tmp)
	e := Entry{Path: rel, Type: f.header.Get("Content-Type"), SHA256: hex.EncodeToString(f.sum[:]), Bytes: f.n,
		Cache: cache, Disposition: f.header.Get("Content-Disposition")}
	b.mu.Lock()
	_, dup := b.files[rel]
	var fl *file
	if !dup {
		fl = &file{entry: e}
		b.files[rel] = fl
	}
	b.keys[key] = rel
	b.mu.Unlock()
	if dup {
		return nil
	}
	if b.reuse(fl) {
		return nil
	}
	dst := filepath.Join(b.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if err := os.Rename(f.tmp, dst); err != nil {
		return err
	}
	if f.n < minCompress || !compressible(e.Type) {
		return nil
	}
	enc, err := compress(dst, f.n)
	if err != nil {
		return fmt.Errorf("compressing %s: %w", rel, err)
	}
	if len(enc) > 0 {
		fl.entry.Encodings = enc
	}
	return nil
}

// reuse links the previous site's file at the same path, with its
// compressed forms, when it has the same bytes (its manifest's digest and
// the sizes on disk agree).
func (b *builder) reuse(fl *file) bool {
	e := fl.entry
	old, ok := b.prev[e.Path]
	if !ok || old.SHA256 != e.SHA256 || old.Bytes != e.Bytes {
		return false
	}
	names := map[string]int64{e.Path: e.Bytes}
	encodings := old.Encodings
	if !compressible(e.Type) {
		encodings = nil // an earlier site's forms of what is no longer compressed stay behind
	}
	for enc, n := range encodings {
		ext, ok := encodingExt[enc]
		if !ok {
			return false
		}
		names[e.Path+ext] = n
	}
	var linked []string
	for rel, n := range names {
		src := filepath.Join(b.prevDir, filepath.FromSlash(rel))
		if st, err := os.Lstat(src); err != nil || !st.Mode().IsRegular() || st.Size() != n {
			break
		}
		dst := filepath.Join(b.dir, filepath.FromSlash(rel))
		if err := linkOrCopy(src, dst); err != nil {
			break
		}
		linked = append(linked, dst)
	}
	if len(linked) != len(names) {
		for _, p := range linked {
			os.Remove(p)
		}
		return false
	}
	fl.entry.Encodings = encodings
	fl.reused = true
	return true
}

// newTemp makes a temporary file in dir that becomes a file of the site:
// readable by all, as a web server needs it.
func newTemp(dir string) (*os.File, error) {
	f, err := os.CreateTemp(dir, "answer-*")
	if err != nil {
		return nil, err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return f, nil
}
