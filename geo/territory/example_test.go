package territory_test

import (
	"fmt"

	"github.com/paulmach/orb"

	"github.com/frontline/frontline/geo/territory"
)

// Two districts side by side, 0.01° square, in Aleppo; a third one north of
// the western one.
func Example() {
	sq := func(x, y float64) orb.Polygon {
		return orb.Polygon{{{x, y}, {x + 0.01, y}, {x + 0.01, y + 0.01}, {x, y + 0.01}, {x, y}}}
	}
	cov, err := territory.NewCoverage([]orb.Geometry{sq(37.15, 36.2), sq(37.16, 36.2), sq(37.15, 36.21)})
	if err != nil {
		panic(err)
	}
	labels := []string{"government", "opposition", "government"}
	terr, err := cov.Territories(labels)
	if err != nil {
		panic(err)
	}
	for _, t := range terr {
		fmt.Printf("%s: %d districts, %d polygon(s), %.3f km²\n", t.Label, t.Districts, len(t.Geometry), t.AreaM2/1e6)
	}
	front, err := cov.Frontlines(labels)
	if err != nil {
		panic(err)
	}
	for _, f := range front {
		fmt.Printf("%s|%s: %.1f m\n", f.Sides[0], f.Sides[1], f.LengthM)
	}
	// Output:
	// government: 2 districts, 1 polygon(s), 1.996 km²
	// opposition: 1 districts, 1 polygon(s), 0.998 km²
	// government|opposition: 1109.6 m
}
