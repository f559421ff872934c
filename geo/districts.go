package geo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/twpayne/go-geos"

	"github.com/frontline/frontline/geo/geodesic"
	"github.com/frontline/frontline/geo/internal/geosx"
	"github.com/frontline/frontline/geo/internal/partition"
	"github.com/frontline/frontline/geo/internal/projx"
	"github.com/frontline/frontline/geo/internal/work"
	"github.com/frontline/frontline/geo/territory"
)

// District is one polygon unit of the map.
type District struct {
	ID   string
	Name string
	// Properties are the feature's properties as in the file.
	Properties map[string]any
	// Geometry is an orb.Polygon or orb.MultiPolygon in WGS84 lon/lat with
	// RFC 7946 winding (outer rings counter-clockwise).
	Geometry orb.Geometry
	// AreaKm2 is the ellipsoidal (WGS84) area.
	AreaKm2 float64
}

// DistrictOptions say how features become districts.
type DistrictOptions struct {
	// IDProperty names the property holding the district id. When empty the
	// Feature "id" member is used, then the property "id".
	IDProperty string
	// NameProperty names the property holding the display name; default "name".
	NameProperty string
	// Repair turns invalid geometry into valid geometry with GEOS MakeValid
	// (reported as a warning) instead of rejecting it.
	Repair bool
	// MergeDuplicates joins features that share an id into one
	// MultiPolygon district (with a warning) instead of rejecting them:
	// real layers split one neighbourhood into several features.
	MergeDuplicates bool
	// IgnoreOverlaps skips the check for overlapping districts, for
	// builders that resolve overlaps themselves (build-districts --polygons).
	IgnoreOverlaps bool
	// MaxParts caps the polygons of one district (islands, or the parts
	// of features joined by id); 0 means DefaultMaxParts.
	MaxParts int
	// MaxVertices caps the positions of all districts together; 0 means
	// DefaultMaxVertices.
	MaxVertices int
}

// Limits on the size of the districts, far above any real layer (Aleppo:
// 130 districts of at most a few parts, 45,000 positions; a country's
// communes: 20,000 districts, 1–2 million positions), low enough that
// preparing the districts stays a matter of seconds to minutes and of
// memory in proportion. Each error names the flag that raises it.
const (
	DefaultMaxParts    = 10_000
	DefaultMaxVertices = 20_000_000
)

// Overlaps smaller than this share of the smaller district are reported as
// warnings: digitised layers have hairline overlaps that change no figure.
const overlapErrorShare = 1e-3

// overlapIgnoreM2 is below any area a map could show.
const overlapIgnoreM2 = 1.0

// ReadDistricts parses a GeoJSON FeatureCollection of Polygon/MultiPolygon
// features into districts. It reports every problem it finds; the districts
// are usable only when none of the problems is an error.
func ReadDistricts(data []byte, file string, opt DistrictOptions) ([]District, []Problem) {
	var ps problems
	ds, _ := readDistricts(data, file, opt, &ps)
	return ds, ps.finish()
}

type rawCollection struct {
	Type     string            `json:"type"`
	CRS      json.RawMessage   `json:"crs"`
	Features []json.RawMessage `json:"features"`
}

// readDistricts is ReadDistricts; gridExact reports that the districts
// form an exact partition with every coordinate on territory.Grid, which
// lets the coverage skip checking it again.
func readDistricts(data []byte, file string, opt DistrictOptions, ps *problems) (out []District, gridExact bool) {
	if opt.NameProperty == "" {
		opt.NameProperty = "name"
	}
	set := districtSet{file: file, merge: opt.MergeDuplicates, ps: ps, seen: map[string]string{}, index: map[string]int{}}
	// go-geos raises GEOS failures as panics, and some of its operations
	// return nil on failure: whatever GEOS does with hostile geometry is
	// reported, never fatal.
	defer func() {
		if r := recover(); r != nil {
			ps.errorf(file, 0, "GEOS failed on the geometry (%v): check the file in a GIS (e.g. QGIS's Check validity) and report this with the file", r)
			if out == nil {
				out = set.out
			}
		}
	}()
	raw, crs, ok := readCollection(data, file, ps)
	if !ok {
		return nil, false
	}
	if crs != nil {
		defer crs.close()
	}
	maxParts, maxVertices := opt.MaxParts, opt.MaxVertices
	if maxParts <= 0 {
		maxParts = DefaultMaxParts
	}
	if maxVertices <= 0 {
		maxVertices = DefaultMaxVertices
	}
	vertices := 0
	parts := map[string]int{} // id → polygons so far
	// Features are decoded a batch at a time on every core (decoding is
	// most of reading a country's faces), then taken in file order: the
	// same problems in the same order, and the limits still stop the
	// reading within a batch of where they are reached. A reprojection's
	// PROJ context is not shared across threads: with a crs, one core.
	const batch = 512
	feats := make([]districtFeature, batch)
	oks := make([]bool, batch)
	local := make([]problems, batch)
	for lo := 0; lo < len(raw.Features); lo += batch {
		n := min(batch, len(raw.Features)-lo)
		decode := func(k int) {
			local[k] = problems{}
			feats[k], oks[k] = readFeature(raw.Features[lo+k], lo+k, file, opt, crs, &local[k])
		}
		if crs == nil {
			work.Parallel(n, decode)
		} else {
			for k := range n {
				decode(k)
			}
		}
		for k := range n {
			for _, p := range local[k].list {
				ps.add(p)
			}
			if !oks[k] {
				continue
			}
			f := feats[k]
			np, nv := size(f.geom)
			if vertices += nv; vertices > maxVertices {
				ps.errorf(file, 0, "the districts have more than %d positions (the limit, reached at feature %s): simplify the polygons "+
					"(e.g. ogr2ogr -simplify, or QGIS Simplify), or raise the limit with --max-vertices if the machine has the memory for it", maxVertices, f.label)
				return nil, false
			}
			if parts[f.id] += np; parts[f.id] > maxParts {
				ps.featureErrorf(file, f.label, "the district has %d polygons, more than the limit of %d per district: "+
					"drop the slivers and specks (a district is rarely more than a few islands), or raise the limit with --max-parts", parts[f.id], maxParts)
				continue
			}
			set.add(f)
		}
	}
	// Every feature that got this far is checked, whatever else is wrong
	// with the file, so that one run lists every problem.
	unionParts(set.out, set.merged, file, ps)
	var exact bool
	out, exact = checkGeometry(set.out, set.dups, file, opt.Repair, !opt.IgnoreOverlaps, ps)
	work.Parallel(len(out), func(i int) { out[i].AreaKm2 = geodesic.Area(out[i].Geometry) / 1e6 })
	warnExtent(out, crs, file, ps)
	return out, exact && onGrid(out)
}

// readCollection reads the file as a GeoJSON FeatureCollection (a UTF-8
// byte order mark accepted) with at least one feature, and its legacy
// crs member; false when it cannot be read, the problem reported.
func readCollection(data []byte, file string, ps *problems) (rawCollection, *sourceCRS, bool) {
	var raw rawCollection
	data = bytes.TrimPrefix(data, utf8BOM)
	if at, b := invalidUTF8(data); at >= 0 {
		ps.errorf(file, bytes.Count(data[:at], []byte("\n"))+1, "the byte 0x%02x is not UTF-8: %s", b, utf8Hint)
		return raw, nil, false
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		ps.errorf(file, jsonErrorLine(data, err), "not valid JSON: %v", err)
		return raw, nil, false
	}
	if raw.Type != "FeatureCollection" {
		ps.errorf(file, 0, "top-level type is %q: districts must be a GeoJSON FeatureCollection", raw.Type)
		return raw, nil, false
	}
	if len(raw.Features) == 0 {
		ps.errorf(file, 0, "the FeatureCollection has no features")
		return raw, nil, false
	}
	crs, err := readCRS(raw.CRS)
	if err != nil {
		ps.errorf(file, 0, "%v", err)
		return raw, nil, false
	}
	return raw, crs, true
}

// districtFeature is one feature read: its label for problems, its id
// (idOK false when the id itself is refused), name, properties and
// polygons in WGS84.
type districtFeature struct {
	label, id, name string
	idOK            bool
	props           map[string]any
	geom            orb.Geometry
}

// readFeature reads feature i and checks its id, geometry (polygonal,
// closed rings, in range or reprojected from crs) and name; false when it
// cannot be a district, the problem reported.
func readFeature(fr json.RawMessage, i int, file string, opt DistrictOptions, crs *sourceCRS, ps *problems) (districtFeature, bool) {
	label := fmt.Sprintf("#%d", i)
	var f rawFeature
	if err := json.Unmarshal(fr, &f); err != nil {
		ps.featureErrorf(file, label, "not a valid GeoJSON Feature: %v", err)
		return districtFeature{}, false
	}
	id, ok := featureID(f.ID, f.Properties, fr, opt.IDProperty)
	if !ok {
		where := "a Feature \"id\" or an \"id\" property"
		if opt.IDProperty != "" {
			where = fmt.Sprintf("the property %q (dataset.json id_property)", opt.IDProperty)
		}
		ps.featureErrorf(file, label, "has no district id: give it %s", where)
		return districtFeature{}, false
	}
	label = fmt.Sprintf("%s (%q)", label, id)
	idOK := true
	if msg := textProblem(id, false); msg != "" || strings.ContainsAny(id, "<>\"") {
		if msg == "" {
			msg = "markup characters"
		}
		ps.featureErrorf(file, label, "the district id has %s: ids appear in URLs, files and pages; use letters, digits, '-' and '_'", msg)
		idOK = false
	} else if id == "." || id == ".." {
		// Browsers and proxies resolve a path segment . or .. (even
		// escaped as %2E) before the request leaves: no URL reaches it.
		ps.featureErrorf(file, label, "the district id %q is a path step that no URL can name (/api/districts/%s resolves to another path): use letters, digits, '-' and '_'", id, id)
		idOK = false
	}
	g, ok := featureGeometry(f, label, file, crs, ps)
	if !ok {
		return districtFeature{}, false
	}
	name := id
	if v, ok := f.Properties[opt.NameProperty].(string); ok && strings.TrimSpace(v) != "" {
		name = v
	}
	if msg := textProblem(name, false); msg != "" {
		ps.featureWarnf(file, label, "the name %q has %s: write plain text (the page shows names as text)", name, msg)
	}
	if FormulaLike(name) {
		ps.featureWarnf(file, label, "the name %q begins with %q, which a spreadsheet would run as a formula: frontline's CSV downloads write it after a single quote; begin it with a word", name, firstRune(name))
	}
	return districtFeature{label: label, id: id, name: name, idOK: idOK, props: f.Properties, geom: orient(g)}, true
}

// featureGeometry reads a feature's geometry: Polygon or MultiPolygon with
// rings, closed, in WGS84 (reprojected from crs when given); false when it
// cannot be, the problem reported.
func featureGeometry(f rawFeature, label, file string, crs *sourceCRS, ps *problems) (orb.Geometry, bool) {
	geom, err := f.geometryOf()
	var other errNotPolygonal
	switch {
	case errors.As(err, &other):
		ps.featureErrorf(file, label, "geometry is %s: it must be Polygon or MultiPolygon", other.kind)
		return nil, false
	case err != nil:
		ps.featureErrorf(file, label, "%v: fix the geometry", err)
		return nil, false
	}
	g, ok := polygonal(geom)
	if !ok {
		kind := "null"
		if geom != nil {
			kind = geom.GeoJSONType() + " without rings"
		}
		ps.featureErrorf(file, label, "geometry is %s: it must be Polygon or MultiPolygon", kind)
		return nil, false
	}
	if msg := ringProblem(g); msg != "" {
		ps.featureErrorf(file, label, "%s", msg)
		return nil, false
	}
	if crs != nil {
		if msg := crs.transform(g); msg != "" {
			ps.featureErrorf(file, label, "%s", msg)
			return nil, false
		}
	} else if msg := lonLatProblem(g); msg != "" {
		ps.featureErrorf(file, label, "%s", msg)
		return nil, false
	}
	return g, true
}

// districtSet gathers the districts in file order: a feature whose id was
// used before is joined to the first (with merge) or refused; refused
// features are kept aside, to be checked all the same.
type districtSet struct {
	file   string
	merge  bool
	ps     *problems
	out    []District
	seen   map[string]string // id → feature label of first use
	index  map[string]int    // id → position in out
	merged []int             // districts joined from several features
	dups   []District        // features refused for their id, still checked
}

func (s *districtSet) add(f districtFeature) {
	if !f.idOK {
		s.dups = append(s.dups, District{ID: f.label, Geometry: f.geom})
		return
	}
	if first, dup := s.seen[f.id]; dup {
		if !s.merge {
			s.ps.featureErrorf(s.file, f.label, "duplicate district id %q, first used by feature %s: ids must be unique (or set merge_duplicate_ids in dataset.json to join the parts)", f.id, first)
			s.dups = append(s.dups, District{ID: f.label, Geometry: f.geom})
			return
		}
		s.ps.featureWarnf(s.file, f.label, "joined to feature %s, which has the same id %q", first, f.id)
		k := s.index[f.id]
		s.out[k].Geometry = appendPolygons(s.out[k].Geometry, f.geom)
		s.merged = append(s.merged, k)
		return
	}
	s.seen[f.id] = f.label
	s.index[f.id] = len(s.out)
	props := f.props
	if props == nil {
		props = map[string]any{}
	}
	s.out = append(s.out, District{ID: f.id, Name: f.name, Properties: props, Geometry: f.geom})
}

// featureID returns the district id of a feature (its "id" fid, or the
// property prop of props): a string as it is (trimmed), a number as written
// in the file (raw is the feature's JSON), so that 1.50 or
// 12345678901234567890123 are not rewritten by a float64.
func featureID(fid any, props map[string]any, raw json.RawMessage, prop string) (string, bool) {
	var v any
	switch {
	case prop != "":
		v = props[prop]
	case fid != nil:
		v = fid
	default:
		prop = "id"
		v = props["id"]
	}
	var s string
	switch v := v.(type) {
	case string:
		s = strings.TrimSpace(v)
	case float64:
		s = numberLiteral(raw, prop)
		if s == "" {
			s = strconv.FormatFloat(v, 'g', -1, 64)
		}
	}
	return s, s != ""
}

// numberLiteral returns the text of the feature's numeric id (prop "") or
// numeric property prop in the raw feature, or "".
func numberLiteral(raw json.RawMessage, prop string) string {
	var f struct {
		ID         json.RawMessage            `json:"id"`
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return ""
	}
	lit := f.ID
	if prop != "" {
		lit = f.Properties[prop]
	}
	return string(bytes.TrimSpace(lit))
}

func appendPolygons(a, b orb.Geometry) orb.Geometry {
	var mp orb.MultiPolygon
	for _, g := range []orb.Geometry{a, b} {
		switch g := g.(type) {
		case orb.Polygon:
			mp = append(mp, g)
		case orb.MultiPolygon:
			mp = append(mp, g...)
		}
	}
	return mp
}

// size returns the polygons and positions of a Polygon or MultiPolygon.
func size(g orb.Geometry) (polygons, positions int) {
	polygons = 1
	if mp, ok := g.(orb.MultiPolygon); ok {
		polygons = len(mp)
	}
	eachRing(g, func(r orb.Ring) { positions += len(r) })
	return polygons, positions
}

func polygonal(g orb.Geometry) (orb.Geometry, bool) {
	switch g := g.(type) {
	case orb.Polygon:
		return g, len(g) > 0
	case orb.MultiPolygon:
		return g, len(g) > 0
	}
	return nil, false
}

// lonLatProblem says what is wrong with coordinates that should be WGS84
// lon/lat (there is no crs member), or "". One coordinate out of range is a
// wrong latitude or longitude; both out of range are projected data, unless
// they are beyond any projection.
func lonLatProblem(g orb.Geometry) string {
	msg := ""
	eachPoint(g, func(p orb.Point) {
		if msg != "" {
			return
		}
		lonOK, latOK := math.Abs(p[0]) <= 180, math.Abs(p[1]) <= 90
		switch {
		case lonOK && latOK:
		case lonOK:
			msg = fmt.Sprintf("coordinate [%g, %g]: latitude %g is out of range [-90, 90]: GeoJSON positions are [longitude, latitude]; fix the position", p[0], p[1], p[1])
		case latOK:
			msg = fmt.Sprintf("coordinate [%g, %g]: longitude %g is out of range [-180, 180]: fix the position", p[0], p[1], p[0])
		case math.Max(math.Abs(p[0]), math.Abs(p[1])) > maxProjectedM:
			msg = fmt.Sprintf("coordinate [%g, %g] is out of range for any coordinate system: fix the position (lon in [-180, 180], lat in [-90, 90])", p[0], p[1])
		default:
			msg = fmt.Sprintf("coordinate [%g, %g] is not WGS84 lon/lat and the file has no \"crs\" member: "+
				"the data look projected; reproject to EPSG:4326 (ogr2ogr -t_srs EPSG:4326) or add a crs member naming its CRS, e.g. EPSG:32637", p[0], p[1])
		}
	})
	return msg
}

// maxProjectedM is beyond any projected coordinate on Earth, in metres or
// feet: larger values are garbage, not another CRS.
const maxProjectedM = 1e9

func eachRing(g orb.Geometry, fn func(r orb.Ring)) {
	switch g := g.(type) {
	case orb.Polygon:
		for _, r := range g {
			fn(r)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			for _, r := range p {
				fn(r)
			}
		}
	}
}

func eachPoint(g orb.Geometry, fn func(p orb.Point)) {
	eachRing(g, func(r orb.Ring) {
		for _, p := range r {
			fn(p)
		}
	})
}

func ringProblem(g orb.Geometry) string {
	msg := ""
	eachRing(g, func(r orb.Ring) {
		switch {
		case msg != "":
		case len(r) < 4:
			msg = fmt.Sprintf("a ring has %d positions: a closed ring needs at least 4", len(r))
		case r[0] != r[len(r)-1]:
			msg = fmt.Sprintf("a ring is not closed (first position %v, last %v): repeat the first position at the end", r[0], r[len(r)-1])
		}
		for _, p := range r {
			if msg == "" && (math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0)) {
				msg = "a ring has a non-finite coordinate"
			}
		}
	})
	return msg
}

// orient gives outer rings counter-clockwise and holes clockwise (RFC 7946
// §3.1.6), copying so the caller's geometry is untouched.
func orient(g orb.Geometry) orb.Geometry {
	switch g := g.(type) {
	case orb.Polygon:
		return orientPolygon(g)
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, len(g))
		for i, p := range g {
			out[i] = orientPolygon(p)
		}
		return out
	}
	return g
}

func orientPolygon(p orb.Polygon) orb.Polygon {
	out := make(orb.Polygon, len(p))
	for i, r := range p {
		r = append(orb.Ring(nil), r...)
		want := orb.CCW
		if i > 0 {
			want = orb.CW
		}
		if r.Orientation() != want {
			r.Reverse()
		}
		out[i] = r
	}
	return out
}

// unionParts dissolves the features joined into one district, so parts
// that touch become one polygon instead of an invalid MultiPolygon.
func unionParts(ds []District, merged []int, file string, ps *problems) {
	ctx := geos.NewContext()
	done := map[int]bool{}
	for _, k := range merged {
		if done[k] {
			continue
		}
		done[k] = true
		g, err := geosx.ToGEOS(ctx, ds[k].Geometry)
		if err != nil {
			ps.featureErrorf(file, fmt.Sprintf("%q", ds[k].ID), "cannot read geometry: %v", err)
			continue
		}
		if !g.IsValid() {
			g = g.MakeValid()
		}
		u, err := fromGEOS(g.UnaryUnion())
		if err != nil {
			ps.featureErrorf(file, fmt.Sprintf("%q", ds[k].ID), "cannot join the parts: %v", err)
			continue
		}
		ds[k].Geometry = orient(u)
	}
}

// checkGeometry validates each district with GEOS, repairs when asked, and
// reports overlapping pairs with their ellipsoidal overlap area. extra are
// features already refused (for their id), whose geometry is checked too so
// that every problem is reported at once; their ID is their label.
func checkGeometry(ds, extra []District, file string, repair, checkOverlaps bool, ps *problems) ([]District, bool) {
	ctx := geos.NewContext()
	for _, d := range extra {
		g, err := geosx.ToGEOS(ctx, d.Geometry)
		if err != nil {
			ps.featureErrorf(file, d.ID, "cannot read geometry: %v", err)
			continue
		}
		if !g.IsValid() {
			ps.featureErrorf(file, d.ID, "invalid geometry: %s; fix it in a GIS, or load with --repair to apply GEOS MakeValid", g.IsValidReason())
		}
	}
	geoms := make([]*geos.Geom, len(ds))
	for i := range ds {
		label := fmt.Sprintf("%q", ds[i].ID)
		g, err := geosx.ToGEOS(ctx, ds[i].Geometry)
		if err != nil {
			ps.featureErrorf(file, label, "cannot read geometry: %v", err)
			continue
		}
		if !g.IsValid() {
			reason := g.IsValidReason()
			if !repair {
				ps.featureErrorf(file, label, "invalid geometry: %s; fix it in a GIS, or load with --repair to apply GEOS MakeValid", reason)
				continue
			}
			fixed, err := fromGEOS(g.MakeValid())
			if err != nil {
				ps.featureErrorf(file, label, "invalid geometry (%s) and MakeValid gave no polygon: %v", reason, err)
				continue
			}
			ps.featureWarnf(file, label, "invalid geometry (%s) repaired with GEOS MakeValid", reason)
			ds[i].Geometry = orient(fixed)
			if g, err = geosx.ToGEOS(ctx, ds[i].Geometry); err != nil {
				ps.featureErrorf(file, label, "cannot read repaired geometry: %v", err)
				continue
			}
		}
		geoms[i] = g
	}
	if !checkOverlaps {
		return ds, false
	}
	// Districts that tile exactly (on a 1e-9° grid, 0.1 mm: an overlap it
	// could hide is far below the 1 m² reported) need no pairwise test.
	polys := make([]orb.MultiPolygon, len(ds))
	for i := range ds {
		polys[i] = appendPolygons(nil, ds[i].Geometry).(orb.MultiPolygon)
	}
	if _, exact := partition.Exact(polys, 1e9); exact {
		return ds, true
	}
	// Otherwise overlaps are checked between the districts with valid
	// geometry, whatever else is wrong.
	bounds := make([]orb.Bound, len(ds))
	for i := range ds {
		bounds[i] = ds[i].Geometry.Bound()
	}
	for _, o := range overlaps(geoms, bounds) {
		a, b, m2 := o.I, o.J, o.M2
		smaller := math.Min(geodesic.Area(ds[a].Geometry), geodesic.Area(ds[b].Geometry))
		label := fmt.Sprintf("%q", ds[a].ID)
		msg := fmt.Sprintf("overlaps district %q by %.6f km² (%.3g%% of the smaller)", ds[b].ID, m2/1e6, 100*m2/smaller)
		if m2 > overlapErrorShare*smaller {
			ps.featureErrorf(file, label, "%s: the overlap would be counted twice; fix the boundaries", msg)
		} else {
			ps.featureWarnf(file, label, "%s", msg)
		}
	}
	return ds, false
}

// Overlap is the overlap of two polygonal geometries I < J.
type Overlap struct {
	I, J int
	// M2 is the ellipsoidal area of the overlap in square metres.
	M2 float64
}

// Overlaps returns, in order of I then J, every pair of the valid
// Polygon/MultiPolygon geometries whose interiors overlap by at least 1 m²,
// with the area of the overlap. Builders that resolve overlaps report them
// with it; the loader rejects them.
func Overlaps(polys []orb.Geometry) ([]Overlap, error) {
	ctx := geos.NewContext()
	geoms := make([]*geos.Geom, len(polys))
	bounds := make([]orb.Bound, len(polys))
	for i, g := range polys {
		gg, err := geosx.ToGEOS(ctx, g)
		if err != nil {
			return nil, fmt.Errorf("geometry %d: %w", i, err)
		}
		geoms[i], bounds[i] = gg, g.Bound()
	}
	return overlaps(geoms, bounds), nil
}

// overlaps is Overlaps on GEOS geometries; nil ones (invalid) are skipped.
func overlaps(geoms []*geos.Geom, bounds []orb.Bound) []Overlap {
	var out []Overlap
	for _, pr := range bboxPairs(bounds) {
		a, b := pr[0], pr[1]
		if geoms[a] == nil || geoms[b] == nil || !geoms[a].RelatePattern(geoms[b], "2********") {
			continue
		}
		inter, err := fromGEOS(geoms[a].Intersection(geoms[b]))
		if err != nil {
			continue
		}
		if m2 := geodesic.Area(inter); m2 >= overlapIgnoreM2 {
			out = append(out, Overlap{I: a, J: b, M2: m2})
		}
	}
	return out
}

// bboxPairs returns the index pairs (i<j) whose bounding boxes intersect,
// by a sweep over sorted west edges: near-linear for map coverages.
func bboxPairs(bounds []orb.Bound) [][2]int {
	type item struct {
		i int
		b orb.Bound
	}
	items := make([]item, len(bounds))
	for i, b := range bounds {
		items[i] = item{i, b}
	}
	sort.Slice(items, func(x, y int) bool { return items[x].b.Min[0] < items[y].b.Min[0] })
	var pairs [][2]int
	for x := range items {
		for y := x + 1; y < len(items) && items[y].b.Min[0] <= items[x].b.Max[0]; y++ {
			if items[x].b.Intersects(items[y].b) {
				a, b := items[x].i, items[y].i
				if a > b {
					a, b = b, a
				}
				pairs = append(pairs, [2]int{a, b})
			}
		}
	}
	sort.Slice(pairs, func(x, y int) bool {
		if pairs[x][0] != pairs[y][0] {
			return pairs[x][0] < pairs[y][0]
		}
		return pairs[x][1] < pairs[y][1]
	})
	return pairs
}

// fromGEOS returns the polygonal part of a GEOS geometry as orb: a
// Polygon when there is one, else a MultiPolygon. A nil g (go-geos's answer
// when a GEOS overlay fails) is an error.
func fromGEOS(g *geos.Geom) (orb.Geometry, error) {
	mp, err := geosx.Polygons(g)
	if err != nil {
		return nil, err
	}
	if len(mp) == 1 {
		return mp[0], nil
	}
	return mp, nil
}

// sourceCRS is the CRS named by a legacy GeoJSON "crs" member, with the
// operation that takes it to WGS84 lon/lat.
type sourceCRS struct {
	name string
	info projx.CRSInfo
	tr   *projx.Transformer
}

// areaMarginDeg is how far outside a CRS's area of use reprojected
// coordinates may fall (data sets often reach a little beyond a UTM zone).
const areaMarginDeg = 1.0

// readCRS reads a legacy GeoJSON "crs" member. Geographic WGS84 needs
// nothing (nil); any other CRS PROJ knows is reprojected to lon/lat.
func readCRS(raw json.RawMessage) (*sourceCRS, error) {
	if len(raw) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil, nil
	}
	var c struct {
		Type       string `json:"type"`
		Properties struct {
			Name string `json:"name"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(raw, &c); err != nil || c.Properties.Name == "" {
		return nil, fmt.Errorf(`the "crs" member is not of the form {"type":"name","properties":{"name":"EPSG:…"}}: remove it (RFC 7946 data is WGS84) or fix it`)
	}
	name := c.Properties.Name
	if isWGS84LonLat(name) {
		return nil, nil
	}
	info, err := projx.Describe(name)
	if err != nil {
		return nil, fmt.Errorf("the \"crs\" member names %q, which PROJ cannot transform to WGS84 (%v): reproject the file to EPSG:4326", name, err)
	}
	tr, err := projx.NewCRSToCRS(name, "OGC:CRS84")
	if err != nil {
		return nil, fmt.Errorf("the \"crs\" member names %q, which PROJ cannot transform to WGS84 (%v): reproject the file to EPSG:4326", name, err)
	}
	return &sourceCRS{name: name, info: info, tr: tr}, nil
}

func (c *sourceCRS) close() { c.tr.Close() }

// transform reprojects g to WGS84 lon/lat in place and checks the result
// against the CRS's area of use; it returns what is wrong, or "".
func (c *sourceCRS) transform(g orb.Geometry) string {
	lonLatLike := true
	eachPoint(g, func(p orb.Point) {
		lonLatLike = lonLatLike && math.Abs(p[0]) <= 180 && math.Abs(p[1]) <= 90
	})
	msg := ""
	eachRing(g, func(r orb.Ring) {
		if msg != "" {
			return
		}
		orig := slices.Clone(r)
		if i, err := c.tr.Forward(r); err != nil {
			msg = fmt.Sprintf("cannot reproject position [%g, %g] from %s to WGS84: %v: check that the \"crs\" member names the CRS of the coordinates", r[i][0], r[i][1], c.name, err)
			return
		}
		for i, p := range r {
			switch {
			case !(math.Abs(p[0]) <= 180 && math.Abs(p[1]) <= 90):
				msg = fmt.Sprintf("position [%g, %g] in %s becomes [%g, %g], not a WGS84 lon/lat position: check that the \"crs\" member names the CRS of the coordinates", orig[i][0], orig[i][1], c.name, p[0], p[1])
			case c.info.Area != nil && !c.info.Area.Contains(p[0], p[1], areaMarginDeg):
				a := c.info.Area
				msg = fmt.Sprintf("position [%g, %g] in %s becomes lon %.5f, lat %.5f, outside the area where %s is used (lon %g to %g, lat %g to %g%s)",
					orig[i][0], orig[i][1], c.name, p[0], p[1], crsLabel(c), a.West, a.East, a.South, a.North, areaName(a))
				if lonLatLike && c.info.Projected {
					msg += ": the coordinates look like WGS84 lon/lat degrees already; remove the \"crs\" member"
				} else {
					msg += ": the \"crs\" member does not match the coordinates; name their real CRS or reproject the file to EPSG:4326"
				}
			}
			if msg != "" {
				return
			}
		}
	})
	return msg
}

func crsLabel(c *sourceCRS) string {
	if c.info.Name != "" && c.info.Name != c.name {
		return fmt.Sprintf("%s (%s)", c.name, c.info.Name)
	}
	return c.name
}

func areaName(a *projx.Area) string {
	if a.Name == "" {
		return ""
	}
	return ": " + a.Name
}

func isWGS84LonLat(name string) bool {
	n := strings.ToUpper(name)
	for _, s := range []string{"CRS84", "EPSG:4326", "EPSG::4326", "EPSG:6.6:4326"} {
		if strings.HasSuffix(n, s) {
			return true
		}
	}
	return false
}

// jsonErrorLine turns a JSON decoder offset into a 1-based line number.
func jsonErrorLine(data []byte, err error) int {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	off := int64(-1)
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 || off > int64(len(data)) {
		return 0
	}
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// onGrid reports whether every coordinate of the districts is a multiple
// of territory.Grid, as the output of frontline's own builders is.
func onGrid(ds []District) bool {
	const scale = 1 / territory.Grid
	for _, d := range ds {
		ok := true
		eachPoint(d.Geometry, func(p orb.Point) {
			ok = ok && math.Floor(p[0]*scale+0.5)/scale == p[0] && math.Floor(p[1]*scale+0.5)/scale == p[1]
		})
		if !ok {
			return false
		}
	}
	return true
}
