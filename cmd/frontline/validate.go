package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/frontline/frontline/geo"
)

func runValidate(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("validate", stderr)
	repair := fs.Bool("repair", false, "repair invalid geometry with GEOS MakeValid (reported as warnings)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("give one dataset directory: frontline validate DIR")
	}
	df := datasetFlags{dir: fs.Arg(0), repair: *repair, checkGaps: true}
	ds, err := df.load(stdout)
	var ve *geo.ValidationError
	if errors.As(err, &ve) {
		nerr := 0
		for _, p := range ve.Problems {
			fmt.Fprintln(stdout, p)
			if p.Severity == geo.SeverityError {
				nerr++
			}
		}
		fmt.Fprintf(stdout, "%s: %d error(s), %d warning(s)\n", df.dir, nerr, len(ve.Problems)-nerr)
		return exitError{1}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: ok — %d districts (%.3f km²), %d sides, %d control rows, %d change dates (%s), %d warning(s)\n",
		df.dir, len(ds.Districts), ds.TotalKm2(), len(ds.Sides), len(ds.Rows), len(ds.ChangeDates()), ds.Range(), len(ds.Warnings))
	return nil
}
