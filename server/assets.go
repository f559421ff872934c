package server

import (
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"
)

// loadAssets reads the front end once, so each file is served from bytes
// with its ETag and gzip form.
func (s *Server) loadAssets() error {
	s.assets = map[string]*response{}
	if s.deps.Assets == nil {
		return nil
	}
	return fs.WalkDir(s.deps.Assets, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(s.deps.Assets, p)
		if err != nil {
			return err
		}
		ctype := mime.TypeByExtension(path.Ext(p))
		if ctype == "" {
			ctype = http.DetectContentType(b)
		}
		s.assets["/"+p] = newResponse(ctype, b)
		return nil
	})
}

func (s *Server) getAsset(c echo.Context) error {
	p := c.Request().URL.Path
	if strings.HasSuffix(p, "/") {
		p += "index.html"
	}
	r, ok := s.assets[p]
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound, "no such page: "+c.Request().URL.Path)
	}
	// no-cache: browsers revalidate with the ETag, so a new build shows at once.
	return r.serve(c, "no-cache")
}
