package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb/geojson"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const bdPlaces = `id,name_en,name_ar,aliases,lon,lat,kind,coord_source
west,West,غرب,,37.10,36.20,residential,test
east,East,شرق,Sharq,37.12,36.20,residential,test
north,North,,,37.11,36.21,park,test
`

const bdOutline = `{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[37.09,36.19],[37.13,36.19],[37.13,36.22],[37.09,36.22],[37.09,36.19]]]}}`

// writeFiles writes name → content into a new temporary directory.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	writeTree(t, dir, files)
	return dir
}

func TestBuildDistrictsCommand(t *testing.T) {
	for _, tc := range []struct {
		name      string
		args      []string // DIR is replaced by the temporary directory
		wantOut   string
		wantErr   string
		districts int
	}{
		{"default buffer", []string{"--places", "DIR/p.csv", "--out", "DIR/d.geojson"},
			"wrote DIR/d.geojson: 3 districts from 3 places, ", "", 3},
		{"outline", []string{"--places", "DIR/p.csv", "--outline", "DIR/o.geojson", "--out", "DIR/d.geojson"},
			// GeographicLib's Planimeter gives 11974629.6 m² for the square.
			"wrote DIR/d.geojson: 3 districts from 3 places, 11.975 km² (WGS84 ellipsoid), 0 warning(s)\n", "", 3},
		{"separate discs are thin", []string{"--places", "DIR/p.csv", "--out", "DIR/d.geojson", "--buffer", "300", "--thin", "400"},
			// Three separate 64-gons of radius 300 m: 3 × 32 × 300² × sin(2π/64) = 846868 m².
			"wrote DIR/d.geojson: 3 districts from 3 places, 0.847 km² (WGS84 ellipsoid), 3 warning(s)\n",
			`warning: district "east" (line 3) is thin: the largest circle inside it has a radius of 300 m (under 400 m); check its place against its neighbours`, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"p.csv": bdPlaces, "o.geojson": bdOutline})
			args := make([]string, len(tc.args))
			for i, a := range tc.args {
				args[i] = strings.ReplaceAll(a, "DIR", dir)
			}
			var stdout, stderr bytes.Buffer
			require.NoError(t, runBuildDistricts(args, &stdout, &stderr), stderr.String())
			assert.Contains(t, stdout.String(), strings.ReplaceAll(tc.wantOut, "DIR", dir))
			if tc.wantErr == "" {
				assert.Empty(t, stderr.String())
			} else {
				assert.Contains(t, stderr.String(), tc.wantErr)
			}
			data, err := os.ReadFile(filepath.Join(dir, "d.geojson"))
			require.NoError(t, err)
			fc, err := geojson.UnmarshalFeatureCollection(data)
			require.NoError(t, err)
			assert.Len(t, fc.Features, tc.districts)
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			assert.Len(t, entries, 3, "no temporary file is left")
		})
	}
}

// bdLayer is a polygon layer of two blocks with a 27 m street between them.
const bdLayer = `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"West"},"geometry":{"type":"Polygon","coordinates":[[[37.10,36.20],[37.11,36.20],[37.11,36.21],[37.10,36.21],[37.10,36.20]]]}},
{"type":"Feature","properties":{"name":"East"},"geometry":{"type":"Polygon","coordinates":[[[37.1103,36.20],[37.12,36.20],[37.12,36.21],[37.1103,36.21],[37.1103,36.20]]]}}]}`

func TestBuildDistrictsFromPolygons(t *testing.T) {
	dir := writeFiles(t, map[string]string{"l.geojson": bdLayer, "p.csv": bdPlaces})
	var stdout, stderr bytes.Buffer
	require.NoError(t, runBuildDistricts([]string{"--polygons", filepath.Join(dir, "l.geojson"), "--places", filepath.Join(dir, "p.csv"),
		"--out", filepath.Join(dir, "d.geojson")}, &stdout, &stderr), stderr.String())
	// The two blocks with the street between them: GeographicLib's
	// Planimeter gives 1,995,771.6 m² for 37.10–37.12 × 36.20–36.21.
	assert.Equal(t, "wrote "+filepath.Join(dir, "d.geojson")+": 3 districts, 1.996 km² (WGS84 ellipsoid)\n", stdout.String())
	for _, want := range []string{"2 features, 2 names", "street gaps up to 60 m closed: 0.030 km²",
		"split west into Thiessen cells with the places inside it: north", "3 districts, 1.996 km²"} {
		assert.Contains(t, stderr.String(), want)
	}
	data, err := os.ReadFile(filepath.Join(dir, "d.geojson"))
	require.NoError(t, err)
	fc, err := geojson.UnmarshalFeatureCollection(data)
	require.NoError(t, err)
	ids := []string{}
	for _, f := range fc.Features {
		ids = append(ids, f.ID.(string))
	}
	assert.Equal(t, []string{"east", "north", "west"}, ids)
	assert.Equal(t, "Sharq", fc.Features[0].Properties["aliases"].([]any)[0])
}

func TestBuildDistrictsCommandStdout(t *testing.T) {
	dir := writeFiles(t, map[string]string{"p.csv": bdPlaces})
	var stdout, stderr bytes.Buffer
	require.NoError(t, runBuildDistricts([]string{"--places", filepath.Join(dir, "p.csv"), "--out", "-"}, &stdout, &stderr))
	assert.True(t, strings.HasPrefix(stdout.String(), `{"type":"FeatureCollection","features":[`+"\n"))
	assert.Contains(t, stderr.String(), "wrote standard output: 3 districts")
}

func TestBuildDistrictsCommandErrors(t *testing.T) {
	close := strings.Replace(bdPlaces, "37.12,36.20", "37.1002,36.20", 1)
	bad := bdPlaces + "west,W2,,,371,36.2,,\n,X,,,1,2,,\n"
	for _, tc := range []struct {
		name  string
		files map[string]string
		args  []string
		want  []string
	}{
		{"no flags", nil, nil, []string{"give --polygons FILE or --places FILE, and --out FILE"}},
		{"polygons with a Thiessen flag", map[string]string{"l.geojson": bdLayer},
			[]string{"--polygons", "DIR/l.geojson", "--out", "DIR/d.geojson", "--buffer", "900"},
			[]string{"--buffer is for Thiessen cells of points; with --polygons give"}},
		{"polygon flag without polygons", map[string]string{"p.csv": bdPlaces},
			[]string{"--places", "DIR/p.csv", "--out", "DIR/d.geojson", "--max-gap", "30"},
			[]string{"--max-gap needs --polygons FILE"}},
		{"polygons without out", map[string]string{"l.geojson": bdLayer}, []string{"--polygons", "DIR/l.geojson"},
			[]string{"give --out FILE"}},
		{"polygons: bad gap", map[string]string{"l.geojson": bdLayer}, []string{"--polygons", "DIR/l.geojson", "--out", "DIR/d.geojson", "--max-gap", "0"},
			[]string{"--max-gap 0 and --reach 1500: give distances in metres greater than 0"}},
		{"polygons: bad site limit", map[string]string{"l.geojson": bdLayer}, []string{"--polygons", "DIR/l.geojson", "--out", "DIR/d.geojson", "--max-gap-sites", "0"},
			[]string{"--max-gap-sites 0: give a number of sites greater than 0"}},
		{"polygons: over the site limit", map[string]string{"l.geojson": bdLayer}, []string{"--polygons", "DIR/l.geojson", "--out", "DIR/d.geojson", "--max-gap-sites", "10"},
			[]string{"more than the limit of 10", "or a larger --max-gap-sites (now 10)"}},
		{"site limit without polygons", map[string]string{"p.csv": bdPlaces},
			[]string{"--places", "DIR/p.csv", "--out", "DIR/d.geojson", "--max-gap-sites", "9"},
			[]string{"--max-gap-sites needs --polygons FILE"}},
		{"polygons: feature without name", map[string]string{"l.geojson": bdLayer},
			[]string{"--polygons", "DIR/l.geojson", "--name-property", "NAME", "--out", "DIR/d.geojson"},
			[]string{`DIR/l.geojson: feature #0: error: has no district id: give it the property "NAME"`}},
		{"argument", nil, []string{"--places", "DIR/p.csv", "--out", "DIR/d.geojson", "extra"}, []string{`unexpected argument "extra"`}},
		{"outline and buffer", map[string]string{"p.csv": bdPlaces},
			[]string{"--places", "DIR/p.csv", "--out", "DIR/d.geojson", "--outline", "DIR/o.geojson", "--buffer", "900"},
			[]string{"give either --outline or --buffer"}},
		{"missing places file", nil, []string{"--places", "DIR/p.csv", "--out", "DIR/d.geojson"}, []string{"open DIR/p.csv: no such file or directory"}},
		{"bad rows", map[string]string{"p.csv": bad}, []string{"--places", "DIR/p.csv", "--out", "DIR/d.geojson"}, []string{
			`DIR/p.csv:5: duplicate id "west" (first used on line 2): ids must be unique`,
			"DIR/p.csv:5: lon 371 is out of range [-180, 180]",
			"DIR/p.csv:6: empty id"}},
		{"too close", map[string]string{"p.csv": close}, []string{"--places", "DIR/p.csv", "--out", "DIR/d.geojson"}, []string{
			`DIR/p.csv: places "east" (line 3) and "west" (line 2) are 18.0 m apart, closer than the minimum distance 50 m`}},
		{"bad outline", map[string]string{"p.csv": bdPlaces, "o.geojson": `{"type":"Point","coordinates":[1,2]}`},
			[]string{"--places", "DIR/p.csv", "--out", "DIR/d.geojson", "--outline", "DIR/o.geojson"},
			[]string{`DIR/o.geojson: GeoJSON type "Point"`}},
		{"bad buffer", map[string]string{"p.csv": bdPlaces}, []string{"--places", "DIR/p.csv", "--out", "DIR/d.geojson", "--buffer", "-3"},
			[]string{"--buffer -3: give a radius in metres greater than 0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFiles(t, tc.files)
			args := make([]string, len(tc.args))
			for i, a := range tc.args {
				args[i] = strings.ReplaceAll(a, "DIR", dir)
			}
			var stdout, stderr bytes.Buffer
			err := runBuildDistricts(args, &stdout, &stderr)
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), strings.ReplaceAll(w, "DIR", dir))
			}
			_, statErr := os.Stat(filepath.Join(dir, "d.geojson"))
			assert.True(t, os.IsNotExist(statErr), "no output file on error")
		})
	}
}

// TestBuildDistrictsOutTarget: --out names a file; a folder is refused
// with a clear message, a file frontline did not write is not replaced (a
// layer of the user's, the --polygons input), and a link keeps pointing at
// the file it replaces.
func TestBuildDistrictsOutTarget(t *testing.T) {
	const earlier = "{\"type\":\"FeatureCollection\",\"features\":[\n]}\n" // what an earlier build wrote
	mine := "{\n\"type\": \"FeatureCollection\",\n\"features\": []\n}\n"   // as QGIS or ogr2ogr lay it out
	dir := writeFiles(t, map[string]string{"p.csv": bdPlaces, "real.geojson": earlier, "sub/keep.txt": "precious", "mine.geojson": mine})
	var stdout, stderr bytes.Buffer
	err := runBuildDistricts([]string{"--places", filepath.Join(dir, "p.csv"), "--out", filepath.Join(dir, "sub")}, &stdout, &stderr)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is a folder: give the name of the file to write, such as "+filepath.Join(dir, "sub", "districts.geojson"))
	for _, args := range [][]string{
		{"--places", filepath.Join(dir, "p.csv"), "--out", filepath.Join(dir, "mine.geojson")},
		{"--polygons", filepath.Join(dir, "mine.geojson"), "--out", filepath.Join(dir, "mine.geojson")},
	} {
		err = runBuildDistricts(args, &stdout, &stderr)
		require.Error(t, err, args)
		assert.Contains(t, err.Error(), "exists and is not a district file frontline wrote, so it is not replaced", args)
		b, err := os.ReadFile(filepath.Join(dir, "mine.geojson"))
		require.NoError(t, err)
		assert.Equal(t, mine, string(b), "the user's file is kept")
	}

	link := filepath.Join(dir, "link.geojson")
	require.NoError(t, os.Symlink("real.geojson", link))
	require.NoError(t, runBuildDistricts([]string{"--places", filepath.Join(dir, "p.csv"), "--out", link}, &stdout, &stderr))
	st, err := os.Lstat(link)
	require.NoError(t, err)
	assert.NotZero(t, st.Mode()&os.ModeSymlink, "the link is kept")
	b, err := os.ReadFile(filepath.Join(dir, "real.geojson"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(b), `{"type":"FeatureCollection"`), "the file it points at is written")
	keep, err := os.ReadFile(filepath.Join(dir, "sub", "keep.txt"))
	require.NoError(t, err)
	assert.Equal(t, "precious", string(keep))
}
