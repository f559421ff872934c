package geo

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Side is a party that controls ground.
type Side struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Color string `json:"color"`
}

// Reserved controller labels: they name states, not sides.
const (
	Contested  = "contested"
	Unassigned = "unassigned"
)

// Row is one line of control.csv.
type Row struct {
	Line     int
	Date     Date
	District string
	Side     string
	Share    float64
	Sources  []string
	Note     string
}

var (
	sideIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
	colorPattern  = regexp.MustCompile(`^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)
	citePattern   = regexp.MustCompile(`\[[^\[\]]+\]`)
)

// csvTable streams the records of a CSV file whose header must contain the
// wanted columns, in any order: one record in memory at a time.
type csvTable struct {
	file    string
	cr      *csv.Reader
	want    []string
	col     []int // position in the record of each wanted column
	nHeader int
	fields  []string // the wanted fields of the current record, reused
}

// newCSVTable reads the header; it returns nil, with the problem reported,
// when the header is missing or lacks a wanted column.
func newCSVTable(r io.Reader, file string, want []string, ps *problems) *csvTable {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			ps.errorf(file, 1, "file is empty: it needs the header %s", strings.Join(want, ","))
		} else {
			ps.errorf(file, csvLine(err, 1), "cannot read CSV header: %v", err)
		}
		return nil
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	t := &csvTable{file: file, cr: cr, want: want, col: make([]int, len(want)), nHeader: len(header), fields: make([]string, len(want))}
	var missing []string
	for i, w := range want {
		c, ok := col[w]
		if !ok {
			missing = append(missing, w)
		}
		t.col[i] = c
	}
	if len(missing) > 0 {
		ps.errorf(file, 1, "header lacks column(s) %s: the header must be %s", strings.Join(missing, ", "), strings.Join(want, ","))
		return nil
	}
	return t
}

// next returns the line and the trimmed wanted fields (in the order of
// want, valid until the next call) of the next record that is not blank.
// Malformed records are reported and skipped; ok is false at the end.
func (t *csvTable) next(ps *problems) (line int, fields []string, ok bool) {
	for {
		rec, err := t.cr.Read()
		if errors.Is(err, io.EOF) {
			return 0, nil, false
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			ps.errorf(t.file, pe.Line, "malformed CSV: %v", err)
			continue // the reader resumes at the next record
		}
		if err != nil { // the reader failed, e.g. at the size limit
			ps.errorf(t.file, 0, "cannot read: %v", err)
			return 0, nil, false
		}
		line, _ = t.cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != t.nHeader {
			ps.errorf(t.file, line, "has %d fields, the header has %d: quote fields that contain commas", len(rec), t.nHeader)
			continue
		}
		bad := false
		for i, c := range t.col {
			v := rec[c]
			if at, b := invalidUTF8([]byte(v)); at >= 0 {
				ps.errorf(t.file, line, "column %s has the byte 0x%02x, which is not UTF-8: %s", t.want[i], b, utf8Hint)
				bad = true
				break
			}
			t.fields[i] = strings.TrimSpace(v)
		}
		if !bad {
			return line, t.fields, true
		}
	}
}

func csvLine(err error, fallback int) int {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Line
	}
	return fallback
}

// ReadSides parses sides.csv (id,name,color).
func ReadSides(r io.Reader, file string) ([]Side, []Problem) {
	var ps problems
	s := readSides(r, file, &ps)
	return s, ps.finish()
}

func readSides(r io.Reader, file string, ps *problems) []Side {
	var sides []Side
	seen := map[string]int{}
	t := newCSVTable(r, file, []string{"id", "name", "color"}, ps)
	for t != nil {
		line, f, ok := t.next(ps)
		if !ok {
			break
		}
		s := Side{ID: strings.Clone(f[0]), Name: strings.Clone(f[1]), Color: strings.Clone(f[2])}
		switch {
		case !sideIDPattern.MatchString(s.ID):
			ps.errorf(file, line, "side id %q must be lower-case letters, digits, '-' or '_' (e.g. government)", s.ID)
			continue
		case s.ID == Contested || s.ID == Unassigned:
			ps.errorf(file, line, "side id %q is reserved for districts without a single controller: choose another id", s.ID)
			continue
		case seen[s.ID] > 0:
			ps.errorf(file, line, "duplicate side id %q (first on line %d)", s.ID, seen[s.ID])
			continue
		}
		seen[s.ID] = line
		if s.Name == "" {
			s.Name = s.ID
		}
		if msg := textProblem(s.Name, false); msg != "" {
			ps.warnf(file, line, "side %q: the name %q has %s: write plain text (the page shows it as text)", s.ID, s.Name, msg)
		}
		if !colorPattern.MatchString(s.Color) {
			ps.errorf(file, line, "side %q: color %q is not a hex colour like #d62728", s.ID, s.Color)
			continue
		}
		sides = append(sides, s)
	}
	if len(sides) == 0 && !ps.hasErrors() {
		ps.errorf(file, 0, "no sides: add at least one line id,name,color")
	}
	return sides
}

// ReadControl parses control.csv (date,district,side,share,source,note),
// checking ids against the known districts and sides; a nil list skips that
// check (its own file failed, and a cascade of "unknown" would hide the
// cause). All rows of one district on one date together replace its state
// from that date on. It streams r: memory grows with the rows kept, not with
// the size of the file.
func ReadControl(r io.Reader, file string, districts, sides []string) ([]Row, []Problem) {
	var ps problems
	rows := readControl(r, file, districts, sides, &ps)
	return rows, ps.finish()
}

// Control dates lie in [firstYear, lastYear]: a control table records
// what happened in modern times, so 9999-12-31 is a typo (and would stretch
// the default series across millennia).
const (
	firstYear = 1800
	lastYear  = 2099
)

// longSpanDays: rows spanning more than ten years are more likely a typo
// in a year than a war.
const longSpanDays = 3660

// smallShare: a share under it is more likely a misplaced decimal point than
// a fact any source reports.
const smallShare = 1e-3

// sharePattern is a plain decimal: no sign, exponent, hex or underscores.
var sharePattern = regexp.MustCompile(`^([0-9]+(\.[0-9]+)?|\.[0-9]+)$`)

// interner keeps one copy of strings that repeat across rows.
type interner map[string]string

func (in interner) get(s string) string {
	if v, ok := in[s]; ok {
		return v
	}
	v := strings.Clone(s)
	in[v] = v
	return v
}

func readControl(r io.Reader, file string, districts, sides []string, ps *problems) []Row {
	// ids are interned so that each row points to one copy; unknown ids get
	// numbers past the known ones, for the duplicate and sum checks.
	districtNum := newIDTable(districts)
	sideNum := newIDTable(sides)
	earliest := DateOf(time.Date(firstYear, time.January, 1, 0, 0, 0, 0, time.UTC))
	latest := DateOf(time.Date(lastYear, time.December, 31, 0, 0, 0, 0, time.UTC))
	notes := interner{}
	hints := suggestions{}
	texts := textChecks{}
	cites := map[string][]string{}
	before := len(ps.list) // the row problems, sorted by line at the end
	var rows []Row
	var keys []rowKey
	var first, last struct {
		d    Date
		line int
	}
	lastDate, lastDateText := Date(0), ""
	t := newCSVTable(r, file, []string{"date", "district", "side", "share", "source", "note"}, ps)
	for t != nil {
		line, f, ok := t.next(ps)
		if !ok {
			break
		}
		rowOK := true
		d := lastDate
		if f[0] != lastDateText || lastDateText == "" {
			var err error
			if d, err = ParseDate(f[0]); err != nil {
				ps.errorf(file, line, "%v", err)
				rowOK = false
			} else {
				lastDate, lastDateText = d, strings.Clone(f[0])
			}
		}
		if rowOK && (d < earliest || d > latest) {
			ps.errorf(file, line, "date %s is outside %s to %s: check the year", d, earliest, latest)
			rowOK = false
		}
		if districts != nil && !districtNum.has(f[1]) {
			ps.errorf(file, line, "unknown district %q%s", f[1], hints.suggest(ps, file, f[1], districts))
			rowOK = false
		}
		if sides != nil && !sideNum.has(f[2]) && f[2] != Unassigned {
			ps.errorf(file, line, "unknown side %q%s (sides come from sides.csv, or %q for ground no side holds)", f[2], hints.suggest(ps, file, f[2], sides), Unassigned)
			rowOK = false
		}
		var share float64
		if !sharePattern.MatchString(f[3]) {
			ps.errorf(file, line, "share %q is not a number written as a plain decimal: write a fraction in (0,1], e.g. 0.75", f[3])
			rowOK = false
		} else if share, _ = strconv.ParseFloat(f[3], 64); !(share > 0 && share <= 1) {
			ps.errorf(file, line, "share %v is out of range (0,1]: write a fraction, e.g. 0.75 for 75%%", share)
			rowOK = false
		} else if f[2] == Unassigned && share != 1 {
			ps.errorf(file, line, "a row for %q clears the district whole: give share 1 (the rest of a district no side holds is unassigned already)", Unassigned)
			rowOK = false
		} else if share < smallShare {
			ps.warnf(file, line, "share %s is less than %g of the district: check the decimal point, or leave the row out", f[3], smallShare)
		}
		if f[4] == "" && f[5] == "" {
			ps.warnf(file, line, "row has neither source nor note: cite the reference, e.g. [17], or say where the fact comes from")
		}
		for _, c := range []struct{ name, v string }{{"source", f[4]}, {"note", f[5]}} {
			if msg := texts.check(c.v); msg != "" {
				ps.warnf(file, line, "the %s has %s: write plain text (the page shows it as text)", c.name, msg)
			}
			if FormulaLike(c.v) {
				ps.warnf(file, line, "the %s begins with %q, which a spreadsheet would run as a formula: frontline's CSV downloads write it after a single quote; begin it with a word", c.name, firstRune(c.v))
			}
		}
		if !rowOK {
			continue
		}
		district, dn := districtNum.get(f[1])
		side, sn := sideNum.get(f[2])
		src, ok := cites[f[4]]
		if !ok {
			k := strings.Clone(f[4])
			src = splitSources(k)
			cites[k] = src
		}
		if len(rows) == 0 || d < first.d {
			first.d, first.line = d, line
		}
		if len(rows) == 0 || d > last.d {
			last.d, last.line = d, line
		}
		keys = append(keys, rowKey{district: dn, side: sn, date: d, row: int32(len(rows))})
		rows = append(rows, Row{
			Line: line, Date: d, District: district, Side: side, Share: share,
			Sources: src, Note: notes.get(f[5]),
		})
	}
	rows, keys = checkRowSets(rows, keys, file, ps)
	slices.SortStableFunc(ps.list[before:], func(a, b Problem) int { return cmp.Compare(a.Line, b.Line) })
	sumProblems(rows, keys, file, ps)
	if len(rows) > 0 && int(last.d-first.d)+1 > longSpanDays {
		ps.warnf(file, last.line, "the rows span %d days, from %s (line %d) to %s: check the years (a typo in a year stretches every series, export and chart)",
			int(last.d-first.d)+1, first.d, first.line, last.d)
	}
	return rows
}

// rowKey locates a row for the checks across rows.
type rowKey struct {
	district, side int32
	date           Date
	row            int32
}

// checkRowSets reports rows that repeat a district, date and side, and
// returns the rows without them and their keys, sorted by district, date,
// side and line.
func checkRowSets(rows []Row, keys []rowKey, file string, ps *problems) ([]Row, []rowKey) {
	slices.SortFunc(keys, func(a, b rowKey) int {
		return cmp.Or(cmp.Compare(a.district, b.district), cmp.Compare(a.date, b.date), cmp.Compare(a.side, b.side), cmp.Compare(a.row, b.row))
	})
	drop := make([]bool, len(rows))
	dropped := 0
	start := 0 // first key of the current district, date and side
	for i := 1; i < len(keys); i++ {
		a, b := keys[start], keys[i]
		if a.district != b.district || a.date != b.date || a.side != b.side {
			start = i
			continue
		}
		r := rows[b.row]
		ps.errorf(file, r.Line, "duplicate row for %s, district %q, side %q (first on line %d): merge them into one share", r.Date, r.District, r.Side, rows[a.row].Line)
		drop[b.row] = true
		dropped++
	}
	if dropped == 0 {
		return rows, keys
	}
	renum := make([]int32, len(rows))
	out := rows[:0]
	for i, r := range rows {
		renum[i] = int32(len(out))
		if !drop[i] {
			out = append(out, r)
		}
	}
	clear(rows[len(out):])
	kept := keys[:0]
	for _, k := range keys {
		if !drop[k.row] {
			k.row = renum[k.row]
			kept = append(kept, k)
		}
	}
	return out, kept
}

// sumProblems reports districts whose shares on one date add up to more
// than 1, in the order of their first rows; keys are sorted as
// checkRowSets leaves them.
func sumProblems(rows []Row, keys []rowKey, file string, ps *problems) {
	type over struct {
		line int
		msg  string
	}
	var found []over
	for i := 0; i < len(keys); {
		j, sum, line := i, 0.0, rows[keys[i].row].Line
		for ; j < len(keys) && keys[j].district == keys[i].district && keys[j].date == keys[i].date; j++ {
			r := rows[keys[j].row]
			sum += r.Share
			line = min(line, r.Line)
		}
		if sum > 1+1e-9 {
			r := rows[keys[i].row]
			msg := fmt.Sprintf("shares of district %q on %s sum to %.4g > 1: the rest must be unassigned, not more than the whole", r.District, r.Date, sum)
			for k := i; k < j; k++ {
				if rows[keys[k].row].Side == Unassigned {
					msg = fmt.Sprintf("district %q on %s has a row for %q and rows for sides: a row for %q stands alone (no side holds any of it)", r.District, r.Date, Unassigned, Unassigned)
				}
			}
			found = append(found, over{line, msg})
		}
		i = j
	}
	slices.SortFunc(found, func(a, b over) int { return cmp.Compare(a.line, b.line) })
	for _, o := range found {
		ps.errorf(file, o.line, "%s", o.msg)
	}
}

// idTable numbers ids and keeps one copy of each: the known ids first,
// then unknown ones as they come (for the checks across rows).
type idTable map[string]idEntry

type idEntry struct {
	id  string
	num int32
}

func newIDTable(ids []string) idTable {
	t := make(idTable, len(ids))
	for i, id := range ids {
		t[id] = idEntry{id, int32(i)}
	}
	return t
}

func (t idTable) has(s string) bool {
	_, ok := t[s]
	return ok
}

func (t idTable) get(s string) (string, int32) {
	e, ok := t[s]
	if !ok {
		e = idEntry{strings.Clone(s), int32(len(t))}
		t[e.id] = e
	}
	return e.id, e.num
}

// splitSources splits "[37][38]" into ["[37]" "[38]"]; text that is not a
// bracketed citation is kept whole.
func splitSources(s string) []string {
	if s == "" {
		return nil
	}
	cites := citePattern.FindAllString(s, -1)
	if strings.TrimSpace(citePattern.ReplaceAllString(s, "")) != "" || len(cites) == 0 {
		return []string{s}
	}
	return cites
}

// textChecks remembers textProblem's verdict on each source and note: they
// repeat across rows.
type textChecks map[string]string

func (tc textChecks) check(s string) string {
	if s == "" {
		return ""
	}
	if v, ok := tc[s]; ok {
		return v
	}
	v := textProblem(s, true)
	tc[strings.Clone(s)] = v
	return v
}

// suggestions remembers the suggestion for each unknown id of a file, and
// makes none once the file's problems are no longer listed: a file of a
// million unknown ids must not cost a million searches.
type suggestions map[string]string

func (sg suggestions) suggest(ps *problems, file, s string, ids []string) string {
	if ps.full(file) {
		return ""
	}
	if v, ok := sg[s]; ok {
		return v
	}
	v := suggest(s, ids)
	sg[strings.Clone(s)] = v
	return v
}

// maxSuggestLen: no id is longer; longer text gets no suggestion, since the
// edit distance costs the product of the lengths.
const maxSuggestLen = 100

// suggest returns ": did you mean "x"?" for the nearest id, or "".
func suggest(s string, ids []string) string {
	if len(s) > maxSuggestLen {
		return ""
	}
	best, bestD := "", math.MaxInt
	for _, id := range ids {
		if d := editDistance(strings.ToLower(s), strings.ToLower(id)); d < bestD {
			best, bestD = id, d
		}
	}
	if best == "" || bestD > max(3, len(s)/2) {
		return ""
	}
	return fmt.Sprintf(": did you mean %q?", best)
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
