package geo_test

import (
	"fmt"
	"os"

	"github.com/frontline/frontline/geo"
)

func ExampleDataset_Stats() {
	ds, err := geo.LoadDir(os.DirFS("testdata/small"), "small")
	if err != nil {
		fmt.Println(err)
		return
	}
	day, _ := geo.ParseDate("2016-11-20")
	st, _ := ds.Stats(day)
	for _, s := range ds.Sides {
		fmt.Printf("%-10s %.4f km² (%.1f%%)\n", s.ID, st.Sides[s.ID].Km2, 100*st.Sides[s.ID].Share)
	}
	// Output:
	// government 2.7440 km² (55.0%)
	// opposition 1.2074 km² (24.2%)
	// sdf        1.0378 km² (20.8%)
}

func ExampleDataset_StateOn() {
	ds, err := geo.LoadDir(os.DirFS("testdata/small"), "small")
	if err != nil {
		fmt.Println(err)
		return
	}
	i, _ := ds.DistrictIndex("north-east")
	for _, s := range []string{"2016-11-15", "2016-11-20", "2016-12-01"} {
		day, _ := geo.ParseDate(s)
		st := ds.StateOn(i, day)
		fmt.Println(s, ds.Controller(st), st.Change.Sources)
	}
	// Output:
	// 2016-11-15 opposition [[1]]
	// 2016-11-20 government [[2] [3]]
	// 2016-12-01 opposition [[5]]
}

func ExampleDataset_Gains() {
	ds, err := geo.LoadDir(os.DirFS("testdata/small"), "small")
	if err != nil {
		fmt.Println(err)
		return
	}
	// December's counter-attack on north-east (12-01), taken back on
	// 12-22, counts 0: the month compares its two ends.
	g, _ := ds.Gains(ds.Range(), geo.EveryMonth)
	for _, p := range g.Periods {
		c := p.Sides["government"]
		fmt.Printf("%s %s to %s partial=%v: government gained %.3f, lost %.3f, net %+.3f km²\n",
			p.Period, p.From, p.To, p.Partial, c.GainedKm2, c.LostKm2, c.NetKm2)
	}
	// Output:
	// 2016-11 2016-11-15 to 2016-11-30 partial=true: government gained 1.227, lost 0.000, net +1.227 km²
	// 2016-12 2016-11-30 to 2016-12-22 partial=true: government gained 0.728, lost 0.000, net +0.728 km²
}

func ExampleNewRegions() {
	ds, err := geo.LoadDir(os.DirFS("testdata/small"), "small")
	if err != nil {
		fmt.Println(err)
		return
	}
	r, _ := geo.NewRegions(ds, "name_ar")
	day, _ := geo.ParseDate("2016-11-20")
	st, _ := r.On(day)
	for _, g := range st.Groups {
		fmt.Printf("%q: %.4f km², government %.1f%%\n", g.Group, g.TotalKm2, 100*g.Sides["government"].Share)
	}
	// Output:
	// "": 3.9914 km², government 43.7%
	// "الشمال الغربي": 0.9978 km², government 100.0%
}
