package boundaries_test

import (
	"fmt"
	"log"
	"os"

	"github.com/frontline/frontline/geo/boundaries"
	"github.com/frontline/frontline/geo/thiessen"
)

// Two digitised blocks with a 27 m street between them, a place named by an
// alias of one block and a place inside the other: the street is shared
// out and the second block is split.
func Example() {
	layer := []byte(`{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"NAME":"al-Gharbi"},"geometry":{"type":"Polygon","coordinates":[[[37.10,36.20],[37.11,36.20],[37.11,36.21],[37.10,36.21],[37.10,36.20]]]}},
{"type":"Feature","properties":{"NAME":"ash-Sharqi"},"geometry":{"type":"Polygon","coordinates":[[[37.1103,36.20],[37.12,36.20],[37.12,36.21],[37.1103,36.21],[37.1103,36.20]]]}}]}`)
	places := []thiessen.Place{
		{ID: "west", Name: "West", Aliases: []string{"al-Gharbi"}, Lon: 37.105, Lat: 36.205},
		{ID: "east", Name: "East", Aliases: []string{"ash-Sharqi"}, Lon: 37.115, Lat: 36.203},
		{ID: "market", Name: "Market", Lon: 37.115, Lat: 36.208},
	}
	res, err := boundaries.Build(layer, "blocks.geojson", boundaries.Options{NameProperty: "NAME", Places: places})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range res.Collection.Features {
		fmt.Println(f.ID, f.Properties["geometry_source"], f.Properties["source_names"])
	}
	if err := res.Report.WriteText(os.Stdout, "blocks.geojson", boundaries.Options{}); err != nil {
		log.Fatal(err)
	}
	// Output:
	// east split [ash-Sharqi]
	// market split [ash-Sharqi]
	// west polygon [al-Gharbi]
	// read blocks.geojson: 2 features, 2 names
	// overlaps: none of 1 m² or more
	// street gaps up to 60 m closed: 0.030 km² shared out to the units around them
	// split east into Thiessen cells with the places inside it: market
	// 3 districts, 1.996 km² (WGS84 ellipsoid) in one piece
}
