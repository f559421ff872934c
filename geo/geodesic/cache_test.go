package geodesic

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cacheRings are rings whose area takes every branch of geod_polygonarea's
// sum and reduction.
var cacheRings = map[string]orb.Ring{
	"square, counter-clockwise":    {{37.1, 36.2}, {37.11, 36.2}, {37.11, 36.21}, {37.1, 36.21}, {37.1, 36.2}},
	"square, clockwise":            {{37.1, 36.2}, {37.1, 36.21}, {37.11, 36.21}, {37.11, 36.2}, {37.1, 36.2}},
	"unclosed":                     {{37.1, 36.2}, {37.11, 36.2}, {37.11, 36.21}, {37.1, 36.21}},
	"across the antimeridian":      {{179.5, -17}, {-179.5, -17}, {-179.5, -16}, {179.5, -16}, {179.5, -17}},
	"across it, clockwise":         {{179.5, -17}, {179.5, -16}, {-179.5, -16}, {-179.5, -17}, {179.5, -17}},
	"longitudes past 180":          {{179.5, -17}, {180.5, -17}, {180.5, -16}, {179.5, -16}, {179.5, -17}},
	"longitudes past -540":         {{-540.5, 10}, {-539.5, 10}, {-539.5, 11}, {-540.5, 11}, {-540.5, 10}},
	"across the prime meridian":    {{-0.5, 51}, {0.5, 51}, {0.5, 52}, {-0.5, 52}, {-0.5, 51}},
	"on the prime meridian":        {{0, 51}, {0.5, 51}, {0.5, 52}, {0, 52}, {0, 51}},
	"around the north pole":        {{0, 80}, {90, 80}, {180, 80}, {-90, 80}, {0, 80}},
	"around the south pole, cw":    {{0, -80}, {90, -80}, {180, -80}, {-90, -80}, {0, -80}},
	"the south pole's cap, ccw":    {{0, -80}, {-90, -80}, {180, -80}, {90, -80}, {0, -80}},
	"more than half the ellipsoid": {{0, -60}, {-120, -60}, {120, -60}, {0, -60}},
	"a hemisphere's edge":          {{0, 0}, {90, 0}, {180, 0}, {-90, 0}, {0, 0}},
	"degenerate, on a line":        {{30, 50}, {30.1, 50.1}, {30.2, 50.2}, {30, 50}},
	"two points":                   {{30, 50}, {31, 51}, {30, 50}},
	"negative zero":                {{math.Copysign(0, -1), 10}, {1, 10}, {1, 11}, {0, 11}, {math.Copysign(0, -1), 10}},
}

func TestAreaCacheMatchesRingArea(t *testing.T) {
	var c AreaCache
	for round := range 3 { // computed, then from the cache
		for name, r := range cacheRings {
			want := RingArea(r)
			got := c.RingArea(r)
			if math.Float64bits(got) != math.Float64bits(want) {
				t.Errorf("round %d, %s: %v, RingArea %v", round, name, got, want)
			}
		}
		c.Next()
	}
}

func TestAreaCacheRandomRings(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var c AreaCache
	ring := randomRing(rng, 300, 36, 48, 0.5)
	for day := range 30 {
		// Each day moves a few points of the day before, as a front does.
		for range 5 {
			i := rng.IntN(len(ring) - 1)
			ring[i][0] += (rng.Float64() - 0.5) * 1e-3
			ring[i][1] += (rng.Float64() - 0.5) * 1e-3
		}
		ring[len(ring)-1] = ring[0]
		hole := randomRing(rng, 20, 36.3, 48.3, 0.05)
		p := orb.Polygon{ring, hole}
		want, got := PolygonArea(p), c.Area(p)
		require.Equal(t, math.Float64bits(want), math.Float64bits(got), "day %d: %v, PolygonArea %v", day, got, want)
		c.Next()
		assert.LessOrEqual(t, c.Len(), len(ring)+len(hole), "the cache keeps only the last day's edges")
	}
	c.Next()
	c.Next()
	assert.Zero(t, c.Len(), "rounds without rings forget everything")
}

// randomRing is a star-shaped ring of n points around (lon, lat), at most
// r degrees from it, closed.
func randomRing(rng *rand.Rand, n int, lon, lat, r float64) orb.Ring {
	out := make(orb.Ring, 0, n+1)
	for i := range n {
		a := 2 * math.Pi * float64(i) / float64(n)
		d := r * (0.2 + 0.8*rng.Float64())
		out = append(out, orb.Point{lon + d*math.Cos(a), lat + d*math.Sin(a)})
	}
	return append(out, out[0])
}

func TestSurelyWithinIsABound(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const maxM = 1000
	tighter := 0
	for range 200_000 {
		lat := (rng.Float64()*2 - 1) * 90
		a := orb.Point{(rng.Float64()*2 - 1) * 180, lat}
		b := orb.Point{a[0] + (rng.Float64()*2-1)*0.03, math.Max(-90, math.Min(90, lat+(rng.Float64()*2-1)*0.015))}
		if surelyWithin(a, b, maxM) {
			if d := Distance(a, b); d > maxM {
				t.Fatalf("%v to %v is %v m, over the bound %v", a, b, d, maxM)
			}
			if (math.Abs(b[0]-a[0])+math.Abs(b[1]-a[1]))*metresPerDegreeLat > maxM {
				tighter++
			}
		}
	}
	assert.Positive(t, tighter, "the bound settles segments the L1 one did not")
	// A 0.9 km segment east at 48°N (0.0121° of longitude) is settled
	// without the geodesic; the L1 bound put it at 1.35 km.
	assert.True(t, surelyWithin(orb.Point{36, 48}, orb.Point{36.0121, 48}, maxM))
	assert.False(t, surelyWithin(orb.Point{36, 48}, orb.Point{36.0135, 48}, maxM), "1.005 km")
	assert.False(t, surelyWithin(orb.Point{36, math.NaN()}, orb.Point{36.0121, 48}, maxM))
	assert.False(t, surelyWithin(orb.Point{36, 91}, orb.Point{36.0121, 91}, maxM), "no latitude beyond the poles")
}

func TestDensifyCacheMatchesDensifyRing(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var c DensifyCache
	ring := randomRing(rng, 200, 36, 48, 0.3) // segments of 0.1–20 km
	rings := map[string]orb.Ring{"antimeridian": cacheRings["across the antimeridian"], "pole": cacheRings["around the north pole"],
		"short": cacheRings["square, clockwise"]}
	for day := range 10 {
		for range 5 {
			i := rng.IntN(len(ring) - 1)
			ring[i][0] += (rng.Float64() - 0.5) * 1e-2
		}
		ring[len(ring)-1] = ring[0]
		rings["front"] = ring
		for name, r := range rings {
			before := slices.Clone(r)
			want := DensifyRing(r, 1000)
			got := c.DensifyRing(r, 1000)
			require.Equal(t, len(want), len(got), "day %d, %s", day, name)
			for i := range want {
				require.Equal(t, [2]uint64{math.Float64bits(want[i][0]), math.Float64bits(want[i][1])},
					[2]uint64{math.Float64bits(got[i][0]), math.Float64bits(got[i][1])}, "day %d, %s, point %d", day, name, i)
			}
			require.Equal(t, before, r, "the input is left alone")
		}
		c.Next()
		assert.LessOrEqual(t, c.Len(), 3*len(ring))
	}
	got := c.DensifyRing(cacheRings["square, clockwise"], 100)
	assert.Equal(t, DensifyRing(cacheRings["square, clockwise"], 100), got, "another maxM is not served from the cache")
}
