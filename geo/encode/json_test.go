package encode

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestReal(t *testing.T) {
	tests := []struct {
		v    float64
		want string
	}{
		{1, "1.0"}, {0, "0.0"}, {-2, "-2.0"}, {0.6, "0.6"}, {0.75, "0.75"}, {123456789, "123456789.0"},
		{1e-7, "1e-7"}, {2.5e-12, "2.5e-12"}, {1e21, "1e+21"}, {0.9977605340919494, "0.9977605340919494"},
		{math.NaN(), "null"}, {math.Inf(1), "null"},
	}
	for _, tt := range tests {
		b, err := json.Marshal(Real(tt.v))
		assert.NoError(t, err)
		assert.Equal(t, tt.want, string(b), "%v", tt.v)
	}
}

// appendReal writes what encoding/json writes, with ".0" on whole numbers.
func FuzzAppendReal(f *testing.F) {
	for _, v := range []float64{0, 1, 0.6, 1e-7, 1e21, 123.456, -0.25} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v float64) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return
		}
		want, _ := json.Marshal(v)
		got := string(appendReal(nil, v))
		if !strings.ContainsAny(string(want), ".e") {
			want = append(want, ".0"...)
		}
		if got != string(want) {
			t.Fatalf("appendReal(%v) = %s, encoding/json %s", v, got, want)
		}
	})
}

// appendString writes exactly what encoding/json writes, for any string.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", `"quoted" \ back`, "<script>&amp;</script>", "tab\tnl\n\x00\x1f", "\u2028\u2029", "\xff\xfe bad", "ḥalab حلب"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendString(nil, s); string(got) != string(want) {
			t.Fatalf("appendString(%q) = %s, encoding/json %s", s, got, want)
		}
	})
}

func TestFileLabel(t *testing.T) {
	for in, want := range map[string]string{
		"embedded:aleppo-2016": "aleppo-2016", "/tmp/synth": "synth", "data/My Set (v2)/": "my-set-v2",
		`C:\data\Ünïcode`: "n-code", "/": "dataset", "": "dataset",
	} {
		assert.Equal(t, want, fileLabel(in), in)
	}
}
