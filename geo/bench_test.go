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

// scaleOptions is the dataset of issue 10: 10,000 hexagonal districts, 365
// change dates, about 61,500 control rows.
var scaleOptions = geo.SynthOptions{NX: 100, NY: 100, Dates: 365, Hex: true, Pace: 0.16, Seed: 1}

// BenchmarkLoadScale loads that dataset from memory: parse, validate with
// GEOS, measure.
func BenchmarkLoadScale(b *testing.B) {
	fsys, err := geo.SynthFS(scaleOptions)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := geo.LoadDir(fsys, "synth"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSeriesScale is the first whole-range series of a freshly loaded
// scale dataset: the per-change-date sums are built on first use.
func BenchmarkSeriesScale(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		ds := synthDataset(b, scaleOptions)
		r := ds.Range()
		b.StartTimer()
		if _, err := ds.Series(r.First, r.Last); err != nil {
			b.Fatal(err)
		}
	}
}
