// Package geo is frontline's domain: districts, sides, the dated control
// table, the timeline built from it, and the areas and statistics derived
// from them. It knows nothing of HTTP.
package geo

import (
	"fmt"
	"time"
)

// Date is a civil date, counted in days since 1970-01-01. Control changes
// happen on days, not instants, so no time zone can shift them.
type Date int32

const dateLayout = "2006-01-02"

// ParseDate reads an ISO 8601 calendar date (YYYY-MM-DD). A well-formed
// date that does not exist (2016-02-30, month 13) is told apart from a
// malformed one.
func ParseDate(s string) (Date, error) {
	if !isDateShape(s) {
		return 0, Errorf(KindInvalid, "malformed date %q: write it as YYYY-MM-DD, e.g. 2016-12-06", s)
	}
	y := int(s[0]-'0')*1000 + int(s[1]-'0')*100 + int(s[2]-'0')*10 + int(s[3]-'0')
	m := time.Month(int(s[5]-'0')*10 + int(s[6]-'0'))
	d := int(s[8]-'0')*10 + int(s[9]-'0')
	if m < time.January || m > time.December {
		return 0, Errorf(KindInvalid, "date %q: there is no month %d: write YYYY-MM-DD, month 01 to 12", s, int(m))
	}
	if n := daysIn(y, m); d < 1 || d > n {
		return 0, Errorf(KindInvalid, "date %q: there is no such day: %s %d has %d days", s, m, y, n)
	}
	return DateOf(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)), nil
}

// isDateShape reports whether s is four digits, '-', two digits, '-', two
// digits.
func isDateShape(s string) bool {
	if len(s) != len(dateLayout) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if i == 4 || i == 7 {
			if s[i] != '-' {
				return false
			}
		} else if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// daysIn returns the number of days of month m in year y (proleptic
// Gregorian, as time counts).
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// DateOf returns the civil date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	u := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return Date(u.Unix() / 86400)
}

// Time returns midnight UTC of d.
func (d Date) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// String formats d as YYYY-MM-DD.
func (d Date) String() string { return d.Time().Format(dateLayout) }

// AddDays returns the date n days after d.
func (d Date) AddDays(n int) Date { return d + Date(n) }

// MarshalText writes d as YYYY-MM-DD, so dates are strings in JSON.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Range is an inclusive span of dates.
type Range struct {
	First, Last Date
}

// Contains reports whether d lies in r.
func (r Range) Contains(d Date) bool { return d >= r.First && d <= r.Last }

// Days returns the number of days in r, both ends included.
func (r Range) Days() int { return int(r.Last-r.First) + 1 }

// String formats r as "FIRST to LAST".
func (r Range) String() string { return fmt.Sprintf("%s to %s", r.First, r.Last) }
