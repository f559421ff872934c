package geo

import (
	"sort"
)

// Change is the state a district enters on a date: the merged rows of
// control.csv for that district and date.
type Change struct {
	Date Date
	// Shares is indexed like Dataset.Sides; the rest up to 1 is unassigned.
	Shares  []float64
	Sources []string
	Note    string
	Lines   []int
}

// State is a district's control on some date.
type State struct {
	// Change is the change in force, nil when the district has none yet.
	Change *Change
}

// Shares returns the share per side index, nil when unassigned.
func (s State) Shares() []float64 {
	if s.Change == nil {
		return nil
	}
	return s.Change.Shares
}

// timeline holds each district's changes in date order: the state on any
// date is a binary search, O(log changes) per district.
type timeline struct {
	changes [][]Change // by district index
	dates   []Date     // distinct change dates, ascending
}

func buildTimeline(rows []Row, districtIndex, sideIndex map[string]int, nDistricts int) timeline {
	type key struct {
		district int
		date     Date
	}
	merged := map[key]*Change{}
	var order []key
	for _, r := range rows {
		k := key{districtIndex[r.District], r.Date}
		c := merged[k]
		if c == nil {
			c = &Change{Date: r.Date, Shares: make([]float64, len(sideIndex))}
			merged[k] = c
			order = append(order, k)
		}
		c.Shares[sideIndex[r.Side]] += r.Share
		c.Sources = appendUnique(c.Sources, r.Sources...)
		if r.Note != "" && c.Note != r.Note {
			if c.Note != "" {
				c.Note += " / "
			}
			c.Note += r.Note
		}
		c.Lines = append(c.Lines, r.Line)
	}
	tl := timeline{changes: make([][]Change, nDistricts)}
	dateSet := map[Date]bool{}
	for _, k := range order {
		tl.changes[k.district] = append(tl.changes[k.district], *merged[k])
		dateSet[k.date] = true
	}
	for _, cs := range tl.changes {
		sort.Slice(cs, func(i, j int) bool { return cs[i].Date < cs[j].Date })
	}
	for d := range dateSet {
		tl.dates = append(tl.dates, d)
	}
	sort.Slice(tl.dates, func(i, j int) bool { return tl.dates[i] < tl.dates[j] })
	return tl
}

func (tl *timeline) stateOn(district int, date Date) State {
	cs := tl.changes[district]
	i := sort.Search(len(cs), func(i int) bool { return cs[i].Date > date })
	if i == 0 {
		return State{}
	}
	return State{Change: &cs[i-1]}
}

func appendUnique(list []string, items ...string) []string {
	for _, it := range items {
		dup := false
		for _, l := range list {
			if l == it {
				dup = true
				break
			}
		}
		if !dup {
			list = append(list, it)
		}
	}
	return list
}
