package thiessen

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testHeader = "id,name_en,name_ar,aliases,lon,lat,kind,coord_source\n"

func TestReadPlaces(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want []Place
	}{
		{
			name: "one row",
			in:   testHeader + "aajam,al-A'ajam,الأعجام,Al Aajam;al-Ajam,37.163468,36.196509,residential,csr-centroid\n",
			want: []Place{{ID: "aajam", Name: "al-A'ajam", NameAr: "الأعجام", Aliases: []string{"Al Aajam", "al-Ajam"},
				Lon: 37.163468, Lat: 36.196509, Kind: "residential", CoordSource: "csr-centroid", Line: 2}},
		},
		{
			name: "byte order mark, reordered and extra columns, quoted comma, blank aliases, spaces",
			in: "\ufefflat,lon,note,id,name_en,name_ar,aliases,kind,coord_source\n" +
				"36.2, 37.1 ,x,\" a \",\"A, the\",,; ;,park,\"median, 2015\"\n" +
				"\n" +
				"-90,180,,b,B,ب,b1,,\n",
			want: []Place{
				{ID: "a", Name: "A, the", Aliases: []string{}, Lon: 37.1, Lat: 36.2, Kind: "park", CoordSource: "median, 2015", Line: 2},
				{ID: "b", Name: "B", NameAr: "ب", Aliases: []string{"b1"}, Lon: 180, Lat: -90, Line: 4},
			},
		},
		{
			name: "quoted line break counts lines",
			in:   testHeader + "a,\"A\nA\",,,1,2,,\nb,B,,,3,4,,\n",
			want: []Place{
				{ID: "a", Name: "A\nA", Aliases: []string{}, Lon: 1, Lat: 2, Line: 2},
				{ID: "b", Name: "B", Aliases: []string{}, Lon: 3, Lat: 4, Line: 4},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadPlaces(strings.NewReader(tc.in), "p.csv")
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestReadPlacesErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want []string // each must appear in the error, in this order
	}{
		{"empty file", "", []string{"p.csv: the file is empty: the first line must be the header id,name_en,"}},
		{"header only", testHeader, []string{"p.csv: no places: add one row per place after the header"}},
		{"missing columns", "id,name_en,lon,lat\na,A,1,2\n", []string{
			`p.csv:1: missing column "name_ar": the header must name the columns id,name_en,name_ar,aliases,lon,lat,kind,coord_source`,
			`p.csv:1: missing column "aliases"`, `p.csv:1: missing column "kind"`, `p.csv:1: missing column "coord_source"`}},
		{"repeated column", strings.TrimSuffix(testHeader, "\n") + ",id\n", []string{`p.csv:1: column "id" appears twice in the header: keep one`}},
		{"duplicate id", testHeader + "a,A,,,1,2,,\nb,B,,,1,3,,\na,A2,,,1,4,,\n", []string{
			`p.csv:4: duplicate id "a" (first used on line 2): ids must be unique`}},
		{"empty id", testHeader + " ,A,,,1,2,,\n", []string{"p.csv:2: empty id: give every place a unique id"}},
		{"empty name", testHeader + "a,,,,1,2,,\n", []string{`p.csv:2: empty name_en for id "a": give every place an English name`}},
		{"bad lon", testHeader + "a,A,,,37;16,36.2,,\n", []string{
			`p.csv:2: lon "37;16" is not a number: write the longitude east, the first coordinate in decimal degrees with a dot, e.g. 37.163468`}},
		{"NaN lat", testHeader + "a,A,,,37.1,NaN,,\n", []string{`p.csv:2: lat "NaN" is not a number`}},
		{"empty lon", testHeader + "a,A,,,,36.2,,\n", []string{"p.csv:2: empty lon: give the longitude east"}},
		{"lon out of range", testHeader + "a,A,,,237.1,36.2,,\n", []string{
			"p.csv:2: lon 237.1 is out of range [-180, 180]: lon is the longitude east, the first coordinate in decimal degrees; check that lon and lat are not swapped"}},
		{"lat out of range", testHeader + "a,A,,,36.2,-91,,\n", []string{"p.csv:2: lat -91 is out of range [-90, 90]"}},
		{"field count", testHeader + "a,A,,,1,2,,,extra\n", []string{
			"p.csv:2: the row has 9 fields but the header has 8: quote fields that contain commas"}},
		{"bare quote", testHeader + "a,A\"x,,,1,2,,\nb,B,,,1,2.5,,\n", []string{
			`p.csv:2: bare " in non-quoted-field: fix the CSV quoting of this row`}},
		{"all errors of the file", testHeader + "a,A,,,x,2,,\n,B,,,1,2,,\nc,C,,,1,99,,\nc,C,,,1,2,,\n", []string{
			`p.csv:2: lon "x" is not a number`, "p.csv:3: empty id", "p.csv:4: lat 99 is out of range",
			`p.csv:5: duplicate id "c" (first used on line 4)`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			places, err := ReadPlaces(strings.NewReader(tc.in), "p.csv")
			require.Error(t, err)
			assert.Nil(t, places)
			assertInOrder(t, err.Error(), tc.want)
			var le *LineError
			require.True(t, errors.As(err, &le), "every problem is a *LineError")
			assert.Equal(t, "p.csv", le.File)
		})
	}
}

func TestReadPlacesCapsErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString(testHeader)
	for i := range 150 {
		b.WriteString("p" + strconv.Itoa(i) + ",P,,,x,1,,\n")
	}
	_, err := ReadPlaces(strings.NewReader(b.String()), "p.csv")
	require.Error(t, err)
	msg := err.Error()
	assert.Equal(t, maxReportedErrors+1, strings.Count(msg, "\n")+1)
	assert.Contains(t, msg, "p.csv:101: lon")
	assert.NotContains(t, msg, "p.csv:102: lon")
	assert.True(t, strings.HasSuffix(msg, "p.csv: 50 more errors not shown"), msg)
}

// assertInOrder checks that every string of want occurs in msg, in order.
func assertInOrder(t *testing.T, msg string, want []string) {
	t.Helper()
	rest := msg
	for _, w := range want {
		i := strings.Index(rest, w)
		if !assert.GreaterOrEqual(t, i, 0, "want %q in order in:\n%s", w, msg) {
			return
		}
		rest = rest[i+len(w):]
	}
}

// FuzzReadPlaces checks that ReadPlaces never panics, that what it accepts
// obeys the documented rules, and that writing the places back as CSV and
// reading them again gives the same places.
func FuzzReadPlaces(f *testing.F) {
	f.Add(testHeader + "aajam,al-A'ajam,الأعجام,Al Aajam;al-Ajam,37.163468,36.196509,residential,csr-centroid\n")
	f.Add(testHeader + "a,\"A, b\",,,1,2,,\nb,B,,x;y,-180,90,k,s\n")
	f.Add("\ufefflat,lon,id,name_en,name_ar,aliases,kind,coord_source\n1,2,a,A,,,,\n")
	f.Add(testHeader + "a,A,,,1e2,-0,,\na,A,,,1,2,,\n")
	f.Add(testHeader + "a,A\"x,,,1,2,,\n")
	f.Fuzz(func(t *testing.T, in string) {
		places, err := ReadPlaces(strings.NewReader(in), "f.csv")
		if err != nil {
			require.Nil(t, places)
			require.NotEmpty(t, err.Error())
			return
		}
		require.NotEmpty(t, places)
		seen := map[string]bool{}
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		require.NoError(t, w.Write(Columns()))
		for _, p := range places {
			require.NotEmpty(t, p.ID)
			require.NotEmpty(t, p.Name)
			require.False(t, seen[p.ID], "duplicate id %q accepted", p.ID)
			seen[p.ID] = true
			require.True(t, p.Lon >= -180 && p.Lon <= 180 && p.Lat >= -90 && p.Lat <= 90, "%v", p)
			require.Positive(t, p.Line)
			require.NoError(t, w.Write([]string{p.ID, p.Name, p.NameAr, strings.Join(p.Aliases, ";"),
				strconv.FormatFloat(p.Lon, 'g', -1, 64), strconv.FormatFloat(p.Lat, 'g', -1, 64), p.Kind, p.CoordSource}))
		}
		w.Flush()
		again, err := ReadPlaces(&buf, "again.csv")
		require.NoError(t, err)
		require.Len(t, again, len(places))
		for i := range places {
			places[i].Line, again[i].Line = 0, 0
		}
		require.Equal(t, places, again)
	})
}
