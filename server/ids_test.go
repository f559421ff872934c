package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/internal/testkit"
	"github.com/frontline/frontline/server"
)

// escapeAll escapes every byte but letters and digits, as a careful client
// may: Go then keeps the escaped path and Echo routes on it.
func escapeAll(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// TestEveryAcceptedIDIsServed: issue 22, item 11. Ids that validate are
// served by every route that names a district, however the client
// escapes them (a%2F..%2Fb was a 404).
func TestEveryAcceptedIDIsServed(t *testing.T) {
	ids := map[string]string{
		"north-west": "a/../b", "north-east": "a b (x)", "south-west": "50%", "south-east": "حلب", "islands": "a%41?#&=+",
	}
	dir := t.TempDir()
	for _, f := range []string{"dataset.json", "sides.csv", "districts.geojson", "control.csv"} {
		b, err := os.ReadFile(filepath.Join(testkit.SmallDir, f))
		require.NoError(t, err)
		s := string(b)
		for from, to := range ids {
			if f == "districts.geojson" {
				s = strings.ReplaceAll(s, `"id": "`+from+`"`, `"id": "`+to+`"`)
			} else {
				s = strings.ReplaceAll(s, ","+from+",", `,"`+strings.ReplaceAll(to, `"`, `""`)+`",`)
			}
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), []byte(s), 0o644))
	}
	ds, err := geo.LoadDir(os.DirFS(dir), "ids")
	require.NoError(t, err)
	srv, err := server.New(server.Deps{Dataset: ds}, server.Config{AllowedHosts: testHosts})
	require.NoError(t, err)
	h := srv.Handler()
	for _, id := range ids {
		_, err := ds.DistrictIndex(id)
		require.NoError(t, err)
		for _, esc := range []func(string) string{url.PathEscape, escapeAll} {
			for target, want := range map[string]string{
				"/api/districts/" + esc(id):                               id,
				"/ogc/collections/districts/items/" + esc(id):             id,
				"/ogc/collections/control/items/" + esc(id+"/2016-11-15"): id + "/2016-11-15",
			} {
				rec := get(t, h, target)
				if assert.Equal(t, http.StatusOK, rec.Code, "%s: %s", target, rec.Body.String()) {
					var f struct{ ID string }
					require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &f))
					assert.Equal(t, want, f.ID, target)
				}
			}
		}
	}
}
