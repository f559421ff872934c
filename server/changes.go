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

// getChangesSummary answers km² gained, lost and net per side.
func (s *Server) getChangesSummary(c echo.Context) error {
	from, to, err := s.changeRange(c)
	if err != nil {
		return err
	}
	r, err := s.cached("changes-summary/"+from.String()+"/"+to.String(), func() (*response, error) {
		return jsonResponse(ctypeJSON, s.deps.Dataset.ChangeSummary(from, to))
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
// and the file's name.
type csvFile struct {
	rg   geo.Range
	ext  string
	long bool
	// name is BASE[_long]_FROM_TO.csv: what GDAL names the layer (the
	// path's base name) and what a download is saved as.
	name string
}

// csvFile reads a CSV path of base (stats or changes): /api/BASE.csv[t]
// for the dataset's whole range (narrowed by ?from=&to=), or
// /api/BASE_FROM_TO.csv[t], whose last element names the layer GDAL opens
// (a path ending in /TO.csv named it after the date). With long, a _long
// after BASE (or ?shape=long) asks for the long shape, so that GDAL, which
// looks for the .csvt beside the path and drops the query, finds its
// column types.
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
		usage = "/api/" + base + "_FROM_TO.csv, /api/" + base + "_long_FROM_TO.csv or their .csvt"
	}
	rest, prefixed := strings.CutPrefix(stem, "/api/"+base)
	if !ok || !prefixed {
		return f, geo.Errorf(geo.KindNotFound, "no such resource %s: use %s", path, usage)
	}
	if long {
		var named bool
		rest, named = strings.CutPrefix(rest, "_long")
		if f.long, err = longShape(c); err != nil {
			return f, err
		}
		f.long = f.long || named
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
	return f, nil
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
