package server_test

import (
	"context"
	"io/fs"
	"net/http"
	"runtime"
	"testing"
	"testing/fstest"

	"github.com/frontline/frontline/data"
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

// benchmarkReload is a reload as `serve --watch` or SIGHUP makes it: load
// the files (from memory), build the version, prepare its districts, swap
// it in. The two versions alternate, so that every reload swaps.
func benchmarkReload(b *testing.B, versions [2]fs.FS) {
	first, err := geo.LoadDir(versions[0], "bench")
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	l, err := server.NewLive(server.Deps{Dataset: first}, server.Config{}, func() (*geo.Dataset, error) {
		n++ // the reloads run one at a time
		return geo.LoadDir(versions[n%2], "bench")
	})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	<-l.Prepared()
	runtime.GC()
	b.ReportAllocs()
	for b.Loop() {
		if err := l.Reload(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReloadAleppo reloads the embedded Aleppo dataset with one day
// added (target: 0.5 s).
func BenchmarkReloadAleppo(b *testing.B) {
	next := fstest.MapFS{}
	err := fs.WalkDir(data.Default(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(data.Default(), p)
		if p == geo.ControlFile {
			body = append(body, "2016-12-23,aajam,government,1,,a new day\n"...)
		}
		next[p] = &fstest.MapFile{Data: body}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	benchmarkReload(b, [2]fs.FS{data.Default(), next})
}

// BenchmarkReloadScale reloads the scale dataset (10,000 districts, 365
// change dates), two versions of it (target: 3 s).
func BenchmarkReloadScale(b *testing.B) {
	var versions [2]fs.FS
	for i := range versions {
		o := scale
		o.Seed = int64(i + 1)
		fsys, err := geo.SynthFS(o)
		if err != nil {
			b.Fatal(err)
		}
		versions[i] = fsys
	}
	benchmarkReload(b, versions)
}
