package server

import (
	"sync"

	"github.com/frontline/frontline/geo"
)

// geometry keeps the territories and frontlines computed by geo.Shapes.
// The districts are prepared once, in the background from New; results
// are kept per change date (between change dates nothing moves) in the
// server's cache, so they count against its budget and are computed again
// when evicted.
type geometry struct {
	ds     *geo.Dataset
	ready  chan struct{}
	shapes *geo.Shapes
	err    error
	cache  *cache
	pairs  []string

	// front length per side pair (indexed like pairs) on every change
	// date, summed from the pair borders once for all dates.
	frontsOnce sync.Once
	fronts     map[geo.Date][]float64
	frontsErr  error
}

// dayShapes is a cached geo.DayShapes.
type dayShapes struct{ *geo.DayShapes }

// size estimates the memory held: 16 bytes a point, plus slice headers.
func (d dayShapes) size() int64 {
	n := int64(1024)
	for _, t := range d.Territories {
		for _, p := range t.Geometry {
			for _, ring := range p {
				n += 16*int64(cap(ring)) + 24
			}
		}
	}
	for _, f := range d.Frontlines {
		for _, l := range f.Geometry {
			n += 16*int64(cap(l)) + 24
		}
	}
	return n
}

func newGeometry(ds *geo.Dataset, c *cache, pairs []string) *geometry {
	g := &geometry{ds: ds, ready: make(chan struct{}), cache: c, pairs: pairs}
	go func() {
		defer close(g.ready)
		g.shapes, g.err = geo.NewShapes(ds)
	}()
	return g
}

// prepared waits for the districts to be prepared.
func (g *geometry) prepared() (*geo.Shapes, error) {
	<-g.ready
	return g.shapes, g.err
}

// on returns the territories and frontlines holding on date.
func (g *geometry) on(date geo.Date) (*geo.DayShapes, error) {
	shapes, err := g.prepared()
	if err != nil {
		return nil, err
	}
	eff := g.ds.EffectiveDate(date)
	v, err := g.cache.get("geometry/"+eff.String(), func() (sized, error) {
		day, err := shapes.On(eff)
		if err != nil {
			return nil, err
		}
		return dayShapes{day}, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(dayShapes).DayShapes, nil
}

// frontlineKm returns the frontline length per side pair on date, with
// every pair present (0 where the sides do not touch), from lengths
// computed for every change date at once on first use
// (geo.Shapes.FrontLengthsKm): no territory or frontline is built.
func (g *geometry) frontlineKm(d geo.Date) (map[string]float64, error) {
	shapes, err := g.prepared()
	if err != nil {
		return nil, err
	}
	g.frontsOnce.Do(func() { g.fronts, g.frontsErr = shapes.FrontLengthsKm(g.pairs) })
	if g.frontsErr != nil {
		return nil, g.frontsErr
	}
	km := g.fronts[g.ds.EffectiveDate(d)]
	out := make(map[string]float64, len(g.pairs))
	for k, p := range g.pairs {
		out[p] = km[k]
	}
	return out, nil
}
