package geo

import (
	"fmt"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"github.com/frontline/frontline/geo/territory"
)

// Shapes computes the territories and frontlines of a dataset on any date.
// Preparing the districts takes a while (seconds for thousands of
// districts); each date after that is plain Go. Shapes keeps no results:
// callers that answer the same date often cache them.
type Shapes struct {
	ds     *Dataset
	cov    *territory.Coverage
	fronts fronts
}

// DayShapes are the territories and frontlines in force on a day.
type DayShapes struct {
	// Date is the change date whose state holds (Dataset.EffectiveDate).
	Date Date
	// Territories has one entry per controller label, sides, Contested and
	// Unassigned included, sorted by label.
	Territories []territory.Territory
	// Frontlines are the borders between two real sides, sorted by Sides:
	// a border with a contested or unassigned district is no front.
	Frontlines []territory.Frontline
}

// NewShapes prepares the districts of ds for territories and frontlines.
func NewShapes(ds *Dataset) (*Shapes, error) {
	geoms := make([]orb.Geometry, len(ds.Districts))
	for i, d := range ds.Districts {
		geoms[i] = d.Geometry
	}
	// Load has checked every district with GEOS: no second check.
	opts := []territory.Option{territory.WithGapWidth(ds.Meta.GapWidthM), territory.WithValidInput()}
	if ds.gridExact {
		// The districts are the coverage's faces: their areas, computed by
		// Load from the same geometry, are its areas.
		areas := make([]float64, len(ds.Districts))
		for i, d := range ds.Districts {
			areas[i] = d.AreaKm2 * 1e6
		}
		opts = append(opts, territory.WithExactPartition(), territory.WithAreas(areas))
	}
	cov, err := territory.NewCoverage(geoms, opts...)
	if err != nil {
		return nil, fmt.Errorf("preparing districts for territories: %w", err)
	}
	return &Shapes{ds: ds, cov: cov}, nil
}

// On returns the territories and frontlines in force on date.
func (s *Shapes) On(date Date) (*DayShapes, error) {
	eff := s.ds.EffectiveDate(date)
	return s.compute(eff, s.ds.Controllers(eff))
}

func (s *Shapes) compute(eff Date, labels []string) (*DayShapes, error) {
	ts, err := s.cov.Territories(labels)
	if err != nil {
		return nil, err
	}
	fs, err := s.cov.Frontlines(labels)
	if err != nil {
		return nil, err
	}
	real := fs[:0:0]
	for _, f := range fs {
		if IsSide(f.Sides[0]) && IsSide(f.Sides[1]) {
			real = append(real, f)
		}
	}
	return &DayShapes{Date: eff, Territories: ts, Frontlines: real}, nil
}

// IsSide reports whether a controller label names a side rather than
// Contested or Unassigned.
func IsSide(label string) bool { return label != Contested && label != Unassigned }

// PairKey names a side pair as "a|b", sorted.
func PairKey(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return a + "|" + b
}

// TerritoryPeriod is one label's territory over a period in which its
// districts stay the same.
type TerritoryPeriod struct {
	Period
	territory.Territory
}

// FrontlinePeriod is the front between two sides over a period in which
// the districts of both stay the same.
type FrontlinePeriod struct {
	Period
	territory.Frontline
}

// Periods walks the change dates once and calls territory and frontline
// for each period of unchanged territory (per label) and unchanged front
// (per side pair), each as soon as it ends, so callers can stream them:
// only the periods still open are held. A territory changes only when a
// district joins or leaves its label, a front only when one of its two
// sides does; periods still in force at the end run to Dataset.End.
// Periods ending together come in label order.
func (s *Shapes) Periods(terr func(TerritoryPeriod) error, front func(FrontlinePeriod) error) error {
	type openT struct {
		t    territory.Territory
		from Date
	}
	type openF struct {
		f    territory.Frontline
		from Date
	}
	openTs := map[string]openT{}
	openFs := map[string]openF{}
	closeAt := func(to Date, changed func(label string) bool) error {
		for _, l := range sortedKeys(openTs) {
			if o := openTs[l]; changed(l) {
				delete(openTs, l)
				if err := terr(TerritoryPeriod{Period{o.from, to}, o.t}); err != nil {
					return err
				}
			}
		}
		for _, k := range sortedKeys(openFs) {
			if o := openFs[k]; changed(o.f.Sides[0]) || changed(o.f.Sides[1]) {
				delete(openFs, k)
				if err := front(FrontlinePeriod{Period{o.from, to}, o.f}); err != nil {
					return err
				}
			}
		}
		return nil
	}
	var prev []string
	for _, date := range s.ds.ChangeDates() {
		labels := s.ds.Controllers(date)
		changed := map[string]bool{}
		for i, l := range labels {
			if prev != nil && prev[i] != l {
				changed[prev[i]], changed[l] = true, true
			}
		}
		if prev != nil && len(changed) == 0 {
			continue
		}
		prev = labels
		if err := closeAt(date, func(l string) bool { return changed[l] }); err != nil {
			return err
		}
		day, err := s.compute(date, labels)
		if err != nil {
			return err
		}
		for _, t := range day.Territories {
			if _, ok := openTs[t.Label]; !ok {
				openTs[t.Label] = openT{t, date}
			}
		}
		for _, f := range day.Frontlines {
			k := PairKey(f.Sides[0], f.Sides[1])
			if _, ok := openFs[k]; !ok {
				openFs[k] = openF{f, date}
			}
		}
	}
	return closeAt(s.ds.End(), func(string) bool { return true })
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, strings.Compare)
	return keys
}
