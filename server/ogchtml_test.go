package server_test

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOGCPagesAllowTheirStyle: issue 22, item 16. Each OGC page's policy
// allows its own inline style sheet by hash, and nothing else inline.
func TestOGCPagesAllowTheirStyle(t *testing.T) {
	h := newServer(t).Handler()
	for _, target := range []string{"/ogc?f=html", "/ogc/conformance?f=html", "/ogc/api?f=html", "/ogc/collections?f=html",
		"/ogc/collections/control?f=html", "/ogc/collections/control/items?f=html", "/ogc/collections/control/items/north-west%2F2016-11-15?f=html"} {
		rec := get(t, h, target)
		require.Equal(t, http.StatusOK, rec.Code, target)
		body := rec.Body.String()
		_, rest, ok := strings.Cut(body, "<style>")
		require.True(t, ok, target)
		css, _, ok := strings.Cut(rest, "</style>")
		require.True(t, ok, target)
		sum := sha256.Sum256([]byte(css))
		policy := rec.Header().Get("Content-Security-Policy")
		assert.Contains(t, policy, "style-src 'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'", target)
		assert.Contains(t, policy, "default-src 'none'", target)
		assert.NotContains(t, policy, "unsafe-inline", target)
	}
	// JSON keeps the API's policy.
	assert.NotContains(t, get(t, h, "/ogc?f=json").Header().Get("Content-Security-Policy"), "style-src")
}
