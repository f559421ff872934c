package polygons_test

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/polygons"
)

// FuzzReadDays: any bytes in a day's file give days or an error that names
// the file, never a panic; days have a date and polygons.
func FuzzReadDays(f *testing.F) {
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[30,50],[31,50],[31,51],[30,50]]]}}]}`))
	f.Add([]byte(`{"type":"MultiPolygon","coordinates":[[[[30,50],[31,50],[31,51],[30,50]]]]}`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"date":"2024-11-02"},"geometry":{"type":"Polygon","coordinates":[[[30,50],[31,50],[31,51],[30,50]]]}}]}`))
	f.Add([]byte(`{"type":"Feature","properties":{"date":7},"geometry":null}`))
	f.Add([]byte(`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:3857"}},"features":[]}`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "map_20241101.geojson")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		days, _, err := polygons.ReadDays(path, 1<<20)
		if err != nil {
			if len(err.Error()) == 0 {
				t.Fatal("an empty error")
			}
			return
		}
		for _, d := range days {
			if d.Date == 0 || len(d.Polygons) == 0 || d.File != path || len(d.SHA256) != 64 {
				t.Fatalf("a day without its date, polygons, file or hash: %+v", d)
			}
		}
	})
}

// FuzzImport: days of a few rectangles (some overlapping, touching, thin
// or degenerate) are imported without error, and each date's ground held
// by a side is its input less what an earlier side claimed.
func FuzzImport(f *testing.F) {
	f.Add([]byte{10, 10, 40, 40, 30, 30, 60, 60, 5, 5, 6, 90})
	f.Add([]byte{0, 0, 255, 255, 0, 0, 255, 255})
	f.Add([]byte{10, 10, 10, 40, 20, 20, 21, 21, 200, 0, 255, 255})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 48 {
			data = data[:48]
		}
		// Each 4 bytes are a rectangle in a 0.2° square; each 3 rectangles
		// one date; sides alternate per rectangle.
		coord := func(b byte, base float64) float64 { return base + float64(b)/255*0.2 }
		var days [][]orb.MultiPolygon
		for i := 0; i+4 <= len(data); i += 4 {
			if i%12 == 0 {
				days = append(days, make([]orb.MultiPolygon, 2))
			}
			x0, y0 := coord(data[i], 30.35), coord(data[i+1], 50.1)
			x1, y1 := coord(data[i+2], 30.35), coord(data[i+3], 50.1)
			if x1 < x0 {
				x0, x1 = x1, x0
			}
			if y1 < y0 {
				y0, y1 = y1, y0
			}
			side := (i / 4) % 2
			d := days[len(days)-1]
			d[side] = append(d[side], rect(x0, y0, x1, y1))
		}
		cfg := polygons.Config{Sides: []string{"red", "green"}, Rest: "blue", EdgeM: polygons.DefaultEdgeM}
		im, err := polygons.New(cfg, twoRegions())
		if err != nil {
			t.Fatal(err)
		}
		for k, sides := range days {
			in := make([]polygons.Day, 2)
			for s := range sides {
				if len(sides[s]) > 0 {
					in[s] = polygons.Day{Date: geo.Date(20000 + k), Polygons: sides[s], File: "f", SHA256: "0"}
				}
			}
			rep, err := im.Add(geo.Date(20000+k), in)
			if err != nil {
				t.Fatalf("day %d: %v", k, err)
			}
			// Red keeps all its (rounded) input; green loses the overlap.
			if tooFar(rep.HeldKm2[0], rep.InputKm2[0]) || tooFar(rep.HeldKm2[1], rep.InputKm2[1]-rep.OverlapKm2) {
				t.Fatalf("day %d: held %v, input %v, overlap %v", k, rep.HeldKm2, rep.InputKm2, rep.OverlapKm2)
			}
		}
		if len(days) > 0 {
			if _, err := im.Files(polygons.Meta{Title: "fuzz"}); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// tooFar: held and input agree to 1e-6 relative and 100 m²: snap rounding
// moves a line by at most half a grid step (5 mm) where it meets another,
// which on a few km² of rectangles crossing each other is tens of m² (on a
// country's 100,000 km² it is 1e-9).
func tooFar(held, input float64) bool {
	return math.Abs(held-input) > 1e-6*math.Abs(input)+1e-4
}
