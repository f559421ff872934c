package server

import (
	"io"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/encode"
)

// precompute builds the responses that depend only on the dataset.
func (s *Server) precompute() error {
	var err error
	if s.meta, err = s.metaResponse(); err != nil {
		return err
	}
	if s.assets != nil {
		return nil // shared with the other versions of a Live
	}
	return s.loadAssets()
}

// getDistricts answers every district's geometry, encoded on first request
// (4 MB and 0.1 s for 10,000 districts: not worth delaying the start);
// ?flat=1: the Flat form.
func (s *Server) getDistricts(c echo.Context) error {
	form, key, err := formParam(c)
	if err != nil {
		return err
	}
	r, err := s.cached("districts"+key, func() (*response, error) {
		return encoded(ctypeGeoJSON, func(w io.Writer) error { return s.enc.Districts(w, form) })
	})
	return s.serveDataset(c, r, err)
}

// getDistrictsTopoJSON answers the districts as the map draws them: a
// TopoJSON topology whose shared borders are simplified once (see
// encode.DistrictsTopoJSON), by 1 m, or with ?z= by what a map at that
// zoom can show (encode.ZoomTolerance): a country's faces at zoom 5 are a
// tenth of the bytes. Each band is encoded on first request and cached.
func (s *Server) getDistrictsTopoJSON(c echo.Context) error {
	tol := encode.DisplayTolerance
	if v := c.QueryParam("z"); v != "" {
		z, err := strconv.Atoi(v)
		if err != nil || z < 0 || z > maxZoomParam {
			return geo.Errorf(geo.KindInvalid, "parameter \"z\" is %q: give the map's zoom as a whole number from 0 to %d", clip(v, 40), maxZoomParam)
		}
		tol = encode.ZoomTolerance(z)
	}
	key := "districts.topojson/" + strconv.FormatFloat(tol, 'g', -1, 64)
	r, err := s.cached(key, func() (*response, error) {
		return encoded(ctypeJSON, func(w io.Writer) error { return s.enc.DistrictsTopoJSON(w, tol) })
	})
	return s.serveDataset(c, r, err)
}

// maxZoomParam is the highest ?z= of /api/districts.topojson (web maps
// stop near 22); from encode.MaxZoom on every zoom gets the 1 m layer.
const maxZoomParam = 24

func (s *Server) getDistrict(c echo.Context) error {
	ds := s.deps.Dataset
	id, err := pathValue(c, "id")
	if err != nil {
		return err
	}
	i, err := ds.DistrictIndex(id)
	if err != nil {
		return err
	}
	r, err := s.cached("district/"+ds.Districts[i].ID, func() (*response, error) {
		b, err := s.enc.District(i)
		if err != nil {
			return nil, err
		}
		return newResponse(ctypeJSON, b), nil
	})
	return s.serveDataset(c, r, err)
}
