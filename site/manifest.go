package site

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
)

// Manifest is the site's manifest.json: the dataset's version, and every
// file of the site by the request it answers.
type Manifest struct {
	// Version is the dataset's version (its content hash).
	Version string `json:"version"`
	// Updated is when that version went live, as /api/meta says.
	Updated string `json:"updated"`
	// Files maps each request (an API path and query, such as
	// /api/stats/2016-12-06, or a path of the page, / for index.html) to
	// its file.
	Files map[string]Entry `json:"files"`
}

// Entry is one file of the site.
type Entry struct {
	// Path is the file, relative to the site's folder (slash-separated).
	Path string `json:"path"`
	// Type is its Content-Type, as the live server sends it.
	Type string `json:"type"`
	// SHA256 is the hex digest of its bytes, Bytes their number.
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
	// Encodings are the compressed forms beside it (Path + ".gz" for
	// gzip, + ".br" for br) with their sizes; a form that would not be
	// smaller is not written.
	Encodings map[string]int64 `json:"encodings,omitempty"`
	// Cache is its Cache-Control: immutable for the data and the page's
	// fingerprinted files, revalidated for the entry files.
	Cache string `json:"cache"`
	// Disposition is the Content-Disposition the live server sends with
	// it (downloads: the name to save it as).
	Disposition string `json:"disposition,omitempty"`
}

// encodingExt is the file extension of each compressed form.
var encodingExt = map[string]string{"gzip": ".gz", "br": ".br"}

// maxManifestBytes bounds a manifest read back: a site of 10,000 days and
// 10,000 districts has about 60,000 entries, 15 MB.
const maxManifestBytes = 256 << 20

// ReadManifest reads the manifest.json of the site in dir.
func ReadManifest(dir string) (*Manifest, error) {
	return readManifestFile(filepath.Join(dir, ManifestFile))
}

func readManifestFile(name string) (*Manifest, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxManifestBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxManifestBytes {
		return nil, fmt.Errorf("%s: larger than %d MB, not a frontline site manifest", name, maxManifestBytes>>20)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: not a frontline site manifest: %v", name, err)
	}
	for key, e := range m.Files {
		if !validPath(e.Path) {
			return nil, fmt.Errorf("%s: the file of %q, %q, is not a path inside a site: it was not written by frontline", name, clip(key), clip(e.Path))
		}
	}
	return &m, nil
}

// ReadManifestFile reads a site manifest saved anywhere (the one a bucket
// holds, for UploadScript's since).
func ReadManifestFile(name string) (*Manifest, error) { return readManifestFile(name) }

// readPrevious reads the manifest of the earlier site in dir, if there is
// one: nil when dir is "" or holds no site.
func readPrevious(dir string) (*Manifest, error) {
	if dir == "" {
		return nil, nil
	}
	m, err := ReadManifest(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return m, err
}

// sitePath is what a file of a site may be called: slash-separated
// segments of letters, digits, '.', '_' and '-', none starting with a dot.
var sitePath = regexp.MustCompile(`^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$`)

// validPath reports whether p may name a file of a site: relative, no
// "..", no hidden file, nothing a shell or a URL would read otherwise.
func validPath(p string) bool { return len(p) <= 512 && sitePath.MatchString(p) }

// clip cuts what a manifest says short for an error message.
func clip(s string) string {
	if len(s) > 100 {
		return s[:100] + "…"
	}
	return s
}
