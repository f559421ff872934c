package server

import (
	"io"

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

// getGainsFile answers the gains as CSV at /api/gains.csv
// (period,side,gained_km2,lost_km2,net_km2,partial,from,to) and its column
// types at /api/gains.csvt, which are the same for every period length:
// GDAL, which drops the query when it looks for the .csvt, finds them.
func (s *Server) getGainsFile(c echo.Context) error {
	every, rg, err := s.gainsQuery(c)
	if err != nil {
		return err
	}
	if c.Path() == "/api/gains.csvt" {
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
	return r.serve(c, s.cacheControl())
}
