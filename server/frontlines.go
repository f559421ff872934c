package server

import (
	"io"

	"github.com/labstack/echo/v4"

	"github.com/frontline/frontline/geo/encode"
)

// getFrontlines answers the lines where two sides meet on a date
// (?flat=1: the Flat form).
func (s *Server) getFrontlines(c echo.Context) error {
	d, err := s.dateParam(c)
	if err != nil {
		return err
	}
	form, key, err := formParam(c)
	if err != nil {
		return err
	}
	r, err := s.cached("frontlines/"+d.String()+key, func() (*response, error) {
		res, err := s.geometry.on(d)
		if err != nil {
			return nil, err
		}
		return encoded(ctypeGeoJSON, func(w io.Writer) error {
			return s.enc.Frontlines(w, encode.FrontlinesName(d), res.Frontlines, form)
		})
	})
	return s.serveDataset(c, r, err)
}
