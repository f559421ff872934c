// Package boundaries builds district polygons from a real boundary layer: a
// digitised neighbourhood layer with the quirks real layers have (street gaps
// between blocks, one name over several features, small overlaps, a legacy
// crs member) becomes a clean coverage of districts that tile its outline.
//
// The pipeline of [Build]:
//
//  1. The layer is read as the dataset loader reads districts (GeoJSON, a crs
//     member is reprojected to WGS84, Polygon and MultiPolygon), each feature
//     named by a property ([Options.NameProperty]). Invalid features are
//     repaired with GEOS MakeValid and reported. Features that share a name
//     are one unit.
//  2. With places ([Options.Places]), each unit is matched to the place
//     whose id, English name, Arabic name or an alias equals its name (case,
//     surrounding space and the kind of apostrophe do not matter) and takes
//     the place's id and properties; units matching the same place are joined.
//     Units that match no place keep their name and a slug of it as id.
//  3. Overlaps go to the smaller unit (by ellipsoidal area; equal areas to
//     the smaller id): a small unit digitised over a larger one keeps its
//     ground. Each overlap is reported with its km².
//  4. Street gaps are closed: the outline is the layer's union closed by
//     [Options.MaxGapM] metres (buffered out by half of it and back in, with
//     mitred corners), and every gap inside it goes to the nearest unit (the
//     nearest vertex of the unit borders densified to half the gap width),
//     through the coverage cleaning of package geo/territory. Holes wider than
//     MaxGapM stay holes and are reported.
//  5. Places that match no unit get ground of their own. A place whose point
//     lies in a unit splits that unit into Thiessen cells among the unit's
//     centre (its own place point if it lies inside, else a point on its
//     surface) and the places inside it (geometry_source "split"). A place
//     outside every unit gets the Thiessen cell of the points outside, within
//     [Options.ReachM] metres of its point, less the ground of the units:
//     the part of it that contains the point (geometry_source "gap-cell").
//     Places the source treats as part of a unit belong in that unit's row
//     as aliases instead; they need no geometry.
//  6. All pieces are noded together once more on the 1e-7° grid, so that
//     neighbours share their borders vertex for vertex, and written sorted by
//     id with the same encoder as package geo/thiessen: the same input always
//     gives the same bytes.
package boundaries
