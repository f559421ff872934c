package geo_test

import (
	"encoding/json"
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/data"
	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/internal/testkit"
)

// aleppoWith is the Aleppo dataset with one more district, id "extra", of
// the given GeoJSON geometry, held by the government from the start.
func aleppoWith(t *testing.T, geometry string) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, f := range []string{geo.MetaFile, geo.SidesFile, geo.DistrictsFile, geo.ControlFile} {
		b, err := fs.ReadFile(data.Default(), f)
		require.NoError(t, err)
		fsys[f] = &fstest.MapFile{Data: b}
	}
	var fc map[string]any
	require.NoError(t, json.Unmarshal(fsys[geo.DistrictsFile].Data, &fc))
	var g any
	require.NoError(t, json.Unmarshal([]byte(geometry), &g))
	fc["features"] = append(fc["features"].([]any), map[string]any{
		"type": "Feature", "properties": map[string]any{"id": "extra", "name": "Extra"}, "geometry": g})
	b, err := json.Marshal(fc)
	require.NoError(t, err)
	fsys[geo.DistrictsFile] = &fstest.MapFile{Data: b}
	fsys[geo.ControlFile].Data = append(fsys[geo.ControlFile].Data, []byte("2016-11-15,extra,government,1,[1],\n")...)
	return fsys
}

// TestDoubtfulPlaces: issue 22, item 10. Districts that load but whose
// place is doubtful are warned about, and Aleppo's own districts are not.
func TestDoubtfulPlaces(t *testing.T) {
	for _, tc := range []struct {
		name     string
		geometry string
		want     string
	}{
		{"a ring across the antimeridian", `{"type":"Polygon","coordinates":[[[179.9,40.2],[-179.9,40.2],[-179.9,40.21],[179.9,40.21],[179.9,40.2]]]}`,
			`districts.geojson: feature "extra": warning: spans 359.8° of longitude (-179.9000 to 179.9000): a ring that crosses the antimeridian (180°) must be split there`},
		{"a typo in a longitude", `{"type":"Polygon","coordinates":[[[3.71,36.2],[3.72,36.2],[3.72,36.21],[3.71,36.21],[3.71,36.2]]]}`,
			`districts.geojson: feature "extra": warning: lies 2995.5 km outside the extent of most districts (lon 37.1043 to 37.2193, lat 36.1629 to 36.2472), farther than its own size (1.4 km)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds, err := geo.LoadDir(aleppoWith(t, tc.geometry), "aleppo")
			require.NoError(t, err)
			require.Len(t, ds.Warnings, 1, "%v", ds.Warnings)
			assert.Contains(t, ds.Warnings[0].String(), tc.want)
		})
	}
	ds, err := geo.LoadDir(data.Default(), data.DefaultName)
	require.NoError(t, err)
	assert.Empty(t, ds.Warnings, "peripheral districts are no outliers")
}

// TestWrongCRSMember: issue 22, item 10. UTM 37N metres labelled EPSG:3857
// reproject to somewhere valid, so only a warning that says where the
// districts came to lie, and why it matters, can tell.
func TestWrongCRSMember(t *testing.T) {
	utm := `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:3857"}},"features":[` +
		squareFeature("u", 330000, 4008000, 331000, 4009000) + `]}`
	fsys := testkit.SmallMapFS(t, map[string]string{
		geo.DistrictsFile: utm,
		geo.ControlFile:   header + "2016-11-15,u,government,1,[1],\n",
	})
	ds, err := geo.LoadDir(fsys, "small")
	require.NoError(t, err)
	require.Len(t, ds.Warnings, 2) // and: two sides hold nothing
	assert.Contains(t, ds.Warnings[0].String(), `small/districts.geojson: warning: the "crs" member names EPSG:3857 (WGS 84 / Pseudo-Mercator): `+
		`the coordinates were reprojected to WGS84 and the districts lie at lon 2.9644 to 2.9734, lat 33.8449 to 33.8524; `+
		`if that is not where they are, the crs member is wrong, and so is every area and length`)
}
