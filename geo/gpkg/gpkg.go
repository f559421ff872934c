// Package gpkg writes OGC GeoPackage files (SQLite, through the pure-Go
// modernc.org/sqlite driver: no cgo beyond what frontline already needs):
// feature tables in WGS84 from the layer schemas of package encode, and
// default QGIS styles in the layer_styles table QGIS reads. Features are
// inserted one by one inside a transaction per layer, so a layer of any
// size costs the memory of one feature (SQLite spills its page cache to
// the file).
package gpkg

import (
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	_ "modernc.org/sqlite" // the database/sql driver "sqlite"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/encode"
)

// srsWGS84 is EPSG:4326, the only SRS frontline writes (lon/lat order in
// the geometry blobs, as GeoPackage wants).
const srsWGS84 = 4326

const wkt4326 = `GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],` +
	`PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],` +
	`AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]`

var schema = []string{
	`PRAGMA application_id = 1196444487`, // "GPKG"
	`PRAGMA user_version = 10300`,        // GeoPackage 1.3
	`CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
		organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT)`,
	`INSERT INTO gpkg_spatial_ref_sys VALUES
		('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
		('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
		('WGS 84 geodetic', 4326, 'EPSG', 4326, '` + wkt4326 + `', 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid')`,
	`CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
		description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
		min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
		CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))`,
	`CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
		srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
		CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), CONSTRAINT uk_gc_table_name UNIQUE (table_name),
		CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
		CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))`,
	// GDAL reads feature counts from here instead of counting rows.
	`CREATE TABLE gpkg_ogr_contents (table_name TEXT NOT NULL PRIMARY KEY, feature_count INTEGER DEFAULT NULL)`,
	// The table QGIS keeps layer styles in; the row with useAsDefault is
	// applied when the layer is opened.
	`CREATE TABLE layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256),
		f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT,
		useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))`,
	// Registered as an attribute table, as QGIS and GDAL do.
	// The extensions in use: each layer's spatial index.
	`CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL,
		scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))`,
}

// rtreeTriggers keep a layer's spatial index current when another program
// edits the table (GeoPackage 1.3, annex F.3, the triggers GDAL writes):
// %[1]s is the table, %[2]s its index. They call ST_* functions that
// GDAL and QGIS provide; frontline itself fills the index directly.
var rtreeTriggers = []string{
	`CREATE TRIGGER "%[2]s_insert" AFTER INSERT ON "%[1]s" WHEN (new."geom" NOT NULL AND NOT ST_IsEmpty(NEW."geom"))
	BEGIN INSERT OR REPLACE INTO "%[2]s" VALUES (NEW."fid", ST_MinX(NEW."geom"), ST_MaxX(NEW."geom"), ST_MinY(NEW."geom"), ST_MaxY(NEW."geom")); END`,
	`CREATE TRIGGER "%[2]s_update1" AFTER UPDATE OF "geom" ON "%[1]s" WHEN OLD."fid" = NEW."fid" AND (NEW."geom" NOTNULL AND NOT ST_IsEmpty(NEW."geom"))
	BEGIN INSERT OR REPLACE INTO "%[2]s" VALUES (NEW."fid", ST_MinX(NEW."geom"), ST_MaxX(NEW."geom"), ST_MinY(NEW."geom"), ST_MaxY(NEW."geom")); END`,
	`CREATE TRIGGER "%[2]s_update2" AFTER UPDATE OF "geom" ON "%[1]s" WHEN OLD."fid" = NEW."fid" AND (NEW."geom" ISNULL OR ST_IsEmpty(NEW."geom"))
	BEGIN DELETE FROM "%[2]s" WHERE id = OLD."fid"; END`,
	`CREATE TRIGGER "%[2]s_update3" AFTER UPDATE ON "%[1]s" WHEN OLD."fid" != NEW."fid" AND (NEW."geom" NOTNULL AND NOT ST_IsEmpty(NEW."geom"))
	BEGIN DELETE FROM "%[2]s" WHERE id = OLD."fid";
	INSERT OR REPLACE INTO "%[2]s" VALUES (NEW."fid", ST_MinX(NEW."geom"), ST_MaxX(NEW."geom"), ST_MinY(NEW."geom"), ST_MaxY(NEW."geom")); END`,
	`CREATE TRIGGER "%[2]s_update4" AFTER UPDATE ON "%[1]s" WHEN OLD."fid" != NEW."fid" AND (NEW."geom" ISNULL OR ST_IsEmpty(NEW."geom"))
	BEGIN DELETE FROM "%[2]s" WHERE id IN (OLD."fid", NEW."fid"); END`,
	`CREATE TRIGGER "%[2]s_delete" AFTER DELETE ON "%[1]s" WHEN old."geom" NOT NULL
	BEGIN DELETE FROM "%[2]s" WHERE id = OLD."fid"; END`,
}

// Writer writes one GeoPackage file in one transaction, so that several
// layers can be filled at once.
type Writer struct {
	db   *sql.DB
	tx   *sql.Tx
	path string
	// stamp is the time written into the file (the tables' last_change,
	// the styles' update_time, the project's last_modified_time).
	stamp time.Time
}

// Create makes a new GeoPackage at path, which must not exist, stamped
// with the time of the call.
func Create(path string) (*Writer, error) { return CreateAt(path, time.Now()) }

// CreateAt is Create with the time the file is stamped with (the tables'
// last change, the styles' and the project's): the same content stamped
// with the same time is the same bytes, so a file written again for an
// unchanged dataset is recognised as unchanged.
func CreateAt(path string, stamp time.Time) (*Writer, error) {
	if _, err := os.Stat(path); err == nil {
		return nil, fmt.Errorf("%s exists: a GeoPackage is written into a new file", path)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return nil, err
	}
	// One connection: SQLite writes serially, and pragmas stick to it.
	db.SetMaxOpenConns(1)
	// The file is renamed into place only when complete (the caller's
	// job), so a crash needs no journal to recover from.
	for _, q := range append([]string{`PRAGMA journal_mode = OFF`, `PRAGMA synchronous = OFF`}, schema...) {
		if _, err := db.Exec(q); err != nil {
			db.Close()
			return nil, fmt.Errorf("creating GeoPackage %s: %w", path, err)
		}
	}
	if _, err := db.Exec(`INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change)
		VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS layer styles', ?)`, stamp.UTC().Format("2006-01-02T15:04:05.000Z")); err != nil {
		db.Close()
		return nil, fmt.Errorf("creating GeoPackage %s: %w", path, err)
	}
	tx, err := db.Begin()
	if err != nil {
		db.Close()
		return nil, err
	}
	return &Writer{db: db, tx: tx, path: path, stamp: stamp.UTC()}, nil
}

// Close commits everything written and closes the file.
func (w *Writer) Close() error {
	return errors.Join(w.tx.Commit(), w.db.Close())
}

// LayerWriter adds the features of one layer.
type LayerWriter struct {
	w     *Writer
	layer encode.Layer
	tx    *sql.Tx
	stmt  *sql.Stmt
	// index inserts a feature's bounds into the layer's spatial index.
	index  *sql.Stmt
	bound  orb.Bound
	n      int
	args   []any
	blob   []byte
	hasID  bool
	closed bool
}

// Layer creates the table of l and its spatial index (an R*Tree, the
// GeoPackage extension gpkg_rtree_index): fid, geom, an id column (the
// feature id) unless l has one, then l's fields. Date-times are DATETIME
// ('YYYY-MM-DDTHH:MM:SS.SSSZ', UTC), reals
// REAL, integers INTEGER, text TEXT.
func (w *Writer) Layer(l encode.Layer) (*LayerWriter, error) {
	lw := &LayerWriter{w: w, layer: l, bound: orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}}
	cols := []string{`fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL`, `geom ` + l.Geometry}
	names := []string{"geom"}
	for _, f := range l.Fields {
		if f.Name == "id" {
			lw.hasID = true
		}
	}
	if !lw.hasID {
		cols = append(cols, `"id" TEXT`)
		names = append(names, "id")
	}
	for _, f := range l.Fields {
		cols = append(cols, quote(f.Name)+" "+sqlType(f.Type))
		names = append(names, f.Name)
	}
	tx := w.tx
	lw.tx = tx
	stmts := []string{
		`CREATE TABLE ` + quote(l.Name) + ` (` + strings.Join(cols, ", ") + `)`,
		`CREATE VIRTUAL TABLE ` + quote(rtreeName(l.Name)) + ` USING rtree(id, minx, maxx, miny, maxy)`,
	}
	for _, q := range stmts {
		if _, err := tx.Exec(q); err != nil {
			return nil, fmt.Errorf("layer %s: %w", l.Name, err)
		}
	}
	var err error
	ph := strings.TrimSuffix(strings.Repeat("?,", len(names)), ",")
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = quote(n)
	}
	lw.stmt, err = tx.Prepare(`INSERT INTO ` + quote(l.Name) + ` (` + strings.Join(quoted, ",") + `) VALUES (` + ph + `)`)
	if err != nil {
		return nil, fmt.Errorf("layer %s: %w", l.Name, err)
	}
	lw.index, err = tx.Prepare(`INSERT INTO ` + quote(rtreeName(l.Name)) + ` VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		lw.stmt.Close()
		return nil, fmt.Errorf("layer %s: %w", l.Name, err)
	}
	return lw, nil
}

// rtreeName is the spatial index of a table's geom column, named as the
// GeoPackage extension wants: rtree_<table>_<column>.
func rtreeName(table string) string { return "rtree_" + table + "_geom" }

// Add inserts one feature: its id, geometry (Polygon, MultiPolygon,
// LineString or MultiLineString, promoted to the layer's multi type) and
// values in the layer's field order, as encode's records give them.
func (lw *LayerWriter) Add(id string, g orb.Geometry, vals []any) error {
	if len(vals) != len(lw.layer.Fields) {
		return fmt.Errorf("layer %s: %d values for %d fields", lw.layer.Name, len(vals), len(lw.layer.Fields))
	}
	g = promote(g)
	blob, err := geometryBlob(lw.blob[:0], g)
	if err != nil {
		return fmt.Errorf("layer %s, feature %s: %w", lw.layer.Name, id, err)
	}
	lw.blob = blob
	if !isEmpty(g) {
		lw.bound = lw.bound.Union(g.Bound())
	}
	lw.args = append(lw.args[:0], blob)
	if !lw.hasID {
		lw.args = append(lw.args, id)
	}
	for k, v := range vals {
		switch v := v.(type) {
		case geo.Date:
			// GeoPackage's DATETIME form, with milliseconds (GDAL warns
			// of any other).
			lw.args = append(lw.args, v.String()+"T00:00:00.000Z")
		case string:
			if v == "" && lw.layer.Fields[k].Type == encode.Text {
				lw.args = append(lw.args, nil)
			} else {
				lw.args = append(lw.args, v)
			}
		default:
			lw.args = append(lw.args, v)
		}
	}
	res, err := lw.stmt.Exec(lw.args...)
	if err != nil {
		return fmt.Errorf("layer %s, feature %s: %w", lw.layer.Name, id, err)
	}
	if !isEmpty(g) {
		fid, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("layer %s, feature %s: %w", lw.layer.Name, id, err)
		}
		b := g.Bound()
		if _, err := lw.index.Exec(fid, b.Min[0], b.Max[0], b.Min[1], b.Max[1]); err != nil {
			return fmt.Errorf("layer %s, feature %s: spatial index: %w", lw.layer.Name, id, err)
		}
	}
	lw.n++
	return nil
}

// Close registers the layer with its extent and its spatial index.
func (lw *LayerWriter) Close() error {
	if lw.closed {
		return nil
	}
	lw.closed = true
	defer lw.stmt.Close()
	defer lw.index.Close()
	l := lw.layer
	var minX, minY, maxX, maxY any
	if lw.n > 0 && !math.IsInf(lw.bound.Min[0], 0) {
		minX, minY, maxX, maxY = lw.bound.Min[0], lw.bound.Min[1], lw.bound.Max[0], lw.bound.Max[1]
	}
	now := lw.w.stamp.Format("2006-01-02T15:04:05.000Z")
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, min_x, min_y, max_x, max_y, srs_id)
			VALUES (?, 'features', ?, ?, ?, ?, ?, ?, ?, ?)`, []any{l.Name, l.Name, l.Description, now, minX, minY, maxX, maxY, srsWGS84}},
		{`INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, ?, 0, 0)`, []any{l.Name, l.Geometry, srsWGS84}},
		{`INSERT INTO gpkg_ogr_contents VALUES (?, ?)`, []any{l.Name, lw.n}},
		{`INSERT INTO gpkg_extensions VALUES (?, 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')`, []any{l.Name}},
	} {
		if _, err := lw.tx.Exec(q.sql, q.args...); err != nil {
			return fmt.Errorf("layer %s: %w", l.Name, err)
		}
	}
	// The index is filled; the triggers keep it so for later edits.
	for _, q := range rtreeTriggers {
		if _, err := lw.tx.Exec(fmt.Sprintf(q, strings.ReplaceAll(l.Name, `"`, `""`), strings.ReplaceAll(rtreeName(l.Name), `"`, `""`))); err != nil {
			return fmt.Errorf("layer %s: spatial index: %w", l.Name, err)
		}
	}
	return nil
}

// Style stores qml as the default QGIS style of table.
func (w *Writer) Style(table, name, description, qml string) error {
	_, err := w.tx.Exec(`INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column,
		styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time) VALUES ('', '', ?, 'geom', ?, ?, '', 1, ?, '', NULL, ?)`,
		table, name, qml, description, w.stamp.Format("2006-01-02T15:04:05.000Z"))
	return err
}

func sqlType(t encode.Type) string {
	switch t {
	case encode.Real64:
		return "REAL"
	case encode.Integer:
		return "INTEGER"
	case encode.DateTime:
		return "DATETIME"
	}
	return "TEXT"
}

func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// promote turns single geometries into their multi type, so a layer has
// one geometry type.
func promote(g orb.Geometry) orb.Geometry {
	switch g := g.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{g}
	case orb.LineString:
		return orb.MultiLineString{g}
	}
	return g
}

func isEmpty(g orb.Geometry) bool {
	switch g := g.(type) {
	case orb.MultiPolygon:
		return len(g) == 0
	case orb.MultiLineString:
		return len(g) == 0
	}
	return g == nil
}

// geometryBlob writes a GeoPackage geometry: the "GP" header with the SRS
// and the envelope, then little-endian WKB.
func geometryBlob(buf []byte, g orb.Geometry) ([]byte, error) {
	if g == nil {
		return nil, errors.New("no geometry")
	}
	empty := isEmpty(g)
	flags := byte(1) // little endian
	if empty {
		flags |= 1 << 4 // empty geometry, no envelope
	} else {
		flags |= 1 << 1 // envelope [minx, maxx, miny, maxy]
	}
	buf = append(buf, 'G', 'P', 0, flags)
	buf = binary.LittleEndian.AppendUint32(buf, srsWGS84)
	if !empty {
		b := g.Bound()
		for _, v := range []float64{b.Min[0], b.Max[0], b.Min[1], b.Max[1]} {
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
		}
	}
	w, err := wkb.Marshal(g, binary.LittleEndian)
	if err != nil {
		return nil, err
	}
	return append(buf, w...), nil
}
