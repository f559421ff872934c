package polygons

import (
	"github.com/paulmach/orb"

	"github.com/frontline/frontline/geo/geodesic"
)

// geodesicCache keeps validOnGrid's geodesic work by segment: the points
// densify adds to each input segment and each output edge's share of the
// area. A day's map shares most of its segments with the day before, so
// most of the work is done once; each day forgets what it did not use, so
// the cache holds about two days' segments. It is not saved: an importer
// resumed from its state starts with an empty cache and gets the same
// results. The zero value is ready to use.
type geodesicCache struct {
	dense geodesic.DensifyCache
	area  geodesic.AreaCache
}

// densify is densify(mp), the same points.
func (c *geodesicCache) densify(mp orb.MultiPolygon) orb.MultiPolygon {
	out := make(orb.MultiPolygon, len(mp))
	for i, p := range mp {
		out[i] = make(orb.Polygon, len(p))
		for j, r := range p {
			out[i][j] = c.dense.DensifyRing(r, densifyM)
		}
	}
	return out
}

// nextDay forgets the segments the day just done did not use.
func (c *geodesicCache) nextDay() {
	c.dense.Next()
	c.area.Next()
}
