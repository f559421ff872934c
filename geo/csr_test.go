package geo_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/geo"
)

// csrPath is the Columbia CSR neighbourhood layer (MIT), as shipped with the
// Aleppo dataset's sources.
const csrPath = "../data/aleppo-2016/sources/csr/Neighborhoods.geojson"

func readCSR(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(csrPath)
	require.NoError(t, err)
	return b
}

// The real layer has duplicate numeric ids, names split over several
// features, MultiPolygons and a CRS84 member.
func TestCSRLayerLoads(t *testing.T) {
	b := readCSR(t)
	_, problems := geo.ReadDistricts(b, "Neighborhoods.geojson", geo.DistrictOptions{IDProperty: "Id", NameProperty: "NAME"})
	var dup int
	for _, p := range problems {
		if p.Severity == geo.SeverityError {
			assert.Contains(t, p.Msg, "duplicate district id")
			dup++
		}
	}
	assert.Equal(t, 10, dup, "duplicate Id values are reported, one per extra feature")

	ds, problems := geo.ReadDistricts(b, "Neighborhoods.geojson", geo.DistrictOptions{IDProperty: "NAME", NameProperty: "NAME", MergeDuplicates: true})
	for _, p := range problems {
		require.NotEqual(t, geo.SeverityError, p.Severity, p.String())
	}
	assert.Equal(t, 126, len(ds), "133 features, 7 of them extra parts of a name")
	var total float64
	for _, d := range ds {
		assert.Greater(t, d.AreaKm2, 0.0, d.ID)
		total += d.AreaKm2
	}
	t.Logf("CSR layer: %d districts, %.3f km²", len(ds), total)
}
