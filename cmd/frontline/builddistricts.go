package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/frontline/frontline/geo/geodesic"
	"github.com/frontline/frontline/geo/thiessen"
	"github.com/paulmach/orb"
)

// runBuildDistricts is `frontline build-districts`: places CSV in, district
// polygons (GeoJSON) out. The work is in geo/thiessen.
func runBuildDistricts(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("build-districts", stderr)
	placesPath := fs.String("places", "", "places CSV: id,name_en,name_ar,aliases,lon,lat,kind,coord_source (required)")
	outPath := fs.String("out", "", "GeoJSON file to write, replaced whole or not at all (required; - for standard output)")
	outlinePath := fs.String("outline", "", "GeoJSON Polygon/MultiPolygon, Feature or FeatureCollection (unioned) to divide; default: discs of --buffer around the places")
	buffer := fs.Float64("buffer", thiessen.DefaultBufferM, "radius in metres of the disc around each place that makes the default outline")
	minDist := fs.Float64("min-distance", thiessen.DefaultMinDistanceM, "error for places closer than this many metres (0: only identical places)")
	thin := fs.Float64("thin", thiessen.DefaultThinM, "warn about districts whose largest inscribed circle has a smaller radius in metres (0: off)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: frontline build-districts --places FILE --out FILE [--outline FILE | --buffer M] [--min-distance M] [--thin M]")
		fmt.Fprintln(fs.Output(), "Builds one Thiessen (Voronoi) district per place, clipped to the outline, as RFC 7946 GeoJSON sorted by id.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q: give files with --places, --out and --outline", fs.Arg(0))
	}
	if *placesPath == "" || *outPath == "" {
		return errors.New("give --places FILE and --out FILE")
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["outline"] && set["buffer"] {
		return errors.New("give either --outline or --buffer: --buffer only makes the default outline")
	}

	opt := thiessen.Options{BufferM: *buffer, MinDistanceM: *minDist, ThinM: *thin}
	if *minDist == 0 {
		opt.MinDistanceM = -1 // thiessen reads 0 as "default"
	}
	if *thin == 0 {
		opt.ThinM = -1
	}
	if *buffer <= 0 {
		return fmt.Errorf("--buffer %g: give a radius in metres greater than 0", *buffer)
	}
	places, err := readPlacesFile(*placesPath)
	if err != nil {
		return err
	}
	if *outlinePath != "" {
		if opt.Outline, err = readOutlineFile(*outlinePath); err != nil {
			return err
		}
	}
	res, err := thiessen.Build(places, opt)
	if err != nil {
		return fmt.Errorf("%s: %w", *placesPath, err)
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(stderr, "warning:", w)
	}
	if err := writeAtomically(*outPath, stdout, res.Encode); err != nil {
		return err
	}
	var m2 float64
	for _, f := range res.Collection.Features {
		m2 += geodesic.Area(f.Geometry)
	}
	name, summary := *outPath, stdout
	if name == "-" {
		name, summary = "standard output", stderr
	}
	fmt.Fprintf(summary, "wrote %s: %d districts from %d places, %.3f km² (WGS84 ellipsoid), %d warning(s)\n",
		name, len(res.Collection.Features), len(places), m2/1e6, len(res.Warnings))
	return nil
}

func readPlacesFile(path string) ([]thiessen.Place, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return thiessen.ReadPlaces(f, path)
}

func readOutlineFile(path string) (orb.MultiPolygon, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return thiessen.ReadOutline(f, path)
}

// writeAtomically writes through a temporary file in the target's directory
// and renames it over the target, so that a failure leaves no half-written
// file. "-" writes to stdout.
func writeAtomically(path string, stdout io.Writer, write func(io.Writer) error) error {
	if path == "-" {
		return write(stdout)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if err := write(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return os.Rename(tmp.Name(), path)
}
