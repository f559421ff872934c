package server

import (
	"github.com/labstack/echo/v4"

	"github.com/frontline/frontline/geo"
)

type metaBody struct {
	Title       string     `json:"title"`
	Description string     `json:"description,omitempty"`
	Attribution string     `json:"attribution,omitempty"`
	License     string     `json:"license,omitempty"`
	FirstDate   geo.Date   `json:"first_date"`
	LastDate    geo.Date   `json:"last_date"`
	Sides       []geo.Side `json:"sides"`
	ChangeDates []geo.Date `json:"change_dates"`
	Districts   int        `json:"districts"`
	TotalKm2    float64    `json:"total_km2"`
	Version     string     `json:"version"`
}

func (s *Server) metaResponse() (*response, error) {
	ds := s.deps.Dataset
	r := ds.Range()
	return jsonResponse(ctypeJSON, metaBody{
		Title: ds.Meta.Title, Description: ds.Meta.Description, Attribution: ds.Meta.Attribution, License: ds.Meta.License,
		FirstDate: r.First, LastDate: r.Last, Sides: ds.Sides, ChangeDates: ds.ChangeDates(),
		Districts: len(ds.Districts), TotalKm2: ds.TotalKm2(), Version: ds.Version,
	})
}

func (s *Server) getMeta(c echo.Context) error {
	return s.meta.serve(c, s.cacheControl())
}
