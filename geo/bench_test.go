package geo_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/frontline/frontline/data"
	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/internal/testkit"
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

// BenchmarkLoadLargeControl loads the small dataset with a control.csv of
// 200,000 rows: 5 districts split between two sides on each of 20,000
// days. It reports the bytes allocated per byte of control.csv, which the
// streaming reader keeps a small multiple.
func BenchmarkLoadLargeControl(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("date,district,side,share,source,note\n")
	start, _ := geo.ParseDate("1990-01-01")
	districts := []string{"north-west", "north-east", "south-west", "south-east", "islands"}
	rows := 0
	for day := 0; rows < 200_000; day++ {
		for _, d := range districts {
			fmt.Fprintf(&sb, "%s,%s,government,0.5,[17][18],synthetic row\n%s,%s,opposition,0.5,[17],synthetic row\n", start.AddDays(day), d, start.AddDays(day), d)
			rows += 2
		}
	}
	control := sb.String()
	fsys := testkit.SmallMapFS(b, map[string]string{geo.ControlFile: control})
	b.ReportAllocs()
	b.SetBytes(int64(len(control)))
	var total uint64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		ds, err := geo.LoadDir(fsys, "large")
		if err != nil {
			b.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		total += after.TotalAlloc - before.TotalAlloc
		runtime.KeepAlive(ds)
	}
	b.ReportMetric(float64(total)/float64(b.N)/float64(len(control)), "alloc-B/input-B")
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
		shapes, err := geo.NewShapes(ds)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := shapes.Series(ds.Range()); err != nil {
			b.Fatal(err)
		}
	}
}
