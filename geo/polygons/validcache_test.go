package polygons

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twpayne/go-geos"

	"github.com/frontline/frontline/geo/geodesic"
	"github.com/frontline/frontline/geo/internal/geosx"
	"github.com/frontline/frontline/geo/territory"
)

// validOnGridUncached is validOnGrid as it was before validCache: every
// segment densified and every edge measured by geodesic, every rounded map
// checked by GEOS and read back through WKB.
func validOnGridUncached(ctx *geos.Context, mp orb.MultiPolygon) (orb.MultiPolygon, float64, float64, error) {
	if len(mp) == 0 {
		return nil, 0, 0, nil
	}
	dense := densify(mp)
	rounded, err := geosx.ToGEOS(ctx, snapMulti(dense))
	if err != nil {
		return nil, 0, 0, err
	}
	g, moved := rounded, false
	if !rounded.IsValid() {
		if g, err = geosx.ToGEOS(ctx, dense); err != nil {
			return nil, 0, 0, err
		}
		if !g.IsValid() {
			g = g.MakeValid()
		}
		g = g.SetPrecision(territory.Grid, geos.PrecisionRuleNone)
		moved = true
	}
	out, err := geosx.PolygonalParts(g)
	if err != nil {
		return nil, 0, 0, err
	}
	for _, p := range out {
		orient(p)
	}
	area := geodesic.Area(out) / 1e6
	if !moved {
		return out, area, 0, nil
	}
	return out, area, math.Abs(area - geodesic.Area(mp)/1e6), nil
}

// frontDays are n days of a front's ground: a polygon whose east side is
// a front of 60 vertices ~1.4 km apart (so densify cuts them) moving
// locally from day to day, with a hole, and a second polygon. Every fifth
// day repeats the day before; every seventh crosses the front over itself
// (invalid, repaired by GEOS).
func frontDays(n int) []orb.MultiPolygon {
	rng := rand.New(rand.NewPCG(11, 12))
	const k = 60
	x := make([]float64, k+1)
	for i := range x {
		x[i] = 36.5 + 0.05*math.Sin(float64(i)/7)
	}
	var days []orb.MultiPolygon
	for d := range n {
		if d%5 == 4 {
			days = append(days, days[len(days)-1])
			continue
		}
		at := rng.IntN(k + 1)
		for i := max(1, at-3); i <= min(k-1, at+3); i++ {
			x[i] += (rng.Float64() - 0.5) * 0.01
		}
		ring := orb.Ring{{36, 47}}
		for i := range k + 1 {
			ring = append(ring, orb.Point{x[i], 47 + 0.75*float64(i)/k})
		}
		ring = append(ring, orb.Point{36, 47.75}, orb.Point{36, 47})
		if d%7 == 6 {
			ring[10], ring[12] = ring[12], ring[10] // the front crosses itself
		}
		hole := orb.Ring{{36.1, 47.1}, {36.1, 47.2}, {36.2, 47.2}, {36.2, 47.1}, {36.1, 47.1}}
		island := orb.Polygon{{{37, 48}, {37.05, 48}, {37.05, 48.05}, {37, 48.05}, {37, 48}}}
		days = append(days, orb.MultiPolygon{{ring, hole}, island})
	}
	return days
}

func TestValidOnGridCachedMatchesUncached(t *testing.T) {
	ctx := geos.NewContext()
	var vc validCache
	days := frontDays(40)
	var repaired, repeated int
	for d, mp := range days {
		want, wantKm2, wantMoved, err := validOnGridUncached(ctx, mp)
		require.NoError(t, err)
		got, gotKm2, gotMoved, err := validOnGrid(ctx, &vc, mp)
		require.NoError(t, err)
		require.True(t, sameBits(got, want), "day %d: the polygons differ", d)
		require.Equal(t, math.Float64bits(wantKm2), math.Float64bits(gotKm2), "day %d: %v km², uncached %v", d, gotKm2, wantKm2)
		require.Equal(t, math.Float64bits(wantMoved), math.Float64bits(gotMoved), "day %d", d)
		if wantMoved > 0 {
			repaired++
		}
		if d > 0 && sameBits(mp, days[d-1]) {
			repeated++
		}
		vc.nextDay()
		// The cache holds the last day's segments only: the input's
		// segments, the result's edges (and the input's when measured).
		assert.LessOrEqual(t, vc.dense.Len(), points(mp), "day %d", d)
		assert.LessOrEqual(t, vc.area.Len(), points(got)+points(mp), "day %d", d)
		assert.LessOrEqual(t, len(vc.wereValid), 1, "day %d", d)
	}
	assert.Positive(t, repaired, "some days take the repair")
	assert.Positive(t, repeated, "some days repeat the day before")
}

func points(mp orb.MultiPolygon) int {
	n := 0
	for _, p := range mp {
		for _, r := range p {
			n += len(r)
		}
	}
	return n
}

// TestValidCacheIsPerDay: a side's polygons checked the day before are
// not mistaken for another's, and two rounds forget everything.
func TestValidCacheIsPerDay(t *testing.T) {
	ctx := geos.NewContext()
	var vc validCache
	a := orb.MultiPolygon{{{{36, 47}, {36.1, 47}, {36.1, 47.1}, {36, 47.1}, {36, 47}}}}
	b := orb.MultiPolygon{{{{37, 47}, {37.1, 47}, {37.1, 47.1}, {37, 47.1}, {37, 47}}}}
	for d := range 3 {
		for i, mp := range []orb.MultiPolygon{a, b} {
			got, km2, _, err := validOnGrid(ctx, &vc, mp)
			require.NoError(t, err)
			want, wantKm2, _, err := validOnGridUncached(ctx, mp)
			require.NoError(t, err)
			require.True(t, sameBits(got, want), fmt.Sprintf("day %d, side %d", d, i))
			require.Equal(t, wantKm2, km2)
		}
		vc.nextDay()
		assert.Len(t, vc.wereValid, 2)
	}
	vc.nextDay()
	vc.nextDay()
	assert.Zero(t, vc.dense.Len()+vc.area.Len()+len(vc.wereValid)+len(vc.valid))
}
