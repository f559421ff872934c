package server

import (
	"bytes"
	"encoding/json"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb/geojson"

	"github.com/frontline/frontline/geo"
)

// precompute builds the responses that depend only on the dataset.
func (s *Server) precompute() error {
	ds := s.deps.Dataset
	s.geomJSON = make([][]byte, len(ds.Districts))
	for i, d := range ds.Districts {
		b, err := json.Marshal(geojson.NewGeometry(d.Geometry))
		if err != nil {
			return err
		}
		s.geomJSON[i] = b
	}
	var err error
	if s.meta, err = s.metaResponse(); err != nil {
		return err
	}
	if s.districts, err = s.districtsResponse(); err != nil {
		return err
	}
	return s.loadAssets()
}

// featureCollection writes a GeoJSON FeatureCollection whose geometries
// are already marshalled, so per-date responses reuse the bytes.
func featureCollection(n int, feature func(i int, buf *bytes.Buffer) error) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(`{"type":"FeatureCollection","features":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := feature(i, &buf); err != nil {
			return nil, err
		}
	}
	buf.WriteString("]}")
	return buf.Bytes(), nil
}

func writeFeature(buf *bytes.Buffer, id string, geom []byte, props any) error {
	idb, _ := json.Marshal(id)
	pb, err := json.Marshal(props)
	if err != nil {
		return err
	}
	buf.WriteString(`{"type":"Feature","id":`)
	buf.Write(idb)
	buf.WriteString(`,"geometry":`)
	buf.Write(geom)
	buf.WriteString(`,"properties":`)
	buf.Write(pb)
	buf.WriteByte('}')
	return nil
}

func (s *Server) districtsResponse() (*response, error) {
	ds := s.deps.Dataset
	body, err := featureCollection(len(ds.Districts), func(i int, buf *bytes.Buffer) error {
		d := ds.Districts[i]
		props := make(map[string]any, len(d.Properties)+3)
		for k, v := range d.Properties {
			props[k] = v
		}
		props["id"] = d.ID
		props["name"] = d.Name
		props["area_km2"] = d.AreaKm2
		return writeFeature(buf, d.ID, s.geomJSON[i], props)
	})
	if err != nil {
		return nil, err
	}
	return newResponse(ctypeGeoJSON, body), nil
}

func (s *Server) getDistricts(c echo.Context) error {
	return s.districts.serve(c, s.cacheControl())
}

type historyEntry struct {
	Date       geo.Date           `json:"date"`
	Controller string             `json:"controller"`
	Shares     map[string]float64 `json:"shares"`
	Sources    []string           `json:"sources"`
	Note       string             `json:"note,omitempty"`
}

type districtBody struct {
	ID         string         `json:"id"`
	Name       string         `json:"name"`
	Properties map[string]any `json:"properties"`
	AreaKm2    float64        `json:"area_km2"`
	History    []historyEntry `json:"history"`
}

func (s *Server) getDistrict(c echo.Context) error {
	ds := s.deps.Dataset
	i, err := ds.DistrictIndex(c.Param("id"))
	if err != nil {
		return err
	}
	r, err := s.cached("district/"+ds.Districts[i].ID, 0, func() (*response, error) {
		d := ds.Districts[i]
		body := districtBody{ID: d.ID, Name: d.Name, Properties: d.Properties, AreaKm2: d.AreaKm2, History: []historyEntry{}}
		for _, ch := range ds.History(i) {
			body.History = append(body.History, historyEntry{
				Date: ch.Date, Controller: ds.Controller(geo.State{Change: &ch}), Shares: s.sharesMap(ch.Shares),
				Sources: nonNil(ch.Sources), Note: ch.Note,
			})
		}
		return jsonResponse(ctypeJSON, body)
	})
	return s.serveDataset(c, r, err)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
