// Package geosx holds what packages geo, geo/territory and geo/thiessen share
// on top of go-geos v0.20.4: cgo bindings for the two GEOS operations go-geos
// lacks, and the WKB crossing between orb and go-geos geometries.
package geosx

import (
	"errors"
	"fmt"
	"sort"

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

// Closing returns the morphological closing of the polygonal g, buffered
// out by r and back in with the parameters bp, as a MultiPolygon: what it
// fills are the gaps narrower than 2r. It is the closing of g whole,
// computed part by part: GEOS's buffer sorts out the depth of every
// separate ring against all the others, quadratic in the number of
// separate parts, so each polygon of g is buffered out on its own, the
// results are unioned, and each polygon of that union is buffered in on its
// own (parts more than 2r apart do not meet, and the polygons of the union
// are disjoint).
func Closing(ctx *geos.Context, g *geos.Geom, bp *geos.BufParams, r float64) *geos.Geom {
	out := make([]*geos.Geom, 0, g.NumGeometries())
	for i := range g.NumGeometries() {
		out = append(out, g.Geometry(i).BufferWithParams(bp, r))
	}
	grown := Union(ctx, ctx.NewCollection(geos.TypeIDGeometryCollection, out), 0)
	var closed []*geos.Geom
	for i := range grown.NumGeometries() {
		p := grown.Geometry(i)
		if p.TypeID() != geos.TypeIDPolygon {
			continue
		}
		c := p.BufferWithParams(bp, -r)
		for k := range c.NumGeometries() {
			if q := c.Geometry(k); q.TypeID() == geos.TypeIDPolygon && !q.IsEmpty() {
				closed = append(closed, q)
			}
		}
	}
	return ctx.NewCollection(geos.TypeIDMultiPolygon, closed)
}

// Union returns the union of the polygons of g (a collection of Polygons
// and MultiPolygons) as a MultiPolygon, on a precision grid of that size
// in degrees when grid > 0. Polygons whose envelope meets no other's are
// passed through as they are (on the grid already, when grid is the grid of
// g): GEOS's cascaded union runs every ring
// through an overlay at each of its log n levels, and GEOS 3.11 pays for
// each ring in each overlay (a random_device to shuffle its vertices): a
// district of 20,000 separate islands took 14 s to union, and needs none.
func Union(ctx *geos.Context, g *geos.Geom, grid float64) *geos.Geom {
	var polys []*geos.Geom
	var env []orb.Bound
	var collect func(g *geos.Geom)
	collect = func(g *geos.Geom) {
		switch g.TypeID() {
		case geos.TypeIDPolygon:
			if !g.IsEmpty() {
				b := g.Bounds()
				polys = append(polys, g)
				env = append(env, orb.Bound{Min: orb.Point{b.MinX, b.MinY}, Max: orb.Point{b.MaxX, b.MaxY}})
			}
		case geos.TypeIDMultiPolygon, geos.TypeIDGeometryCollection:
			for i := range g.NumGeometries() {
				collect(g.Geometry(i))
			}
		}
	}
	collect(g)
	meets := make([]bool, len(polys))
	order := make([]int, len(polys))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return env[order[a]].Min[0] < env[order[b]].Min[0] })
	for x, i := range order {
		for _, j := range order[x+1:] {
			if env[j].Min[0] > env[i].Max[0] {
				break
			}
			if env[i].Intersects(env[j]) {
				meets[i], meets[j] = true, true
			}
		}
	}
	var alone, rest []*geos.Geom
	for i, p := range polys {
		if meets[i] {
			rest = append(rest, p)
		} else {
			alone = append(alone, p)
		}
	}
	if len(rest) > 0 {
		u := ctx.NewCollection(geos.TypeIDGeometryCollection, rest)
		if grid > 0 {
			u = u.UnaryUnionPrec(grid)
		} else {
			u = u.UnaryUnion()
		}
		for i := range u.NumGeometries() {
			if p := u.Geometry(i); p.TypeID() == geos.TypeIDPolygon && !p.IsEmpty() {
				alone = append(alone, p)
			}
		}
	}
	return ctx.NewCollection(geos.TypeIDMultiPolygon, alone)
}
