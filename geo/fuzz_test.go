package geo_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/internal/testkit"
)

// The parsers must never panic, and must never hand back a row that
// breaks the invariants they promise.
func FuzzReadControl(f *testing.F) {
	f.Add(header + "2016-11-15,a,government,1,[1],\n")
	f.Add(header + "2016-11-15,a,government,0.5,[1][2],\"note, with comma\"\n2016-11-15,a,opposition,0.5,,x\n")
	f.Add("date,district\n\"unterminated\n")
	f.Add("")
	f.Add("\ufeff" + header + "2016-02-30,a,government,0x1p-1,[1],S\xe9DF\n9999-12-31,b,opposition,5e-324,,<b>x</b>\n")
	f.Add(header + "2016-11-15,a,government,0.5,[1],\n2016-11-15,a,government,0.5,[1],\n2016-11-15,a,opposition,0.7,[1],\x00\n")
	f.Fuzz(func(t *testing.T, s string) {
		rows, problems := geo.ReadControl(strings.NewReader(s), "control.csv", []string{"a", "b"}, []string{"government", "opposition"})
		first, _ := geo.ParseDate("1800-01-01")
		last, _ := geo.ParseDate("2099-12-31")
		seen := map[string]bool{}
		for _, r := range rows {
			if !(r.Share > 0 && r.Share <= 1) {
				t.Fatalf("row with share %v accepted", r.Share)
			}
			if r.District != "a" && r.District != "b" {
				t.Fatalf("row with unknown district %q accepted", r.District)
			}
			if r.Date < first || r.Date > last {
				t.Fatalf("row dated %s accepted", r.Date)
			}
			if !utf8.ValidString(r.Note) || r.Line < 2 {
				t.Fatalf("row %+v accepted", r)
			}
			k := r.Date.String() + r.District + r.Side
			if seen[k] {
				t.Fatalf("duplicate row %+v accepted", r)
			}
			seen[k] = true
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
	f.Add("\ufeffid,name,color\ngov,Gov\xe9rnment,#d62728\nopp,<b>x</b>,#fff\n")
	f.Fuzz(func(t *testing.T, s string) {
		sides, _ := geo.ReadSides(strings.NewReader(s), "sides.csv")
		for _, sd := range sides {
			if sd.ID == geo.Contested || sd.ID == geo.Unassigned || sd.ID == "" || !utf8.ValidString(sd.Name) {
				t.Fatalf("side %+v accepted", sd)
			}
		}
	})
}

func FuzzReadDistricts(f *testing.F) {
	f.Add(collection(square("a", 37.1, 36.2), square("b", 37.11, 36.2)))
	f.Add(`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:32637"}},"features":[` + squareFeature("u", 330000, 4008000, 331000, 4009000) + `]}`)
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","id":1,"geometry":{"type":"MultiPolygon","coordinates":[]}}]}`)
	f.Add("\ufeff" + collection(feature(`12345678901234567890123`, `{"name":"S\xe9DF"}`, ring)))
	f.Add(`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:32637"}},"features":[` + square("ll", 37.1, 36.2) + `]}`)
	f.Add(collection(feature(`"lat"`, `{}`, `[[37.1,36.2],[37.11,95],[37.11,1e308],[37.1,36.2]]`), square("a", 37.1, 36.2), square("a", 37.3, 36.2)))
	f.Add(collection(feature(`"<img src=x>"`, `{"name":"a\u0000b"}`, ring)))
	f.Fuzz(func(t *testing.T, s string) {
		ds, problems := geo.ReadDistricts([]byte(s), "d.geojson", geo.DistrictOptions{})
		hasErr := false
		for _, p := range problems {
			hasErr = hasErr || p.Severity == geo.SeverityError
		}
		if hasErr {
			return
		}
		ids := map[string]bool{}
		for _, d := range ds {
			if d.ID == "" || d.AreaKm2 < 0 || !utf8.ValidString(d.ID) || strings.ContainsAny(d.ID, "\x00<>\"") || ids[d.ID] {
				t.Fatalf("district %q with area %v accepted", d.ID, d.AreaKm2)
			}
			ids[d.ID] = true
		}
	})
}

func FuzzParseDate(f *testing.F) {
	f.Add("2016-12-06")
	f.Add("2016-02-30")
	f.Add("2016-02-29")
	f.Add("0000-13-00")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := geo.ParseDate(s)
		if err == nil && d.String() != s {
			t.Fatalf("ParseDate(%q) = %s", s, d)
		}
		if err != nil && geo.KindOf(err) != geo.KindInvalid {
			t.Fatalf("ParseDate(%q): error of kind %v", s, geo.KindOf(err))
		}
	})
}

// FuzzLoadMeta fuzzes dataset.json within an otherwise valid dataset.
func FuzzLoadMeta(f *testing.F) {
	f.Add(`{"title":"x","gap_width_m":2}`)
	f.Add("\ufeff{\"title\":\"<script>\"}")
	f.Add("{\"title\":\"S\xe9DF\"}")
	f.Add(`{"titel":1}`)
	f.Fuzz(func(t *testing.T, s string) {
		ds, err := geo.LoadDir(testkit.SmallMapFS(t, map[string]string{geo.MetaFile: s}), "small")
		if err != nil {
			return
		}
		if ds.Meta.Title == "" || !utf8.ValidString(ds.Meta.Title) || ds.Meta.GapWidthM < 0 || ds.Meta.GapWidthM > 1000 {
			t.Fatalf("meta %+v accepted", ds.Meta)
		}
	})
}
