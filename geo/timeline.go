package geo

import (
	"cmp"
	"slices"
	"sort"
)

// Change is the state a district enters on a date: the merged rows of
// control.csv for that district and date. A row for side "unassigned"
// (share 1, alone) clears the district: all its shares are 0.
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

// buildTimeline merges the rows of each district and date into one Change.
// It sorts row numbers instead of keeping a map of changes, and carves the
// shares and line numbers of all changes out of two arrays, so memory stays
// a small multiple of the rows.
func buildTimeline(rows []Row, districtIndex, sideIndex map[string]int, nDistricts int) timeline {
	type ref struct {
		district int32
		date     Date
		row      int32
	}
	refs := make([]ref, len(rows))
	for i, r := range rows {
		refs[i] = ref{int32(districtIndex[r.District]), r.Date, int32(i)}
	}
	slices.SortFunc(refs, func(a, b ref) int {
		return cmp.Or(cmp.Compare(a.district, b.district), cmp.Compare(a.date, b.date), cmp.Compare(a.row, b.row))
	})
	nChanges := 0
	for i := range refs {
		if i == 0 || refs[i].district != refs[i-1].district || refs[i].date != refs[i-1].date {
			nChanges++
		}
	}
	nSides := len(sideIndex)
	shares := make([]float64, nChanges*nSides)
	lines := make([]int, len(refs))
	all := make([]Change, 0, nChanges)
	tl := timeline{changes: make([][]Change, nDistricts)}
	dates := make([]Date, 0, nChanges)
	first := 0 // first change of the current district in all
	for i := 0; i < len(refs); {
		if i > 0 && refs[i].district != refs[i-1].district {
			first = len(all)
		}
		j := i
		c := Change{Date: refs[i].date, Shares: shares[:nSides:nSides]}
		shares = shares[nSides:]
		for ; j < len(refs) && refs[j].district == refs[i].district && refs[j].date == refs[i].date; j++ {
			r := &rows[refs[j].row]
			if r.Side != Unassigned { // clears the district: no share
				c.Shares[sideIndex[r.Side]] += r.Share
			}
			if j == i && isUnique(r.Sources) {
				c.Sources = slices.Clip(r.Sources) // shared until a second row adds to it
			} else {
				c.Sources = appendUnique(c.Sources, r.Sources...)
			}
			if r.Note != "" && c.Note != r.Note {
				if c.Note != "" {
					c.Note += " / "
				}
				c.Note += r.Note
			}
			lines[j] = r.Line
		}
		c.Lines = lines[i:j:j]
		all = append(all, c)
		dates = append(dates, c.Date)
		d := refs[i].district
		tl.changes[d] = all[first:len(all):len(all)]
		i = j
	}
	slices.Sort(dates)
	tl.dates = slices.Clone(slices.Compact(dates))
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

func isUnique(list []string) bool {
	for i, a := range list {
		if slices.Contains(list[:i], a) {
			return false
		}
	}
	return true
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
