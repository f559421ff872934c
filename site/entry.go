package site

import (
	"bytes"
	_ "embed" // the nginx snippet
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/server"
)

// nginxConf is the snippet that serves a site with nginx, written beside
// it (NginxFile).
//
//go:embed nginx.conf
var nginxConf []byte

// NginxConf returns the nginx snippet every site carries.
func NginxConf() []byte { return bytes.Clone(nginxConf) }

// filesMap is the map the page reads in a static site: each API request
// to its file. The page's index.html names it (its path changes with its
// content), and site.json names the current one.
type filesMap struct {
	Version string            `json:"version"`
	Updated string            `json:"updated"`
	Files   map[string]string `json:"files"`
}

// pointer is site.json.
type pointer struct {
	Version string `json:"version"`
	Updated string `json:"updated"`
	// Files is the path of the files map.
	Files string `json:"files"`
}

// entryFiles writes the files the site is entered by, once every answer
// is written: the files map, index.html naming it, site.json and
// ATTRIBUTION.txt.
func (b *builder) entryFiles(ds *geo.Dataset, updated time.Time) error {
	fm := filesMap{Version: ds.Version, Updated: updated.UTC().Format(time.RFC3339), Files: map[string]string{}}
	for key, rel := range b.keys {
		if strings.HasPrefix(key, "/api/") {
			fm.Files[key] = rel
		}
	}
	body, err := json.Marshal(fm)
	if err != nil {
		return err
	}
	f, err := b.body("application/json", body)
	if err != nil {
		return err
	}
	mapPath := dataPath(f.sum, "files.json")
	if err := b.place("/"+mapPath, f, mapPath, server.CacheImmutable); err != nil {
		return err
	}

	page, err := b.fetch("/")
	if err != nil {
		return err
	}
	index, err := os.ReadFile(page.tmp)
	os.Remove(page.tmp)
	if err != nil {
		return err
	}
	if index, err = staticIndex(index, page.header.Get("Content-Security-Policy"), mapPath); err != nil {
		return err
	}
	ptr, err := json.Marshal(pointer{Version: fm.Version, Updated: fm.Updated, Files: mapPath})
	if err != nil {
		return err
	}
	for _, x := range []struct {
		key, rel, ctype string
		body            []byte
	}{
		{"/", IndexFile, page.header.Get("Content-Type"), index},
		{"/" + PointerFile, PointerFile, "application/json", ptr},
		{"/" + AttributionFile, AttributionFile, "text/plain; charset=utf-8", attribution(ds, fm)},
	} {
		f, err := b.body(x.ctype, x.body)
		if err != nil {
			return err
		}
		if err := b.place(x.key, f, x.rel, server.CachePage); err != nil {
			return err
		}
	}
	return nil
}

// frameAncestors is the policy's directive that only a header may give
// (a <meta> policy ignores it, and the browser says so).
var frameAncestors = regexp.MustCompile(`;?\s*frame-ancestors[^;]*`)

// staticIndex makes the live page the static site's: right after <head>,
// the page's security policy as a <meta> (a static server sends no such
// header), the path of the files map (which tells the page it is static:
// site.js) and a preload of it, so that it loads beside the page's
// scripts.
func staticIndex(page []byte, policy, mapPath string) ([]byte, error) {
	i := bytes.Index(page, []byte("<head>"))
	if i < 0 {
		return nil, errors.New("site: the page has no <head>")
	}
	i += len("<head>")
	var tags strings.Builder
	tags.WriteString("\n")
	if policy != "" {
		fmt.Fprintf(&tags, "<meta http-equiv=\"Content-Security-Policy\" content=\"%s\">\n", html.EscapeString(frameAncestors.ReplaceAllString(policy, "")))
	}
	fmt.Fprintf(&tags, "<meta name=\"frontline-site\" content=\"%s\">\n", html.EscapeString(mapPath))
	fmt.Fprintf(&tags, "<link rel=\"preload\" href=\"%s\" as=\"fetch\" crossorigin>", html.EscapeString(mapPath))
	return slices.Concat(page[:i], []byte(tags.String()), page[i:]), nil
}

// attribution is ATTRIBUTION.txt: the dataset's sources and licence, and
// what the site's files are.
func attribution(ds *geo.Dataset, fm filesMap) []byte {
	var b strings.Builder
	r := ds.Range()
	fmt.Fprintf(&b, "%s\n\n", ds.Meta.Title)
	fmt.Fprintf(&b, "Data version %s (live since %s): %d districts, every day from %s to %s.\n\n", fm.Version, fm.Updated, len(ds.Districts), r.First, r.Last)
	if ds.Meta.Attribution != "" {
		fmt.Fprintf(&b, "Attribution: %s\n\n", ds.Meta.Attribution)
	}
	if ds.Meta.License != "" {
		fmt.Fprintf(&b, "Licence: %s\n\n", ds.Meta.License)
	}
	b.WriteString(`This is a static copy of a frontline map, written by frontline export --site. Each file is the answer
the live frontline server gives to one request, byte for byte; manifest.json maps each request (such as
/api/control/2016-12-06) to its file, with its type, SHA-256, size and compressed forms (NAME.gz, NAME.br).

index.html: the map. Open it through a web server: browsers do not let a page read files from the disk.
data/HASH/NAME: the answers, HASH a digest of the bytes (a file never changes under its name):
  meta.json (the dataset), districts.geojson, districts.topojson.json (as the map draws them),
  districts_ID.json (a district's history), references.json,
  control_DATE.json (every district's state), snapshot_DATE.geojson (every district with its state),
  territory_DATE.geojson (the ground of each side), frontlines_DATE.geojson, stats_DATE.json (km² per side),
  stats_FROM_TO.json and .csv (+ .csvt, column types for GDAL), stats_long_FROM_TO.csv,
  changes_FROM_TO.csv (what changed hands day by day), NAME.gpkg (everything, every day, for QGIS),
  stats_DATE_by_PROP.json and stats_by_PROP_FROM_TO.csv (km² per side in each group of districts),
  gains_every_EVERY.json and gains_EVERY_FROM_TO.csv (km² gained and lost each month, week or day).
What needs two dates of your choosing (/api/changes) or any bounding box or date (the OGC API) is a
feature of the live server only: the map compares two dates by itself, and the GeoPackage holds every
layer and day.
All GeoJSON is RFC 7946 (WGS84 lon/lat); areas and lengths are ellipsoidal (WGS84).
`)
	return []byte(b.String())
}

// finish writes manifest.json and the nginx snippet and counts the files.
func (b *builder) finish(ds *geo.Dataset, updated time.Time) (*Report, error) {
	m := Manifest{Version: ds.Version, Updated: updated.UTC().Format(time.RFC3339), Files: map[string]Entry{}}
	rep := &Report{Version: ds.Version, Updated: updated, Entries: len(b.keys), Refused: slices.Sorted(slices.Values(b.refused))}
	for key, rel := range b.keys {
		m.Files[key] = b.files[rel].entry
	}
	count := func(n int64, isNew bool) {
		rep.Files++
		rep.Bytes += n
		if isNew {
			rep.NewFiles++
			rep.NewBytes += n
		}
	}
	for _, f := range b.files {
		count(f.entry.Bytes, !f.reused)
		for _, n := range f.entry.Encodings {
			count(n, !f.reused)
		}
	}
	body, err := manifestJSON(m)
	if err != nil {
		return nil, err
	}
	dst := filepath.Join(b.dir, ManifestFile)
	if err := os.WriteFile(dst, body, 0o644); err != nil {
		return nil, err
	}
	old, err := os.ReadFile(filepath.Join(b.prevDir, ManifestFile))
	changed := b.prevDir == "" || err != nil || !bytes.Equal(old, body)
	count(int64(len(body)), changed)
	enc, err := compress(dst, int64(len(body)))
	if err != nil {
		return nil, err
	}
	for _, n := range enc {
		count(n, changed)
	}
	if err := os.WriteFile(filepath.Join(b.dir, NginxFile), nginxConf, 0o644); err != nil {
		return nil, err
	}
	return rep, nil
}

// manifestJSON writes m with one file a line, in the order of the
// requests, so that two manifests compare line by line.
func manifestJSON(m Manifest) ([]byte, error) {
	var buf bytes.Buffer
	head, err := json.Marshal(struct {
		Version string `json:"version"`
		Updated string `json:"updated"`
	}{m.Version, m.Updated})
	if err != nil {
		return nil, err
	}
	buf.Write(head[:len(head)-1])
	buf.WriteString(`,"files":{`)
	keys := make([]string, 0, len(m.Files))
	for k := range m.Files {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		kb, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		eb, err := json.Marshal(m.Files[k])
		if err != nil {
			return nil, err
		}
		buf.WriteString("\n")
		buf.Write(kb)
		buf.WriteByte(':')
		buf.Write(eb)
	}
	buf.WriteString("\n}}\n")
	return buf.Bytes(), nil
}
