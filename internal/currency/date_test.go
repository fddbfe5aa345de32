package currency_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
)

// mustDate parses a YYYY-MM-DD date or fails the test.
func mustDate(t *testing.T, s string) currency.Date {
	t.Helper()
	d, err := currency.ParseDate(s)
	if err != nil {
		t.Fatalf("ParseDate(%q) error = %v", s, err)
	}
	return d
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want currency.Date
	}{
		{"1970-01-01", 0},
		{"1970-01-02", 1},
		{"1969-12-31", -1},
		{"1999-01-04", currency.NewDate(1999, time.January, 4)},
		{"2024-02-29", currency.NewDate(2024, time.February, 29)},
		{"2025-02-03", currency.NewDate(2025, time.February, 3)},
		{"2025-12-31", currency.NewDate(2025, time.December, 31)},
	}
	for _, tt := range tests {
		got, err := currency.ParseDate(tt.in)
		if err != nil {
			t.Errorf("ParseDate(%q) error = %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseDate(%q) = %d, want %d", tt.in, got, tt.want)
		}
		if got, want := got.String(), tt.in; got != want {
			t.Errorf("ParseDate(%q).String() = %s, want %s", tt.in, got, want)
		}
	}
}

func TestParseDateInvalid(t *testing.T) {
	for _, in := range []string{
		"", "2025-02-30", "2023-02-29", "2025-13-01", "2025-00-10", "2025-01-00", "2025-01-32",
		"2025-2-3", "2025-02-3", "2025-2-03", "20250203", "2025/02/03", "03-02-2025",
		"2025-02-03T00:00:00Z", "2025-02-03 00:00", "2025-02-03Z",
		" 2025-02-03", "2025-02-03 ", " 2025-02-3", "2025-02-3 ", "\t2025-02-03",
		"+202-01-01", "-202-01-01", "2025-0x-01", "yesterday",
		"\uff12\uff10\uff12\uff15-02-03", // full-width year
	} {
		if d, err := currency.ParseDate(in); !errors.Is(err, currency.ErrMalformedDate) {
			t.Errorf("ParseDate(%q) = %v, %v, want %v", in, d, err, currency.ErrMalformedDate)
		}
	}
}

func TestDateRoundTrip(t *testing.T) {
	// Every day over several centuries formats and parses back to itself.
	for d := currency.NewDate(1900, time.January, 1); d <= currency.NewDate(2100, time.December, 31); d++ {
		got, err := currency.ParseDate(d.String())
		if err != nil || got != d {
			t.Fatalf("ParseDate(%s) = %d, %v, want %d", d, got, err, d)
		}
		if got, want := d.AddDays(1), d+1; got != want || got.String() == d.String() {
			t.Fatalf("%s.AddDays(1) = %s, want %s", d, got, want)
		}
	}
}

func TestDateOf(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	newYork := time.FixedZone("EST", -5*3600)
	instant := time.Date(2025, time.March, 1, 23, 30, 0, 0, time.UTC)
	tests := []struct {
		t    time.Time
		want string
	}{
		{instant, "2025-03-01"},
		{instant.In(tokyo), "2025-03-02"}, // the date in t's own location
		{instant.In(newYork), "2025-03-01"},
		{time.Date(2025, time.March, 1, 0, 0, 0, 0, newYork), "2025-03-01"},
		{time.Date(1969, time.July, 20, 20, 17, 0, 0, time.UTC), "1969-07-20"},
	}
	for _, tt := range tests {
		if got, want := currency.DateOf(tt.t).String(), tt.want; got != want {
			t.Errorf("DateOf(%v) = %s, want %s", tt.t, got, want)
		}
	}
}

func TestNewDateNormalises(t *testing.T) {
	if got, want := currency.NewDate(2025, time.February, 29), mustDate(t, "2025-03-01"); got != want {
		t.Errorf("NewDate(2025, February, 29) = %s, want %s", got, want)
	}
	if got, want := currency.NewDate(2025, time.January, 0), mustDate(t, "2024-12-31"); got != want {
		t.Errorf("NewDate(2025, January, 0) = %s, want %s", got, want)
	}
}

func TestDateAddDays(t *testing.T) {
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2025-02-28", 1, "2025-03-01"},
		{"2024-02-28", 1, "2024-02-29"},
		{"2024-12-31", 1, "2025-01-01"},
		{"2025-01-01", -1, "2024-12-31"},
		{"2025-03-30", 0, "2025-03-30"},
		{"2025-03-29", 1, "2025-03-30"}, // the night clocks change in Europe
		{"2025-01-01", 365, "2026-01-01"},
		{"2024-01-01", 366, "2025-01-01"},
	}
	for _, tt := range tests {
		if got, want := mustDate(t, tt.from).AddDays(tt.n).String(), tt.want; got != want {
			t.Errorf("%s.AddDays(%d) = %s, want %s", tt.from, tt.n, got, want)
		}
	}
}

func TestDateWeekday(t *testing.T) {
	tests := []struct {
		date string
		want time.Weekday
	}{
		{"1970-01-01", time.Thursday},
		{"1969-12-31", time.Wednesday},
		{"1999-01-04", time.Monday},
		{"2025-02-03", time.Monday},
		{"2025-02-08", time.Saturday},
		{"2025-02-09", time.Sunday},
		{"2000-02-29", time.Tuesday},
	}
	for _, tt := range tests {
		if got := mustDate(t, tt.date).Weekday(); got != tt.want {
			t.Errorf("%s.Weekday() = %v, want %v", tt.date, got, tt.want)
		}
	}
}

func TestDateTime(t *testing.T) {
	d := mustDate(t, "2025-06-15")
	if got, want := d.Time(), time.Date(2025, time.June, 15, 0, 0, 0, 0, time.UTC); !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("%s.Time() = %v, want %v", d, got, want)
	}
}

func TestDateMarshalText(t *testing.T) {
	d := mustDate(t, "2025-02-03")
	text, err := d.MarshalText()
	if err != nil {
		t.Fatalf("MarshalText() error = %v", err)
	}
	if got, want := string(text), "2025-02-03"; got != want {
		t.Errorf("MarshalText() = %s, want %s", got, want)
	}
	b, err := json.Marshal(struct {
		Date   currency.Date         `json:"date"`
		ByDate map[currency.Date]int `json:"by_date"`
	}{d, map[currency.Date]int{d: 1}})
	if err != nil {
		t.Fatalf("json.Marshal error = %v", err)
	}
	if got, want := string(b), `{"date":"2025-02-03","by_date":{"2025-02-03":1}}`; got != want {
		t.Errorf("json.Marshal = %s, want %s", got, want)
	}
}

func TestFirstDate(t *testing.T) {
	if got, want := currency.FirstDate.String(), "1999-01-04"; got != want {
		t.Errorf("FirstDate = %s, want %s", got, want)
	}
}

// TestDateTextMatchesTime checks the hand-written calendar arithmetic of
// AppendText against the time package, day by day from 1900 to 2200 and
// at the ends of the range Date can hold.
func TestDateTextMatchesTime(t *testing.T) {
	check := func(d currency.Date) {
		t.Helper()
		want := d.Time().Format(currency.DateLayout)
		if got := d.String(); got != want {
			t.Fatalf("Date(%d).String() = %q, want %q", int32(d), got, want)
		}
		if got, _ := d.MarshalText(); string(got) != want {
			t.Fatalf("Date(%d).MarshalText() = %q, want %q", int32(d), got, want)
		}
	}
	for d := currency.NewDate(1900, time.January, 1); d <= currency.NewDate(2200, time.December, 31); d++ {
		check(d)
	}
	for _, d := range []currency.Date{math.MinInt32, math.MinInt32 + 1, -719528, -719529, -1, 0, 1, 2932896, 2932897, math.MaxInt32} {
		check(d)
	}
}
