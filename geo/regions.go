package geo

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// RegionStats is who holds how much of each group of districts on a date:
// the districts grouped by the value of one of their properties (an
// oblast, a raion, a kind of district).
type RegionStats struct {
	Date Date `json:"date"`
	// By is the district property the districts are grouped by.
	By     string       `json:"by"`
	Groups []GroupStats `json:"groups"`
}

// GroupStats is the ground of one group of districts and who holds it.
type GroupStats struct {
	// Group is the value of the property; "" gathers the districts that
	// lack the property or have it null or "".
	Group         string  `json:"group"`
	TotalKm2      float64 `json:"total_km2"`
	UnassignedKm2 float64 `json:"unassigned_km2"`
	// Sides are every side's km² in the group and share of the group's
	// ground (its unassigned part included, as in Stats).
	Sides map[string]SideArea `json:"sides"`
}

// Regions are a dataset's districts grouped by one property, with each
// group's km² per side precomputed for every change date on which one of
// its districts changed: the areas of any date are then a lookup. It
// holds at most one row of km² per group and change of one of its
// districts (and one per group before the first), so its memory is that
// of the control table, whatever the property. Safe for concurrent use.
type Regions struct {
	ds     *Dataset
	by     string
	groups []string  // sorted
	total  []float64 // per group, summed in district order
	// per group: the change date indices (-1 first: before any row) from
	// which its km² hold, and those km² (the sides, then unassigned),
	// len(Sides)+1 values per index.
	at  [][]int32
	km2 [][]float64
}

// PropertyNames returns the names of the districts' properties that
// Regions can group by, sorted: those whose value is text, a number, a
// boolean or null in every district that has them.
func (d *Dataset) PropertyNames() []string {
	d.propsOnce.Do(func() {
		seen := map[string]bool{}
		for _, dist := range d.Districts {
			for k, v := range dist.Properties {
				if _, scalar := groupValue(v); !scalar {
					seen[k] = false
				} else if _, known := seen[k]; !known {
					seen[k] = true
				}
			}
		}
		for k, ok := range seen {
			if ok {
				d.props = append(d.props, k)
			}
		}
		slices.Sort(d.props)
	})
	return d.props
}

// groupValue returns the group a property value puts a district in: text
// as it is, a number as JSON writes it, true or false; "" for null. ok is
// false for a list or an object, which would put a district in several
// groups or none.
func groupValue(v any) (group string, ok bool) {
	switch x := v.(type) {
	case nil:
		return "", true
	case string:
		return x, true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// NewRegions groups the districts by the property by and precomputes
// their areas. Districts without the property, or with null or "", form
// the group "". A property no district has, or one holding a list or an
// object, is a KindInvalid error naming the properties to group by; so is
// a grouping whose one date would exceed MaxSeriesCells values (groups ×
// (sides + 1)).
func NewRegions(d *Dataset, by string) (*Regions, error) {
	if err := d.CheckProperty(by); err != nil {
		return nil, err
	}
	groupOf := make([]string, len(d.Districts))
	index := map[string]int{}
	for i, dist := range d.Districts {
		g, _ := groupValue(dist.Properties[by]) // a scalar in every district: PropertyNames
		groupOf[i] = g
		index[g] = 0
	}
	r := &Regions{ds: d, by: by, groups: make([]string, 0, len(index))}
	for g := range index {
		r.groups = append(r.groups, g)
	}
	slices.Sort(r.groups)
	width := len(d.Sides) + 1
	if n := len(r.groups) * width; n > MaxSeriesCells {
		return nil, Errorf(KindInvalid, "%d groups by %q × %d sides and unassigned = %d values a day, more than %d: group by a property with fewer values",
			len(r.groups), by, len(d.Sides), n, MaxSeriesCells)
	}
	for k, g := range r.groups {
		index[g] = k
	}
	members := make([][]int, len(r.groups))
	of := make([]int, len(d.Districts))
	for i, g := range groupOf {
		of[i] = index[g]
		members[of[i]] = append(members[of[i]], i)
	}
	r.total = make([]float64, len(r.groups))
	r.at = make([][]int32, len(r.groups))
	r.km2 = make([][]float64, len(r.groups))
	shares := make([][]float64, len(d.Districts))
	sum := func(g int) []float64 {
		km2 := make([]float64, width)
		var unassigned float64
		for _, i := range members[g] {
			unassigned += spread(km2[:width-1], d.Districts[i].AreaKm2, shares[i])
		}
		km2[width-1] = unassigned
		return km2
	}
	for g, m := range members {
		for _, i := range m {
			r.total[g] += d.Districts[i].AreaKm2
		}
		r.at[g] = []int32{-1}
		r.km2[g] = sum(g)
	}
	touched := make([]bool, len(r.groups))
	var changed []int
	d.walk(func(k int, cs []districtChange) {
		changed = changed[:0]
		for _, c := range cs {
			shares[c.district] = c.change.Shares
			if g := of[c.district]; !touched[g] {
				touched[g] = true
				changed = append(changed, g)
			}
		}
		// Each group is summed whole, in district order, as km2On sums
		// the totals: no running sum drifts over the dates.
		for _, g := range changed {
			touched[g] = false
			r.at[g] = append(r.at[g], int32(k))
			r.km2[g] = append(r.km2[g], sum(g)...)
		}
	})
	return r, nil
}

// CheckProperty says whether the districts can be grouped by the
// property by (PropertyNames): if not, a KindInvalid error naming the
// properties they can be grouped by.
func (d *Dataset) CheckProperty(by string) error {
	names := d.PropertyNames()
	if slices.Contains(names, by) {
		return nil
	}
	shown := by
	if len(shown) > 60 {
		cut := 60
		for cut > 0 && !utf8.RuneStart(shown[cut]) {
			cut--
		}
		shown = shown[:cut] + "…"
	}
	list := "none: the districts have no property with text or number values"
	if len(names) > 0 {
		const most = 20
		list = strings.Join(names[:min(len(names), most)], ", ")
		if len(names) > most {
			list += fmt.Sprintf(" and %d more", len(names)-most)
		}
	}
	for _, dist := range d.Districts {
		if v, ok := dist.Properties[by]; ok {
			if _, scalar := groupValue(v); !scalar {
				return Errorf(KindInvalid, "cannot group by %q: district %q has a list or an object there; group by one of: %s", shown, dist.ID, list)
			}
		}
	}
	if hint := suggest(by, names); hint != "" {
		return Errorf(KindInvalid, "no district property %q%s Group by one of: %s", shown, hint, list)
	}
	return Errorf(KindInvalid, "no district property %q: group by one of: %s", shown, list)
}

// By returns the property the districts are grouped by.
func (r *Regions) By() string { return r.by }

// Groups returns the groups' names, sorted.
func (r *Regions) Groups() []string { return r.groups }

// MaxDays returns how many days one request may cover: MaxSeriesCells
// over the values of a day (groups × (sides + 1)), and at most the
// dataset's MaxSeriesDays.
func (r *Regions) MaxDays() int {
	return max(1, min(r.ds.MaxSeriesDays(), MaxSeriesCells/(len(r.groups)*(len(r.ds.Sides)+1))))
}

// CheckRange checks rg as Dataset.CheckRange does, and that its days of
// groups fit MaxSeriesCells.
func (r *Regions) CheckRange(rg Range, fromName, toName string) error {
	if err := r.ds.CheckRange(rg, fromName, toName); err != nil {
		return err
	}
	if n, most := rg.Days(), r.MaxDays(); n > most {
		return Errorf(KindInvalid, "%d days asked, at most %d at once by %q (%d groups × %d sides and unassigned a day): split the range with %s and %s",
			n, most, r.by, len(r.groups), len(r.ds.Sides), fromName, toName)
	}
	return nil
}

// On returns each group's km² per side on date, the groups sorted by name.
// The groups' km² add up to the dataset's Stats to rounding (about 1e-15
// relative).
func (r *Regions) On(date Date) (RegionStats, error) {
	d := r.ds
	if err := d.CheckDate(date); err != nil {
		return RegionStats{}, err
	}
	k := int32(d.tl.dateIndex(date))
	width := len(d.Sides) + 1
	out := RegionStats{Date: date, By: r.by, Groups: make([]GroupStats, len(r.groups))}
	for g, name := range r.groups {
		at := r.at[g]
		j := sort.Search(len(at), func(i int) bool { return at[i] > k }) - 1
		km2 := r.km2[g][j*width : (j+1)*width]
		total := r.total[g]
		gs := GroupStats{Group: name, TotalKm2: total, UnassignedKm2: km2[width-1], Sides: make(map[string]SideArea, len(d.Sides))}
		for s, side := range d.Sides {
			gs.Sides[side.ID] = SideArea{Km2: km2[s], Share: ratio(km2[s], total)}
		}
		out.Groups[g] = gs
	}
	return out, nil
}

// Size estimates the memory r holds, in bytes, for caches with a budget.
func (r *Regions) Size() int64 {
	n := int64(256 + 48*len(r.groups))
	for g := range r.groups {
		n += int64(len(r.groups[g]) + 4*cap(r.at[g]) + 8*cap(r.km2[g]))
	}
	return n
}
