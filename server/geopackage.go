package server

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/frontline/frontline/geo/gpkg"
)

// ctypeGeoPackage is the GeoPackage media type registered with IANA.
const ctypeGeoPackage = "application/geopackage+sqlite3"

// geoPackage is the dataset's GeoPackage, written once, on the first
// request, into a temporary directory and served from there: it grows with
// the dataset (5 MB for Aleppo, 51 MB for 10,000 districts × 365 days), so
// it stays out of memory and out of the response cache, which would not
// keep a file larger than its budget and would write it again for every
// request. Close removes it.
type geoPackage struct {
	once *once[*gpkgFile]
	mu   sync.Mutex
	dir  string // "" until written; removed by close
}

type gpkgFile struct {
	path, etag string
	written    time.Time
}

func newGeoPackage() *geoPackage { return &geoPackage{once: newOnce[*gpkgFile]()} }

// file writes the GeoPackage the first time it is asked for (a failed
// attempt is retried on the next request).
func (g *geoPackage) file(s *Server) (*gpkgFile, error) {
	return g.once.get("gpkg", func() (*gpkgFile, error) {
		src, err := s.geometry.layers()
		if err != nil {
			return nil, err
		}
		dir, err := os.MkdirTemp("", "frontline-gpkg-")
		if err != nil {
			return nil, fmt.Errorf("GeoPackage: %w", err)
		}
		// The QGIS project inside names the file it is in: the name the
		// download is saved under.
		path := filepath.Join(dir, s.enc.Meta().Name+".gpkg")
		if err := gpkg.WriteDatasetAt(path, src, s.deps.Dataset.Range(), s.stamp); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("GeoPackage: %w", err)
		}
		etag, err := fileETag(path)
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("GeoPackage: %w", err)
		}
		g.mu.Lock()
		g.dir = dir
		g.mu.Unlock()
		return &gpkgFile{path: path, etag: etag, written: time.Now().UTC().Truncate(time.Second)}, nil
	})
}

// close removes the written file, if any.
func (g *geoPackage) close() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.dir == "" {
		return nil
	}
	err := os.RemoveAll(g.dir)
	g.dir = ""
	return err
}

func fileETag(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return `"` + hex.EncodeToString(h.Sum(nil)[:12]) + `"`, nil
}

// getGeoPackage answers the whole dataset as one GeoPackage: the
// frontline.gpkg that `frontline export` writes (districts, control
// periods, territory and frontlines, temporal and styled for QGIS, with a
// QGIS project inside that refers to the file as DATASET.gpkg). Range
// requests, HEAD and If-None-Match are answered by http.ServeContent.
func (s *Server) getGeoPackage(c echo.Context) error {
	f, err := s.gpkg.file(s)
	if err != nil {
		return err
	}
	body, err := os.Open(f.path)
	if err != nil {
		return fmt.Errorf("GeoPackage: %w", err)
	}
	defer body.Close()
	h := c.Response().Header()
	h.Set("Content-Type", ctypeGeoPackage)
	h.Set("ETag", f.etag)
	// It holds every day up to the last: a new version changes it.
	h.Set("Cache-Control", s.latestCtl)
	// The label holds only a-z, 0-9 and '-': safe inside the quotes.
	h.Set("Content-Disposition", `attachment; filename="`+s.enc.Meta().Name+`.gpkg"`)
	http.ServeContent(c.Response(), c.Request(), "", f.written, body)
	return nil
}
