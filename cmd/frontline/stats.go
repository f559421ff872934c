package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
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
	baseS := fs.String("baseline", "", "with --of: who now holds the ground that side held on this date (with --format csv: date,baseline_date,of,side,km2,share for --date or each day of --from and --to)")
	of := fs.String("of", "", "side id for --baseline")
	by := fs.String("by", "", "a district property (e.g. oblast, kind): km² and share per side of each of its values, of the group's ground (with --format csv: date,group,side,km2,share for --date or each day of --from and --to)")
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
	if *baseS != "" && *dateS == "" && *format != "csv" {
		return fmt.Errorf("--baseline over --from and --to is a CSV: add --format csv, or give --date")
	}
	if *by != "" && *baseS != "" {
		return fmt.Errorf("--by does not go with --baseline: ask for one, then the other")
	}
	if *by != "" && *dateS == "" && *format != "csv" {
		return fmt.Errorf("--by over --from and --to is a CSV: add --format csv, or give --date")
	}
	ds, err := df.load(stderr)
	if err != nil {
		return err
	}
	if *by != "" {
		return statsBy(ds, *by, *dateS, *fromS, *toS, *format, stdout)
	}
	if *format != "table" {
		return apiStats(ds, *dateS, *fromS, *toS, *baseS, *of, *format, stdout)
	}
	if *dateS == "" {
		return seriesTable(ds, *fromS, *toS, stdout)
	}
	d, err := ds.DateArg(geo.Arg{Name: "--date", Value: *dateS})
	if err != nil {
		return err
	}
	st, err := ds.Stats(d)
	if err != nil {
		return err
	}
	var base *geo.Baseline
	if *baseS != "" {
		bd, err := ds.DateArg(geo.Arg{Name: "--baseline", Value: *baseS})
		if err != nil {
			return err
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
// by the same encoders from the same series, so the command line and the
// server never disagree on a number or a column.
func apiStats(ds *geo.Dataset, date, from, to, base, of, format string, stdout io.Writer) error {
	r, err := flagRange(ds, date, from, to)
	if err != nil {
		return err
	}
	shapes, err := geo.NewShapes(ds)
	if err != nil {
		return err
	}
	days, err := shapes.Series(r)
	if err != nil {
		return err
	}
	pairs, err := shapes.Pairs()
	if err != nil {
		return err
	}
	if date != "" && format == "json" {
		body := encode.Stats{SeriesDay: days[0]}
		if base != "" {
			bd, err := ds.DateArg(geo.Arg{Name: "--baseline", Value: base})
			if err != nil {
				return err
			}
			b, err := ds.Baseline(r.First, bd, of)
			if err != nil {
				return err
			}
			body.Baseline = &b
		}
		return printJSON(stdout, body)
	}
	if format == "csv" && base != "" {
		bd, err := ds.DateArg(geo.Arg{Name: "--baseline", Value: base})
		if err != nil {
			return err
		}
		return encode.BaselineCSV(stdout, ds, r, bd, of)
	}
	if format == "csv" {
		return encode.SeriesCSV(stdout, ds, pairs, days)
	}
	return printJSON(stdout, encode.NewSeries(ds, r, pairs, days))
}

// flagRange reads --date, or --from and --to (each defaulting to the
// dataset's first or last date), as every series checks a range.
func flagRange(ds *geo.Dataset, date, from, to string) (geo.Range, error) {
	if date != "" {
		d, err := ds.DateArg(geo.Arg{Name: "--date", Value: date})
		return geo.Range{First: d, Last: d}, err
	}
	return ds.RangeArg(geo.Arg{Name: "--from", Value: from}, geo.Arg{Name: "--to", Value: to})
}

func printJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// seriesTable prints the series as a table: km² per side, then the front
// length of each pair of sides that meet.
func seriesTable(ds *geo.Dataset, fromS, toS string, stdout io.Writer) error {
	r, err := flagRange(ds, "", fromS, toS)
	if err != nil {
		return err
	}
	shapes, err := geo.NewShapes(ds)
	if err != nil {
		return err
	}
	days, err := shapes.Series(r)
	if err != nil {
		return err
	}
	pairs, err := shapes.Pairs()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "date\t")
	for _, s := range ds.Sides {
		fmt.Fprintf(tw, "%s km²\t", s.ID)
	}
	fmt.Fprint(tw, "unassigned km²\t")
	for _, p := range pairs {
		fmt.Fprintf(tw, "front %s km\t", strings.ReplaceAll(p, "|", "–"))
	}
	fmt.Fprintln(tw)
	for _, st := range days {
		fmt.Fprintf(tw, "%s\t", st.Date)
		for _, s := range ds.Sides {
			fmt.Fprintf(tw, "%.3f\t", st.Sides[s.ID].Km2)
		}
		fmt.Fprintf(tw, "%.3f\t", st.UnassignedKm2)
		for _, p := range pairs {
			fmt.Fprintf(tw, "%.3f\t", st.FrontlinesKm[p])
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

// statsBy prints the km² of each side in each group of districts by the
// property by (geo.Regions): the API's JSON and CSV, or a table.
func statsBy(ds *geo.Dataset, by, date, from, to, format string, stdout io.Writer) error {
	r, err := flagRange(ds, date, from, to)
	if err != nil {
		return err
	}
	regions, err := geo.NewRegions(ds, by)
	if err != nil {
		return fmt.Errorf("--by: %w", err)
	}
	if err := regions.CheckRange(r, "--from", "--to"); err != nil {
		return err
	}
	if format == "csv" {
		return encode.RegionsCSV(stdout, ds, regions, r)
	}
	st, err := regions.On(r.First)
	if err != nil {
		return err
	}
	if format == "json" {
		return printJSON(stdout, st)
	}
	fmt.Fprintf(stdout, "%s — %s, by %s\n\n", ds.Meta.Title, st.Date, by)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, by+"\t")
	for _, s := range ds.Sides {
		fmt.Fprintf(tw, "%s km²\t%s\t", s.Name, s.Name)
	}
	fmt.Fprintln(tw, "unassigned km²\ttotal km²\t")
	for _, g := range st.Groups {
		name := g.Group
		if name == "" {
			name = "(none)"
		}
		fmt.Fprintf(tw, "%s\t", name)
		for _, s := range ds.Sides {
			a := g.Sides[s.ID]
			fmt.Fprintf(tw, "%.3f\t%.1f%%\t", a.Km2, 100*a.Share)
		}
		fmt.Fprintf(tw, "%.3f\t%.3f\t\n", g.UnassignedKm2, g.TotalKm2)
	}
	return tw.Flush()
}
