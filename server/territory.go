package server

import (
	"io"

	"github.com/labstack/echo/v4"

	"github.com/frontline/frontline/geo/encode"
)

// getTerritory answers the dissolved ground of each side on a date.
func (s *Server) getTerritory(c echo.Context) error {
	d, err := s.dateParam(c)
	if err != nil {
		return err
	}
	// Its properties are flat in both forms; ?flat=1 is accepted alike.
	if _, _, err := formParam(c); err != nil {
		return err
	}
	r, err := s.cached("territory/"+d.String(), func() (*response, error) {
		res, err := s.geometry.on(d)
		if err != nil {
			return nil, err
		}
		return encoded(ctypeGeoJSON, func(w io.Writer) error {
			return s.enc.Territory(w, encode.TerritoryName(d), res.Territories)
		})
	})
	return s.serveDataset(c, r, err)
}
