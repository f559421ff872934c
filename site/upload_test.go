package site_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/server"
	"github.com/frontline/frontline/site"
)

func uploadManifest() *site.Manifest {
	imm, page := server.CacheImmutable, server.CachePage
	return &site.Manifest{Version: "v2", Files: map[string]site.Entry{
		"/":                                    {Path: "index.html", Type: "text/html; charset=utf-8", SHA256: "i2", Bytes: 7000, Encodings: map[string]int64{"gzip": 2000, "br": 1800}, Cache: page},
		"/site.json":                           {Path: "site.json", Type: "application/json", SHA256: "s2", Bytes: 100, Cache: page},
		"/js/main.0123456789.js":               {Path: "js/main.0123456789.js", Type: "text/javascript; charset=utf-8", SHA256: "j", Bytes: 9000, Encodings: map[string]int64{"gzip": 3000}, Cache: imm},
		"/api/control/2016-11-20":              {Path: "data/aaaa/control_2016-11-20.json", Type: "application/json", SHA256: "c1", Bytes: 30000, Encodings: map[string]int64{"gzip": 1600, "br": 1400}, Cache: imm},
		"/api/control/2016-11-21":              {Path: "data/bbbb/control_2016-11-21.json", Type: "application/json", SHA256: "c2", Bytes: 30000, Encodings: map[string]int64{"gzip": 1600}, Cache: imm},
		"/api/stats.csv":                       {Path: "data/cccc/stats_2016-11-15_2016-11-21.csv", Type: "text/csv; charset=utf-8", SHA256: "x", Bytes: 5000, Encodings: map[string]int64{"gzip": 900}, Cache: imm, Disposition: `attachment; filename="stats_2016-11-15_2016-11-21.csv"`},
		"/api/stats_2016-11-15_2016-11-21.csv": {Path: "data/cccc/stats_2016-11-15_2016-11-21.csv", Type: "text/csv; charset=utf-8", SHA256: "x", Bytes: 5000, Encodings: map[string]int64{"gzip": 900}, Cache: imm, Disposition: `attachment; filename="stats_2016-11-15_2016-11-21.csv"`},
		"/api/export.gpkg":                     {Path: "data/dddd/it's.gpkg", Type: "application/geopackage+sqlite3", SHA256: "g", Bytes: 5e6, Encodings: map[string]int64{"gzip": 3e6}, Cache: imm},
	}}
}

// The upload script sends each file once, with the metadata the manifest
// gives it, the gzip form of what the page fetches (Content-Encoding) and
// the plain bytes of what GDAL reads by ranges, immutable files first and
// index.html and the manifest last; with the bucket's manifest, only what
// changed.
func TestUploadScript(t *testing.T) {
	m := uploadManifest()
	// A name with a quote is refused as a path of a site: the manifest was tampered with.
	var out bytes.Buffer
	_, _, err := site.UploadScript(&out, "/srv/site", m, site.Upload{Bucket: "s3://maps/aleppo"})
	assert.ErrorContains(t, err, "not a file of a site")
	e := m.Files["/api/export.gpkg"]
	e.Path = "data/dddd/aleppo-2016.gpkg"
	m.Files["/api/export.gpkg"] = e

	out.Reset()
	n, size, err := site.UploadScript(&out, "/srv/it's site", m, site.Upload{Bucket: "s3://maps/aleppo"})
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	assert.Equal(t, "#!/bin/sh", lines[0])
	assert.Contains(t, lines, `cd '/srv/it'\''s site'`)
	var cmds []string
	for _, l := range lines {
		if strings.HasPrefix(l, "aws ") {
			cmds = append(cmds, l)
		}
	}
	imm, page := "--cache-control 'public, max-age=31536000, immutable'", "--cache-control 'public, max-age=0, must-revalidate, s-maxage=60'"
	want := []string{
		"aws s3 cp 'data/aaaa/control_2016-11-20.json.gz' 's3://maps/aleppo/data/aaaa/control_2016-11-20.json' --only-show-errors --content-type 'application/json' " + imm + " --content-encoding 'gzip'",
		"aws s3 cp 'data/bbbb/control_2016-11-21.json.gz' 's3://maps/aleppo/data/bbbb/control_2016-11-21.json' --only-show-errors --content-type 'application/json' " + imm + " --content-encoding 'gzip'",
		"aws s3 cp 'data/cccc/stats_2016-11-15_2016-11-21.csv' 's3://maps/aleppo/data/cccc/stats_2016-11-15_2016-11-21.csv' --only-show-errors --content-type 'text/csv; charset=utf-8' " + imm +
			` --content-disposition 'attachment; filename="stats_2016-11-15_2016-11-21.csv"'`,
		"aws s3 cp 'data/dddd/aleppo-2016.gpkg' 's3://maps/aleppo/data/dddd/aleppo-2016.gpkg' --only-show-errors --content-type 'application/geopackage+sqlite3' " + imm,
		"aws s3 cp 'js/main.0123456789.js.gz' 's3://maps/aleppo/js/main.0123456789.js' --only-show-errors --content-type 'text/javascript; charset=utf-8' " + imm + " --content-encoding 'gzip'",
		"aws s3 cp 'site.json' 's3://maps/aleppo/site.json' --only-show-errors --content-type 'application/json' " + page,
		"aws s3 cp 'index.html.gz' 's3://maps/aleppo/index.html' --only-show-errors --content-type 'text/html; charset=utf-8' " + page + " --content-encoding 'gzip'",
		"aws s3 cp 'manifest.json' 's3://maps/aleppo/manifest.json' --only-show-errors --content-type 'application/json' " + page,
	}
	assert.Equal(t, want, cmds)
	assert.Equal(t, len(want), n)
	assert.Equal(t, int64(1600+1600+5000+5e6+3000+100+2000), size)

	// What the bucket has with the same bytes stays; plain, and s3cmd with an endpoint refused.
	since := uploadManifest()
	for key, e := range since.Files {
		switch key {
		case "/api/control/2016-11-21", "/", "/site.json":
			e.SHA256 = "older"
		case "/api/export.gpkg":
			e.Path = "data/dddd/aleppo-2016.gpkg"
		}
		since.Files[key] = e
	}
	out.Reset()
	n, _, err = site.UploadScript(&out, "/srv/site", m, site.Upload{Bucket: "s3://maps", Tool: "s3cmd", Since: since, Plain: true})
	require.NoError(t, err)
	assert.Equal(t, 4, n, "the changed control file, site.json, index.html and the manifest")
	assert.Contains(t, out.String(), "s3cmd put --quiet --no-guess-mime-type --mime-type='application/json' --add-header='Cache-Control:public, max-age=31536000, immutable' "+
		"'data/bbbb/control_2016-11-21.json' 's3://maps/data/bbbb/control_2016-11-21.json'\n")
	assert.NotContains(t, out.String(), ".gz'", "plain: no compressed forms")
	assert.NotContains(t, out.String(), "control_2016-11-20")

	for _, u := range []site.Upload{{Bucket: "maps"}, {Bucket: "s3://Maps"}, {Bucket: "s3://maps/../x"}, {Bucket: "s3://maps/a b"},
		{Bucket: "s3://maps", Tool: "rclone"}, {Bucket: "s3://maps", Tool: "s3cmd", Endpoint: "https://r2.example"}} {
		_, _, err := site.UploadScript(&out, "/srv/site", m, u)
		assert.Error(t, err, "%+v", u)
	}
	bad := uploadManifest()
	bad.Files["/api/export.gpkg"] = m.Files["/api/export.gpkg"]
	s := bad.Files["/site.json"]
	s.Type = "application/json\r\nX-Evil: 1"
	bad.Files["/site.json"] = s
	_, _, err = site.UploadScript(&out, "/srv/site", bad, site.Upload{Bucket: "s3://maps"})
	assert.ErrorContains(t, err, "control character")
}

// FuzzUploadScript: whatever the bucket's manifest (--since, fetched from
// the bucket) and the site's say, the script is its comments and its
// commands, nothing else: a version with a line break once ended the
// comment it was written in and ran as a command when the script was piped
// to sh.
func FuzzUploadScript(f *testing.F) {
	f.Add([]byte(`{"version":"v1","files":{"/":{"path":"index.html","sha256":"i1"}}}`), "v2")
	f.Add([]byte("{\"version\":\"v1\\nrm -rf ~\\n#\",\"files\":{}}"), "v2\nrm -rf ~")
	f.Add([]byte(`{"version":"\u2028touch x","files":{"/x":{"path":"../x"}}}`), "\r")
	f.Fuzz(func(t *testing.T, since []byte, version string) {
		name := filepath.Join(t.TempDir(), "manifest.json")
		require.NoError(t, os.WriteFile(name, since, 0o644))
		old, err := site.ReadManifestFile(name)
		if err != nil {
			old = nil
		}
		m := uploadManifest()
		e := m.Files["/api/export.gpkg"]
		e.Path = "data/dddd/aleppo-2016.gpkg"
		m.Files["/api/export.gpkg"] = e
		m.Version = version
		var out bytes.Buffer
		_, _, err = site.UploadScript(&out, "/srv/site", m, site.Upload{Bucket: "s3://maps/aleppo", Since: old})
		require.NoError(t, err)
		for _, l := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
			if !strings.HasPrefix(l, "#") && l != "set -e" && l != "cd '/srv/site'" && !strings.HasPrefix(l, "aws s3 cp '") {
				t.Fatalf("the script runs %q", l)
			}
		}
	})
}
