package geo

import (
	"fmt"
	"regexp"
	"unicode/utf8"
)

// markupPattern finds what a browser would take for the start of a tag or
// an entity: dataset strings must reach the page as text, and markup in
// them is a sign of a copy-paste from HTML or of an attack.
var markupPattern = regexp.MustCompile(`<[A-Za-z/!?]|&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);`)

// textProblem describes what makes s unfit to show as a name or an id: a NUL
// byte, another control character (tab and newline pass when multiline),
// or markup. It returns "" for clean text.
func textProblem(s string, multiline bool) string {
	for i, r := range s {
		switch {
		case r == 0:
			return fmt.Sprintf("a NUL byte at byte %d", i)
		case multiline && (r == '\t' || r == '\n' || r == '\r'):
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return fmt.Sprintf("the control character U+%04X at byte %d", r, i)
		}
	}
	if m := markupPattern.FindString(s); m != "" {
		return fmt.Sprintf("markup (%q)", m)
	}
	return ""
}

// invalidUTF8 returns the byte offset and value of the first byte of b that
// is not valid UTF-8, or -1.
func invalidUTF8(b []byte) (int, byte) {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i, b[i]
		}
		i += n
	}
	return -1, 0
}

// utf8Hint says what to do about a file that is not UTF-8.
const utf8Hint = "the file is not UTF-8 (Latin-1 or Windows-1252?): save it as UTF-8, e.g. iconv -f WINDOWS-1252 -t UTF-8"

// utf8BOM is the byte order mark some editors put at the start of UTF-8
// files.
var utf8BOM = []byte("\xef\xbb\xbf")

// numberPattern is a plain decimal number, which spreadsheets read as a
// number even with a leading sign.
var numberPattern = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// FormulaLike reports whether a spreadsheet opening a CSV cell of text s
// would run it as a formula (CSV injection, OWASP): it begins with = + - @,
// a tab or a carriage return (or their full-width forms), and is not a plain
// number. The CSV writers of geo/encode neutralise such cells; validate
// warns about them.
func FormulaLike(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	switch r {
	case '=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠':
		return !numberPattern.MatchString(s)
	}
	return false
}

// firstRune returns the first character of s.
func firstRune(s string) string {
	_, n := utf8.DecodeRuneInString(s)
	return s[:n]
}
