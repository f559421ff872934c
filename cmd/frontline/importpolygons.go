package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/polygons"
)

// sideFlags collects the repeated --side ID=PATTERN.
type sideFlags []string

func (s *sideFlags) String() string     { return strings.Join(*s, " ") }
func (s *sideFlags) Set(v string) error { *s = append(*s, v); return nil }

var sideIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// runImportPolygons is `frontline import-polygons`: dated territory
// polygons (one file a day per side) and optional regions in, an ordinary
// dataset out. The work is in geo/polygons.
func runImportPolygons(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("import-polygons", stderr)
	var sides sideFlags
	fs.Var(&sides, "side", "ID=PATTERN: the side ID holds, each day, the polygons of the files PATTERN matches (a glob; the date is the first YYYYMMDD or YYYY-MM-DD of the file name, or a \"date\" property); repeat for each side, the first listed keeps ground two sides claim")
	out := fs.String("out", "", "dataset directory to write (required); a later run with more files adds only the new dates")
	rest := fs.String("rest", "", "the side that holds the ground of the regions no other side holds (e.g. ukraine)")
	regionsPath := fs.String("regions", "", "GeoJSON (.gz allowed) of the regions that name and group the ground (e.g. raions)")
	regionID := fs.String("region-id", "id", "with --regions: the property that identifies a region")
	regionName := fs.String("region-name", "name", "with --regions: the property that names a region")
	group := fs.String("group", "", "with --regions: the property that groups regions (e.g. oblast)")
	sidesPath := fs.String("sides", "", "sides.csv (id,name,color) naming and colouring the sides and the rest side (default: ids as names, a palette)")
	title := fs.String("title", "", "the dataset's title (default: the sides and dates)")
	attribution := fs.String("attribution", "", "the credit line of the sources, shown with the data")
	license := fs.String("license", "", "the licence of the data")
	edge := fs.Float64("edge-width", polygons.DefaultEdgeM, "metres: ground of the regions no side holds, along their edge and narrower on average than this, is unassigned instead of the rest side's (0: off)")
	full := fs.Bool("full", false, "import every date again instead of only the new ones")
	maxMB := fs.Int64("max-file-mb", geo.DefaultMaxFileBytes>>20, "refuse any input file larger than this many MiB")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: frontline import-polygons --out DIR --side ID=PATTERN [--side ID=PATTERN …] [--rest ID]")
		fmt.Fprintln(fs.Output(), "         [--regions FILE --region-id PROP --region-name PROP --group PROP] [--sides sides.csv] [--title TEXT]")
		fmt.Fprintln(fs.Output(), "Makes a dataset of dated territory polygons: the districts are the faces of the regions cut by every day's")
		fmt.Fprintln(fs.Output(), "boundaries, each held wholly by one side on each date; control.csv has a row where a face changes hands.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q: give the files with --side ID=PATTERN (quote the pattern)", fs.Arg(0))
	}
	if _, err := checkOutDir(*out, "import-polygons"); err != nil {
		return err
	}
	if len(sides) == 0 {
		return fmt.Errorf("give at least one --side ID=PATTERN, e.g. --side russia='deepstate/*.geojson'")
	}
	if *maxMB < 1 || *maxMB > 1<<20 {
		return fmt.Errorf("--max-file-mb %d: give a size in MiB from 1 to %d", *maxMB, 1<<20)
	}
	if !(*edge >= 0 && *edge <= 100_000) {
		return fmt.Errorf("--edge-width %v: give metres from 0 to 100000", *edge)
	}
	cfg := polygons.Config{Rest: *rest, EdgeM: *edge, RegionID: *regionID, RegionName: *regionName, Group: *group}
	var sources []polygons.Source
	for _, s := range sides {
		id, pattern, ok := strings.Cut(s, "=")
		if !ok || pattern == "" {
			return fmt.Errorf("--side %q: write ID=PATTERN, e.g. russia='deepstate/*.geojson'", s)
		}
		if !sideIDPattern.MatchString(id) || id == geo.Contested || id == geo.Unassigned {
			return fmt.Errorf("--side %q: the id %q must be lower-case letters, digits, '-' or '_', and not %q or %q", s, id, geo.Contested, geo.Unassigned)
		}
		if slices.Contains(cfg.Sides, id) || id == *rest {
			return fmt.Errorf("--side %q: side %q is named twice", s, id)
		}
		files, err := filepath.Glob(pattern)
		if err != nil {
			return fmt.Errorf("--side %q: %w", s, err)
		}
		if len(files) == 0 {
			return fmt.Errorf("--side %s: no file matches %q", id, pattern)
		}
		slices.Sort(files)
		cfg.Sides = append(cfg.Sides, id)
		sources = append(sources, polygons.Source{Side: id, Files: files})
	}
	if *rest != "" && (!sideIDPattern.MatchString(*rest) || *rest == geo.Contested || *rest == geo.Unassigned) {
		return fmt.Errorf("--rest %q: the id must be lower-case letters, digits, '-' or '_', and not %q or %q", *rest, geo.Contested, geo.Unassigned)
	}
	maxBytes := *maxMB << 20
	var regions func() ([]polygons.Region, error)
	if *regionsPath != "" {
		raw, err := os.ReadFile(*regionsPath)
		if err != nil {
			return fmt.Errorf("--regions: %w", err)
		}
		sum := sha256.Sum256(raw)
		cfg.RegionsSHA256 = hex.EncodeToString(sum[:])
		regions = func() ([]polygons.Region, error) {
			rs, hash, problems, err := polygons.ReadRegions(*regionsPath, *regionID, *regionName, *group, maxBytes)
			for _, p := range problems {
				fmt.Fprintln(stderr, p)
			}
			if err == nil && hash != cfg.RegionsSHA256 {
				err = fmt.Errorf("--regions %s changed while it was read", *regionsPath)
			}
			return rs, err
		}
	} else if *rest != "" {
		return fmt.Errorf("--rest needs --regions: the rest side holds the ground of the regions that no other side holds")
	}
	var meta polygons.Meta
	if *sidesPath != "" {
		f, err := os.Open(*sidesPath)
		if err != nil {
			return fmt.Errorf("--sides: %w", err)
		}
		list, problems := geo.ReadSides(f, *sidesPath)
		f.Close()
		for _, p := range problems {
			if p.Severity == geo.SeverityError {
				return fmt.Errorf("--sides: %s", p)
			}
			fmt.Fprintln(stderr, p)
		}
		meta.Sides = list
	}

	prev, err := resumeImport(*out, cfg, *full, stderr)
	if err != nil {
		return err
	}
	start := time.Now()
	bar := newProgress(stderr, 0)
	run := polygons.Run{Config: cfg, Sources: sources, Regions: regions, Previous: prev, MaxFileBytes: maxBytes,
		Warn:     func(p geo.Problem) { fmt.Fprintln(stderr, p) },
		Progress: func(done, total int, rep polygons.DayReport) { bar.of = total; bar.step(rep.Date.String()) }}
	im, sum, err := run.Do()
	if err != nil {
		return err
	}
	bar.done()
	dates := im.Dates()
	if len(dates) == 0 {
		return errors.New("no dates: the files hold none")
	}
	meta.Title, meta.Attribution, meta.License = *title, *attribution, *license
	if meta.Title == "" {
		meta.Title = fmt.Sprintf("%s, %s to %s", strings.Join(cfg.Sides, ", "), dates[0], dates[len(dates)-1])
	}
	meta.Description = polygons.Describe(im)
	files, err := im.Files(meta)
	if err != nil {
		return err
	}
	dir, err := newOutDir(*out, "import-polygons")
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := dir.write(f.Name, f.Write); err != nil {
			dir.abort()
			return err
		}
	}
	if err := dir.commit(); err != nil {
		return err
	}
	report(stdout, im, sum, *out, time.Since(start))
	return nil
}

// resumeImport reads the state of an earlier import in dir, or returns nil
// to start anew (no earlier import, --full, or other settings).
func resumeImport(dir string, cfg polygons.Config, full bool, stderr io.Writer) (*polygons.Importer, error) {
	f, err := os.Open(filepath.Join(dir, polygons.StateFile))
	if errors.Is(err, fs.ErrNotExist) || full {
		if err == nil {
			f.Close()
		}
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	im, err := polygons.Resume(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w (run with --full to import every date again)", dir, err)
	}
	if !im.Config().Same(cfg) {
		fmt.Fprintf(stderr, "%s was imported with other settings: importing every date again\n", dir)
		return nil, nil
	}
	return im, nil
}

// report prints what the run did and what it moved.
func report(w io.Writer, im *polygons.Importer, sum polygons.Summary, out string, took time.Duration) {
	dates := im.Dates()
	how := "added"
	if sum.Fresh {
		how = "imported"
	}
	fmt.Fprintf(w, "%s %d date(s) into %s in %.1f s (%d skipped as imported before): %d dates from %s to %s\n",
		how, len(sum.Added), out, took.Seconds(), sum.Skipped, len(dates), dates[0], dates[len(dates)-1])
	st := im.Stats()
	fmt.Fprintf(w, "  %d faces, %d districts; ground %.3f km² (%.3f outside every region)\n", st.Faces, st.Districts, st.GroundKm2, st.OutsideKm2)
	fmt.Fprintf(w, "  each side's km² against its input polygons: at worst %.1e relative (%s)\n", st.WorstRel, st.WorstDate)
	fmt.Fprintf(w, "  the edge rule left at most %.3f km² unassigned on a day; sides claimed the same ground on at most %.3f km² a day\n",
		st.MaxEdgeKm2, st.MaxOverlapKm2)
	fmt.Fprintf(w, "  regions overlapped on %.3f km² (given to the smaller); gaps between them narrower than 60 m, %.3f km², were closed\n",
		im.RegionOverlapKm2(), im.RegionGapKm2())
	fmt.Fprintf(w, "  per date: %s\n", filepath.Join(out, polygons.DaysFile))
}
