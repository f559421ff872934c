package server

import (
	"github.com/labstack/echo/v4"

	"github.com/frontline/frontline/geo"
)

type referencesBody struct {
	References []geo.Reference `json:"references"`
}

// getReferences answers the sources behind the control table's citation
// numbers (the dataset's references.csv; an empty list without one).
func (s *Server) getReferences(c echo.Context) error {
	r, err := s.cached("references", func() (*response, error) {
		refs := s.deps.Dataset.References
		if refs == nil {
			refs = []geo.Reference{}
		}
		return jsonResponse(ctypeJSON, referencesBody{References: refs})
	})
	return s.serveDataset(c, r, err)
}
