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
	Districts int
	MovedKm2  float64
	// Gained and Lost are km² per side, indexed like Sides; both ≥ 0.
	Gained, Lost []float64
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
	sum := ChangeSummary{Gained: make([]float64, len(d.Sides)), Lost: make([]float64, len(d.Sides))}
	for _, ch := range d.Changes(from, to) {
		sum.Districts++
		sum.MovedKm2 += ch.MovedKm2
		a := d.Districts[ch.District].AreaKm2
		for s, v := range ch.Delta {
			if v > 0 {
				sum.Gained[s] += v * a
			} else {
				sum.Lost[s] -= v * a
			}
		}
	}
	return sum
}

func shareAt(shares []float64, s int) float64 {
	if shares == nil {
		return 0
	}
	return shares[s]
}
