// Package geodesic measures areas and lengths on the WGS84 ellipsoid with
// Karney's algorithms, through PROJ's geodesic.h (the C port of
// GeographicLib). Spherical formulas such as orb/geo.Area are ~0.2% off at
// Aleppo's latitude; everything frontline reports goes through here.
package geodesic

/*
#cgo LDFLAGS: -lproj -lm
#cgo noescape ring_area
#cgo nocallback ring_area
#cgo noescape line_length
#cgo nocallback line_length
#cgo noescape geodesic_points
#cgo nocallback geodesic_points
#cgo noescape edge_terms
#cgo nocallback edge_terms
#include <math.h>
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

// ang_normalize, sum_err and transit are geodesic.c's AngNormalize, sumx
// and transit, which it keeps static: transit is 1 or -1 when the edge from
// lon1 to lon2 crosses the prime meridian eastwards or westwards, else 0,
// with the longitude difference Inverse takes (AngDiff).
static double ang_normalize(double x) {
	double y = remainder(x, 360.0);
	return fabs(y) == 180 ? copysign(180.0, x) : y;
}

static double sum_err(double u, double v, double *t) {
	volatile double s = u + v;
	volatile double up = s - v;
	volatile double vpp = s - up;
	up -= u;
	vpp -= v;
	*t = s != 0 ? 0 - (up + vpp) : s;
	return s;
}

static int transit(double lon1, double lon2) {
	double t, d = sum_err(remainder(-lon1, 360.0), remainder(lon2, 360.0), &t);
	d = sum_err(remainder(d, 360.0), t, &t);
	if (d == 0 || fabs(d) == 180)
		d = copysign(d, t == 0 ? lon2 - lon1 : -t);
	lon1 = ang_normalize(lon1);
	lon2 = ang_normalize(lon2);
	return d > 0 && ((lon1 < 0 && lon2 >= 0) || (lon1 > 0 && lon2 == 0)) ? 1 :
		(d < 0 && lon1 >= 0 && lon2 < 0 ? -1 : 0);
}

// edge_terms writes, for each of the n edges given as lon1, lat1, lon2,
// lat2, what geod_polygon_addpoint adds for it: the area between the edge
// and the equator (S12, with s12 asked for too, as addpoint does) and its
// transit of the prime meridian.
static void edge_terms(const double *e, int n, double *S12, int *tr) {
	for (int i = 0; i < n; i++, e += 4) {
		double s12;
		geod_geninverse(&wgs84, e[1], e[0], e[3], e[2], &s12, 0, 0, 0, 0, 0, &S12[i]);
		tr[i] = transit(e[0], e[2]);
	}
}

// ellipsoid_area is the ellipsoid's whole area, as geod_polygon_compute
// reduces a ring's area by it.
static double ellipsoid_area(void) {
	return 4 * M_PI * wgs84.c2;
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

// ellipsoidArea is geod_polygon_compute's area0.
var ellipsoidArea = float64(C.ellipsoid_area())

// edgeTerms fills s12[i] and tr[i] with the terms geod_polygon_addpoint
// adds for the edge from (pts[4i], pts[4i+1]) to (pts[4i+2], pts[4i+3]),
// lon, lat, in one call.
func edgeTerms(pts, s12 []float64, tr []int32) {
	if len(s12) == 0 {
		return
	}
	C.edge_terms((*C.double)(unsafe.Pointer(&pts[0])), C.int(len(s12)), (*C.double)(unsafe.Pointer(&s12[0])), (*C.int)(unsafe.Pointer(&tr[0])))
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
func PolygonArea(p orb.Polygon) float64 { return polygonArea(p, RingArea) }

func polygonArea(p orb.Polygon, ringArea func(orb.Ring) float64) float64 {
	if len(p) == 0 {
		return 0
	}
	a := math.Abs(ringArea(p[0]))
	for _, h := range p[1:] {
		a -= math.Abs(ringArea(h))
	}
	return a
}

// Area returns the ellipsoidal area in m² of a Polygon, MultiPolygon or
// Collection (summed); other geometry types have no area and give 0.
func Area(g orb.Geometry) float64 { return area(g, RingArea) }

func area(g orb.Geometry, ringArea func(orb.Ring) float64) float64 {
	switch g := g.(type) {
	case orb.Polygon:
		return polygonArea(g, ringArea)
	case orb.MultiPolygon:
		var a float64
		for _, p := range g {
			a += polygonArea(p, ringArea)
		}
		return a
	case orb.Collection:
		var a float64
		for _, c := range g {
			a += area(c, ringArea)
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
	return densifyRing(r, maxM, func(a, b orb.Point) []orb.Point { return cutSegment(a, b, maxM) })
}

// densifyRing is DensifyRing with the points that cut a segment longer
// than maxM (nil for a shorter one) given by cut.
func densifyRing(r orb.Ring, maxM float64, cut func(a, b orb.Point) []orb.Point) orb.Ring {
	if !(maxM > 0) || len(r) < 2 {
		return r
	}
	var out orb.Ring
	for i := 0; i+1 < len(r); i++ {
		a, b := r[i], r[i+1]
		var pts []orb.Point
		if !surelyWithin(a, b, maxM) {
			pts = cut(a, b)
		}
		if len(pts) == 0 {
			if out != nil {
				out = append(out, a)
			}
			continue
		}
		if out == nil {
			out = make(orb.Ring, 0, len(r)+len(pts)+16)
			out = append(out, r[:i]...)
		}
		out = append(out, a)
		out = append(out, pts...)
	}
	if out == nil {
		return r
	}
	return append(out, r[len(r)-1])
}

// The WGS84 ellipsoid's semi-major axis and squared eccentricity, for
// surelyWithin's bound.
const (
	wgs84A  = 6378137
	wgs84E2 = (2 - 1/298.257223563) / 298.257223563
	// metresPerDegreeLat is at least the length of a degree of latitude
	// anywhere (111.694 km near the poles).
	metresPerDegreeLat = 111_700
)

// lonDegreeM[k] is the length of a degree of longitude along the parallel
// at k/10 degrees of latitude, N·cos φ·π/180, with a margin of 1e-9 for
// its rounding: at least its length at any latitude from k/10 degrees
// poleward, as parallels shorten towards the poles.
var lonDegreeM = func() (t [901]float64) {
	for k := range t {
		sin, cos := math.Sincos(float64(k) / 10 * (math.Pi / 180))
		t[k] = wgs84A * (math.Pi / 180) * math.Max(cos, 0) / math.Sqrt(1-wgs84E2*sin*sin) * (1 + 1e-9)
	}
	return t
}()

// surelyWithin reports whether the geodesic from a to b is certainly no
// longer than maxM, without computing it. The geodesic is no longer than
// any path between the points, such as the one along a's meridian to b's
// latitude and then along that parallel; b is taken to be the point
// farther from the equator, where the parallel is shortest. The margin of
// 1e-9 covers the rounding of the bound; false leaves the decision to the
// geodesic.
func surelyWithin(a, b orb.Point, maxM float64) bool {
	dlon, dlat := math.Abs(b[0]-a[0]), math.Abs(b[1]-a[1])
	// Most segments are far shorter: the old bound, 111.7 km a degree of
	// either, settles them without the table.
	if (dlon+dlat)*metresPerDegreeLat <= maxM {
		return true
	}
	lat := math.Max(math.Abs(a[1]), math.Abs(b[1]))
	if !(lat <= 90) {
		return false
	}
	return (dlat*metresPerDegreeLat+dlon*lonDegreeM[int(lat*10)])*(1+1e-9) <= maxM
}

// cutSegment returns the points that cut the geodesic from a to b into
// equal parts no longer than maxM, or nil when it is no longer.
func cutSegment(a, b orb.Point, maxM float64) []orb.Point {
	d := Distance(a, b)
	if !(d > maxM) || math.IsInf(d, 0) {
		return nil
	}
	n := int(math.Ceil(d / maxM))
	if n > 1<<20 {
		n = 1 << 20 // a segment of 1,000 km or more at 1 m: the limit bounds the work
	}
	if n < 2 {
		n = 2 // d/maxM rounded down to 1
	}
	pts := make([]orb.Point, n-1)
	// An orb.Point is lon, lat as C's double[2]: C writes into the slice.
	C.geodesic_points(C.double(a[0]), C.double(a[1]), C.double(b[0]), C.double(b[1]), C.int(n), (*C.double)(unsafe.Pointer(&pts[0])))
	return pts
}
