package main

import (
	"fmt"
	"io"

	"github.com/frontline/frontline/site"
)

func runSiteUpload(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("site-upload", stderr)
	dir := fs.String("site", "", "the site's folder, as frontline export --site wrote it (required)")
	to := fs.String("to", "", "the bucket: s3://BUCKET or s3://BUCKET/PREFIX (required)")
	since := fs.String("since", "", "the manifest.json the bucket holds now (curl it from the site): its files are not sent again")
	tool := fs.String("tool", "aws", "the client the script runs: aws (AWS CLI) or s3cmd")
	endpoint := fs.String("endpoint-url", "", "an S3-compatible store's address (Cloudflare R2, MinIO, …), for the AWS CLI")
	plain := fs.Bool("plain", false, "store every file uncompressed, for a CDN that compresses by itself (default: the page's files gzip, with Content-Encoding)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *dir == "" || *to == "" {
		return fmt.Errorf("--site DIR and --to s3://BUCKET are required")
	}
	m, err := site.ReadManifest(*dir)
	if err != nil {
		return fmt.Errorf("%s is not a site written by frontline export --site: %w", *dir, err)
	}
	u := site.Upload{Bucket: *to, Tool: *tool, Endpoint: *endpoint, Plain: *plain}
	if *since != "" {
		if u.Since, err = site.ReadManifestFile(*since); err != nil {
			return err
		}
	}
	n, bytes, err := site.UploadScript(stdout, *dir, m, u)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "the script sends %d files, %.1f MB, to %s\n", n, float64(bytes)/1e6, *to)
	return nil
}
