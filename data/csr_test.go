package data_test

import (
	"bytes"
	"io/fs"
	"os"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/data"
	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/boundaries"
	"github.com/frontline/frontline/geo/thiessen"
)

// csrLayer is the Columbia CSR neighbourhood layer (MIT) the Aleppo
// districts are built from, shipped with its licence under sources/.
const csrLayer = "aleppo-2016/sources/csr/Neighborhoods.geojson"

func readPlaces(t *testing.T) []thiessen.Place {
	t.Helper()
	f, err := data.Default().Open("places.csv")
	require.NoError(t, err)
	defer f.Close()
	places, err := thiessen.ReadPlaces(f, "places.csv")
	require.NoError(t, err)
	return places
}

// The embedded districts are what `make districts` builds from the CSR
// layer and places.csv: the same bytes, so the file cannot drift from its
// sources and the documented command.
func TestDistrictsAreBuiltFromTheCSRLayer(t *testing.T) {
	layer, err := os.ReadFile(csrLayer)
	require.NoError(t, err)
	res, err := boundaries.Build(layer, csrLayer, boundaries.Options{NameProperty: "NAME", Places: readPlaces(t)})
	require.NoError(t, err)
	var built bytes.Buffer
	require.NoError(t, res.Encode(&built))
	embedded, err := fs.ReadFile(data.Default(), "districts.geojson")
	require.NoError(t, err)
	require.True(t, bytes.Equal(built.Bytes(), embedded),
		"aleppo-2016/districts.geojson differs from what its sources build: run `make districts` and review the diff")

	assert.Empty(t, res.Report.Unmatched, "every CSR name joins a place")
	assert.Empty(t, res.Report.NoGround)
	for _, g := range res.Report.GapCells {
		assert.False(t, g.Island, "gap cell %s touches the city", g.ID)
	}
}

// Every place of places.csv is a district, and no district is anything else.
func TestEveryPlaceIsADistrict(t *testing.T) {
	ds := loadDefault(t)
	var places, districts []string
	for _, p := range readPlaces(t) {
		places = append(places, p.ID)
	}
	for _, d := range ds.Districts {
		districts = append(districts, d.ID)
		src := d.Properties["geometry_source"]
		assert.Contains(t, []any{boundaries.SourcePolygon, boundaries.SourceSplit, boundaries.SourceGapCell}, src, d.ID)
	}
	slices.Sort(places)
	slices.Sort(districts)
	assert.Equal(t, places, districts)
	// A real city, not 151 km² of Thiessen cells: the CSR layer covers
	// 126.06 km²; closed streets and the four places beyond it add the rest.
	assert.InDelta(t, 140, ds.TotalKm2(), 5)
}

// validate finds the street gaps of the raw CSR layer and says what to do;
// the built districts have none.
func TestValidateFindsStreetGaps(t *testing.T) {
	layer, err := os.ReadFile(csrLayer)
	require.NoError(t, err)
	sides, err := fs.ReadFile(data.Default(), "sides.csv")
	require.NoError(t, err)
	raw := fstest.MapFS{
		"districts.geojson": {Data: layer},
		"sides.csv":         {Data: sides},
		"control.csv":       {Data: []byte("date,district,side,share,source,note\n2016-11-15,Hanano,opposition,1,,test\n")},
		"dataset.json":      {Data: []byte(`{"title":"raw CSR","id_property":"NAME","merge_duplicate_ids":true}`)},
	}
	ds, err := geo.Load(raw, "raw", geo.LoadOptions{CheckGaps: true})
	require.NoError(t, err)
	var gapWarnings []string
	for _, w := range ds.Warnings {
		if bytes.Contains([]byte(w.Msg), []byte("gaps between them")) {
			gapWarnings = append(gapWarnings, w.String())
		}
	}
	require.Len(t, gapWarnings, 1)
	assert.Contains(t, gapWarnings[0], `"gap_width_m": 60`)
	assert.Contains(t, gapWarnings[0], "build-districts --polygons")

	clean, err := geo.Load(data.Default(), data.DefaultName, geo.LoadOptions{CheckGaps: true})
	require.NoError(t, err)
	assert.Empty(t, clean.Warnings)
}
