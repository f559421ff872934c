// Package geosx holds what packages geo, geo/territory and geo/thiessen share
// on top of go-geos v0.20.4: cgo bindings for the two GEOS operations go-geos
// lacks, and the WKB crossing between orb and go-geos geometries.
package geosx

import (
	"errors"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/twpayne/go-geos"
)

// ToGEOS converts an orb geometry to a GEOS geometry of ctx through WKB. A
// nil collection, ring or line (orb writes no WKB for one) becomes the empty
// GEOS geometry of its type, so an overlay with "nothing" still works.
func ToGEOS(ctx *geos.Context, g orb.Geometry) (*geos.Geom, error) {
	if g == nil {
		return nil, errors.New("no geometry to convert to GEOS")
	}
	data, err := wkb.Marshal(g)
	if err != nil {
		return nil, fmt.Errorf("encoding %s as WKB: %w", g.GeoJSONType(), err)
	}
	if len(data) == 0 {
		return emptyGEOS(ctx, g)
	}
	return ctx.NewGeomFromWKB(data)
}

// emptyGEOS returns the empty GEOS geometry of g's type.
func emptyGEOS(ctx *geos.Context, g orb.Geometry) (*geos.Geom, error) {
	switch g.(type) {
	case orb.Point:
		return ctx.NewEmptyPoint(), nil
	case orb.LineString, orb.Ring:
		return ctx.NewEmptyLineString(), nil
	case orb.Polygon, orb.Bound:
		return ctx.NewEmptyPolygon(), nil
	case orb.MultiPoint:
		return ctx.NewEmptyCollection(geos.TypeIDMultiPoint), nil
	case orb.MultiLineString:
		return ctx.NewEmptyCollection(geos.TypeIDMultiLineString), nil
	case orb.MultiPolygon:
		return ctx.NewEmptyCollection(geos.TypeIDMultiPolygon), nil
	case orb.Collection:
		return ctx.NewEmptyCollection(geos.TypeIDGeometryCollection), nil
	}
	return nil, fmt.Errorf("no WKB for a %s", g.GeoJSONType())
}

// FromGEOS converts a GEOS geometry to orb through WKB, keeping every part
// as it is: callers pick the parts they need.
func FromGEOS(g *geos.Geom) (orb.Geometry, error) {
	return wkb.Unmarshal(g.ToWKB())
}

// Polygons returns the polygonal part of a GEOS geometry (the polygons of a
// Polygon, MultiPolygon or GeometryCollection, which overlays return beside
// stray lines, points and empty polygons) as one MultiPolygon; an error when
// there is none.
func Polygons(g *geos.Geom) (orb.MultiPolygon, error) {
	if g == nil {
		return nil, errors.New("GEOS returned no geometry")
	}
	mp, err := PolygonalParts(g)
	if err != nil {
		return nil, err
	}
	if len(mp) == 0 {
		return nil, errors.New("no polygonal part")
	}
	return mp, nil
}

// PolygonalParts is Polygons where having no polygon is no error: an empty
// geometry, or one of only the points and lines that shapes touching at a
// border leave, gives an empty MultiPolygon.
func PolygonalParts(g *geos.Geom) (orb.MultiPolygon, error) {
	if g.IsEmpty() {
		return nil, nil
	}
	og, err := FromGEOS(g)
	if err != nil {
		return nil, fmt.Errorf("decoding GEOS WKB: %w", err)
	}
	var mp orb.MultiPolygon
	var collect func(orb.Geometry)
	collect = func(g orb.Geometry) {
		switch g := g.(type) {
		case orb.Polygon:
			if len(g) > 0 && len(g[0]) > 0 {
				mp = append(mp, g)
			}
		case orb.MultiPolygon:
			for _, p := range g {
				collect(p)
			}
		case orb.Collection:
			for _, c := range g {
				collect(c)
			}
		}
	}
	collect(og)
	return mp, nil
}
