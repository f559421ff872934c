package server

import (
	"github.com/labstack/echo/v4"
)

// precompute builds the responses that depend only on the dataset.
func (s *Server) precompute() error {
	var err error
	if s.meta, err = s.metaResponse(); err != nil {
		return err
	}
	return s.loadAssets()
}

// getDistricts answers every district's geometry, encoded on first request
// (4 MB and 0.1 s for 10,000 districts: not worth delaying the start).
func (s *Server) getDistricts(c echo.Context) error {
	r, err := s.cached("districts", 0, func() (*response, error) { return encoded(ctypeGeoJSON, s.enc.Districts) })
	return s.serveDataset(c, r, err)
}

func (s *Server) getDistrict(c echo.Context) error {
	ds := s.deps.Dataset
	i, err := ds.DistrictIndex(c.Param("id"))
	if err != nil {
		return err
	}
	r, err := s.cached("district/"+ds.Districts[i].ID, 0, func() (*response, error) {
		b, err := s.enc.District(i)
		if err != nil {
			return nil, err
		}
		return newResponse(ctypeJSON, b), nil
	})
	return s.serveDataset(c, r, err)
}
