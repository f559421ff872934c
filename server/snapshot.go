package server

import (
	"bytes"

	"github.com/labstack/echo/v4"
)

type snapshotProps struct {
	ID      string  `json:"id"`
	Name    string  `json:"name"`
	AreaKm2 float64 `json:"area_km2"`
	districtState
}

// getSnapshot answers every district with its geometry and its state on
// a date: the whole map of one day for GIS tools.
func (s *Server) getSnapshot(c echo.Context) error {
	d, err := s.dateParam(c)
	if err != nil {
		return err
	}
	r, err := s.cached("snapshot/"+s.dayKey(d), d, func() (*response, error) {
		ds := s.deps.Dataset
		body, err := featureCollection(len(ds.Districts), func(i int, buf *bytes.Buffer) error {
			dist := ds.Districts[i]
			return writeFeature(buf, dist.ID, s.geomJSON[i], snapshotProps{
				ID: dist.ID, Name: dist.Name, AreaKm2: dist.AreaKm2, districtState: s.stateOf(i, d),
			})
		})
		if err != nil {
			return nil, err
		}
		return newResponse(ctypeGeoJSON, body), nil
	})
	return s.serveDataset(c, r, err)
}
