package server

import (
	"io"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/encode"
)

// getStats answers km² and share per side on a date, and with
// ?baseline=DATE&of=SIDE who now holds the ground SIDE held then.
func (s *Server) getStats(c echo.Context) error {
	d, err := s.dateParam(c)
	if err != nil {
		return err
	}
	base, of := c.QueryParam("baseline"), c.QueryParam("of")
	if (base == "") != (of == "") {
		return geo.Errorf(geo.KindInvalid, "baseline and of go together: ?baseline=2016-11-15&of=opposition")
	}
	var baseDate geo.Date
	if base != "" {
		if baseDate, err = s.checkedDate(base, "baseline"); err != nil {
			return err
		}
		if _, err := s.deps.Dataset.SideIndex(of); err != nil {
			return geo.Errorf(geo.KindInvalid, "parameter \"of\": %v", err)
		}
	}
	key := "stats/" + d.String() + "/" + base + "/" + of
	r, err := s.cached(key, func() (*response, error) {
		days, _, err := s.geometry.series(geo.Range{First: d, Last: d})
		if err != nil {
			return nil, err
		}
		body := encode.Stats{SeriesDay: days[0]}
		if base != "" {
			b, err := s.deps.Dataset.Baseline(d, baseDate, of)
			if err != nil {
				return nil, err
			}
			body.Baseline = &b
		}
		return jsonResponse(ctypeJSON, body)
	})
	return s.serveDataset(c, r, err)
}

// getSeries answers the daily series as JSON, or CSV in km² with
// ?format=csv or Accept: text/csv (?shape=long for date,side,km2,share).
func (s *Server) getSeries(c echo.Context) error {
	rg, err := s.dateRange(c)
	if err != nil {
		return err
	}
	// The shape is checked for JSON too: ?shape=wide2 is a mistake either way.
	long, err := longShape(c)
	if err != nil {
		return err
	}
	format := c.QueryParam("format")
	switch {
	case format == "" && strings.Contains(c.Request().Header.Get("Accept"), "text/csv"):
		format = "csv"
	case format == "":
		format = "json"
	case format != "json" && format != "csv":
		return geo.Errorf(geo.KindInvalid, "format %q: use json or csv", format)
	}
	c.Response().Header().Add("Vary", "Accept")
	if format == "csv" {
		return s.serveSeriesCSV(c, csvFile{rg: rg, ext: ".csv", long: long, name: csvName("stats", long, rg)})
	}
	r, err := s.cached("series/"+rg.First.String()+"/"+rg.Last.String()+"/json", func() (*response, error) {
		days, pairs, err := s.geometry.series(rg)
		if err != nil {
			return nil, err
		}
		return jsonResponse(ctypeJSON, encode.NewSeries(s.deps.Dataset, rg, pairs, days))
	})
	return s.serveDataset(c, r, err)
}

// getSeriesFile answers the series as CSV at paths GDAL opens by URL:
// /api/stats.csv (the whole range), /api/stats_FROM_TO.csv, the long shape
// at /api/stats_long.csv and /api/stats_long_FROM_TO.csv, and the .csvt
// column types beside each.
func (s *Server) getSeriesFile(c echo.Context) error {
	f, err := s.csvFile(c, "stats", true)
	if err != nil {
		return err
	}
	return s.serveSeriesCSV(c, f)
}

func (s *Server) serveSeriesCSV(c echo.Context, f csvFile) error {
	ds, rg := s.deps.Dataset, f.rg
	if f.ext == ".csvt" {
		if f.long {
			return s.serveDataset(c, newResponse(ctypeText, encode.SeriesLongCSVT()), nil)
		}
		_, pairs, err := s.geometry.series(geo.Range{First: rg.First, Last: rg.First})
		if err != nil {
			return err
		}
		return s.serveDataset(c, newResponse(ctypeText, encode.SeriesCSVT(ds, pairs)), nil)
	}
	key := "series/" + rg.First.String() + "/" + rg.Last.String() + "/csv/" + strconv.FormatBool(f.long)
	r, err := s.cached(key, func() (*response, error) {
		days, pairs, err := s.geometry.series(rg)
		if err != nil {
			return nil, err
		}
		return encoded(ctypeCSV, func(w io.Writer) error {
			if f.long {
				return encode.SeriesLongCSV(w, ds, days)
			}
			return encode.SeriesCSV(w, ds, pairs, days)
		})
	})
	if err != nil {
		return err
	}
	attachment(c, f.name)
	return r.serve(c, s.cacheControlOf(c))
}
