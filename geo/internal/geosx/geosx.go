// Package geosx holds what packages geo, geo/territory and geo/thiessen share
// on top of go-geos v0.20.4: cgo bindings for the two GEOS operations go-geos
// lacks, and the WKB crossing between orb and go-geos geometries.
package geosx

import (
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
