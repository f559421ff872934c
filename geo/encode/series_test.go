package encode_test

import (
	"bytes"
	"encoding/csv"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/data"
	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/geo/encode"
)

// micro reads a 6-decimal column as whole millionths, exactly.
func micro(t *testing.T, s string) int64 {
	t.Helper()
	whole, frac, ok := strings.Cut(s, ".")
	require.True(t, ok && len(frac) == 6, "%q has 6 decimals", s)
	w, err := strconv.ParseInt(whole, 10, 64)
	require.NoError(t, err)
	f, err := strconv.ParseInt(frac, 10, 64)
	require.NoError(t, err)
	return w*1_000_000 + f
}

// The moved_km2 column adds up: summed from the first row to any row it
// gives the exact running total rounded to 1 m², so the whole column sums
// to the total; each row is within 1 m² of its exact value.
func TestChangesCSVAddsUp(t *testing.T) {
	ds, err := geo.LoadDir(data.Default(), data.DefaultName)
	require.NoError(t, err)
	var buf bytes.Buffer
	r := ds.Range()
	require.NoError(t, encode.ChangesCSV(&buf, ds, r))
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	require.Equal(t, encode.ChangesHeader, rows[0])
	var exact []float64
	for d := r.First + 1; d <= r.Last; d++ {
		for _, ch := range ds.Changes(d-1, d) {
			exact = append(exact, ch.MovedKm2)
		}
	}
	require.Len(t, rows, 1+len(exact))
	var sum float64
	var got int64
	for k, row := range rows[1:] {
		m := micro(t, row[5])
		sum += exact[k]
		got += m
		assert.Equal(t, int64(math.Round(sum*1e6)), got, "running total through row %d", k+1)
		assert.LessOrEqual(t, math.Abs(float64(m)/1e6-exact[k]), 1e-6+1e-12, "row %d", k+1)
	}
}
