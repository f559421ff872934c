package server

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/labstack/echo/v4"
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

// cached returns the response for key from the cache, computing it when
// missing: at most once at a time per key, and for no longer than the
// request timeout (then *errBusy, a 503 with Retry-After, while it
// completes in the background).
func (s *Server) cached(key string, compute func() (*response, error)) (*response, error) {
	v, err := s.cache.wait(key, s.cfg.RequestTimeout, func() (sized, error) { return compute() })
	if err != nil {
		return nil, err
	}
	return v.(*response), nil
}

// serveDataset writes a response derived from the dataset alone.
func (s *Server) serveDataset(c echo.Context, r *response, err error) error {
	if err != nil {
		return err
	}
	return r.serve(c, s.cacheControlOf(c))
}

// encoded runs an encoder into memory and wraps its bytes as a response.
func encoded(ctype string, write func(w io.Writer) error) (*response, error) {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return nil, err
	}
	return newResponse(ctype, buf.Bytes()), nil
}
