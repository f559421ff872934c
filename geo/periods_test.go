package geo_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/internal/testkit"
)

// The periods of each district tile the range: on every day, exactly one
// period of each district holds, and it is the state StateOn gives.
func TestControlPeriodsTileTheRange(t *testing.T) {
	ds := testkit.Small(t)
	var periods []geo.ControlPeriod
	require.NoError(t, ds.ControlPeriods(func(p geo.ControlPeriod) error {
		assert.Less(t, p.From, p.To)
		periods = append(periods, p)
		return nil
	}))
	r := ds.Range()
	for d := r.First - 1; d <= ds.End(); d++ {
		seen := map[int]int{}
		for _, p := range periods {
			if !p.Contains(d) {
				continue
			}
			seen[p.District]++
			assert.Equal(t, ds.StateOn(p.District, d), p.State, "district %d on %s", p.District, d)
		}
		if d < r.First || d == ds.End() {
			assert.Empty(t, seen, "no period holds on %s, outside the range", d)
			continue
		}
		for i := range ds.Districts {
			assert.Equal(t, 1, seen[i], "district %s on %s", ds.Districts[i].ID, d)
		}
	}
}

// After the last date the periods in force at the end hold, one per
// district, as StateOn gives the last state for any later day.
func TestPeriodsInForceHoldAfterTheEnd(t *testing.T) {
	ds := testkit.Small(t)
	for _, d := range []geo.Date{ds.End(), ds.End() + 1000} {
		seen := map[int]int{}
		require.NoError(t, ds.ControlPeriods(func(p geo.ControlPeriod) error {
			assert.Equal(t, p.To == ds.End(), ds.InForce(p.Period))
			if ds.Holds(p.Period, d, d) {
				seen[p.District]++
				assert.True(t, ds.InForce(p.Period))
				assert.Equal(t, ds.StateOn(p.District, d), p.State)
			}
			return nil
		}))
		for i := range ds.Districts {
			assert.Equal(t, 1, seen[i], "district %s on %s", ds.Districts[i].ID, d)
		}
	}
	assert.False(t, ds.Holds(geo.Period{From: ds.Range().First, To: ds.Range().First + 1}, ds.End(), ds.End()))
}

func TestShapesPeriodsMatchEveryDay(t *testing.T) {
	ds := testkit.Small(t)
	shapes, err := geo.NewShapes(ds)
	require.NoError(t, err)
	var ts []geo.TerritoryPeriod
	var fs []geo.FrontlinePeriod
	require.NoError(t, shapes.Periods(func(p geo.TerritoryPeriod) error {
		ts = append(ts, p)
		return nil
	}, func(p geo.FrontlinePeriod) error {
		fs = append(fs, p)
		return nil
	}))
	r := ds.Range()
	for d := r.First; d <= r.Last; d++ {
		day, err := shapes.On(d)
		require.NoError(t, err)
		var gotT, gotF []string
		for _, p := range ts {
			if p.Contains(d) {
				gotT = append(gotT, fmt.Sprintf("%s %.9f", p.Label, p.AreaM2))
			}
		}
		for _, p := range fs {
			if p.Contains(d) {
				gotF = append(gotF, fmt.Sprintf("%v %.9f", p.Sides, p.LengthM))
			}
		}
		var wantT, wantF []string
		for _, t := range day.Territories {
			wantT = append(wantT, fmt.Sprintf("%s %.9f", t.Label, t.AreaM2))
		}
		for _, f := range day.Frontlines {
			wantF = append(wantF, fmt.Sprintf("%v %.9f", f.Sides, f.LengthM))
		}
		assert.ElementsMatch(t, wantT, gotT, "territories on %s", d)
		assert.ElementsMatch(t, wantF, gotF, "frontlines on %s", d)
	}
	// North-east changes three times, so the government territory has a
	// period per change, but the SDF's never changes.
	var sdf int
	for _, p := range ts {
		if p.Label == "sdf" {
			sdf++
			assert.Equal(t, geo.Period{From: r.First, To: ds.End()}, p.Period)
		}
	}
	assert.Equal(t, 1, sdf)
}

func ExampleDataset_ControlPeriods() {
	ds, err := geo.LoadDir(os.DirFS("testdata/small"), "small")
	if err != nil {
		fmt.Println(err)
		return
	}
	ne, _ := ds.DistrictIndex("north-east")
	_ = ds.ControlPeriods(func(p geo.ControlPeriod) error {
		if p.District == ne {
			fmt.Println(p.From, "to", p.To, ds.Controller(p.State))
		}
		return nil
	})
	// Output:
	// 2016-11-15 to 2016-11-20 opposition
	// 2016-11-20 to 2016-12-01 government
	// 2016-12-01 to 2016-12-22 opposition
	// 2016-12-22 to 2016-12-23 government
}
