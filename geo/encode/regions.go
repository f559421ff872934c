package encode

import (
	"bufio"
	"io"
	"strconv"

	"github.com/frontline/frontline/geo"
)

// RegionsHeader is the header of RegionsCSV.
var RegionsHeader = []string{"date", "group", "side", "km2", "share"}

// RegionsCSV writes the km² of each side in each group of r (geo.Regions)
// on every day of rg, checked by the caller with Regions.CheckRange: one
// row per day, group and side, the unassigned ground as side
// "unassigned", share of the group's ground; groups sorted by name, the
// districts without the property in group "". Streamed: a day is a
// lookup.
func RegionsCSV(w io.Writer, ds *geo.Dataset, r *geo.Regions, rg geo.Range) error {
	bw := bufio.NewWriter(w)
	cw := NewCSVWriter(bw)
	_ = cw.Write(RegionsHeader)
	for day := rg.First; day <= rg.Last; day++ {
		st, err := r.On(day)
		if err != nil {
			return err
		}
		date := day.String()
		for _, g := range st.Groups {
			for _, sd := range ds.Sides {
				a := g.Sides[sd.ID]
				_ = cw.Write([]string{date, g.Group, sd.ID, fixed(a.Km2), share(a.Share)})
			}
			un := 0.0
			if g.TotalKm2 > 0 {
				un = g.UnassignedKm2 / g.TotalKm2
			}
			_ = cw.Write([]string{date, g.Group, geo.Unassigned, fixed(g.UnassignedKm2), share(un)})
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// RegionsCSVT is the GDAL column-type file of RegionsCSV.
func RegionsCSVT() []byte { return csvt([]string{"Date", "String", "String", "Real", "Real"}) }

// GainsHeader is the header of GainsCSV.
var GainsHeader = []string{"period", "side", "gained_km2", "lost_km2", "net_km2", "partial", "from", "to"}

// GainsCSV writes what each side gained and lost in each period of g
// (geo.Dataset.Gains): one row per period and side; partial is true when
// the period is not covered whole, from and to are the two dates whose
// maps are compared.
func GainsCSV(w io.Writer, ds *geo.Dataset, g geo.Gains) error {
	cw := NewCSVWriter(w)
	_ = cw.Write(GainsHeader)
	for _, p := range g.Periods {
		from, to, partial := p.From.String(), p.To.String(), strconv.FormatBool(p.Partial)
		for _, sd := range ds.Sides {
			c := p.Sides[sd.ID]
			_ = cw.Write([]string{p.Period, sd.ID, fixed(c.GainedKm2), fixed(c.LostKm2), fixed(c.NetKm2), partial, from, to})
		}
	}
	cw.Flush()
	return cw.Error()
}

// GainsCSVT is the GDAL column-type file of GainsCSV: the period is text
// (2024-11, 2024-W45 or a date), partial a boolean.
func GainsCSVT() []byte {
	return csvt([]string{"String", "String", "Real", "Real", "Real", "Integer(Boolean)", "Date", "Date"})
}
