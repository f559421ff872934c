package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/frontline/frontline/geo/boundaries"
	"github.com/frontline/frontline/geo/geodesic"
	"github.com/frontline/frontline/geo/territory"
	"github.com/frontline/frontline/geo/thiessen"
	"github.com/paulmach/orb"
)

// runBuildDistricts is `frontline build-districts`: a polygon layer (with
// --polygons) or named points in, district polygons (GeoJSON) out. The work is
// in geo/boundaries and geo/thiessen.
func runBuildDistricts(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("build-districts", stderr)
	polygonsPath := fs.String("polygons", "", "a polygon layer (GeoJSON, crs member allowed) to clean into districts; without it, Thiessen cells of --places")
	nameProp := fs.String("name-property", boundaries.DefaultNameProperty, "with --polygons: the feature property that names a unit")
	maxGap := fs.Float64("max-gap", boundaries.DefaultMaxGapM, "with --polygons: the widest street gap in metres that is closed and shared out")
	reach := fs.Float64("reach", boundaries.DefaultReachM, "with --polygons: how far in metres the ground of a place outside every unit reaches")
	maxSites := fs.Int("max-gap-sites", territory.MaxGapSites, "with --polygons: the most border sites closing the gaps may take (about 450 MB and 40 s per 500,000); raise it for a large layer on a large machine")
	placesPath := fs.String("places", "", "places CSV: id,name_en,name_ar,aliases,lon,lat,kind,coord_source (required without --polygons)")
	outPath := fs.String("out", "", "GeoJSON file to write, replaced whole or not at all (required; - for standard output)")
	outlinePath := fs.String("outline", "", "GeoJSON Polygon/MultiPolygon, Feature or FeatureCollection (unioned) to divide; default: discs of --buffer around the places")
	buffer := fs.Float64("buffer", thiessen.DefaultBufferM, "radius in metres of the disc around each place that makes the default outline")
	minDist := fs.Float64("min-distance", thiessen.DefaultMinDistanceM, "error for places closer than this many metres (0: only identical places)")
	thin := fs.Float64("thin", thiessen.DefaultThinM, "warn about districts whose largest inscribed circle has a smaller radius in metres (0: off)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: frontline build-districts --polygons FILE [--name-property P] [--places FILE] [--max-gap M] [--max-gap-sites N] [--reach M] --out FILE")
		fmt.Fprintln(fs.Output(), "       frontline build-districts --places FILE --out FILE [--outline FILE | --buffer M] [--min-distance M] [--thin M]")
		fmt.Fprintln(fs.Output(), "With --polygons, cleans a real boundary layer into districts that tile its outline (street gaps closed, overlaps resolved,")
		fmt.Fprintln(fs.Output(), "places matched by name; places without a polygon split the unit they lie in or get a gap cell) and reports on standard error.")
		fmt.Fprintln(fs.Output(), "Without it, builds one Thiessen (Voronoi) district per place, clipped to the outline. Output: RFC 7946 GeoJSON sorted by id.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q: give files with --polygons, --places, --out and --outline", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *outPath != "" {
		// Before the work: building from a polygon layer takes a while.
		if err := checkOutFile(*outPath); err != nil {
			return err
		}
	}
	if *polygonsPath != "" {
		for _, f := range []string{"outline", "buffer", "min-distance", "thin"} {
			if set[f] {
				return fmt.Errorf("--%s is for Thiessen cells of points; with --polygons give --name-property, --places, --max-gap, --max-gap-sites or --reach", f)
			}
		}
		return buildFromPolygons(*polygonsPath, *placesPath, *outPath, boundaries.Options{
			NameProperty: *nameProp, MaxGapM: *maxGap, ReachM: *reach, MaxGapSites: *maxSites,
		}, stdout, stderr)
	}
	for _, f := range []string{"name-property", "max-gap", "max-gap-sites", "reach"} {
		if set[f] {
			return fmt.Errorf("--%s needs --polygons FILE: it is for building districts from a polygon layer", f)
		}
	}
	if *placesPath == "" || *outPath == "" {
		return errors.New("give --polygons FILE or --places FILE, and --out FILE")
	}
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

// buildFromPolygons is build-districts --polygons.
func buildFromPolygons(polygonsPath, placesPath, outPath string, opt boundaries.Options, stdout, stderr io.Writer) error {
	if outPath == "" {
		return errors.New("give --out FILE (- for standard output)")
	}
	if opt.NameProperty == "" {
		return errors.New("--name-property is empty: give the property that names each polygon, e.g. name")
	}
	if opt.MaxGapM <= 0 || opt.ReachM <= 0 {
		return fmt.Errorf("--max-gap %g and --reach %g: give distances in metres greater than 0", opt.MaxGapM, opt.ReachM)
	}
	if opt.MaxGapSites <= 0 {
		return fmt.Errorf("--max-gap-sites %d: give a number of sites greater than 0 (default %d)", opt.MaxGapSites, territory.MaxGapSites)
	}
	if placesPath != "" {
		places, err := readPlacesFile(placesPath)
		if err != nil {
			return err
		}
		opt.Places = places
	}
	layer, err := os.ReadFile(polygonsPath)
	if err != nil {
		return err
	}
	res, err := boundaries.Build(layer, polygonsPath, opt)
	var gapWork *territory.GapWorkError
	if errors.As(err, &gapWork) {
		return fmt.Errorf("%w; or give a smaller --max-gap, or a larger --max-gap-sites (now %d) on a machine with the memory for it", err, opt.MaxGapSites)
	}
	if err != nil {
		return err
	}
	if err := res.Report.WriteText(stderr, polygonsPath, opt); err != nil {
		return err
	}
	if err := writeAtomically(outPath, stdout, res.Encode); err != nil {
		return err
	}
	if outPath != "-" {
		fmt.Fprintf(stdout, "wrote %s: %d districts, %.3f km² (WGS84 ellipsoid)\n", outPath, res.Report.Districts, res.Report.TotalKm2)
	}
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

// checkOutFile refuses an --out that a district file may not replace: a
// folder, anything else that is not a plain file, and a file that
// frontline's district builders did not write (a layer of the user's, the
// --polygons input itself). An empty file may be written over.
func checkOutFile(path string) error {
	if path == "-" {
		return nil
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil // to be made; a link to a file yet to be made is followed
	}
	if !st.Mode().IsRegular() {
		if st.IsDir() {
			return fmt.Errorf("--out %s is a folder: give the name of the file to write, such as %s", path, filepath.Join(path, "districts.geojson"))
		}
		return fmt.Errorf("--out %s is not a plain file: give the name of a file to write", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, 64<<10)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return err
	}
	if n > 0 && !thiessen.Encoded(head[:n]) {
		return fmt.Errorf("--out %s exists and is not a district file frontline wrote, so it is not replaced: "+
			"give a new file name, or move that file away first", path)
	}
	return nil
}

// writeAtomically writes through a temporary file of a unique name in the
// target's directory and renames it over the target, so that a failure
// leaves no half-written file. "-" writes to stdout. The target is checked
// by checkOutFile and resolved: a symbolic link stays and its file is
// replaced.
func writeAtomically(path string, stdout io.Writer, write func(io.Writer) error) error {
	if path == "-" {
		return write(stdout)
	}
	if err := checkOutFile(path); err != nil {
		return err
	}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
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
