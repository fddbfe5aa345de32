package rates_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
	"github.com/currency-convertor-ecs/currency-api/internal/rates"
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

// day returns a publication with one rate per code, from the given source.
func day(t *testing.T, date, source string, codes ...currency.Code) currency.Day {
	t.Helper()
	d := currency.Day{Date: mustDate(t, date), Source: source, Rates: map[currency.Code]currency.Rate{}}
	for i, code := range codes {
		r, err := currency.ParseRate(fmt.Sprintf("1.%d", i+1))
		if err != nil {
			t.Fatalf("ParseRate error = %v", err)
		}
		d.Rates[code] = r
	}
	return d
}

// history builds a history from publications, each carrying USD.
func history(t *testing.T, dates ...string) *currency.History {
	t.Helper()
	var days []currency.Day
	for _, date := range dates {
		days = append(days, day(t, date, "snapshot", "USD"))
	}
	h, ignored := currency.NewHistory(days)
	if len(ignored) > 0 {
		t.Fatalf("NewHistory ignored %v", ignored)
	}
	return h
}

// frankfurt returns the instant of a Frankfurt wall-clock time.
func frankfurt(t *testing.T, date string, hour, minute int) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatalf("load Europe/Berlin: %v", err)
	}
	d := mustDate(t, date).Time()
	return time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, loc)
}

func TestStoreHistory(t *testing.T) {
	h := history(t, "2025-06-02")
	s := rates.NewStore(h, time.Minute)
	if got, want := s.History(), h; got != want {
		t.Errorf("History() = %p, want %p", got, want)
	}
}

func TestStoreMerge(t *testing.T) {
	h := history(t, "2025-06-02", "2025-06-03")
	s := rates.NewStore(h, time.Minute)

	added, ignored := s.Merge([]currency.Day{
		day(t, "2025-06-03", "ecb", "USD", "GBP"), // replaces a held day
		day(t, "2025-06-04", "ecb", "USD", "KWD"),
		day(t, "2025-06-05", "ecb", "USD", "XYZ", "KWD"),
	})
	if got, want := added, 2; got != want {
		t.Errorf("Merge added = %d, want %d", got, want)
	}
	if got, want := ignored, []currency.Code{"KWD", "XYZ"}; !slices.Equal(got, want) {
		t.Errorf("Merge ignored = %v, want %v", got, want)
	}
	got := s.History()
	if got == h {
		t.Fatal("History() after Merge is the old history")
	}
	if got, want := got.Len(), 4; got != want {
		t.Errorf("History().Len() = %d, want %d", got, want)
	}
	if got, want := got.Latest().String(), "2025-06-05"; got != want {
		t.Errorf("History().Latest() = %s, want %s", got, want)
	}
	tbl, ok := got.On(mustDate(t, "2025-06-03"))
	if !ok || tbl.Source != "ecb" {
		t.Errorf("On(2025-06-03) = %v, %t, want the ecb delivery", tbl.Source, ok)
	}
	// A history handed out earlier never changes.
	if got, want := h.Len(), 2; got != want {
		t.Errorf("old history Len() = %d, want %d", got, want)
	}

	added, ignored = s.Merge([]currency.Day{day(t, "2025-06-05", "ecb", "USD")})
	if added != 0 || len(ignored) != 0 {
		t.Errorf("Merge of a held day = %d, %v, want 0, none", added, ignored)
	}
	added, _ = s.Merge(nil)
	if got, want := added, 0; got != want {
		t.Errorf("Merge(nil) added = %d, want %d", got, want)
	}
}

// TestStoreConcurrentMerge runs merges and reads together: under -race
// this checks the store's synchronisation, and the final count checks that
// serialised merges lose nothing.
func TestStoreConcurrentMerge(t *testing.T) {
	s := rates.NewStore(history(t), time.Minute)
	start := mustDate(t, "2025-01-01")
	const writers, perWriter = 8, 25
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				d := currency.Day{Date: start.AddDays(w*perWriter + i), Rates: map[currency.Code]currency.Rate{}}
				d.Rates["USD"], _ = currency.ParseRate("1.1")
				if added, _ := s.Merge([]currency.Day{d}); added != 1 {
					t.Errorf("Merge(%s) added = %d, want 1", d.Date, added)
				}
			}
		})
		wg.Go(func() {
			for range perWriter {
				h := s.History()
				if tbl, ok := h.On(h.Latest()); ok {
					_ = tbl.Codes()
				}
				_ = s.Freshness(time.Now())
			}
		})
	}
	wg.Wait()
	if got, want := s.History().Len(), writers*perWriter; got != want {
		t.Errorf("History().Len() = %d, want %d", got, want)
	}
}

func TestStoreFreshness(t *testing.T) {
	const grace = 30 * time.Minute
	tests := []struct {
		name     string
		held     []string
		now      time.Time
		expected string
		stale    bool
		age      time.Duration
	}{
		{
			name: "before publication", held: []string{"2025-06-03"},
			now: frankfurt(t, "2025-06-04", 15, 0), expected: "2025-06-03", age: 23 * time.Hour,
		},
		{
			name: "within grace", held: []string{"2025-06-03"},
			now: frankfurt(t, "2025-06-04", 16, 29), expected: "2025-06-03", age: 24*time.Hour + 29*time.Minute,
		},
		{
			name: "grace over", held: []string{"2025-06-03"},
			now: frankfurt(t, "2025-06-04", 16, 30), expected: "2025-06-04", stale: true, age: 24*time.Hour + 30*time.Minute,
		},
		{
			name: "published", held: []string{"2025-06-03", "2025-06-04"},
			now: frankfurt(t, "2025-06-04", 16, 30), expected: "2025-06-04", age: 30 * time.Minute,
		},
		{
			name: "weekend", held: []string{"2025-06-06"},
			now: frankfurt(t, "2025-06-09", 9, 0), expected: "2025-06-06", age: 65 * time.Hour,
		},
		{
			name: "Easter", held: []string{"2025-04-17"},
			now: frankfurt(t, "2025-04-22", 16, 29), expected: "2025-04-17", age: 5*24*time.Hour + 29*time.Minute,
		},
		{
			name: "days behind", held: []string{"2025-06-02"},
			now: frankfurt(t, "2025-06-05", 9, 0), expected: "2025-06-04", stale: true, age: 2*24*time.Hour + 17*time.Hour,
		},
		{
			// A held day whose publication time is still ahead (a clock
			// behind, or a snapshot taken in another zone) is not negative.
			name: "ahead of the clock", held: []string{"2025-06-04"},
			now: frankfurt(t, "2025-06-04", 10, 0), expected: "2025-06-03", age: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := rates.NewStore(history(t, tt.held...), grace)
			f := s.Freshness(tt.now)
			if got, want := f.Latest.String(), tt.held[len(tt.held)-1]; got != want {
				t.Errorf("Latest = %s, want %s", got, want)
			}
			if got, want := f.Expected.String(), tt.expected; got != want {
				t.Errorf("Expected = %s, want %s", got, want)
			}
			if got, want := f.Stale, tt.stale; got != want {
				t.Errorf("Stale = %t, want %t", got, want)
			}
			if got, want := f.Age, tt.age; got != want {
				t.Errorf("Age = %v, want %v", got, want)
			}
		})
	}
}

func TestStoreFreshnessEmpty(t *testing.T) {
	s := rates.NewStore(history(t), time.Minute)
	f := s.Freshness(frankfurt(t, "2025-06-04", 12, 0))
	if !f.Stale {
		t.Error("Stale = false for an empty store")
	}
	if got, want := f.Latest, currency.Date(0); got != want {
		t.Errorf("Latest = %v, want %v", got, want)
	}
}
