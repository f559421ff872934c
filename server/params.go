package server

import (
	"github.com/labstack/echo/v4"

	"github.com/frontline/frontline/geo"
)

// dateParam reads and checks the :date path parameter in one step: it
// must be a date, on or after the dataset's first date.
func (s *Server) dateParam(c echo.Context) (geo.Date, error) {
	return s.checkedDate(c.Param("date"), "date")
}

func (s *Server) checkedDate(v, name string) (geo.Date, error) {
	if v == "" {
		return 0, geo.Errorf(geo.KindInvalid, "parameter %q is required: give a date as YYYY-MM-DD", name)
	}
	d, err := geo.ParseDate(v)
	if err != nil {
		return 0, geo.Errorf(geo.KindInvalid, "parameter %q: %v", name, err)
	}
	if err := s.deps.Dataset.CheckDate(d); err != nil {
		return 0, err
	}
	return d, nil
}

// dateRange reads ?from=&to=, defaulting to the dataset's whole range.
func (s *Server) dateRange(c echo.Context) (geo.Range, error) {
	r := s.deps.Dataset.Range()
	if v := c.QueryParam("from"); v != "" {
		d, err := s.checkedDate(v, "from")
		if err != nil {
			return r, err
		}
		r.First = d
	}
	if v := c.QueryParam("to"); v != "" {
		d, err := s.checkedDate(v, "to")
		if err != nil {
			return r, err
		}
		r.Last = d
	}
	if r.Last < r.First {
		return r, geo.Errorf(geo.KindInvalid, "from %s is after to %s", r.First, r.Last)
	}
	if r.Days() > geo.MaxSeriesDays {
		return r, geo.Errorf(geo.KindInvalid, "%d days asked, at most %d: split the range", r.Days(), geo.MaxSeriesDays)
	}
	return r, nil
}

// cacheable says whether responses for d are kept: dates past the last
// change all show the same state, and keeping each would let clients grow
// the cache without bound.
func (s *Server) cacheable(d geo.Date) bool {
	return d <= s.deps.Dataset.Range().Last+1
}
