package server

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/labstack/echo/v4"

	"github.com/frontline/frontline/geo/gpkg"
)

// ctypeGeoPackage is the GeoPackage media type registered with IANA.
const ctypeGeoPackage = "application/geopackage+sqlite3"

// getGeoPackage answers the whole dataset as one GeoPackage: the
// frontline.gpkg that `frontline export` writes (districts, control
// periods, territory and frontlines, temporal and styled for QGIS, with a
// QGIS project inside that refers to the file as DATASET.gpkg). It is
// made once, on the first request, through a temporary directory (SQLite
// writes a file and its journal), and then served from the cache.
func (s *Server) getGeoPackage(c echo.Context) error {
	r, err := s.cached("export.gpkg", 0, func() (*response, error) {
		shapes, err := s.geometry.prepared()
		if err != nil {
			return nil, err
		}
		dir, err := os.MkdirTemp("", "frontline-gpkg-")
		if err != nil {
			return nil, fmt.Errorf("GeoPackage: %w", err)
		}
		defer os.RemoveAll(dir)
		// The QGIS project inside names the file it is in: the name the
		// download is saved under.
		path := filepath.Join(dir, s.enc.Meta().Name+".gpkg")
		if err := gpkg.WriteDataset(path, s.enc, shapes, s.deps.Dataset.Range()); err != nil {
			return nil, fmt.Errorf("GeoPackage: %w", err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("GeoPackage: %w", err)
		}
		return newResponse(ctypeGeoPackage, b), nil
	})
	if err != nil {
		return err
	}
	// The label holds only a-z, 0-9 and '-': safe inside the quotes.
	c.Response().Header().Set("Content-Disposition", `attachment; filename="`+s.enc.Meta().Name+`.gpkg"`)
	return r.serve(c, s.cacheControl())
}
