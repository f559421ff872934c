package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"text/tabwriter"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/server"
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

// apiStats prints the API's own JSON or CSV for the same question, so the
// command line and the server never disagree on a number or a column.
func apiStats(ds *geo.Dataset, date, from, to, base, of, format string, stdout io.Writer) error {
	q := url.Values{}
	path := "/api/stats"
	switch {
	case date != "" && format == "json":
		path += "/" + url.PathEscape(date)
		if base != "" {
			q.Set("baseline", base)
			q.Set("of", of)
		}
	case date != "":
		q.Set("from", date)
		q.Set("to", date)
	default:
		if from != "" {
			q.Set("from", from)
		}
		if to != "" {
			q.Set("to", to)
		}
	}
	if format == "csv" {
		q.Set("format", "csv")
	}
	srv, err := server.New(server.Deps{Dataset: ds}, server.Config{Version: version})
	if err != nil {
		return err
	}
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	b, err := srv.Get(path)
	if err != nil {
		return err
	}
	if format == "json" {
		var out bytes.Buffer
		if err := json.Indent(&out, b, "", "  "); err != nil {
			return err
		}
		b = append(out.Bytes(), '\n')
	}
	_, err = stdout.Write(b)
	return err
}

func seriesTable(ds *geo.Dataset, fromS, toS string, stdout io.Writer) error {
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
