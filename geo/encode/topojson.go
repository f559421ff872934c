package encode

import (
	"bufio"
	"io"
	"math"
	"strconv"

	"github.com/paulmach/orb"

	"github.com/frontline/frontline/geo/topology"
)

// DisplayTolerance is the simplification, in metres, of the districts
// drawn by the map: a pixel at zoom 17, below what a screen shows of a
// border until the map is zoomed to single buildings.
const DisplayTolerance = 1.0

// MaxZoom is the highest map zoom ZoomTolerance distinguishes: from it on
// the display layer is the DisplayTolerance one.
const MaxZoom = 16

// ZoomTolerance is the simplification, in metres, of the districts drawn at
// web-map zoom z (256 px tiles): 2^(16−z) m, a little under half a pixel at
// the equator (and less of a pixel nearer the poles), never below
// DisplayTolerance. Powers of two make the layers a few fixed bands that a
// server can cache: 2,048 m at zoom 5, where a phone shows a whole country,
// 1 m from zoom 16.
func ZoomTolerance(z int) float64 {
	if z >= MaxZoom {
		return DisplayTolerance
	}
	return max(DisplayTolerance, math.Ldexp(1, MaxZoom-max(z, 0)))
}

// DistrictsTopoJSON writes the districts as a TopoJSON Topology (one
// object, "districts", with the properties of Districts) for drawing: each
// border shared by two districts is one arc, simplified once by tolerance
// metres, and positions are quantized to a grid no coarser than the
// tolerance. It is a fifth of the GeoJSON's bytes; the exact geometry
// stays in Districts and every other layer.
func (e *Encoder) DistrictsTopoJSON(w io.Writer, tolerance float64) error {
	geoms := make([]orb.Geometry, len(e.ds.Districts))
	for i, d := range e.ds.Districts {
		geoms[i] = d.Geometry
	}
	t, err := topology.Build(geoms, topology.Options{Tolerance: tolerance})
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bound := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for _, a := range t.Arcs {
		bound = bound.Union(a.Bound())
	}
	// One grid step is the tolerance in degrees of latitude (less in
	// longitude away from the equator), 1e-7° (1 cm) at the finest.
	step := max(tolerance/(6371008.8*math.Pi/180), 1e-7)
	b := []byte(`{"type":"Topology"`)
	if len(t.Arcs) > 0 {
		b = append(b, `,"bbox":[`...)
		for k, v := range []float64{bound.Min[0], bound.Min[1], bound.Max[0], bound.Max[1]} {
			if k > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendFloat(b, v, 'f', -1, 64)
		}
		b = append(b, `],"transform":{"scale":[`...)
		b = strconv.AppendFloat(b, step, 'g', -1, 64)
		b = append(b, ',')
		b = strconv.AppendFloat(b, step, 'g', -1, 64)
		b = append(b, `],"translate":[`...)
		b = strconv.AppendFloat(b, bound.Min[0], 'f', -1, 64)
		b = append(b, ',')
		b = strconv.AppendFloat(b, bound.Min[1], 'f', -1, 64)
		b = append(b, `]}`...)
	}
	b = append(b, `,"objects":{"districts":{"type":"GeometryCollection","geometries":[`...)
	for i, d := range e.ds.Districts {
		if i > 0 {
			b = append(b, ',')
		}
		polys := t.Shapes[i]
		switch {
		case len(polys) == 0:
			b = append(b, `{"type":null`...)
		case len(polys) == 1:
			b = append(b, `{"type":"Polygon","arcs":`...)
			b = appendRefs(b, polys[0])
		default:
			b = append(b, `{"type":"MultiPolygon","arcs":[`...)
			for k, p := range polys {
				if k > 0 {
					b = append(b, ',')
				}
				b = appendRefs(b, p)
			}
			b = append(b, ']')
		}
		b = append(b, `,"id":`...)
		b = appendString(b, d.ID)
		props, err := e.DistrictProperties(i)
		if err != nil {
			return err
		}
		b = append(b, `,"properties":`...)
		b = append(b, props...)
		b = append(b, '}')
		if len(b) > 32<<10 {
			if _, err := bw.Write(b); err != nil {
				return err
			}
			b = b[:0]
		}
	}
	b = append(b, `]}},"arcs":[`...)
	for k, a := range t.Arcs {
		if k > 0 {
			b = append(b, ',')
		}
		b = appendArc(b, a, bound.Min, step)
		if len(b) > 32<<10 {
			if _, err := bw.Write(b); err != nil {
				return err
			}
			b = b[:0]
		}
	}
	b = append(b, "]}\n"...)
	if _, err := bw.Write(b); err != nil {
		return err
	}
	return bw.Flush()
}

// appendRefs writes a polygon's rings of arc references.
func appendRefs(b []byte, rings [][]int) []byte {
	b = append(b, '[')
	for k, r := range rings {
		if k > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		for j, ref := range r {
			if j > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, int64(ref), 10)
		}
		b = append(b, ']')
	}
	return append(b, ']')
}

// appendArc writes an arc quantized and delta-encoded (TopoJSON §2.1.3):
// the first position relative to the origin, each next one relative to
// the one before. Positions that fall on the same grid point as the one
// before are dropped; an arc keeps at least two.
func appendArc(b []byte, a orb.LineString, origin orb.Point, step float64) []byte {
	b = append(b, '[')
	var px, py int64
	n := 0
	for k, p := range a {
		x := int64(math.Round((p[0] - origin[0]) / step))
		y := int64(math.Round((p[1] - origin[1]) / step))
		last := k == len(a)-1
		if n > 0 && x == px && y == py && !(last && n == 1) {
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = strconv.AppendInt(b, x-px, 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, y-py, 10)
		b = append(b, ']')
		px, py = x, y
		n++
	}
	return append(b, ']')
}
