package currency

import (
	"testing"
	"time"
)

func TestEasterSunday(t *testing.T) {
	known := map[int]string{
		1818: "1818-03-22", 1943: "1943-04-25", 1999: "1999-04-04", 2000: "2000-04-23",
		2008: "2008-03-23", 2019: "2019-04-21", 2024: "2024-03-31", 2025: "2025-04-20",
		2026: "2026-04-05", 2038: "2038-04-25", 2285: "2285-03-22",
	}
	for year, want := range known {
		if got := easterSunday(year).String(); got != want {
			t.Errorf("easterSunday(%d) = %s, want %s", year, got, want)
		}
	}
	// Gregorian Easter is a Sunday from 22 March to 25 April.
	for year := 1583; year <= 4099; year++ {
		e := easterSunday(year)
		tm := e.Time()
		if tm.Year() != year || e.Weekday() != time.Sunday ||
			e < NewDate(year, time.March, 22) || e > NewDate(year, time.April, 25) {
			t.Errorf("easterSunday(%d) = %s (%v), not a Sunday from 22 March to 25 April", year, e, e.Weekday())
		}
	}
}
