package encode_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/encode"
	"github.com/frontline/frontline/internal/testkit"
)

// The regions CSV is geo.Regions day by day, one row per group and side
// (unassigned last), groups sorted; a group named like a formula is
// neutralised as every cell is.
func TestRegionsCSV(t *testing.T) {
	districts := strings.Replace(string(testkit.ReadSmall(t, "districts.geojson")), `"name": "North East"`, `"name": "North East", "name_ar": "=1+1"`, 1)
	ds, err := geo.LoadDir(testkit.SmallMapFS(t, map[string]string{"districts.geojson": districts}), "small")
	require.NoError(t, err)
	regions, err := geo.NewRegions(ds, "name_ar")
	require.NoError(t, err)
	rg := geo.Range{First: ds.Range().First, Last: ds.Range().First + 13}
	var buf bytes.Buffer
	require.NoError(t, encode.RegionsCSV(&buf, ds, regions, rg))
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	require.Equal(t, encode.RegionsHeader, rows[0])
	groups := regions.Groups()
	require.Equal(t, []string{"", "=1+1", "الشمال الغربي"}, groups)
	require.Len(t, rows, 1+rg.Days()*len(groups)*(len(ds.Sides)+1))
	k := 1
	for day := rg.First; day <= rg.Last; day++ {
		st, err := regions.On(day)
		require.NoError(t, err)
		for _, g := range st.Groups {
			for _, side := range append(ds.Sides, geo.Side{ID: geo.Unassigned}) {
				row := rows[k]
				k++
				assert.Equal(t, day.String(), row[0])
				assert.Equal(t, encode.SafeCell(g.Group), row[1])
				assert.Equal(t, side.ID, row[2])
				want := g.UnassignedKm2
				if side.ID != geo.Unassigned {
					want = g.Sides[side.ID].Km2
				}
				assert.InDelta(t, want, float64(micro(t, row[3]))/1e6, 5e-7, "%s %q %s", day, g.Group, side.ID)
			}
		}
	}
	assert.Equal(t, "'=1+1", rows[1+len(ds.Sides)+1][1])
	assert.Equal(t, `"Date","String","String","Real","Real"`+"\n", string(encode.RegionsCSVT()))
}

// The gains CSV is geo.Dataset.Gains, one row per period and side; a net
// that rounds to zero is written 0.000000, never -0.000000.
func TestGainsCSV(t *testing.T) {
	ds := testkit.Small(t)
	g, err := ds.Gains(ds.Range(), geo.EveryWeek)
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, encode.GainsCSV(&buf, ds, g))
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	require.Equal(t, encode.GainsHeader, rows[0])
	require.Len(t, rows, 1+len(g.Periods)*len(ds.Sides))
	k := 1
	for _, p := range g.Periods {
		for _, side := range ds.Sides {
			row := rows[k]
			k++
			c := p.Sides[side.ID]
			assert.Equal(t, []string{p.Period, side.ID}, row[:2])
			for i, v := range []float64{c.GainedKm2, c.LostKm2, c.NetKm2} {
				assert.InDelta(t, v, float64(micro(t, strings.TrimPrefix(row[2+i], "-")))/1e6*sign(row[2+i]), 5e-7, "%s %s column %d", p.Period, side.ID, i)
				assert.NotEqual(t, "-0.000000", row[2+i])
			}
			assert.Equal(t, []string{map[bool]string{true: "true", false: "false"}[p.Partial], p.From.String(), p.To.String()}, row[5:])
		}
	}
	assert.Equal(t, "2016-W46", rows[1][0])
	assert.Equal(t, "true", rows[1][5], "the dataset begins inside the week")
	assert.Equal(t, 8, strings.Count(string(encode.GainsCSVT()), `"`)/2)
}

func sign(s string) float64 {
	if strings.HasPrefix(s, "-") {
		return -1
	}
	return 1
}
