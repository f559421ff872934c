package server

import (
	"bytes"
	"encoding/json"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb/geojson"
)

type frontlineProps struct {
	Sides    [2]string `json:"sides"`
	Name     string    `json:"name"`
	LengthKm float64   `json:"length_km"`
}

// getFrontlines answers the lines where two sides meet on a date.
func (s *Server) getFrontlines(c echo.Context) error {
	d, err := s.dateParam(c)
	if err != nil {
		return err
	}
	eff := s.deps.Dataset.EffectiveDate(d)
	r, err := s.cached("frontlines/"+eff.String(), eff, func() (*response, error) {
		res, err := s.geometry.on(eff)
		if err != nil {
			return nil, err
		}
		body, err := featureCollection(len(res.frontlines), func(i int, buf *bytes.Buffer) error {
			f := res.frontlines[i]
			a, _ := s.labelStyle(f.Sides[0])
			b, _ := s.labelStyle(f.Sides[1])
			g, err := json.Marshal(geojson.NewGeometry(f.Geometry))
			if err != nil {
				return err
			}
			return writeFeature(buf, pairKey(f.Sides[0], f.Sides[1]), g, frontlineProps{
				Sides: f.Sides, Name: a + " – " + b, LengthKm: f.LengthM / 1000,
			})
		})
		if err != nil {
			return nil, err
		}
		return newResponse(ctypeGeoJSON, body), nil
	})
	return s.serveDataset(c, r, err)
}
