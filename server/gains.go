package server

import (
	"io"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/encode"
)

// gainsQuery reads ?every=month|week|day (default month) and ?from=&to=
// (default the dataset's whole range).
func (s *Server) gainsQuery(c echo.Context) (geo.Every, geo.Range, error) {
	every := geo.EveryMonth
	if c.QueryParams().Has("every") {
		var err error
		if every, err = geo.ParseEvery(`parameter "every"`, c.QueryParam("every")); err != nil {
			return "", geo.Range{}, err
		}
	}
	rg, err := s.dateRange(c)
	return every, rg, err
}

// getGains answers what each side gained, lost and netted in each month,
// week or day (geo.Dataset.Gains).
func (s *Server) getGains(c echo.Context) error {
	every, rg, err := s.gainsQuery(c)
	if err != nil {
		return err
	}
	r, err := s.cached("gains/"+string(every)+"/"+rg.First.String()+"/"+rg.Last.String(), func() (*response, error) {
		g, err := s.deps.Dataset.Gains(rg, every)
		if err != nil {
			return nil, err
		}
		return jsonResponse(ctypeJSON, g)
	})
	return s.serveDataset(c, r, err)
}

// getGainsFile answers the gains as CSV
// (period,side,gained_km2,lost_km2,net_km2,partial,from,to) at
// /api/gains.csv?every=…&from=…&to=… and at paths GDAL opens by URL (its
// CSV driver wants a path ending in .csv): /api/gains_EVERY.csv and
// /api/gains_EVERY_FROM_TO.csv; the .csvt beside each has the column
// types, which are the same for every period length.
func (s *Server) getGainsFile(c echo.Context) error {
	path := c.Request().URL.Path
	stem, ext := path, ".csvt"
	stem, ok := strings.CutSuffix(stem, ext)
	if !ok {
		stem, ext = path, ".csv"
		stem, ok = strings.CutSuffix(stem, ext)
	}
	rest, named := strings.CutPrefix(stem, "/api/gains_")
	if !ok || (!named && stem != "/api/gains") {
		return geo.Errorf(geo.KindNotFound, "no such resource %s: use /api/gains.csv, /api/gains_EVERY.csv, /api/gains_EVERY_FROM_TO.csv or their .csvt", path)
	}
	var every geo.Every
	var rg geo.Range
	var err error
	if named {
		e, dates, ranged := strings.Cut(rest, "_")
		if every, err = geo.ParseEvery("the period in "+path, e); err != nil {
			return err
		}
		if ranged {
			from, to, two := strings.Cut(dates, "_")
			if !two {
				return geo.Errorf(geo.KindNotFound, "no such resource %s: use /api/gains_EVERY_FROM_TO.csv", path)
			}
			if c.QueryParams().Has("from") || c.QueryParams().Has("to") {
				return geo.Errorf(geo.KindInvalid, "the path gives the range: leave out from and to")
			}
			rg, err = s.rangeOf(c, from, to)
		} else {
			rg, err = s.dateRange(c)
		}
	} else {
		every, rg, err = s.gainsQuery(c)
	}
	if err != nil {
		return err
	}
	if ext == ".csvt" {
		return s.serveDataset(c, newResponse(ctypeText, encode.GainsCSVT()), nil)
	}
	r, err := s.cached("gains-csv/"+string(every)+"/"+rg.First.String()+"/"+rg.Last.String(), func() (*response, error) {
		g, err := s.deps.Dataset.Gains(rg, every)
		if err != nil {
			return nil, err
		}
		return encoded(ctypeCSV, func(w io.Writer) error { return encode.GainsCSV(w, s.deps.Dataset, g) })
	})
	if err != nil {
		return err
	}
	attachment(c, "gains_"+string(every)+"_"+rg.First.String()+"_"+rg.Last.String()+".csv")
	return r.serve(c, s.cacheControlOf(c))
}
