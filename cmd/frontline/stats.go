package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/encode"
)

func runStats(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("stats", stderr)
	var df datasetFlags
	df.register(fs)
	dateS := fs.String("date", "", "date YYYY-MM-DD (or use --from and --to for a daily series)")
	fromS := fs.String("from", "", "first date of a daily series")
	toS := fs.String("to", "", "last date of a daily series")
	format := fs.String("format", "table", "output: table, csv or json")
	baseS := fs.String("baseline", "", "with --of: who now holds the ground that side held on this date")
	of := fs.String("of", "", "side id for --baseline")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *format != "table" && *format != "csv" && *format != "json" {
		return fmt.Errorf("--format %q: use table, csv or json", *format)
	}
	if (*dateS == "") == (*fromS == "" && *toS == "") {
		return fmt.Errorf("give either --date D or --from D1 --to D2")
	}
	if (*baseS == "") != (*of == "") {
		return fmt.Errorf("--baseline and --of go together, e.g. --baseline 2016-11-15 --of opposition")
	}
	if *format == "csv" && *baseS != "" {
		return fmt.Errorf("--baseline has no CSV form: use --format json or table")
	}
	ds, err := df.load(stderr)
	if err != nil {
		return err
	}
	if *format != "table" {
		return apiStats(ds, *dateS, *fromS, *toS, *baseS, *of, *format, stdout)
	}
	if *dateS == "" {
		return seriesTable(ds, *fromS, *toS, stdout)
	}
	d, err := geo.ParseDate(*dateS)
	if err != nil {
		return fmt.Errorf("--date: %w", err)
	}
	st, err := ds.Stats(d)
	if err != nil {
		return err
	}
	var base *geo.Baseline
	if *baseS != "" {
		bd, err := geo.ParseDate(*baseS)
		if err != nil {
			return fmt.Errorf("--baseline: %w", err)
		}
		b, err := ds.Baseline(d, bd, *of)
		if err != nil {
			return err
		}
		base = &b
	}
	fmt.Fprintf(stdout, "%s — %s\n\n", ds.Meta.Title, d)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "side\tkm²\tshare\t")
	for _, s := range ds.Sides {
		a := st.Sides[s.ID]
		fmt.Fprintf(tw, "%s\t%.3f\t%.1f%%\t\n", s.Name, a.Km2, 100*a.Share)
	}
	fmt.Fprintf(tw, "unassigned\t%.3f\t%.1f%%\t\n", st.UnassignedKm2, 100*st.UnassignedKm2/st.TotalKm2)
	fmt.Fprintf(tw, "total\t%.3f\t100.0%%\t\n", st.TotalKm2)
	if err := tw.Flush(); err != nil {
		return err
	}
	if base != nil {
		fmt.Fprintf(stdout, "\nOf the %.3f km² held by %s on %s, on %s:\n", base.Km2, base.Of, base.Date, d)
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
		for _, s := range ds.Sides {
			a := base.Held[s.ID]
			fmt.Fprintf(tw, "%s\t%.3f\t%.1f%%\t\n", s.Name, a.Km2, 100*a.Share)
		}
		return tw.Flush()
	}
	return nil
}

// apiStats prints the API's own JSON or CSV for the same question, written
// by the same encoders, so the command line and the server never disagree
// on a number or a column.
func apiStats(ds *geo.Dataset, date, from, to, base, of, format string, stdout io.Writer) error {
	if date != "" && format == "json" {
		d, err := geo.ParseDate(date)
		if err != nil {
			return fmt.Errorf("--date: %w", err)
		}
		st, err := ds.Stats(d)
		if err != nil {
			return err
		}
		body := encode.Stats{Stats: st}
		if base != "" {
			bd, err := geo.ParseDate(base)
			if err != nil {
				return fmt.Errorf("--baseline: %w", err)
			}
			b, err := ds.Baseline(d, bd, of)
			if err != nil {
				return err
			}
			body.Baseline = &b
		}
		return printJSON(stdout, body)
	}
	if date != "" {
		from, to = date, date
	}
	r, err := flagRange(ds, from, to)
	if err != nil {
		return err
	}
	stats, err := ds.Series(r.First, r.Last)
	if err != nil {
		return err
	}
	shapes, err := geo.NewShapes(ds)
	if err != nil {
		return err
	}
	pairs := ds.SidePairs()
	series := make([]encode.SeriesEntry, len(stats))
	var day *geo.DayShapes
	for i, st := range stats {
		if day == nil || ds.EffectiveDate(st.Date) != day.Date {
			if day, err = shapes.On(st.Date); err != nil {
				return err
			}
		}
		series[i] = encode.SeriesEntry{Stats: st, FrontlinesKm: day.FrontlineKm(pairs)}
	}
	if format == "csv" {
		return encode.SeriesCSV(stdout, ds, series)
	}
	return printJSON(stdout, encode.NewSeries(ds, r.First, r.Last, series))
}

// flagRange reads --from and --to, defaulting to the dataset's range.
func flagRange(ds *geo.Dataset, from, to string) (geo.Range, error) {
	r := ds.Range()
	var err error
	if from != "" {
		if r.First, err = geo.ParseDate(from); err != nil {
			return r, fmt.Errorf("--from: %w", err)
		}
	}
	if to != "" {
		if r.Last, err = geo.ParseDate(to); err != nil {
			return r, fmt.Errorf("--to: %w", err)
		}
	}
	return r, nil
}

func printJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

func seriesTable(ds *geo.Dataset, fromS, toS string, stdout io.Writer) error {
	r, err := flagRange(ds, fromS, toS)
	if err != nil {
		return err
	}
	series, err := ds.Series(r.First, r.Last)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "date\t")
	for _, s := range ds.Sides {
		fmt.Fprintf(tw, "%s km²\t", s.ID)
	}
	fmt.Fprintln(tw, "unassigned km²\t")
	for _, st := range series {
		fmt.Fprintf(tw, "%s\t", st.Date)
		for _, s := range ds.Sides {
			fmt.Fprintf(tw, "%.3f\t", st.Sides[s.ID].Km2)
		}
		fmt.Fprintf(tw, "%.3f\t\n", st.UnassignedKm2)
	}
	return tw.Flush()
}
