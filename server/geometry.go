package server

import (
	"fmt"
	"sort"

	"github.com/paulmach/orb"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/territory"
)

// geometry computes territories and frontlines. The coverage is prepared
// once, in the background from New, and results are kept per change date:
// between change dates nothing moves.
type geometry struct {
	ds      *geo.Dataset
	ready   chan struct{}
	cov     *territory.Coverage
	err     error
	results *once[*geomResult]
}

type geomResult struct {
	territories []territory.Territory
	// frontlines between real sides only: a line between a side and a
	// contested or unassigned district is no front.
	frontlines []territory.Frontline
}

func newGeometry(ds *geo.Dataset) *geometry {
	g := &geometry{ds: ds, ready: make(chan struct{}), results: newOnce[*geomResult]()}
	go func() {
		defer close(g.ready)
		geoms := make([]orb.Geometry, len(ds.Districts))
		for i, d := range ds.Districts {
			geoms[i] = d.Geometry
		}
		g.cov, g.err = territory.NewCoverage(geoms, territory.WithGapWidth(ds.Meta.GapWidthM))
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
	return g.results.get(eff.String(), func() (*geomResult, error) {
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
