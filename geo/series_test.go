package geo_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/data"
	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/internal/testkit"
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
		"small":  testkit.Small(t),
		"aleppo": aleppo,
		"synth":  synthDataset(t, geo.SynthOptions{NX: 12, NY: 9, Dates: 20, Hex: true, Pace: 0.5, Seed: 4}),
	} {
		t.Run(name, func(t *testing.T) {
			r := ds.Range()
			shapes, err := geo.NewShapes(ds)
			require.NoError(t, err)
			series, err := shapes.Series(geo.Range{First: r.First, Last: r.Last + 3})
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
				assert.Equal(t, st.Stats, one)
			}
		})
	}
}

// The front lengths of the series, walked over the change dates with label
// numbers kept up to date, are those of the frontline geometry built on
// each day, and the series has a column for exactly the pairs that meet.
func TestSeriesFrontsMatchFrontlines(t *testing.T) {
	ds := synthDataset(t, geo.SynthOptions{NX: 12, NY: 10, Dates: 15, Hex: true, Pace: 1, Seed: 2})
	shapes, err := geo.NewShapes(ds)
	require.NoError(t, err)
	series, err := shapes.Series(ds.Range())
	require.NoError(t, err)
	pairs, err := shapes.Pairs()
	require.NoError(t, err)
	met := map[string]bool{}
	fronts := 0
	for _, st := range series {
		day, err := shapes.On(st.Date)
		require.NoError(t, err)
		want := map[string]float64{}
		for _, f := range day.Frontlines {
			want[geo.PairKey(f.Sides[0], f.Sides[1])] += f.LengthM / 1000
		}
		require.Len(t, st.FrontlinesKm, len(pairs))
		for _, p := range pairs {
			if want[p] == 0 {
				assert.Zero(t, st.FrontlinesKm[p], "%s %s", st.Date, p)
				continue
			}
			met[p] = true
			fronts++
			assert.InEpsilon(t, want[p], st.FrontlinesKm[p], 1e-12, "%s %s", st.Date, p)
		}
		for p := range want {
			assert.Contains(t, pairs, p, "%s: %s meet but have no column", st.Date, p)
		}
	}
	assert.Positive(t, fronts)
	assert.Len(t, met, len(pairs), "a pair that never meets has a column")
}

// Sides that hold no ground on any date cost nothing: no front column, and
// the series cap counts only the sides that hold ground (a sides.csv of
// 3,000 unused sides made a series of 4.5 million pairs a day).
func TestUnusedSidesCostNoPairs(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,name,color\ngovernment,Government,#d62728\nopposition,Opposition,#2ca02c\nsdf,SDF,#ffbf00\n")
	for i := range 3000 {
		fmt.Fprintf(&b, "unused-%d,Unused %d,#123456\n", i, i)
	}
	ds, err := geo.LoadDir(testkit.SmallMapFS(t, map[string]string{"sides.csv": b.String()}), "small")
	require.NoError(t, err)
	assert.Equal(t, []int{0, 1, 2}, ds.ActiveSides())
	require.NotEmpty(t, ds.Warnings)
	assert.Contains(t, ds.Warnings[len(ds.Warnings)-1].String(), `small/sides.csv: warning: 3000 side(s) hold no ground on any date (no row of control.csv names them): "unused-0", "unused-1"`)
	shapes, err := geo.NewShapes(ds)
	require.NoError(t, err)
	pairs, err := shapes.Pairs()
	require.NoError(t, err)
	assert.Subset(t, []string{"government|opposition", "government|sdf", "opposition|sdf"}, pairs)
	assert.LessOrEqual(t, len(pairs), 3)
	series, err := shapes.Series(ds.Range())
	require.NoError(t, err)
	assert.Len(t, series, ds.Range().Days())
	assert.Greater(t, ds.MaxSeriesDays(), ds.Range().Days())
}

// A series is bounded by its values, not by a fixed number of days.
func TestSeriesCap(t *testing.T) {
	ds := testkit.Small(t)
	cols := len(ds.Sides) + 1 + 3
	assert.Equal(t, geo.MaxSeriesCells/cols, ds.MaxSeriesDays())
	r := ds.Range()
	_, err := ds.RangeArg(geo.Arg{Name: "--from", Value: r.First.String()}, geo.Arg{Name: "--to", Value: (r.First + geo.Date(ds.MaxSeriesDays()) - 1).String()})
	assert.NoError(t, err)
	_, err = ds.RangeArg(geo.Arg{Name: "--from", Value: r.First.String()}, geo.Arg{Name: "--to", Value: (r.First + geo.Date(ds.MaxSeriesDays())).String()})
	require.Error(t, err)
	assert.Equal(t, geo.KindInvalid, geo.KindOf(err))
	assert.Contains(t, err.Error(), "--from and --to")
	_, err = ds.RangeArg(geo.Arg{Name: "from", Value: "2016-12-01"}, geo.Arg{Name: "to", Value: "2016-11-20"})
	assert.EqualError(t, err, "from (2016-12-01) is after to (2016-11-20)")
	_, err = ds.RangeArg(geo.Arg{Name: `parameter "from"`, Value: "2016-13-01"}, geo.Arg{})
	assert.ErrorContains(t, err, `parameter "from": date "2016-13-01": there is no month 13`)
	_, err = ds.RangeArg(geo.Arg{Name: "from", Value: "2016-11-01"}, geo.Arg{})
	assert.Equal(t, geo.KindOutOfRange, geo.KindOf(err))
	got, err := ds.RangeArg(geo.Arg{}, geo.Arg{})
	require.NoError(t, err)
	assert.Equal(t, r, got)
}

// The change summary's front lengths are the series' on its two dates,
// for every pair of sides that meets on some date.
func TestChangeSummaryFronts(t *testing.T) {
	ds := synthDataset(t, geo.SynthOptions{NX: 12, NY: 10, Dates: 15, Hex: true, Pace: 1, Seed: 2})
	shapes, err := geo.NewShapes(ds)
	require.NoError(t, err)
	r := ds.Range()
	series, err := shapes.Series(geo.Range{First: r.First, Last: r.Last + 1})
	require.NoError(t, err)
	pairs, err := shapes.Pairs()
	require.NoError(t, err)
	require.NotEmpty(t, pairs)
	for _, d := range [][2]int{{0, 14}, {3, 7}, {9, 2}, {5, 5}, {14, 15}} {
		from, to := series[d[0]], series[d[1]]
		sum, err := shapes.ChangeSummary(from.Date, to.Date)
		require.NoError(t, err)
		plain := ds.ChangeSummary(from.Date, to.Date)
		assert.Equal(t, plain.Sides, sum.Sides)
		assert.Equal(t, plain.MovedKm2, sum.MovedKm2)
		require.Len(t, sum.Frontlines, len(pairs))
		for _, p := range pairs {
			f := sum.Frontlines[p]
			assert.Equal(t, from.FrontlinesKm[p], f.FromKm, "%v %s", d, p)
			assert.Equal(t, to.FrontlinesKm[p], f.ToKm, "%v %s", d, p)
			assert.Equal(t, f.ToKm-f.FromKm, f.ChangeKm, "%v %s", d, p)
		}
	}
	_, err = shapes.ChangeSummary(r.First-1, r.Last)
	assert.Equal(t, geo.KindOutOfRange, geo.KindOf(err))
}
