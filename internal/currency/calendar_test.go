package currency_test

import (
	"testing"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
)

// berlin is the ECB's zone, loaded independently of the package under test.
func berlin(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatalf("load Europe/Berlin: %v", err)
	}
	return loc
}

// at returns the instant of a Frankfurt wall-clock time.
func at(t *testing.T, date string, hour, minute int) time.Time {
	t.Helper()
	d := mustDate(t, date).Time()
	return time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, berlin(t))
}

// TestEasterHolidays checks the computus through the two TARGET closing days
// it decides: Good Friday and Easter Monday are closed, the Thursday before
// and the Tuesday after are open.
func TestEasterHolidays(t *testing.T) {
	for _, easter := range []string{
		"1999-04-04", "2000-04-23", "2001-04-15", "2002-03-31", "2003-04-20", "2004-04-11",
		"2008-03-23", // early
		"2011-04-24", // late
		"2016-03-27", "2018-04-01", "2019-04-21", "2020-04-12", "2021-04-04", "2022-04-17",
		"2023-04-09", "2024-03-31", "2025-04-20", "2026-04-05", "2027-03-28",
		"2038-04-25", // the latest possible date
		"2285-03-22", // the earliest possible date
	} {
		sunday := mustDate(t, easter)
		if got, want := sunday.Weekday(), time.Sunday; got != want {
			t.Fatalf("test data: %s is a %v, want %v", easter, got, want)
		}
		tests := []struct {
			offset int
			want   bool
		}{
			{-3, true},  // Maundy Thursday
			{-2, false}, // Good Friday
			{1, false},  // Easter Monday
			{2, true},   // Tuesday
			{-9, true},  // the Friday a week before
			{9, true},   // the Tuesday a week after (easter+8 may be 1 May)
		}
		for _, tt := range tests {
			d := sunday.AddDays(tt.offset)
			if got := currency.IsPublicationDay(d); got != tt.want {
				t.Errorf("IsPublicationDay(%s, %v, Easter %s) = %t, want %t", d, d.Weekday(), easter, got, tt.want)
			}
		}
	}
}

func TestIsPublicationDay(t *testing.T) {
	tests := []struct {
		date string
		want bool
	}{
		{"2025-06-02", true},  // Monday
		{"2025-06-04", true},  // Wednesday
		{"2025-06-06", true},  // Friday
		{"2025-06-07", false}, // Saturday
		{"2025-06-08", false}, // Sunday
		{"1999-01-04", true},  // the first publication
		{"2025-01-01", false}, // New Year's Day, a Wednesday
		{"2025-01-02", true},
		{"2024-01-01", false}, // Monday
		{"2025-05-01", false}, // Labour Day, a Thursday
		{"2025-05-02", true},
		{"2024-05-01", false}, // Wednesday
		{"2025-12-24", true},  // Christmas Eve is a TARGET day
		{"2025-12-25", false}, // Thursday
		{"2025-12-26", false}, // Friday
		{"2024-12-25", false}, // Wednesday
		{"2024-12-26", false}, // Thursday
		{"2024-12-27", true},
		{"2025-12-31", true},
		{"2025-10-03", true}, // German Unity Day: not a TARGET holiday
		{"2025-05-29", true}, // Ascension Day: not a TARGET holiday
		{"2025-06-09", true}, // Whit Monday: not a TARGET holiday
	}
	for _, tt := range tests {
		d := mustDate(t, tt.date)
		if got := currency.IsPublicationDay(d); got != tt.want {
			t.Errorf("IsPublicationDay(%s, %v) = %t, want %t", tt.date, d.Weekday(), got, tt.want)
		}
	}
}

func TestIsPublicationDayCount(t *testing.T) {
	// 2025 has 261 weekdays; New Year, Good Friday, Easter Monday, 1 May,
	// 25 and 26 December all fall on weekdays, leaving 255.
	n := 0
	for d := mustDate(t, "2025-01-01"); d <= mustDate(t, "2025-12-31"); d++ {
		if currency.IsPublicationDay(d) {
			n++
		}
	}
	if got, want := n, 255; got != want {
		t.Errorf("publication days in 2025 = %d, want %d", got, want)
	}
}

func TestPublicationTime(t *testing.T) {
	tests := []struct {
		date string
		want string // the UTC instant
	}{
		{"2025-01-15", "2025-01-15T15:00:00Z"}, // CET, UTC+1
		{"2025-03-28", "2025-03-28T15:00:00Z"}, // last Friday of winter time
		{"2025-03-31", "2025-03-31T14:00:00Z"}, // first Monday of summer time
		{"2025-06-04", "2025-06-04T14:00:00Z"}, // CEST, UTC+2
		{"2025-10-24", "2025-10-24T14:00:00Z"},
		{"2025-10-27", "2025-10-27T15:00:00Z"},
		{"2025-12-31", "2025-12-31T15:00:00Z"},
	}
	for _, tt := range tests {
		got := currency.PublicationTime(mustDate(t, tt.date))
		if got, want := got.UTC().Format(time.RFC3339), tt.want; got != want {
			t.Errorf("PublicationTime(%s) = %s, want %s", tt.date, got, want)
		}
		local := got.In(berlin(t))
		if got, want := local.Format("2006-01-02 15:04"), tt.date+" 16:00"; got != want {
			t.Errorf("PublicationTime(%s) in Berlin = %s, want %s", tt.date, got, want)
		}
	}
}

func TestExpectedLatest(t *testing.T) {
	const grace = 30 * time.Minute
	newYork := time.FixedZone("EDT", -4*3600)
	tests := []struct {
		name  string
		now   time.Time
		grace time.Duration
		want  string
	}{
		{"before publication", at(t, "2025-06-04", 15, 59), grace, "2025-06-03"},
		{"within grace", at(t, "2025-06-04", 16, 29), grace, "2025-06-03"},
		{"grace just over", at(t, "2025-06-04", 16, 30), grace, "2025-06-04"},
		{"evening", at(t, "2025-06-04", 23, 59), grace, "2025-06-04"},
		{"no grace at 16:00", at(t, "2025-06-04", 16, 0), 0, "2025-06-04"},
		{"no grace before 16:00", at(t, "2025-06-04", 15, 59), 0, "2025-06-03"},
		{"after midnight", at(t, "2025-06-05", 0, 30), grace, "2025-06-04"},
		{"UTC evening is Berlin's next day", time.Date(2025, time.June, 4, 22, 30, 0, 0, time.UTC), grace, "2025-06-04"},
		{"New York evening", time.Date(2025, time.June, 4, 22, 30, 0, 0, newYork), grace, "2025-06-04"},
		{"winter", at(t, "2025-01-15", 16, 45), grace, "2025-01-15"},
		{"Monday morning", at(t, "2025-06-02", 9, 0), grace, "2025-05-30"},
		{"Monday afternoon", at(t, "2025-06-02", 16, 15), grace, "2025-05-30"},
		{"Monday evening", at(t, "2025-06-02", 17, 0), grace, "2025-06-02"},
		{"Saturday", at(t, "2025-06-07", 12, 0), grace, "2025-06-06"},
		{"Sunday", at(t, "2025-06-08", 23, 0), grace, "2025-06-06"},
		{"Good Friday", at(t, "2025-04-18", 18, 0), grace, "2025-04-17"},
		{"Easter Monday", at(t, "2025-04-21", 18, 0), grace, "2025-04-17"},
		{"Tuesday after Easter, morning", at(t, "2025-04-22", 10, 0), grace, "2025-04-17"},
		{"Tuesday after Easter, evening", at(t, "2025-04-22", 17, 0), grace, "2025-04-22"},
		{"Christmas weekend", at(t, "2025-12-28", 12, 0), grace, "2025-12-24"},
		{"New Year's Day", at(t, "2026-01-01", 17, 0), grace, "2025-12-31"},
		{"Monday after DST starts", at(t, "2025-03-31", 16, 31), grace, "2025-03-31"},
		{"large grace", at(t, "2025-06-04", 17, 0), 26 * time.Hour, "2025-06-02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := currency.ExpectedLatest(tt.now, tt.grace).String(), tt.want; got != want {
				t.Errorf("ExpectedLatest(%v, %v) = %s, want %s", tt.now, tt.grace, got, want)
			}
		})
	}
}

func TestNextPublication(t *testing.T) {
	tests := []struct {
		name string
		now  time.Time
		want string // Frankfurt date of the 16:00 publication
	}{
		{"morning", at(t, "2025-06-04", 9, 0), "2025-06-04"},
		{"a minute before", at(t, "2025-06-04", 15, 59), "2025-06-04"},
		{"exactly at 16:00", at(t, "2025-06-04", 16, 0), "2025-06-05"},
		{"a nanosecond before", at(t, "2025-06-04", 16, 0).Add(-time.Nanosecond), "2025-06-04"},
		{"evening", at(t, "2025-06-04", 20, 0), "2025-06-05"},
		{"Friday evening", at(t, "2025-06-06", 16, 0), "2025-06-09"},
		{"Saturday", at(t, "2025-06-07", 10, 0), "2025-06-09"},
		{"Sunday night", at(t, "2025-06-08", 23, 59), "2025-06-09"},
		{"before Easter", at(t, "2025-04-17", 17, 0), "2025-04-22"},
		{"Good Friday morning", at(t, "2025-04-18", 9, 0), "2025-04-22"},
		{"Christmas Eve", at(t, "2025-12-24", 17, 0), "2025-12-29"},
		{"New Year's Eve", at(t, "2025-12-31", 17, 0), "2026-01-02"},
		{"before 1 May", at(t, "2025-04-30", 17, 0), "2025-05-02"},
		{"UTC evening", time.Date(2025, time.June, 4, 23, 0, 0, 0, time.UTC), "2025-06-05"},
		{"into summer time", at(t, "2025-03-28", 17, 0), "2025-03-31"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := currency.NextPublication(tt.now)
			if want := currency.PublicationTime(mustDate(t, tt.want)); !got.Equal(want) {
				t.Errorf("NextPublication(%v) = %v, want %v", tt.now, got, want)
			}
			if !got.After(tt.now) {
				t.Errorf("NextPublication(%v) = %v, not after now", tt.now, got)
			}
		})
	}
}

// TestNextPublicationAgreesWithExpectedLatest checks the two schedule
// functions against each other hour by hour through a year: the publication
// expected at now (no grace) is the last one at or before now, and the next
// publication is the first publication day after it.
func TestNextPublicationAgreesWithExpectedLatest(t *testing.T) {
	start := at(t, "2025-01-01", 0, 0)
	for now := start; now.Before(start.AddDate(1, 0, 0)); now = now.Add(time.Hour) {
		latest := currency.ExpectedLatest(now, 0)
		next := currency.NextPublication(now)
		if p := currency.PublicationTime(latest); p.After(now) {
			t.Fatalf("ExpectedLatest(%v) = %s, published after now", now, latest)
		}
		if !currency.IsPublicationDay(latest) {
			t.Fatalf("ExpectedLatest(%v) = %s, not a publication day", now, latest)
		}
		d := latest.AddDays(1)
		for !currency.IsPublicationDay(d) {
			d++
		}
		if want := currency.PublicationTime(d); !next.Equal(want) {
			t.Fatalf("NextPublication(%v) = %v, want %v (latest %s)", now, next, want, latest)
		}
	}
}

// TestNextPublicationDay holds the day-level step to NextPublication, the
// instant-level one: from the last moment of any day from 1999 to 2030,
// both name the same next publication.
func TestNextPublicationDay(t *testing.T) {
	for d := currency.FirstDate; d < currency.NewDate(2031, time.January, 1); d++ {
		endOfDay := currency.PublicationTime(d).Add(8*time.Hour - time.Nanosecond) // 23:59:59.999 in Frankfurt
		want := currency.DateOf(currency.NextPublication(endOfDay).UTC())
		if got := currency.NextPublicationDay(d); got != want {
			t.Fatalf("NextPublicationDay(%s) = %s, want %s", d, got, want)
		}
	}
}
