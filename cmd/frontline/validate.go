package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/frontline/frontline/geo"
)

func runValidate(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("validate", stderr)
	var df datasetFlags
	df.registerLoad(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("give one dataset directory: frontline validate DIR")
	}
	df.dir, df.checkGaps = fs.Arg(0), true
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
	// serve prepares this on the first territory request; a dataset it
	// would fail on is not ok.
	if _, err := geo.NewShapes(ds); err != nil {
		fmt.Fprintf(stdout, "%s: error: %v\n", filepath.Join(df.dir, geo.DistrictsFile), err)
		fmt.Fprintf(stdout, "%s: 1 error(s), %d warning(s)\n", df.dir, len(ds.Warnings))
		return exitError{1}
	}
	fmt.Fprintf(stdout, "%s: ok — %d districts (%.3f km²), %d sides, %d control rows, %d change dates (%s), %d warning(s)\n",
		df.dir, len(ds.Districts), ds.TotalKm2(), len(ds.Sides), len(ds.Rows), len(ds.ChangeDates()), ds.Range(), len(ds.Warnings))
	return nil
}
