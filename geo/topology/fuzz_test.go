package topology

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// FuzzBuild builds the topology of polygons read from arbitrary bytes
// (rings of small integer coordinates, so that vertices are shared often)
// (a ring that turns back on itself, a coordinate that is not finite
// included) and checks what the map relies on: Build does not fail or
// panic, every ring decodes to a closed ring whose arcs join end to start,
// and every arc has two points or more.
func FuzzBuild(f *testing.F) {
	f.Add([]byte{4, 0, 0, 1, 0, 1, 1, 0, 1, 4, 1, 0, 2, 0, 2, 1, 1, 1}, uint8(1))
	f.Add([]byte{3, 0, 0, 0, 0, 0, 0, 5, 0, 0, 4, 0, 4, 4, 0, 4, 3, 1, 1, 3, 1, 1, 3}, uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, tol uint8) {
		var geoms []orb.Geometry
		for len(data) > 0 && len(geoms) < 64 {
			n := int(data[0]%16) + 1
			data = data[1:]
			var r orb.Ring
			for k := 0; k < n && len(data) >= 2; k++ {
				r = append(r, orb.Point{float64(int8(data[0])) * 1e-4, float64(int8(data[1])) * 1e-4})
				data = data[2:]
			}
			if len(r) > 0 {
				r = append(r, r[0])
			}
			if len(geoms) > 0 && len(data) > 0 && data[0]%3 == 0 {
				// a hole, or a second polygon, of the shape before
				switch g := geoms[len(geoms)-1].(type) {
				case orb.Polygon:
					geoms[len(geoms)-1] = append(g, r)
				}
				continue
			}
			geoms = append(geoms, orb.Polygon{r})
		}
		if len(data) >= 8 {
			// one coordinate out of the grid, possibly not finite
			v := math.Float64frombits(binary.LittleEndian.Uint64(data))
			geoms = append(geoms, orb.Polygon{{{v, 0}, {1, 0}, {1, 1}, {v, 0}}})
		}
		top, err := Build(geoms, Options{Tolerance: float64(tol)})
		if err != nil {
			t.Fatal(err)
		}
		if len(top.Shapes) != len(geoms) {
			t.Fatalf("%d shapes for %d geometries", len(top.Shapes), len(geoms))
		}
		for i := range top.Shapes {
			decode(t, top, i)
		}
		for i, a := range top.Arcs {
			if len(a) < 2 {
				t.Fatalf("arc %d has %d points", i, len(a))
			}
		}
	})
}
