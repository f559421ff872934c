package server

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/labstack/echo/v4"

	"github.com/frontline/frontline/geo"
)

const (
	ctypeJSON    = "application/json"
	ctypeGeoJSON = "application/geo+json"
	ctypeCSV     = "text/csv; charset=utf-8"
	ctypeText    = "text/plain; charset=utf-8"
)

func jsonResponse(ctype string, v any) (*response, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return newResponse(ctype, b), nil
}

// cached computes the response for key once per dataset, for dates the
// cache may hold; others are computed per request.
func (s *Server) cached(key string, d geo.Date, compute func() (*response, error)) (*response, error) {
	if !s.cacheable(d) {
		return compute()
	}
	return s.cache.get(key, compute)
}

// serveDataset writes a response derived from the dataset alone.
func (s *Server) serveDataset(c echo.Context, r *response, err error) error {
	if err != nil {
		return err
	}
	return r.serve(c, s.cacheControl())
}

func (s *Server) cacheControl() string {
	return "public, max-age=" + itoa(int(s.cfg.MaxAge.Seconds()))
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// encoded runs an encoder into memory and wraps its bytes as a response.
func encoded(ctype string, write func(w io.Writer) error) (*response, error) {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return nil, err
	}
	return newResponse(ctype, buf.Bytes()), nil
}
