package geo

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
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

// csvRecords reads a CSV file whose header must contain want (in any order)
// and returns each record as a column→value map with its line number.
func csvRecords(r io.Reader, file string, want []string, ps *problems) []csvRecord {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
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
	var missing []string
	for _, w := range want {
		if _, ok := col[w]; !ok {
			missing = append(missing, w)
		}
	}
	if len(missing) > 0 {
		ps.errorf(file, 1, "header lacks column(s) %s: the header must be %s", strings.Join(missing, ", "), strings.Join(want, ","))
		return nil
	}
	var out []csvRecord
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			ps.errorf(file, csvLine(err, 0), "malformed CSV: %v", err)
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				continue // the reader resumes at the next record
			}
			break
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != len(header) {
			ps.errorf(file, line, "has %d fields, the header has %d: quote fields that contain commas", len(rec), len(header))
			continue
		}
		m := make(map[string]string, len(want))
		for _, w := range want {
			m[w] = strings.TrimSpace(rec[col[w]])
		}
		out = append(out, csvRecord{line: line, fields: m})
	}
	return out
}

type csvRecord struct {
	line   int
	fields map[string]string
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
	return s, ps.list
}

func readSides(r io.Reader, file string, ps *problems) []Side {
	var sides []Side
	seen := map[string]int{}
	for _, rec := range csvRecords(r, file, []string{"id", "name", "color"}, ps) {
		s := Side{ID: rec.fields["id"], Name: rec.fields["name"], Color: rec.fields["color"]}
		switch {
		case !sideIDPattern.MatchString(s.ID):
			ps.errorf(file, rec.line, "side id %q must be lower-case letters, digits, '-' or '_' (e.g. government)", s.ID)
			continue
		case s.ID == Contested || s.ID == Unassigned:
			ps.errorf(file, rec.line, "side id %q is reserved for districts without a single controller: choose another id", s.ID)
			continue
		case seen[s.ID] > 0:
			ps.errorf(file, rec.line, "duplicate side id %q (first on line %d)", s.ID, seen[s.ID])
			continue
		}
		seen[s.ID] = rec.line
		if s.Name == "" {
			s.Name = s.ID
		}
		if !colorPattern.MatchString(s.Color) {
			ps.errorf(file, rec.line, "side %q: color %q is not a hex colour like #d62728", s.ID, s.Color)
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
// from that date on.
func ReadControl(r io.Reader, file string, districts, sides []string) ([]Row, []Problem) {
	var ps problems
	rows := readControl(r, file, districts, sides, &ps)
	return rows, ps.list
}

func readControl(r io.Reader, file string, districts, sides []string, ps *problems) []Row {
	isDistrict := toSet(districts)
	isSide := toSet(sides)
	type key struct {
		date     Date
		district string
	}
	sums := map[key]float64{}
	firstLine := map[key]int{}
	seen := map[string]int{}
	var rows []Row
	for _, rec := range csvRecords(r, file, []string{"date", "district", "side", "share", "source", "note"}, ps) {
		f := rec.fields
		ok := true
		d, err := ParseDate(f["date"])
		if err != nil {
			ps.errorf(file, rec.line, "%v", err)
			ok = false
		}
		if districts != nil && !isDistrict[f["district"]] {
			ps.errorf(file, rec.line, "unknown district %q%s", f["district"], suggest(f["district"], districts))
			ok = false
		}
		if sides != nil && !isSide[f["side"]] {
			ps.errorf(file, rec.line, "unknown side %q%s (sides come from sides.csv)", f["side"], suggest(f["side"], sides))
			ok = false
		}
		share, err := strconv.ParseFloat(f["share"], 64)
		switch {
		case err != nil:
			ps.errorf(file, rec.line, "share %q is not a number: write a fraction in (0,1], e.g. 0.75", f["share"])
			ok = false
		case !(share > 0 && share <= 1):
			ps.errorf(file, rec.line, "share %v is out of range (0,1]: write a fraction, e.g. 0.75 for 75%%", share)
			ok = false
		}
		if f["source"] == "" && f["note"] == "" {
			ps.warnf(file, rec.line, "row has neither source nor note: cite the reference, e.g. [17], or say where the fact comes from")
		}
		if !ok {
			continue
		}
		dk := f["date"] + "\x00" + f["district"] + "\x00" + f["side"]
		if prev := seen[dk]; prev > 0 {
			ps.errorf(file, rec.line, "duplicate row for %s, district %q, side %q (first on line %d): merge them into one share", d, f["district"], f["side"], prev)
			continue
		}
		seen[dk] = rec.line
		k := key{d, f["district"]}
		if firstLine[k] == 0 {
			firstLine[k] = rec.line
		}
		sums[k] += share
		rows = append(rows, Row{
			Line: rec.line, Date: d, District: f["district"], Side: f["side"], Share: share,
			Sources: splitSources(f["source"]), Note: f["note"],
		})
	}
	keys := make([]key, 0, len(sums))
	for k := range sums {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return firstLine[keys[i]] < firstLine[keys[j]] })
	for _, k := range keys {
		if sums[k] > 1+1e-9 {
			ps.errorf(file, firstLine[k], "shares of district %q on %s sum to %.4g > 1: the rest must be unassigned, not more than the whole", k.district, k.date, sums[k])
		}
	}
	return rows
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

func toSet(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// suggest returns ": did you mean "x"?" for the nearest id, or "".
func suggest(s string, ids []string) string {
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
