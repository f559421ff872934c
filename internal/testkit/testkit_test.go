package testkit_test

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/internal/testkit"
)

func TestSmall(t *testing.T) {
	ds := testkit.Small(t)
	assert.Len(t, ds.Districts, 5)
	fsys := testkit.SmallMapFS(t, map[string]string{geo.MetaFile: "", "extra.txt": "x"})
	assert.NotContains(t, fsys, geo.MetaFile, `"" removes a file`)
	assert.Equal(t, "x", string(fsys["extra.txt"].Data))
	assert.Contains(t, fsys, geo.ControlFile)
	dir := testkit.SmallWith(t, map[string]string{geo.ControlFile: "date,district,side,share,source,note\n"})
	b, err := os.ReadFile(filepath.Join(dir, geo.ControlFile))
	require.NoError(t, err)
	assert.Equal(t, "date,district,side,share,source,note\n", string(b))
	assert.Equal(t, testkit.ReadSmall(t, geo.SidesFile), mustRead(t, filepath.Join(dir, geo.SidesFile)))
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}

// Serve answers on a loopback port until stopped, and stop returns what
// the server returned.
func TestServe(t *testing.T) {
	base, stop := testkit.Serve(t, func(ctx context.Context, ln net.Listener) error {
		hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })}
		go func() { <-ctx.Done(); _ = hs.Shutdown(context.Background()) }()
		return hs.Serve(ln)
	})
	res, err := http.Get(base + "/")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.True(t, errors.Is(stop(), http.ErrServerClosed))
	_, err = http.Get(base + "/")
	assert.Error(t, err, "closed after stop")
}

// TestNoCopiedFixturePaths: tests reach the small dataset through this
// kit, not by a path relative to their package (issue 21 item 13 removed
// 30 of them, and a merge brought a dozen back). Examples keep theirs: a
// reader copies them as they are.
func TestNoCopiedFixturePaths(t *testing.T) {
	relative := regexp.MustCompile(`"(\.\./)*(geo/)?testdata/small\b`)
	checked := 0
	err := filepath.WalkDir(testkit.Root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && p != testkit.Root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		checked++
		rel, _ := filepath.Rel(testkit.Root, p)
		example := false
		for i, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "func ") {
				example = strings.HasPrefix(line, "func Example")
			}
			if !example && relative.MatchString(line) {
				t.Errorf("%s:%d reads the small dataset by a relative path: use testkit.SmallDir, Small, SmallMapFS or ReadSmall", rel, i+1)
			}
		}
		return nil
	})
	require.NoError(t, err)
	assert.Greater(t, checked, 50)
}
