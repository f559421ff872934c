package server

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/frontline/frontline/geo"
)

type statsBody struct {
	geo.Stats
	Baseline *geo.Baseline `json:"baseline,omitempty"`
}

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
	r, err := s.cached(key, max(d, baseDate), func() (*response, error) {
		st, err := s.deps.Dataset.Stats(d)
		if err != nil {
			return nil, err
		}
		body := statsBody{Stats: st}
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

type seriesBody struct {
	From   geo.Date      `json:"from"`
	To     geo.Date      `json:"to"`
	Sides  []string      `json:"sides"`
	Pairs  []string      `json:"pairs"`
	Series []seriesEntry `json:"series"`
}

type seriesEntry struct {
	geo.Stats
	// FrontlinesKm is the length of the front per side pair "a|b".
	FrontlinesKm map[string]float64 `json:"frontlines_km"`
}

// getSeries answers the daily series as JSON, or CSV in km² with
// ?format=csv or Accept: text/csv.
func (s *Server) getSeries(c echo.Context) error {
	rg, err := s.dateRange(c)
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
	key := "series/" + rg.First.String() + "/" + rg.Last.String() + "/" + format
	r, err := s.cached(key, rg.Last, func() (*response, error) {
		stats, err := s.deps.Dataset.Series(rg.First, rg.Last)
		if err != nil {
			return nil, err
		}
		series := make([]seriesEntry, len(stats))
		for i, st := range stats {
			km, err := s.geometry.frontlineKm(st.Date)
			if err != nil {
				return nil, err
			}
			series[i] = seriesEntry{Stats: st, FrontlinesKm: km}
		}
		sides := make([]string, len(s.deps.Dataset.Sides))
		for i, sd := range s.deps.Dataset.Sides {
			sides[i] = sd.ID
		}
		if format == "csv" {
			return newResponse(ctypeCSV, seriesCSV(sides, s.pairs, series)), nil
		}
		return jsonResponse(ctypeJSON, seriesBody{From: rg.First, To: rg.Last, Sides: sides, Pairs: s.pairs, Series: series})
	})
	if err != nil {
		return err
	}
	if format == "csv" {
		c.Response().Header().Set("Content-Disposition", `attachment; filename="stats-`+rg.First.String()+`-`+rg.Last.String()+`.csv"`)
	}
	return r.serve(c, s.cacheControl())
}

// seriesCSV writes date,<side>…,unassigned,total in km², then the
// frontline length in km of each side pair as front:<a>|<b>.
func seriesCSV(sides, pairs []string, series []seriesEntry) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	head := append(append([]string{"date"}, sides...), "unassigned", "total")
	for _, p := range pairs {
		head = append(head, "front:"+p)
	}
	_ = w.Write(head)
	for _, st := range series {
		rec := []string{st.Date.String()}
		for _, sd := range sides {
			rec = append(rec, km2(st.Sides[sd].Km2))
		}
		rec = append(rec, km2(st.UnassignedKm2), km2(st.TotalKm2))
		for _, p := range pairs {
			rec = append(rec, km2(st.FrontlinesKm[p]))
		}
		_ = w.Write(rec)
	}
	w.Flush()
	return buf.Bytes()
}

// km2 keeps 6 decimals: 1 m², finer than any district boundary.
func km2(v float64) string { return strconv.FormatFloat(v, 'f', 6, 64) }
