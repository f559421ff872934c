package server

import (
	"github.com/frontline/frontline/geo"
)

// geometry keeps the territories and frontlines computed by geo.Shapes.
// The districts are prepared once, in the background from New, and
// results are kept per change date: between change dates nothing moves.
type geometry struct {
	ds      *geo.Dataset
	ready   chan struct{}
	shapes  *geo.Shapes
	err     error
	results *once[*geo.DayShapes]
}

func newGeometry(ds *geo.Dataset) *geometry {
	g := &geometry{ds: ds, ready: make(chan struct{}), results: newOnce[*geo.DayShapes]()}
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
	return g.results.get(eff.String(), func() (*geo.DayShapes, error) { return shapes.On(eff) })
}
