package server

import (
	"github.com/labstack/echo/v4"

	"github.com/frontline/frontline/geo"
)

// districtState is a district's control on one date, as the map needs it.
type districtState struct {
	Controller string             `json:"controller"`
	Shares     map[string]float64 `json:"shares"`
	Since      *geo.Date          `json:"since"`
	Sources    []string           `json:"sources"`
	Note       string             `json:"note,omitempty"`
	// Changed is true when the state began on exactly this date.
	Changed bool `json:"changed"`
}

func (s *Server) stateOf(i int, d geo.Date) districtState {
	ds := s.deps.Dataset
	st := ds.StateOn(i, d)
	out := districtState{Controller: ds.Controller(st), Shares: s.sharesMap(st.Shares()), Sources: []string{}}
	if st.Change != nil {
		since := st.Change.Date
		out.Since = &since
		out.Sources = nonNil(st.Change.Sources)
		out.Note = st.Change.Note
		out.Changed = since == d
	}
	return out
}

type controlBody struct {
	Date      geo.Date                 `json:"date"`
	Districts map[string]districtState `json:"districts"`
}

// getControl answers the state of every district on a date, without
// geometry: the map fetches geometry once and restyles per date.
func (s *Server) getControl(c echo.Context) error {
	d, err := s.dateParam(c)
	if err != nil {
		return err
	}
	r, err := s.cached("control/"+d.String(), d, func() (*response, error) {
		ds := s.deps.Dataset
		body := controlBody{Date: d, Districts: make(map[string]districtState, len(ds.Districts))}
		for i, dist := range ds.Districts {
			body.Districts[dist.ID] = s.stateOf(i, d)
		}
		return jsonResponse(ctypeJSON, body)
	})
	return s.serveDataset(c, r, err)
}
