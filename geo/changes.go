package geo

// DistrictChange is a district whose control differs between two dates.
type DistrictChange struct {
	District int // index in Dataset.Districts
	// MovedKm2 is the ground that changed hands: area × the shares gained.
	MovedKm2 float64
	// Delta is the change of each side's share, indexed like Sides.
	Delta []float64
}

// ChangeSummary totals the changes between two dates per side.
type ChangeSummary struct {
	From      Date    `json:"from"`
	To        Date    `json:"to"`
	Districts int     `json:"districts"`
	MovedKm2  float64 `json:"moved_km2"`
	// Sides holds km² gained, lost and net per side id.
	Sides map[string]SideChange `json:"sides"`
	// Frontlines holds the front length on both dates of each pair of
	// sides that meet on some date ("a|b", as the series' columns); set
	// by Shapes.ChangeSummary, which has the fronts.
	Frontlines map[string]FrontChange `json:"frontlines,omitempty"`
}

// SideChange is one side's ground won and lost between two dates.
type SideChange struct {
	GainedKm2 float64 `json:"gained_km2"`
	LostKm2   float64 `json:"lost_km2"`
	// NetKm2 is the side's km² on To minus its km² on From, the
	// difference of the daily series (Stats) on the two dates, which
	// GainedKm2 - LostKm2 equals to rounding.
	NetKm2 float64 `json:"net_km2"`
}

// FrontChange is the length in km of the front between two sides on the
// two dates of a ChangeSummary, and its change.
type FrontChange struct {
	FromKm   float64 `json:"from_km"`
	ToKm     float64 `json:"to_km"`
	ChangeKm float64 `json:"change_km"`
}

// Changes returns the districts whose shares differ between from and to,
// in district order. from may be later than to: the changes then run
// backwards.
func (d *Dataset) Changes(from, to Date) []DistrictChange {
	var out []DistrictChange
	scratch := make([]float64, len(d.Sides))
	for i := range d.Districts {
		if ch, ok := d.changeOf(i, from, to, scratch); ok {
			out = append(out, ch)
		}
	}
	return out
}

// changeOf returns how district i changed from one date to the other, and
// whether it did; delta is scratch space, one value per side.
func (d *Dataset) changeOf(i int, from, to Date, delta []float64) (DistrictChange, bool) {
	a, b := d.StateOn(i, from).Shares(), d.StateOn(i, to).Shares()
	var gained float64
	differs := false
	for s := range delta {
		delta[s] = shareAt(b, s) - shareAt(a, s)
		if delta[s] > 1e-12 {
			gained += delta[s]
		}
		if delta[s] > 1e-12 || delta[s] < -1e-12 {
			differs = true
		}
	}
	if !differs {
		return DistrictChange{}, false
	}
	return DistrictChange{District: i, MovedKm2: gained * d.Districts[i].AreaKm2, Delta: append([]float64(nil), delta...)}, true
}

// ChangeSummary returns km² gained and lost per side between two dates.
// Within a district only the change in shares changes hands, so ground
// taken and lost again between the two dates counts for nothing.
func (d *Dataset) ChangeSummary(from, to Date) ChangeSummary {
	return d.summarize(from, to, d.Changes(from, to))
}

// summarize totals changes, the districts that differ between from and to
// in district order.
func (d *Dataset) summarize(from, to Date, changes []DistrictChange) ChangeSummary {
	gained, lost := make([]float64, len(d.Sides)), make([]float64, len(d.Sides))
	sum := ChangeSummary{From: from, To: to, Sides: make(map[string]SideChange, len(d.Sides))}
	for _, ch := range changes {
		sum.Districts++
		sum.MovedKm2 += ch.MovedKm2
		a := d.Districts[ch.District].AreaKm2
		for s, v := range ch.Delta {
			if v > 0 {
				gained[s] += v * a
			} else {
				lost[s] -= v * a
			}
		}
	}
	was, now := d.km2On(from), d.km2On(to)
	for s, side := range d.Sides {
		sum.Sides[side.ID] = SideChange{GainedKm2: gained[s], LostKm2: lost[s], NetKm2: now[s] - was[s]}
	}
	return sum
}

func shareAt(shares []float64, s int) float64 {
	if shares == nil {
		return 0
	}
	return shares[s]
}
