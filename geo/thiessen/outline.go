package thiessen

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/twpayne/go-geos"

	"github.com/frontline/frontline/geo/internal/geosx"
)

// ReadOutline reads the outline to divide from GeoJSON: a Polygon or
// MultiPolygon geometry, a Feature holding one, or a FeatureCollection whose
// features all hold one (their union is the outline). Coordinates are WGS84
// lon/lat. name is the file name used in error messages.
//
// Every feature is checked and all problems are returned, each a *LineError
// (Line 0) naming the feature by index and id: a missing or non-polygonal
// geometry, coordinates out of range, or an invalid polygon (with GEOS's
// reason and location).
func ReadOutline(r io.Reader, name string) (mp orb.MultiPolygon, err error) {
	errs := &errorList{file: name}
	data, err := io.ReadAll(r)
	if err != nil {
		errs.add(0, "read error: %v", err)
		return nil, errs.err()
	}
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		errs.add(0, "not JSON: %v: give a GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection", err)
		return nil, errs.err()
	}
	type part struct {
		what string
		g    orb.Geometry
	}
	var parts []part
	switch head.Type {
	case "Polygon", "MultiPolygon":
		g, err := geojson.UnmarshalGeometry(data)
		if err != nil {
			errs.add(0, "cannot read the %s: %v", head.Type, err)
			return nil, errs.err()
		}
		parts = append(parts, part{"the " + head.Type, g.Geometry()})
	case "Feature":
		f, err := geojson.UnmarshalFeature(data)
		if err != nil {
			errs.add(0, "cannot read the Feature: %v", err)
			return nil, errs.err()
		}
		parts = append(parts, part{featureRef(-1, f), f.Geometry})
	case "FeatureCollection":
		fc, err := geojson.UnmarshalFeatureCollection(data)
		if err != nil {
			errs.add(0, "cannot read the FeatureCollection: %v", err)
			return nil, errs.err()
		}
		if len(fc.Features) == 0 {
			errs.add(0, "the FeatureCollection has no features: give at least one Polygon or MultiPolygon feature")
			return nil, errs.err()
		}
		for i, f := range fc.Features {
			parts = append(parts, part{featureRef(i, f), f.Geometry})
		}
	default:
		errs.add(0, "GeoJSON type %q: give a Polygon, MultiPolygon, Feature or FeatureCollection", head.Type)
		return nil, errs.err()
	}

	// GEOS failures (go-geos panics) and any other panic on hostile input
	// become errors.
	defer func() {
		if r := recover(); r != nil {
			if gerr, ok := r.(geos.Error); ok {
				mp, err = nil, fmt.Errorf("%s: GEOS failed: %w", name, gerr)
			} else {
				mp, err = nil, fmt.Errorf("%s: internal error while reading the outline (please report it with the file): %v", name, r)
			}
		}
	}()
	ctx := geos.NewContext()
	var geoms []*geos.Geom
	for _, p := range parts {
		if p.g == nil {
			errs.add(0, "%s has no geometry: give a Polygon or MultiPolygon", p.what)
			continue
		}
		part, err := outlineMultiPolygon(p.g)
		if err != nil {
			errs.add(0, "%s: %v", p.what, err)
			continue
		}
		g, err := geosx.ToGEOS(ctx, part)
		if err != nil {
			errs.add(0, "%s: %v", p.what, err)
			continue
		}
		if !g.IsValid() {
			errs.add(0, "%s is not a valid polygon: %s: fix it, e.g. with QGIS's Fix geometries or ST_MakeValid", p.what, g.IsValidReason())
			continue
		}
		if g.IsEmpty() {
			errs.add(0, "%s is empty: give it coordinates", p.what)
			continue
		}
		geoms = append(geoms, g)
	}
	if len(errs.errs) > 0 {
		return nil, errs.err()
	}
	union := geoms[0]
	if len(geoms) > 1 {
		union = ctx.NewCollection(geos.TypeIDGeometryCollection, geoms).UnaryUnion()
	}
	if mp, err = geosx.PolygonalParts(union); err != nil {
		errs.add(0, "%v", err)
		return nil, errs.err()
	}
	return mp, nil
}

// featureRef names a feature in messages; i < 0 for a lone Feature.
func featureRef(i int, f *geojson.Feature) string {
	s := "the Feature"
	if i >= 0 {
		s = fmt.Sprintf("feature %d", i)
	}
	if f.ID != nil {
		s += fmt.Sprintf(" (id %v)", f.ID)
	}
	return s
}
