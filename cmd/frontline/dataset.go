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
	dir       string
	repair    bool
	maxFileMB int64
	// limits on the districts' size (geo.LoadOptions)
	maxParts, maxVertices, maxSideDistricts int
	// checkGaps looks for street gaps between districts (validate).
	checkGaps bool
}

func (f *datasetFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.dir, "data", "", "dataset directory (default: the embedded "+data.DefaultName+" dataset)")
	f.registerLoad(fs)
}

// registerLoad registers the flags that tune loading (validate takes the
// directory as an argument, not --data).
func (f *datasetFlags) registerLoad(fs *flag.FlagSet) {
	fs.BoolVar(&f.repair, "repair", false, "repair invalid district geometry with GEOS MakeValid instead of failing")
	fs.Int64Var(&f.maxFileMB, "max-file-mb", geo.DefaultMaxFileBytes>>20, "refuse any dataset file larger than this many MiB")
	fs.IntVar(&f.maxParts, "max-parts", geo.DefaultMaxParts, "refuse a district of more polygons (islands) than this")
	fs.IntVar(&f.maxVertices, "max-vertices", geo.DefaultMaxVertices, "refuse districts of more positions than this in all")
	fs.IntVar(&f.maxSideDistricts, "max-side-districts", geo.DefaultMaxSideDistricts, "refuse more sides × districts than this")
}

// load reads the dataset and prints its warnings to stderr.
func (f *datasetFlags) load(stderr io.Writer) (*geo.Dataset, error) {
	if f.maxFileMB < 1 || f.maxFileMB > 1<<20 {
		return nil, fmt.Errorf("--max-file-mb %d: give a size in MiB from 1 to %d", f.maxFileMB, 1<<20)
	}
	for _, l := range []struct {
		flag string
		v    int
	}{{"--max-parts", f.maxParts}, {"--max-vertices", f.maxVertices}, {"--max-side-districts", f.maxSideDistricts}} {
		if l.v < 1 {
			return nil, fmt.Errorf("%s %d: give a limit of at least 1", l.flag, l.v)
		}
	}
	opt := geo.LoadOptions{Repair: f.repair, MaxFileBytes: f.maxFileMB << 20, CheckGaps: f.checkGaps,
		MaxParts: f.maxParts, MaxVertices: f.maxVertices, MaxSideDistricts: f.maxSideDistricts}
	var ds *geo.Dataset
	var err error
	if f.dir == "" {
		ds, err = geo.Load(data.Default(), "embedded:"+data.DefaultName, opt)
	} else {
		if st, serr := os.Stat(f.dir); serr != nil || !st.IsDir() {
			return nil, fmt.Errorf("--data %s: not a directory holding districts.geojson, sides.csv and control.csv", f.dir)
		}
		// An os.Root cannot be left through symbolic links or "..": the
		// dataset is read from its directory and nowhere else.
		root, rerr := os.OpenRoot(f.dir)
		if rerr != nil {
			return nil, fmt.Errorf("--data %s: %w", f.dir, rerr)
		}
		defer root.Close()
		ds, err = geo.Load(root.FS(), filepath.Clean(f.dir), opt)
	}
	if err != nil {
		return nil, err
	}
	for _, w := range ds.Warnings {
		fmt.Fprintln(stderr, w)
	}
	return ds, nil
}
