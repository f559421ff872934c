// Package encode writes frontline's answers: the GeoJSON layers (districts,
// snapshot, changes, territory, frontlines and their periods), the CSV
// series and the JSON shapes that the HTTP API and the command line share.
// Each encoder exists once, here; the server and the CLI only adapt. It
// depends on geo, never on HTTP.
package encode

import (
	"encoding/json"
	"math"
	"strconv"
	"unicode/utf8"
)

// Real is a float64 that JSON-encodes with a decimal point (1.0, 0.0), so
// GIS clients that type a field from its first values make it Real: a
// share written 1 would make the field Integer and truncate a later 0.6.
type Real float64

// MarshalJSON writes r like encoding/json does, with ".0" added to whole
// numbers.
func (r Real) MarshalJSON() ([]byte, error) { return appendReal(nil, float64(r)), nil }

// appendReal formats f as encoding/json would (shortest repr, exponent
// outside [1e-6, 1e21)), keeping a decimal point on whole numbers; NaN and
// infinities, which JSON cannot hold, become null.
func appendReal(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	start := len(b)
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-07 → e-7, as encoding/json writes it.
		if n := len(b); n-start >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
		return b
	}
	for _, c := range b[start:] {
		if c == '.' {
			return b
		}
	}
	return append(b, ".0"...)
}

const hex = "0123456789abcdef"

// appendString writes s as a JSON string exactly as encoding/json does,
// HTML-safe escapes included, so hand-written objects match marshalled ones.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// object writes one JSON object member by member into a byte slice, in
// the order the members are given.
type object struct {
	b []byte
	n int
}

func newObject(b []byte) *object { return &object{b: append(b, '{')} }

func (o *object) key(k string) {
	if o.n > 0 {
		o.b = append(o.b, ',')
	}
	o.n++
	o.b = appendString(o.b, k)
	o.b = append(o.b, ':')
}

func (o *object) str(k, v string) {
	o.key(k)
	o.b = appendString(o.b, v)
}

// strOrNull writes "" as null: a missing text, typed like the present ones.
func (o *object) strOrNull(k, v string) {
	if v == "" {
		o.null(k)
		return
	}
	o.str(k, v)
}

func (o *object) real(k string, v float64) {
	o.key(k)
	o.b = appendReal(o.b, v)
}

func (o *object) int(k string, v int) {
	o.key(k)
	o.b = strconv.AppendInt(o.b, int64(v), 10)
}

func (o *object) bool(k string, v bool) {
	o.key(k)
	o.b = strconv.AppendBool(o.b, v)
}

func (o *object) null(k string) {
	o.key(k)
	o.b = append(o.b, "null"...)
}

func (o *object) raw(k string, v []byte) {
	o.key(k)
	o.b = append(o.b, v...)
}

func (o *object) strings(k string, v []string) {
	o.key(k)
	o.b = append(o.b, '[')
	for i, s := range v {
		if i > 0 {
			o.b = append(o.b, ',')
		}
		o.b = appendString(o.b, s)
	}
	o.b = append(o.b, ']')
}

func (o *object) value(k string, v any) error {
	vb, err := json.Marshal(v)
	if err != nil {
		return err
	}
	o.raw(k, vb)
	return nil
}

func (o *object) close() []byte { return append(o.b, '}') }
