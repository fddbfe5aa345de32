package currency

import (
	"time"
	_ "time/tzdata" // the publication clock runs in Frankfurt; the runtime image has no zoneinfo
)

// FirstDate is the first day the ECB published euro reference rates.
var FirstDate = NewDate(1999, time.January, 4)

// frankfurt is the ECB's local time zone; the embedded tzdata means loading
// it cannot fail, but a fixed CET offset keeps the package total if it did.
var frankfurt = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return loc
}()

// publicationHour is when the ECB publishes the day's reference rates,
// "around 16:00 CET" on every TARGET business day.
const publicationHour = 16

// IsPublicationDay reports whether the ECB publishes reference rates on d:
// every weekday except the TARGET2 closing days (New Year's Day, Good Friday,
// Easter Monday, 1 May, 25 and 26 December).
func IsPublicationDay(d Date) bool {
	switch d.Weekday() {
	case time.Saturday, time.Sunday:
		return false
	}
	t := d.Time()
	switch m, day := t.Month(), t.Day(); {
	case m == time.January && day == 1,
		m == time.May && day == 1,
		m == time.December && (day == 25 || day == 26):
		return false
	}
	easter := easterSunday(t.Year())
	return d != easter.AddDays(-2) && d != easter.AddDays(1)
}

// PublicationTime returns the instant the rates for d are published:
// 16:00 Frankfurt time on d.
func PublicationTime(d Date) time.Time {
	t := d.Time()
	return time.Date(t.Year(), t.Month(), t.Day(), publicationHour, 0, 0, 0, frankfurt)
}

// ExpectedLatest returns the newest publication date whose rates should be
// out at now, allowing grace for the ECB to be late.
func ExpectedLatest(now time.Time, grace time.Duration) Date {
	d := DateOf(now.In(frankfurt))
	for !IsPublicationDay(d) || PublicationTime(d).Add(grace).After(now) {
		d--
	}
	return d
}

// NextPublication returns the first publication instant strictly after now.
func NextPublication(now time.Time) time.Time {
	d := DateOf(now.In(frankfurt))
	for !IsPublicationDay(d) || !PublicationTime(d).After(now) {
		d++
	}
	return PublicationTime(d)
}

// NextPublicationDay returns the first publication day after d.
func NextPublicationDay(d Date) Date {
	d++
	for !IsPublicationDay(d) {
		d++
	}
	return d
}

// easterSunday computes Western Easter with the anonymous Gregorian
// algorithm (Meeus/Jones/Butcher).
func easterSunday(year int) Date {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return NewDate(year, time.Month(month), day)
}
