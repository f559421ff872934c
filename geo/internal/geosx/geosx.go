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

// ToGEOS converts an orb geometry to a GEOS geometry of ctx through WKB.
func ToGEOS(ctx *geos.Context, g orb.Geometry) (*geos.Geom, error) {
	data, err := wkb.Marshal(g)
	if err != nil {
		return nil, fmt.Errorf("encoding %s as WKB: %w", g.GeoJSONType(), err)
	}
	return ctx.NewGeomFromWKB(data)
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
	og, err := FromGEOS(g)
	if err != nil {
		return nil, err
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
	if len(mp) == 0 {
		return nil, errors.New("no polygonal part")
	}
	return mp, nil
}
