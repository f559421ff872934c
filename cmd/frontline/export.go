package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/server"
)

func runExport(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("export", stderr)
	var df datasetFlags
	df.register(fs)
	out := fs.String("out", "", "output directory (required); created if missing")
	fromS := fs.String("from", "", "first day (default: the dataset's first date)")
	toS := fs.String("to", "", "last day (default: the dataset's last date)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("--out DIR is required")
	}
	ds, err := df.load(stderr)
	if err != nil {
		return err
	}
	r := ds.Range()
	for _, p := range []struct {
		flag string
		v    string
		d    *geo.Date
	}{{"--from", *fromS, &r.First}, {"--to", *toS, &r.Last}} {
		if p.v == "" {
			continue
		}
		if *p.d, err = geo.ParseDate(p.v); err != nil {
			return fmt.Errorf("%s: %w", p.flag, err)
		}
		if err := ds.CheckDate(*p.d); err != nil {
			return fmt.Errorf("%s: %w", p.flag, err)
		}
	}
	if r.Last < r.First {
		return fmt.Errorf("--from %s is after --to %s", r.First, r.Last)
	}
	srv, err := server.New(server.Deps{Dataset: ds}, server.Config{Version: version})
	if err != nil {
		return err
	}
	bar := newProgress(stderr, r.Days()+2)
	w := exportWriter{dir: *out}
	for day := r.First; day <= r.Last; day++ {
		for _, kind := range []string{"snapshot", "territory", "frontlines"} {
			b, err := srv.Get("/api/" + kind + "/" + day.String())
			if err != nil {
				return err
			}
			if err := w.write(filepath.Join(kind, day.String()+".geojson"), b); err != nil {
				return err
			}
		}
		bar.step(day.String())
	}
	stats, err := srv.Get("/api/stats?format=csv&from=" + r.First.String() + "&to=" + r.Last.String())
	if err != nil {
		return err
	}
	if err := w.write("stats.csv", stats); err != nil {
		return err
	}
	bar.step("stats.csv")
	if err := w.write("changes.csv", changesCSV(ds, r)); err != nil {
		return err
	}
	bar.step("changes.csv")
	if err := w.write("ATTRIBUTION.txt", attribution(ds, r)); err != nil {
		return err
	}
	bar.done()
	fmt.Fprintf(stdout, "wrote %d files to %s: snapshot/, territory/ and frontlines/ per day (%s), stats.csv, changes.csv\n", w.files, *out, r)
	return nil
}

// changesCSV lists every district whose state changed from one day to the
// next within r.
func changesCSV(ds *geo.Dataset, r geo.Range) []byte {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	_ = cw.Write([]string{"date", "district", "name", "from", "to", "moved_km2", "sources", "note"})
	for day := r.First + 1; day <= r.Last; day++ {
		for _, ch := range ds.Changes(day-1, day) {
			d := ds.Districts[ch.District]
			now := ds.StateOn(ch.District, day)
			_ = cw.Write([]string{
				day.String(), d.ID, d.Name, ds.Controller(ds.StateOn(ch.District, day-1)), ds.Controller(now),
				strconv.FormatFloat(ch.MovedKm2, 'f', 6, 64), strings.Join(now.Change.Sources, ""), now.Change.Note,
			})
		}
	}
	cw.Flush()
	return buf.Bytes()
}

func attribution(ds *geo.Dataset, r geo.Range) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\nExported by frontline %s for %s.\n\n", ds.Meta.Title, version, r)
	if ds.Meta.Attribution != "" {
		fmt.Fprintf(&b, "Attribution: %s\n\n", ds.Meta.Attribution)
	}
	if ds.Meta.License != "" {
		fmt.Fprintf(&b, "Licence: %s\n\n", ds.Meta.License)
	}
	b.WriteString("snapshot/DATE.geojson: every district with its controller and shares on that day.\n" +
		"territory/DATE.geojson: the dissolved ground of each side.\n" +
		"frontlines/DATE.geojson: where two sides meet, with length_km.\n" +
		"stats.csv: km² per side per day, and front length in km per side pair.\n" +
		"changes.csv: the districts that changed hands from one day to the next.\n" +
		"All GeoJSON is RFC 7946 (WGS84 lon/lat); areas and lengths are ellipsoidal (WGS84).\n")
	return []byte(b.String())
}

// exportWriter writes each file to a temporary name and renames it, so an
// existing file is never left half-written.
type exportWriter struct {
	dir   string
	files int
}

func (w *exportWriter) write(rel string, b []byte) error {
	path := filepath.Join(w.dir, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(f.Name())
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return err
	}
	w.files++
	return nil
}

// progress draws a bar on a terminal and stays quiet otherwise.
type progress struct {
	w     io.Writer
	on    bool
	n, of int
}

func newProgress(w io.Writer, of int) *progress {
	on := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			on = true
		}
	}
	return &progress{w: w, on: on, of: of}
}

func (p *progress) step(what string) {
	p.n++
	if !p.on {
		return
	}
	const width = 30
	fill := width * p.n / p.of
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d %-12s", strings.Repeat("=", fill), strings.Repeat(" ", width-fill), p.n, p.of, what)
}

func (p *progress) done() {
	if p.on {
		fmt.Fprintln(p.w)
	}
}
