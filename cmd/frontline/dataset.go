package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/frontline/frontline/data"
	"github.com/frontline/frontline/geo"
)

// datasetFlags are the flags every command that reads a dataset shares.
type datasetFlags struct {
	dir    string
	repair bool
	// checkGaps looks for street gaps between districts (validate).
	checkGaps bool
}

func (f *datasetFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.dir, "data", "", "dataset directory (default: the embedded "+data.DefaultName+" dataset)")
	fs.BoolVar(&f.repair, "repair", false, "repair invalid district geometry with GEOS MakeValid instead of failing")
}

// load reads the dataset and prints its warnings to stderr.
func (f *datasetFlags) load(stderr io.Writer) (*geo.Dataset, error) {
	opt := geo.LoadOptions{Repair: f.repair, CheckGaps: f.checkGaps}
	var ds *geo.Dataset
	var err error
	if f.dir == "" {
		ds, err = geo.Load(data.Default(), "embedded:"+data.DefaultName, opt)
	} else {
		if st, serr := os.Stat(f.dir); serr != nil || !st.IsDir() {
			return nil, fmt.Errorf("--data %s: not a directory holding districts.geojson, sides.csv and control.csv", f.dir)
		}
		ds, err = geo.Load(os.DirFS(f.dir), filepath.Clean(f.dir), opt)
	}
	if err != nil {
		return nil, err
	}
	for _, w := range ds.Warnings {
		fmt.Fprintln(stderr, w)
	}
	return ds, nil
}
