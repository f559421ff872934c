package site

import (
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/andybalholm/brotli"
)

// capture is the http.ResponseWriter the server's handler answers into:
// the body of a 200 goes to a temporary file, hashed as it is written, so
// that an answer of any size (the GeoPackage) is never held in memory
// here; any other status keeps the start of its body for the error.
type capture struct {
	header http.Header
	status int
	file   *os.File
	buf    *bufio.Writer
	hash   hash.Hash
	n      int64
	errMsg []byte
	err    error
}

func newCapture(f *os.File) *capture {
	return &capture{header: http.Header{}, file: f, buf: bufio.NewWriterSize(f, 256<<10), hash: sha256.New()}
}

func (c *capture) Header() http.Header { return c.header }

func (c *capture) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
}

func (c *capture) Write(b []byte) (int, error) {
	c.WriteHeader(http.StatusOK)
	if c.status != http.StatusOK {
		if room := 300 - len(c.errMsg); room > 0 {
			c.errMsg = append(c.errMsg, b[:min(room, len(b))]...)
		}
		return len(b), nil
	}
	if c.err != nil {
		return 0, c.err
	}
	c.hash.Write(b)
	n, err := c.buf.Write(b)
	c.n += int64(n)
	c.err = err
	return n, err
}

// close flushes the body to its file and closes it.
func (c *capture) close() error {
	err := c.err
	if ferr := c.buf.Flush(); err == nil {
		err = ferr
	}
	if cerr := c.file.Close(); err == nil {
		err = cerr
	}
	return err
}

// fetched is one answer, in a temporary file.
type fetched struct {
	tmp    string
	sum    [sha256.Size]byte
	n      int64
	header http.Header
}

// hashDigits is how much of the SHA-256 names a data file's folder: 64
// bits, so that two contents under one name never meet.
const hashDigits = 16

// fileName is what the answer to key is called in the site: the name the
// live server gives a download (Content-Disposition), else the API path
// after /api/ with '/' as '_', the query's parameters appended as _NAME_VALUE
// in name order, and the extension of its type (GeoJSON .geojson, JSON
// .json, CSV .csv, …) unless it has it already:
// /api/stats/2016-12-06?by=group is stats_2016-12-06_by_group.json. Only
// letters, digits, '.', '_' and '-' are kept (others become '_').
func fileName(key string, h http.Header) string {
	if _, params, err := mime.ParseMediaType(h.Get("Content-Disposition")); err == nil {
		if name := safeName(params["filename"]); name != "" {
			return name
		}
	}
	p, query, _ := strings.Cut(key, "?")
	if u, err := url.PathUnescape(p); err == nil {
		p = u
	}
	parts := []string{strings.ReplaceAll(strings.TrimPrefix(p, "/api/"), "/", "_")}
	if q, err := url.ParseQuery(query); err == nil {
		names := make([]string, 0, len(q))
		for k := range q {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			parts = append(parts, k, strings.Join(q[k], "_"))
		}
	}
	name := safeName(strings.Join(parts, "_"))
	if name == "" {
		name = "answer"
	}
	if ext := typeExt(h.Get("Content-Type")); ext != "" && !strings.HasSuffix(name, ext) {
		name += ext
	}
	return name
}

// typeExt is the extension a file of media type ctype gets.
func typeExt(ctype string) string {
	mt, _, _ := mime.ParseMediaType(ctype)
	switch mt {
	case "application/geo+json":
		return ".geojson"
	case "application/json":
		return ".json"
	case "text/csv":
		return ".csv"
	case "text/plain":
		return ".txt"
	case "application/geopackage+sqlite3":
		return ".gpkg"
	}
	return ""
}

// safeName keeps letters, digits, '.', '_' and '-' (others become '_'),
// at most 100 bytes, and no leading dot.
func safeName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			b[i] = '_'
		}
	}
	s = strings.TrimLeft(string(b), ".")
	if len(s) > 100 {
		s = s[:100]
	}
	return s
}

// compressible reports media types worth compressing: not those that are
// compressed already, nor the GeoPackage. GDAL and QGIS read a GeoPackage
// by byte ranges (/vsicurl/), which a compressed form answers with ranges
// of other bytes, and site-upload stores it as it is; it is also the
// largest file of a country's site and new with every version (the
// DeepState archive's: 812 MB, and 1.1 GB more for its two forms).
func compressible(ctype string) bool {
	mt, _, _ := mime.ParseMediaType(ctype)
	switch mt {
	case "image/png", "image/jpeg", "image/webp", "font/woff", "font/woff2", "application/geopackage+sqlite3":
		return false
	}
	return true
}

// minCompress is the size below which compressing costs more than it
// saves (the server's rule too).
const minCompress = 512

// Levels by size: the best for the many small files (each costs
// milliseconds), less for the larger ones. On Aleppo's daily snapshot (1
// MB of GeoJSON) gzip 9 takes 2 s for 0.1 % fewer bytes than 6 (0.07 s);
// Brotli 11 takes 6.6 s for a third fewer than 9 (0.3 s), which is within
// 1 % of 7; a 5 MB GeoPackage takes 0.6 s at Brotli 5, and shrinks to
// 0.58 MB (gzip: 3 MB).
func gzipLevel(n int64) int {
	if n <= 256<<10 {
		return gzip.BestCompression
	}
	return gzip.DefaultCompression
}

func brotliLevel(n int64) int {
	switch {
	case n <= 64<<10:
		return brotli.BestCompression
	case n <= 4<<20:
		return 9
	}
	return 5
}

// compress writes the gzip and Brotli forms of the file at name beside it
// (name.gz, name.br) and returns their sizes; a form no smaller than the
// file is removed.
func compress(name string, n int64) (map[string]int64, error) {
	out := map[string]int64{}
	for _, enc := range []string{"gzip", "br"} {
		size, err := compressTo(name, name+encodingExt[enc], enc, n)
		if err != nil {
			return nil, err
		}
		if size >= n {
			if err := os.Remove(name + encodingExt[enc]); err != nil {
				return nil, err
			}
			continue
		}
		out[enc] = size
	}
	return out, nil
}

func compressTo(src, dst, enc string, n int64) (size int64, err error) {
	in, err := os.Open(src)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	f, err := os.Create(dst)
	if err != nil {
		return 0, err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	counter := &countWriter{w: f}
	bw := bufio.NewWriterSize(counter, 256<<10)
	var zw io.WriteCloser
	if enc == "gzip" {
		zw, _ = gzip.NewWriterLevel(bw, gzipLevel(n)) // the level is valid
	} else {
		zw = brotli.NewWriterLevel(bw, brotliLevel(n))
	}
	if _, err := io.Copy(zw, in); err != nil {
		return 0, fmt.Errorf("compressing %s: %w", src, err)
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	if err := bw.Flush(); err != nil {
		return 0, err
	}
	return counter.n, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}

// linkOrCopy puts the file src at dst: a hard link (the earlier site's
// folder is on the same file system, and is removed once the new one is
// in place), else a copy.
func linkOrCopy(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	return errors.Join(err, out.Close())
}

// dataPath is where a data file of the given content digest and name
// goes.
func dataPath(sum [sha256.Size]byte, name string) string {
	return path.Join(DataDir, fmt.Sprintf("%x", sum[:hashDigits/2]), name)
}
