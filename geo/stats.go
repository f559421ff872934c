package geo

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

// MaxSeriesDays bounds a series so one request cannot ask for centuries.
const MaxSeriesDays = 3660

// Stats returns the area each side holds on date.
func (d *Dataset) Stats(date Date) (Stats, error) {
	if err := d.CheckDate(date); err != nil {
		return Stats{}, err
	}
	km2 := make([]float64, len(d.Sides))
	var unassigned float64
	for i := range d.Districts {
		unassigned += spread(km2, d.Districts[i].AreaKm2, d.StateOn(i, date).Shares())
	}
	st := Stats{Date: date, TotalKm2: d.totalKm2, UnassignedKm2: unassigned, Sides: make(map[string]SideArea, len(d.Sides))}
	for s, side := range d.Sides {
		st.Sides[side.ID] = SideArea{Km2: km2[s], Share: ratio(km2[s], d.totalKm2)}
	}
	return st, nil
}

// Baseline returns how the ground that side of held on base is held on
// date. Within a district split on both dates the shares are taken as
// independent (the table does not say which part changed hands).
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
	km2 := make([]float64, len(d.Sides))
	var total, unassigned float64
	for i := range d.Districts {
		was := d.StateOn(i, base).Shares()
		if was == nil || was[o] == 0 {
			continue
		}
		a := d.Districts[i].AreaKm2 * was[o]
		total += a
		unassigned += spread(km2, a, d.StateOn(i, date).Shares())
	}
	b := Baseline{Date: base, Of: of, Km2: total, UnassignedKm2: unassigned, Held: make(map[string]SideArea, len(d.Sides))}
	for s, side := range d.Sides {
		b.Held[side.ID] = SideArea{Km2: km2[s], Share: ratio(km2[s], total)}
	}
	return b, nil
}

// Series returns Stats for every day from from to to, both included.
func (d *Dataset) Series(from, to Date) ([]Stats, error) {
	if to < from {
		return nil, Errorf(KindInvalid, "from %s is after to %s", from, to)
	}
	if n := int(to-from) + 1; n > MaxSeriesDays {
		return nil, Errorf(KindInvalid, "%d days asked, at most %d per series: split the range", n, MaxSeriesDays)
	}
	if err := d.CheckDate(from); err != nil {
		return nil, err
	}
	out := make([]Stats, 0, int(to-from)+1)
	for day := from; day <= to; day++ {
		st, err := d.Stats(day)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
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
