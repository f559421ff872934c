package geo_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/data"
	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/internal/testkit"
)

// gainsData: four districts, all blue from Wednesday 2024-01-10; red takes
// d0 on 01-15, d1 on 01-20 and loses it on 01-25 (within January), half of
// d2 on 02-03, loses d0 on 02-28 and takes d3 on 03-05, the last date.
func gainsData(t *testing.T) *geo.Dataset {
	return handMade(t, []string{`{}`, `{}`, `{}`, `{}`}, `2024-01-10,d0,blue,1,,
2024-01-10,d1,blue,1,,
2024-01-10,d2,blue,1,,
2024-01-10,d3,blue,1,,
2024-01-15,d0,red,1,,
2024-01-20,d1,red,1,,
2024-01-25,d1,blue,1,,
2024-02-03,d2,red,0.5,,
2024-02-03,d2,blue,0.5,,
2024-02-28,d0,blue,1,,
2024-03-05,d3,red,1,,
`)
}

// What the press prints: each month's map against the last month's.
func TestGainsKnownMonths(t *testing.T) {
	ds := gainsData(t)
	a := func(i int) float64 { return ds.Districts[i].AreaKm2 }
	type change struct{ gained, lost float64 }
	type want struct {
		period, from, to string
		partial          bool
		red, blue        change
	}
	check := func(t *testing.T, got geo.Gains, wants []want) {
		t.Helper()
		require.Len(t, got.Periods, len(wants))
		for k, w := range wants {
			p := got.Periods[k]
			assert.Equal(t, w.period, p.Period)
			assert.Equal(t, w.from, p.From.String(), w.period)
			assert.Equal(t, w.to, p.To.String(), w.period)
			assert.Equal(t, w.partial, p.Partial, w.period)
			for side, c := range map[string]change{"red": w.red, "blue": w.blue} {
				g := p.Sides[side]
				assert.InDelta(t, c.gained, g.GainedKm2, 1e-12, "%s %s gained", w.period, side)
				assert.InDelta(t, c.lost, g.LostKm2, 1e-12, "%s %s lost", w.period, side)
				assert.InDelta(t, c.gained-c.lost, g.NetKm2, 1e-12, "%s %s net", w.period, side)
			}
		}
	}

	months, err := ds.Gains(ds.Range(), geo.EveryMonth)
	require.NoError(t, err)
	assert.Equal(t, geo.EveryMonth, months.Every)
	check(t, months, []want{
		// d1 was taken and lost again within January: 0.
		{"2024-01", "2024-01-10", "2024-01-31", true, change{a(0), 0}, change{0, a(0)}},
		{"2024-02", "2024-01-31", "2024-02-29", false, change{a(2) / 2, a(0)}, change{a(0), a(2) / 2}},
		{"2024-03", "2024-02-29", "2024-03-05", true, change{a(3), 0}, change{0, a(3)}},
	})

	// Summed day by day, the same ground is the gross: d1 counts twice.
	daysOf, err := ds.Gains(geo.Range{First: date(t, "2024-01-10"), Last: date(t, "2024-01-31")}, geo.EveryDay)
	require.NoError(t, err)
	require.Len(t, daysOf.Periods, 22)
	var gained, lost, net float64
	for _, p := range daysOf.Periods {
		gained += p.Sides["red"].GainedKm2
		lost += p.Sides["red"].LostKm2
		net += p.Sides["red"].NetKm2
	}
	assert.InDelta(t, a(0)+a(1), gained, 1e-12)
	assert.InDelta(t, a(1), lost, 1e-12)
	assert.InDelta(t, months.Periods[0].Sides["red"].NetKm2, net, 1e-12)
	assert.Equal(t, "2024-01-10", daysOf.Periods[0].Period)
	assert.True(t, daysOf.Periods[0].Partial, "the first date has nothing before it")
	assert.False(t, daysOf.Periods[1].Partial)

	// Weeks run Monday to Sunday: 01-10 is a Wednesday of week 2.
	weeks, err := ds.Gains(geo.Range{First: date(t, "2024-01-10"), Last: date(t, "2024-01-28")}, geo.EveryWeek)
	require.NoError(t, err)
	check(t, weeks, []want{
		{"2024-W02", "2024-01-10", "2024-01-14", true, change{}, change{}},
		{"2024-W03", "2024-01-14", "2024-01-21", false, change{a(0) + a(1), 0}, change{0, a(0) + a(1)}},
		{"2024-W04", "2024-01-21", "2024-01-28", false, change{0, a(1)}, change{a(1), 0}},
	})

	// A range that begins inside a month compares with the day before it.
	feb, err := ds.Gains(geo.Range{First: date(t, "2024-02-10"), Last: date(t, "2024-03-31")}, geo.EveryMonth)
	require.NoError(t, err)
	check(t, feb, []want{
		{"2024-02", "2024-02-09", "2024-02-29", true, change{0, a(0)}, change{a(0), 0}},
		{"2024-03", "2024-02-29", "2024-03-31", false, change{a(3), 0}, change{0, a(3)}},
	})
}

// A period's net is the difference of the daily series at its two ends,
// exactly; the periods chain end to end; and each period is the change
// summary of its two ends, whose districts it finds from the rows alone.
func TestGainsAreTheSeriesDifferences(t *testing.T) {
	aleppo, err := geo.LoadDir(data.Default(), data.DefaultName)
	require.NoError(t, err)
	for name, ds := range map[string]*geo.Dataset{
		"hand":   gainsData(t),
		"small":  testkit.Small(t),
		"aleppo": aleppo,
		"synth":  synthDataset(t, geo.SynthOptions{NX: 12, NY: 9, Dates: 50, Hex: true, Pace: 0.5, Seed: 4}),
	} {
		for _, every := range []geo.Every{geo.EveryMonth, geo.EveryWeek, geo.EveryDay} {
			t.Run(name+"/"+string(every), func(t *testing.T) {
				rg := ds.Range()
				for _, r := range []geo.Range{rg, {First: rg.First + 3, Last: rg.Last + 10}} {
					g, err := ds.Gains(r, every)
					require.NoError(t, err)
					require.NotEmpty(t, g.Periods)
					assert.Equal(t, max(r.First-1, rg.First), g.Periods[0].From)
					assert.Equal(t, r.Last, g.Periods[len(g.Periods)-1].To)
					for k, p := range g.Periods {
						if k > 0 {
							assert.Equal(t, g.Periods[k-1].To, p.From, "the periods chain")
						}
						assert.Equal(t, every.PeriodOf(p.To).Label, p.Period)
						was, err := ds.Stats(p.From)
						require.NoError(t, err)
						now, err := ds.Stats(p.To)
						require.NoError(t, err)
						for _, side := range ds.Sides {
							c := p.Sides[side.ID]
							require.Equal(t, now.Sides[side.ID].Km2-was.Sides[side.ID].Km2, c.NetKm2, "%s %s", p.Period, side.ID)
							relClose(t, c.NetKm2, c.GainedKm2-c.LostKm2, 1e-9, "%s %s", p.Period, side.ID)
						}
						assert.Equal(t, ds.ChangeSummary(p.From, p.To), p.ChangeSummary, p.Period)
					}
				}
			})
		}
	}
}

func TestPeriodOf(t *testing.T) {
	for _, tt := range []struct {
		every              geo.Every
		day                string
		label, first, last string
	}{
		{geo.EveryMonth, "2024-02-15", "2024-02", "2024-02-01", "2024-02-29"},
		{geo.EveryMonth, "2023-12-31", "2023-12", "2023-12-01", "2023-12-31"},
		{geo.EveryWeek, "2024-01-10", "2024-W02", "2024-01-08", "2024-01-14"},
		{geo.EveryWeek, "2024-01-14", "2024-W02", "2024-01-08", "2024-01-14"},
		{geo.EveryWeek, "2024-12-30", "2025-W01", "2024-12-30", "2025-01-05"},
		{geo.EveryWeek, "2021-01-03", "2020-W53", "2020-12-28", "2021-01-03"},
		{geo.EveryWeek, "1969-12-29", "1970-W01", "1969-12-29", "1970-01-04"},
		{geo.EveryDay, "2024-11-05", "2024-11-05", "2024-11-05", "2024-11-05"},
	} {
		p := tt.every.PeriodOf(date(t, tt.day))
		assert.Equal(t, tt.label, p.Label, tt.day)
		assert.Equal(t, tt.first, p.First.String(), tt.day)
		assert.Equal(t, tt.last, p.Last.String(), tt.day)
	}
	for _, v := range []string{"", "months", "Month", "year"} {
		_, err := geo.ParseEvery("--every", v)
		require.Error(t, err, v)
		assert.Equal(t, geo.KindInvalid, geo.KindOf(err))
		assert.Contains(t, err.Error(), "use month, week or day")
	}
	ds := gainsData(t)
	_, err := ds.Gains(geo.Range{First: date(t, "2024-01-01"), Last: date(t, "2024-02-01")}, geo.EveryMonth)
	assert.Equal(t, geo.KindOutOfRange, geo.KindOf(err))
	_, err = ds.Gains(ds.Range(), geo.Every("year"))
	assert.Equal(t, geo.KindInvalid, geo.KindOf(err))
}
