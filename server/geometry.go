package server

import (
	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/encode"
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
	// source is the features of the layers (OGC API, GeoPackage), over
	// the cached day shapes.
	source *encode.Source
	err    error
	cache  *cache
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

func newGeometry(ds *geo.Dataset, enc *encode.Encoder, c *cache) *geometry {
	g := &geometry{ds: ds, ready: make(chan struct{}), cache: c}
	go func() {
		defer close(g.ready)
		if g.shapes, g.err = geo.NewShapes(ds); g.err == nil {
			g.source = encode.NewSource(enc, g.shapes, g.on)
		}
	}()
	return g
}

// layers waits for the districts to be prepared and returns the source of
// the layers' features.
func (g *geometry) layers() (*encode.Source, error) {
	<-g.ready
	return g.source, g.err
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

// series returns the daily series of r (geo.Shapes.Series) and the pairs
// of sides that meet, its front columns.
func (g *geometry) series(r geo.Range) ([]geo.SeriesDay, []string, error) {
	shapes, err := g.prepared()
	if err != nil {
		return nil, nil, err
	}
	days, err := shapes.Series(r)
	if err != nil {
		return nil, nil, err
	}
	pairs, err := shapes.Pairs()
	return days, pairs, err
}
