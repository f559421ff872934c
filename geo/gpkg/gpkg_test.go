package gpkg_test

import (
	"archive/zip"
	"bytes"
	"database/sql"
	"encoding/hex"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/encode"
	"github.com/frontline/frontline/geo/gpkg"
	"github.com/frontline/frontline/internal/testkit"
)

func write(t *testing.T, r *geo.Range) (string, *geo.Dataset) {
	t.Helper()
	ds := testkit.Small(t)
	enc, err := encode.New(ds)
	require.NoError(t, err)
	shapes, err := geo.NewShapes(ds)
	require.NoError(t, err)
	rg := ds.Range()
	if r != nil {
		rg = *r
	}
	path := filepath.Join(t.TempDir(), "frontline.gpkg")
	require.NoError(t, gpkg.WriteDataset(path, encode.NewSource(enc, shapes, nil), rg))
	return path, ds
}

func TestWriteDatasetOpensInGDAL(t *testing.T) {
	if _, err := exec.LookPath("ogrinfo"); err != nil {
		t.Skip("this test checks the file with ogrinfo from the Debian package gdal-bin, which is not installed (apt-get install gdal-bin)")
	}
	path, _ := write(t, nil)
	out, err := exec.Command("ogrinfo", "-ro", path).CombinedOutput()
	require.NoError(t, err, string(out))
	for _, l := range []string{"1: districts (Multi Polygon)", "2: control (Multi Polygon)", "3: territory (Multi Polygon)", "4: frontlines (Multi Line String)"} {
		assert.Contains(t, string(out), l)
	}
	assert.NotContains(t, string(out), "ERROR")
	schema, err := exec.Command("ogrinfo", "-ro", "-so", path, "control").CombinedOutput()
	require.NoError(t, err, string(schema))
	for _, f := range []string{"Feature Count: 10", "valid_from: DateTime", "valid_to: DateTime", "share_government: Real", "unassigned: Real", "id: String"} {
		assert.Contains(t, string(schema), f)
	}
	// The states still in force at the end have no end: they hold after it.
	open, err := exec.Command("ogrinfo", "-ro", "-q", path, "-sql", "SELECT COUNT(*) AS n FROM control WHERE valid_to IS NULL").CombinedOutput()
	require.NoError(t, err, string(open))
	assert.Contains(t, string(open), "n (Integer) = 5", "one open state per district")
	// GDAL's own validity checks of the GeoPackage (gpkg_* tables, blobs).
	check, err := exec.Command("ogrinfo", "-ro", "-q", path, "-sql", "SELECT COUNT(*) AS n FROM control WHERE ST_IsEmpty(geom) = 0 AND ST_SRID(geom) = 4326").CombinedOutput()
	require.NoError(t, err, string(check))
	assert.Contains(t, string(check), "n (Integer) = 10")
}

// Each layer has a spatial index as GDAL writes one (an R*Tree with the
// bounds of every feature, its triggers, a gpkg_extensions row): GDAL
// finds it, answers bbox filters from it and keeps it when it edits.
func TestWriteDatasetSpatialIndex(t *testing.T) {
	if _, err := exec.LookPath("ogrinfo"); err != nil {
		t.Skip("this test checks the file with ogrinfo from the Debian package gdal-bin, which is not installed (apt-get install gdal-bin)")
	}
	path, ds := write(t, nil)
	ogr := func(args ...string) string {
		t.Helper()
		out, err := exec.Command("ogrinfo", args...).CombinedOutput()
		require.NoError(t, err, string(out))
		assert.NotContains(t, string(out), "Warning")
		assert.NotContains(t, string(out), "ERROR")
		return string(out)
	}
	for _, l := range []string{"districts", "control", "territory", "frontlines"} {
		out := ogr("-ro", "-q", path, "-sql", "SELECT HasSpatialIndex('"+l+"', 'geom')")
		assert.Contains(t, out, "HasSpatialIndex (Integer) = 1", l)
	}
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer db.Close()
	var ext, rows, feats int
	require.NoError(t, db.QueryRow("SELECT COUNT(*) FROM gpkg_extensions WHERE extension_name = 'gpkg_rtree_index' AND column_name = 'geom'").Scan(&ext))
	assert.Equal(t, 4, ext)
	require.NoError(t, db.QueryRow("SELECT COUNT(*) FROM rtree_districts_geom").Scan(&rows))
	assert.Equal(t, len(ds.Districts), rows)
	// Each entry holds its feature's bounds (to the R*Tree's float32).
	var fid int
	var minx, maxx, miny, maxy float64
	require.NoError(t, db.QueryRow("SELECT d.fid, r.minx, r.maxx, r.miny, r.maxy FROM districts d JOIN rtree_districts_geom r ON r.id = d.fid WHERE d.id = 'north-east'").Scan(&fid, &minx, &maxx, &miny, &maxy))
	i, err := ds.DistrictIndex("north-east")
	require.NoError(t, err)
	b := ds.Districts[i].Geometry.Bound()
	assert.InDeltaSlice(t, []float64{b.Min[0], b.Max[0], b.Min[1], b.Max[1]}, []float64{minx, maxx, miny, maxy}, 1e-5)

	// A bbox filter answers from the index: the western column.
	out := ogr("-ro", "-q", "-spat", "37.100", "36.200", "37.105", "36.220", path, "districts")
	assert.Equal(t, 2, strings.Count(out, "OGRFeature(districts)"), out)
	// GDAL's edits keep the index through the triggers.
	require.NoError(t, db.QueryRow("SELECT COUNT(*) FROM control").Scan(&feats))
	ogr(path, "-sql", "DELETE FROM control WHERE fid = 1")
	require.NoError(t, db.QueryRow("SELECT COUNT(*) FROM rtree_control_geom").Scan(&rows))
	assert.Equal(t, feats-1, rows)
}

// openClipped writes the small dataset's GeoPackage for 19–21 November
// 2016 and opens it.
func openClipped(t *testing.T) (*sql.DB, *geo.Dataset) {
	t.Helper()
	from, _ := geo.ParseDate("2016-11-19")
	to, _ := geo.ParseDate("2016-11-21")
	path, ds := write(t, &geo.Range{First: from, Last: to})
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db, ds
}

func TestWriteDatasetStylesAndPeriods(t *testing.T) {
	db, ds := openClipped(t)

	var appID int
	require.NoError(t, db.QueryRow("PRAGMA application_id").Scan(&appID))
	assert.Equal(t, 0x47504B47, appID, "GPKG")

	rows, err := db.Query("SELECT f_table_name, styleQML, useAsDefault FROM layer_styles ORDER BY id")
	require.NoError(t, err)
	var tables []string
	for rows.Next() {
		var table, qml string
		var def bool
		require.NoError(t, rows.Scan(&table, &qml, &def))
		tables = append(tables, table)
		assert.True(t, def, table)
		assert.True(t, strings.HasPrefix(qml, "<!DOCTYPE qgis"), table)
		if table != "districts" {
			assert.Contains(t, qml, `<temporal enabled="1" mode="4" startField="" endField="" startExpression="to_datetime(&quot;valid_from&quot;)"`, table)
		}
		if table == "control" {
			for _, s := range ds.Sides {
				assert.Contains(t, qml, `value="`+s.ID+`"`)
			}
			assert.Contains(t, qml, `value="214,39,40,179"`, "government's #d62728 at 70 %")
		}
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, []string{"districts", "control", "territory", "frontlines"}, tables)

	// Periods are clipped to the exported range: north-east's state of
	// 2016-11-15 starts on the range's first day, and nothing runs past
	// the day after its last.
	var id, vFrom, vTo string
	var share float64
	q := db.QueryRow("SELECT id, valid_from || '', valid_to || '', share_government FROM control WHERE district = 'north-east' ORDER BY valid_from LIMIT 1")
	require.NoError(t, q.Scan(&id, &vFrom, &vTo, &share))
	assert.Equal(t, []any{"north-east/2016-11-19", "2016-11-19T00:00:00.000Z", "2016-11-20T00:00:00.000Z", 0.0}, []any{id, vFrom, vTo, share})
	var maxTo string
	require.NoError(t, db.QueryRow("SELECT MAX(valid_to) || '' FROM control").Scan(&maxTo))
	assert.Equal(t, "2016-11-22T00:00:00.000Z", maxTo)
	var n int
	require.NoError(t, db.QueryRow("SELECT COUNT(*) FROM control").Scan(&n))
	assert.Equal(t, 6, n, "5 districts, north-east twice")
}

// The GeoPackage holds a QGIS project the way QGIS stores one (the .qgz
// as hexadecimal text in qgis_projects), over its own file, with the
// period layers temporal, ids QGIS keeps (over ten characters) and the
// exported range by days.
func TestWriteDatasetStoresAQGISProject(t *testing.T) {
	db, _ := openClipped(t)
	var name, meta, content string
	require.NoError(t, db.QueryRow("SELECT name, metadata, content FROM qgis_projects").Scan(&name, &meta, &content))
	assert.Equal(t, "small", name)
	assert.Contains(t, meta, `"last_modified_time"`)
	qgz, err := hex.DecodeString(content)
	require.NoError(t, err)
	zr, err := zip.NewReader(bytes.NewReader(qgz), int64(len(qgz)))
	require.NoError(t, err)
	require.Len(t, zr.File, 1)
	assert.Equal(t, "small.qgs", zr.File[0].Name)
	f, err := zr.File[0].Open()
	require.NoError(t, err)
	var doc struct {
		Layers []struct {
			ID         string `xml:"id"`
			DataSource string `xml:"datasource"`
			Temporal   struct {
				Enabled string `xml:"enabled,attr"`
				Start   string `xml:"startField,attr"`
			} `xml:"temporal"`
		} `xml:"projectlayers>maplayer"`
		Tree []struct {
			ID      string `xml:"id,attr"`
			Checked string `xml:"checked,attr"`
		} `xml:"layer-tree-group>layer-tree-layer"`
		Start string `xml:"ProjectTimeSettings>TemporalRange>start"`
		End   string `xml:"ProjectTimeSettings>TemporalRange>end"`
	}
	require.NoError(t, xml.NewDecoder(f).Decode(&doc))
	assert.Equal(t, "2016-11-19T00:00:00Z", doc.Start)
	assert.Equal(t, "2016-11-22T00:00:00Z", doc.End, "the day after the last, as valid_to")
	require.Len(t, doc.Layers, 4)
	require.Len(t, doc.Tree, 4)
	for i, l := range doc.Layers {
		assert.Greater(t, len(l.ID), 10, "QGIS 3.22 replaces ids of ten characters or fewer")
		assert.Equal(t, doc.Tree[i].ID, l.ID, "the layer tree names the layers")
		assert.True(t, strings.HasPrefix(l.DataSource, "./frontline.gpkg|layername="), l.DataSource)
		temporal := !strings.Contains(l.ID, "districts")
		assert.Equal(t, temporal, l.Temporal.Enabled == "1", l.ID)
	}
	assert.Equal(t, "Qt::Unchecked", doc.Tree[3].Checked, "territory starts hidden under the control layer")
}

// The same dataset stamped with the same time is the same bytes (a static
// site exported again for an unchanged dataset keeps its file); another
// time is another file.
func TestWriteDatasetAtIsReproducible(t *testing.T) {
	ds := testkit.Small(t)
	enc, err := encode.New(ds)
	require.NoError(t, err)
	shapes, err := geo.NewShapes(ds)
	require.NoError(t, err)
	at := time.Date(2024, 11, 30, 12, 0, 0, 0, time.UTC)
	write := func(stamp time.Time) []byte {
		path := filepath.Join(t.TempDir(), "frontline.gpkg")
		require.NoError(t, gpkg.WriteDatasetAt(path, encode.NewSource(enc, shapes, nil), ds.Range(), stamp))
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		return b
	}
	a, b := write(at), write(at)
	assert.True(t, bytes.Equal(a, b), "two files stamped %s differ", at)
	assert.False(t, bytes.Equal(a, write(at.Add(time.Second))), "the stamp is in the file")
	assert.True(t, bytes.Contains(a, []byte("2024-11-30T12:00:00.000Z")), "the tables' last_change is the stamp")
}
