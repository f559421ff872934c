package geo

import "sort"

// SideArea is the ground one side holds.
type SideArea struct {
	Km2 float64 `json:"km2"`
	// Share is Km2 over the total it is measured against.
	Share float64 `json:"share"`
}

// Stats is who holds how much on a date. A partial share counts as that
// fraction of the district's area.
type Stats struct {
	Date          Date                `json:"date"`
	TotalKm2      float64             `json:"total_km2"`
	UnassignedKm2 float64             `json:"unassigned_km2"`
	Sides         map[string]SideArea `json:"sides"`
}

// Baseline answers "of the ground side Of held on Date, who holds it now?",
// as the article does ("60% of the previously rebel-held part").
type Baseline struct {
	Date Date   `json:"date"`
	Of   string `json:"of"`
	// Km2 is what Of held on Date.
	Km2           float64             `json:"km2"`
	Held          map[string]SideArea `json:"held"`
	UnassignedKm2 float64             `json:"unassigned_km2"`
}

// Stats returns the area each side holds on date.
func (d *Dataset) Stats(date Date) (Stats, error) {
	if err := d.CheckDate(date); err != nil {
		return Stats{}, err
	}
	km2 := d.km2On(date)
	st := Stats{Date: date, TotalKm2: d.totalKm2, UnassignedKm2: km2[len(d.Sides)], Sides: make(map[string]SideArea, len(d.Sides))}
	for s, side := range d.Sides {
		st.Sides[side.ID] = SideArea{Km2: km2[s], Share: ratio(km2[s], d.totalKm2)}
	}
	return st, nil
}

// km2On returns the km² per side, then unassigned, in force on date.
// Areas change only on change dates, so they are summed once per change
// date, over all districts in index order (the same sums, bit for bit, as
// summing on the day itself).
func (d *Dataset) km2On(date Date) []float64 {
	d.changeKm2Once.Do(func() {
		d.changeKm2 = make([][]float64, len(d.tl.dates))
		shares := make([][]float64, len(d.Districts))
		d.walk(func(k int, changed []districtChange) {
			for _, c := range changed {
				shares[c.district] = c.change.Shares
			}
			km2 := make([]float64, len(d.Sides)+1)
			var unassigned float64
			for i := range d.Districts {
				unassigned += spread(km2[:len(d.Sides)], d.Districts[i].AreaKm2, shares[i])
			}
			km2[len(d.Sides)] = unassigned
			d.changeKm2[k] = km2
		})
	})
	k := d.tl.dateIndex(date)
	if k < 0 { // before the first row every district is unassigned
		km2 := make([]float64, len(d.Sides)+1)
		km2[len(d.Sides)] = d.totalKm2
		return km2
	}
	return d.changeKm2[k]
}

// Baseline returns how the ground that side of held on base is held on
// date. Within a district, ground that changes hands is the change in
// shares: a side that held 0.75 of it on base and holds 0.25 on date lost
// 0.5 of the district, to the sides whose shares grew, in proportion to
// what each gained (the unassigned rest counting as one of them); a side
// whose share did not fall kept all its ground. So on base itself, and in
// every district that did not change, of holds all it held.
func (d *Dataset) Baseline(date, base Date, of string) (Baseline, error) {
	if err := d.CheckDate(date); err != nil {
		return Baseline{}, err
	}
	if err := d.CheckDate(base); err != nil {
		return Baseline{}, err
	}
	o, err := d.SideIndex(of)
	if err != nil {
		return Baseline{}, Errorf(KindInvalid, "baseline side: %v", err)
	}
	n := len(d.Sides)
	km2 := make([]float64, n+1) // the sides, then unassigned
	gain := make([]float64, n+1)
	var total float64
	for i := range d.Districts {
		was := d.StateOn(i, base).Shares()
		if shareAt(was, o) == 0 {
			continue
		}
		area := d.Districts[i].AreaKm2
		now := d.StateOn(i, date).Shares()
		total += area * was[o]
		kept := min(was[o], shareAt(now, o))
		km2[o] += area * kept
		lost := was[o] - kept
		if lost <= 0 {
			continue
		}
		gained := handOver(gain, was, now)
		for s, g := range gain {
			if g > 0 {
				km2[s] += area * lost * g / gained
			}
		}
	}
	b := Baseline{Date: base, Of: of, Km2: total, UnassignedKm2: km2[n], Held: make(map[string]SideArea, n)}
	for s, side := range d.Sides {
		b.Held[side.ID] = SideArea{Km2: km2[s], Share: ratio(km2[s], total)}
	}
	return b, nil
}

// handOver sets gain[s] to how much the share of side s grew from was to
// now (0 where it fell), the unassigned rest last, and returns their sum:
// the part of the district that changed hands.
func handOver(gain, was, now []float64) float64 {
	var sum, restWas, restNow float64 = 0, 1, 1
	for s := range gain[:len(gain)-1] {
		a, b := shareAt(was, s), shareAt(now, s)
		restWas -= a
		restNow -= b
		gain[s] = max(0, b-a)
		sum += gain[s]
	}
	gain[len(gain)-1] = max(0, restNow-restWas)
	if gain[len(gain)-1] < 1e-12 {
		gain[len(gain)-1] = 0
	}
	return sum + gain[len(gain)-1]
}

// spread adds area × share to each side's km2 and returns the unassigned
// rest of the area.
func spread(km2 []float64, area float64, shares []float64) float64 {
	rest := 1.0
	for s, v := range shares {
		km2[s] += area * v
		rest -= v
	}
	if rest > 1e-12 {
		return area * rest
	}
	return 0
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
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
