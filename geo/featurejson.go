package geo

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/paulmach/orb"
)

// rawFeature is a GeoJSON Feature as districts.geojson holds it. The
// geometry's coordinates stay text until readCoordinates parses them, so
// that a position is checked as written: a decoder into [2]float64 reads
// [37.1] as [37.1, 0] and says nothing.
type rawFeature struct {
	ID         any            `json:"id"`
	Properties map[string]any `json:"properties"`
	Geometry   *struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	} `json:"geometry"`
}

// geometryOf returns the feature's geometry: a Polygon or MultiPolygon read
// from its coordinates, nil for a null geometry, and for other types an
// error that names the type.
func (f *rawFeature) geometryOf() (orb.Geometry, error) {
	if f.Geometry == nil {
		return nil, nil
	}
	depth := 0
	switch f.Geometry.Type {
	case "Polygon":
		depth = 3
	case "MultiPolygon":
		depth = 4
	case "":
		return nil, fmt.Errorf("the geometry has no \"type\"")
	default:
		return nil, errNotPolygonal{f.Geometry.Type}
	}
	c := coordReader{data: f.Geometry.Coordinates}
	c.skipSpace()
	if c.pos == len(c.data) || string(c.data[c.pos:]) == "null" {
		return nil, fmt.Errorf("the %s has no \"coordinates\"", f.Geometry.Type)
	}
	if depth == 3 {
		rings, err := c.polygon()
		if err != nil {
			return nil, err
		}
		return rings, nil
	}
	var mp orb.MultiPolygon
	err := c.array("a MultiPolygon's coordinates", func(i int) error {
		p, err := c.polygon()
		if err != nil {
			return fmt.Errorf("polygon %d: %w", i+1, err)
		}
		mp = append(mp, p)
		return nil
	})
	return mp, err
}

// errNotPolygonal is a geometry of another type than Polygon or
// MultiPolygon.
type errNotPolygonal struct{ kind string }

func (e errNotPolygonal) Error() string { return "geometry is " + e.kind }

// coordReader parses the text of GeoJSON coordinates, already checked to be
// valid JSON by encoding/json.
type coordReader struct {
	data []byte
	pos  int
}

func (c *coordReader) skipSpace() {
	for c.pos < len(c.data) {
		switch c.data[c.pos] {
		case ' ', '\t', '\n', '\r':
			c.pos++
		default:
			return
		}
	}
}

// array reads "[e, e, …]", calling elem for each element with its index.
func (c *coordReader) array(what string, elem func(i int) error) error {
	c.skipSpace()
	if c.pos >= len(c.data) || c.data[c.pos] != '[' {
		return fmt.Errorf("%s must be an array", what)
	}
	c.pos++
	c.skipSpace()
	if c.pos < len(c.data) && c.data[c.pos] == ']' {
		c.pos++
		return nil
	}
	for i := 0; ; i++ {
		if err := elem(i); err != nil {
			return err
		}
		c.skipSpace()
		if c.pos >= len(c.data) {
			return fmt.Errorf("%s ends early", what)
		}
		switch c.data[c.pos] {
		case ',':
			c.pos++
		case ']':
			c.pos++
			return nil
		default:
			return fmt.Errorf("%s: unexpected %q", what, c.data[c.pos])
		}
	}
}

// polygon reads an array of rings.
func (c *coordReader) polygon() (orb.Polygon, error) {
	var p orb.Polygon
	err := c.array("a polygon", func(i int) error {
		r, err := c.ring()
		if err != nil {
			return fmt.Errorf("ring %d: %w", i+1, err)
		}
		p = append(p, r)
		return nil
	})
	return p, err
}

// ring reads an array of positions.
func (c *coordReader) ring() (orb.Ring, error) {
	var r orb.Ring
	err := c.array("a ring", func(i int) error {
		start := c.pos
		var p orb.Point
		n := 0
		err := c.array("a position", func(k int) error {
			v, err := c.number()
			if err != nil {
				return err
			}
			if k < 2 {
				p[k] = v
			}
			n++
			return nil
		})
		if err != nil {
			return fmt.Errorf("position %d: %w", i+1, err)
		}
		if n < 2 {
			return fmt.Errorf("position %d, %s, has %d number(s): a position is [longitude, latitude]", i+1, c.data[start:c.pos], n)
		}
		r = append(r, p)
		return nil
	})
	return r, err
}

// number reads a JSON number.
func (c *coordReader) number() (float64, error) {
	c.skipSpace()
	start := c.pos
	for c.pos < len(c.data) {
		switch b := c.data[c.pos]; {
		case b >= '0' && b <= '9', b == '-', b == '+', b == '.', b == 'e', b == 'E':
			c.pos++
			continue
		}
		break
	}
	if start == c.pos {
		end := min(start+12, len(c.data))
		return 0, fmt.Errorf("a coordinate must be a number, not %s", c.data[start:end])
	}
	v, err := strconv.ParseFloat(string(c.data[start:c.pos]), 64)
	if err != nil {
		// Valid JSON numbers fail only by range: 1e400.
		return 0, fmt.Errorf("the coordinate %s is out of range", c.data[start:c.pos])
	}
	return v, nil
}
