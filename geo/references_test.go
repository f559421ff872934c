package geo_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontline/frontline/geo"
	"github.com/frontline/frontline/internal/testkit"
)

func TestReadReferences(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		want  []geo.Reference
		probs []string // substrings of the problems, in order
	}{
		{name: "sorted by number, quoted text kept whole",
			in:   "number,text\n12,\"Title, Publisher, 1 December 2016\"\n3,Another\n",
			want: []geo.Reference{{Number: 3, Text: "Another"}, {Number: 12, Text: "Title, Publisher, 1 December 2016"}}},
		{name: "columns in any order, BOM, blank lines",
			in:   "\ufefftext,number\nOne,1\n\n",
			want: []geo.Reference{{Number: 1, Text: "One"}}},
		{name: "bad numbers", in: "number,text\n0,a\n-1,b\nx,c\n+4,d\n1.5,e\n",
			probs: []string{"refs.csv:2:", "refs.csv:3:", "refs.csv:4:", "refs.csv:5:", "refs.csv:6: error: reference number \"1.5\" is not a positive whole number"}},
		{name: "duplicate", in: "number,text\n7,a\n7,b\n",
			want:  []geo.Reference{{Number: 7, Text: "a"}},
			probs: []string{"refs.csv:3: error: duplicate reference number 7 (first on line 2)"}},
		{name: "empty text", in: "number,text\n7,\n", probs: []string{"refs.csv:2: error: reference 7 has no text"}},
		{name: "too long", in: "number,text\n7," + strings.Repeat("x", 2001) + "\n", probs: []string{"reference 7 is 2001 bytes long"}},
		{name: "missing column", in: "number,title\n7,a\n", probs: []string{"refs.csv:1: error: header lacks column(s) text"}},
		{name: "empty file", in: "", probs: []string{"refs.csv:1: error: file is empty"}},
		{name: "not UTF-8", in: "number,text\n1,S\xe9DF\n", probs: []string{"refs.csv:2: error: column text has the byte 0xe9, which is not UTF-8"}},
		{name: "markup is text, with a warning", in: "number,text\n1,<img src=x onerror=alert(1)>\n",
			want:  []geo.Reference{{Number: 1, Text: "<img src=x onerror=alert(1)>"}},
			probs: []string{`refs.csv:2: warning: reference 1 has markup ("<i")`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			refs, probs := geo.ReadReferences(strings.NewReader(tt.in), "refs.csv")
			assert.Equal(t, tt.want, refs)
			require.Len(t, probs, len(tt.probs), "%v", probs)
			for i, p := range probs {
				assert.Contains(t, p.String(), tt.probs[i])
			}
		})
	}
}

func TestDatasetReferencesAndView(t *testing.T) {
	refs := "number,text\n2,Second source\n1,First source\n"
	ds, err := geo.LoadDir(testkit.SmallMapFS(t, map[string]string{geo.ReferencesFile: refs}), "small")
	require.NoError(t, err)
	assert.Equal(t, []geo.Reference{{Number: 1, Text: "First source"}, {Number: 2, Text: "Second source"}}, ds.References)
	without := testkit.Small(t)
	assert.Nil(t, without.References, "references.csv is optional")
	assert.NotEqual(t, without.Version, ds.Version, "the references are part of the dataset's version")

	_, err = geo.LoadDir(testkit.SmallMapFS(t, map[string]string{geo.ReferencesFile: "number,text\nx,y\n"}), "small")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "small/references.csv:2: error:")

	meta := func(view string) string { return `{"title":"t",` + view + `}` }
	ok, err := geo.LoadDir(testkit.SmallMapFS(t, map[string]string{geo.MetaFile: meta(`"view_date":"2016-12-01","view_compare":"2016-11-15"`)}), "small")
	require.NoError(t, err)
	assert.Equal(t, "2016-12-01", ok.Meta.ViewDate.String())
	assert.Equal(t, "2016-11-15", ok.Meta.ViewCompare.String())
	for _, tt := range []struct{ view, msg string }{
		{`"view_date":"2016-10-01"`, "view_date 2016-10-01 is outside the control table's dates 2016-11-15 to 2016-12-22"},
		{`"view_date":"2016-12-01","view_compare":"2017-01-01"`, "view_compare 2017-01-01 is outside"},
		{`"view_compare":"2016-12-01"`, "view_compare needs view_date"},
		{`"view_date":"6 Dec"`, "malformed date"},
	} {
		_, err := geo.LoadDir(testkit.SmallMapFS(t, map[string]string{geo.MetaFile: meta(tt.view)}), "small")
		require.Error(t, err, tt.view)
		assert.Contains(t, err.Error(), "small/dataset.json", tt.view)
		assert.Contains(t, err.Error(), tt.msg, tt.view)
	}
}

func FuzzReadReferences(f *testing.F) {
	f.Add("number,text\n1,a\n2,\"b, c\"\n")
	f.Add("number,text\n1,a\n1,b\n0,c\n")
	f.Add("text,number\n\"unterminated\n")
	f.Add("")
	f.Add("\ufeffnumber,text\n1,S\xe9DF\n2,<img src=x onerror=alert(1)>\n3,a\x00b\n")
	f.Fuzz(func(t *testing.T, s string) {
		refs, problems := geo.ReadReferences(strings.NewReader(s), "references.csv")
		seen := map[int]bool{}
		for i, r := range refs {
			if r.Number <= 0 || r.Text == "" || len(r.Text) > 2000 || seen[r.Number] || !utf8.ValidString(r.Text) {
				t.Fatalf("reference %+v accepted", r)
			}
			if i > 0 && refs[i-1].Number >= r.Number {
				t.Fatalf("references not sorted: %d before %d", refs[i-1].Number, r.Number)
			}
			seen[r.Number] = true
		}
		for _, p := range problems {
			if !strings.HasPrefix(p.String(), "references.csv") {
				t.Fatalf("problem does not name the file: %s", p)
			}
		}
	})
}

func ExampleReadReferences() {
	refs, problems := geo.ReadReferences(strings.NewReader("number,text\n20,Regime forces advance\n3,\"BBC News, 13 December 2016\"\n"), "references.csv")
	fmt.Println(refs, len(problems))
	// Output: [{3 BBC News, 13 December 2016} {20 Regime forces advance}] 0
}
