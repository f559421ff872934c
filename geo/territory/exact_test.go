package territory

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/geo/geodesic"
	"github.com/frontline/frontline/geo/internal/partition"
)

// square is the axis-aligned cell from corner (x0, y0) to (x1, y1), in
// units of 0.01° (see corner).
func square(x0, y0, x1, y1 int) orb.Polygon {
	return orb.Polygon{{corner(x0, y0), corner(x1, y0), corner(x1, y1), corner(x0, y1), corner(x0, y0)}}
}

// sortedEdges returns a district's half-edges in a canonical order.
func sortedEdges(es []halfEdge) []halfEdge {
	out := slices.Clone(es)
	slices.SortFunc(out, func(a, b halfEdge) int {
		if c := comparePoints(a.from, b.from); c != 0 {
			return c
		}
		if c := comparePoints(a.to, b.to); c != 0 {
			return c
		}
		return cmp.Compare(a.other, b.other)
	})
	return out
}

// requireSameCoverage checks that two coverages of the same districts have
// the same borders, neighbours and areas.
func requireSameCoverage(t *testing.T, want, got *Coverage) {
	t.Helper()
	require.Equal(t, want.Len(), got.Len())
	for i := range want.edges {
		require.Equal(t, sortedEdges(want.edges[i]), sortedEdges(got.edges[i]), "district %d", i)
		assert.InDelta(t, 1, got.areas[i]/want.areas[i], 1e-12, "district %d area", i)
	}
	require.Equal(t, len(want.pairs), len(got.pairs))
	for k := range want.pairs {
		assert.Equal(t, want.pairs[k].a, got.pairs[k].a)
		assert.Equal(t, want.pairs[k].b, got.pairs[k].b)
		assert.Equal(t, want.pairs[k].lines, got.pairs[k].lines)
	}
}

func multiPolygons(t *testing.T, geoms []orb.Geometry) []orb.MultiPolygon {
	t.Helper()
	out := make([]orb.MultiPolygon, len(geoms))
	for i, g := range geoms {
		mp, err := inputPolygons(i, g)
		require.NoError(t, err)
		out[i] = mp
	}
	return out
}

// Exact tilings take the shortcut and come out as the overlay makes them.
func TestExactTilingMatchesOverlay(t *testing.T) {
	withGap := append(grid3()[:4:4], grid3()[5:]...) // the centre cell is a hole
	cases := []struct {
		name  string
		geoms []orb.Geometry
	}{
		{"grid3", grid3()},
		{"grid3 without its centre", withGap},
		{"synth grid 12x10", SynthGrid(12, 10, 7)},
		{"synth hex 9x7", SynthHex(9, 7, 3)},
		{"multipolygon touching at a corner", []orb.Geometry{
			orb.MultiPolygon{square(0, 0, 1, 1), square(1, 1, 2, 2)}, square(1, 0, 2, 1), square(0, 1, 1, 2)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, ok := exactFaces(multiPolygons(t, tc.geoms))
			require.True(t, ok, "an exact tiling must take the shortcut")
			exact, err := NewCoverage(tc.geoms, WithGapWidth(0))
			require.NoError(t, err)
			overlay, err := NewCoverage(tc.geoms, WithGapWidth(0), func(c *config) error { c.overlay = true; return nil })
			require.NoError(t, err)
			requireSameCoverage(t, overlay, exact)
			trusted, err := NewCoverage(tc.geoms, WithGapWidth(0), WithValidInput())
			require.NoError(t, err)
			requireSameCoverage(t, overlay, trusted)
		})
	}
}

// Anything that is not already a partition goes through the overlay, which
// still gives a coverage.
func TestExactFacesRefuses(t *testing.T) {
	cases := []struct {
		name  string
		geoms []orb.Geometry
	}{
		// The right cell lacks the vertex where the two left cells meet.
		{"T-junction", []orb.Geometry{square(0, 0, 1, 1), square(0, 1, 1, 2), square(1, 0, 2, 2)}},
		{"crossing overlap", []orb.Geometry{square(0, 0, 2, 2), square(1, 1, 3, 3)}},
		{"district inside another", []orb.Geometry{square(0, 0, 4, 4), square(1, 1, 2, 2)}},
		{"same district twice", []orb.Geometry{square(0, 0, 1, 1), square(0, 0, 1, 1)}},
		{"collinear overlap along a border", []orb.Geometry{square(0, 0, 2, 2), square(0, 0, 1, 1)}},
		{"shares an edge the same way round", []orb.Geometry{
			orb.Polygon{{corner(0, 0), corner(2, 0), corner(2, 2), corner(0, 2), corner(0, 0)}},
			orb.Polygon{{corner(0, 0), corner(2, 0), corner(1, 1), corner(0, 0)}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, ok := exactFaces(multiPolygons(t, tc.geoms))
			assert.False(t, ok)
			cov, err := NewCoverage(tc.geoms, WithGapWidth(0))
			require.NoError(t, err)
			assert.Equal(t, len(tc.geoms), cov.Len())
		})
	}
}

// FrontLengths sums precomputed pair borders; it must agree with the
// length of the frontline geometry.
func TestFrontLengthsMatchFrontlines(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	cases := []struct {
		name   string
		geoms  []orb.Geometry
		labels [][]string
	}{
		{"grid3", grid3(), nil},
		{"synth hex 30x20", SynthHex(30, 20, 2), SynthFrontPace(30, 20, 12, 0.5, "government", "opposition", 2)},
		{"synth grid 12x10 with gaps closed", SynthGrid(12, 10, 7), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cov, err := NewCoverage(tc.geoms)
			require.NoError(t, err)
			labellings := tc.labels
			for range 10 {
				labellings = append(labellings, randomLabels(rng, len(tc.geoms)))
			}
			for _, labels := range labellings {
				fronts, err := cov.Frontlines(labels)
				require.NoError(t, err)
				lengths, err := cov.FrontLengths(labels)
				require.NoError(t, err)
				require.Len(t, lengths, len(fronts))
				for _, f := range fronts {
					got, ok := lengths[f.Sides]
					require.True(t, ok, "%v missing", f.Sides)
					assert.InDelta(t, 1, got/f.LengthM, 1e-12, "%v: %v m summed, %v m traced", f.Sides, got, f.LengthM)
				}
			}
			_, err = cov.FrontLengthsByID(make([]int32, cov.Len()-1), 2)
			assert.ErrorContains(t, err, "give exactly one label per district")
			_, err = cov.FrontLengthsByID(make([]int32, cov.Len()), 0)
			assert.ErrorContains(t, err, "label number 0, outside [0, 0)")
		})
	}
}

// Districts known to be an exact partition on the grid (as geo.Load
// checks) give the same coverage when taken as they are as when checked
// again.
func TestExactPartitionKnown(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	snapped, ok := partition.Exact(multiPolygons(t, SynthHex(20, 15, 3)), 1/Grid)
	require.True(t, ok)
	geoms := make([]orb.Geometry, len(snapped))
	for i, mp := range snapped {
		geoms[i] = mp
	}
	checked, err := NewCoverage(geoms, WithGapWidth(0))
	require.NoError(t, err)
	known, err := NewCoverage(geoms, WithGapWidth(0), WithExactPartition())
	require.NoError(t, err)
	for i := range geoms {
		assert.Equal(t, checked.AreaM2(i), known.AreaM2(i), "district %d", i)
	}
	for range 5 {
		labels := randomLabels(rng, len(geoms))
		a, err := checked.Frontlines(labels)
		require.NoError(t, err)
		b, err := known.Frontlines(labels)
		require.NoError(t, err)
		assert.Equal(t, a, b)
	}
}

// With an exact partition the districts are the faces, so the geodesic
// areas of the districts as given (geo.Load computes them) are the areas
// the coverage would compute from its faces; WithAreas takes them as they
// are, and refuses a list that does not fit.
func TestExactPartitionAreasGiven(t *testing.T) {
	snapped, ok := partition.Exact(multiPolygons(t, SynthHex(20, 15, 3)), 1/Grid)
	require.True(t, ok)
	geoms := make([]orb.Geometry, len(snapped))
	areas := make([]float64, len(snapped))
	for i, mp := range snapped {
		geoms[i] = mp
		areas[i] = geodesic.Area(mp)
	}
	computed, err := NewCoverage(geoms, WithGapWidth(0), WithExactPartition())
	require.NoError(t, err)
	given, err := NewCoverage(geoms, WithGapWidth(0), WithExactPartition(), WithAreas(areas))
	require.NoError(t, err)
	for i := range geoms {
		assert.InDelta(t, 1, given.AreaM2(i)/computed.AreaM2(i), 1e-12, "district %d", i)
	}
	_, err = NewCoverage(geoms, WithGapWidth(0), WithExactPartition(), WithAreas(areas[1:]))
	assert.ErrorContains(t, err, "areas for")
	bad := slices.Clone(areas)
	bad[3] = -1
	_, err = NewCoverage(geoms, WithGapWidth(0), WithExactPartition(), WithAreas(bad))
	assert.ErrorContains(t, err, "district 3")
}
