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
	ds  *Dataset
	cov *territory.Coverage
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
	cov, err := territory.NewCoverage(geoms, territory.WithGapWidth(ds.Meta.GapWidthM), territory.WithValidInput())
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

// SidePairs lists every pair of the dataset's sides as "a|b", sorted, so
// that series have the same columns on every day.
func (d *Dataset) SidePairs() []string {
	var out []string
	for i := range d.Sides {
		for j := i + 1; j < len(d.Sides); j++ {
			out = append(out, PairKey(d.Sides[i].ID, d.Sides[j].ID))
		}
	}
	slices.Sort(out)
	return out
}

// FrontLengthsKm returns, for every change date, the front length in km
// between each pair of sides, indexed like pairs ("a|b" as SidePairs gives
// them). The lengths are sums of the precomputed border of each pair of
// neighbouring districts (territory.Coverage.FrontLengthsByID): those of the
// frontline geometry to about 1e-12, without building any geometry, in one
// walk over the change dates. This is what a daily series needs.
func (s *Shapes) FrontLengthsKm(pairs []string) (map[Date][]float64, error) {
	// Labels as numbers: the sides by index, then Contested, Unassigned.
	nSides := len(s.ds.Sides)
	n := nSides + 2
	number := func(shares []float64) int32 {
		switch l := s.ds.controllerOf(shares); l {
		case Contested:
			return int32(nSides)
		case Unassigned:
			return int32(nSides + 1)
		default:
			return int32(s.ds.sideIndex[l])
		}
	}
	at := make([]int, len(pairs)) // index of each pair in the n×n sums
	for k, p := range pairs {
		a, b, _ := strings.Cut(p, "|")
		ia, oka := s.ds.sideIndex[a]
		ib, okb := s.ds.sideIndex[b]
		if !oka || !okb || ia == ib {
			return nil, fmt.Errorf("front lengths: %q is not a pair of two sides", p)
		}
		at[k] = min(ia, ib)*n + max(ia, ib)
	}
	ids := make([]int32, len(s.ds.Districts))
	for i := range ids {
		ids[i] = int32(nSides + 1)
	}
	out := make(map[Date][]float64, len(s.ds.ChangeDates()))
	var err error
	s.ds.walk(func(k int, changed []districtChange) {
		if err != nil {
			return
		}
		for _, c := range changed {
			ids[c.district] = number(c.change.Shares)
		}
		var sums []float64
		if sums, err = s.cov.FrontLengthsByID(ids, n); err != nil {
			return
		}
		km := make([]float64, len(pairs))
		for j, idx := range at {
			km[j] = sums[idx] / 1000
		}
		out[s.ds.tl.dates[k]] = km
	})
	return out, err
}

// FrontlineKm returns the front length in km per side pair, with every
// pair of pairs present (0 where the sides do not touch).
func (s *DayShapes) FrontlineKm(pairs []string) map[string]float64 {
	out := make(map[string]float64, len(pairs))
	for _, p := range pairs {
		out[p] = 0
	}
	for _, f := range s.Frontlines {
		out[PairKey(f.Sides[0], f.Sides[1])] += f.LengthM / 1000
	}
	return out
}
