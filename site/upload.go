package site

import (
	"fmt"
	"io"
	"mime"
	"regexp"
	"slices"
	"strings"

	"github.com/frontline/frontline/server"
)

// Upload says where UploadScript sends a site, and how.
type Upload struct {
	// Bucket is s3://BUCKET or s3://BUCKET/PREFIX.
	Bucket string
	// Tool is the client the script runs: "aws" (the AWS CLI, default) or
	// "s3cmd".
	Tool string
	// Endpoint is the address of an S3-compatible store that is not AWS
	// (Cloudflare R2, MinIO, …), for the AWS CLI's --endpoint-url; s3cmd
	// reads its own from ~/.s3cfg.
	Endpoint string
	// Since is the manifest of what the bucket holds already (its
	// manifest.json): files it has with the same bytes are not sent again.
	Since *Manifest
	// Plain stores every file as it is, for a CDN that compresses by
	// itself; by default the files the page fetches are stored in their
	// gzip form with Content-Encoding: gzip.
	Plain bool
}

var bucketName = regexp.MustCompile(`^s3://[a-z0-9][a-z0-9.-]{1,62}(/[A-Za-z0-9._/-]*)?$`)

// storedCompressed reports whether a file of type ctype is stored in its
// gzip form: what the page fetches, not what GDAL reads by byte ranges
// (/vsicurl/ on the CSV files and the GeoPackage), which a stored
// compression would break. Every browser takes gzip.
func storedCompressed(ctype string) bool {
	mt, _, _ := mime.ParseMediaType(ctype)
	switch mt {
	case "text/csv", "text/plain", "application/geopackage+sqlite3":
		return false
	}
	return true
}

// UploadScript writes a POSIX shell script that copies the site in dir,
// whose manifest is m, into u.Bucket with each file's metadata from the
// manifest: Content-Type, Cache-Control, Content-Disposition, and
// Content-Encoding for the files stored compressed. The answers and the
// page's files go first, the entry files (index.html, site.json) and
// manifest.json last, so that no reader gets a page whose files are not
// there yet. It returns the number of files the script sends and their
// bytes.
func UploadScript(w io.Writer, dir string, m *Manifest, u Upload) (int, int64, error) {
	if !bucketName.MatchString(u.Bucket) || strings.Contains(u.Bucket, "..") {
		return 0, 0, fmt.Errorf("bucket %q: give s3://BUCKET or s3://BUCKET/PREFIX (lower-case bucket name; letters, digits, '.', '_', '-' and '/' in the prefix)", u.Bucket)
	}
	if u.Tool == "" {
		u.Tool = "aws"
	}
	if u.Tool != "aws" && u.Tool != "s3cmd" {
		return 0, 0, fmt.Errorf("tool %q: use aws or s3cmd", u.Tool)
	}
	if u.Endpoint != "" && u.Tool != "aws" {
		return 0, 0, fmt.Errorf("an endpoint is for the AWS CLI; s3cmd reads its own from ~/.s3cfg (host_base)")
	}
	dest := strings.TrimRight(u.Bucket, "/") + "/"
	had := map[string]string{}
	if u.Since != nil {
		for _, e := range u.Since.Files {
			had[e.Path] = e.SHA256
		}
	}
	byPath := map[string]Entry{}
	for _, e := range m.Files {
		if err := checkEntry(e); err != nil {
			return 0, 0, err
		}
		byPath[e.Path] = e
	}
	paths := make([]string, 0, len(byPath))
	for p := range byPath {
		paths = append(paths, p)
	}
	// Immutable files first, by path; then the entry files, index.html last.
	rank := func(p string) int {
		switch {
		case p == IndexFile:
			return 2
		case byPath[p].Cache != server.CacheImmutable:
			return 1
		}
		return 0
	}
	slices.SortFunc(paths, func(a, b string) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(a, b)
	})
	var lines []string
	var bytes int64
	put := func(file, key, ctype, cache, encoding, disposition string) {
		var args []string
		switch u.Tool {
		case "aws":
			args = []string{"aws", "s3", "cp", quote(file), quote(dest + key), "--only-show-errors",
				"--content-type", quote(ctype), "--cache-control", quote(cache)}
			if encoding != "" {
				args = append(args, "--content-encoding", quote(encoding))
			}
			if disposition != "" {
				args = append(args, "--content-disposition", quote(disposition))
			}
			if u.Endpoint != "" {
				args = append(args, "--endpoint-url", quote(u.Endpoint))
			}
		case "s3cmd":
			args = []string{"s3cmd", "put", "--quiet", "--no-guess-mime-type", "--mime-type=" + quote(ctype),
				"--add-header=" + quote("Cache-Control:"+cache)}
			if encoding != "" {
				args = append(args, "--add-header="+quote("Content-Encoding:"+encoding))
			}
			if disposition != "" {
				args = append(args, "--add-header="+quote("Content-Disposition:"+disposition))
			}
			args = append(args, quote(file), quote(dest+key))
		}
		lines = append(lines, strings.Join(args, " "))
	}
	for _, p := range paths {
		e := byPath[p]
		if had[p] == e.SHA256 {
			continue
		}
		file, encoding, n := p, "", e.Bytes
		if gz, ok := e.Encodings["gzip"]; ok && !u.Plain && storedCompressed(e.Type) {
			file, encoding, n = p+encodingExt["gzip"], "gzip", gz
		}
		put(file, p, e.Type, e.Cache, encoding, e.Disposition)
		bytes += n
	}
	// The manifest, last: what the bucket holds once the script is done.
	put(ManifestFile, ManifestFile, "application/json", server.CachePage, "", "")
	fmt.Fprintf(w, "#!/bin/sh\n# Uploads the frontline site in %s (dataset version %s) to %s: %d files, %.1f MB.\n",
		comment(dir), comment(m.Version), u.Bucket, len(lines), float64(bytes)/1e6)
	if u.Since != nil {
		fmt.Fprintf(w, "# Files the bucket has already (its manifest, version %s) are not sent again.\n", comment(u.Since.Version))
	}
	fmt.Fprintf(w, "# The answers and the page's files first, the entry files last: readers never get a page whose files are missing.\n")
	fmt.Fprintf(w, "set -e\ncd %s\n", quote(dir))
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
	return len(lines), bytes, nil
}

// checkEntry refuses what a manifest could carry into a command line or a
// header beyond a file of the site.
func checkEntry(e Entry) error {
	if !validPath(e.Path) {
		return fmt.Errorf("the manifest names %q, which is not a file of a site", clip(e.Path))
	}
	for _, v := range []string{e.Type, e.Cache, e.Disposition} {
		for _, r := range v {
			if r < 0x20 || r == 0x7f {
				return fmt.Errorf("the manifest gives %s a header value with a control character: %q", e.Path, clip(v))
			}
		}
	}
	return nil
}

// comment is s as text inside a comment line of a shell script: a line
// break or another control character (a manifest fetched from a bucket
// may say anything) would end the comment and start a command.
func comment(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029' || r == '\u0085' {
			return '?'
		}
		return r
	}, clip(s))
}

// quote is s as one word of a POSIX shell.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
