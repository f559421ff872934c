package geo_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/geodesic"
	"github.com/frontline/frontline/internal/testkit"
)

// islandSize is the side of an island square in degrees: about 20 m.
const islandSize = 0.00018

// islands returns n separate squares of about 20 m, spacing degrees apart,
// in rows of 150 from (37.2, 36.3): beyond the small dataset's districts.
func islands(n int, spacing float64) orb.MultiPolygon {
	mp := make(orb.MultiPolygon, n)
	for k := range mp {
		x, y := 37.2+float64(k%150)*spacing, 36.3+float64(k/150)*spacing
		mp[k] = orb.Polygon{{{x, y}, {x + islandSize, y}, {x + islandSize, y + islandSize}, {x, y + islandSize}, {x, y}}}
	}
	return mp
}

// smallWithIslands is the small dataset whose district "islands" is mp.
func smallWithIslands(t *testing.T, mp orb.MultiPolygon) fstest.MapFS {
	t.Helper()
	fsys := testkit.SmallMapFS(t, nil)
	var fc struct {
		Type     string           `json:"type"`
		Features []map[string]any `json:"features"`
	}
	require.NoError(t, json.Unmarshal(fsys[geo.DistrictsFile].Data, &fc))
	found := false
	for _, f := range fc.Features {
		if f["id"] == "islands" {
			f["geometry"] = map[string]any{"type": "MultiPolygon", "coordinates": mp}
			found = true
		}
	}
	require.True(t, found)
	b, err := json.Marshal(fc)
	require.NoError(t, err)
	fsys[geo.DistrictsFile] = &fstest.MapFile{Data: b}
	return fsys
}

// TestDistrictSizeLimits: districts past the limits on parts, positions
// and sides × districts are refused with the flag that raises the limit,
// before any geometry work.
func TestDistrictSizeLimits(t *testing.T) {
	fsys := smallWithIslands(t, islands(5, 0.001))
	for _, tc := range []struct {
		name string
		opt  geo.LoadOptions
		want string
	}{
		{"parts", geo.LoadOptions{MaxParts: 4},
			`small/districts.geojson: feature #4 ("islands"): error: the district has 5 polygons, more than the limit of 4 per district`},
		{"parts: the flag", geo.LoadOptions{MaxParts: 4}, "raise the limit with --max-parts"},
		{"positions", geo.LoadOptions{MaxVertices: 30},
			`small/districts.geojson: error: the districts have more than 30 positions (the limit, reached at feature #4 ("islands"))`},
		{"positions: the flag", geo.LoadOptions{MaxVertices: 30}, "raise the limit with --max-vertices"},
		{"sides × districts", geo.LoadOptions{MaxSideDistricts: 14},
			"small/sides.csv: error: 3 sides × 5 districts = 15, more than the limit of 14"},
		{"sides × districts: the flag", geo.LoadOptions{MaxSideDistricts: 14}, "raise the limit with --max-side-districts"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := geo.Load(fsys, "small", tc.opt)
			var ve *geo.ValidationError
			require.True(t, errors.As(err, &ve), "error %v", err)
			assert.Contains(t, ve.Error(), tc.want)
		})
	}
	// At the limits, the dataset loads.
	_, err := geo.Load(fsys, "small", geo.LoadOptions{MaxParts: 5, MaxVertices: 50, MaxSideDistricts: 15})
	require.NoError(t, err)
}

// TestManySeparateParts: a district of 20,000 separate squares (issue 22:
// 50,000 took validate 661 s, and serve never became ready) is validated
// with the street-gap check and prepared for territories. GEOS's buffer of
// the whole union was quadratic in the separate parts (4,000 took 6 s of
// CPU, 20,000 would take minutes); part by part it is near-linear.
func TestManySeparateParts(t *testing.T) {
	if testing.Short() {
		t.Skip("prepares 20,000 polygons")
	}
	const n = 20_000
	mp := islands(n, 0.0015)
	ds, err := geo.Load(smallWithIslands(t, mp), "small", geo.LoadOptions{CheckGaps: true, MaxParts: n})
	require.NoError(t, err)
	for _, w := range ds.Warnings {
		assert.NotContains(t, w.Msg, "gaps between them", "the islands are 135 m apart: no street")
	}
	var d geo.District
	for _, d = range ds.Districts {
		if d.ID == "islands" {
			break
		}
	}
	assert.InDelta(t, geodesic.Area(mp)/1e6, d.AreaKm2, 1e-9)
	shapes, err := geo.NewShapes(ds)
	require.NoError(t, err)
	day, err := shapes.On(ds.Range().First)
	require.NoError(t, err)
	var sdf int
	for _, tr := range day.Territories {
		if strings.EqualFold(tr.Label, "sdf") {
			sdf = len(tr.Geometry)
		}
	}
	assert.Equal(t, n, sdf, "each island is a polygon of the SDF's territory")
}
