package geo_test

import (
	"strings"
	"testing"

	"github.com/frontline/frontline/geo"
)

// The parsers must never panic, and must never hand back a row that
// breaks the invariants they promise.
func FuzzReadControl(f *testing.F) {
	f.Add(header + "2016-11-15,a,government,1,[1],\n")
	f.Add(header + "2016-11-15,a,government,0.5,[1][2],\"note, with comma\"\n2016-11-15,a,opposition,0.5,,x\n")
	f.Add("date,district\n\"unterminated\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		rows, problems := geo.ReadControl(strings.NewReader(s), "control.csv", []string{"a", "b"}, []string{"government", "opposition"})
		for _, r := range rows {
			if !(r.Share > 0 && r.Share <= 1) {
				t.Fatalf("row with share %v accepted", r.Share)
			}
			if r.District != "a" && r.District != "b" {
				t.Fatalf("row with unknown district %q accepted", r.District)
			}
		}
		for _, p := range problems {
			if !strings.HasPrefix(p.String(), "control.csv") {
				t.Fatalf("problem does not name the file: %s", p)
			}
		}
	})
}

func FuzzReadSides(f *testing.F) {
	f.Add("id,name,color\ngovernment,Government,#d62728\n")
	f.Add("id,name,color\ncontested,x,#fff\n")
	f.Fuzz(func(t *testing.T, s string) {
		sides, _ := geo.ReadSides(strings.NewReader(s), "sides.csv")
		for _, sd := range sides {
			if sd.ID == geo.Contested || sd.ID == geo.Unassigned || sd.ID == "" {
				t.Fatalf("side id %q accepted", sd.ID)
			}
		}
	})
}

func FuzzReadDistricts(f *testing.F) {
	f.Add(collection(square("a", 37.1, 36.2), square("b", 37.11, 36.2)))
	f.Add(`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:32637"}},"features":[` + squareFeature("u", 330000, 4008000, 331000, 4009000) + `]}`)
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","id":1,"geometry":{"type":"MultiPolygon","coordinates":[]}}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		ds, problems := geo.ReadDistricts([]byte(s), "d.geojson", geo.DistrictOptions{})
		hasErr := false
		for _, p := range problems {
			hasErr = hasErr || p.Severity == geo.SeverityError
		}
		if hasErr {
			return
		}
		for _, d := range ds {
			if d.ID == "" || d.AreaKm2 < 0 {
				t.Fatalf("district %q with area %v accepted", d.ID, d.AreaKm2)
			}
		}
	})
}

func FuzzParseDate(f *testing.F) {
	f.Add("2016-12-06")
	f.Add("2016-02-30")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := geo.ParseDate(s)
		if err == nil && d.String() != s {
			t.Fatalf("ParseDate(%q) = %s", s, d)
		}
	})
}
