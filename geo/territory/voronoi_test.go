package territory

import (
	"testing"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// withMaxTile triangulates gap sites in tiles of at most n.
func withMaxTile(n int) Option {
	return func(c *config) error { c.maxTile = n; return nil }
}

// strips are two districts w degrees long, 20 m apart across a street.
func strips(w float64) []orb.Geometry {
	return []orb.Geometry{
		orb.Polygon{{{37, 36}, {37 + w, 36}, {37 + w, 36.01}, {37, 36.01}, {37, 36}}},
		orb.Polygon{{{37, 36.0102}, {37 + w, 36.0102}, {37 + w, 36.02}, {37, 36.02}, {37, 36.0102}}},
	}
}

// Tiles leave the split of the gaps as it was: every district of the raw CSR
// layer (its first 40, for time) gets the same ground, triangulated whole or in tiles of 1,000 sites,
// up to what snap-rounding the extra nodes at tile edges to the 1 cm grid
// moves (under 0.5 m² of districts of 0.1–4 km²), and the total is the same.
func TestGapSplitTiles(t *testing.T) {
	for _, tc := range []struct {
		name  string
		geoms []orb.Geometry
	}{
		{"CSR, first 40", loadCSR(t)[:40]},
		{"long street", strips(0.3)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			whole, err := NewCoverage(tc.geoms, WithGapWidth(60))
			require.NoError(t, err)
			tiled, err := NewCoverage(tc.geoms, WithGapWidth(60), withMaxTile(1000))
			require.NoError(t, err)
			var sumWhole, sumTiled float64
			for i := range tc.geoms {
				assert.InDelta(t, whole.AreaM2(i), tiled.AreaM2(i), 0.5, "district %d, m²", i)
				sumWhole += whole.AreaM2(i)
				sumTiled += tiled.AreaM2(i)
			}
			assert.InEpsilon(t, sumWhole, sumTiled, 1e-12)
		})
	}
}

// A street with one district on both sides is closed too: no Voronoi edge
// separates anything, and that is no error.
func TestGapSplitOneDistrict(t *testing.T) {
	s := strips(0.01)
	one := orb.MultiPolygon{s[0].(orb.Polygon), s[1].(orb.Polygon)}
	cov, err := NewCoverage([]orb.Geometry{one}, WithGapWidth(60))
	require.NoError(t, err)
	require.Len(t, cov.District(0), 1, "the street is closed")
}

// A district thousands of km long (a wrong coordinate) is refused before
// any densifying, with what to check.
func TestGapSplitLimit(t *testing.T) {
	_, err := NewCoverage(strips(40), WithGapWidth(25))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "more than the limit of 500000")
	assert.Contains(t, err.Error(), "check for a wrong coordinate")
	_, err = NewCoverage(strips(40), WithGapWidth(0))
	assert.NoError(t, err, "without gap closing nothing is densified")
	_, err = NewCoverage(strips(0.3), WithGapWidth(60), WithMaxGapSites(100))
	assert.ErrorContains(t, err, "more than the limit of 100:")
	_, err = NewCoverage(strips(0.3), WithGapWidth(60), WithMaxGapSites(0))
	assert.ErrorContains(t, err, "must be positive")
}

func TestClipSegment(t *testing.T) {
	box := orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{1, 1}}
	for _, tc := range []struct {
		name string
		a, b orb.Point
		want orb.LineString
	}{
		{"inside", orb.Point{0.2, 0.2}, orb.Point{0.8, 0.5}, orb.LineString{{0.2, 0.2}, {0.8, 0.5}}},
		{"across", orb.Point{-1, 0.5}, orb.Point{2, 0.5}, orb.LineString{{0, 0.5}, {1, 0.5}}},
		{"one end out", orb.Point{0.5, 0.5}, orb.Point{0.5, 3}, orb.LineString{{0.5, 0.5}, {0.5, 1}}},
		{"diagonal", orb.Point{-1, -1}, orb.Point{2, 2}, orb.LineString{{0, 0}, {1, 1}}},
		{"outside", orb.Point{2, 2}, orb.Point{3, 0.5}, nil},
		{"touching a corner", orb.Point{1, 2}, orb.Point{2, 1}, nil},
		{"parallel outside", orb.Point{-1, 2}, orb.Point{3, 2}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := clipSegment(tc.a, tc.b, box)
			assert.Equal(t, tc.want != nil, ok)
			if tc.want != nil {
				require.Len(t, got, 2)
				for k := range got {
					assert.InDelta(t, tc.want[k][0], got[k][0], 1e-15)
					assert.InDelta(t, tc.want[k][1], got[k][1], 1e-15)
				}
			}
		})
	}
}

// BenchmarkGapSplitLongStreet closes a 350 km street between two districts:
// 48,000 sites on four straight lines, where one GEOS Delaunay triangulation
// of all sites slows down quadratically (idle 2-core machine: tiles 1.5 s,
// whole 3.0 s; whole takes four times as long for twice the length).
func BenchmarkGapSplitLongStreet(b *testing.B) {
	for _, bc := range []struct {
		name string
		opt  Option
	}{{"tiles", withMaxTile(0)}, {"whole", withMaxTile(1 << 30)}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := NewCoverage(strips(4), WithGapWidth(60), bc.opt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
