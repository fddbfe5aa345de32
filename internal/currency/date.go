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
func (d Date) String() string {
	b, _ := d.AppendText(make([]byte, 0, len(DateLayout)))
	return string(b)
}

// AppendText appends d as YYYY-MM-DD to b. It is on every response, so it
// does the calendar arithmetic itself rather than go through time.Format.
func (d Date) AppendText(b []byte) ([]byte, error) {
	y, m, day := civil(int64(d))
	if y < 0 || y > 9999 {
		return d.Time().AppendFormat(b, DateLayout), nil // outside what the service reads; time knows best
	}
	return append(b,
		byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-',
		byte('0'+day/10), byte('0'+day%10)), nil
}

// civil converts days since 1970-01-01 to a proleptic Gregorian year, month
// and day: Howard Hinnant's days_from_civil inverse, exact for every int32.
func civil(days int64) (y, m, d int) {
	z := days + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097                                  // [0, 146096]
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365 // [0, 399]
	doy := doe - (365*yoe + yoe/4 - yoe/100)               // [0, 365]
	mp := (5*doy + 2) / 153                                // [0, 11], March first
	d = int(doy - (153*mp+2)/5 + 1)
	if mp < 10 {
		m = int(mp + 3)
	} else {
		m = int(mp - 9)
	}
	y = int(yoe + era*400)
	if m <= 2 {
		y++
	}
	return y, m, d
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.Time().Weekday() }

// AddDays returns the date n days after d (before it when n is negative).
func (d Date) AddDays(n int) Date { return d + Date(n) }

// MarshalText writes d as YYYY-MM-DD, so Date fields encode as JSON strings.
func (d Date) MarshalText() ([]byte, error) { return d.AppendText(nil) }
