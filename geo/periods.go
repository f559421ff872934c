package geo

// Period is a half-open span of days [From, To): To is the first day the
// state no longer holds. A state still in force at the end of the dataset
// has To = End, the day after its last date; it holds after the end too
// (InForce), as every answer for a later day gives the last state, and
// the layers write its end as null.
type Period struct {
	From Date
	To   Date
}

// Contains reports whether the state holds on day d.
func (p Period) Contains(d Date) bool { return d >= p.From && d < p.To }

// Overlaps reports whether the state holds on any day of [first, last]
// (both included).
func (p Period) Overlaps(first, last Date) bool { return p.From <= last && p.To > first }

// End returns the exclusive end of every period still in force: the day
// after the dataset's last date.
func (d *Dataset) End() Date { return d.Range().Last + 1 }

// InForce reports whether a period is still in force at the end of the
// dataset: nothing known ends it, so it holds on every day after the last
// date as well ("after the end" is the last state, in every answer).
func (d *Dataset) InForce(p Period) bool { return p.To >= d.End() }

// Holds reports whether a period holds on some day of [first, last], both
// included, a period in force at the end holding on every later day.
func (d *Dataset) Holds(p Period, first, last Date) bool {
	return p.From <= last && (p.To > first || d.InForce(p))
}

// ControlPeriod is one district's unchanged state over a period.
type ControlPeriod struct {
	Period
	// District is the index in Dataset.Districts.
	District int
	// State is the state in force; its Change is nil while the district
	// has no row yet (unassigned from the dataset's first date).
	State State
}

// ControlPeriods calls fn for every period of unchanged state of every
// district, in district order and then date order, from the dataset's
// first date to End: each row set of control.csv starts a period, and a
// district whose first row comes later is unassigned until then. The
// periods of one district tile the range without gap or overlap, so the
// periods containing a day are exactly the states on that day.
func (d *Dataset) ControlPeriods(fn func(ControlPeriod) error) error {
	first, end := d.Range().First, d.End()
	for i := range d.Districts {
		hist := d.History(i)
		if len(hist) == 0 || hist[0].Date > first {
			to := end
			if len(hist) > 0 {
				to = hist[0].Date
			}
			if err := fn(ControlPeriod{Period: Period{first, to}, District: i}); err != nil {
				return err
			}
		}
		for k := range hist {
			to := end
			if k+1 < len(hist) {
				to = hist[k+1].Date
			}
			if err := fn(ControlPeriod{Period: Period{hist[k].Date, to}, District: i, State: State{Change: &hist[k]}}); err != nil {
				return err
			}
		}
	}
	return nil
}
