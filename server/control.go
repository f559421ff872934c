package server

import (
	"github.com/labstack/echo/v4"
)

// getControl answers the state of every district on a date, without
// geometry: the map fetches geometry once and restyles per date.
func (s *Server) getControl(c echo.Context) error {
	d, err := s.dateParam(c)
	if err != nil {
		return err
	}
	r, err := s.cached("control/"+d.String(), func() (*response, error) {
		return newResponse(ctypeJSON, s.enc.Control(d)), nil
	})
	return s.serveDataset(c, r, err)
}
