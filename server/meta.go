package server

import (
	"path"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/frontline/frontline/geo"
)

type metaBody struct {
	// Name is a file-name-safe label of the dataset, for downloads.
	Name        string     `json:"name"`
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
	// ViewDate and ViewCompare are the first view the dataset names.
	ViewDate    *geo.Date `json:"view_date,omitempty"`
	ViewCompare *geo.Date `json:"view_compare,omitempty"`
	// References counts the entries of /api/references.
	References int `json:"references"`
}

func (s *Server) metaResponse() (*response, error) {
	ds := s.deps.Dataset
	r := ds.Range()
	return jsonResponse(ctypeJSON, metaBody{
		Name: fileLabel(ds.Name), ViewDate: ds.Meta.ViewDate, ViewCompare: ds.Meta.ViewCompare, References: len(ds.References),
		Title: ds.Meta.Title, Description: ds.Meta.Description, Attribution: ds.Meta.Attribution, License: ds.Meta.License,
		FirstDate: r.First, LastDate: r.Last, Sides: ds.Sides, ChangeDates: ds.ChangeDates(),
		Districts: len(ds.Districts), TotalKm2: ds.TotalKm2(), Version: ds.Version,
	})
}

func (s *Server) getMeta(c echo.Context) error {
	return s.meta.serve(c, s.cacheControl())
}

// fileLabel turns a dataset's name ("embedded:aleppo-2016", "/data/my set")
// into a label for file names: lower-case letters, digits and '-'.
func fileLabel(name string) string {
	base := path.Base(strings.TrimPrefix(strings.ReplaceAll(name, "\\", "/"), "embedded:"))
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(base) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.TrimSuffix(b.String(), "-")
	if out == "" {
		return "dataset"
	}
	return out
}
