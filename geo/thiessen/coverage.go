package thiessen

import (
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/twpayne/go-geos"

	"github.com/frontline/frontline/geo/internal/geosx"
)

// gridDeg is the size of the output grid in degrees: 10^-Decimals.
const gridDeg = 1e-7

// roundDeg rounds degrees to Decimals decimals as GEOS's fixed precision
// model (scale 1/gridDeg) does; -0 becomes 0 so that it is written as 0.
func roundDeg(v float64) float64 {
	const scale = 1 / gridDeg
	return math.Floor(v*scale+0.5)/scale + 0
}

// round converts the cells to WGS84 and puts them on the grid of Decimals
// decimals as one coverage, so that neighbours stay gap- and overlap-free:
//
//  1. the boundaries of all cells are unioned with snap-rounding on the grid
//     (GEOS OverlayNG with a fixed precision model), which nodes them and
//     merges every pair of points closer than the grid into one;
//  2. the noded lines are polygonized into faces;
//  3. each face goes to the district whose unrounded cell covers most of it
//     (faces outside every cell, such as holes of the outline, are dropped);
//  4. the faces of a district are joined with a coverage union, which keeps
//     their vertices, and the rings are oriented (exterior counter-clockwise,
//     holes clockwise).
//
// Then every district is checked to be valid and no two districts to overlap.
func (b *build) round(ctx *geos.Context) error {
	cache := map[orb.Point]orb.Point{}
	raw := make([]*geos.Geom, len(b.districts))
	var bounds []*geos.Geom
	for i, d := range b.districts {
		if len(d.cell) == 0 {
			continue
		}
		ll := orb.Clone(d.cell).(orb.MultiPolygon)
		for _, poly := range ll {
			for _, ring := range poly {
				for k, p := range ring {
					q, ok := cache[p]
					if !ok {
						var err error
						if q, err = b.plane.inverse(p); err != nil {
							return fmt.Errorf("district %s: %w", placeRef(d.place), err)
						}
						cache[p] = q
					}
					ring[k] = q
				}
			}
		}
		g, err := geosx.ToGEOS(ctx, ll)
		if err != nil {
			return err
		}
		raw[i] = g
		bounds = append(bounds, g.Boundary())
	}
	linework := ctx.NewCollection(geos.TypeIDGeometryCollection, bounds).UnaryUnionPrec(gridDeg)
	faces := ctx.Polygonize([]*geos.Geom{linework})

	owned := make([][]*geos.Geom, len(b.districts))
	for k := range faces.NumGeometries() {
		face := faces.Geometry(k).Clone()
		area := face.Area()
		fb := face.Bounds()
		best, bestArea := -1, 0.0
		for i, g := range raw {
			if g == nil || !boxesIntersect(fb, g.Bounds()) {
				continue
			}
			inter := face.Intersection(g)
			if inter == nil {
				return fmt.Errorf("GEOS failed to intersect a face with district %s", placeRef(b.districts[i].place))
			}
			if a := inter.Area(); a > bestArea {
				best, bestArea = i, a
			}
		}
		if best >= 0 && bestArea > area/2 {
			owned[best] = append(owned[best], face)
		}
	}

	var errs []error
	for i, d := range b.districts {
		d.lonLat = nil
		if raw[i] == nil {
			continue
		}
		if len(owned[i]) == 0 {
			errs = append(errs, fmt.Errorf("district %s vanishes when rounded to %d decimals: it is narrower than about 1 cm; move its place or the outline", placeRef(d.place), Decimals))
			continue
		}
		g := owned[i][0]
		if len(owned[i]) > 1 {
			g = ctx.NewCollection(geos.TypeIDGeometryCollection, owned[i]).CoverageUnion()
		}
		mp, err := geosx.PolygonalParts(g)
		if err != nil {
			return err
		}
		for _, poly := range mp {
			for j, ring := range poly {
				for k, p := range ring {
					ring[k] = orb.Point{p[0] + 0, p[1] + 0} // -0 (from rounding) is written as 0
				}
				if (ring.Orientation() == orb.CCW) != (j == 0) {
					ring.Reverse()
				}
			}
		}
		d.lonLat = mp
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	return b.checkRounded(ctx)
}

func boxesIntersect(a, b *geos.Box2D) bool {
	return a.MinX <= b.MaxX && b.MinX <= a.MaxX && a.MinY <= b.MaxY && b.MinY <= a.MaxY
}

// checkRounded checks that each rounded district is valid and that no two
// districts' interiors intersect.
func (b *build) checkRounded(ctx *geos.Context) error {
	var errs []error
	geoms := make([]*geos.Geom, len(b.districts))
	for i, d := range b.districts {
		if len(d.lonLat) == 0 {
			continue
		}
		g, err := geosx.ToGEOS(ctx, d.lonLat)
		if err != nil {
			return err
		}
		if !g.IsValid() {
			errs = append(errs, fmt.Errorf("district %s is invalid after rounding to %d decimals: %s", placeRef(d.place), Decimals, g.IsValidReason()))
			continue
		}
		geoms[i] = g
	}
	for i, g := range geoms {
		if g == nil {
			continue
		}
		bi := b.districts[i].lonLat.Bound()
		for j := i + 1; j < len(geoms); j++ {
			h := geoms[j]
			if h == nil || !bi.Intersects(b.districts[j].lonLat.Bound()) {
				continue
			}
			if g.RelatePattern(h, "T********") {
				errs = append(errs, fmt.Errorf("districts %s and %s overlap after rounding to %d decimals: please report this with the input",
					placeRef(b.districts[i].place), placeRef(b.districts[j].place), Decimals))
			}
		}
	}
	return errors.Join(errs...)
}

// warnThin warns about districts whose largest inscribed circle has a radius
// under thinM metres (measured in the plane before rounding).
func (b *build) warnThin(ctx *geos.Context, thinM float64) error {
	if thinM <= 0 {
		return nil
	}
	for _, d := range b.districts {
		if len(d.cell) == 0 {
			continue
		}
		g, err := geosx.ToGEOS(ctx, d.cell)
		if err != nil {
			return err
		}
		if r := g.MaximumInscribedCircle(thinM / 100).Length(); r < thinM {
			b.warnf("district %s is thin: the largest circle inside it has a radius of %.0f m (under %g m); check its place against its neighbours", placeRef(d.place), r, thinM)
		}
	}
	return nil
}
