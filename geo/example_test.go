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
