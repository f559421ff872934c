package geosx

import (
	"math"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/planar"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twpayne/go-geos"
)

// marshal returns the WKB of g.
func marshal(t *testing.T, g orb.Geometry) []byte {
	t.Helper()
	b, err := wkb.Marshal(g)
	require.NoError(t, err)
	return b
}

// collection decodes WKB that must be a GeometryCollection of polygons.
func collection(t *testing.T, b []byte) []orb.Polygon {
	t.Helper()
	g, err := wkb.Unmarshal(b)
	require.NoError(t, err)
	c, ok := g.(orb.Collection)
	require.Truef(t, ok, "got a %s, want a GeometryCollection", g.GeoJSONType())
	ps := make([]orb.Polygon, len(c))
	for i, part := range c {
		ps[i], ok = part.(orb.Polygon)
		require.Truef(t, ok, "part %d is a %s, want a Polygon", i, part.GeoJSONType())
	}
	return ps
}

func TestVoronoiDiagram(t *testing.T) {
	env := orb.Bound{Min: orb.Point{-10, -10}, Max: orb.Point{20, 20}}
	for _, tc := range []struct {
		name  string
		sites orb.MultiPoint
	}{
		{"three", orb.MultiPoint{{0, 0}, {10, 0}, {5, 8}}},
		{"four", orb.MultiPoint{{0, 0}, {10, 0}, {10, 10}, {0, 10}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := VoronoiDiagram(marshal(t, tc.sites), env.Min[0], env.Min[1], env.Max[0], env.Max[1])
			require.NoError(t, err)
			cells := collection(t, out)
			require.Len(t, cells, len(tc.sites))

			ctx := geos.NewContext()
			envelope := ctx.NewGeomFromBounds(env.Min[0], env.Min[1], env.Max[0], env.Max[1])
			gcells := make([]*geos.Geom, len(cells))
			for i, c := range cells {
				gcells[i], err = ToGEOS(ctx, c)
				require.NoError(t, err)
			}
			// Each site lies in exactly one cell.
			for _, s := range tc.sites {
				n := 0
				for _, c := range gcells {
					if c.Contains(ctx.NewPointFromXY(s[0], s[1])) {
						n++
					}
				}
				assert.Equalf(t, 1, n, "site %v lies in %d cells", s, n)
			}
			// The cells cover the envelope and do not overlap.
			union := ctx.NewCollection(geos.TypeIDGeometryCollection, gcells).UnaryUnion()
			assert.True(t, union.Covers(envelope), "the cells do not cover the envelope")
			sum := 0.0
			for _, c := range gcells {
				sum += c.Area()
			}
			assert.InDelta(t, union.Area(), sum, 1e-9*sum, "the cells overlap")
		})
	}
}

func TestDelaunayTriangles(t *testing.T) {
	square := orb.MultiPoint{{0, 0}, {1, 0}, {1, 1}, {0, 1}}
	out, err := DelaunayTriangles(marshal(t, square))
	require.NoError(t, err)
	tris := collection(t, out)
	require.Len(t, tris, 2)
	area := 0.0
	for _, tri := range tris {
		require.Len(t, tri, 1)
		assert.Len(t, tri[0], 4, "a triangle's ring has 3 vertices and the closing one")
		area += math.Abs(planar.Area(tri))
	}
	assert.InDelta(t, 1, area, 1e-12, "the triangles tile the square")
}

func TestBadWKB(t *testing.T) {
	bad := []byte{1, 4, 0, 0, 0, 9} // a truncated little-endian MultiPoint
	_, err := VoronoiDiagram(bad, 0, 0, 1, 1)
	require.Error(t, err)
	assert.Regexp(t, `^GEOS Voronoi diagram: .*ParseException`, err.Error())
	_, err = DelaunayTriangles(bad)
	require.Error(t, err)
	assert.Regexp(t, `^GEOS Delaunay triangulation: .*ParseException`, err.Error())

	_, err = VoronoiDiagram(nil, 0, 0, 1, 1)
	assert.EqualError(t, err, "voronoi: no sites")
	_, err = DelaunayTriangles(nil)
	assert.EqualError(t, err, "no Delaunay sites")
}

func TestConcurrent(t *testing.T) {
	sites := marshal(t, orb.MultiPoint{{0, 0}, {1, 0}, {1, 1}, {0, 1}})
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() {
			for range 50 {
				if _, err := DelaunayTriangles(sites); err != nil {
					errs[i] = err
					return
				}
				if _, err := VoronoiDiagram(sites, -1, -1, 2, 2); err != nil {
					errs[i] = err
					return
				}
				if _, err := DelaunayTriangles([]byte{1, 4}); err == nil {
					errs[i] = assert.AnError
					return
				}
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		assert.NoErrorf(t, err, "goroutine %d", i)
	}
}

func TestToFromGEOS(t *testing.T) {
	ctx := geos.NewContext()
	p := orb.Polygon{{{0, 0}, {2, 0}, {2, 1}, {0, 1}, {0, 0}}}
	g, err := ToGEOS(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, geos.TypeIDPolygon, g.TypeID())
	assert.InDelta(t, 2, g.Area(), 1e-12)
	back, err := FromGEOS(g)
	require.NoError(t, err)
	assert.Equal(t, p, back)

	// orb writes no WKB for nil collections; they cross as empty geometries.
	for _, g := range []orb.Geometry{orb.MultiPoint(nil), orb.MultiLineString(nil), orb.MultiPolygon(nil), orb.Collection(nil), orb.LineString(nil), orb.Polygon(nil)} {
		e, err := ToGEOS(ctx, g)
		require.NoError(t, err, g.GeoJSONType())
		assert.True(t, e.IsEmpty(), g.GeoJSONType())
	}
	_, err = ToGEOS(ctx, nil)
	assert.Error(t, err)
}

func rect(x0, y0, x1, y1 float64) orb.Polygon {
	return orb.Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}
}

// TestUnionAndClosing: Union passes lone polygons through and unions the
// rest; Closing, part by part, is the closing of the whole.
func TestUnionAndClosing(t *testing.T) {
	ctx := geos.NewContext()
	in, err := ToGEOS(ctx, orb.Collection{
		rect(0, 0, 1, 1), rect(1, 0, 2, 1), // share an edge: one polygon
		rect(5, 0, 6, 1), // alone
		orb.MultiPolygon{rect(10, 0, 11, 1), rect(11.2, 0, 12, 1)}, // 0.2 apart
	})
	require.NoError(t, err)
	u := Union(ctx, in, 0)
	assert.Equal(t, geos.TypeIDMultiPolygon, u.TypeID())
	assert.Equal(t, 4, u.NumGeometries())
	assert.InDelta(t, 5-0.2, u.Area(), 1e-12)

	bp := ctx.NewBufParams().SetJoinStyle(geos.BufJoinStyleMitre).SetMitreLimit(10)
	closed := Closing(ctx, u, bp, 0.15)
	whole := u.BufferWithParams(bp, 0.15).BufferWithParams(bp, -0.15)
	assert.Equal(t, 3, closed.NumGeometries(), "the 0.2 gap is closed, the others are wider")
	assert.InDelta(t, whole.Area(), closed.Area(), 1e-9)
	assert.InDelta(t, 5, closed.Area(), 1e-9)
}
