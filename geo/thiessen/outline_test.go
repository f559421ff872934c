package thiessen

import (
	"errors"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twpayne/go-geos"
)

const (
	sqA = `{"type":"Polygon","coordinates":[[[37,36],[37.1,36],[37.1,36.1],[37,36.1],[37,36]]]}`
	sqB = `{"type":"Polygon","coordinates":[[[37.1,36],[37.2,36],[37.2,36.1],[37.1,36.1],[37.1,36]]]}`
	sqC = `{"type":"Polygon","coordinates":[[[38,36],[38.1,36],[38.1,36.1],[38,36.1],[38,36]]]}`
)

func TestReadOutline(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    string
		want  string // WKT, compared topologically
		parts int
	}{
		{"Polygon", sqA, "POLYGON ((37 36, 37.1 36, 37.1 36.1, 37 36.1, 37 36))", 1},
		{"MultiPolygon", `{"type":"MultiPolygon","coordinates":[` + sqA[strings.Index(sqA, "[[["):len(sqA)-1] + `]}`,
			"POLYGON ((37 36, 37.1 36, 37.1 36.1, 37 36.1, 37 36))", 1},
		{"Feature", `{"type":"Feature","id":"city","properties":{},"geometry":` + sqA + `}`,
			"POLYGON ((37 36, 37.1 36, 37.1 36.1, 37 36.1, 37 36))", 1},
		{"FeatureCollection of touching squares is unioned", `{"type":"FeatureCollection","features":[` +
			`{"type":"Feature","properties":{},"geometry":` + sqA + `},{"type":"Feature","properties":{},"geometry":` + sqB + `}]}`,
			"POLYGON ((37 36, 37.2 36, 37.2 36.1, 37 36.1, 37 36))", 1},
		{"FeatureCollection of separate squares", `{"type":"FeatureCollection","features":[` +
			`{"type":"Feature","properties":{},"geometry":` + sqA + `},{"type":"Feature","properties":{},"geometry":` + sqC + `}]}`,
			"MULTIPOLYGON (((37 36, 37.1 36, 37.1 36.1, 37 36.1, 37 36)), ((38 36, 38.1 36, 38.1 36.1, 38 36.1, 38 36)))", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mp, err := ReadOutline(strings.NewReader(tc.in), "o.geojson")
			require.NoError(t, err)
			require.Len(t, mp, tc.parts)
			ctx := geos.NewContext()
			want, err := ctx.NewGeomFromWKT(tc.want)
			require.NoError(t, err)
			assert.True(t, geom(t, ctx, mp).Equals(want), "got %v", mp)
		})
	}
}

func TestReadOutlineErrors(t *testing.T) {
	bowtie := `{"type":"Polygon","coordinates":[[[37,36],[37.2,36.2],[37.2,36],[37,36.2],[37,36]]]}`
	for _, tc := range []struct {
		name string
		in   string
		want []string
	}{
		{"not JSON", `{"type":`, []string{"o.geojson: not JSON: unexpected end of JSON input: give a GeoJSON Polygon"}},
		{"wrong type", `{"type":"Point","coordinates":[1,2]}`, []string{`o.geojson: GeoJSON type "Point": give a Polygon, MultiPolygon, Feature or FeatureCollection`}},
		{"empty collection", `{"type":"FeatureCollection","features":[]}`, []string{"o.geojson: the FeatureCollection has no features"}},
		{"bad polygon", `{"type":"Polygon","coordinates":[[1,2]]}`, []string{"o.geojson: cannot read the Polygon:"}},
		{"all bad features", `{"type":"FeatureCollection","features":[` +
			`{"type":"Feature","id":"x","properties":{},"geometry":{"type":"LineString","coordinates":[[1,2],[3,4]]}},` +
			`{"type":"Feature","properties":{},"geometry":null},` +
			`{"type":"Feature","id":7,"properties":{},"geometry":` + bowtie + `},` +
			`{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[37,36],[37,96],[38,36],[37,36]]]}}]}`,
			[]string{
				"o.geojson: feature 0 (id x): the outline is a LineString: give a Polygon or MultiPolygon",
				"o.geojson: feature 1 has no geometry: give a Polygon or MultiPolygon",
				"o.geojson: feature 2 (id 7) is not a valid polygon: Self-intersection[37.1 36.1]: fix it",
				"o.geojson: feature 3: the outline has the point [37 96] out of range",
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mp, err := ReadOutline(strings.NewReader(tc.in), "o.geojson")
			require.Error(t, err)
			assert.Nil(t, mp)
			assertInOrder(t, err.Error(), tc.want)
			var le *LineError
			assert.True(t, errors.As(err, &le))
		})
	}
}

// FuzzReadOutline checks that ReadOutline never panics and that an outline it
// accepts is a valid, non-empty polygonal area with lon/lat coordinates.
func FuzzReadOutline(f *testing.F) {
	f.Add(sqA)
	f.Add(`{"type":"Feature","properties":{},"geometry":` + sqB + `}`)
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":` + sqA + `},{"type":"Feature","properties":{},"geometry":` + sqC + `}]}`)
	f.Add(`{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]],[[0.2,0.1],[0.8,0.1],[0.8,0.5],[0.2,0.1]]]]}`)
	f.Add(`{"type":"Polygon","coordinates":[[[37,36],[37.2,36.2],[37.2,36],[37,36.2],[37,36]]]}`)
	f.Fuzz(func(t *testing.T, in string) {
		mp, err := ReadOutline(strings.NewReader(in), "f.geojson")
		if err != nil {
			require.Nil(t, mp)
			return
		}
		require.NotEmpty(t, mp)
		_, err = outlineMultiPolygon(mp)
		require.NoError(t, err)
		g := geom(t, geos.NewContext(), orb.MultiPolygon(mp))
		require.True(t, g.IsValid(), g.IsValidReason())
		require.False(t, g.IsEmpty())
	})
}
