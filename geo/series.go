package geo

import (
	"slices"
	"strings"
	"sync"
)

// Arg is a date as a caller gave it, with the name the caller knows it by
// (a query parameter, `parameter "from"`, or a flag, `--from`): errors
// name it so.
type Arg struct {
	Name, Value string
}

// DateArg parses and checks one date argument: a date on or after the
// dataset's first date (later than the last is fine: the last state holds).
func (d *Dataset) DateArg(a Arg) (Date, error) {
	if a.Value == "" {
		return 0, Errorf(KindInvalid, "%s is required: give a date as YYYY-MM-DD", a.Name)
	}
	date, err := ParseDate(a.Value)
	if err != nil {
		return 0, Errorf(KindInvalid, "%s: %v", a.Name, err)
	}
	if err := d.CheckDate(date); err != nil {
		return 0, err
	}
	return date, nil
}

// RangeArg parses and checks the days from and to, both included, as every
// series, range and export takes them: an empty value stands for the
// dataset's first or last date.
func (d *Dataset) RangeArg(from, to Arg) (Range, error) {
	r := d.Range()
	for _, a := range []struct {
		arg Arg
		dst *Date
	}{{from, &r.First}, {to, &r.Last}} {
		if a.arg.Value == "" {
			continue
		}
		v, err := d.DateArg(a.arg)
		if err != nil {
			return r, err
		}
		*a.dst = v
	}
	return r, d.CheckRange(r, from.Name, to.Name)
}

// CheckRange checks a range of days asked for at once: it begins on or
// after the first date, does not end before it begins, and its series fits
// MaxSeriesCells. fromName and toName say what the caller calls its ends.
func (d *Dataset) CheckRange(r Range, fromName, toName string) error {
	if err := d.CheckDate(r.First); err != nil {
		return err
	}
	if r.Last < r.First {
		return Errorf(KindInvalid, "%s (%s) is after %s (%s)", fromName, r.First, toName, r.Last)
	}
	if n, most := r.Days(), d.MaxSeriesDays(); n > most {
		return Errorf(KindInvalid, "%d days asked, at most %d at once for this dataset (%d columns a day): split the range with %s and %s",
			n, most, d.seriesColumns(), fromName, toName)
	}
	return nil
}

// MaxSeriesCells bounds the values of one series (days × columns: the
// sides, unassigned and the pairs of sides that meet), so that no range
// asked for can exhaust memory: about 50 MB of JSON at most.
const MaxSeriesCells = 1_000_000

// MaxSeriesDays returns how many days one series, range or export may
// cover for this dataset: MaxSeriesCells over its columns (a dataset of
// three sides may ask for centuries, one of 3,000 sides for about a
// year).
func (d *Dataset) MaxSeriesDays() int {
	return max(1, MaxSeriesCells/d.seriesColumns())
}

// seriesColumns is the number of values a series has per day: one per
// side, unassigned, and at most one per pair of sides that ever meet
// (bounded before the shapes are prepared by the pairs of sides that hold
// ground at some date, see Dataset.ActiveSides).
func (d *Dataset) seriesColumns() int {
	n := len(d.ActiveSides())
	return len(d.Sides) + 1 + n*(n-1)/2
}

// ActiveSides returns the indices of the sides that hold some ground on
// some date; a side listed in sides.csv that no row names holds none.
func (d *Dataset) ActiveSides() []int {
	d.activeOnce.Do(func() {
		used := make([]bool, len(d.Sides))
		for _, cs := range d.tl.changes {
			for _, c := range cs {
				for s, v := range c.Shares {
					if v > 0 {
						used[s] = true
					}
				}
			}
		}
		for s, u := range used {
			if u {
				d.active = append(d.active, s)
			}
		}
	})
	return d.active
}

// SeriesDay is one day of the daily series: the areas per side and the
// length in km of the front between each pair of sides that meet on some
// date of the dataset (Shapes.Pairs), 0 on the days they do not.
type SeriesDay struct {
	Stats
	FrontlinesKm map[string]float64 `json:"frontlines_km"`
}

// fronts are the front lengths of every change date, computed once.
type fronts struct {
	once  sync.Once
	pairs []string           // "a|b" of the sides that ever meet, sorted
	km    map[Date][]float64 // per change date, indexed like pairs
	err   error
	byKey map[[2]int32]int // side indices (ascending) → index in pairs
}

// Pairs returns the pairs of sides ("a|b", sorted) whose ground meets on
// some date: the series' front columns. Sides that never meet have no
// column, so a dataset listing thousands of sides costs what its fronts
// cost.
func (s *Shapes) Pairs() ([]string, error) {
	f := s.frontLengths()
	return f.pairs, f.err
}

// Series returns every day of r (checked by the caller with
// Dataset.CheckRange): the areas of each side and the front lengths of
// each pair. It is the one daily series of the API, the command line and
// the export: the lengths are sums of the precomputed borders of pairs of
// neighbouring districts (territory.Coverage.FrontLengthsByID), those of
// the frontline geometry to about 1e-12, computed once for every change
// date.
func (s *Shapes) Series(r Range) ([]SeriesDay, error) {
	if err := s.ds.CheckRange(r, "from", "to"); err != nil {
		return nil, err
	}
	f := s.frontLengths()
	if f.err != nil {
		return nil, f.err
	}
	out := make([]SeriesDay, 0, r.Days())
	for day := r.First; day <= r.Last; day++ {
		st, err := s.ds.Stats(day)
		if err != nil {
			return nil, err
		}
		km := f.km[s.ds.EffectiveDate(day)]
		m := make(map[string]float64, len(f.pairs))
		for k, p := range f.pairs {
			m[p] = km[k]
		}
		out = append(out, SeriesDay{Stats: st, FrontlinesKm: m})
	}
	return out, nil
}

// ChangeSummary is Dataset.ChangeSummary with the front length of each
// pair of sides that meet (Pairs) on both dates, from the same precomputed
// lengths as the series.
func (s *Shapes) ChangeSummary(from, to Date) (ChangeSummary, error) {
	for _, d := range []Date{from, to} {
		if err := s.ds.CheckDate(d); err != nil {
			return ChangeSummary{}, err
		}
	}
	f := s.frontLengths()
	if f.err != nil {
		return ChangeSummary{}, f.err
	}
	sum := s.ds.ChangeSummary(from, to)
	a, b := f.km[s.ds.EffectiveDate(from)], f.km[s.ds.EffectiveDate(to)]
	sum.Frontlines = make(map[string]FrontChange, len(f.pairs))
	for k, p := range f.pairs {
		sum.Frontlines[p] = FrontChange{FromKm: a[k], ToKm: b[k], ChangeKm: b[k] - a[k]}
	}
	return sum, nil
}

// frontLengths walks the change dates once, keeping for each the border
// length between every two sides that meet (a border with a contested or
// unassigned district is no front).
func (s *Shapes) frontLengths() *fronts {
	f := &s.fronts
	f.once.Do(func() {
		ds := s.ds
		nSides := int32(len(ds.Sides))
		// Labels as numbers: the sides by index, then Contested,
		// Unassigned.
		number := func(shares []float64) int32 {
			switch l := ds.controllerOf(shares); l {
			case Contested:
				return nSides
			case Unassigned:
				return nSides + 1
			default:
				return int32(ds.sideIndex[l])
			}
		}
		ids := make([]int32, len(ds.Districts))
		for i := range ids {
			ids[i] = nSides + 1
		}
		perDate := make([]map[[2]int32]float64, len(ds.tl.dates))
		met := map[[2]int32]bool{}
		ds.walk(func(k int, changed []districtChange) {
			if f.err != nil {
				return
			}
			for _, c := range changed {
				ids[c.district] = number(c.change.Shares)
			}
			sums, err := s.cov.FrontLengthsByID(ids, int(nSides)+2)
			if err != nil {
				f.err = err
				return
			}
			for key := range sums {
				if key[1] >= nSides { // contested or unassigned
					delete(sums, key)
					continue
				}
				met[key] = true
			}
			perDate[k] = sums
		})
		if f.err != nil {
			return
		}
		keys := make([][2]int32, 0, len(met))
		for key := range met {
			keys = append(keys, key)
		}
		name := func(k [2]int32) string { return PairKey(ds.Sides[k[0]].ID, ds.Sides[k[1]].ID) }
		slices.SortFunc(keys, func(a, b [2]int32) int { return strings.Compare(name(a), name(b)) })
		f.byKey = make(map[[2]int32]int, len(keys))
		for i, k := range keys {
			f.pairs = append(f.pairs, name(k))
			f.byKey[k] = i
		}
		f.km = make(map[Date][]float64, len(perDate))
		for k, sums := range perDate {
			km := make([]float64, len(keys))
			for key, m := range sums {
				km[f.byKey[key]] = m / 1000
			}
			f.km[ds.tl.dates[k]] = km
		}
	})
	return f
}
