package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/internal/testkit"
)

// routePattern matches the request paths an Echo route serves, and the
// OpenAPI path templates that document them.
func routePattern(echoPath string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	for i, part := range strings.Split(echoPath, "/") {
		if i > 0 {
			b.WriteString("/")
		}
		switch k := strings.IndexByte(part, ':'); {
		case part == "*":
			b.WriteString(".+")
		case k >= 0:
			b.WriteString(regexp.QuoteMeta(part[:k]) + "[^/]+")
		default:
			b.WriteString(regexp.QuoteMeta(part))
		}
	}
	return regexp.MustCompile(b.String() + "$")
}

// /ogc/api documents every route the server registers (e.Routes()), and
// nothing it does not serve: each route has its entry in apiDocs, each
// entry its route, and each documented path is one its route serves.
func TestOpenAPIIsTheRoutes(t *testing.T) {
	ds := testkit.Small(t)
	s, err := New(Deps{Dataset: ds}, Config{AllowedHosts: []string{"example.com"}}) // httptest's host
	require.NoError(t, err)
	docs := s.apiDocs()
	registered := map[string]bool{}
	for _, r := range s.e.Routes() {
		assert.Contains(t, []string{http.MethodGet, http.MethodHead}, r.Method, r.Path)
		registered[r.Path] = true
		d, ok := docs[r.Path]
		assert.True(t, ok, "route %s has no entry in apiDocs: document it (or say why not)", r.Path)
		for _, a := range d {
			assert.Regexp(t, routePattern(r.Path), a.path, "%s is documented as %s, which it does not serve", r.Path, a.path)
			assert.NotEmpty(t, a.summary, a.path)
			assert.NotEmpty(t, a.types, a.path)
		}
	}
	for p := range docs {
		assert.True(t, registered[p], "apiDocs has %s, which no route serves", p)
	}

	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/ogc/api", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	var doc struct{ Paths map[string]any }
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &doc))
	want := map[string]bool{}
	for _, d := range docs {
		for _, a := range d {
			want[a.path] = true
		}
	}
	got := map[string]bool{}
	for p := range doc.Paths {
		got[p] = true
	}
	assert.Equal(t, want, got, "the document's paths are the documented routes'")
	assert.True(t, got["/api/references"])
}
