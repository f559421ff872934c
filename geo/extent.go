package geo

import (
	"fmt"
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// minDistrictsForOutliers is the fewest districts whose main extent says
// where the dataset lies: fewer are too few to call one of them far.
const minDistrictsForOutliers = 10

// kmPerDegree is a degree of latitude, near enough for a warning.
const kmPerDegree = 111.2

// warnExtent warns about districts whose place is doubtful: one spanning
// more than 180° of longitude (a ring crossing the antimeridian the long way
// round, or a wrong coordinate), one lying outside the extent of most
// districts by more than its own size and half that extent (a coordinate
// typo, or a feature in another CRS; a peripheral district or an island
// off the coast is nearer, and one its neighbours reach is no typo), and,
// for a layer reprojected from a crs member, where its
// districts came to lie: a wrong crs member puts them elsewhere with wrong
// areas, and nothing else would tell.
func warnExtent(ds []District, crs *sourceCRS, file string, ps *problems) {
	if len(ds) == 0 {
		return
	}
	bounds := make([]orb.Bound, len(ds))
	var all orb.Bound
	var wide []bool
	for i, d := range ds {
		bounds[i] = d.Geometry.Bound()
		if i == 0 {
			all = bounds[i]
		} else {
			all = all.Union(bounds[i])
		}
		span := bounds[i].Max[0] - bounds[i].Min[0]
		wide = append(wide, span > 180)
		if span > 180 {
			ps.featureWarnf(file, fmt.Sprintf("%q", d.ID), "spans %.1f° of longitude (%.4f to %.4f): a ring that crosses the antimeridian "+
				"(180°) must be split there (RFC 7946 §3.1.9; ogr2ogr -wrapdateline), or a coordinate is wrong; its area (%.3f km²) would be wrong",
				span, bounds[i].Min[0], bounds[i].Max[0], d.AreaKm2)
		}
	}
	if crs != nil {
		ps.warnf(file, 0, "the \"crs\" member names %s: the coordinates were reprojected to WGS84 and the districts lie at lon %.4f to %.4f, "+
			"lat %.4f to %.4f; if that is not where they are, the crs member is wrong, and so is every area and length: name the CRS "+
			"the file was made in, or reproject it to EPSG:4326 (ogr2ogr -t_srs EPSG:4326)", crsLabel(crs), all.Min[0], all.Max[0], all.Min[1], all.Max[1])
	}
	if len(ds) < minDistrictsForOutliers {
		return
	}
	main, ok := mainExtent(bounds, wide)
	if !ok {
		return
	}
	mscale := math.Cos((main.Min[1] + main.Max[1]) / 2 * math.Pi / 180)
	half := math.Hypot((main.Max[0]-main.Min[0])*mscale, main.Max[1]-main.Min[1]) / 2
	for i, d := range ds {
		if wide[i] {
			continue
		}
		b := bounds[i]
		scale := math.Cos((b.Min[1] + b.Max[1]) / 2 * math.Pi / 180)
		dx := math.Max(0, math.Max(main.Min[0]-b.Max[0], b.Min[0]-main.Max[0])) * scale
		dy := math.Max(0, math.Max(main.Min[1]-b.Max[1], b.Min[1]-main.Max[1]))
		far := math.Hypot(dx, dy)
		size := math.Hypot((b.Max[0]-b.Min[0])*scale, b.Max[1]-b.Min[1])
		if far > size && far > half && isolated(i, bounds, size) {
			ps.featureWarnf(file, fmt.Sprintf("%q", d.ID), "lies %.1f km outside the extent of most districts (lon %.4f to %.4f, lat %.4f to %.4f), "+
				"farther than its own size (%.1f km) and than half that extent: check its coordinates (a typo, swapped lon/lat, or another CRS)",
				far*kmPerDegree, main.Min[0], main.Max[0], main.Min[1], main.Max[1], size*kmPerDegree)
		}
	}
}

// isolated reports whether district i lies farther than size (degrees,
// longitude scaled) from every other district: a district outside the
// main extent that its neighbours reach (the west of a country whose
// districts crowd along a front in the east) is no typo.
func isolated(i int, bounds []orb.Bound, size float64) bool {
	b := bounds[i]
	scale := math.Cos((b.Min[1] + b.Max[1]) / 2 * math.Pi / 180)
	for j, o := range bounds {
		if j == i {
			continue
		}
		dx := math.Max(0, math.Max(o.Min[0]-b.Max[0], b.Min[0]-o.Max[0])) * scale
		dy := math.Max(0, math.Max(o.Min[1]-b.Max[1], b.Min[1]-o.Max[1]))
		if math.Hypot(dx, dy) <= size {
			return false
		}
	}
	return true
}

// mainExtent returns the extent of the districts whose centres lie within
// the 5th to 95th percentile of all centres in longitude and latitude:
// where the dataset is, whatever a few stray districts say.
func mainExtent(bounds []orb.Bound, skip []bool) (orb.Bound, bool) {
	var lons, lats []float64
	for i, b := range bounds {
		if !skip[i] {
			c := b.Center()
			lons, lats = append(lons, c[0]), append(lats, c[1])
		}
	}
	if len(lons) == 0 {
		return orb.Bound{}, false
	}
	sort.Float64s(lons)
	sort.Float64s(lats)
	q := func(s []float64, p float64) float64 { return s[int(p*float64(len(s)-1))] }
	lo := orb.Point{q(lons, 0.05), q(lats, 0.05)}
	hi := orb.Point{q(lons, 0.95), q(lats, 0.95)}
	var main orb.Bound
	found := false
	for i, b := range bounds {
		c := b.Center()
		if skip[i] || c[0] < lo[0] || c[0] > hi[0] || c[1] < lo[1] || c[1] > hi[1] {
			continue
		}
		if !found {
			main, found = b, true
		} else {
			main = main.Union(b)
		}
	}
	return main, found
}
