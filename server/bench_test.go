package server_test

import (
	"net/http"
	"runtime"
	"testing"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/server"
)

// scale is the dataset of issue 10: 10,000 hexagonal districts, 365 change
// dates, about 61,500 control rows.
var scale = geo.SynthOptions{NX: 100, NY: 100, Dates: 365, Hex: true, Pace: 0.16, Seed: 1}

// freshScaleServer returns a server on the scale dataset whose districts
// are prepared (one territory answered) and whose cache is otherwise empty.
func freshScaleServer(b *testing.B, ds *geo.Dataset) http.Handler {
	b.Helper()
	srv, err := server.New(server.Deps{Dataset: ds}, server.Config{})
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	if rec := get(b, h, "/api/territory/"+ds.Range().First.String()); rec.Code != http.StatusOK {
		b.Fatal(rec.Code, rec.Body.String())
	}
	// The set-up's garbage is collected outside the timed part.
	runtime.GC()
	return h
}

// BenchmarkSeriesFirstScale is the first whole-range daily series (JSON,
// with front lengths) of a fresh server on the scale dataset.
func BenchmarkSeriesFirstScale(b *testing.B) {
	ds := synth(b, scale)
	r := ds.Range()
	target := "/api/stats?from=" + r.First.String() + "&to=" + r.Last.String()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		h := freshScaleServer(b, ds)
		b.StartTimer()
		if rec := get(b, h, target); rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
}

// BenchmarkTerritoriesFrontlinesScale is the territories and the
// frontlines of every change date of the scale dataset, encoded, on a
// fresh server.
func BenchmarkTerritoriesFrontlinesScale(b *testing.B) {
	ds := synth(b, scale)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		h := freshScaleServer(b, ds)
		b.StartTimer()
		for _, d := range ds.ChangeDates() {
			for _, kind := range []string{"/api/territory/", "/api/frontlines/"} {
				if rec := get(b, h, kind+d.String()); rec.Code != http.StatusOK {
					b.Fatal(rec.Code)
				}
			}
		}
	}
}

// BenchmarkReadyScale is a start on the scale dataset as bench-scale.sh
// measures it, without the process: load the files (from memory), build the
// server, answer the first frontlines (which wait for the districts to be
// prepared).
func BenchmarkReadyScale(b *testing.B) {
	fsys, err := geo.SynthFS(scale)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		ds, err := geo.LoadDir(fsys, "synth")
		if err != nil {
			b.Fatal(err)
		}
		srv, err := server.New(server.Deps{Dataset: ds}, server.Config{})
		if err != nil {
			b.Fatal(err)
		}
		if rec := get(b, srv.Handler(), "/api/frontlines/"+ds.Range().First.String()); rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
}
