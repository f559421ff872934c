package geo_test

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/data"
	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/internal/testkit"
)

// handMade loads a dataset of separate squares of 0.05° (district i at
// longitude 30 + i/10), with the properties given per district, the sides
// red and blue, and control.csv's rows after its header.
func handMade(t *testing.T, props []string, rows string) *geo.Dataset {
	t.Helper()
	var fs []string
	for i, p := range props {
		x := 30 + float64(i)/10
		coords := fmt.Sprintf("[[%g,50],[%g,50],[%g,50.05],[%g,50.05],[%g,50]]", x, x+0.05, x+0.05, x, x)
		fs = append(fs, feature(fmt.Sprintf(`"d%d"`, i), p, coords))
	}
	ds, err := geo.LoadDir(fstest.MapFS{
		"districts.geojson": {Data: []byte(collection(fs...))},
		"sides.csv":         {Data: []byte("id,name,color\nred,Red,#d62728\nblue,Blue,#1f77b4\n")},
		"control.csv":       {Data: []byte(header + rows)},
	}, "hand")
	require.NoError(t, err)
	return ds
}

// regionsData: six districts in oblasts a, a, b, b, none and null, with
// partial shares and ground no side holds.
func regionsData(t *testing.T) *geo.Dataset {
	return handMade(t, []string{
		`{"oblast":"a","pop":1,"tags":["x"]}`,
		`{"oblast":"a","pop":1.5,"capital":true}`,
		`{"oblast":"b","pop":1}`,
		`{"oblast":"b","pop":2}`,
		`{"pop":2}`,
		`{"oblast":null,"pop":null}`,
	}, `2024-01-01,d0,red,1,,
2024-01-01,d1,red,0.5,,
2024-01-01,d1,blue,0.5,,
2024-01-01,d2,blue,1,,
2024-01-01,d4,blue,0.25,,
2024-01-05,d1,red,1,,
2024-01-05,d3,red,1,,
2024-01-09,d5,blue,1,,
2024-01-09,d0,blue,1,,
`)
}

// Each group holds what its districts hold, in the group's order of the
// dataset, and the districts without the property (or with null) form
// the group "".
func TestRegionsKnownAreas(t *testing.T) {
	ds := regionsData(t)
	a := make([]float64, len(ds.Districts))
	for i, d := range ds.Districts {
		a[i] = d.AreaKm2
	}
	r, err := geo.NewRegions(ds, "oblast")
	require.NoError(t, err)
	assert.Equal(t, []string{"", "a", "b"}, r.Groups())
	type want struct{ red, blue, unassigned, total float64 }
	tests := []struct {
		date string
		want map[string]want
	}{
		{"2024-01-01", map[string]want{
			"":  {0, 0.25 * a[4], 0.75*a[4] + a[5], a[4] + a[5]},
			"a": {a[0] + 0.5*a[1], 0.5 * a[1], 0, a[0] + a[1]},
			"b": {0, a[2], a[3], a[2] + a[3]},
		}},
		{"2024-01-06", map[string]want{
			"":  {0, 0.25 * a[4], 0.75*a[4] + a[5], a[4] + a[5]},
			"a": {a[0] + a[1], 0, 0, a[0] + a[1]},
			"b": {a[3], a[2], 0, a[2] + a[3]},
		}},
		{"2024-02-01", map[string]want{
			"":  {0, 0.25*a[4] + a[5], 0.75 * a[4], a[4] + a[5]},
			"a": {a[1], a[0], 0, a[0] + a[1]},
			"b": {a[3], a[2], 0, a[2] + a[3]},
		}},
	}
	for _, tt := range tests {
		st, err := r.On(date(t, tt.date))
		require.NoError(t, err)
		assert.Equal(t, "oblast", st.By)
		require.Len(t, st.Groups, 3)
		for _, g := range st.Groups {
			w := tt.want[g.Group]
			assert.InEpsilon(t, w.total, g.TotalKm2, 1e-12, "%s %q total", tt.date, g.Group)
			for side, km2 := range map[string]float64{"red": w.red, "blue": w.blue} {
				got := g.Sides[side]
				assert.InDelta(t, km2, got.Km2, 1e-12, "%s %q %s", tt.date, g.Group, side)
				assert.InDelta(t, km2/w.total, got.Share, 1e-12, "%s %q %s share of the group", tt.date, g.Group, side)
			}
			assert.InDelta(t, w.unassigned, g.UnassignedKm2, 1e-12, "%s %q unassigned", tt.date, g.Group)
		}
	}

	// Numbers and booleans group by their JSON text; null is "".
	pop, err := geo.NewRegions(ds, "pop")
	require.NoError(t, err)
	assert.Equal(t, []string{"", "1", "1.5", "2"}, pop.Groups())
	capital, err := geo.NewRegions(ds, "capital")
	require.NoError(t, err)
	assert.Equal(t, []string{"", "true"}, capital.Groups())
}

// A property that no district has, or that holds a list, cannot group:
// the error names the properties that can.
func TestRegionsProperty(t *testing.T) {
	ds := regionsData(t)
	assert.Equal(t, []string{"capital", "oblast", "pop"}, ds.PropertyNames())
	for by, want := range map[string]string{
		"oblst":                 `no district property "oblst": did you mean "oblast"? Group by one of: capital, oblast, pop`,
		"raion":                 `no district property "raion": group by one of: capital, oblast, pop`,
		"tags":                  `cannot group by "tags": district "d0" has a list or an object there; group by one of: capital, oblast, pop`,
		strings.Repeat("x", 99): `no district property "` + strings.Repeat("x", 60) + `…"`,
	} {
		_, err := geo.NewRegions(ds, by)
		require.Error(t, err, by)
		assert.Equal(t, geo.KindInvalid, geo.KindOf(err), by)
		assert.Contains(t, err.Error(), want)
	}
	aleppo, err := geo.LoadDir(data.Default(), data.DefaultName)
	require.NoError(t, err)
	assert.NotContains(t, aleppo.PropertyNames(), "aliases", "a list on most districts")
	assert.Contains(t, aleppo.PropertyNames(), "kind")
	assert.Contains(t, aleppo.PropertyNames(), "name_ar", "missing on one district: that one goes to group \"\"")
}

// The groups' areas are sums over their districts in district order, bit
// for bit, on every day; together they make the dataset's totals to 1e-9
// relative (rounding, about 1e-15, is all that differs).
func TestRegionsSumToTotals(t *testing.T) {
	aleppo, err := geo.LoadDir(data.Default(), data.DefaultName)
	require.NoError(t, err)
	for _, tt := range []struct {
		name string
		ds   *geo.Dataset
		by   []string
	}{
		{"hand", regionsData(t), []string{"oblast", "pop", "capital"}},
		{"small", testkit.Small(t), []string{"name", "name_ar"}},
		{"aleppo", aleppo, []string{"kind", "id", "name_ar", "geometry_source"}},
		{"synth", synthDataset(t, geo.SynthOptions{NX: 12, NY: 9, Dates: 20, Hex: true, Pace: 0.5, Seed: 4}), []string{"name"}},
	} {
		for _, by := range tt.by {
			t.Run(tt.name+"/"+by, func(t *testing.T) {
				ds := tt.ds
				r, err := geo.NewRegions(ds, by)
				require.NoError(t, err)
				groups := r.Groups()
				require.True(t, slices.IsSorted(groups))
				rg := ds.Range()
				for day := rg.First; day <= rg.Last+2; day++ {
					st, err := r.On(day)
					require.NoError(t, err)
					total, err := ds.Stats(day)
					require.NoError(t, err)
					sums := map[string]float64{}
					var unassigned, ground float64
					for k, g := range st.Groups {
						require.Equal(t, groups[k], g.Group)
						// The group's own sum, straight from the states.
						want := make([]float64, len(ds.Sides))
						var wantUn, wantTotal float64
						for i, d := range ds.Districts {
							if group(d.Properties[by]) != g.Group {
								continue
							}
							wantTotal += d.AreaKm2
							rest := 1.0
							for s, v := range ds.StateOn(i, day).Shares() {
								want[s] += d.AreaKm2 * v
								rest -= v
							}
							if rest > 1e-12 {
								wantUn += d.AreaKm2 * rest
							}
						}
						for s, side := range ds.Sides {
							require.Equal(t, want[s], g.Sides[side.ID].Km2, "%s %q %s", day, g.Group, side.ID)
							sums[side.ID] += g.Sides[side.ID].Km2
						}
						require.Equal(t, wantUn, g.UnassignedKm2, "%s %q unassigned", day, g.Group)
						require.Equal(t, wantTotal, g.TotalKm2, "%q total", g.Group)
						unassigned += g.UnassignedKm2
						ground += g.TotalKm2
					}
					for _, side := range ds.Sides {
						relClose(t, total.Sides[side.ID].Km2, sums[side.ID], 1e-9, "%s %s", day, side.ID)
					}
					relClose(t, total.UnassignedKm2, unassigned, 1e-9, "%s unassigned", day)
					relClose(t, total.TotalKm2, ground, 1e-9, "%s ground", day)
				}
				_, err = r.On(rg.First - 1)
				assert.Equal(t, geo.KindOutOfRange, geo.KindOf(err))
			})
		}
	}
}

// group is the group a property value puts a district in, as the API
// documents it.
func group(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return fmt.Sprint(x)
	case bool:
		return fmt.Sprint(x)
	}
	return ""
}

// relClose asserts |got - want| ≤ rel × |want| (or ≤ rel when want is 0:
// the totals are km², so that is far below a square metre).
func relClose(t *testing.T, want, got, rel float64, msgAndArgs ...any) {
	t.Helper()
	if math.Abs(got-want) > rel*max(math.Abs(want), 1) {
		assert.Fail(t, fmt.Sprintf("want %.17g, got %.17g (relative %.3g)", want, got, math.Abs(got-want)/max(math.Abs(want), 1)), msgAndArgs...)
	}
}

// A request covers at most MaxSeriesCells values: days × groups × (sides
// + 1); a grouping whose one day exceeds it is refused.
func TestRegionsCap(t *testing.T) {
	aleppo, err := geo.LoadDir(data.Default(), data.DefaultName)
	require.NoError(t, err)
	r, err := geo.NewRegions(aleppo, "id")
	require.NoError(t, err)
	perDay := len(r.Groups()) * (len(aleppo.Sides) + 1)
	assert.Equal(t, geo.MaxSeriesCells/perDay, r.MaxDays())
	first := aleppo.Range().First
	require.NoError(t, r.CheckRange(geo.Range{First: first, Last: first + geo.Date(r.MaxDays()) - 1}, "--from", "--to"))
	err = r.CheckRange(geo.Range{First: first, Last: first + geo.Date(r.MaxDays())}, "--from", "--to")
	require.Error(t, err)
	assert.Equal(t, geo.KindInvalid, geo.KindOf(err))
	assert.Contains(t, err.Error(), `at most 1923 at once by "id"`)
	assert.Contains(t, err.Error(), "split the range with --from and --to")

	// 1,001 sides × 1,000 districts, each its own group by id.
	var sides strings.Builder
	sides.WriteString("id,name,color\n")
	for i := range 1001 {
		fmt.Fprintf(&sides, "s%d,S%d,#123456\n", i, i)
	}
	var fs, rows []string
	for i := range 1000 {
		x, y := 30+float64(i%40)/10, 50+float64(i/40)/10
		fs = append(fs, feature(fmt.Sprintf(`"d%d"`, i), fmt.Sprintf(`{"n":%d}`, i), fmt.Sprintf("[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]", x, y, x+0.05, y, x+0.05, y+0.05, x, y+0.05, x, y)))
		rows = append(rows, fmt.Sprintf("2024-01-01,d%d,s%d,1,,", i, i))
	}
	big, err := geo.LoadDir(fstest.MapFS{
		"districts.geojson": {Data: []byte(collection(fs...))},
		"sides.csv":         {Data: []byte(sides.String())},
		"control.csv":       {Data: []byte(header + strings.Join(rows, "\n") + "\n")},
	}, "big")
	require.NoError(t, err)
	_, err = geo.NewRegions(big, "n")
	require.Error(t, err)
	assert.Equal(t, geo.KindInvalid, geo.KindOf(err))
	assert.Contains(t, err.Error(), `1000 groups by "n" × 1001 sides and unassigned = 1002000 values a day, more than 1000000: group by a property with fewer values`)
}
