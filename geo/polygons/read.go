package polygons

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/twpayne/go-geos"
	_ "modernc.org/sqlite" // the GeoPackage reader

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/internal/geosx"
)

// Day is one side's polygons on one date, read from one file.
type Day struct {
	Date     geo.Date
	Polygons orb.MultiPolygon
	// File is the file's path as given; SHA256 its content hash (of the
	// file as stored, before decompression).
	File   string
	SHA256 string
}

// fileDate finds the date in a file name: the first YYYYMMDD or
// YYYY-MM-DD not part of a longer run of digits.
var fileDate = regexp.MustCompile(`(?:^|[^0-9])((?:18|19|20)[0-9]{2})-?([01][0-9])-?([0-3][0-9])(?:[^0-9]|$)`)

// DateOfFile returns the date in a file's name, and false when it has
// none.
func DateOfFile(path string) (geo.Date, bool) {
	m := fileDate.FindStringSubmatch(filepath.Base(path))
	if m == nil {
		return 0, false
	}
	d, err := geo.ParseDate(m[1] + "-" + m[2] + "-" + m[3])
	return d, err == nil
}

// dateProperty is the feature property (or GeoPackage column) that dates
// the polygons of a file that holds many days.
const dateProperty = "date"

// ReadDays reads one input file: GeoJSON (.geojson, .json, either .gz) or
// a GeoPackage (.gpkg). Its polygons are of the date in its name, or, when
// its features have a "date" property (YYYY-MM-DD), of those dates, one
// Day per date. maxBytes bounds the file (and its decompressed content).
// Problems are located (file, feature); an error means nothing of the file
// can be used.
func ReadDays(path string, maxBytes int64) ([]Day, []geo.Problem, error) {
	raw, err := readLimited(path, maxBytes)
	if err != nil {
		return nil, nil, err
	}
	sum := sha256.Sum256(raw)
	hash := hex.EncodeToString(sum[:])
	var feats []geo.PolygonFeature
	var problems []geo.Problem
	lower := strings.ToLower(path)
	switch {
	case strings.HasSuffix(lower, ".gpkg"):
		feats, err = readGeoPackage(path)
		if err != nil {
			return nil, nil, err
		}
	default:
		data := raw
		if strings.HasSuffix(lower, ".gz") {
			if data, err = gunzip(raw, maxBytes); err != nil {
				return nil, nil, fmt.Errorf("%s: %w", path, err)
			}
		}
		feats, problems = geo.ReadPolygonFeatures(data, path)
	}
	for _, p := range problems {
		if p.Severity == geo.SeverityError {
			return nil, problems, fmt.Errorf("%s: %s", path, p.Msg)
		}
	}
	if len(feats) == 0 {
		return nil, problems, fmt.Errorf("%s: no polygons: a day's file must hold the ground the side holds (an empty map is not a day)", path)
	}
	byDate := map[geo.Date]orb.MultiPolygon{}
	dated := 0
	for _, f := range feats {
		v, ok := f.Properties[dateProperty]
		if !ok {
			continue
		}
		dated++
		s, _ := v.(string)
		d, err := geo.ParseDate(strings.TrimSpace(s))
		if err != nil {
			return nil, problems, fmt.Errorf("%s: feature %s: property %q is %v: write the date as YYYY-MM-DD", path, f.Label, dateProperty, v)
		}
		byDate[d] = append(byDate[d], f.Geometry...)
	}
	switch {
	case dated > 0 && dated < len(feats):
		return nil, problems, fmt.Errorf("%s: %d of %d features have a %q property: give every feature its date, or none (the date is then taken from the file name)", path, dated, len(feats), dateProperty)
	case dated == 0:
		d, ok := DateOfFile(path)
		if !ok {
			return nil, problems, fmt.Errorf("%s: no date in the file name (YYYYMMDD or YYYY-MM-DD) and no %q property: rename the file or date its features", path, dateProperty)
		}
		for _, f := range feats {
			byDate[d] = append(byDate[d], f.Geometry...)
		}
	}
	out := make([]Day, 0, len(byDate))
	for d, mp := range byDate {
		out = append(out, Day{Date: d, Polygons: mp, File: path, SHA256: hash})
	}
	slices.SortFunc(out, func(a, b Day) int { return int(a.Date - b.Date) })
	return out, problems, nil
}

func readLimited(path string, maxBytes int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	if st.Size() > maxBytes {
		return nil, fmt.Errorf("%s is %d MB, more than the limit of %d MB: raise --max-file-mb if it is right", path, st.Size()>>20, maxBytes>>20)
	}
	return io.ReadAll(io.LimitReader(f, maxBytes+1))
}

func gunzip(b []byte, maxBytes int64) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("not gzip: %w", err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("decompressing: %w", err)
	}
	if int64(len(out)) > maxBytes {
		return nil, fmt.Errorf("decompresses to more than %d MB: raise --max-file-mb if it is right", maxBytes>>20)
	}
	return out, nil
}

// readGeoPackage reads the polygons of every feature table of a
// GeoPackage in WGS84 (EPSG:4326 or OGC CRS84), with their date column
// when the table has one.
func readGeoPackage(path string) ([]geo.PolygonFeature, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: abs}).EscapedPath()+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT c.table_name, g.column_name, g.geometry_type_name, s.organization, s.organization_coordsys_id
		FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
		JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id WHERE c.data_type = 'features' ORDER BY c.table_name`)
	if err != nil {
		return nil, fmt.Errorf("%s is not a GeoPackage of features (%v): write the day's polygons as GeoPackage or GeoJSON", path, err)
	}
	type table struct{ name, column, kind, org string }
	var tables []table
	for rows.Next() {
		var t table
		var code int64
		if err := rows.Scan(&t.name, &t.column, &t.kind, &t.org, &code); err != nil {
			rows.Close()
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if !(strings.EqualFold(t.org, "EPSG") && code == 4326) && !(strings.EqualFold(t.org, "OGC") && code == 84) {
			rows.Close()
			return nil, fmt.Errorf("%s: table %s is in %s:%d, not WGS84 lon/lat: reproject it (ogr2ogr -t_srs EPSG:4326)", path, t.name, t.org, code)
		}
		tables = append(tables, t)
	}
	rows.Close()
	if len(tables) == 0 {
		return nil, fmt.Errorf("%s has no feature table", path)
	}
	var out []geo.PolygonFeature
	for _, t := range tables {
		fs, err := readTable(db, path, t.name, t.column)
		if err != nil {
			return nil, err
		}
		out = append(out, fs...)
	}
	return out, nil
}

func readTable(db *sql.DB, path, table, column string) ([]geo.PolygonFeature, error) {
	hasDate := false
	cols, err := db.Query(`SELECT name FROM pragma_table_info(?)`, table)
	if err != nil {
		return nil, fmt.Errorf("%s: table %s: %w", path, table, err)
	}
	for cols.Next() {
		var n string
		if cols.Scan(&n) == nil && strings.EqualFold(n, dateProperty) {
			hasDate = true
		}
	}
	cols.Close()
	q := `SELECT ` + quoteIdent(column)
	if hasDate {
		q += `, ` + quoteIdent(dateProperty)
	}
	rows, err := db.Query(q + ` FROM ` + quoteIdent(table))
	if err != nil {
		return nil, fmt.Errorf("%s: table %s: %w", path, table, err)
	}
	defer rows.Close()
	var out []geo.PolygonFeature
	for n := 0; rows.Next(); n++ {
		var blob []byte
		var date any
		dst := []any{&blob}
		if hasDate {
			dst = append(dst, &date)
		}
		if err := rows.Scan(dst...); err != nil {
			return nil, fmt.Errorf("%s: table %s: %w", path, table, err)
		}
		label := fmt.Sprintf("%s #%d", table, n)
		g, err := gpkgGeometry(blob)
		if err != nil {
			return nil, fmt.Errorf("%s: feature %s: %w", path, label, err)
		}
		if g == nil {
			continue
		}
		var mp orb.MultiPolygon
		switch g := g.(type) {
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			mp = g
		default:
			return nil, fmt.Errorf("%s: feature %s: geometry is %s: territory must be Polygon or MultiPolygon", path, label, g.GeoJSONType())
		}
		props := map[string]any{}
		switch v := date.(type) {
		case string:
			props[dateProperty] = v
		case []byte:
			props[dateProperty] = string(v)
		case time.Time:
			props[dateProperty] = v.UTC().Format("2006-01-02")
		case nil:
		default:
			props[dateProperty] = fmt.Sprint(v)
		}
		out = append(out, geo.PolygonFeature{Label: label, Properties: props, Geometry: mp})
	}
	return out, rows.Err()
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// gpkgGeometry decodes a GeoPackage geometry blob (the GP header, then
// WKB); nil for an empty one.
func gpkgGeometry(b []byte) (orb.Geometry, error) {
	if len(b) < 8 || b[0] != 'G' || b[1] != 'P' {
		return nil, errors.New("not a GeoPackage geometry (no GP header)")
	}
	flags := b[3]
	if flags&0x20 != 0 {
		return nil, errors.New("an extended GeoPackage geometry: write standard geometry")
	}
	if flags&0x10 != 0 {
		return nil, nil
	}
	env := [...]int{0, 32, 48, 48, 64}
	kind := int(flags>>1) & 7
	if kind >= len(env) {
		return nil, fmt.Errorf("bad envelope kind %d", kind)
	}
	start := 8 + env[kind]
	if len(b) < start {
		return nil, errors.New("truncated geometry")
	}
	g, err := wkb.Unmarshal(b[start:])
	if err != nil {
		return nil, fmt.Errorf("bad WKB: %w", err)
	}
	return g, nil
}

// ReadRegions reads the regions layer (GeoJSON, .gz allowed): each
// feature's id is its property idProp (a string or a number; features that
// share an id are one region), its name nameProp (default the id), its
// group groupProp (optional). Invalid polygons are repaired (GEOS
// MakeValid) with a warning; overlaps are left for New, which gives them
// to the smaller region. It returns the regions in file order and the
// file's content hash.
func ReadRegions(path, idProp, nameProp, groupProp string, maxBytes int64) ([]Region, string, []geo.Problem, error) {
	raw, err := readLimited(path, maxBytes)
	if err != nil {
		return nil, "", nil, err
	}
	sum := sha256.Sum256(raw)
	data := raw
	if strings.HasSuffix(strings.ToLower(path), ".gz") {
		if data, err = gunzip(raw, maxBytes); err != nil {
			return nil, "", nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	feats, problems := geo.ReadPolygonFeatures(data, path)
	for _, p := range problems {
		if p.Severity == geo.SeverityError {
			return nil, "", problems, fmt.Errorf("%s: feature %s: %s", path, p.Feature, p.Msg)
		}
	}
	text := func(v any) string {
		switch v := v.(type) {
		case string:
			return strings.TrimSpace(v)
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		case nil:
			return ""
		}
		b, _ := json.Marshal(v)
		return string(b)
	}
	ctx := geos.NewContext()
	index := map[string]int{}
	var out []Region
	for _, f := range feats {
		id := text(f.Properties[idProp])
		if id == "" {
			return nil, "", problems, fmt.Errorf("%s: feature %s has no %q property: give every region an id (--region-id names the property)", path, f.Label, idProp)
		}
		g, err := geosx.ToGEOS(ctx, f.Geometry)
		if err != nil {
			return nil, "", problems, fmt.Errorf("%s: feature %s: %w", path, f.Label, err)
		}
		mp := f.Geometry
		if !g.IsValid() {
			reason := g.IsValidReason()
			if mp, err = geosx.PolygonalParts(g.MakeValid()); err != nil || len(mp) == 0 {
				return nil, "", problems, fmt.Errorf("%s: feature %s (%q): invalid geometry (%s) that cannot be repaired", path, f.Label, id, reason)
			}
			problems = append(problems, geo.Problem{File: path, Feature: f.Label, Severity: geo.SeverityWarning,
				Msg: fmt.Sprintf("region %q: invalid geometry (%s) repaired with GEOS MakeValid", id, reason)})
		}
		if k, ok := index[id]; ok {
			out[k].Geometry = append(out[k].Geometry, mp...)
			continue
		}
		name := text(f.Properties[nameProp])
		if name == "" {
			name = id
		}
		index[id] = len(out)
		out = append(out, Region{ID: id, Name: name, Group: text(f.Properties[groupProp]), Geometry: mp})
	}
	if len(out) == 0 {
		return nil, "", problems, fmt.Errorf("%s: no regions", path)
	}
	return out, hex.EncodeToString(sum[:]), problems, nil
}
