package boundaries

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
	"github.com/twpayne/go-geos"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/geodesic"
	"github.com/frontline/frontline/geo/internal/geosx"
	"github.com/frontline/frontline/geo/territory"
	"github.com/frontline/frontline/geo/thiessen"
)

// Defaults used when the matching Options field is zero.
const (
	// DefaultNameProperty is the feature property that names a unit.
	DefaultNameProperty = "name"
	// DefaultMaxGapM is the widest gap between units, in metres, that is
	// closed. The Columbia CSR Aleppo layer leaves streets of 1–20 m between
	// its blocks and broad avenues and squares up to about 50 m; 60 m closes
	// them and keeps the Queiq river park, cemeteries and larger open ground
	// outside any neighbourhood as holes.
	DefaultMaxGapM = 60.0
	// DefaultReachM is how far, in metres, the ground of a place outside
	// every unit reaches from its point.
	DefaultReachM = 1500.0
)

// Geometry sources, the values of the output property geometry_source.
const (
	SourcePolygon = "polygon"  // the unit's own polygons, gaps closed
	SourceSplit   = "split"    // a Thiessen cell of a unit split among the places inside it
	SourceGapCell = "gap-cell" // a Thiessen cell of uncovered ground around a place outside every unit
)

// Options configures Build. The zero value gives the documented defaults.
type Options struct {
	// NameProperty is the feature property whose value groups features into
	// units and is matched to the places; default DefaultNameProperty.
	NameProperty string
	// Places, when given, name the districts: units take the id and
	// properties of the place they match, and places that match no unit get
	// a split or a gap cell.
	Places []thiessen.Place
	// MaxGapM is the widest gap in metres that is closed; 0 means
	// DefaultMaxGapM. At most 1000.
	MaxGapM float64
	// ReachM is the radius in metres of the ground a place outside every unit
	// may get; 0 means DefaultReachM.
	ReachM float64
	// MaxGapSites bounds the work of closing gaps (border sites); 0 means
	// territory.MaxGapSites.
	MaxGapSites int
}

// coverageOptions are the options of both cleaning passes.
func (b *build) coverageOptions() []territory.Option {
	opts := []territory.Option{territory.WithGapWidth(b.opt.MaxGapM)}
	if b.opt.MaxGapSites > 0 {
		opts = append(opts, territory.WithMaxGapSites(b.opt.MaxGapSites))
	}
	return opts
}

func (o Options) withDefaults() (Options, error) {
	if o.NameProperty == "" {
		o.NameProperty = DefaultNameProperty
	}
	if o.MaxGapM == 0 {
		o.MaxGapM = DefaultMaxGapM
	}
	if o.ReachM == 0 {
		o.ReachM = DefaultReachM
	}
	if !(o.MaxGapM > 0 && o.MaxGapM <= 1000) {
		return o, fmt.Errorf("the maximum gap %v m is out of range: give the widest street between units in metres, more than 0 and at most 1000", o.MaxGapM)
	}
	if !(o.ReachM > 0 && o.ReachM <= 20000) {
		return o, fmt.Errorf("the reach %v m is out of range: give the radius of a place's ground outside the units in metres, more than 0 and at most 20000", o.ReachM)
	}
	return o, nil
}

// Result is the outcome of Build.
type Result struct {
	// Collection holds one Feature per district, sorted by id; the Feature id
	// is the district id. Properties: id, name, and with places name_ar,
	// aliases (left out when there are none), kind, coord_source; then
	// geometry_source (SourcePolygon, SourceSplit or SourceGapCell) and
	// source_names (the layer's names the geometry comes from; not for gap
	// cells).
	Collection *geojson.FeatureCollection
	// Report says what the build did to the layer.
	Report Report
}

// Encode writes the districts as GeoJSON with thiessen's deterministic
// district-file encoder: the same result always gives the same bytes.
func (r *Result) Encode(w io.Writer) error {
	return thiessen.EncodeCollection(w, r.Collection)
}

// unit is one district through the stages of the build.
type unit struct {
	id     string
	place  *thiessen.Place // nil for a unit that matches no place
	names  []string        // layer names, sorted
	geom   orb.MultiPolygon
	areaM2 float64
	// after the first cleaning
	cleaned orb.MultiPolygon
	inside  []thiessen.Place // places without polygon whose point lies in it
}

// piece is one output district before the final noding.
type piece struct {
	id     string
	place  *thiessen.Place
	names  []string
	source string
	geom   orb.MultiPolygon
}

// Build turns the polygon layer in data (GeoJSON; file names it in
// messages) into districts that tile its closed outline, as the package
// documentation describes. Problems of the layer that stop the build (bad
// JSON, features without a name, non-polygon geometry) are returned as one
// error listing each with its feature; everything else is in the report.
func Build(data []byte, file string, opt Options) (res *Result, err error) {
	opt, err = opt.withDefaults()
	if err != nil {
		return nil, err
	}
	// go-geos reports GEOS errors by panicking, and returns nil from a
	// failed overlay, which panics later: neither takes the process down.
	defer func() {
		if r := recover(); r != nil {
			if gerr, ok := r.(geos.Error); ok {
				res, err = nil, fmt.Errorf("%s: GEOS failed while building the districts: %w", file, gerr)
			} else {
				res, err = nil, fmt.Errorf("%s: internal error while building the districts (please report it with the file): %v", file, r)
			}
		}
	}()
	b := &build{file: file, opt: opt, ctx: geos.NewContext()}
	if err := b.read(data); err != nil {
		return nil, err
	}
	if err := b.clean(); err != nil {
		return nil, err
	}
	pieces, err := b.place()
	if err != nil {
		return nil, err
	}
	fc, err := b.finish(pieces)
	if err != nil {
		return nil, err
	}
	return &Result{Collection: fc, Report: b.rep}, nil
}

// build holds the state of one Build.
type build struct {
	file  string
	opt   Options
	ctx   *geos.Context
	units []*unit // sorted by area, then id: the overlap rule's order
	rep   Report
	// outside are the places that match no unit and lie outside all units.
	outside []thiessen.Place
}

// read parses the layer, groups it into units and matches them to places.
func (b *build) read(data []byte) error {
	ds, problems := geo.ReadDistricts(data, b.file, geo.DistrictOptions{
		IDProperty: b.opt.NameProperty, NameProperty: b.opt.NameProperty,
		Repair: true, MergeDuplicates: true, IgnoreOverlaps: true,
	})
	var errs []string
	for _, p := range problems {
		switch {
		case p.Severity == geo.SeverityError:
			errs = append(errs, p.String())
		case strings.Contains(p.Msg, "repaired"):
			b.rep.Repaired = append(b.rep.Repaired, p.String())
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s: the layer cannot be built into districts:\n%s", b.file, strings.Join(errs, "\n"))
	}
	parts, err := featureNames(data, b.opt.NameProperty)
	if err != nil {
		return fmt.Errorf("%s: %w", b.file, err)
	}
	b.rep.Features = parts.features
	for _, n := range parts.order {
		if parts.count[n] > 1 && !slices.ContainsFunc(b.rep.Merged, func(m Merge) bool { return m.Name == n }) {
			b.rep.Merged = append(b.rep.Merged, Merge{Name: n, Parts: parts.count[n]})
		}
	}
	b.rep.Units = len(ds)

	var ix *placeIndex
	if len(b.opt.Places) > 0 {
		ix = newPlaceIndex(b.opt.Places)
	}
	byPlace := map[string]*unit{}
	var unmatched []*unit
	for _, d := range ds {
		mp := multi(d.Geometry)
		if ix != nil {
			if i, ambiguous, ok := ix.find(d.ID); ok {
				p := &b.opt.Places[i]
				if u := byPlace[p.ID]; u != nil {
					u.names = append(u.names, d.ID)
					u.geom = append(u.geom, mp...)
					continue
				}
				byPlace[p.ID] = &unit{id: p.ID, place: p, names: []string{d.ID}, geom: mp}
				continue
			} else if len(ambiguous) > 0 {
				b.rep.Ambiguous = append(b.rep.Ambiguous, Ambiguous{Name: d.ID, Places: ambiguous})
			}
		}
		unmatched = append(unmatched, &unit{names: []string{d.ID}, geom: mp})
	}
	taken := map[string]bool{}
	for _, p := range b.opt.Places {
		taken[p.ID] = true
	}
	names := make([]string, len(unmatched))
	for i, u := range unmatched {
		names[i] = u.names[0]
	}
	for i, id := range uniqueIDs(names, taken) {
		unmatched[i].id = id
		if ix != nil {
			b.rep.Unmatched = append(b.rep.Unmatched, names[i])
		}
	}
	for _, u := range byPlace {
		b.units = append(b.units, u)
	}
	b.units = append(b.units, unmatched...)
	for _, u := range b.units {
		slices.Sort(u.names)
		if len(u.names) > 1 {
			b.rep.Joined = append(b.rep.Joined, Join{ID: u.id, Names: slices.Clone(u.names)})
			g, err := b.union(u.geom)
			if err != nil {
				return fmt.Errorf("%s: joining %s into %q: %w", b.file, strings.Join(u.names, ", "), u.id, err)
			}
			u.geom = g
		}
		u.areaM2 = geodesic.Area(u.geom)
	}
	slices.SortFunc(b.rep.Joined, func(x, y Join) int { return strings.Compare(x.ID, y.ID) })
	slices.Sort(b.rep.Unmatched)
	// The overlap rule: smaller units first, so that the cleaning gives
	// each overlap to the smaller unit.
	slices.SortFunc(b.units, func(x, y *unit) int {
		if c := cmp.Compare(x.areaM2, y.areaM2); c != 0 {
			return c
		}
		return strings.Compare(x.id, y.id)
	})
	return nil
}

// layerNames counts the features of each name, in the order of first use.
type layerNames struct {
	features int
	order    []string
	count    map[string]int
}

// featureNames reads the name of every feature; geo.ReadDistricts has
// already checked the file, so only counting is left.
func featureNames(data []byte, prop string) (*layerNames, error) {
	var raw struct {
		Features []struct {
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), &raw); err != nil {
		return nil, err
	}
	ln := &layerNames{features: len(raw.Features), count: map[string]int{}}
	for _, f := range raw.Features {
		var name string
		if v, ok := f.Properties[prop]; ok {
			var s string
			if json.Unmarshal(v, &s) == nil {
				name = strings.TrimSpace(s)
			} else {
				name = string(v)
			}
		}
		if ln.count[name] == 0 {
			ln.order = append(ln.order, name)
		}
		ln.count[name]++
	}
	ln.order = slices.DeleteFunc(ln.order, func(s string) bool { return s == "" })
	return ln, nil
}

// clean resolves overlaps and closes the street gaps (the first noding).
func (b *build) clean() error {
	in := make([]orb.Geometry, len(b.units))
	for i, u := range b.units {
		in[i] = u.geom
	}
	overlaps, err := geo.Overlaps(in)
	if err != nil {
		return fmt.Errorf("%s: %w", b.file, b.nameIndexes(err))
	}
	for _, o := range overlaps {
		a, c := b.units[o.I].id, b.units[o.J].id
		b.rep.Overlaps = append(b.rep.Overlaps, Overlap{A: min(a, c), B: max(a, c), Km2: o.M2 / 1e6, KeptBy: a})
	}
	slices.SortFunc(b.rep.Overlaps, func(x, y Overlap) int {
		return cmp.Or(strings.Compare(x.A, y.A), strings.Compare(x.B, y.B))
	})
	cov, err := territory.NewCoverage(in, b.coverageOptions()...)
	if err != nil {
		return fmt.Errorf("%s: cleaning the units into a coverage: %w", b.file, b.nameIndexes(err))
	}
	inputUnion, err := b.union(flatten(in))
	if err != nil {
		return err
	}
	var cleanedM2 float64
	kept := b.units[:0]
	for i, u := range b.units {
		u.cleaned = cov.District(i)
		if len(u.cleaned) == 0 {
			b.rep.Swallowed = append(b.rep.Swallowed, u.id)
			continue
		}
		cleanedM2 += cov.AreaM2(i)
		kept = append(kept, u)
	}
	b.units = kept
	b.rep.GapFilledKm2 = math.Max(0, cleanedM2-geodesic.Area(inputUnion)) / 1e6
	slices.Sort(b.rep.Swallowed)
	return nil
}

// indexRE finds the district indexes in territory's messages.
var indexRE = regexp.MustCompile(`(?:district|geometry) (\d+)`)

// nameIndexes replaces territory's district indexes by unit ids.
func (b *build) nameIndexes(err error) error {
	msg := indexRE.ReplaceAllStringFunc(err.Error(), func(s string) string {
		_, n, _ := strings.Cut(s, " ")
		i, _ := strconv.Atoi(n)
		if i >= 0 && i < len(b.units) {
			return fmt.Sprintf("unit %q", b.units[i].id)
		}
		return s
	})
	return renamed{msg, err}
}

// renamed is an error whose message names units where the original said
// "district N"; errors.Is and As still see the original.
type renamed struct {
	msg string
	err error
}

func (e renamed) Error() string { return e.msg }
func (e renamed) Unwrap() error { return e.err }

// place gives every place that matched no unit its ground: a split of the
// unit that contains its point, or a gap cell outside the units.
func (b *build) place() ([]piece, error) {
	matched := map[string]bool{}
	for _, u := range b.units {
		if u.place != nil {
			matched[u.place.ID] = true
		}
	}
	for _, p := range b.opt.Places {
		if matched[p.ID] {
			continue
		}
		pt := orb.Point{p.Lon, p.Lat}
		in := slices.IndexFunc(b.units, func(u *unit) bool {
			return u.cleaned.Bound().Contains(pt) && planar.MultiPolygonContains(u.cleaned, pt)
		})
		if in < 0 {
			b.outside = append(b.outside, p)
			continue
		}
		b.units[in].inside = append(b.units[in].inside, p)
	}
	var pieces []piece
	for _, u := range b.units {
		if len(u.inside) == 0 {
			pieces = append(pieces, piece{id: u.id, place: u.place, names: u.names, source: SourcePolygon, geom: u.cleaned})
			continue
		}
		split, err := b.split(u)
		if err != nil {
			return nil, err
		}
		pieces = append(pieces, split...)
	}
	cells, err := b.gapCells()
	if err != nil {
		return nil, err
	}
	return append(pieces, cells...), nil
}

// split divides a unit into Thiessen cells among its centre and the places
// inside it.
func (b *build) split(u *unit) ([]piece, error) {
	centre := thiessen.Place{ID: u.id}
	if u.place != nil && planar.MultiPolygonContains(u.cleaned, orb.Point{u.place.Lon, u.place.Lat}) {
		centre.Lon, centre.Lat = u.place.Lon, u.place.Lat
	} else {
		g, err := geosx.ToGEOS(b.ctx, u.cleaned)
		if err != nil {
			return nil, err
		}
		pos := g.PointOnSurface()
		centre.Lon, centre.Lat = pos.X(), pos.Y()
	}
	sites := append([]thiessen.Place{centre}, u.inside...)
	res, err := thiessen.Build(sites, thiessen.Options{Outline: u.cleaned, ThinM: -1})
	if err != nil {
		ids := make([]string, len(u.inside))
		for i, p := range u.inside {
			ids[i] = p.ID
		}
		return nil, fmt.Errorf("%s: splitting unit %q among the places inside it (%s): %w; or make those places aliases of %q",
			b.file, u.id, strings.Join(ids, ", "), err, u.id)
	}
	b.rep.Warnings = append(b.rep.Warnings, res.Warnings...)
	s := Split{Unit: u.id}
	byID := map[string]*thiessen.Place{u.id: u.place}
	for i := range u.inside {
		byID[u.inside[i].ID] = &u.inside[i]
		s.Places = append(s.Places, u.inside[i].ID)
	}
	slices.Sort(s.Places)
	b.rep.Splits = append(b.rep.Splits, s)
	var out []piece
	for _, f := range res.Collection.Features {
		id := fmt.Sprint(f.ID)
		out = append(out, piece{id: id, place: byID[id], names: u.names, source: SourceSplit, geom: multi(f.Geometry)})
	}
	return out, nil
}

// gapCells gives each place outside every unit its ground: its Thiessen
// cell among those places, within ReachM of its point, in the bays of the
// outline (the units' union closed by twice ReachM) less the units' ground,
// the part that holds its point. A place beyond the bays takes the cell less
// the units' ground.
func (b *build) gapCells() ([]piece, error) {
	if len(b.outside) == 0 {
		return nil, nil
	}
	res, err := thiessen.Build(b.outside, thiessen.Options{BufferM: b.opt.ReachM, ThinM: -1})
	if err != nil {
		return nil, fmt.Errorf("%s: ground for the places outside every unit: %w", b.file, err)
	}
	cover := make([]orb.Geometry, len(b.units))
	for i, u := range b.units {
		cover[i] = u.cleaned
	}
	covered, err := b.union(flatten(cover))
	if err != nil {
		return nil, err
	}
	coveredG, err := geosx.ToGEOS(b.ctx, covered)
	if err != nil {
		return nil, err
	}
	bays, err := b.bays(covered, coveredG)
	if err != nil {
		return nil, err
	}
	byID := map[string]*thiessen.Place{}
	for i := range b.outside {
		byID[b.outside[i].ID] = &b.outside[i]
	}
	var out []piece
	for _, f := range res.Collection.Features {
		id := fmt.Sprint(f.ID)
		p := byID[id]
		pt := orb.Point{p.Lon, p.Lat}
		cell, err := geosx.ToGEOS(b.ctx, f.Geometry)
		if err != nil {
			return nil, err
		}
		keep := partHolding(cell.Intersection(bays), pt)
		if keep == nil {
			keep = partHolding(cell.Difference(coveredG), pt)
			b.rep.BeyondBays = append(b.rep.BeyondBays, id)
		}
		if keep == nil {
			b.rep.NoGround = append(b.rep.NoGround, id)
			continue
		}
		out = append(out, piece{id: id, place: p, source: SourceGapCell, geom: keep})
	}
	return out, nil
}

// bays returns the ground outside the units that the outline closed by
// twice ReachM encloses, the places outside the units taken into the outline
// as discs of MaxGapM: the lids of the closing then run from the city's edge
// to the places, so a place near the edge is joined to the city by the ground
// between them. The closing is done with coordinates scaled so that a unit
// of x and of y is the same length at the mid latitude, with mitred joins,
// so that a bay's lid is a straight line between its headlands.
func (b *build) bays(covered orb.MultiPolygon, coveredG *geos.Geom) (*geos.Geom, error) {
	bound := covered.Bound()
	lat := (bound.Min[1] + bound.Max[1]) / 2
	k := math.Cos(lat * math.Pi / 180)
	mPerDeg := geodesic.Distance(orb.Point{0, lat - 0.005}, orb.Point{0, lat + 0.005}) / 0.01
	pts := make(orb.MultiPoint, len(b.outside))
	for i, p := range b.outside {
		pts[i] = orb.Point{p.Lon * k, p.Lat}
	}
	ptsG, err := geosx.ToGEOS(b.ctx, pts)
	if err != nil {
		return nil, err
	}
	scaled, err := geosx.ToGEOS(b.ctx, scaleX(covered, k))
	if err != nil {
		return nil, err
	}
	shape := scaled.Union(ptsG.Buffer(b.opt.MaxGapM/mPerDeg, 8))
	r := b.opt.ReachM / mPerDeg
	bp := b.ctx.NewBufParams().SetJoinStyle(geos.BufJoinStyleMitre).SetMitreLimit(10)
	closed, err := geosx.Polygons(shape.BufferWithParams(bp, r).BufferWithParams(bp, -r))
	if err != nil {
		return nil, fmt.Errorf("%s: closing the outline by %g m: %w", b.file, 2*b.opt.ReachM, err)
	}
	hull, err := geosx.ToGEOS(b.ctx, scaleX(closed, 1/k))
	if err != nil {
		return nil, err
	}
	return hull.Difference(coveredG), nil
}

// scaleX returns a copy of mp with every x multiplied by k.
func scaleX(mp orb.MultiPolygon, k float64) orb.MultiPolygon {
	out := mp.Clone()
	for _, p := range out {
		for _, r := range p {
			for i := range r {
				r[i][0] *= k
			}
		}
	}
	return out
}

// partHolding returns the polygon of g that holds pt, or nil.
func partHolding(g *geos.Geom, pt orb.Point) orb.MultiPolygon {
	parts, err := geosx.Polygons(g)
	if err != nil {
		return nil
	}
	for _, poly := range parts {
		if planar.PolygonContains(poly, pt) {
			return orb.MultiPolygon{poly}
		}
	}
	return nil
}

// finish nodes all pieces together and makes the features.
func (b *build) finish(pieces []piece) (*geojson.FeatureCollection, error) {
	slices.SortFunc(pieces, func(x, y piece) int { return strings.Compare(x.id, y.id) })
	in := make([]orb.Geometry, len(pieces))
	for i, p := range pieces {
		in[i] = p.geom
	}
	cov, err := territory.NewCoverage(in, b.coverageOptions()...)
	if err != nil {
		return nil, fmt.Errorf("%s: noding the districts: %w", b.file, err)
	}
	touches := make([]bool, len(pieces))
	for _, nb := range cov.Neighbours() {
		touches[nb.Districts[0]], touches[nb.Districts[1]] = true, true
	}
	fc := geojson.NewFeatureCollection()
	final := make([]orb.Geometry, 0, len(pieces))
	for i, p := range pieces {
		mp := cov.District(i)
		if len(mp) == 0 {
			b.rep.NoGround = append(b.rep.NoGround, p.id)
			continue
		}
		final = append(final, mp)
		km2 := cov.AreaM2(i) / 1e6
		b.rep.TotalKm2 += km2
		if p.source == SourceGapCell {
			b.rep.GapCells = append(b.rep.GapCells, GapCell{ID: p.id, Km2: km2, Island: !touches[i]})
		}
		var g orb.Geometry = mp
		if len(mp) == 1 {
			g = mp[0]
		}
		f := geojson.NewFeature(g)
		f.ID = p.id
		f.Properties = properties(p)
		fc.Append(f)
	}
	b.rep.Districts = len(fc.Features)
	if err := b.holes(final); err != nil {
		return nil, err
	}
	slices.Sort(b.rep.NoGround)
	return fc, nil
}

// properties are a district's output properties.
func properties(p piece) geojson.Properties {
	props := geojson.Properties{"id": p.id}
	if p.place == nil {
		props["name"] = p.names[0]
	} else {
		props["name"] = p.place.Name
		if p.place.NameAr != "" {
			props["name_ar"] = p.place.NameAr
		}
		if len(p.place.Aliases) > 0 {
			props["aliases"] = slices.Clone(p.place.Aliases)
		}
		if p.place.Kind != "" {
			props["kind"] = p.place.Kind
		}
		if p.place.CoordSource != "" {
			props["coord_source"] = p.place.CoordSource
		}
	}
	props["geometry_source"] = p.source
	if len(p.names) > 0 {
		props["source_names"] = slices.Clone(p.names)
	}
	return props
}

// holes reports the outline's parts and the holes left in it.
func (b *build) holes(final []orb.Geometry) error {
	u, err := b.union(flatten(final))
	if err != nil {
		return err
	}
	b.rep.Parts = len(u)
	for _, poly := range u {
		for _, r := range poly[1:] {
			h := orb.Polygon{r}
			g, err := geosx.ToGEOS(b.ctx, h)
			if err != nil {
				return err
			}
			pos := g.PointOnSurface()
			b.rep.Holes = append(b.rep.Holes, Hole{Km2: geodesic.Area(h) / 1e6, At: orb.Point{pos.X(), pos.Y()}})
		}
	}
	slices.SortFunc(b.rep.Holes, func(x, y Hole) int {
		return cmp.Or(-cmp.Compare(x.Km2, y.Km2), cmp.Compare(x.At[0], y.At[0]), cmp.Compare(x.At[1], y.At[1]))
	})
	return nil
}

// union dissolves polygons into one MultiPolygon.
func (b *build) union(mp orb.MultiPolygon) (orb.MultiPolygon, error) {
	g, err := geosx.ToGEOS(b.ctx, mp)
	if err != nil {
		return nil, err
	}
	return geosx.Polygons(g.UnaryUnion())
}

// multi returns a Polygon or MultiPolygon as a MultiPolygon.
func multi(g orb.Geometry) orb.MultiPolygon {
	switch g := g.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{g}
	case orb.MultiPolygon:
		return g
	}
	return nil
}

// flatten joins the polygons of several geometries.
func flatten(gs []orb.Geometry) orb.MultiPolygon {
	var mp orb.MultiPolygon
	for _, g := range gs {
		mp = append(mp, multi(g)...)
	}
	return mp
}
