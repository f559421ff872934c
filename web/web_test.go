package web

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAssetsHasPageAndVendoredLibraries(t *testing.T) {
	assets := Assets()
	for _, name := range []string{
		"index.html", "app.css", "js/main.js",
		"vendor/leaflet.js", "vendor/leaflet.css", "vendor/images/layers.png", "vendor/images/marker-icon.png",
		"vendor/uplot.js", "vendor/uplot.css", "vendor/LICENSE-leaflet", "vendor/LICENSE-uplot",
	} {
		t.Run(name, func(t *testing.T) {
			info, err := fs.Stat(assets, name)
			require.NoError(t, err, "missing from web.Assets(); run web/vendor.sh for vendor/ files")
			assert.Positive(t, info.Size())
		})
	}
}

// Every src/href of the page and every ES module import must resolve inside
// the embedded files: the page may not depend on a CDN or on files beside the binary.
func TestReferencesResolveLocally(t *testing.T) {
	assets := Assets()
	attr := regexp.MustCompile(`(?:src|href)="([^"#]+)"`)
	imp := regexp.MustCompile(`(?m)^import [^'"]*['"]([^'"]+)['"]|new URL\(['"]([^'"]+)['"], import\.meta\.url\)`)
	checked := 0
	err := fs.WalkDir(assets, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(name, ".html") || (strings.HasPrefix(name, "js/") && strings.HasSuffix(name, ".js"))) {
			return err
		}
		body, err := fs.ReadFile(assets, name)
		if err != nil {
			return err
		}
		re := imp
		if strings.HasSuffix(name, ".html") {
			re = attr
		}
		for _, m := range re.FindAllStringSubmatch(string(body), -1) {
			ref := m[1]
			if ref == "" && len(m) > 2 {
				ref = m[2]
			}
			require.False(t, strings.Contains(ref, "://") || strings.HasPrefix(ref, "//"),
				"%s loads %s from the network: vendor it under static/vendor instead", name, ref)
			target := path.Join(path.Dir(name), ref)
			_, err := fs.Stat(assets, target)
			require.NoError(t, err, "%s refers to %s, which is not embedded", name, ref)
			checked++
		}
		return nil
	})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, checked, 10, "too few references found: did the page's structure change?")
}

// The vendored copies must be the versions the lockfile pins.
func TestVendoredVersionsMatchLockfile(t *testing.T) {
	versions, err := fs.ReadFile(Assets(), "vendor/VERSIONS")
	require.NoError(t, err)
	// go test runs in the package directory, where package-lock.json lives.
	lock, err := os.ReadFile("package-lock.json")
	require.NoError(t, err)
	var parsed struct {
		Packages map[string]struct {
			Version   string `json:"version"`
			Integrity string `json:"integrity"`
		} `json:"packages"`
	}
	require.NoError(t, json.Unmarshal(lock, &parsed))
	tests := []struct {
		pkg, pinned, file, banner string
	}{
		{pkg: "leaflet", pinned: "1.9.4", file: "vendor/leaflet.js", banner: "Leaflet %s,"},
		{pkg: "uplot", file: "vendor/uplot.js", banner: "uPlot (v%s)"},
	}
	for _, tt := range tests {
		t.Run(tt.pkg, func(t *testing.T) {
			locked, ok := parsed.Packages["node_modules/"+tt.pkg]
			require.True(t, ok, "package-lock.json lacks %s", tt.pkg)
			if tt.pinned != "" {
				assert.Equal(t, tt.pinned, locked.Version, "the issue pins %s", tt.pkg)
			}
			assert.Contains(t, string(versions), tt.pkg+" "+locked.Version+" "+locked.Integrity,
				"static/vendor/VERSIONS is stale: run web/vendor.sh")
			body, err := fs.ReadFile(Assets(), tt.file)
			require.NoError(t, err)
			assert.Contains(t, string(body[:min(len(body), 300)]), fmt.Sprintf(tt.banner, locked.Version),
				"%s is not the locked version: run web/vendor.sh", tt.file)
		})
	}
}

// The page's JS and CSS, vendored libraries included, stay within 300 KB
// gzipped (what a phone downloads on a first visit).
func TestPageWeightBudget(t *testing.T) {
	const budget = 300 * 1024
	total := 0
	err := fs.WalkDir(Assets(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(name, ".js") || strings.HasSuffix(name, ".css")) {
			return err
		}
		body, err := fs.ReadFile(Assets(), name)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		_, _ = zw.Write(body)
		require.NoError(t, zw.Close())
		total += buf.Len()
		return nil
	})
	require.NoError(t, err)
	t.Logf("JS + CSS: %d bytes gzipped (budget %d)", total, budget)
	assert.LessOrEqual(t, total, budget)
}
