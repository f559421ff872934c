package geo_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/internal/testkit"
)

const header = "date,district,side,share,source,note\n"

func square(id string, lon, lat float64) string {
	return squareFeature(id, lon, lat, lon+0.01, lat+0.01)
}

func squareFeature(id string, x0, y0, x1, y1 float64) string {
	return `{"type":"Feature","id":"` + id + `","properties":{"name":"` + id + `"},"geometry":{"type":"Polygon","coordinates":[[[` +
		ff(x0) + `,` + ff(y0) + `],[` + ff(x1) + `,` + ff(y0) + `],[` + ff(x1) + `,` + ff(y1) + `],[` + ff(x0) + `,` + ff(y1) + `],[` + ff(x0) + `,` + ff(y0) + `]]]}}`
}

func ff(f float64) string { return strings.TrimRight(strings.TrimRight(strconvF(f), "0"), ".") }

func collection(features ...string) string {
	return `{"type":"FeatureCollection","features":[` + strings.Join(features, ",") + `]}`
}

// TestBadInput asserts that every kind of bad input is reported with the
// file, the line or feature, and what to do.
func TestBadInput(t *testing.T) {
	tests := []struct {
		name    string
		replace map[string]string
		want    []string // substrings of the error, all required
	}{
		{"missing control file", map[string]string{geo.ControlFile: ""}, []string{"control.csv: error: cannot read"}},
		{"malformed date", map[string]string{geo.ControlFile: header + "15/11/2016,north-west,government,1,[1],\n"},
			[]string{`control.csv:2: error: malformed date "15/11/2016"`, "YYYY-MM-DD"}},
		{"unknown district with suggestion", map[string]string{geo.ControlFile: header + "2016-11-15,north-wets,government,1,[1],\n"},
			[]string{`control.csv:2: error: unknown district "north-wets": did you mean "north-west"?`}},
		{"unknown side with suggestion", map[string]string{geo.ControlFile: header + "2016-11-15,north-west,goverment,1,[1],\n"},
			[]string{`control.csv:2: error: unknown side "goverment": did you mean "government"?`}},
		{"share out of range", map[string]string{geo.ControlFile: header + "2016-11-15,north-west,government,1.5,[1],\n2016-11-15,north-east,government,0,[1],\n"},
			[]string{"control.csv:2: error: share 1.5 is out of range (0,1]", "control.csv:3: error: share 0 is out of range"}},
		{"share not a number", map[string]string{geo.ControlFile: header + "2016-11-15,north-west,government,75%,[1],\n"},
			[]string{`control.csv:2: error: share "75%" is not a number`}},
		{"shares sum above one", map[string]string{geo.ControlFile: header + "2016-11-15,north-west,government,0.7,[1],\n2016-11-15,north-west,opposition,0.4,[1],\n"},
			[]string{`control.csv:2: error: shares of district "north-west" on 2016-11-15 sum to 1.1 > 1`}},
		{"duplicate row", map[string]string{geo.ControlFile: header + "2016-11-15,north-west,government,0.5,[1],\n2016-11-15,north-west,government,0.5,[2],\n"},
			[]string{`control.csv:3: error: duplicate row for 2016-11-15, district "north-west", side "government" (first on line 2)`}},
		{"bad header", map[string]string{geo.ControlFile: "date,district,side,source\n"},
			[]string{"control.csv:1: error: header lacks column(s) share, note"}},
		{"field count", map[string]string{geo.ControlFile: header + "2016-11-15,north-west,government,1,[1],a,b\n"},
			[]string{"control.csv:2: error: has 7 fields, the header has 6"}},
		{"all errors reported together", map[string]string{geo.ControlFile: header + "2016-11-15,nowhere,government,1,[1],\n2016-11-15,north-west,nobody,1,[1],\n2016-13-15,north-west,government,1,[1],\n"},
			[]string{"control.csv:2:", "control.csv:3:", "control.csv:4:"}},
		{"reserved side id", map[string]string{geo.SidesFile: "id,name,color\ncontested,X,#ffffff\n"},
			[]string{`sides.csv:2: error: side id "contested" is reserved`}},
		{"bad colour", map[string]string{geo.SidesFile: "id,name,color\ngovernment,Gov,red\n"},
			[]string{`sides.csv:2: error: side "government": color "red" is not a hex colour`}},
		{"duplicate side", map[string]string{geo.SidesFile: "id,name,color\ngovernment,Gov,#ff0000\ngovernment,Gov,#ff0000\n"},
			[]string{`sides.csv:3: error: duplicate side id "government" (first on line 2)`}},
		{"dataset.json unknown field", map[string]string{geo.MetaFile: "{\n  \"titel\": \"x\"\n}"},
			[]string{`dataset.json:`, `unknown field "titel"`}},
		{"districts not JSON", map[string]string{geo.DistrictsFile: "{\n\"type\": \"FeatureCollection\",\n\"features\": [,]}"},
			[]string{"districts.geojson:3: error: not valid JSON"}},
		{"not a FeatureCollection", map[string]string{geo.DistrictsFile: `{"type":"Feature"}`},
			[]string{`districts.geojson: error: top-level type is "Feature"`}},
		{"point geometry", map[string]string{geo.DistrictsFile: collection(`{"type":"Feature","id":"p","properties":{},"geometry":{"type":"Point","coordinates":[37.1,36.2]}}`)},
			[]string{`districts.geojson: feature #0 ("p"): error: geometry is Point: it must be Polygon or MultiPolygon`}},
		{"position of one number", map[string]string{geo.DistrictsFile: collection(`{"type":"Feature","id":"p","properties":{},"geometry":{"type":"Polygon","coordinates":[[[37.1,36.2],[37.2],[37.2,36.3],[37.1,36.2]]]}}`)},
			[]string{`feature #0 ("p"): error: ring 1: position 2, [37.2], has 1 number(s): a position is [longitude, latitude]: fix the geometry`}},
		{"empty position", map[string]string{geo.DistrictsFile: collection(`{"type":"Feature","id":"p","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[[[[37.1,36.2],[37.2,36.2],[37.2,36.3],[37.1,36.2]]],[[[37.1,36.2],[ ],[37.2,36.3],[37.1,36.2]]]]}}`)},
			[]string{`feature #0 ("p"): error: polygon 2: ring 1: position 2, [ ], has 0 number(s)`}},
		{"coordinate not a number", map[string]string{geo.DistrictsFile: collection(`{"type":"Feature","id":"p","properties":{},"geometry":{"type":"Polygon","coordinates":[[[37.1,36.2],[37.2,"36.2"],[37.2,36.3],[37.1,36.2]]]}}`)},
			[]string{`feature #0 ("p"): error: ring 1: position 2: a coordinate must be a number, not "36.2"]`}},
		{"polygon one level short", map[string]string{geo.DistrictsFile: collection(`{"type":"Feature","id":"p","properties":{},"geometry":{"type":"Polygon","coordinates":[[37.1,36.2],[37.2,36.2],[37.2,36.3],[37.1,36.2]]}}`)},
			[]string{`feature #0 ("p"): error: ring 1: position 1: a position must be an array`}},
		{"coordinates missing", map[string]string{geo.DistrictsFile: collection(`{"type":"Feature","id":"p","properties":{},"geometry":{"type":"Polygon"}}`)},
			[]string{`feature #0 ("p"): error: the Polygon has no "coordinates"`}},
		{"coordinate out of float range", map[string]string{geo.DistrictsFile: collection(`{"type":"Feature","id":"p","properties":{},"geometry":{"type":"Polygon","coordinates":[[[37.1,36.2],[37.2,1e400],[37.2,36.3],[37.1,36.2]]]}}`)},
			[]string{`feature #0 ("p"): error: ring 1: position 2: the coordinate 1e400 is out of range`}},
		{"empty id", map[string]string{geo.DistrictsFile: collection(`{"type":"Feature","properties":{"name":"x"},"geometry":{"type":"Polygon","coordinates":[[[37.1,36.2],[37.2,36.2],[37.2,36.3],[37.1,36.2]]]}}`)},
			[]string{`districts.geojson: feature #0: error: has no district id`}},
		{"duplicate id", map[string]string{geo.DistrictsFile: collection(square("a", 37.1, 36.2), square("a", 37.2, 36.2))},
			[]string{`feature #1 ("a"): error: duplicate district id "a", first used by feature #0 ("a")`}},
		{"projected without crs", map[string]string{geo.DistrictsFile: collection(squareFeature("utm", 330000, 4008000, 331000, 4009000))},
			[]string{`feature #0 ("utm"): error: coordinate [330000, 4.008e+06] is not WGS84 lon/lat`, "EPSG:32637"}},
		{"unknown crs", map[string]string{geo.DistrictsFile: `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:999999"}},"features":[` + square("a", 37.1, 36.2) + `]}`},
			[]string{`districts.geojson: error: the "crs" member names "EPSG:999999", which PROJ cannot transform`}},
		{"unclosed ring", map[string]string{geo.DistrictsFile: collection(`{"type":"Feature","id":"o","properties":{},"geometry":{"type":"Polygon","coordinates":[[[37.1,36.2],[37.2,36.2],[37.2,36.3],[37.1,36.3]]]}}`)},
			[]string{`feature #0 ("o"): error: a ring is not closed`}},
		{"self-intersecting ring", map[string]string{geo.DistrictsFile: collection(`{"type":"Feature","id":"bow","properties":{},"geometry":{"type":"Polygon","coordinates":[[[37.1,36.2],[37.2,36.3],[37.2,36.2],[37.1,36.3],[37.1,36.2]]]}}`)},
			[]string{`feature "bow": error: invalid geometry: Self-intersection[37.15 36.25]`, "--repair"}},
		{"overlapping districts", map[string]string{geo.DistrictsFile: collection(square("a", 37.1, 36.2), square("b", 37.105, 36.2))},
			[]string{`feature "a": error: overlaps district "b" by 0.49`, "counted twice"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, err := geo.LoadDir(testkit.SmallMapFS(t, tt.replace), "small")
			require.Error(t, err)
			assert.Nil(t, ds)
			var ve *geo.ValidationError
			require.True(t, errors.As(err, &ve), "error is %T", err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.NotContains(t, err.Error(), "GEOS failed", "a refused feature leaves nothing for GEOS to fail on")
		})
	}
}

func TestRepairTurnsInvalidIntoWarning(t *testing.T) {
	bow := collection(`{"type":"Feature","id":"bow","properties":{},"geometry":{"type":"Polygon","coordinates":[[[37.1,36.2],[37.2,36.3],[37.2,36.2],[37.1,36.3],[37.1,36.2]]]}}`)
	fsys := testkit.SmallMapFS(t, map[string]string{
		geo.DistrictsFile: bow,
		geo.ControlFile:   header + "2016-11-15,bow,government,1,[1],\n",
	})
	ds, err := geo.Load(fsys, "small", geo.LoadOptions{Repair: true})
	require.NoError(t, err)
	require.Len(t, ds.Warnings, 2)
	assert.Contains(t, ds.Warnings[0].String(), `feature "bow": warning: invalid geometry (Self-intersection`)
	assert.Contains(t, ds.Warnings[1].String(), `2 side(s) hold no ground on any date`)
	assert.Greater(t, ds.Districts[0].AreaKm2, 0.0)
}

func TestWarnings(t *testing.T) {
	fsys := testkit.SmallMapFS(t, map[string]string{
		geo.ControlFile: header + "2016-11-15,north-west,government,1,,\n",
	})
	ds, err := geo.LoadDir(fsys, "small")
	require.NoError(t, err)
	require.Len(t, ds.Warnings, 3)
	assert.Equal(t, "small/control.csv:2: warning: row has neither source nor note: cite the reference, e.g. [17], or say where the fact comes from", ds.Warnings[0].String())
	assert.Equal(t, `small/control.csv: warning: 4 district(s) have no control row and stay unassigned on every date: "north-east", "south-west", "south-east", "islands"; add rows for them or leave them out of districts.geojson`, ds.Warnings[1].String())
	assert.Equal(t, `small/sides.csv: warning: 2 side(s) hold no ground on any date (no row of control.csv names them): "opposition", "sdf"; remove them from sides.csv unless they are about to appear`, ds.Warnings[2].String())
}

func TestProjectedCRSIsReprojected(t *testing.T) {
	// The north-west square of the small dataset, projected to UTM 37N
	// with `echo "37.10 36.21" | cs2cs EPSG:4326 EPSG:32637` style
	// transforms is compared back after loading: corners must round-trip.
	utm := `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32637"}},"features":[` +
		squareFeature("u", 330000, 4008000, 331000, 4009000) + `]}`
	fsys := testkit.SmallMapFS(t, map[string]string{
		geo.DistrictsFile: utm,
		geo.ControlFile:   header + "2016-11-15,u,government,1,[1],\n",
	})
	ds, err := geo.LoadDir(fsys, "small")
	require.NoError(t, err)
	b := ds.Districts[0].Geometry.Bound()
	assert.InDelta(t, 37.1, b.Min[0], 0.2)
	assert.InDelta(t, 36.2, b.Min[1], 0.2)
	// A 1 km × 1 km UTM square is 1 km² within the UTM scale error (<0.1%).
	assert.InDelta(t, 1.0, ds.Districts[0].AreaKm2, 0.002)
}

func TestCRS84MemberAccepted(t *testing.T) {
	fc := `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"features":[` + square("a", 37.1, 36.2) + `]}`
	fsys := testkit.SmallMapFS(t, map[string]string{geo.DistrictsFile: fc, geo.ControlFile: header + "2016-11-15,a,government,1,[1],\n"})
	ds, err := geo.LoadDir(fsys, "small")
	require.NoError(t, err)
	assertRel(t, southKm2, ds.Districts[0].AreaKm2)
}

func strconvF(f float64) string { return strconv.FormatFloat(f, 'f', 6, 64) }
