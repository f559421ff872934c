package server

import (
	"fmt"
	"net/url"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/encode"
)

// dateParam reads and checks the :date path parameter in one step: it
// must be a date, on or after the dataset's first date.
func (s *Server) dateParam(c echo.Context) (geo.Date, error) {
	return s.checkedDate(c.Param("date"), "date")
}

// checkedDate reads and checks a date given as the parameter name.
func (s *Server) checkedDate(v, name string) (geo.Date, error) {
	return s.deps.Dataset.DateArg(param(name, v))
}

// dateRange reads ?from=&to=, defaulting to the dataset's whole range.
func (s *Server) dateRange(c echo.Context) (geo.Range, error) {
	return s.deps.Dataset.RangeArg(param("from", c.QueryParam("from")), param("to", c.QueryParam("to")))
}

// formParam reads ?flat=1, which asks a GeoJSON layer for the Flat form
// (encode.Flat: no list or object properties, for FlatGeobuf, Shapefile
// and the other OGR drivers without list fields); absent or 0 is the
// Nested form. It returns the form and the suffix of its cache key.
func formParam(c echo.Context) (encode.Form, string, error) {
	switch v := c.QueryParam("flat"); v {
	case "", "0", "false":
		return encode.Nested, "", nil
	case "1", "true":
		return encode.Flat, "/flat", nil
	default:
		return 0, "", geo.Errorf(geo.KindInvalid, "parameter \"flat\" is %q: use flat=1 for properties without lists or objects, or leave it out", v)
	}
}

// param names a query or path parameter in errors as the client knows it.
func param(name, v string) geo.Arg { return geo.Arg{Name: fmt.Sprintf("parameter %q", name), Value: v} }

// strictQuery refuses a malformed query string, such as ?from=% or a stray
// ';', with a 400: Echo's parser drops the broken pair silently, and the
// request would be answered as if the parameter were absent.
func strictQuery(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if q := c.Request().URL.RawQuery; q != "" {
			if _, err := url.ParseQuery(q); err != nil {
				return geo.Errorf(geo.KindInvalid, "malformed query string (%v): write %% as %%25 and separate parameters with &", err)
			}
		}
		return next(c)
	}
}

// clip cuts s to at most n bytes (on a rune boundary), marking the cut:
// errors quote what the client sent, and must not echo it back whole.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + fmt.Sprintf("… (%d bytes cut)", len(s)-cut)
}
