package territory

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/quadtree"
	"github.com/twpayne/go-geos"

	"github.com/frontline/frontline/geo/geodesic"
	"github.com/frontline/frontline/geo/internal/geosx"
	"github.com/frontline/frontline/geo/internal/partition"
	"github.com/frontline/frontline/geo/internal/work"
)

// NewCoverage prepares the districts (each an orb.Polygon or
// orb.MultiPolygon in WGS84 lon/lat; the index in geoms is the district's
// index everywhere in this package) for Territories and Frontlines.
//
// It cleans the input into an exact partition, once:
//
//  1. Every coordinate is snapped to Grid (1e-7°, ~1 cm).
//  2. Gaps narrower than the gap width (WithGapWidth, default
//     DefaultGapWidth) are found by a closing of the union of all districts:
//     buffer out by half the gap width, then back in, with mitred joins so
//     that corners of the outline come back as they were.
//  3. Each gap is shared out between the districts around it: a point of
//     the gap goes to the district with the nearest border vertex, the
//     borders being densified to half the gap width (Voronoi diagram, from
//     a Delaunay triangulation), so the new border runs near the middle of
//     the street.
//  4. All borders, the outlines of the gaps and those Voronoi edges are
//     noded together (snap-rounded to Grid) and polygonized; each face goes
//     to the district that contains it (the first listed, where input
//     districts overlap), to the nearest district if it is in a closed gap
//     or is a noding sliver thinner than 2×Grid, or to nobody if it is a
//     real hole (wider than the gap width) or outside.
//
// With a gap width of 0, input that already is an exact partition after step
// 1 (neighbours share their borders vertex for vertex, nothing crosses or
// overlaps) skips steps 2–4: its districts are the faces. This is checked in
// Go, in time linear in the number of segments.
//
// Because every district is then a set of faces of one noded arrangement,
// two neighbours share their border vertex for vertex; the border of each
// pair of neighbours is precomputed (segments whose faces belong to the two
// districts, line-merged). A point contact is no shared border.
//
// Gap widths are converted to degrees with the length of a degree of
// longitude at the coverage's mid latitude, so a gap of the given width is
// closed in every direction (north–south ones up to ~1.2× wider at 36° N).
func NewCoverage(geoms []orb.Geometry, opts ...Option) (cov *Coverage, err error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	if len(geoms) == 0 {
		return nil, errors.New("territory: no districts: give at least one district geometry")
	}
	// go-geos reports GEOS errors by panicking.
	defer func() {
		if r := recover(); r != nil {
			cov, err = nil, fmt.Errorf("territory: GEOS failed while cleaning the coverage: %v", r)
		}
	}()
	n := len(geoms)
	inputs := make([]orb.MultiPolygon, n)
	for i, g := range geoms {
		if inputs[i], err = inputPolygons(i, g); err != nil {
			return nil, err
		}
	}
	// Step 1, and the shortcut for input that tiles exactly.
	ctx := geos.NewContext()
	var origs []*geos.Geom
	exact := cfg.gapWidth == 0 && !cfg.overlay
	if !exact || !cfg.valid {
		if origs, err = validGEOS(ctx, inputs); err != nil {
			return nil, err
		}
	}
	if exact && cfg.exactKnown {
		if cfg.areas != nil && len(cfg.areas) != n {
			return nil, fmt.Errorf("territory: %d areas for %d districts", len(cfg.areas), n)
		}
		faces, owner := knownFaces(inputs)
		return assemble(n, faces, owner, cfg.areas), nil
	}
	if exact {
		if faces, owner, ok := exactFaces(inputs); ok {
			return assemble(n, faces, owner, nil), nil
		}
	}
	if origs == nil {
		if origs, err = validGEOS(ctx, inputs); err != nil {
			return nil, err
		}
	}
	polys, bounds, err := snap(origs)
	if err != nil {
		return nil, err
	}
	// Steps 2–4.
	gap, union, err := findGaps(ctx, origs, bounds, cfg)
	if err != nil {
		return nil, err
	}
	lines, sites, err := borderLines(ctx, origs, gap, union, cfg)
	if err != nil {
		return nil, err
	}
	faces, facePolys, err := polygonizeLines(ctx, lines)
	if err != nil {
		return nil, err
	}
	var prepGap *geos.PrepGeom
	if gap != nil {
		prepGap = gap.Prepare()
	}
	owner := ownFaces(ctx, faces, facePolys, polys, bounds, prepGap, sites)
	return assemble(n, facePolys, owner, nil), nil
}

// newConfig applies the options over the defaults.
func newConfig(opts []Option) (config, error) {
	cfg := config{gapWidth: DefaultGapWidth}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return cfg, err
		}
	}
	return cfg, nil
}

// validGEOS makes the districts GEOS geometries and checks each is valid.
func validGEOS(ctx *geos.Context, inputs []orb.MultiPolygon) ([]*geos.Geom, error) {
	origs := make([]*geos.Geom, len(inputs))
	for i, mp := range inputs {
		gg, err := geosx.ToGEOS(ctx, mp)
		if err != nil {
			return nil, fmt.Errorf("territory: district %d: %w", i, err)
		}
		if !gg.IsValid() {
			return nil, fmt.Errorf("territory: district %d: invalid geometry (%s): repair it first, e.g. with ST_MakeValid or QGIS \"Fix geometries\"", i, gg.IsValidReason())
		}
		origs[i] = gg
	}
	return origs, nil
}

// snap puts each district on the Grid (in place in origs) and returns them
// as polygons with their bounds; a district the grid swallows is an error.
func snap(origs []*geos.Geom) ([]orb.MultiPolygon, []orb.Bound, error) {
	polys := make([]orb.MultiPolygon, len(origs))
	bounds := make([]orb.Bound, len(origs))
	for i, gg := range origs {
		gg = gg.SetPrecision(Grid, geos.PrecisionRuleNone)
		if gg.IsEmpty() {
			return nil, nil, fmt.Errorf("territory: district %d vanishes on the %g° grid: it is too small to be a district", i, Grid)
		}
		origs[i] = gg
		var err error
		if polys[i], err = toMultiPolygon(gg); err != nil {
			return nil, nil, fmt.Errorf("territory: district %d: %w", i, err)
		}
		bounds[i] = polys[i].Bound()
	}
	return polys, bounds, nil
}

// findGaps returns the gaps narrower than the gap width (step 2) and the
// union of the districts, or nils with a gap width of 0; it refuses first
// a layer whose gaps would need more than the limit of border sites.
func findGaps(ctx *geos.Context, origs []*geos.Geom, bounds []orb.Bound, cfg config) (gap, union *geos.Geom, err error) {
	if cfg.gapWidth <= 0 {
		return nil, nil, nil
	}
	maxSites := MaxGapSites
	if cfg.maxSites > 0 {
		maxSites = cfg.maxSites
	}
	if err := checkGapWork(origs, bounds, cfg.gapWidth, maxSites); err != nil {
		return nil, nil, err
	}
	// The union of all districts is needed only to find the gaps.
	// Mitred offsets give back every corner, convex or concave, where
	// nothing merged; round ones would fillet the concave corners of
	// the outline and pass the fillets off as gaps.
	bp := ctx.NewBufParams().SetJoinStyle(geos.BufJoinStyleMitre).SetMitreLimit(10)
	var closed *geos.Geom
	if parts := numPolygons(origs); parts <= wholeParts {
		union = ctx.NewCollection(geos.TypeIDGeometryCollection, origs).UnaryUnionPrec(Grid)
		r := cfg.gapWidth / 2 / metresPerDegree(union)
		closed = union.BufferWithParams(bp, r).BufferWithParams(bp, -r)
	} else {
		union = geosx.Union(ctx, ctx.NewCollection(geos.TypeIDGeometryCollection, origs), Grid)
		closed = geosx.Closing(ctx, union, bp, cfg.gapWidth/2/metresPerDegree(union))
	}
	closed = closed.SetPrecision(Grid, geos.PrecisionRuleNone)
	return gaps(ctx, polygonal(ctx, must(closed.Difference(union), "finding the gaps"))), union, nil
}

// borderLines returns the lines to node (step 3): the districts'
// boundaries and, where there are gaps, the lines that close them at the
// rim and the Voronoi edges that share them out, with the border sites
// that own the gaps' faces.
func borderLines(ctx *geos.Context, origs []*geos.Geom, gap, union *geos.Geom, cfg config) ([]*geos.Geom, *quadtree.Quadtree, error) {
	lines := make([]*geos.Geom, 0, len(origs)+2)
	for _, g := range origs {
		lines = append(lines, g.Boundary())
	}
	if gap == nil {
		return lines, nil, nil
	}
	// The gaps' outline adds only the lines that close streets at the
	// rim of the coverage; the outline of the closing itself would add
	// near-collinear vertices along every outer edge.
	lines = append(lines, gap.Boundary())
	maxTile := tileSites
	if cfg.maxTile > 0 {
		maxTile = cfg.maxTile
	}
	sites, vor, err := gapSplit(ctx, origs, union.Bounds(), cfg.gapWidth/2/metresPerDegree(union), maxTile)
	if err != nil {
		return nil, nil, err
	}
	return append(lines, vor), sites, nil
}

// polygonizeLines nodes the lines on the Grid and returns the faces of
// the arrangement, as GEOS geometries and as polygons.
func polygonizeLines(ctx *geos.Context, lines []*geos.Geom) (*geos.Geom, []orb.Polygon, error) {
	noded := ctx.NewCollection(geos.TypeIDGeometryCollection, lines).UnaryUnionPrec(Grid)
	faces := ctx.Polygonize([]*geos.Geom{noded})
	faceWKB, err := geosx.FromGEOS(faces)
	if err != nil {
		return nil, nil, fmt.Errorf("territory: reading polygonized faces: %w", err)
	}
	faceColl, ok := faceWKB.(orb.Collection)
	if !ok || len(faceColl) != faces.NumGeometries() {
		return nil, nil, fmt.Errorf("territory: polygonize returned %s, want a collection of %d polygons", faceWKB.GeoJSONType(), faces.NumGeometries())
	}
	facePolys := make([]orb.Polygon, len(faceColl))
	for k, fg := range faceColl {
		f, ok := fg.(orb.Polygon)
		if !ok {
			return nil, nil, fmt.Errorf("territory: polygonize returned a %s face", fg.GeoJSONType())
		}
		facePolys[k] = f
	}
	return faces, facePolys, nil
}

// ownFaces gives each face to the district that contains a point of it,
// a face of the gaps to the owner of its nearest border site, and the
// rest (holes wider than the gap width, the outside) to nobody, -1
// (step 4).
func ownFaces(ctx *geos.Context, faces *geos.Geom, facePolys []orb.Polygon, polys []orb.MultiPolygon, bounds []orb.Bound,
	prepGap *geos.PrepGeom, sites *quadtree.Quadtree) []int32 {
	// Faces are found in the parts of the districts, one index entry per
	// part: a district of thousands of separate parts (islands) is not
	// tested whole for every face.
	var parts []orb.Polygon
	var partBounds []orb.Bound
	var partOf []int32
	for i, mp := range polys {
		for _, p := range mp {
			parts = append(parts, p)
			partBounds = append(partBounds, p.Bound())
			partOf = append(partOf, int32(i))
		}
	}
	index := partition.NewIndex(partBounds)
	owner := make([]int32, len(facePolys))
	for k, f := range facePolys {
		pt := faces.Geometry(k).PointOnSurface()
		p := orb.Point{pt.X(), pt.Y()}
		owner[k] = -1
		for _, j := range index.Query(p) {
			if partBounds[j].Contains(p) && planar.PolygonContains(parts[j], p) {
				owner[k] = partOf[j]
				break
			}
		}
		// A face thinner than 2×Grid is noding noise along a gap's edge
		// whose inner point may test outside the gap: it is no real hole.
		if owner[k] < 0 && prepGap != nil && (sliver(f) || prepGap.Contains(ctx.NewPointFromXY(p[0], p[1]))) {
			owner[k] = sites.Find(p).(site).owner
		}
	}
	return owner
}

// wholeParts is the most polygons whose union and closing GEOS computes
// whole, as it did when the datasets' districts were built (Aleppo's have
// about 150). Past it they are computed part by part (geosx.Union,
// geosx.Closing), which agrees up to noding noise: GEOS's whole-geometry
// union and buffer grow with the square of the number of separate parts
// (a district of 50,000 separate squares never became ready).
const wholeParts = 1000

// numPolygons counts the polygons of gs.
func numPolygons(gs []*geos.Geom) int {
	n := 0
	for _, g := range gs {
		n += g.NumGeometries()
	}
	return n
}

// must turns the nil that some go-geos methods return on a GEOS error into a
// panic, recovered by NewCoverage.
func must(g *geos.Geom, what string) *geos.Geom {
	if g == nil {
		panic("GEOS returned no geometry while " + what)
	}
	return g
}

// gaps returns the non-empty gap polygons as a MultiPolygon, or nil if there
// are none.
func gaps(ctx *geos.Context, g *geos.Geom) *geos.Geom {
	var keep []*geos.Geom
	for i := 0; i < g.NumGeometries(); i++ {
		p := g.Geometry(i)
		if p.TypeID() == geos.TypeIDPolygon && !p.IsEmpty() && p.Area() > 0 {
			keep = append(keep, p)
		}
	}
	if len(keep) == 0 {
		return nil
	}
	return ctx.NewCollection(geos.TypeIDMultiPolygon, keep)
}

// polygonal drops the points and lines that an overlay may leave beside
// its polygons.
func polygonal(ctx *geos.Context, g *geos.Geom) *geos.Geom {
	if g.TypeID() != geos.TypeIDGeometryCollection {
		return g
	}
	var keep []*geos.Geom
	for i := 0; i < g.NumGeometries(); i++ {
		switch c := g.Geometry(i); c.TypeID() {
		case geos.TypeIDPolygon, geos.TypeIDMultiPolygon:
			keep = append(keep, c)
		}
	}
	return ctx.NewCollection(geos.TypeIDGeometryCollection, keep).UnaryUnion()
}

// sliver reports whether a face is on average less than 2×Grid wide
// (a long strip's area/perimeter is half its width).
func sliver(f orb.Polygon) bool {
	var area, perimeter float64
	for i, r := range f {
		a := math.Abs(signedArea(r))
		if i > 0 {
			a = -a
		}
		area += a
		perimeter += planar.Length(orb.LineString(r))
	}
	return area < Grid*perimeter
}

// metresPerDegree is the length of a degree of longitude at g's mid latitude.
func metresPerDegree(g *geos.Geom) float64 {
	b := g.Bounds()
	return metresPerDegreeAt((b.MinY + b.MaxY) / 2)
}

// metresPerDegreeAt is the length of a degree of longitude at latitude lat.
func metresPerDegreeAt(lat float64) float64 {
	return geodesic.Distance(orb.Point{0, lat}, orb.Point{0.01, lat}) / 0.01
}

// site is a vertex of a densified district border, for the nearest-district
// search that shares out gaps.
type site struct {
	p     orb.Point
	owner int32
}

// Point implements orb.Pointer.
func (s site) Point() orb.Point { return s.p }

// checkGapWork refuses to close gaps along more than maxSites border sites
// (one every half gap width), before any GEOS work: the closing, the
// overlay that finds the gaps and the triangulation all grow with them, so
// that a mistaken coordinate (a district thousands of km long) is an error
// rather than minutes of work and gigabytes.
func checkGapWork(origs []*geos.Geom, bounds []orb.Bound, gapWidth float64, maxSites int) error {
	all := bounds[0]
	for _, b := range bounds[1:] {
		all = all.Union(b)
	}
	spacing := gapWidth / 2 / metresPerDegreeAt((all.Min[1]+all.Max[1])/2)
	var sites float64
	for _, g := range origs {
		sites += g.Length()/spacing + float64(g.NumCoordinates())
	}
	if sites > float64(maxSites) {
		return &GapWorkError{fmt.Sprintf("territory: closing the gaps needs %.0f sites along the borders (one every %.3g m), more than the limit of %d: the districts span %.3g° × %.3g°; check for a wrong coordinate, or set the gap width to 0 for districts that already share their borders", sites, gapWidth/2, maxSites, all.Max[0]-all.Min[0], all.Max[1]-all.Min[1])}
	}
	return nil
}

// gapSplit returns the border vertices of all districts, densified to at most
// spacing degrees apart, in a quadtree, and those edges of their Voronoi
// diagram that separate vertices of two different districts: within a gap,
// a face bounded by them is nearest to one district.
func gapSplit(ctx *geos.Context, origs []*geos.Geom, b *geos.Box2D, spacing float64, maxTile int) (*quadtree.Quadtree, *geos.Geom, error) {
	// The margin keeps densified vertices inside despite rounding.
	m := 1e-3 + spacing
	bound := orb.Bound{Min: orb.Point{b.MinX - m, b.MinY - m}, Max: orb.Point{b.MaxX + m, b.MaxY + m}}
	qt := quadtree.New(bound)
	owners := make(map[orb.Point]int32)
	var pts orb.MultiPoint
	for i, g := range origs {
		d, err := toMultiPolygon(g.Densify(spacing))
		if err != nil {
			return nil, nil, fmt.Errorf("territory: district %d: %w", i, err)
		}
		for _, p := range d {
			for _, r := range p {
				for _, v := range r {
					if _, ok := owners[v]; ok {
						continue
					}
					owners[v] = int32(i)
					pts = append(pts, v)
					if err := qt.Add(site{v, int32(i)}); err != nil {
						return nil, nil, fmt.Errorf("territory: district %d: %w", i, err)
					}
				}
			}
		}
	}
	// A gap point is within half the gap width (spacing) of a border, so
	// within 2×spacing of its nearest site; 4×spacing is a safe margin.
	keep, err := ownerEdges(pts, owners, spacing, 4*spacing, maxTile)
	if err != nil {
		return nil, nil, err
	}
	edges, err := geosx.ToGEOS(ctx, keep)
	if err != nil {
		return nil, nil, err
	}
	return qt, edges, nil
}

// voronoiBetween returns the edges of the Voronoi diagram dual to the
// Delaunay triangles that separate sites of two different owners: for each
// Delaunay edge between two owners, the segment joining the circumcentres of
// its two triangles. A hull edge has one triangle; its Voronoi edge is a ray,
// cut here just beyond the hull, since the closed coverage lies inside the
// hull.
func voronoiBetween(tris orb.Collection, owners map[orb.Point]int32, spacing float64) orb.MultiLineString {
	type side struct {
		tri   int
		third orb.Point
	}
	centres := make([]orb.Point, len(tris))
	valid := make([]bool, len(tris))
	edges := make(map[segment][]side)
	for t, g := range tris {
		p, ok := g.(orb.Polygon)
		if !ok || len(p) == 0 || len(p[0]) < 4 {
			continue
		}
		a, b, c := p[0][0], p[0][1], p[0][2]
		centres[t], valid[t] = circumcentre(a, b, c)
		edges[newSegment(a, b)] = append(edges[newSegment(a, b)], side{t, c})
		edges[newSegment(b, c)] = append(edges[newSegment(b, c)], side{t, a})
		edges[newSegment(c, a)] = append(edges[newSegment(c, a)], side{t, b})
	}
	var out orb.MultiLineString
	for e, ss := range edges {
		oa, okA := owners[e[0]]
		ob, okB := owners[e[1]]
		if !okA || !okB || oa == ob {
			continue
		}
		switch {
		case len(ss) == 2 && valid[ss[0].tri] && valid[ss[1].tri]:
			if centres[ss[0].tri] != centres[ss[1].tri] {
				out = append(out, orb.LineString{centres[ss[0].tri], centres[ss[1].tri]})
			}
		case len(ss) == 1 && valid[ss[0].tri]:
			cc := centres[ss[0].tri]
			// Only a centre inside the hull (on the third vertex's side)
			// starts a ray that crosses the closed coverage.
			if (cross(e[0], e[1], cc) > 0) != (cross(e[0], e[1], ss[0].third) > 0) {
				continue
			}
			mid := orb.Point{(e[0][0] + e[1][0]) / 2, (e[0][1] + e[1][1]) / 2}
			dx, dy := e[1][0]-e[0][0], e[1][1]-e[0][1]
			l := math.Hypot(dx, dy)
			nx, ny := -dy/l, dx/l
			if (ss[0].third[0]-mid[0])*nx+(ss[0].third[1]-mid[1])*ny > 0 {
				nx, ny = -nx, -ny
			}
			end := orb.Point{mid[0] + nx*spacing, mid[1] + ny*spacing}
			out = append(out, orb.LineString{cc, end})
		}
	}
	return out
}

// circumcentre returns the centre of the circle through a, b and c, computed
// relative to a for precision; false for a degenerate triangle.
func circumcentre(a, b, c orb.Point) (orb.Point, bool) {
	bx, by := b[0]-a[0], b[1]-a[1]
	cx, cy := c[0]-a[0], c[1]-a[1]
	d := 2 * (bx*cy - by*cx)
	if d == 0 {
		return orb.Point{}, false
	}
	b2, c2 := bx*bx+by*by, cx*cx+cy*cy
	return orb.Point{a[0] + (cy*b2-by*c2)/d, a[1] + (bx*c2-cx*b2)/d}, true
}

// assemble turns the owned faces into per-district half-edges, areas, and
// the shared border of every pair of neighbours. areas, when given, are the
// districts' areas (the faces are the districts): they are not computed
// again.
func assemble(n int, faces []orb.Polygon, owner []int32, areas []float64) *Coverage {
	// Each segment of the arrangement borders at most two faces; -2 marks
	// "no second face" (the outside of the arrangement).
	sides := make(map[segmentKey][2]int32)
	for k, f := range faces {
		for _, r := range f {
			for j := 0; j+1 < len(r); j++ {
				key := keyOf(newSegment(r[j], r[j+1]))
				if v, ok := sides[key]; ok {
					v[1] = owner[k]
					sides[key] = v
				} else {
					sides[key] = [2]int32{owner[k], -2}
				}
			}
		}
	}
	c := &Coverage{edges: make([][]halfEdge, n), areas: make([]float64, n)}
	for k, f := range faces {
		o := owner[k]
		if o < 0 {
			continue
		}
		for ri, r := range f {
			// Shell counter-clockwise, holes clockwise: the face is on the
			// left of every directed segment.
			if (signedArea(r) > 0) != (ri == 0) {
				r = orb.Ring(reversed(orb.LineString(r)))
			}
			for j := 0; j+1 < len(r); j++ {
				v := sides[keyOf(newSegment(r[j], r[j+1]))]
				other := v[0]
				if other == o {
					other = v[1]
				}
				if v[0] == o && v[1] == o {
					continue // between two faces of the same district
				}
				if other < 0 {
					other = -1
				}
				c.edges[o] = append(c.edges[o], halfEdge{from: r[j], to: r[j+1], other: other})
			}
		}
	}
	byPair := make(map[[2]int32][]orb.LineString)
	for key, v := range sides {
		if v[0] < 0 || v[1] < 0 || v[0] == v[1] {
			continue
		}
		k := [2]int32{min(v[0], v[1]), max(v[0], v[1])}
		s := key.segment()
		byPair[k] = append(byPair[k], orb.LineString{s[0], s[1]})
	}
	for k := range byPair {
		c.pairs = append(c.pairs, pair{a: k[0], b: k[1]})
	}
	slices.SortFunc(c.pairs, func(x, y pair) int {
		if x.a != y.a {
			return cmp.Compare(x.a, y.a)
		}
		return cmp.Compare(x.b, y.b)
	})
	work.Parallel(len(c.pairs), func(i int) {
		p := &c.pairs[i]
		p.lines = mergeLines(byPair[[2]int32{p.a, p.b}])
		p.lengthM = geodesic.Length(orb.MultiLineString(p.lines))
	})
	if areas != nil {
		copy(c.areas, areas)
		return c
	}
	work.Parallel(len(c.edges), func(i int) { c.areas[i] = geodesic.Area(trace(c.edges[i])) })
	return c
}

// inputPolygons checks one input district and returns it as a MultiPolygon.
func inputPolygons(i int, g orb.Geometry) (orb.MultiPolygon, error) {
	var mp orb.MultiPolygon
	switch g := g.(type) {
	case orb.Polygon:
		mp = orb.MultiPolygon{g}
	case orb.MultiPolygon:
		mp = g
	case nil:
		return nil, fmt.Errorf("territory: district %d has no geometry", i)
	default:
		return nil, fmt.Errorf("territory: district %d is a %s: want a Polygon or MultiPolygon", i, g.GeoJSONType())
	}
	if len(mp) == 0 {
		return nil, fmt.Errorf("territory: district %d has an empty geometry", i)
	}
	for _, p := range mp {
		for _, r := range p {
			for _, v := range r {
				if math.IsNaN(v[0]) || math.IsNaN(v[1]) || math.Abs(v[0]) > 180 || math.Abs(v[1]) > 90 {
					return nil, fmt.Errorf("territory: district %d: coordinate %v is not WGS84 longitude/latitude", i, v)
				}
			}
		}
	}
	return mp, nil
}

// toMultiPolygon converts a polygonal GEOS geometry to orb through WKB.
func toMultiPolygon(g *geos.Geom) (orb.MultiPolygon, error) {
	o, err := geosx.FromGEOS(g)
	if err != nil {
		return nil, err
	}
	switch o := o.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{o}, nil
	case orb.MultiPolygon:
		return o, nil
	case orb.Collection:
		var mp orb.MultiPolygon
		for _, c := range o {
			p, err := toMultiPolygonOrb(c)
			if err != nil {
				return nil, err
			}
			mp = append(mp, p...)
		}
		return mp, nil
	}
	return nil, fmt.Errorf("got a %s, want polygons", o.GeoJSONType())
}

func toMultiPolygonOrb(o orb.Geometry) (orb.MultiPolygon, error) {
	switch o := o.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{o}, nil
	case orb.MultiPolygon:
		return o, nil
	}
	return nil, fmt.Errorf("got a %s, want polygons", o.GeoJSONType())
}
