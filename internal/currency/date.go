package currency

import (
	"errors"
	"time"
)

// Date is a calendar date, counted in days since 1970-01-01. It is comparable
// and ordered, so tables can be searched with plain integer comparisons.
type Date int32

// DateLayout is the only date format the service reads and writes.
const DateLayout = "2006-01-02"

// ErrMalformedDate means a string is not a valid YYYY-MM-DD date.
var ErrMalformedDate = errors.New("not a valid date in the form YYYY-MM-DD")

// DateOf returns the calendar date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// NewDate returns the date y-m-d; out-of-range parts normalise as in time.Date.
func NewDate(y int, m time.Month, d int) Date {
	return DateOf(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// ParseDate reads a YYYY-MM-DD date strictly: no time, no zone, no padding
// tricks, and only dates that exist.
func ParseDate(s string) (Date, error) {
	if len(s) != len(DateLayout) {
		return 0, ErrMalformedDate
	}
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return 0, ErrMalformedDate
	}
	return DateOf(t), nil
}

// Time returns midnight UTC at the start of d.
func (d Date) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// String formats d as YYYY-MM-DD.
func (d Date) String() string { return d.Time().Format(DateLayout) }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.Time().Weekday() }

// AddDays returns the date n days after d (before it when n is negative).
func (d Date) AddDays(n int) Date { return d + Date(n) }

// MarshalText writes d as YYYY-MM-DD, so Date fields encode as JSON strings.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }
