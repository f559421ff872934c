package thiessen

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/geojson"
	"github.com/twpayne/go-geos"

	"github.com/frontline/frontline/geo/internal/geosx"
)

// Defaults used when the matching Options field is zero.
const (
	// DefaultBufferM is the radius of the disc drawn around each place to
	// make the default outline. On the 129 places of shared/aleppo-places.csv,
	// measured against the Columbia CSR neighbourhood layer (125.5 km²):
	// 1000 m leaves a hole inside the city and 4 separate parts; 1250 m is
	// the smallest radius in steps of 250 m with no hole (141.8 km², 2 parts:
	// the city and the isolated Sheikh Najjar), covering 81% of the CSR area;
	// 1500 m covers 84% but adds 56 km² outside it.
	DefaultBufferM = 1250.0
	// DefaultMinDistanceM is the smallest allowed distance between two
	// places. Closer places give slivers rather than districts.
	DefaultMinDistanceM = 50.0
	// DefaultThinM is the radius of the largest circle that fits in a
	// district below which the district is reported as thin.
	DefaultThinM = 100.0
	// Decimals is the number of decimals of the output coordinates (1e-7
	// degree is at most 1.1 cm).
	Decimals = 7
	// MaxSpanM is the largest allowed distance of a place from the mean of
	// all places: the local projection is meant for one city or region.
	MaxSpanM = 500e3
)

// bufferQuadSegs is the number of segments per quarter circle of the default
// outline: a chord of a 1250 m disc then deviates at most 1.5 m from it.
const bufferQuadSegs = 16

// densifyM is the longest outline edge, in metres, projected as it is. A
// longer edge, straight in lon/lat as GeoJSON means it, would be a curve in
// the plane; it is cut into pieces of at most densifyM, each of which stays
// within 1 mm of its lon/lat line up to 60° latitude (a parallel's curvature
// in the plane is about tan(lat)/R, the sagitta of a chord L is L²/8 times
// that: 0.8 mm for 150 m at 60°, 0.3 mm at 36°).
const densifyM = 150.0

// Options configures Build. The zero value gives the documented defaults.
type Options struct {
	// Outline is the area to divide, a Polygon or MultiPolygon in WGS84
	// lon/lat. If nil, the outline is the union of discs of radius BufferM
	// around the places.
	Outline orb.Geometry
	// BufferM is the disc radius in metres for the default outline; 0 means
	// DefaultBufferM. Ignored when Outline is set.
	BufferM float64
	// MinDistanceM is the smallest allowed distance in metres between two
	// places; 0 means DefaultMinDistanceM, a negative value turns the check
	// off. Identical places are always an error.
	MinDistanceM float64
	// ThinM: a district whose largest inscribed circle has a radius under
	// ThinM metres is reported as thin; 0 means DefaultThinM, negative turns
	// the warning off.
	ThinM float64
}

// Result is the outcome of Build.
type Result struct {
	// Collection holds one Feature per non-empty district, sorted by id. The
	// Feature id is the place id; the properties are id, name, name_ar,
	// aliases (array of strings), kind and coord_source. Geometries are
	// Polygon or, for a district split by the outline, MultiPolygon.
	Collection *geojson.FeatureCollection
	// Warnings lists districts that were dropped because they lie outside the
	// outline or split into several parts, and places that lie outside the
	// outline, in id order; then thin districts, in id order.
	Warnings []string
}

// district is one place's cell through the stages of the build.
type district struct {
	place  Place
	site   orb.Point        // place in the plane
	cell   orb.MultiPolygon // clipped cell in the plane
	lonLat orb.MultiPolygon // rounded WGS84 cell
}

// build holds the intermediate results, kept for the package's tests.
type build struct {
	plane     *plane
	outline   orb.MultiPolygon // in the plane
	districts []*district      // sorted by id; cells may be empty
	warnings  []string
}

// Build divides the outline into one district per place: the part of the
// outline nearer to that place than to any other (in the local projection,
// see the package documentation). The places need unique non-empty ids and
// valid coordinates; their order does not matter.
//
// Errors: no places, invalid places, places closer than MinDistanceM or
// identical, places farther than MaxSpanM from their mean, an outline that is
// not a valid Polygon or MultiPolygon, and districts that rounding to Decimals
// would make invalid or overlapping.
func Build(places []Place, opt Options) (*Result, error) {
	b, err := runBuild(places, opt)
	if err != nil {
		return nil, err
	}
	b.plane.close()
	fc := geojson.NewFeatureCollection()
	for _, d := range b.districts {
		if len(d.lonLat) == 0 {
			continue
		}
		var g orb.Geometry = d.lonLat
		if len(d.lonLat) == 1 {
			g = d.lonLat[0]
		}
		f := geojson.NewFeature(g)
		f.ID = d.place.ID
		aliases := d.place.Aliases
		if aliases == nil {
			aliases = []string{}
		}
		f.Properties = geojson.Properties{
			"id":           d.place.ID,
			"name":         d.place.Name,
			"name_ar":      d.place.NameAr,
			"aliases":      slices.Clone(aliases),
			"kind":         d.place.Kind,
			"coord_source": d.place.CoordSource,
		}
		fc.Append(f)
	}
	return &Result{Collection: fc, Warnings: b.warnings}, nil
}

// runBuild does the work of Build; GEOS failures, which go-geos raises as
// panics of type geos.Error, become errors, and so does any other panic:
// hostile input must never take the process down. On success the caller
// closes b.plane (or leaves it to the garbage collector).
func runBuild(places []Place, opt Options) (b *build, err error) {
	var pl *plane
	defer func() {
		if r := recover(); r != nil {
			if gerr, ok := r.(geos.Error); ok {
				err = fmt.Errorf("GEOS failed: %w", gerr)
			} else {
				err = fmt.Errorf("internal error while building districts (please report it with the input): %v", r)
			}
		}
		if err != nil {
			b = nil
			if pl != nil {
				pl.close()
			}
		}
	}()
	if err := checkPlaces(places); err != nil {
		return nil, err
	}
	opt, err = opt.withDefaults()
	if err != nil {
		return nil, err
	}
	b = &build{}
	for _, p := range places {
		b.districts = append(b.districts, &district{place: p})
	}
	slices.SortFunc(b.districts, func(x, y *district) int { return strings.Compare(x.place.ID, y.place.ID) })

	var lon0, lat0 float64
	for _, d := range b.districts {
		lon0 += d.place.Lon
		lat0 += d.place.Lat
	}
	n := float64(len(b.districts))
	if pl, err = newPlane(lon0/n, lat0/n); err != nil {
		return nil, err
	}
	b.plane = pl
	for _, d := range b.districts {
		if d.site, err = b.plane.forward(orb.Point{d.place.Lon, d.place.Lat}); err != nil {
			return nil, fmt.Errorf("place %s: %w", placeRef(d.place), err)
		}
	}
	if err := checkSpan(b); err != nil {
		return nil, err
	}
	if err := checkDistances(b.districts, opt.MinDistanceM); err != nil {
		return nil, err
	}

	ctx := geos.NewContext()
	outline, err := b.makeOutline(ctx, opt)
	if err != nil {
		return nil, err
	}
	if err := b.makeCells(ctx, outline); err != nil {
		return nil, err
	}
	if err := b.round(ctx); err != nil {
		return nil, err
	}
	if err := b.warnThin(ctx, opt.ThinM); err != nil {
		return nil, err
	}
	return b, nil
}

func (o Options) withDefaults() (Options, error) {
	if o.BufferM == 0 {
		o.BufferM = DefaultBufferM
	}
	if o.MinDistanceM == 0 {
		o.MinDistanceM = DefaultMinDistanceM
	}
	if o.ThinM == 0 {
		o.ThinM = DefaultThinM
	}
	for _, v := range []struct {
		name string
		val  float64
	}{{"BufferM", o.BufferM}, {"MinDistanceM", o.MinDistanceM}, {"ThinM", o.ThinM}} {
		if math.IsNaN(v.val) || math.IsInf(v.val, 0) {
			return o, fmt.Errorf("option %s is %v: give a finite number of metres", v.name, v.val)
		}
	}
	if o.Outline == nil && o.BufferM < 0 {
		return o, fmt.Errorf("option BufferM is %g: the buffer radius must be positive", o.BufferM)
	}
	return o, nil
}

// placeRef names a place in messages: its id and, if known, its line.
func placeRef(p Place) string {
	if p.Line > 0 {
		return fmt.Sprintf("%q (line %d)", p.ID, p.Line)
	}
	return fmt.Sprintf("%q", p.ID)
}

// checkPlaces checks what ReadPlaces checks, for places made by other code.
func checkPlaces(places []Place) error {
	if len(places) == 0 {
		return errors.New("no places: give at least one place")
	}
	var errs []error
	seen := map[string]bool{}
	for i, p := range places {
		switch {
		case p.ID == "":
			errs = append(errs, fmt.Errorf("place %d (line %d) has an empty id: give every place a unique id", i, p.Line))
		case seen[p.ID]:
			errs = append(errs, fmt.Errorf("duplicate id %s: ids must be unique", placeRef(p)))
		}
		seen[p.ID] = true
		if !(p.Lon >= -180 && p.Lon <= 180 && p.Lat >= -90 && p.Lat <= 90) {
			errs = append(errs, fmt.Errorf("place %s: lon %v, lat %v out of range: give WGS84 decimal degrees, lon in [-180, 180], lat in [-90, 90]", placeRef(p), p.Lon, p.Lat))
		}
	}
	return errors.Join(errs...)
}

// checkSpan rejects places too far from their mean for the local projection.
func checkSpan(b *build) error {
	var errs []error
	for _, d := range b.districts {
		if r := math.Hypot(d.site[0], d.site[1]); r > MaxSpanM || math.IsNaN(r) {
			errs = append(errs, fmt.Errorf("place %s lies %.0f km from the mean of all places (%.6f, %.6f), more than %.0f km: build districts for one city or region at a time",
				placeRef(d.place), r/1000, b.plane.lon0, b.plane.lat0, MaxSpanM/1000))
		}
	}
	return errors.Join(errs...)
}

// checkDistances reports every pair of places closer than minDist metres (and
// identical pairs whatever minDist is). It sweeps the places sorted by x, so
// only pairs within minDist in x are compared.
func checkDistances(ds []*district, minDist float64) error {
	minDist = max(minDist, 0)
	order := make([]*district, len(ds))
	copy(order, ds)
	slices.SortStableFunc(order, func(a, b *district) int {
		if c := cmpFloat(a.site[0], b.site[0]); c != 0 {
			return c
		}
		return cmpFloat(a.site[1], b.site[1])
	})
	var errs []error
	for i, a := range order {
		for _, b := range order[i+1:] {
			if b.site[0]-a.site[0] > minDist {
				break
			}
			dist := math.Hypot(b.site[0]-a.site[0], b.site[1]-a.site[1])
			p, q := a.place, b.place
			if p.ID > q.ID {
				p, q = q, p
			}
			switch {
			case p.Lon == q.Lon && p.Lat == q.Lat || dist == 0:
				errs = append(errs, fmt.Errorf("places %s and %s have identical coordinates (%v, %v): drop one or correct its coordinates",
					placeRef(p), placeRef(q), p.Lon, p.Lat))
			case dist < minDist:
				errs = append(errs, fmt.Errorf("places %s and %s are %.1f m apart, closer than the minimum distance %g m: merge them, drop one, or lower the minimum distance",
					placeRef(p), placeRef(q), dist, minDist))
			}
		}
	}
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errors.Join(errs...)
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// makeOutline returns the outline in the plane as a GEOS geometry and stores
// it in b.outline.
func (b *build) makeOutline(ctx *geos.Context, opt Options) (*geos.Geom, error) {
	var g *geos.Geom
	if opt.Outline == nil {
		pts := make(orb.MultiPoint, len(b.districts))
		for i, d := range b.districts {
			pts[i] = d.site
		}
		sites, err := geosx.ToGEOS(ctx, pts)
		if err != nil {
			return nil, err
		}
		g = sites.Buffer(opt.BufferM, bufferQuadSegs)
	} else {
		mp, err := outlineMultiPolygon(opt.Outline)
		if err != nil {
			return nil, err
		}
		lonLat, err := geosx.ToGEOS(ctx, mp)
		if err != nil {
			return nil, err
		}
		if !lonLat.IsValid() {
			return nil, fmt.Errorf("the outline is not a valid polygon: %s: fix it, e.g. with QGIS's Fix geometries or ST_MakeValid", lonLat.IsValidReason())
		}
		proj, err := b.plane.forwardMultiPolygon(densify(mp, densifyM))
		if err != nil {
			return nil, fmt.Errorf("outline: %w", err)
		}
		if g, err = geosx.ToGEOS(ctx, proj); err != nil {
			return nil, err
		}
		if !g.IsValid() {
			return nil, fmt.Errorf("the outline becomes invalid in the local projection: %s: simplify it or remove near-duplicate vertices", g.IsValidReason())
		}
	}
	if g.IsEmpty() || g.Area() == 0 {
		return nil, errors.New("the outline is empty or has no area: give a Polygon or MultiPolygon that encloses the places")
	}
	var err error
	if b.outline, err = geosx.PolygonalParts(g); err != nil {
		return nil, err
	}
	return g, nil
}

// outlineMultiPolygon accepts a Polygon or MultiPolygon with finite lon/lat
// coordinates.
func outlineMultiPolygon(g orb.Geometry) (orb.MultiPolygon, error) {
	var mp orb.MultiPolygon
	switch g := g.(type) {
	case orb.Polygon:
		mp = orb.MultiPolygon{g}
	case orb.MultiPolygon:
		mp = g
	case nil:
		return nil, errors.New("the outline has no geometry: give a Polygon or MultiPolygon")
	default:
		return nil, fmt.Errorf("the outline is a %s: give a Polygon or MultiPolygon", g.GeoJSONType())
	}
	for _, poly := range mp {
		for _, ring := range poly {
			for _, pt := range ring {
				if !(pt[0] >= -180 && pt[0] <= 180 && pt[1] >= -90 && pt[1] <= 90) {
					return nil, fmt.Errorf("the outline has the point %v out of range: give WGS84 lon/lat degrees", pt)
				}
			}
		}
	}
	return mp, nil
}

// densify returns mp with points added on every edge longer than maxM metres
// (measured approximately, on a sphere), evenly in lon/lat.
func densify(mp orb.MultiPolygon, maxM float64) orb.MultiPolygon {
	const mPerDeg = 6371008.8 * math.Pi / 180
	out := make(orb.MultiPolygon, len(mp))
	for i, poly := range mp {
		out[i] = make(orb.Polygon, len(poly))
		for j, ring := range poly {
			var r orb.Ring
			for k, a := range ring {
				r = append(r, a)
				if k+1 == len(ring) {
					break
				}
				b := ring[k+1]
				dx := (b[0] - a[0]) * math.Cos((a[1]+b[1])/2*math.Pi/180) * mPerDeg
				dy := (b[1] - a[1]) * mPerDeg
				n := int(math.Ceil(math.Hypot(dx, dy) / maxM))
				for s := 1; s < n; s++ {
					t := float64(s) / float64(n)
					r = append(r, orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])})
				}
			}
			out[i][j] = r
		}
	}
	return out
}

// makeCells computes the Voronoi cells, matches them to the places and clips
// each cell to the outline on its own.
func (b *build) makeCells(ctx *geos.Context, outline *geos.Geom) error {
	bound := b.outline.Bound()
	for _, d := range b.districts {
		bound = bound.Extend(d.site)
	}
	margin := 0.1*math.Max(bound.Max[0]-bound.Min[0], bound.Max[1]-bound.Min[1]) + 100
	bound = bound.Pad(margin)

	cells := make([]*geos.Geom, len(b.districts))
	if len(b.districts) == 1 {
		cells[0] = ctx.NewGeomFromBounds(bound.Min[0], bound.Min[1], bound.Max[0], bound.Max[1])
	} else {
		pts := make(orb.MultiPoint, len(b.districts))
		for i, d := range b.districts {
			pts[i] = d.site
		}
		sites, err := wkb.Marshal(pts)
		if err != nil {
			return err
		}
		out, err := geosx.VoronoiDiagram(sites, bound.Min[0], bound.Min[1], bound.Max[0], bound.Max[1])
		if err != nil {
			return err
		}
		diagram, err := ctx.NewGeomFromWKB(out)
		if err != nil {
			return fmt.Errorf("reading the Voronoi diagram: %w", err)
		}
		if err := b.matchCells(ctx, diagram, cells); err != nil {
			return err
		}
	}
	prepared := outline.Prepare()
	for i, d := range b.districts {
		var clipped *geos.Geom
		if prepared.Contains(cells[i]) {
			clipped = cells[i]
		} else {
			clipped = cells[i].Intersection(outline)
			if clipped == nil {
				return fmt.Errorf("district %s: GEOS failed to clip the cell to the outline", placeRef(d.place))
			}
		}
		var err error
		if d.cell, err = geosx.PolygonalParts(clipped); err != nil {
			return fmt.Errorf("district %s: %w", placeRef(d.place), err)
		}
		site := ctx.NewPointFromXY(d.site[0], d.site[1])
		switch {
		case len(d.cell) == 0:
			b.warnf("district %s is empty: its place lies outside the outline and no part of the outline is nearest to it; it is left out", placeRef(d.place))
		case !prepared.Covers(site):
			b.warnf("place %s lies outside the outline: its district is the part of the outline nearest to it", placeRef(d.place))
		}
		if len(d.cell) > 1 {
			b.warnf("district %s is split by the outline into %d parts: it is kept as a MultiPolygon", placeRef(d.place), len(d.cell))
		}
	}
	return nil
}

// matchCells puts each Voronoi cell of diagram at the index of its place in
// cells. The centroid of a (convex) cell lies inside it, and the place nearest
// to any point of a cell is the place of that cell.
func (b *build) matchCells(ctx *geos.Context, diagram *geos.Geom, cells []*geos.Geom) error {
	if diagram.NumGeometries() != len(b.districts) {
		return fmt.Errorf("the Voronoi diagram has %d cells for %d places", diagram.NumGeometries(), len(b.districts))
	}
	for k := range diagram.NumGeometries() {
		cell := diagram.Geometry(k).Clone()
		c := cell.Centroid()
		cx, cy := c.X(), c.Y()
		best, bestDist := -1, math.Inf(1)
		for i, d := range b.districts {
			if dist := math.Hypot(d.site[0]-cx, d.site[1]-cy); dist < bestDist {
				best, bestDist = i, dist
			}
		}
		if cells[best] != nil {
			return fmt.Errorf("two Voronoi cells match place %s", placeRef(b.districts[best].place))
		}
		site := b.districts[best].site
		if !cell.Covers(ctx.NewPointFromXY(site[0], site[1])) {
			return fmt.Errorf("the Voronoi cell matched to place %s does not contain it", placeRef(b.districts[best].place))
		}
		cells[best] = cell
	}
	return nil
}

// warnf adds a warning.
func (b *build) warnf(format string, args ...any) {
	b.warnings = append(b.warnings, fmt.Sprintf(format, args...))
}
