package geo_test

import (
	"testing"

	"github.com/frontline/frontline/data"
	"github.com/frontline/frontline/geo"
)

func loadAleppo(b *testing.B) *geo.Dataset {
	b.Helper()
	ds, err := geo.LoadDir(data.Default(), data.DefaultName)
	if err != nil {
		b.Fatal(err)
	}
	return ds
}

// BenchmarkLoad is the start-up cost of the embedded dataset: parse,
// validate with GEOS (validity, overlaps) and measure every district.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		loadAleppo(b)
	}
}

// BenchmarkStateOn is one timeline lookup: a binary search in a
// district's change list.
func BenchmarkStateOn(b *testing.B) {
	ds := loadAleppo(b)
	day, _ := geo.ParseDate("2016-12-06")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		ds.StateOn(i%len(ds.Districts), day)
		i++
	}
}

// BenchmarkStats is the state of every district and the area per side on
// one date, uncached.
func BenchmarkStats(b *testing.B) {
	ds := loadAleppo(b)
	day, _ := geo.ParseDate("2016-12-06")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ds.Stats(day); err != nil {
			b.Fatal(err)
		}
	}
}
