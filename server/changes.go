package server

import (
	"io"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/encode"
)

// changeRange reads ?from=&to= for change queries; both are required.
func (s *Server) changeRange(c echo.Context) (geo.Date, geo.Date, error) {
	from, err := s.dateParamOf(c, c.QueryParam("from"), "from")
	if err != nil {
		return 0, 0, err
	}
	to, err := s.dateParamOf(c, c.QueryParam("to"), "to")
	if err != nil {
		return 0, 0, err
	}
	return from, to, nil
}

// getChanges answers the districts whose state differs between two dates
// (?flat=1: the Flat form).
func (s *Server) getChanges(c echo.Context) error {
	from, to, err := s.changeRange(c)
	if err != nil {
		return err
	}
	form, key, err := formParam(c)
	if err != nil {
		return err
	}
	r, err := s.cached("changes/"+from.String()+"/"+to.String()+key, func() (*response, error) {
		return encoded(ctypeGeoJSON, func(w io.Writer) error { return s.enc.Changes(w, from, to, form) })
	})
	return s.serveDataset(c, r, err)
}

// getChangesSummary answers km² gained, lost and net per side, and the
// front length of each pair of sides on both dates.
func (s *Server) getChangesSummary(c echo.Context) error {
	from, to, err := s.changeRange(c)
	if err != nil {
		return err
	}
	r, err := s.cached("changes-summary/"+from.String()+"/"+to.String(), func() (*response, error) {
		shapes, err := s.geometry.prepared()
		if err != nil {
			return nil, err
		}
		sum, err := shapes.ChangeSummary(from, to)
		if err != nil {
			return nil, err
		}
		return jsonResponse(ctypeJSON, sum)
	})
	return s.serveDataset(c, r, err)
}

// getChangesFile answers the day-to-day changes as CSV at paths GDAL opens
// by URL: /api/changes.csv (the whole range), /api/changes_FROM_TO.csv,
// and the .csvt column types beside each.
func (s *Server) getChangesFile(c echo.Context) error {
	f, err := s.csvFile(c, "changes", false)
	if err != nil {
		return err
	}
	if f.ext == ".csvt" {
		return s.serveDataset(c, newResponse(ctypeText, encode.ChangesCSVT()), nil)
	}
	rg := f.rg
	key := "changes-csv/" + rg.First.String() + "/" + rg.Last.String()
	r, err := s.cached(key, func() (*response, error) {
		return encoded(ctypeCSV, func(w io.Writer) error { return encode.ChangesCSV(w, s.deps.Dataset, rg) })
	})
	if err != nil {
		return err
	}
	attachment(c, f.name)
	return r.serve(c, s.cacheControlOf(c))
}

// csvFile is a CSV path read: the range, .csv or .csvt, the long shape,
// the property the districts are grouped by (if any), and the file's name.
type csvFile struct {
	rg   geo.Range
	ext  string
	long bool
	by   string
	// name is BASE[_long]_FROM_TO.csv or BASE_by_PROP_FROM_TO.csv: what
	// GDAL names the layer (the path's base name) and what a download is
	// saved as.
	name string
}

// csvFile reads a CSV path of base (stats or changes): /api/BASE.csv[t]
// for the dataset's whole range (narrowed by ?from=&to=), or
// /api/BASE_FROM_TO.csv[t], whose last element names the layer GDAL opens
// (a path ending in /TO.csv named it after the date). With long, a _long
// after BASE (or ?shape=long) asks for the long shape, and _by_PROP (or
// ?by=PROP) for the long shape per group of districts by the property
// PROP, so that GDAL, which looks for the .csvt beside the path and drops
// the query, finds its column types.
func (s *Server) csvFile(c echo.Context, base string, long bool) (csvFile, error) {
	path := c.Request().URL.Path
	var f csvFile
	var err error
	stem, ok := strings.CutSuffix(path, ".csvt")
	f.ext = ".csvt"
	if !ok {
		stem, ok = strings.CutSuffix(path, ".csv")
		f.ext = ".csv"
	}
	usage := "/api/" + base + "_FROM_TO.csv or /api/" + base + "_FROM_TO.csvt"
	if long {
		usage = "/api/" + base + "_FROM_TO.csv, /api/" + base + "_long_FROM_TO.csv, /api/" + base + "_by_PROP_FROM_TO.csv or their .csvt"
	}
	rest, prefixed := strings.CutPrefix(stem, "/api/"+base)
	if !ok || !prefixed {
		return f, geo.Errorf(geo.KindNotFound, "no such resource %s: use %s", path, usage)
	}
	if long {
		if rest, err = s.byFile(c, rest, &f); err != nil {
			return f, err
		}
	}
	switch {
	case rest == "":
		f.rg, err = s.dateRange(c)
	case strings.HasPrefix(rest, "_"):
		from, to, two := strings.Cut(rest[1:], "_")
		if !two {
			return f, geo.Errorf(geo.KindNotFound, "no such resource %s: use %s", path, usage)
		}
		f.rg, err = s.rangeOf(c, from, to)
	default:
		return f, geo.Errorf(geo.KindNotFound, "no such resource %s: use %s", path, usage)
	}
	if err != nil {
		return f, err
	}
	f.name = csvName(base, f.long, f.rg)
	if f.by != "" {
		f.name = base + "_by_" + fileNamePart(f.by) + "_" + f.rg.First.String() + "_" + f.rg.Last.String() + ".csv"
	}
	return f, nil
}

// byFile reads the shape of a CSV path's rest after its base: _long (or
// ?shape=long) for the long shape, _by_PROP (or ?by=PROP) for the long
// shape per group of districts by PROP, which must be a property of the
// districts. It returns the rest without them: "" or _FROM_TO.
func (s *Server) byFile(c echo.Context, rest string, f *csvFile) (string, error) {
	var err error
	if f.long, err = longShape(c); err != nil {
		return rest, err
	}
	if p, named := strings.CutPrefix(rest, "_by_"); named {
		f.by, rest = p, ""
		// The range comes last, _FROM_TO: dates have no underscore.
		if parts := strings.Split(p, "_"); len(parts) >= 3 && dateShaped(parts[len(parts)-2]) && dateShaped(parts[len(parts)-1]) {
			f.by = strings.Join(parts[:len(parts)-2], "_")
			rest = "_" + parts[len(parts)-2] + "_" + parts[len(parts)-1]
		}
		if f.by == "" {
			return rest, geo.Errorf(geo.KindNotFound, "no such resource %s: name the property after _by_, as in /api/stats_by_PROP.csv", c.Request().URL.Path)
		}
	} else {
		var named bool
		rest, named = strings.CutPrefix(rest, "_long")
		f.long = f.long || named
	}
	by, grouped, err := s.byParam(c)
	switch {
	case err != nil:
		return rest, err
	case grouped && f.by != "" && by != f.by:
		return rest, geo.Errorf(geo.KindInvalid, "the path groups by %q and parameter \"by\" by %q: give the property once", f.by, by)
	case grouped:
		f.by = by
	}
	if f.by == "" {
		return rest, nil
	}
	if c.QueryParam("shape") == "wide" {
		return rest, geo.Errorf(geo.KindInvalid, "by gives the long shape date,group,side,km2,share: leave out shape=wide")
	}
	f.long = true
	return rest, s.deps.Dataset.CheckProperty(f.by)
}

// dateShaped reports whether s looks like YYYY-MM-DD (whether it is a
// date is checked later, with a message that says what is wrong).
func dateShaped(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for i := range len(s) {
		if i != 4 && i != 7 && (s[i] < '0' || s[i] > '9') {
			return false
		}
	}
	return true
}

// fileNamePart keeps the letters, digits, '-' and '.' of s, each other
// byte as '_', and at most 64 bytes: a property's name in a file name.
func fileNamePart(s string) string {
	b := []byte(s)
	if len(b) > 64 {
		b = b[:64]
	}
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			b[i] = '_'
		}
	}
	return string(b)
}

// csvName is the name of a CSV file of base over rg: BASE[_long]_FROM_TO.csv.
func csvName(base string, long bool, rg geo.Range) string {
	if long {
		base += "_long"
	}
	return base + "_" + rg.First.String() + "_" + rg.Last.String() + ".csv"
}

// longShape reads ?shape=wide|long.
func longShape(c echo.Context) (bool, error) {
	switch shape := c.QueryParam("shape"); shape {
	case "", "wide":
		return false, nil
	case "long":
		return true, nil
	default:
		return false, geo.Errorf(geo.KindInvalid, "shape %q: use wide (a column per side) or long (date,side,km2,share)", shape)
	}
}

// attachment names the file a download is saved as. Names hold only
// letters, digits, '-', '_' and '.': safe inside the quotes.
func attachment(c echo.Context, name string) {
	c.Response().Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
}
