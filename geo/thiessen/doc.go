// Package thiessen builds district polygons from named centre points: one
// Voronoi (Thiessen) cell per place, clipped to an outline of the city.
//
// The pipeline of [Build]:
//
//  1. The places are projected to a local transverse Mercator plane
//     (PROJ tmerc, WGS84 ellipsoid, centred on the mean longitude and latitude
//     of the places, scale 1). It is conformal and its scale error,
//     x²/(2R²) at x metres from the central meridian, is 1e-5 at 28 km, so
//     the perpendicular bisectors of the Voronoi diagram are drawn in metres,
//     not in degrees (where a degree of longitude is cos(lat) shorter than a
//     degree of latitude).
//  2. Places closer than [Options.MinDistanceM] and identical places are errors.
//  3. GEOS computes the Voronoi diagram (GEOSVoronoiDiagram_r, through cgo in
//     geo/internal/geosx).
//  4. The outline is either [Options.Outline] or, by default, the union of
//     discs of radius [Options.BufferM] around the places, so that the city
//     edge follows the built-up area instead of the bounding box. Edges of a
//     given outline longer than 150 m get extra vertices, so that in the
//     plane they follow the straight lon/lat lines of GeoJSON to within 1 mm.
//     Each cell is clipped to the outline on its own. Cells that become empty
//     are dropped, cells that split keep all parts as a MultiPolygon; both
//     give warnings, and so do places outside the outline and thin districts
//     (see [Options.ThinM]).
//  5. The cells are converted back to WGS84 and put on the grid of 7
//     decimals (1e-7 degree, at most 1.1 cm) as one coverage: their
//     boundaries are noded together with snap-rounding on that grid, the
//     faces are polygonized and each face goes to the district whose cell
//     covers most of it. Neighbours therefore share exactly the same rounded
//     vertices: rounding opens no gaps and creates no overlaps. Every district
//     is checked for validity and against overlaps after rounding; a failure
//     is an error.
//  6. The result is an RFC 7946 FeatureCollection sorted by id, with exterior
//     rings counter-clockwise and holes clockwise. [Result.Encode] writes it
//     deterministically, one feature per line.
//
// Build uses its own GEOS and PROJ contexts, so it may run in several
// goroutines at once.
package thiessen
