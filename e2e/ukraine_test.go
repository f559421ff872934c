package e2e

import (
	"encoding/csv"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/paulmach/orb/geojson"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/geo/geodesic"
	"github.com/frontline/frontline/geo/polygons"
	"github.com/frontline/frontline/internal/testkit"
)

// TestUkraineEveryInterface is issue 17's "done when" on real data: the
// DeepState days imported with the raions (ukraineDataset) give, on each
// day, the km² of the occupied ground as the geodesic area of that day's
// input polygon to 1e-6, the same through the JSON stats, the series CSV,
// GDAL's OGC API client and the served GeoPackage (whose territory
// geometries measure as their area_km2 say); the oblasts sum to the total;
// the front line's length is the same in the stats, the series CSV, the
// frontlines layer and its geometry.
func TestUkraineEveryInterface(t *testing.T) {
	needTool(t, "ogr2ogr", "gdal-bin")
	sample, _ := testkit.Ukraine(t)
	ds := ukraineDataset(t)
	base := serve(t, ds)
	api := apiClient{t: t, base: base}
	dir := t.TempDir()

	seriesCSV := readCSV(t, base+"/api/stats.csv")
	gpkgTerritory := readGeoJSON(t, dir, "gpkg-territory", "/vsicurl/"+base+"/api/export.gpkg", "territory")

	for _, day := range ukraineDays {
		in, _, err := polygons.ReadDays(filepath.Join(sample, "deepstatemap_data_"+day+".geojson"), 512<<20)
		require.NoError(t, err)
		require.Len(t, in, 1)
		date := in[0].Date.String()
		want := geodesic.Area(in[0].Polygons) / 1e6

		st := api.stats(date)
		assert.InEpsilon(t, want, st.Sides["russia"].Km2, 1e-6, "%s: /api/stats", date)

		row := seriesCSV[date]
		require.NotNil(t, row, "%s: a row of /api/stats.csv", date)
		assert.InEpsilon(t, want, row["russia_km2"], 1e-6, "%s: /api/stats.csv", date)

		ogc := readGeoJSON(t, dir, "ogc-"+date, "OAPIF:"+base+"/ogc?datetime="+date, "territory")
		f := only(t, ogc, func(f *geojson.Feature) bool { return f.Properties["side"] == "russia" }, "%s: OGC territory", date)
		assert.InEpsilon(t, want, f.Properties["area_km2"], 1e-6, "%s: OGC territory area_km2", date)
		assert.InEpsilon(t, want, geodesic.Area(f.Geometry)/1e6, 1e-6, "%s: OGC territory geometry", date)

		g := only(t, gpkgTerritory, func(f *geojson.Feature) bool {
			from, _ := f.Properties["valid_from"].(string)
			to, _ := f.Properties["valid_to"].(string)
			return f.Properties["side"] == "russia" && from[:10] <= date && (to == "" || date < to[:10])
		}, "%s: GeoPackage territory", date)
		assert.InEpsilon(t, want, g.Properties["area_km2"], 1e-6, "%s: GeoPackage territory area_km2", date)
		assert.InEpsilon(t, want, geodesic.Area(g.Geometry)/1e6, 1e-6, "%s: GeoPackage territory geometry", date)

		var by struct {
			Groups []struct {
				Group    string  `json:"group"`
				TotalKm2 float64 `json:"total_km2"`
				Sides    map[string]struct {
					Km2 float64 `json:"km2"`
				} `json:"sides"`
			} `json:"groups"`
		}
		api.get("/api/stats/"+date+"?by=group", &by)
		var total, russia float64
		for _, gr := range by.Groups {
			total += gr.TotalKm2
			russia += gr.Sides["russia"].Km2
		}
		assert.InEpsilon(t, ds.TotalKm2(), total, 1e-9, "%s: the oblasts (and the ground in none) sum to the total", date)
		assert.InEpsilon(t, st.Sides["russia"].Km2, russia, 1e-9, "%s: the oblasts' russia km² sum to the day's", date)

		var day struct {
			FrontlinesKm map[string]float64 `json:"frontlines_km"`
		}
		api.get("/api/stats/"+date, &day)
		var fronts geojson.FeatureCollection
		api.get("/api/frontlines/"+date, &fronts)
		require.Len(t, fronts.Features, 1, "%s: one front, russia|ukraine", date)
		front := fronts.Features[0]
		km := day.FrontlinesKm["russia|ukraine"]
		assert.InEpsilon(t, km, row["front_russia_ukraine_km"], 1e-6, "%s: the series CSV", date)
		assert.Greater(t, km, 1000.0, date)
		assert.InEpsilon(t, km, front.Properties["length_km"], 1e-9, "%s: the series and the frontlines layer", date)
		assert.InEpsilon(t, km, geodesic.Length(front.Geometry)/1000, 1e-9, "%s: the front's geometry", date)
	}
}

// readCSV reads a wide CSV with a date column into rows by date, numbers
// parsed.
func readCSV(t *testing.T, url string) map[string]map[string]float64 {
	t.Helper()
	res, err := http.Get(url)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode, url)
	recs, err := csv.NewReader(res.Body).ReadAll()
	require.NoError(t, err)
	out := map[string]map[string]float64{}
	for _, rec := range recs[1:] {
		row := map[string]float64{}
		for i, v := range rec[1:] {
			n, err := strconv.ParseFloat(v, 64)
			require.NoError(t, err, "%s: %s", url, v)
			row[recs[0][i+1]] = n
		}
		out[rec[0]] = row
	}
	return out
}

// readGeoJSON copies a layer of src with GDAL (ogr2ogr) to GeoJSON and
// reads it.
func readGeoJSON(t *testing.T, dir, name, src, layer string) *geojson.FeatureCollection {
	t.Helper()
	out := filepath.Join(dir, name+".geojson")
	run(t, "ogr2ogr", "-f", "GeoJSON", "-lco", "COORDINATE_PRECISION=15", out, src, layer)
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	fc, err := geojson.UnmarshalFeatureCollection(b)
	require.NoError(t, err)
	return fc
}

// only returns the one feature of fc that keep accepts.
func only(t *testing.T, fc *geojson.FeatureCollection, keep func(*geojson.Feature) bool, msg string, args ...any) *geojson.Feature {
	t.Helper()
	var got []*geojson.Feature
	for _, f := range fc.Features {
		if keep(f) {
			got = append(got, f)
		}
	}
	require.Len(t, got, 1, append([]any{msg}, args...)...)
	return got[0]
}
