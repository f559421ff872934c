package boundaries

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/frontline/frontline/geo/thiessen"
)

// fold is the form in which names are compared: trimmed, lower case, inner
// runs of space as one space, and the typographic apostrophes and backticks
// of hand-typed layers as a plain apostrophe.
func fold(s string) string {
	s = strings.NewReplacer("’", "'", "‘", "'", "`", "'", "ʼ", "'", "ʿ", "'", "ʾ", "'").Replace(s)
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// placeIndex finds places by any of their names.
type placeIndex struct {
	byName map[string][]string // folded name → ids of the places bearing it
	index  map[string]int      // place id → index in places
}

// newPlaceIndex indexes every place by id, English name, Arabic name and
// aliases.
func newPlaceIndex(places []thiessen.Place) *placeIndex {
	ix := &placeIndex{byName: map[string][]string{}, index: map[string]int{}}
	for i, p := range places {
		ix.index[p.ID] = i
		for _, n := range append([]string{p.ID, p.Name, p.NameAr}, p.Aliases...) {
			if k := fold(n); k != "" && !slices.Contains(ix.byName[k], p.ID) {
				ix.byName[k] = append(ix.byName[k], p.ID)
			}
		}
	}
	return ix
}

// find returns the index of the one place named name. A name that several
// places bear (the Arabic name of a numbered series, say) matches none of
// them; the ids of those places are returned for the report.
func (ix *placeIndex) find(name string) (i int, ambiguous []string, ok bool) {
	ids := ix.byName[fold(name)]
	switch len(ids) {
	case 0:
		return 0, nil, false
	case 1:
		return ix.index[ids[0]], nil, true
	}
	return 0, slices.Sorted(slices.Values(ids)), false
}

// slug makes an id from a name: ASCII letters and digits in lower case, other
// runs of characters as one hyphen, apostrophes dropped ("al-A’ajam" →
// "al-aajam"). Names with no ASCII letter or digit give "".
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range fold(name) {
		switch {
		case r == '\'':
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	return b.String()
}

// uniqueIDs gives each unmatched unit a slug of its name as id, or unit-N
// where the name has no ASCII letter or digit, with -2, -3 … where ids would
// repeat (ids already taken by places included).
func uniqueIDs(names []string, taken map[string]bool) []string {
	ids := make([]string, len(names))
	for i, n := range names {
		base := slug(n)
		if base == "" {
			base = fmt.Sprintf("unit-%d", i+1)
		}
		id := base
		for k := 2; taken[id]; k++ {
			id = fmt.Sprintf("%s-%d", base, k)
		}
		taken[id] = true
		ids[i] = id
	}
	return ids
}
