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
}

// SideChange is one side's ground won and lost between two dates.
type SideChange struct {
	GainedKm2 float64 `json:"gained_km2"`
	LostKm2   float64 `json:"lost_km2"`
	NetKm2    float64 `json:"net_km2"`
}

// Changes returns the districts whose shares differ between from and to,
// in district order. from may be later than to: the changes then run
// backwards.
func (d *Dataset) Changes(from, to Date) []DistrictChange {
	var out []DistrictChange
	for i := range d.Districts {
		a, b := d.StateOn(i, from).Shares(), d.StateOn(i, to).Shares()
		delta := make([]float64, len(d.Sides))
		var gained float64
		differs := false
		for s := range d.Sides {
			delta[s] = shareAt(b, s) - shareAt(a, s)
			if delta[s] > 1e-12 {
				gained += delta[s]
			}
			if delta[s] > 1e-12 || delta[s] < -1e-12 {
				differs = true
			}
		}
		if differs {
			out = append(out, DistrictChange{District: i, MovedKm2: gained * d.Districts[i].AreaKm2, Delta: delta})
		}
	}
	return out
}

// ChangeSummary returns km² gained and lost per side between two dates.
func (d *Dataset) ChangeSummary(from, to Date) ChangeSummary {
	gained, lost := make([]float64, len(d.Sides)), make([]float64, len(d.Sides))
	sum := ChangeSummary{From: from, To: to, Sides: make(map[string]SideChange, len(d.Sides))}
	for _, ch := range d.Changes(from, to) {
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
	for s, side := range d.Sides {
		sum.Sides[side.ID] = SideChange{GainedKm2: gained[s], LostKm2: lost[s], NetKm2: gained[s] - lost[s]}
	}
	return sum
}

func shareAt(shares []float64, s int) float64 {
	if shares == nil {
		return 0
	}
	return shares[s]
}
