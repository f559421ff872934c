package server

import (
	"io"

	"github.com/labstack/echo/v4"
)

// getSnapshot answers every district with its geometry and its state on
// a date: the whole map of one day for GIS tools (?flat=1: the Flat form).
func (s *Server) getSnapshot(c echo.Context) error {
	d, err := s.dateParam(c)
	if err != nil {
		return err
	}
	form, key, err := formParam(c)
	if err != nil {
		return err
	}
	r, err := s.cached("snapshot/"+d.String()+key, func() (*response, error) {
		return encoded(ctypeGeoJSON, func(w io.Writer) error { return s.enc.Snapshot(w, d, form) })
	})
	return s.serveDataset(c, r, err)
}
