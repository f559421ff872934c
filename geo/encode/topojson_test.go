package encode_test

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/data"
	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/encode"
)

// topoJSON is the part of a TopoJSON document the map reads.
type topoJSON struct {
	Type      string
	BBox      []float64
	Transform struct{ Scale, Translate [2]float64 }
	Objects   map[string]struct {
		Type       string
		Geometries []struct {
			Type       *string
			ID         string
			Properties json.RawMessage
			Arcs       json.RawMessage
		}
	}
	Arcs [][][2]int64
}

// decodeTopoJSON rebuilds each geometry of object name as a MultiPolygon,
// the way a TopoJSON client does, and counts how often each arc is used.
func decodeTopoJSON(t *testing.T, b []byte, name string) (map[string]orb.MultiPolygon, map[string]json.RawMessage, []int) {
	t.Helper()
	var top topoJSON
	require.NoError(t, json.Unmarshal(b, &top))
	require.Equal(t, "Topology", top.Type)
	arcs := make([]orb.LineString, len(top.Arcs))
	for i, a := range top.Arcs {
		require.GreaterOrEqual(t, len(a), 2, "arc %d", i)
		var x, y int64
		for _, d := range a {
			x, y = x+d[0], y+d[1]
			arcs[i] = append(arcs[i], orb.Point{float64(x)*top.Transform.Scale[0] + top.Transform.Translate[0],
				float64(y)*top.Transform.Scale[1] + top.Transform.Translate[1]})
		}
	}
	uses := make([]int, len(arcs))
	ring := func(refs []int) orb.Ring {
		var r orb.Ring
		for k, ref := range refs {
			i := ref
			if ref < 0 {
				i = ^ref
			}
			uses[i]++
			pts := append(orb.LineString(nil), arcs[i]...)
			if ref < 0 {
				pts.Reverse()
			}
			if k > 0 {
				require.Equal(t, r[len(r)-1], pts[0], "arc %d does not start where the ring is", ref)
				pts = pts[1:]
			}
			r = append(r, pts...)
		}
		require.Equal(t, r[0], r[len(r)-1], "ring not closed")
		return r
	}
	shapes := map[string]orb.MultiPolygon{}
	props := map[string]json.RawMessage{}
	for _, g := range top.Objects[name].Geometries {
		require.NotNil(t, g.Type, g.ID)
		var polys [][][]int
		if *g.Type == "Polygon" {
			var p [][]int
			require.NoError(t, json.Unmarshal(g.Arcs, &p))
			polys = [][][]int{p}
		} else {
			require.Equal(t, "MultiPolygon", *g.Type)
			require.NoError(t, json.Unmarshal(g.Arcs, &polys))
		}
		var mp orb.MultiPolygon
		for _, p := range polys {
			var poly orb.Polygon
			for _, refs := range p {
				poly = append(poly, ring(refs))
			}
			mp = append(mp, poly)
		}
		shapes[g.ID] = mp
		props[g.ID] = g.Properties
	}
	return shapes, props, uses
}

// The map's districts carry the same properties as /api/districts, share
// every border (each arc is used by one or two rings), and stay within
// 1.5 × the tolerance of the exact geometry (the tolerance, plus half a grid
// step each way); yet they are a fraction of the bytes, and fewer the
// coarser the zoom band.
func TestDistrictsTopoJSONAleppo(t *testing.T) {
	ds, err := geo.LoadDir(data.Default(), data.DefaultName)
	require.NoError(t, err)
	enc, err := encode.New(ds)
	require.NoError(t, err)
	var exact bytes.Buffer
	require.NoError(t, enc.Districts(&exact, encode.Nested))
	last := exact.Len() / 4
	for _, tol := range []float64{encode.DisplayTolerance, encode.ZoomTolerance(13), encode.ZoomTolerance(10)} {
		var topo bytes.Buffer
		require.NoError(t, enc.DistrictsTopoJSON(&topo, tol))
		assert.Less(t, topo.Len(), last, "tolerance %g m: TopoJSON %d bytes, GeoJSON %d", tol, topo.Len(), exact.Len())
		last = topo.Len()

		shapes, props, uses := decodeTopoJSON(t, topo.Bytes(), "districts")
		require.Len(t, shapes, len(ds.Districts))
		for i, n := range uses {
			assert.True(t, n == 1 || n == 2, "tolerance %g m: arc %d is used %d times", tol, i, n)
		}
		limit := 1.5 * tol
		var sumExact, sumDrawn, sumEdge float64
		for i, d := range ds.Districts {
			want, err := enc.DistrictProperties(i)
			require.NoError(t, err)
			assert.JSONEq(t, string(want), string(props[d.ID]), d.ID)
			got := shapes[d.ID]
			exactRings := rings(d.Geometry)
			gotRings := rings(got)
			require.Len(t, gotRings, len(exactRings), d.ID)
			for _, p := range pointsOf(exactRings) {
				require.LessOrEqual(t, nearest(p, gotRings), limit, "tolerance %g m: %s: exact vertex %v is off the drawn border", tol, d.ID, p)
			}
			for _, p := range pointsOf(gotRings) {
				require.LessOrEqual(t, nearest(p, exactRings), limit, "tolerance %g m: %s: drawn vertex %v is off the exact border", tol, d.ID, p)
			}
			sumExact += planar.Area(d.Geometry)
			sumDrawn += planar.Area(got)
			sumEdge += planar.Length(d.Geometry)
		}
		// Shared borders move together: what one district gains its neighbour
		// loses, so only the outer edge can change the total (1 m of it, or
		// the width the tolerance allows along the whole edge at most).
		bound := max(1e-5, limit/111320*sumEdge/sumExact)
		assert.InDelta(t, 1, sumDrawn/sumExact, bound, "tolerance %g m: drawn districts cover %g deg², exact %g", tol, sumDrawn, sumExact)

		var again bytes.Buffer
		require.NoError(t, enc.DistrictsTopoJSON(&again, tol))
		assert.Equal(t, topo.Bytes(), again.Bytes(), "tolerance %g m: two encodings differ", tol)
	}
}

func TestZoomTolerance(t *testing.T) {
	for _, tt := range []struct {
		z    int
		want float64
	}{{-3, 65536}, {0, 65536}, {5, 2048}, {6, 1024}, {12, 16}, {15, 2}, {16, 1}, {22, 1}} {
		got := encode.ZoomTolerance(tt.z)
		assert.Equal(t, tt.want, got, "zoom %d", tt.z)
		// Under half a pixel of a 256 px tile at the equator.
		assert.Less(t, got, max(encode.DisplayTolerance+0.5, 40075016.686/256/math.Exp2(float64(tt.z))/2), "zoom %d", tt.z)
	}
}

func rings(g orb.Geometry) []orb.Ring {
	var out []orb.Ring
	switch g := g.(type) {
	case orb.Polygon:
		out = append(out, g...)
	case orb.MultiPolygon:
		for _, p := range g {
			out = append(out, p...)
		}
	}
	return out
}

func pointsOf(rs []orb.Ring) []orb.Point {
	var out []orb.Point
	for _, r := range rs {
		out = append(out, r...)
	}
	return out
}

// nearest is the distance in metres from p to the closest ring of rs.
func nearest(p orb.Point, rs []orb.Ring) float64 {
	const m = 6371008.8 * math.Pi / 180
	kx := m * math.Cos(p[1]*math.Pi/180)
	best := math.Inf(1)
	for _, r := range rs {
		for k := 0; k+1 < len(r); k++ {
			ax, ay := (r[k][0]-p[0])*kx, (r[k][1]-p[1])*m
			dx, dy := (r[k+1][0]-r[k][0])*kx, (r[k+1][1]-r[k][1])*m
			t := 0.0
			if l2 := dx*dx + dy*dy; l2 > 0 {
				t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l2))
			}
			best = math.Min(best, math.Hypot(ax+t*dx, ay+t*dy))
		}
	}
	return best
}

// BenchmarkDistrictsTopoJSON builds and writes Aleppo's display layer (the
// server does it once, on the first request).
func BenchmarkDistrictsTopoJSON(b *testing.B) {
	ds, err := geo.LoadDir(data.Default(), data.DefaultName)
	require.NoError(b, err)
	enc, err := encode.New(ds)
	require.NoError(b, err)
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := enc.DistrictsTopoJSON(&buf, encode.DisplayTolerance); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes")
}
