package data_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/paulmach/orb/geojson"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/data"
	"github.com/frontline/frontline/geo"
)

// csrPath is the Columbia CSR neighbourhood layer (MIT) in the shared
// folder beside the repository. It is read at test time and never copied.
const csrPath = "../../shared/reference/aleppo/csr/Neighborhoods.geojson"

// placeNames maps every spelling in places.csv (name and aliases, folded)
// to the place id.
func placeNames(t *testing.T) map[string]string {
	t.Helper()
	b, err := fs.ReadFile(data.Default(), "places.csv")
	require.NoError(t, err)
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	require.NoError(t, err)
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	names := map[string]string{}
	for _, r := range recs[1:] {
		id := r[col["id"]]
		names[fold(id)] = id
		names[fold(r[col["name_en"]])] = id
		for _, a := range strings.Split(r[col["aliases"]], ";") {
			if a != "" {
				names[fold(a)] = id
			}
		}
	}
	return names
}

func fold(s string) string {
	return strings.ToLower(strings.NewReplacer("’", "'", "‘", "'", "`", "'").Replace(strings.TrimSpace(s)))
}

// TestControlTableOnRealBoundaries joins the control table to the real CSR
// neighbourhood layer by name or alias, reports what does not match, and
// computes the statistics on real boundaries beside the Thiessen ones.
func TestControlTableOnRealBoundaries(t *testing.T) {
	raw, err := os.ReadFile(csrPath)
	if err != nil {
		abs, _ := filepath.Abs(csrPath)
		t.Skipf("CSR reference layer not found at %s (%v): skipping the real-boundary test", abs, err)
	}
	csrDistricts, problems := geo.ReadDistricts(raw, "Neighborhoods.geojson",
		geo.DistrictOptions{IDProperty: "NAME", NameProperty: "NAME", MergeDuplicates: true})
	for _, p := range problems {
		require.NotEqual(t, geo.SeverityError, p.Severity, p.String())
	}

	names := placeNames(t)
	fc := geojson.NewFeatureCollection()
	byPlace := map[string][]string{}
	var unmatched []string
	for _, d := range csrDistricts {
		id, ok := names[fold(d.ID)]
		if !ok {
			unmatched = append(unmatched, d.ID)
			continue
		}
		byPlace[id] = append(byPlace[id], d.ID)
		f := geojson.NewFeature(d.Geometry)
		f.ID = id
		f.Properties = geojson.Properties{"name": d.Name, "csr_name": d.ID}
		fc.Append(f)
	}
	sort.Strings(unmatched)
	assert.Empty(t, unmatched, "CSR neighbourhoods with no places.csv name or alias")
	// CSR splits as-Sakhour in two names that places.csv merges into one
	// point; the join must put them back together as one district.
	var merged []string
	for id, parts := range byPlace {
		if len(parts) > 1 {
			merged = append(merged, id)
		}
	}
	assert.Equal(t, []string{"sakhour"}, merged, "places that join several CSR neighbourhoods")

	ds := loadDefault(t)
	var missing []string
	for _, d := range ds.Districts {
		if _, ok := byPlace[d.ID]; !ok {
			missing = append(missing, d.ID)
		}
	}
	t.Logf("control-table districts with no CSR polygon (points added from the article or UNOSAT): %s", strings.Join(missing, ", "))
	assert.LessOrEqual(t, len(missing), 12, "most districts of the control table must join the real layer")

	// Load the control rows of the joined districts on the real polygons.
	geoB, err := json.Marshal(fc)
	require.NoError(t, err)
	ctl, err := fs.ReadFile(data.Default(), "control.csv")
	require.NoError(t, err)
	sides, err := fs.ReadFile(data.Default(), "sides.csv")
	require.NoError(t, err)
	fsys := fstest.MapFS{
		"districts.geojson": {Data: geoB},
		"sides.csv":         {Data: sides},
		"control.csv":       {Data: keepRows(t, ctl, byPlace)},
		"dataset.json":      {Data: []byte(`{"title":"Aleppo 2016 on CSR boundaries","merge_duplicate_ids":true}`)},
	}
	real, err := geo.LoadDir(fsys, "csr-joined")
	require.NoError(t, err)
	for _, day := range []string{"2016-11-15", "2016-12-06", "2016-12-13"} {
		d, _ := geo.ParseDate(day)
		a, err := real.Stats(d)
		require.NoError(t, err)
		b, err := ds.Stats(d)
		require.NoError(t, err)
		t.Logf("%s opposition km²: %.2f on CSR boundaries (%d districts), %.2f on Thiessen cells (%d)",
			day, a.Sides["opposition"].Km2, len(real.Districts), b.Sides["opposition"].Km2, len(ds.Districts))
	}
}

// keepRows keeps the control rows whose district joined a CSR polygon.
func keepRows(t *testing.T, ctl []byte, keep map[string][]string) []byte {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(ctl)).ReadAll()
	require.NoError(t, err)
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	require.NoError(t, w.Write(recs[0]))
	for _, r := range recs[1:] {
		if _, ok := keep[r[1]]; ok {
			require.NoError(t, w.Write(r))
		}
	}
	w.Flush()
	return buf.Bytes()
}
