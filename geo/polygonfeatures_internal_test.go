package geo

import (
	"fmt"
	"reflect"
	"testing"
)

// FuzzPolygonFeaturesOnePass: decoding a collection in one pass gives
// what decoding it feature by feature gives, problems included.
func FuzzPolygonFeaturesOnePass(f *testing.F) {
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"a":1},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}`)
	f.Add(`{"type":"FeatureCollection","features":[null,{"type":"Feature","properties":5,"geometry":null}]}`)
	f.Add(`{"type":"FeatureCollection","features":[{"geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}},{"geometry":{"type":"Point","coordinates":[0,0]}}]}`)
	f.Add(`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:4326"}},"features":[]}`)
	f.Add(`{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}`)
	f.Fuzz(func(t *testing.T, s string) {
		read := func(one bool) string {
			defer func(was bool) { onePass = was }(onePass)
			onePass = one
			out, problems := ReadPolygonFeatures([]byte(s), "f.geojson")
			return fmt.Sprintf("%#v %v", out, problems)
		}
		if a, b := read(true), read(false); !reflect.DeepEqual(a, b) {
			t.Fatalf("one pass:\n%s\nfeature by feature:\n%s", a, b)
		}
	})
}
