package site

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

// A district id is written into a path as the page writes it, with
// JavaScript's encodeURIComponent (outputs from Node), so that the
// manifest's key is the page's request byte for byte.
func TestEscapeComponentIsEncodeURIComponent(t *testing.T) {
	for in, want := range map[string]string{
		"a b/c'(é)":   "a%20b%2Fc'(%C3%A9)",
		"x?y#z&w=1+2": "x%3Fy%23z%26w%3D1%2B2",
		"~!*._-":      "~!*._-",
		"%41":         "%2541",
		"حلب":         "%D8%AD%D9%84%D8%A8",
	} {
		assert.Equal(t, want, escapeComponent(in), in)
	}
}

// A file is named after its request, safely, with the extension of its
// type; a download keeps the name the server gives it.
func TestFileName(t *testing.T) {
	json := http.Header{"Content-Type": {"application/json"}}
	geojson := http.Header{"Content-Type": {"application/geo+json"}}
	for _, c := range []struct {
		key  string
		h    http.Header
		want string
	}{
		{"/api/control/2016-12-06", json, "control_2016-12-06.json"},
		{"/api/snapshot/2016-12-06", geojson, "snapshot_2016-12-06.geojson"},
		{"/api/stats/2016-12-06?by=group", json, "stats_2016-12-06_by_group.json"},
		{"/api/stats?to=2016-12-22&from=2016-11-15", json, "stats_from_2016-11-15_to_2016-12-22.json"},
		{"/api/districts.topojson", json, "districts.topojson.json"},
		{"/api/districts/a%20b%2Fc'(%C3%A9)", json, "districts_a_b_c_____.json"},
		{"/api/districts/..", json, "districts_...json"},
		{"/api/stats.csv", http.Header{"Content-Type": {"text/csv; charset=utf-8"}, "Content-Disposition": {`attachment; filename="stats_2016-11-15_2016-12-22.csv"`}},
			"stats_2016-11-15_2016-12-22.csv"},
		{"/api/export.gpkg", http.Header{"Content-Type": {"application/geopackage+sqlite3"}, "Content-Disposition": {`attachment; filename="../../etc/x.gpkg"`}},
			"_.._etc_x.gpkg"},
	} {
		name := fileName(c.key, c.h)
		assert.Equal(t, c.want, name, c.key)
		assert.True(t, validPath("data/0123456789abcdef/"+name), "%s: %s", c.key, name)
	}
}
