package thiessen_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/frontline/frontline/geo/thiessen"
	"github.com/paulmach/orb"
)

// Three places in a square outline: each district is the part of the square
// nearest to its place.
func Example() {
	csv := `id,name_en,name_ar,aliases,lon,lat,kind,coord_source
west,West,غرب,,37.10,36.20,residential,example
east,East,شرق,Sharq;Eastern,37.12,36.20,residential,example
north,North,,,37.11,36.21,park,example
`
	places, err := thiessen.ReadPlaces(strings.NewReader(csv), "example.csv")
	if err != nil {
		log.Fatal(err)
	}
	outline := orb.Polygon{{{37.09, 36.19}, {37.13, 36.19}, {37.13, 36.22}, {37.09, 36.22}, {37.09, 36.19}}}
	res, err := thiessen.Build(places, thiessen.Options{Outline: outline})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range res.Collection.Features {
		fmt.Println(f.ID, f.Geometry.GeoJSONType(), f.Properties["aliases"])
	}
	fmt.Println("warnings:", len(res.Warnings))

	// Encode writes deterministic GeoJSON, one feature per line.
	var out strings.Builder
	if err := res.Encode(&out); err != nil {
		log.Fatal(err)
	}
	lines := strings.Split(out.String(), "\n")
	fmt.Println(lines[0])
	fmt.Println(lines[1][:70] + "…")
	// Output:
	// east Polygon [Sharq Eastern]
	// north Polygon []
	// west Polygon []
	// warnings: 0
	// {"type":"FeatureCollection","features":[
	// {"type":"Feature","id":"east","properties":{"id":"east","name":"East",…
}
