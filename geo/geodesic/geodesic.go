// Package geodesic measures areas and lengths on the WGS84 ellipsoid with
// Karney's algorithms, through PROJ's geodesic.h (the C port of
// GeographicLib). Spherical formulas such as orb/geo.Area are ~0.2% off at
// Aleppo's latitude; everything frontline reports goes through here.
package geodesic

/*
#cgo LDFLAGS: -lproj
#include <geodesic.h>

static void wgs84(struct geod_geodesic *g) {
	geod_init(g, 6378137, 1/298.257223563);
}
*/
import "C"

import (
	"math"

	"github.com/paulmach/orb"
)

// ellipsoid is initialised per call: geod_init is cheap and a value on the
// stack needs no package state or locking.
func ellipsoid() C.struct_geod_geodesic {
	var g C.struct_geod_geodesic
	C.wgs84(&g)
	return g
}

// RingArea returns the area in m² enclosed by a ring of lon/lat points, with
// sign: positive when the ring runs counter-clockwise. A closing point equal to
// the first is optional.
func RingArea(r orb.Ring) float64 {
	n := len(r)
	if n > 1 && r[0] == r[n-1] {
		n--
	}
	if n < 3 {
		return 0
	}
	g := ellipsoid()
	lats := make([]C.double, n)
	lons := make([]C.double, n)
	for i := 0; i < n; i++ {
		lons[i] = C.double(r[i][0])
		lats[i] = C.double(r[i][1])
	}
	var area, perim C.double
	C.geod_polygonarea(&g, &lats[0], &lons[0], C.int(n), &area, &perim)
	return float64(area)
}

// PolygonArea returns the area in m² of a polygon: its outer ring less its
// holes, whatever their winding.
func PolygonArea(p orb.Polygon) float64 {
	if len(p) == 0 {
		return 0
	}
	a := math.Abs(RingArea(p[0]))
	for _, h := range p[1:] {
		a -= math.Abs(RingArea(h))
	}
	return a
}

// Area returns the ellipsoidal area in m² of a Polygon, MultiPolygon or
// Collection (summed); other geometry types have no area and give 0.
func Area(g orb.Geometry) float64 {
	switch g := g.(type) {
	case orb.Polygon:
		return PolygonArea(g)
	case orb.MultiPolygon:
		var a float64
		for _, p := range g {
			a += PolygonArea(p)
		}
		return a
	case orb.Collection:
		var a float64
		for _, c := range g {
			a += Area(c)
		}
		return a
	}
	return 0
}

// Distance returns the geodesic distance in metres between two lon/lat points.
func Distance(a, b orb.Point) float64 {
	g := ellipsoid()
	var s12 C.double
	C.geod_inverse(&g, C.double(a[1]), C.double(a[0]), C.double(b[1]), C.double(b[0]), &s12, nil, nil)
	return float64(s12)
}

// Length returns the geodesic length in metres of a LineString,
// MultiLineString, Ring, or the boundary of a Polygon/MultiPolygon; other
// types give 0.
func Length(g orb.Geometry) float64 {
	switch g := g.(type) {
	case orb.LineString:
		return lineLength(g)
	case orb.Ring:
		return lineLength(orb.LineString(g))
	case orb.MultiLineString:
		var l float64
		for _, ls := range g {
			l += lineLength(ls)
		}
		return l
	case orb.Polygon:
		var l float64
		for _, r := range g {
			l += lineLength(orb.LineString(r))
		}
		return l
	case orb.MultiPolygon:
		var l float64
		for _, p := range g {
			l += Length(p)
		}
		return l
	case orb.Collection:
		var l float64
		for _, c := range g {
			l += Length(c)
		}
		return l
	}
	return 0
}

func lineLength(ls orb.LineString) float64 {
	if len(ls) < 2 {
		return 0
	}
	g := ellipsoid()
	var total float64
	for i := 1; i < len(ls); i++ {
		var s12 C.double
		C.geod_inverse(&g, C.double(ls[i-1][1]), C.double(ls[i-1][0]), C.double(ls[i][1]), C.double(ls[i][0]), &s12, nil, nil)
		total += float64(s12)
	}
	return total
}
