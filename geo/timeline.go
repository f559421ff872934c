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
	// Rows of one district and date usually follow each other: check the
	// previous row's change before the map.
	at := make(map[key]int, len(rows))
	var changes []Change
	var districts []int
	shares := make([]float64, 0, len(rows)*len(sideIndex))
	last, lastK := -1, key{}
	for _, r := range rows {
		k := key{districtIndex[r.District], r.Date}
		n, ok := last, last >= 0 && k == lastK
		if !ok {
			n, ok = at[k]
		}
		if !ok {
			n = len(changes)
			at[k] = n
			// One backing array for all shares: a change's slice is capped
			// at its own length.
			shares = shares[:len(shares)+len(sideIndex)]
			changes = append(changes, Change{Date: r.Date, Shares: shares[len(shares)-len(sideIndex) : len(shares) : len(shares)]})
			districts = append(districts, k.district)
		}
		last, lastK = n, k
		c := &changes[n]
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
	for n, c := range changes {
		tl.changes[districts[n]] = append(tl.changes[districts[n]], c)
		dateSet[c.Date] = true
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

// dateIndex returns the index in dates of the change date in force on
// date, which must not be before the first.
func (tl *timeline) dateIndex(date Date) int {
	return sort.Search(len(tl.dates), func(i int) bool { return tl.dates[i] > date }) - 1
}

// walk calls fn for every change date index k in ascending order with the
// changes that take effect on that date, in district order.
func (d *Dataset) walk(fn func(k int, changed []districtChange)) {
	byDate := make([][]districtChange, len(d.tl.dates))
	for i, cs := range d.tl.changes {
		for j := range cs {
			k := d.tl.dateIndex(cs[j].Date)
			byDate[k] = append(byDate[k], districtChange{district: i, change: &cs[j]})
		}
	}
	for k, changed := range byDate {
		fn(k, changed)
	}
}

// districtChange is a change and the district it applies to.
type districtChange struct {
	district int
	change   *Change
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
