package geo_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/data"
	"github.com/frontline/frontline/geo"
)

// synthDataset loads a dataset made by geo.Synth.
func synthDataset(tb testing.TB, o geo.SynthOptions) *geo.Dataset {
	tb.Helper()
	fsys, err := geo.SynthFS(o)
	require.NoError(tb, err)
	ds, err := geo.LoadDir(fsys, "synth")
	require.NoError(tb, err)
	return ds
}

// Stats come from sums kept per change date; they must be the sums over
// the districts' states on the day itself, bit for bit, on every day of
// the range and after it.
func TestStatsEqualDirectSums(t *testing.T) {
	aleppo, err := geo.LoadDir(data.Default(), data.DefaultName)
	require.NoError(t, err)
	for name, ds := range map[string]*geo.Dataset{
		"small":  loadSmall(t),
		"aleppo": aleppo,
		"synth":  synthDataset(t, geo.SynthOptions{NX: 12, NY: 9, Dates: 20, Hex: true, Pace: 0.5, Seed: 4}),
	} {
		t.Run(name, func(t *testing.T) {
			r := ds.Range()
			series, err := ds.Series(r.First, r.Last+3)
			require.NoError(t, err)
			require.Len(t, series, r.Days()+3)
			for k, st := range series {
				day := r.First.AddDays(k)
				require.Equal(t, day, st.Date)
				km2 := make([]float64, len(ds.Sides))
				var unassigned float64
				for i, d := range ds.Districts {
					rest := 1.0
					for s, v := range ds.StateOn(i, day).Shares() {
						km2[s] += d.AreaKm2 * v
						rest -= v
					}
					if rest > 1e-12 {
						unassigned += d.AreaKm2 * rest
					}
				}
				for s, side := range ds.Sides {
					assert.Equal(t, km2[s], st.Sides[side.ID].Km2, "%s %s", day, side.ID)
				}
				assert.Equal(t, unassigned, st.UnassignedKm2, "%s unassigned", day)
				one, err := ds.Stats(day)
				require.NoError(t, err)
				assert.Equal(t, st, one)
			}
		})
	}
}

// The front lengths of every change date, walked with label numbers kept up
// to date from date to date, are those of the frontline geometry built on
// that date.
func TestFrontLengthsKmMatchFrontlines(t *testing.T) {
	ds := synthDataset(t, geo.SynthOptions{NX: 12, NY: 10, Dates: 15, Hex: true, Pace: 1, Seed: 2})
	shapes, err := geo.NewShapes(ds)
	require.NoError(t, err)
	pairs := ds.SidePairs()
	km, err := shapes.FrontLengthsKm(pairs)
	require.NoError(t, err)
	require.Len(t, km, len(ds.ChangeDates()))
	fronts := 0
	for _, d := range ds.ChangeDates() {
		day, err := shapes.On(d)
		require.NoError(t, err)
		want := day.FrontlineKm(pairs)
		for k, p := range pairs {
			if want[p] == 0 {
				assert.Zero(t, km[d][k], "%s %s", d, p)
				continue
			}
			fronts++
			assert.InEpsilon(t, want[p], km[d][k], 1e-12, "%s %s", d, p)
		}
	}
	assert.Positive(t, fronts)
	_, err = shapes.FrontLengthsKm([]string{"west|nobody"})
	assert.Error(t, err)
}
