package server

import (
	"github.com/labstack/echo/v4"

	"github.com/frontline/frontline/geo/encode"
)

// metaDoc is /api/meta: the dataset's description (with its version, the
// content hash of its files) and when that version went live.
type metaDoc struct {
	encode.Meta
	Updated string `json:"updated"`
}

func (s *Server) metaResponse() (*response, error) {
	return jsonResponse(ctypeJSON, metaDoc{Meta: s.enc.Meta(), Updated: rfc3339(s.updated)})
}

func (s *Server) getMeta(c echo.Context) error {
	return s.meta.serve(c, s.latestCtl)
}
