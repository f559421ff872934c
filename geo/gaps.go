package geo

import (
	"sort"

	"github.com/paulmach/orb"
	"github.com/twpayne/go-geos"

	"github.com/frontline/frontline/geo/geodesic"
	"github.com/frontline/frontline/geo/internal/geosx"
)

// gapWidthsM are the street widths tried when looking for gaps between
// districts; the widest is build-districts --polygons's default.
var gapWidthsM = [...]float64{10, 20, 30, 40, 50, 60}

// minGapReportM2 is the least gap area worth a warning (0.01 km², a street
// of 10 m by 1 km): a coverage that tiles leaves less, in notches of its
// outline at the corner of two districts.
const minGapReportM2 = 10000.0

// checkGaps looks for street gaps between districts, as digitised
// neighbourhood layers leave them, in a dataset that says it has none
// (gap_width_m 0). Such gaps cut territories apart and break frontlines, so
// it warns and suggests the smallest gap_width_m that closes nearly all of
// them (95 % of the gap area found at the widest width tried), or a clean
// coverage from build-districts --polygons.
func checkGaps(ds []District, file string, ps *problems) {
	if len(ds) < 2 {
		return
	}
	// A GEOS failure here (a go-geos panic, or a nil overlay used later)
	// costs the suggestion, never the process.
	defer func() {
		if r := recover(); r != nil {
			ps.warnf(file, 0, "could not look for street gaps between districts: GEOS failed (%v)", r)
		}
	}()
	ctx := geos.NewContext()
	// Each part of a district on its own, in a spatial index: a district
	// of many separate parts is never measured whole against each gap.
	type part struct {
		g        *geos.Geom
		district int
	}
	var parts []part
	var all orb.Bound
	tree := ctx.NewSTRtree(16)
	for i, d := range ds {
		for _, p := range appendPolygons(nil, d.Geometry).(orb.MultiPolygon) {
			g, err := geosx.ToGEOS(ctx, p)
			if err != nil {
				return
			}
			if err := tree.Insert(g, len(parts)); err != nil {
				return
			}
			parts = append(parts, part{g, i})
		}
		if i == 0 {
			all = d.Geometry.Bound()
		} else {
			all = all.Union(d.Geometry.Bound())
		}
	}
	geoms := make([]*geos.Geom, len(parts))
	for k, p := range parts {
		geoms[k] = p.g
	}
	union := geosx.Union(ctx, ctx.NewCollection(geos.TypeIDGeometryCollection, geoms), 0)
	lat := (all.Min[1] + all.Max[1]) / 2
	mPerDeg := geodesic.Distance(orb.Point{0, lat}, orb.Point{0.01, lat}) / 0.01
	bp := ctx.NewBufParams().SetJoinStyle(geos.BufJoinStyleMitre).SetMitreLimit(10)
	// between keeps the gaps that touch two districts or more: a notch in
	// the outline of one district is no street between districts.
	between := func(gaps orb.MultiPolygon) (orb.MultiPolygon, float64) {
		var keep orb.MultiPolygon
		var m2 float64
		for _, p := range gaps {
			a := geodesic.Area(p)
			if a < 1 {
				continue
			}
			pg, err := geosx.ToGEOS(ctx, p)
			if err != nil {
				continue
			}
			b := p.Bound().Pad(1e-9)
			box, err := geosx.ToGEOS(ctx, b.ToPolygon())
			if err != nil {
				continue
			}
			var near []int
			tree.Query(box, func(v any) { near = append(near, v.(int)) })
			sort.Ints(near)
			first := -1
			for _, k := range near {
				if d := parts[k].district; d != first && parts[k].g.Distance(pg) < 1e-9 {
					if first >= 0 {
						keep = append(keep, p)
						m2 += a
						break
					}
					first = d
				}
			}
		}
		return keep, m2
	}
	var areas [len(gapWidthsM)]float64
	var widest orb.MultiPolygon
	for k, w := range gapWidthsM {
		r := w / 2 / mPerDeg
		closed := geosx.Closing(ctx, union, bp, r)
		gaps, err := geosx.Polygons(closed.Difference(union))
		if err != nil {
			continue
		}
		widest, areas[k] = between(gaps)
	}
	total := areas[len(areas)-1]
	if total < minGapReportM2 {
		return
	}
	suggest := gapWidthsM[len(gapWidthsM)-1]
	for k, a := range areas {
		if a >= 0.95*total {
			suggest = gapWidthsM[k]
			break
		}
	}
	at := widest[0][0][0]
	ps.warnf(file, 0, "the districts leave %d gaps between them narrower than %g m (%.3f km² in all, the first near %.5f,%.5f), as digitised "+
		"neighbourhood layers leave streets: territories would show them as holes and frontlines would break there. "+
		"Set \"gap_width_m\": %g in dataset.json (the narrowest width tried that closes 95%% of that area), or make a clean coverage with "+
		"frontline build-districts --polygons %s --name-property NAME --out districts.geojson",
		len(widest), gapWidthsM[len(gapWidthsM)-1], total/1e6, at[0], at[1], suggest, DistrictsFile)
}
