package encode

import (
	"encoding/csv"
	"io"

	"github.com/frontline/frontline/geo"
)

// CSVWriter is the one CSV writer of frontline: encoding/csv, with every
// cell a spreadsheet would run as a formula (geo.FormulaLike: text that
// begins with = + - @, a tab or a carriage return) prefixed with a single
// quote, as OWASP advises against CSV injection. A plain number, such as
// -1.5, is written as it is and stays a number.
type CSVWriter struct {
	w   *csv.Writer
	rec []string
}

// NewCSVWriter returns a CSVWriter writing to w.
func NewCSVWriter(w io.Writer) *CSVWriter { return &CSVWriter{w: csv.NewWriter(w)} }

// Write writes one record; errors are kept for Error, as csv.Writer does.
func (c *CSVWriter) Write(record []string) error {
	c.rec = c.rec[:0]
	for _, cell := range record {
		c.rec = append(c.rec, SafeCell(cell))
	}
	return c.w.Write(c.rec)
}

// Flush writes any buffered data.
func (c *CSVWriter) Flush() { c.w.Flush() }

// Error reports any error of an earlier Write or Flush.
func (c *CSVWriter) Error() error { return c.w.Error() }

// SafeCell returns s, or s after a single quote when a spreadsheet would
// run it as a formula.
func SafeCell(s string) string {
	if geo.FormulaLike(s) {
		return "'" + s
	}
	return s
}
