package polygons

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/internal/work"
)

// Source is one side's input files (one file a day, or files that date
// their features).
type Source struct {
	Side  string
	Files []string
}

// Run is one run of an import: it brings Previous (or a new import) up to
// date with the sources, reading only the files of dates not processed
// yet.
type Run struct {
	Config  Config
	Sources []Source // in Config.Sides order
	// Regions reads the regions; called only when the import starts anew.
	Regions func() ([]Region, error)
	// Previous is the import so far (Resume), nil to start anew. Its
	// Config must equal Config.
	Previous     *Importer
	MaxFileBytes int64
	// Progress, if set, is called after each date.
	Progress func(done, total int, rep DayReport)
	// Warn, if set, receives the problems of the inputs that did not stop
	// them.
	Warn func(geo.Problem)
}

// Summary says what a run did.
type Summary struct {
	// Added are the dates processed by this run; Skipped the files of
	// dates processed before (unchanged).
	Added   []geo.Date
	Skipped int
	Fresh   bool
}

// Do runs the import. A file of a date processed before must be the one
// read then (same content): the past is not rewritten behind the state's
// back. A date that two files of one side give, a file without a date, an
// empty or non-polygon file are errors that name the files.
func (r Run) Do() (*Importer, Summary, error) {
	var sum Summary
	im := r.Previous
	if im != nil && !im.cfg.Same(r.Config) {
		return nil, sum, fmt.Errorf("the import was made with other settings: start it again")
	}
	if len(r.Sources) != len(r.Config.Sides) {
		return nil, sum, fmt.Errorf("%d sources for %d sides", len(r.Sources), len(r.Config.Sides))
	}
	if r.MaxFileBytes <= 0 {
		r.MaxFileBytes = geo.DefaultMaxFileBytes
	}
	var last geo.Date
	done := map[[2]string]Input{} // date, side → the file read for it
	if im != nil && len(im.eng.dates) > 0 {
		last = im.eng.dates[len(im.eng.dates)-1]
		for i, ins := range im.inputs {
			for _, in := range ins {
				done[[2]string{im.eng.dates[i].String(), in.Side}] = in
			}
		}
	}
	byDate := make([]map[geo.Date]Day, len(r.Sources))
	dates := map[geo.Date]bool{}
	for s, src := range r.Sources {
		byDate[s] = map[geo.Date]Day{}
		// The new files are read on every core, then taken in order (the
		// first file's error is the one told).
		type read struct {
			days     []Day
			problems []geo.Problem
			err      error
		}
		reads := make([]read, len(src.Files))
		isOld := func(file string) bool {
			d, ok := DateOfFile(file)
			return ok && im != nil && len(im.eng.dates) > 0 && d <= last
		}
		work.Parallel(len(src.Files), func(i int) {
			if file := src.Files[i]; !isOld(file) {
				rd := &reads[i]
				rd.days, rd.problems, rd.err = ReadDays(file, r.MaxFileBytes)
			}
		})
		for i, file := range src.Files {
			if isOld(file) {
				d, _ := DateOfFile(file)
				if err := r.unchanged(file, d, src.Side, done); err != nil {
					return nil, sum, err
				}
				sum.Skipped++
				continue
			}
			days, problems, err := reads[i].days, reads[i].problems, reads[i].err
			reads[i] = read{} // the days live in byDate from here
			for _, p := range problems {
				if p.Severity == geo.SeverityWarning && r.Warn != nil {
					r.Warn(p)
				}
			}
			if err != nil {
				return nil, sum, err
			}
			for _, day := range days {
				if im != nil && len(im.eng.dates) > 0 && day.Date <= last {
					return nil, sum, fmt.Errorf("%s: date %s was imported already (the import runs to %s): a file that dates its features must hold only new dates, or start again with --full", file, day.Date, last)
				}
				if prev, dup := byDate[s][day.Date]; dup {
					return nil, sum, fmt.Errorf("side %s: date %s appears in %s and in %s: keep one file per day", src.Side, day.Date, prev.File, file)
				}
				byDate[s][day.Date] = day
				dates[day.Date] = true
			}
		}
	}
	if im == nil {
		var regions []Region
		if r.Regions != nil {
			var err error
			if regions, err = r.Regions(); err != nil {
				return nil, sum, err
			}
		}
		var err error
		if im, err = New(r.Config, regions); err != nil {
			return nil, sum, err
		}
		sum.Fresh = true
	}
	order := make([]geo.Date, 0, len(dates))
	for d := range dates {
		order = append(order, d)
	}
	slices.Sort(order)
	for k, d := range order {
		days := make([]Day, len(r.Sources))
		for s := range r.Sources {
			days[s] = byDate[s][d] // zero: carried forward
		}
		rep, err := im.Add(d, days)
		if err != nil {
			return nil, sum, err
		}
		sum.Added = append(sum.Added, d)
		if r.Progress != nil {
			r.Progress(k+1, len(order), rep)
		}
	}
	return im, sum, nil
}

// unchanged checks that a file of a date processed before is the file
// read then.
func (r Run) unchanged(file string, d geo.Date, side string, done map[[2]string]Input) error {
	in, ok := done[[2]string{d.String(), side}]
	if !ok {
		return fmt.Errorf("%s: date %s is before the last date imported and was not imported: dates are added in order; start again with --full to take it in", file, d)
	}
	raw, err := readLimited(file, r.MaxFileBytes)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(raw)
	if hex.EncodeToString(sum[:]) != in.SHA256 {
		return fmt.Errorf("%s: the file of %s changed since it was imported from %s: start again with --full to take the new version in", file, d, filepath.Base(in.File))
	}
	return nil
}
