package polygons

import (
	"math"
	"slices"

	"github.com/paulmach/orb"

	"github.com/frontline/frontline/geo/geodesic"
)

// validCache keeps validOnGrid's work on the last day's polygons for the
// next day's, which mostly repeat them: the points densify adds to each
// input segment, each output edge's share of the area, and the rounded
// polygons GEOS found valid. Each day forgets what it did not use, so the
// cache holds about two days' polygons. It is not saved: an importer
// resumed from its state starts with an empty cache and gets the same
// results. The zero value is ready to use.
type validCache struct {
	dense geodesic.DensifyCache
	area  geodesic.AreaCache
	// valid are the rounded polygons found valid today, wereValid those
	// of the day before (one a side at most).
	valid, wereValid []orb.MultiPolygon
}

// densify is densify(mp), the same points.
func (c *validCache) densify(mp orb.MultiPolygon) orb.MultiPolygon {
	out := make(orb.MultiPolygon, len(mp))
	for i, p := range mp {
		out[i] = make(orb.Polygon, len(p))
		for j, r := range p {
			out[i][j] = c.dense.DensifyRing(r, densifyM)
		}
	}
	return out
}

// wasValid reports whether GEOS found the same polygons (bit for bit)
// valid the day before or today; they are then kept for the next day.
func (c *validCache) wasValid(mp orb.MultiPolygon) bool {
	for _, v := range [][]orb.MultiPolygon{c.valid, c.wereValid} {
		for _, w := range v {
			if sameBits(mp, w) {
				c.rememberValid(w)
				return true
			}
		}
	}
	return false
}

// rememberValid keeps polygons GEOS found valid, for the next day. They
// must not be modified after.
func (c *validCache) rememberValid(mp orb.MultiPolygon) {
	for _, v := range c.valid {
		if sameBits(v, mp) {
			return
		}
	}
	c.valid = append(c.valid, mp)
}

// nextDay forgets what the day just done did not use.
func (c *validCache) nextDay() {
	c.dense.Next()
	c.area.Next()
	c.wereValid, c.valid = c.valid, nil
}

// sameBits reports whether a and b have the same parts, rings and
// coordinates, bit for bit.
func sameBits(a, b orb.MultiPolygon) bool {
	return slices.EqualFunc(a, b, func(p, q orb.Polygon) bool {
		return slices.EqualFunc(p, q, func(r, s orb.Ring) bool {
			return slices.EqualFunc(r, s, func(x, y orb.Point) bool {
				return math.Float64bits(x[0]) == math.Float64bits(y[0]) && math.Float64bits(x[1]) == math.Float64bits(y[1])
			})
		})
	})
}

// plainPolygons reports whether every polygon of mp has an outer ring and
// every ring at least four points: then GEOS reads it as it is (a
// shorter ring is an error, and empty parts are dropped on the way back).
func plainPolygons(mp orb.MultiPolygon) bool {
	for _, p := range mp {
		if len(p) == 0 {
			return false
		}
		for _, r := range p {
			if len(r) < 4 {
				return false
			}
		}
	}
	return true
}

// clonePolygons copies mp, for orient to turn its rings in place.
func clonePolygons(mp orb.MultiPolygon) orb.MultiPolygon {
	out := make(orb.MultiPolygon, len(mp))
	for i, p := range mp {
		out[i] = make(orb.Polygon, len(p))
		for j, r := range p {
			out[i][j] = slices.Clone(r)
		}
	}
	return out
}
