package server

import (
	"fmt"
	"sort"
	"sync"

	"github.com/paulmach/orb"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/territory"
)

// geometry computes territories and frontlines. The coverage is prepared
// once, in the background from New; results are kept per change date
// (between change dates nothing moves) in the server's cache, so they
// count against its budget and are recomputed when evicted.
type geometry struct {
	ds    *geo.Dataset
	ready chan struct{}
	cov   *territory.Coverage
	err   error
	cache *cache
	pairs []string

	// front length per side pair (indexed like pairs) on every change
	// date, summed from the pair borders once for all dates.
	frontsOnce sync.Once
	fronts     map[geo.Date][]float64
	frontsErr  error
}

type geomResult struct {
	territories []territory.Territory
	// frontlines between real sides only: a line between a side and a
	// contested or unassigned district is no front.
	frontlines []territory.Frontline
}

// size estimates the memory held: 16 bytes a point, plus slice headers.
func (r *geomResult) size() int64 {
	n := int64(1024)
	for _, t := range r.territories {
		for _, p := range t.Geometry {
			for _, ring := range p {
				n += 16*int64(cap(ring)) + 24
			}
		}
	}
	for _, f := range r.frontlines {
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
		geoms := make([]orb.Geometry, len(ds.Districts))
		for i, d := range ds.Districts {
			geoms[i] = d.Geometry
		}
		// geo.Load has checked every district with GEOS.
		g.cov, g.err = territory.NewCoverage(geoms, territory.WithGapWidth(ds.Meta.GapWidthM), territory.WithValidInput())
		if g.err != nil {
			g.err = fmt.Errorf("preparing districts for territories: %w", g.err)
		}
	}()
	return g
}

// on returns the territories and frontlines holding on date.
func (g *geometry) on(date geo.Date) (*geomResult, error) {
	<-g.ready
	if g.err != nil {
		return nil, g.err
	}
	eff := g.ds.EffectiveDate(date)
	v, err := g.cache.get("geometry/"+eff.String(), func() (sized, error) {
		labels := g.ds.Controllers(eff)
		ts, err := g.cov.Territories(labels)
		if err != nil {
			return nil, err
		}
		fs, err := g.cov.Frontlines(labels)
		if err != nil {
			return nil, err
		}
		real := fs[:0:0]
		for _, f := range fs {
			if isSide(f.Sides[0]) && isSide(f.Sides[1]) {
				real = append(real, f)
			}
		}
		return &geomResult{territories: ts, frontlines: real}, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*geomResult), nil
}

// frontlineKm returns the frontline length per side pair on date, with
// every pair present (0 where the sides do not touch). The lengths are
// sums of the precomputed borders of neighbouring districts, equal to
// those of the frontline geometry to about 1e-12, computed for every
// change date at once on first use: no territory or frontline is built.
func (g *geometry) frontlineKm(d geo.Date) (map[string]float64, error) {
	<-g.ready
	if g.err != nil {
		return nil, g.err
	}
	g.frontsOnce.Do(func() {
		index := make(map[string]int, len(g.pairs))
		for k, p := range g.pairs {
			index[p] = k
		}
		g.fronts = make(map[geo.Date][]float64, len(g.ds.ChangeDates()))
		g.frontsErr = g.ds.EachChangeDate(func(date geo.Date, labels []string) error {
			lengths, err := g.cov.FrontLengths(labels)
			if err != nil {
				return err
			}
			km := make([]float64, len(g.pairs))
			for sides, m := range lengths {
				if isSide(sides[0]) && isSide(sides[1]) {
					km[index[pairKey(sides[0], sides[1])]] = m / 1000
				}
			}
			g.fronts[date] = km
			return nil
		})
	})
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

func isSide(label string) bool { return label != geo.Contested && label != geo.Unassigned }

// pairKey names a side pair as "a|b", sorted.
func pairKey(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return a + "|" + b
}

// sidePairs lists every pair of the dataset's sides, sorted, so series
// have the same columns on every day.
func sidePairs(sides []geo.Side) []string {
	var out []string
	for i := range sides {
		for j := i + 1; j < len(sides); j++ {
			out = append(out, pairKey(sides[i].ID, sides[j].ID))
		}
	}
	sort.Strings(out)
	return out
}
