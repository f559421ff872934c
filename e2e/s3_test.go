package e2e

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/internal/testkit"
	"github.com/frontline/frontline/site"
)

// TestS3Upload runs the script of frontline site-upload with the real AWS
// CLI against a local S3 (moto's server, no network): each object the
// script sends holds the file's bytes, its gzip form with
// Content-Encoding for what the page fetches, and the manifest's type,
// Cache-Control and Content-Disposition; what the bucket's manifest says
// it has is not sent again.
func TestS3Upload(t *testing.T) {
	for _, tool := range []string{"aws", "moto_server"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("needs the AWS CLI and moto's S3 server (pip install awscli 'moto[server]'): %v", err)
		}
	}
	dir := t.TempDir()
	exportSite(t, testkit.Small(t), dir, "")
	m, err := site.ReadManifest(dir)
	require.NoError(t, err)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	host, port, _ := net.SplitHostPort(addr)
	require.NoError(t, ln.Close())
	moto := exec.Command("moto_server", "-H", host, "-p", port)
	var motoOut bytes.Buffer
	moto.Stdout, moto.Stderr = &motoOut, &motoOut
	require.NoError(t, moto.Start())
	t.Cleanup(func() {
		_ = moto.Process.Kill()
		_ = moto.Wait()
	})
	endpoint := "http://" + addr
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if res, err := http.Get(endpoint); err == nil {
			res.Body.Close()
			break
		}
		require.True(t, time.Now().Before(deadline), "moto_server did not start: %s", motoOut.String())
	}
	// A throwaway identity for the local server; no configuration of the user's is read.
	home := t.TempDir()
	env := append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE="+filepath.Join(home, "config"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(home, "credentials"), "HOME="+home)
	run := func(name string, args ...string) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s %s: %s", name, strings.Join(args, " "), out)
	}
	run("aws", "--endpoint-url", endpoint, "s3", "mb", "s3://maps")
	// Readers read it without a key, as a bucket behind a CDN or with website hosting is set up.
	run("aws", "--endpoint-url", endpoint, "s3api", "put-bucket-policy", "--bucket", "maps", "--policy",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::maps/*"}]}`)

	// The bucket has all but a few files of this version.
	sent := []string{"/", "/api/meta", "/api/control/2016-11-20", "/api/changes.csv", "/api/export.gpkg"}
	since := &site.Manifest{Version: m.Version, Files: map[string]site.Entry{}}
	for key, e := range m.Files {
		since.Files[key] = e
	}
	for _, key := range sent {
		delete(since.Files, key)
	}
	var script bytes.Buffer
	n, _, err := site.UploadScript(&script, dir, m, site.Upload{Bucket: "s3://maps/aleppo", Endpoint: endpoint, Since: since})
	require.NoError(t, err)
	assert.Equal(t, len(sent)+1, n, "the files the bucket lacks, and the manifest")
	scriptFile := filepath.Join(t.TempDir(), "upload.sh")
	require.NoError(t, os.WriteFile(scriptFile, script.Bytes(), 0o644))
	run("sh", scriptFile)

	// Read the objects back as a browser would, without decoding them.
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	for _, key := range append(sent, "/manifest.json") {
		e, ok := m.Files[key]
		if key == "/manifest.json" {
			e, ok = site.Entry{Path: site.ManifestFile, Type: "application/json"}, true
		}
		require.True(t, ok, key)
		res, err := client.Get(endpoint + "/maps/aleppo/" + e.Path)
		require.NoError(t, err)
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, res.StatusCode, "%s: %s", key, body)
		want, err := os.ReadFile(filepath.Join(dir, e.Path))
		require.NoError(t, err)
		assert.Equal(t, e.Type, res.Header.Get("Content-Type"), key)
		if key == "/manifest.json" {
			assert.True(t, bytes.Equal(want, body), key)
			continue
		}
		assert.Equal(t, e.Cache, res.Header.Get("Cache-Control"), key)
		assert.Equal(t, e.Disposition, res.Header.Get("Content-Disposition"), key)
		if strings.HasPrefix(e.Type, "text/csv") || strings.HasPrefix(e.Type, "application/geopackage") {
			assert.Empty(t, res.Header.Get("Content-Encoding"), "%s: GDAL reads it by ranges", key)
			assert.True(t, bytes.Equal(want, body), key)
			continue
		}
		assert.Equal(t, "gzip", res.Header.Get("Content-Encoding"), key)
		gz, err := os.ReadFile(filepath.Join(dir, e.Path+".gz"))
		require.NoError(t, err)
		assert.True(t, bytes.Equal(gz, body), "%s: the gzip form", key)
	}
	// What the bucket had was not sent.
	res, err := client.Get(endpoint + "/maps/aleppo/" + m.Files["/api/control/2016-11-21"].Path)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusNotFound, res.StatusCode)
}
