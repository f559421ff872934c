// Package geodesic measures areas and lengths on the WGS84 ellipsoid with
// Karney's algorithms, through PROJ's geodesic.h (the C port of
// GeographicLib). Spherical formulas such as orb/geo.Area are ~0.2% off at
// Aleppo's latitude; everything frontline reports goes through here.
package geodesic

/*
#cgo LDFLAGS: -lproj
#cgo noescape ring_area
#cgo nocallback ring_area
#cgo noescape line_length
#cgo nocallback line_length
#cgo noescape geodesic_points
#cgo nocallback geodesic_points
#include <geodesic.h>

// The WGS84 ellipsoid, initialised once when the program is loaded (before
// any goroutine runs) and only read after: no locking, no per-call set-up.
static struct geod_geodesic wgs84;

__attribute__((constructor)) static void init_wgs84(void) {
	geod_init(&wgs84, 6378137, 1/298.257223563);
}

static double ring_area(double *lats, double *lons, int n) {
	double area, perim;
	geod_polygonarea(&wgs84, lats, lons, n, &area, &perim);
	return area;
}

// line_length sums the geodesic lengths of the n-1 segments of a line
// given as interleaved lon, lat pairs.
static double line_length(const double *lonlat, int n) {
	double total = 0, s12;
	for (int i = 1; i < n; i++) {
		geod_inverse(&wgs84, lonlat[2*i-1], lonlat[2*i-2], lonlat[2*i+1], lonlat[2*i], &s12, 0, 0);
		total += s12;
	}
	return total;
}
// geodesic_points writes the n-1 points that cut the geodesic from
// (lon1, lat1) to (lon2, lat2) into n equal parts, as lon, lat pairs.
static void geodesic_points(double lon1, double lat1, double lon2, double lat2, int n, double *out) {
	struct geod_geodesicline l;
	geod_inverseline(&l, &wgs84, lat1, lon1, lat2, lon2, 0);
	for (int i = 1; i < n; i++) {
		double lat, lon;
		geod_position(&l, l.s13 * i / n, &lat, &lon, 0);
		out[2*(i-1)] = lon;
		out[2*(i-1)+1] = lat;
	}
}
*/
import "C"

import (
	"math"
	"unsafe"

	"github.com/paulmach/orb"
)

// stackPoints is the ring size up to which coordinates are passed to C
// from the stack instead of the heap.
const stackPoints = 64

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
	var latBuf, lonBuf [stackPoints]C.double
	lats, lons := latBuf[:0], lonBuf[:0]
	if n > stackPoints {
		lats, lons = make([]C.double, 0, n), make([]C.double, 0, n)
	}
	for i := 0; i < n; i++ {
		lons = append(lons, C.double(r[i][0]))
		lats = append(lats, C.double(r[i][1]))
	}
	return float64(C.ring_area(&lats[0], &lons[0], C.int(n)))
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
	return lineLength(orb.LineString{a, b})
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
	// An orb.Point is two float64s, lon then lat, as C's double[2]: the
	// line's backing array is passed as it is, in one call.
	return float64(C.line_length((*C.double)(unsafe.Pointer(&ls[0])), C.int(len(ls))))
}

// DensifyRing returns r with points added along the geodesic of every
// segment longer than maxM metres, cutting it into equal parts no longer
// than maxM: the lines between the points then stay within millimetres of
// the geodesic (for maxM up to a kilometre), so an overlay that works on
// straight lines in longitude and latitude, and splits a segment where it
// meets another line, keeps the area the geodesic edges enclose. r itself
// is returned when no segment is longer.
func DensifyRing(r orb.Ring, maxM float64) orb.Ring {
	if !(maxM > 0) || len(r) < 2 {
		return r
	}
	var out orb.Ring
	var buf []float64
	// A segment is no longer than the path along its meridian and then its
	// parallel: at most 111.7 km a degree of either (a degree of latitude
	// near the poles; of longitude at the equator, 111.3 km). The many
	// short segments skip the geodesic.
	const metresPerDegree = 111_700
	for i := 0; i+1 < len(r); i++ {
		a, b := r[i], r[i+1]
		if (math.Abs(b[0]-a[0])+math.Abs(b[1]-a[1]))*metresPerDegree <= maxM {
			if out != nil {
				out = append(out, a)
			}
			continue
		}
		d := Distance(a, b)
		if !(d > maxM) || math.IsInf(d, 0) {
			if out != nil {
				out = append(out, a)
			}
			continue
		}
		if out == nil {
			out = make(orb.Ring, 0, len(r)+16)
			out = append(out, r[:i]...)
		}
		out = append(out, a)
		n := int(math.Ceil(d / maxM))
		if n > 1<<20 {
			n = 1 << 20 // a segment of 1,000 km or more at 1 m: the limit bounds the work
		}
		if cap(buf) < 2*(n-1) {
			buf = make([]float64, 2*(n-1))
		}
		buf = buf[:2*(n-1)]
		C.geodesic_points(C.double(a[0]), C.double(a[1]), C.double(b[0]), C.double(b[1]), C.int(n), (*C.double)(unsafe.Pointer(&buf[0])))
		for k := 0; k+1 < len(buf); k += 2 {
			out = append(out, orb.Point{buf[k], buf[k+1]})
		}
	}
	if out == nil {
		return r
	}
	return append(out, r[len(r)-1])
}
