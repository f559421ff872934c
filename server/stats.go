package server

import (
	"io"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/encode"
)

// getStats answers km² and share per side on a date, with
// ?baseline=DATE&of=SIDE who now holds the ground SIDE held then, and
// with ?by=PROP the same per group of districts (geo.RegionStats).
func (s *Server) getStats(c echo.Context) error {
	d, err := s.dateParam(c)
	if err != nil {
		return err
	}
	base, of := c.QueryParam("baseline"), c.QueryParam("of")
	by, grouped, err := s.byParam(c)
	if err != nil {
		return err
	}
	if grouped {
		if base != "" || of != "" {
			return geo.Errorf(geo.KindInvalid, "by does not go with baseline and of: ask for the groups and the baseline separately")
		}
		r, err := s.cached("stats-by/"+d.String()+"/"+by, func() (*response, error) {
			regions, err := s.regions(by)
			if err != nil {
				return nil, err
			}
			st, err := regions.On(d)
			if err != nil {
				return nil, err
			}
			return jsonResponse(ctypeJSON, st)
		})
		return s.serveDataset(c, r, err)
	}
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
	if f.by != "" {
		return s.serveRegionsCSV(c, f)
	}
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

// serveRegionsCSV answers the km² per side of each group of districts by
// the property f.by on every day of f.rg, in the long shape
// date,group,side,km2,share (encode.RegionsCSV), or its column types.
func (s *Server) serveRegionsCSV(c echo.Context, f csvFile) error {
	regions, err := s.regions(f.by)
	if err != nil {
		return err
	}
	if err := regions.CheckRange(f.rg, `parameter "from"`, `parameter "to"`); err != nil {
		return err
	}
	if f.ext == ".csvt" {
		return s.serveDataset(c, newResponse(ctypeText, encode.RegionsCSVT()), nil)
	}
	key := "stats-by-csv/" + f.rg.First.String() + "/" + f.rg.Last.String() + "/" + f.by
	r, err := s.cached(key, func() (*response, error) {
		return encoded(ctypeCSV, func(w io.Writer) error { return encode.RegionsCSV(w, s.deps.Dataset, regions, f.rg) })
	})
	if err != nil {
		return err
	}
	attachment(c, f.name)
	return r.serve(c, s.cacheControlOf(c))
}

// byParam reads ?by=PROP, the district property to group by, checked
// against the dataset's properties; grouped is false without it.
func (s *Server) byParam(c echo.Context) (by string, grouped bool, err error) {
	if !c.QueryParams().Has("by") {
		return "", false, nil
	}
	by = c.QueryParam("by")
	return by, true, s.deps.Dataset.CheckProperty(by)
}

// regionsEntry is a cached geo.Regions.
type regionsEntry struct{ *geo.Regions }

func (r regionsEntry) size() int64 { return r.Size() }

// regions returns the districts grouped by the property by, their areas
// precomputed once and kept in the cache (against its budget) while used.
func (s *Server) regions(by string) (*geo.Regions, error) {
	if err := s.deps.Dataset.CheckProperty(by); err != nil {
		return nil, err
	}
	v, err := s.cache.get("regions/"+by, func() (sized, error) {
		r, err := geo.NewRegions(s.deps.Dataset, by)
		if err != nil {
			return nil, err
		}
		return regionsEntry{r}, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(regionsEntry).Regions, nil
}
