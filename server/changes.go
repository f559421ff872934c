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
	from, err := s.checkedDate(c.QueryParam("from"), "from")
	if err != nil {
		return 0, 0, err
	}
	to, err := s.checkedDate(c.QueryParam("to"), "to")
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
	r, err := s.cached("changes/"+from.String()+"/"+to.String()+key, max(from, to), func() (*response, error) {
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
	r, err := s.cached("changes-summary/"+from.String()+"/"+to.String(), max(from, to), func() (*response, error) {
		return jsonResponse(ctypeJSON, s.deps.Dataset.ChangeSummary(from, to))
	})
	return s.serveDataset(c, r, err)
}

// getChangesFile answers the day-to-day changes as CSV at paths GDAL opens
// by URL: /api/changes.csv (the whole range), /api/changes/FROM/TO.csv,
// and the .csvt column types beside each.
func (s *Server) getChangesFile(c echo.Context) error {
	rg, ext, err := s.fileRange(c, "/api/changes")
	if err != nil {
		return err
	}
	if ext == ".csvt" {
		return s.serveDataset(c, newResponse(ctypeText, encode.ChangesCSVT()), nil)
	}
	key := "changes-csv/" + rg.First.String() + "/" + rg.Last.String()
	r, err := s.cached(key, rg.Last, func() (*response, error) {
		return encoded(ctypeCSV, func(w io.Writer) error { return encode.ChangesCSV(w, s.deps.Dataset, rg) })
	})
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="changes-`+rg.First.String()+`-`+rg.Last.String()+`.csv"`)
	return r.serve(c, s.cacheControl())
}

// fileRange reads the range and extension of a CSV path: base.csv[t] for
// the dataset's whole range (narrowed by ?from=&to=), or
// base/FROM/TO.csv[t].
func (s *Server) fileRange(c echo.Context, base string) (geo.Range, string, error) {
	path := c.Request().URL.Path
	ext := ".csv"
	if strings.HasSuffix(path, ".csvt") {
		ext = ".csvt"
	}
	if c.Param("to") == "" {
		rg, err := s.dateRange(c)
		return rg, ext, err
	}
	to, ok := strings.CutSuffix(c.Param("to"), ext)
	if !ok {
		return geo.Range{}, "", geo.Errorf(geo.KindNotFound, "no such resource %s: use %s/FROM/TO.csv or %s/FROM/TO.csvt", path, base, base)
	}
	rg, err := s.deps.Dataset.RangeArg(param("from", c.Param("date")), param("to", to))
	if err != nil {
		return rg, "", err
	}
	return rg, ext, nil
}
