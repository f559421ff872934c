package server

import (
	"bytes"
	"encoding/json"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb/geojson"

	"github.com/frontline/frontline/geo"
)

type territoryProps struct {
	Side      string  `json:"side"`
	Name      string  `json:"name"`
	Color     string  `json:"color"`
	AreaKm2   float64 `json:"area_km2"`
	Districts int     `json:"districts"`
}

// labelStyle gives the name and colour of a side or a controller state.
func (s *Server) labelStyle(label string) (name, color string) {
	switch label {
	case geo.Contested:
		return "Contested", "#7f7f7f"
	case geo.Unassigned:
		return "Unassigned", "#d9d9d9"
	}
	i, err := s.deps.Dataset.SideIndex(label)
	if err != nil {
		return label, "#000000"
	}
	sd := s.deps.Dataset.Sides[i]
	return sd.Name, sd.Color
}

// getTerritory answers the dissolved ground of each side on a date.
func (s *Server) getTerritory(c echo.Context) error {
	d, err := s.dateParam(c)
	if err != nil {
		return err
	}
	eff := s.deps.Dataset.EffectiveDate(d)
	r, err := s.cached("territory/"+eff.String(), eff, func() (*response, error) {
		res, err := s.geometry.on(eff)
		if err != nil {
			return nil, err
		}
		body, err := featureCollection(len(res.territories), func(i int, buf *bytes.Buffer) error {
			t := res.territories[i]
			name, color := s.labelStyle(t.Label)
			g, err := json.Marshal(geojson.NewGeometry(t.Geometry))
			if err != nil {
				return err
			}
			return writeFeature(buf, t.Label, g, territoryProps{
				Side: t.Label, Name: name, Color: color, AreaKm2: t.AreaM2 / 1e6, Districts: t.Districts,
			})
		})
		if err != nil {
			return nil, err
		}
		return newResponse(ctypeGeoJSON, body), nil
	})
	return s.serveDataset(c, r, err)
}
