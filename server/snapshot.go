package server

import (
	"io"

	"github.com/labstack/echo/v4"
)

// getSnapshot answers every district with its geometry and its state on
// a date: the whole map of one day for GIS tools.
func (s *Server) getSnapshot(c echo.Context) error {
	d, err := s.dateParam(c)
	if err != nil {
		return err
	}
	r, err := s.cached("snapshot/"+d.String(), d, func() (*response, error) {
		return encoded(ctypeGeoJSON, func(w io.Writer) error { return s.enc.Snapshot(w, d) })
	})
	return s.serveDataset(c, r, err)
}
