package geo

import (
	"fmt"
	"slices"
	"time"
)

// Every is the length of the periods of Gains: calendar months, ISO weeks
// or days.
type Every string

// The periods Gains totals over.
const (
	// EveryMonth is calendar months, labelled YYYY-MM.
	EveryMonth Every = "month"
	// EveryWeek is ISO 8601 weeks, Monday to Sunday, labelled YYYY-Www
	// with the ISO week-numbering year (2024-12-30 is in 2025-W01).
	EveryWeek Every = "week"
	// EveryDay is days, labelled YYYY-MM-DD.
	EveryDay Every = "day"
)

// ParseEvery reads month, week or day; name is what the caller calls the
// argument, for the error.
func ParseEvery(name, v string) (Every, error) {
	switch e := Every(v); e {
	case EveryMonth, EveryWeek, EveryDay:
		return e, nil
	}
	if len(v) > 40 {
		v = v[:40] + "…"
	}
	return "", Errorf(KindInvalid, "%s %q: use month, week or day", name, v)
}

// CalendarPeriod is one calendar period of Every: its label and its
// first and last days.
type CalendarPeriod struct {
	Label       string
	First, Last Date
}

// PeriodOf returns the period of e that holds date.
func (e Every) PeriodOf(date Date) CalendarPeriod {
	t := date.Time()
	switch e {
	case EveryMonth:
		y, m, _ := t.Date()
		return CalendarPeriod{
			Label: fmt.Sprintf("%04d-%02d", y, int(m)),
			First: DateOf(time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)),
			Last:  DateOf(time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC)),
		}
	case EveryWeek:
		y, w := t.ISOWeek()
		monday := date - Date((int(t.Weekday())+6)%7)
		return CalendarPeriod{Label: fmt.Sprintf("%04d-W%02d", y, w), First: monday, Last: monday + 6}
	}
	return CalendarPeriod{Label: date.String(), First: date, Last: date}
}

// PeriodGains is what each side gained and lost over one period: the
// ChangeSummary of the state at the end of the day before the period (or
// the dataset's first date, when the period holds it) against the state
// at the end of its last day (From and To), district by district.
type PeriodGains struct {
	Period string `json:"period"`
	// Partial is true when From and To do not span the whole calendar
	// period: the range asked for, or the dataset, begins or ends inside
	// it (or on its first day: the dataset's first date has no state
	// before it to compare with).
	Partial bool `json:"partial"`
	ChangeSummary
}

// Gains is what each side gained and lost in each period of a range.
type Gains struct {
	Every   Every         `json:"every"`
	From    Date          `json:"from"`
	To      Date          `json:"to"`
	Periods []PeriodGains `json:"periods"`
}

// Gains returns the gains and losses of each side in every period of e
// that meets r (checked as Dataset.CheckRange does), as the press figures
// them by comparing the maps at the period's two ends: within a district
// only the change in shares between the two ends changes hands, so ground
// taken and lost again within one period counts 0. The gross figures, every
// change counted, are the sums of the daily gains (EveryDay). A period's
// net is the difference of the daily series at its two ends, exactly. The
// work is in proportion to the districts that change within r: each
// period looks only at those whose rows fall in it.
func (d *Dataset) Gains(r Range, e Every) (Gains, error) {
	if _, err := ParseEvery("every", string(e)); err != nil {
		return Gains{}, err
	}
	if err := d.CheckRange(r, "from", "to"); err != nil {
		return Gains{}, err
	}
	// The districts that change on each change date, in district order.
	byDate := make([][]int, len(d.tl.dates))
	for i, cs := range d.tl.changes {
		for j := range cs {
			k := d.tl.dateIndex(cs[j].Date)
			byDate[k] = append(byDate[k], i)
		}
	}
	first := d.Range().First
	out := Gains{Every: e, From: r.First, To: r.Last}
	scratch := make([]float64, len(d.Sides))
	seen := make([]bool, len(d.Districts))
	var candidates []int
	var changes []DistrictChange
	for start := r.First; start <= r.Last; {
		p := e.PeriodOf(start)
		end := min(p.Last, r.Last)
		since := max(start-1, first)
		// Only a district with a row after since and by end can differ.
		candidates = candidates[:0]
		for k := d.tl.dateIndex(since) + 1; k <= d.tl.dateIndex(end); k++ {
			for _, i := range byDate[k] {
				if !seen[i] {
					seen[i] = true
					candidates = append(candidates, i)
				}
			}
		}
		slices.Sort(candidates)
		changes = changes[:0]
		for _, i := range candidates {
			seen[i] = false
			if ch, ok := d.changeOf(i, since, end, scratch); ok {
				changes = append(changes, ch)
			}
		}
		out.Periods = append(out.Periods, PeriodGains{
			Period:        p.Label,
			Partial:       since != p.First-1 || end != p.Last,
			ChangeSummary: d.summarize(since, end, changes),
		})
		start = end + 1
	}
	return out, nil
}
