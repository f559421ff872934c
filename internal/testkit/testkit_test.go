package testkit_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
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
