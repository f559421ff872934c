package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/frontline/frontline/geo"
)

func runChanges(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("changes", stderr)
	var df datasetFlags
	df.register(fs)
	fromS := fs.String("from", "", "first date YYYY-MM-DD (required)")
	toS := fs.String("to", "", "second date YYYY-MM-DD (required)")
	format := fs.String("format", "table", "output: table or json")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *format != "table" && *format != "json" {
		return fmt.Errorf("--format %q: use table or json", *format)
	}
	ds, err := df.load(stderr)
	if err != nil {
		return err
	}
	from, err := ds.DateArg(geo.Arg{Name: "--from", Value: *fromS})
	if err != nil {
		return err
	}
	to, err := ds.DateArg(geo.Arg{Name: "--to", Value: *toS})
	if err != nil {
		return err
	}
	changes := ds.Changes(from, to)
	shapes, err := geo.NewShapes(ds)
	if err != nil {
		return err
	}
	sum, err := shapes.ChangeSummary(from, to)
	if err != nil {
		return err
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(sum)
	}
	fmt.Fprintf(stdout, "%s — changes from %s to %s: %d district(s), %.3f km² changed hands\n\n", ds.Meta.Title, from, to, sum.Districts, sum.MovedKm2)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "side\tgained km²\tlost km²\tnet km²\t")
	for _, s := range ds.Sides {
		c := sum.Sides[s.ID]
		fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t%+.3f\t\n", s.Name, c.GainedKm2, c.LostKm2, c.NetKm2)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(sum.Frontlines) > 0 {
		fmt.Fprintln(stdout)
		tw = tabwriter.NewWriter(stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "front\t%s km\t%s km\tchange km\t\n", from, to)
		for _, p := range slices.Sorted(maps.Keys(sum.Frontlines)) {
			f := sum.Frontlines[p]
			fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t%+.3f\t\n", strings.ReplaceAll(p, "|", "–"), f.FromKm, f.ToKm, f.ChangeKm)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if len(changes) == 0 {
		return nil
	}
	fmt.Fprintln(stdout)
	tw = tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "district\tfrom\tto\tkm² moved")
	for _, ch := range changes {
		d := ds.Districts[ch.District]
		a, b := ds.StateOn(ch.District, from), ds.StateOn(ch.District, to)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.3f\n", d.Name, ds.Controller(a), ds.Controller(b), ch.MovedKm2)
	}
	return tw.Flush()
}
