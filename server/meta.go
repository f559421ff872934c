package server

import (
	"github.com/labstack/echo/v4"
)

func (s *Server) metaResponse() (*response, error) {
	return jsonResponse(ctypeJSON, s.enc.Meta())
}

func (s *Server) getMeta(c echo.Context) error {
	return s.meta.serve(c, s.cacheControl())
}
