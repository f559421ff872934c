package server

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/encode"
)

// pathValue returns the path parameter name as the client meant it. Echo
// routes on the escaped path when it holds escapes Go would not write (an
// id with a slash comes as %2F) and then gives parameters escaped;
// otherwise on the unescaped path. Unescaping only in the first case
// serves every id, a literal "%41" included.
func pathValue(c echo.Context, name string) (string, error) {
	v := c.Param(name)
	if c.Request().URL.RawPath == "" {
		return v, nil
	}
	u, err := url.PathUnescape(v)
	if err != nil {
		return "", geo.Errorf(geo.KindInvalid, "%s %q is not a valid URL path: %v", name, v, err)
	}
	return u, nil
}

// dateParam reads and checks the :date path parameter in one step: it
// must be a date, on or after the dataset's first date.
func (s *Server) dateParam(c echo.Context) (geo.Date, error) {
	return s.dateParamOf(c, c.Param("date"), "date")
}

// checkedDate reads and checks a date given as the parameter name.
func (s *Server) checkedDate(v, name string) (geo.Date, error) {
	return s.deps.Dataset.DateArg(param(name, v))
}

// dateParamOf is checkedDate for a date an answer is about: a date after
// the dataset's last, whose state the next version may change, marks the
// answer latest (markLatest).
func (s *Server) dateParamOf(c echo.Context, v, name string) (geo.Date, error) {
	d, err := s.checkedDate(v, name)
	if err == nil && d > s.deps.Dataset.Range().Last {
		markLatest(c)
	}
	return d, err
}

// dateRange reads ?from=&to=, defaulting to the dataset's whole range.
func (s *Server) dateRange(c echo.Context) (geo.Range, error) {
	return s.rangeOf(c, c.QueryParam("from"), c.QueryParam("to"))
}

// rangeOf reads the days from and to, as given in the parameters of those
// names (empty: the dataset's first or last date). A range that runs to
// the last date by default, or past it, marks the answer latest: the next
// version changes it.
func (s *Server) rangeOf(c echo.Context, from, to string) (geo.Range, error) {
	rg, err := s.deps.Dataset.RangeArg(param("from", from), param("to", to))
	if err == nil && (to == "" || rg.Last > s.deps.Dataset.Range().Last) {
		markLatest(c)
	}
	return rg, err
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

// knownQuery refuses, with a 400 that names it, a query parameter the
// route does not know (a typo such as ?shape=wide2 is a wrong value, but
// ?shpe=long would be answered as if it were absent) or one given twice
// (which of from=…&from=… counts?). The route table in server.go lists
// each route's parameters.
func knownQuery(known []string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if c.Request().URL.RawQuery == "" {
				return next(c)
			}
			params := c.QueryParams()
			for _, k := range slices.Sorted(maps.Keys(params)) {
				switch {
				case !slices.Contains(known, k) && len(known) == 0:
					return geo.Errorf(geo.KindInvalid, "unknown parameter %q: %s takes no parameters", clip(k, 100), c.Path())
				case !slices.Contains(known, k):
					return geo.Errorf(geo.KindInvalid, "unknown parameter %q: %s takes %s", clip(k, 100), c.Path(), strings.Join(known, ", "))
				case len(params[k]) > 1:
					return geo.Errorf(geo.KindInvalid, "parameter %q is given %d times: give it once", k, len(params[k]))
				}
			}
			return next(c)
		}
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
