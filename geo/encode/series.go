package encode

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/frontline/frontline/geo"
)

// Stats is the answer for one date: the areas and front lengths, and with
// a baseline who now holds the ground a side held then.
type Stats struct {
	geo.SeriesDay
	Baseline *geo.Baseline `json:"baseline,omitempty"`
}

// Series is the daily series over a range.
type Series struct {
	From   geo.Date        `json:"from"`
	To     geo.Date        `json:"to"`
	Sides  []string        `json:"sides"`
	Pairs  []string        `json:"pairs"`
	Series []geo.SeriesDay `json:"series"`
}

// NewSeries wraps the days of r with the side ids and the pairs of sides
// that meet (geo.Shapes.Pairs).
func NewSeries(ds *geo.Dataset, r geo.Range, pairs []string, days []geo.SeriesDay) Series {
	sides := make([]string, len(ds.Sides))
	for i, s := range ds.Sides {
		sides[i] = s.ID
	}
	return Series{From: r.First, To: r.Last, Sides: sides, Pairs: pairs, Series: days}
}

// SeriesHeader returns the wide CSV header with units: date, <side>_km2
// per side, unassigned_km2, total_km2, then front_<a>_<b>_km per pair of
// sides that meet.
func SeriesHeader(ds *geo.Dataset, pairs []string) []string {
	head := []string{"date"}
	for _, s := range ds.Sides {
		head = append(head, s.ID+"_km2")
	}
	head = append(head, "unassigned_km2", "total_km2")
	for _, p := range pairs {
		head = append(head, "front_"+strings.ReplaceAll(p, "|", "_")+"_km")
	}
	return head
}

// SeriesCSV writes the wide series: one row per day, areas in km² and
// front lengths in km, 6 decimals (1 m², 1 mm).
func SeriesCSV(w io.Writer, ds *geo.Dataset, pairs []string, days []geo.SeriesDay) error {
	cw := NewCSVWriter(w)
	_ = cw.Write(SeriesHeader(ds, pairs))
	rec := make([]string, 0, len(ds.Sides)+3+len(pairs))
	for _, st := range days {
		rec = append(rec[:0], st.Date.String())
		for _, sd := range ds.Sides {
			rec = append(rec, fixed(st.Sides[sd.ID].Km2))
		}
		rec = append(rec, fixed(st.UnassignedKm2), fixed(st.TotalKm2))
		for _, p := range pairs {
			rec = append(rec, fixed(st.FrontlinesKm[p]))
		}
		_ = cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

// SeriesCSVT is the GDAL column-type file of SeriesCSV.
func SeriesCSVT(ds *geo.Dataset, pairs []string) []byte {
	types := []string{"Date"}
	for range SeriesHeader(ds, pairs)[1:] {
		types = append(types, "Real")
	}
	return csvt(types)
}

// SeriesLongCSV writes the tidy form: date,side,km2,share, one row per day
// and side, the unassigned ground as side "unassigned"; share is of the
// total.
func SeriesLongCSV(w io.Writer, ds *geo.Dataset, series []geo.SeriesDay) error {
	cw := NewCSVWriter(w)
	_ = cw.Write([]string{"date", "side", "km2", "share"})
	for _, st := range series {
		day := st.Date.String()
		for _, sd := range ds.Sides {
			a := st.Sides[sd.ID]
			_ = cw.Write([]string{day, sd.ID, fixed(a.Km2), share(a.Share)})
		}
		un := 0.0
		if st.TotalKm2 > 0 {
			un = st.UnassignedKm2 / st.TotalKm2
		}
		_ = cw.Write([]string{day, geo.Unassigned, fixed(st.UnassignedKm2), share(un)})
	}
	cw.Flush()
	return cw.Error()
}

// SeriesLongCSVT is the GDAL column-type file of SeriesLongCSV.
func SeriesLongCSVT() []byte { return csvt([]string{"Date", "String", "Real", "Real"}) }

// BaselineHeader is the header of BaselineCSV.
var BaselineHeader = []string{"date", "baseline_date", "of", "side", "km2", "share"}

// BaselineCSV writes who holds, on each day of r, the ground that side of
// held on base (geo.Dataset.Baseline): one row per day and side, the
// unassigned rest as side "unassigned"; km2 of that ground, share of it.
func BaselineCSV(w io.Writer, ds *geo.Dataset, r geo.Range, base geo.Date, of string) error {
	cw := NewCSVWriter(w)
	_ = cw.Write(BaselineHeader)
	for d := r.First; d <= r.Last; d++ {
		b, err := ds.Baseline(d, base, of)
		if err != nil {
			return err
		}
		day, bd := d.String(), base.String()
		for _, sd := range ds.Sides {
			a := b.Held[sd.ID]
			_ = cw.Write([]string{day, bd, of, sd.ID, fixed(a.Km2), share(a.Share)})
		}
		un := 0.0
		if b.Km2 > 0 {
			un = b.UnassignedKm2 / b.Km2
		}
		_ = cw.Write([]string{day, bd, of, geo.Unassigned, fixed(b.UnassignedKm2), share(un)})
	}
	cw.Flush()
	return cw.Error()
}

// ChangesHeader is the header of ChangesCSV.
var ChangesHeader = []string{"date", "district", "name", "from", "to", "moved_km2", "sources", "note"}

// ChangesCSV writes every district whose state changed from one day to the
// next within r, one row per change, day by day: streamed, nothing held.
// moved_km2 is rounded so that the column adds up: summed from the first
// row to any row it gives the exact running total rounded to 1 m² (6
// decimals), the whole column the total; each row is within 1 m² of its
// exact value (rows rounded one by one drifted from the total).
func ChangesCSV(w io.Writer, ds *geo.Dataset, r geo.Range) error {
	bw := bufio.NewWriter(w)
	cw := NewCSVWriter(bw)
	_ = cw.Write(ChangesHeader)
	var total float64 // exact running total, km²
	var written int64 // what the rows so far add up to, in m²
	for day := r.First + 1; day <= r.Last; day++ {
		for _, ch := range ds.Changes(day-1, day) {
			d := ds.Districts[ch.District]
			now := ds.StateOn(ch.District, day)
			var sources, note string
			if now.Change != nil {
				sources, note = strings.Join(now.Change.Sources, ""), now.Change.Note
			}
			total += ch.MovedKm2
			m2 := int64(math.Round(total*1e6)) - written
			written += m2
			_ = cw.Write([]string{
				day.String(), d.ID, d.Name, ds.Controller(ds.StateOn(ch.District, day-1)), ds.Controller(now),
				millionths(m2), sources, note,
			})
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// ChangesCSVT is the GDAL column-type file of ChangesCSV.
func ChangesCSVT() []byte {
	return csvt([]string{"Date", "String", "String", "String", "String", "Real", "String", "String"})
}

func csvt(types []string) []byte {
	var b strings.Builder
	for i, t := range types {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Quote(t))
	}
	b.WriteByte('\n')
	return []byte(b.String())
}

// millionths formats n millionths with 6 decimals, as fixed does.
func millionths(n int64) string {
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	return fmt.Sprintf("%s%d.%06d", sign, n/1_000_000, n%1_000_000)
}

// fixed keeps 6 decimals: 1 m² or 1 mm, finer than any boundary. A
// value that rounds to zero is 0.000000, never -0.000000.
func fixed(v float64) string {
	s := strconv.FormatFloat(v, 'f', 6, 64)
	if s == "-0.000000" {
		return s[1:]
	}
	return s
}

// share keeps 9 decimals, always with a point.
func share(v float64) string { return strconv.FormatFloat(v, 'f', 9, 64) }
