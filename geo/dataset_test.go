package geo_test

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/internal/testkit"
)

// Areas of the small dataset's districts, from GeographicLib's Planimeter
// (geographiclib-tools 2.1.2, `Planimeter -p 12`, lat lon per line):
//
//	36.21 37.10 / 36.21 37.11 / 36.22 37.11 / 36.22 37.10 → 997760.53409 m²
//	36.20 37.10 / 36.20 37.11 / 36.21 37.11 / 36.21 37.10 → 997885.81350 m²
//	36.20 37.12 / 36.20 37.13 / 36.21 37.13 / 36.21 37.12 → 997885.81350 m²
//	36.204 37.114 / 36.204 37.116 / 36.206 37.116 / 36.206 37.114 → 39915.43259 m²
const (
	northKm2 = 0.99776053409
	southKm2 = 0.99788581350
	holeKm2  = 0.03991543259
)

func date(t *testing.T, s string) geo.Date {
	t.Helper()
	d, err := geo.ParseDate(s)
	require.NoError(t, err)
	return d
}

func assertRel(t *testing.T, want, got float64, msgAndArgs ...any) {
	t.Helper()
	if want == 0 {
		assert.InDelta(t, 0, got, 1e-12, msgAndArgs...)
		return
	}
	assert.LessOrEqual(t, math.Abs(got-want)/math.Abs(want), 1e-9, append([]any{"want %.12g got %.12g", want, got}, msgAndArgs...)...)
}

func TestDistrictAreasMatchPlanimeter(t *testing.T) {
	ds := testkit.Small(t)
	want := map[string]float64{
		"north-west": northKm2,
		"north-east": northKm2,
		"south-west": southKm2,
		"south-east": southKm2 - holeKm2,
		"islands":    southKm2 + holeKm2,
	}
	require.Len(t, ds.Districts, len(want))
	for _, d := range ds.Districts {
		assertRel(t, want[d.ID], d.AreaKm2, d.ID)
	}
	assertRel(t, 2*northKm2+3*southKm2, ds.TotalKm2())
	assert.Empty(t, ds.Warnings)
}

func TestWindingIsRFC7946(t *testing.T) {
	ds := testkit.Small(t)
	check := func(id string, p orb.Polygon) {
		for i, r := range p {
			want := orb.CCW
			if i > 0 {
				want = orb.CW
			}
			assert.Equal(t, want, r.Orientation(), "%s ring %d", id, i)
		}
	}
	for _, d := range ds.Districts {
		switch g := d.Geometry.(type) {
		case orb.Polygon:
			check(d.ID, g)
		case orb.MultiPolygon:
			for _, p := range g {
				check(d.ID, p)
			}
		default:
			t.Fatalf("%s: geometry %T", d.ID, g)
		}
	}
}

func TestStateAndController(t *testing.T) {
	ds := testkit.Small(t)
	ne, err := ds.DistrictIndex("north-east")
	require.NoError(t, err)
	se, err := ds.DistrictIndex("south-east")
	require.NoError(t, err)
	tests := []struct {
		district int
		date     string
		want     string
		since    string
	}{
		{ne, "2016-11-15", "opposition", "2016-11-15"},
		{ne, "2016-11-19", "opposition", "2016-11-15"},
		{ne, "2016-11-20", "government", "2016-11-20"},
		{ne, "2016-12-01", "opposition", "2016-12-01"},
		{ne, "2017-06-01", "government", "2016-12-22"},
		{se, "2016-11-28", geo.Contested, "2016-11-28"},
	}
	for _, tt := range tests {
		s := ds.StateOn(tt.district, date(t, tt.date))
		assert.Equal(t, tt.want, ds.Controller(s), "%s on %s", ds.Districts[tt.district].ID, tt.date)
		require.NotNil(t, s.Change)
		assert.Equal(t, tt.since, s.Change.Date.String())
	}
	assert.Equal(t, geo.Unassigned, ds.Controller(ds.StateOn(ne, date(t, "2016-11-01"))))
	assert.Equal(t, []string{"[2]", "[3]"}, ds.StateOn(ne, date(t, "2016-11-20")).Change.Sources)
}

func TestStats(t *testing.T) {
	ds := testkit.Small(t)
	tests := []struct {
		date                string
		gov, opp, sdf, none float64
	}{
		{"2016-11-15", northKm2 + southKm2, northKm2 + southKm2 - holeKm2, southKm2 + holeKm2, 0},
		{"2016-11-20", northKm2 + southKm2 + 0.75*northKm2, 0.25*northKm2 + southKm2 - holeKm2, southKm2 + holeKm2, 0},
		{"2016-11-28", 1.75*northKm2 + southKm2 + 0.5*(southKm2-holeKm2), 0.25*northKm2 + 0.5*(southKm2-holeKm2), southKm2 + holeKm2, 0},
		{"2016-12-22", 2*northKm2 + 2*southKm2 - holeKm2, 0, southKm2 + holeKm2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			st, err := ds.Stats(date(t, tt.date))
			require.NoError(t, err)
			assertRel(t, tt.gov, st.Sides["government"].Km2)
			assertRel(t, tt.opp, st.Sides["opposition"].Km2)
			assertRel(t, tt.sdf, st.Sides["sdf"].Km2)
			assertRel(t, tt.none, st.UnassignedKm2)
			assertRel(t, tt.gov/ds.TotalKm2(), st.Sides["government"].Share)
		})
	}
	_, err := ds.Stats(date(t, "2016-11-14"))
	require.Error(t, err)
	assert.Equal(t, geo.KindOutOfRange, geo.KindOf(err))
	assert.Contains(t, err.Error(), "2016-11-15 to 2016-12-22")
}

func TestBaseline(t *testing.T) {
	ds := testkit.Small(t)
	b, err := ds.Baseline(date(t, "2016-11-28"), date(t, "2016-11-15"), "opposition")
	require.NoError(t, err)
	held := northKm2 + southKm2 - holeKm2
	assertRel(t, held, b.Km2)
	assertRel(t, 0.75*northKm2+0.5*(southKm2-holeKm2), b.Held["government"].Km2)
	assertRel(t, (0.75*northKm2+0.5*(southKm2-holeKm2))/held, b.Held["government"].Share)
	_, err = ds.Baseline(date(t, "2016-11-28"), date(t, "2016-11-15"), "rebels")
	assert.Equal(t, geo.KindInvalid, geo.KindOf(err))
}

// TestBaselineSplitDistricts: within a district only the change in
// shares changes hands, so a split district that stays split moves
// nothing, and the baseline date itself gives every other side 0.
func TestBaselineSplitDistricts(t *testing.T) {
	ds := testkit.Small(t)
	ne, se := northKm2, southKm2-holeKm2
	tests := []struct {
		name, date, base, of string
		held                 map[string]float64 // km² per side; the rest 0
	}{
		{"the baseline date itself, north-east split 0.75/0.25", "2016-11-20", "2016-11-20", "opposition",
			map[string]float64{"opposition": 0.25*ne + se}},
		{"the government's split ground on its own date", "2016-11-20", "2016-11-20", "government",
			map[string]float64{"government": northKm2 + southKm2 + 0.75*ne}},
		{"a split district that does not change moves nothing", "2016-11-21", "2016-11-20", "opposition",
			map[string]float64{"opposition": 0.25*ne + se}},
		{"the opposition's quarter of north-east grows back to the whole: it kept its quarter", "2016-12-01", "2016-11-20", "opposition",
			map[string]float64{"opposition": 0.25*ne + 0.5*se, "government": 0.5 * se}},
		{"half of south-east lost, the government gained it", "2016-11-28", "2016-11-20", "opposition",
			map[string]float64{"opposition": 0.25*ne + 0.5*se, "government": 0.5 * se}},
		{"the government lost 0.75 of north-east to the opposition", "2016-12-01", "2016-11-20", "government",
			map[string]float64{"government": northKm2 + southKm2, "opposition": 0.75 * ne}},
		{"everything the opposition held went to the government", "2016-12-22", "2016-11-28", "opposition",
			map[string]float64{"government": 0.25*ne + 0.5*se}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := ds.Baseline(date(t, tt.date), date(t, tt.base), tt.of)
			require.NoError(t, err)
			var total float64
			for _, v := range tt.held {
				total += v
			}
			assertRel(t, total, b.Km2)
			for _, side := range ds.Sides {
				want := tt.held[side.ID]
				if want == 0 {
					assert.Zero(t, b.Held[side.ID].Km2, side.ID)
					continue
				}
				assertRel(t, want, b.Held[side.ID].Km2, side.ID)
				assertRel(t, want/total, b.Held[side.ID].Share, side.ID)
			}
			assert.Zero(t, b.UnassignedKm2)
		})
	}
}

func TestSeries(t *testing.T) {
	ds := testkit.Small(t)
	shapes, err := geo.NewShapes(ds)
	require.NoError(t, err)
	s, err := shapes.Series(geo.Range{First: date(t, "2016-11-15"), Last: date(t, "2016-12-22")})
	require.NoError(t, err)
	require.Len(t, s, 38)
	for _, st := range s {
		var sum float64
		for _, a := range st.Sides {
			sum += a.Km2
		}
		assertRel(t, ds.TotalKm2(), sum+st.UnassignedKm2, st.Date.String())
	}
	_, err = shapes.Series(geo.Range{First: date(t, "2016-12-01"), Last: date(t, "2016-11-01")})
	assert.Equal(t, geo.KindInvalid, geo.KindOf(err))
}

func TestMetaAndRange(t *testing.T) {
	ds := testkit.Small(t)
	assert.Equal(t, "Small test dataset", ds.Meta.Title)
	assert.Equal(t, "2016-11-15 to 2016-12-22", ds.Range().String())
	var dates []string
	for _, d := range ds.ChangeDates() {
		dates = append(dates, d.String())
	}
	assert.Equal(t, []string{"2016-11-15", "2016-11-20", "2016-11-28", "2016-12-01", "2016-12-22"}, dates)
	assert.Len(t, ds.Version, 16)
	_, err := ds.DistrictIndex("north-eats")
	assert.EqualError(t, err, `no district "north-eats": did you mean "north-east"?`)
}

func TestParseDate(t *testing.T) {
	for _, s := range []string{"2016-12-6", "06/12/2016", "2016-13-01", "", "2016-12-06T00:00:00Z"} {
		_, err := geo.ParseDate(s)
		assert.Error(t, err, s)
		assert.Equal(t, geo.KindInvalid, geo.KindOf(err))
	}
	d := date(t, "2016-12-06")
	assert.Equal(t, "2016-12-07", d.AddDays(1).String())
}

// A row for side "unassigned" clears a district from its date on: no side
// holds it, and its ground counts as unassigned; it stands alone, whole.
func TestUnassignedRow(t *testing.T) {
	fsys := testkit.SmallMapFS(t, map[string]string{geo.ControlFile: header +
		"2016-11-15,north-west,government,1,[1],\n" +
		"2016-11-20,north-west,unassigned,1,[2],the map no longer covers it\n"})
	ds, err := geo.LoadDir(fsys, "small")
	require.NoError(t, err)
	st, err := ds.Stats(date(t, "2016-11-19"))
	require.NoError(t, err)
	assertRel(t, northKm2, st.Sides["government"].Km2)
	st, err = ds.Stats(date(t, "2016-11-20"))
	require.NoError(t, err)
	assert.Zero(t, st.Sides["government"].Km2)
	assertRel(t, ds.TotalKm2(), st.UnassignedKm2)
	i, err := ds.DistrictIndex("north-west")
	require.NoError(t, err)
	assert.Equal(t, geo.Unassigned, ds.Controller(ds.StateOn(i, date(t, "2016-11-21"))))

	for name, tt := range map[string]struct{ rows, want string }{
		"a share of it":  {"2016-11-15,north-west,unassigned,0.5,[1],\n", `a row for "unassigned" clears the district whole: give share 1`},
		"beside a side":  {"2016-11-15,north-west,unassigned,1,[1],\n2016-11-15,north-west,government,0.5,[1],\n", `a row for "unassigned" stands alone`},
		"an unknown one": {"2016-11-15,north-west,nobody,1,[1],\n", `unknown side "nobody"`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := geo.LoadDir(testkit.SmallMapFS(t, map[string]string{geo.ControlFile: header + tt.rows}), "small")
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// A dataset updated daily that did not move for some days says so with
// through: its range runs to that day, and every day to it has the last
// state; through before the last row is an error.
func TestThrough(t *testing.T) {
	meta := `{"title":"Small test dataset","through":"2016-12-31"}`
	ds, err := geo.LoadDir(testkit.SmallMapFS(t, map[string]string{geo.MetaFile: meta}), "small")
	require.NoError(t, err)
	assert.Equal(t, "2016-11-15 to 2016-12-31", ds.Range().String())
	assert.Equal(t, "2016-12-22", ds.ChangeDates()[len(ds.ChangeDates())-1].String())
	last, err := ds.Stats(date(t, "2016-12-22"))
	require.NoError(t, err)
	st, err := ds.Stats(date(t, "2016-12-31"))
	require.NoError(t, err)
	assert.Equal(t, last.Sides, st.Sides)

	_, err = geo.LoadDir(testkit.SmallMapFS(t, map[string]string{geo.MetaFile: `{"title":"x","through":"2016-12-01"}`}), "small")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "through 2016-12-01 is before the control table's last date 2016-12-22")
}
