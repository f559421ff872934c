package geo

import (
	"io"
	"sort"
	"strconv"
	"strings"
)

// ReferencesFile is the optional list of the sources that control.csv's
// citations such as [37] stand for.
const ReferencesFile = "references.csv"

// maxReferenceText bounds one reference's text: a bibliographic entry is a
// line, and a page shows it whole.
const maxReferenceText = 2000

// Reference is one numbered source of the control table: the text behind a
// citation [Number] in control.csv's source column.
type Reference struct {
	Number int    `json:"number"`
	Text   string `json:"text"`
}

// ReadReferences parses references.csv (number,text): positive whole
// numbers, each once, with a non-empty text. The result is sorted by number.
func ReadReferences(r io.Reader, file string) ([]Reference, []Problem) {
	var ps problems
	refs := readReferences(r, file, &ps)
	return refs, ps.list
}

func readReferences(r io.Reader, file string, ps *problems) []Reference {
	var refs []Reference
	seen := map[int]int{}
	for _, rec := range csvRecords(r, file, []string{"number", "text"}, ps) {
		num, text := rec.fields["number"], rec.fields["text"]
		n, err := strconv.Atoi(num)
		switch {
		case err != nil || n <= 0 || strings.HasPrefix(num, "+"):
			ps.errorf(file, rec.line, "reference number %q is not a positive whole number: write the number inside the brackets, e.g. 37 for [37]", num)
			continue
		case seen[n] > 0:
			ps.errorf(file, rec.line, "duplicate reference number %d (first on line %d)", n, seen[n])
			continue
		case text == "":
			ps.errorf(file, rec.line, "reference %d has no text: give the source's title, publisher and date, or leave the number out", n)
			continue
		case len(text) > maxReferenceText:
			ps.errorf(file, rec.line, "reference %d is %d bytes long, at most %d: shorten it to its title, publisher and date", n, len(text), maxReferenceText)
			continue
		}
		seen[n] = rec.line
		refs = append(refs, Reference{Number: n, Text: text})
	}
	sort.Slice(refs, func(i, j int) bool { return refs[i].Number < refs[j].Number })
	return refs
}
