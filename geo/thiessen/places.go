package thiessen

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Place is one named centre point, read from a row of a places CSV file.
type Place struct {
	ID          string   // unique id, used as the Feature id
	Name        string   // English name (column name_en)
	NameAr      string   // Arabic name (column name_ar), may be empty
	Aliases     []string // other spellings (column aliases, separated by ';')
	Lon, Lat    float64  // WGS84 decimal degrees
	Kind        string   // free text, e.g. residential, industrial
	CoordSource string   // free text: where the coordinates come from
	Line        int      // line of the row in the input file (1-based), 0 if not read from a file
}

// Columns returns the columns a places CSV file must have, in the usual order.
// Other columns are allowed and ignored; the order does not matter.
func Columns() []string {
	return []string{"id", "name_en", "name_ar", "aliases", "lon", "lat", "kind", "coord_source"}
}

// maxReportedErrors caps the errors listed for one file; the rest are counted.
const maxReportedErrors = 100

// LineError is one problem in an input file: it names the file, the line (0
// when the problem is not tied to a line) and says what is wrong and what to do.
type LineError struct {
	File string
	Line int
	Msg  string
}

// Error implements error as "file:line: message".
func (e *LineError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// errorList collects the problems of one file.
type errorList struct {
	file   string
	errs   []error
	hidden int
}

func (l *errorList) add(line int, format string, args ...any) {
	if len(l.errs) >= maxReportedErrors {
		l.hidden++
		return
	}
	l.errs = append(l.errs, &LineError{File: l.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// err joins the collected problems (nil if there are none). Each problem is a
// *LineError that errors.As can find.
func (l *errorList) err() error {
	if l.hidden > 0 {
		l.errs = append(l.errs, &LineError{File: l.file, Msg: fmt.Sprintf("%d more errors not shown", l.hidden)})
	}
	return errors.Join(l.errs...)
}

// ReadPlaces reads a places CSV file with a header line naming at least the
// [Columns]. name is the file name used in error messages. Fields are trimmed of
// surrounding white space; aliases are split on ';' and empty ones dropped.
//
// It checks every row and returns all problems found, each a *LineError joined
// with errors.Join: missing or repeated columns, rows with the wrong number of
// fields, an empty id or name_en, a repeated id, and a lon or lat that is not a
// finite number or out of range. On error the returned places are nil.
func ReadPlaces(r io.Reader, name string) ([]Place, error) {
	errs := &errorList{file: name}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // field counts are checked here, to report every row
	header, err := cr.Read()
	if err == io.EOF {
		errs.add(0, "the file is empty: the first line must be the header %s", strings.Join(Columns(), ","))
		return nil, errs.err()
	}
	if err != nil {
		errs.add(csvErrLine(err), "cannot read the header: %v", csvErrMsg(err))
		return nil, errs.err()
	}
	col, ok := headerColumns(header, errs)
	if !ok {
		return nil, errs.err()
	}

	var places []Place
	firstLine := map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if err != nil && !errors.As(err, &pe) {
			errs.add(0, "read error: %v", err)
			break
		}
		if err != nil {
			errs.add(pe.Line, "%v: fix the CSV quoting of this row (a field with a quote, comma or line break must be enclosed in double quotes, inner quotes doubled)", pe.Err)
			continue
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			errs.add(line, "the row has %d fields but the header has %d: quote fields that contain commas", len(rec), len(header))
			continue
		}
		field := func(c string) string { return strings.TrimSpace(rec[col[c]]) }
		p := Place{
			ID:          field("id"),
			Name:        field("name_en"),
			NameAr:      field("name_ar"),
			Aliases:     splitAliases(field("aliases")),
			Kind:        field("kind"),
			CoordSource: field("coord_source"),
			Line:        line,
		}
		rowOK := true
		if p.ID == "" {
			errs.add(line, "empty id: give every place a unique id")
			rowOK = false
		} else if first, dup := firstLine[p.ID]; dup {
			errs.add(line, "duplicate id %q (first used on line %d): ids must be unique", p.ID, first)
			rowOK = false
		} else {
			firstLine[p.ID] = line
		}
		if p.Name == "" {
			errs.add(line, "empty name_en for id %q: give every place an English name", p.ID)
			rowOK = false
		}
		var okLon, okLat bool
		p.Lon, okLon = parseCoord(errs, line, "lon", field("lon"), 180, "longitude east, the first coordinate")
		p.Lat, okLat = parseCoord(errs, line, "lat", field("lat"), 90, "latitude north, the second coordinate")
		if rowOK && okLon && okLat {
			places = append(places, p)
		}
	}
	if len(errs.errs) == 0 && len(places) == 0 {
		errs.add(0, "no places: add one row per place after the header")
	}
	if len(errs.errs) > 0 {
		return nil, errs.err()
	}
	return places, nil
}

// headerColumns maps each required column to its index, reporting missing and
// repeated columns.
func headerColumns(header []string, errs *errorList) (map[string]int, bool) {
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff") // byte order mark written by spreadsheet programs
	}
	col := map[string]int{}
	ok := true
	for i, h := range header {
		h = strings.TrimSpace(h)
		if _, dup := col[h]; dup {
			errs.add(1, "column %q appears twice in the header: keep one", h)
			ok = false
			continue
		}
		col[h] = i
	}
	for _, c := range Columns() {
		if _, found := col[c]; !found {
			errs.add(1, "missing column %q: the header must name the columns %s", c, strings.Join(Columns(), ","))
			ok = false
		}
	}
	return col, ok
}

// parseCoord parses one coordinate in degrees and checks it lies in [-limit, limit].
func parseCoord(errs *errorList, line int, name, s string, limit float64, meaning string) (float64, bool) {
	if s == "" {
		errs.add(line, "empty %s: give the %s in decimal degrees", name, meaning)
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		errs.add(line, "%s %q is not a number: write the %s in decimal degrees with a dot, e.g. 37.163468", name, s, meaning)
		return 0, false
	}
	if v < -limit || v > limit {
		errs.add(line, "%s %s is out of range [-%g, %g]: %s is the %s in decimal degrees; check that lon and lat are not swapped", name, s, limit, limit, name, meaning)
		return 0, false
	}
	return v, true
}

func splitAliases(s string) []string {
	aliases := []string{}
	for a := range strings.SplitSeq(s, ";") {
		if a = strings.TrimSpace(a); a != "" {
			aliases = append(aliases, a)
		}
	}
	return aliases
}

func csvErrLine(err error) int {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Line
	}
	return 0
}

func csvErrMsg(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
