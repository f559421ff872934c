package server

import (
	"bytes"

	"github.com/labstack/echo/v4"

	"github.com/frontline/frontline/geo"
)

type changeProps struct {
	ID      string        `json:"id"`
	Name    string        `json:"name"`
	AreaKm2 float64       `json:"area_km2"`
	From    districtState `json:"from"`
	To      districtState `json:"to"`
	// MovedKm2 is the ground that changed hands: the district's area times
	// the shares gained by the sides that gained.
	MovedKm2 float64 `json:"moved_km2"`
}

// changeRange reads ?from=&to= for change queries; both are required.
func (s *Server) changeRange(c echo.Context) (geo.Date, geo.Date, error) {
	from, err := s.checkedDate(c.QueryParam("from"), "from")
	if err != nil {
		return 0, 0, err
	}
	to, err := s.checkedDate(c.QueryParam("to"), "to")
	if err != nil {
		return 0, 0, err
	}
	return from, to, nil
}

// getChanges answers the districts whose state differs between two dates.
func (s *Server) getChanges(c echo.Context) error {
	from, to, err := s.changeRange(c)
	if err != nil {
		return err
	}
	r, err := s.cached("changes/"+s.dayKey(from)+"/"+s.dayKey(to), max(from, to), func() (*response, error) {
		ds := s.deps.Dataset
		changed := ds.Changes(from, to)
		body, err := featureCollection(len(changed), func(k int, buf *bytes.Buffer) error {
			ch := changed[k]
			d := ds.Districts[ch.District]
			return writeFeature(buf, d.ID, s.geomJSON[ch.District], changeProps{
				ID: d.ID, Name: d.Name, AreaKm2: d.AreaKm2,
				From: s.stateOf(ch.District, from), To: s.stateOf(ch.District, to), MovedKm2: ch.MovedKm2,
			})
		})
		if err != nil {
			return nil, err
		}
		return newResponse(ctypeGeoJSON, body), nil
	})
	return s.serveDataset(c, r, err)
}

// getChangesSummary answers km² gained, lost and net per side.
func (s *Server) getChangesSummary(c echo.Context) error {
	from, to, err := s.changeRange(c)
	if err != nil {
		return err
	}
	r, err := s.cached("changes-summary/"+from.String()+"/"+to.String(), max(from, to), func() (*response, error) {
		return jsonResponse(ctypeJSON, s.deps.Dataset.ChangeSummary(from, to))
	})
	return s.serveDataset(c, r, err)
}
