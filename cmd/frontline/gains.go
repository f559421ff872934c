package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/encode"
)

func runGains(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("gains", stderr)
	var df datasetFlags
	df.register(fs)
	everyS := fs.String("every", "month", "the periods: month (YYYY-MM), week (ISO, Monday to Sunday) or day")
	fromS := fs.String("from", "", "first day YYYY-MM-DD (default: the dataset's first date)")
	toS := fs.String("to", "", "last day YYYY-MM-DD (default: the dataset's last date)")
	format := fs.String("format", "table", "output: table, csv or json (the API's /api/gains.csv and /api/gains)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *format != "table" && *format != "csv" && *format != "json" {
		return fmt.Errorf("--format %q: use table, csv or json", *format)
	}
	every, err := geo.ParseEvery("--every", *everyS)
	if err != nil {
		return err
	}
	ds, err := df.load(stderr)
	if err != nil {
		return err
	}
	r, err := flagRange(ds, "", *fromS, *toS)
	if err != nil {
		return err
	}
	g, err := ds.Gains(r, every)
	if err != nil {
		return err
	}
	switch *format {
	case "csv":
		return encode.GainsCSV(stdout, ds, g)
	case "json":
		return printJSON(stdout, g)
	}
	fmt.Fprintf(stdout, "%s — km² gained and lost every %s, %s to %s\n\n", ds.Meta.Title, every, r.First, r.Last)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "period\tfrom\tto\tside\tgained km²\tlost km²\tnet km²\t\n")
	partial := false
	for _, p := range g.Periods {
		label := p.Period
		if p.Partial {
			label += " *"
			partial = true
		}
		for _, s := range ds.Sides {
			c := p.Sides[s.ID]
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.3f\t%.3f\t%+.3f\t\n", label, p.From, p.To, s.Name, c.GainedKm2, c.LostKm2, c.NetKm2)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "\nEach period compares the map at the end of the day before it (from) with the map at its end (to):")
	fmt.Fprintln(stdout, "ground taken and lost again within a period counts 0; --every day, summed, gives the gross.")
	if partial {
		fmt.Fprintln(stdout, "* partial: the range or the dataset covers only part of the period.")
	}
	return nil
}
