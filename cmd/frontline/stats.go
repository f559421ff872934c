package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/frontline/frontline/geo"
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
	ds, err := df.load(stderr)
	if err != nil {
		return err
	}
	if *dateS == "" {
		return seriesOut(ds, *fromS, *toS, *format, stdout)
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
	switch *format {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			geo.Stats
			Baseline *geo.Baseline `json:"baseline,omitempty"`
		}{st, base})
	case "csv":
		return seriesCSV(ds, []geo.Stats{st}, stdout)
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

func seriesOut(ds *geo.Dataset, fromS, toS, format string, stdout io.Writer) error {
	r := ds.Range()
	var err error
	if fromS != "" {
		if r.First, err = geo.ParseDate(fromS); err != nil {
			return fmt.Errorf("--from: %w", err)
		}
	}
	if toS != "" {
		if r.Last, err = geo.ParseDate(toS); err != nil {
			return fmt.Errorf("--to: %w", err)
		}
	}
	series, err := ds.Series(r.First, r.Last)
	if err != nil {
		return err
	}
	switch format {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(series)
	case "csv":
		return seriesCSV(ds, series, stdout)
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

func seriesCSV(ds *geo.Dataset, series []geo.Stats, w io.Writer) error {
	cw := csv.NewWriter(w)
	head := []string{"date"}
	for _, s := range ds.Sides {
		head = append(head, s.ID)
	}
	_ = cw.Write(append(head, "unassigned", "total"))
	for _, st := range series {
		rec := []string{st.Date.String()}
		for _, s := range ds.Sides {
			rec = append(rec, strconv.FormatFloat(st.Sides[s.ID].Km2, 'f', 6, 64))
		}
		rec = append(rec, strconv.FormatFloat(st.UnassignedKm2, 'f', 6, 64), strconv.FormatFloat(st.TotalKm2, 'f', 6, 64))
		_ = cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}
