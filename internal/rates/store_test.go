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
	s := rates.NewStore(h, testPolicy)
	if got, want := s.History(), h; got != want {
		t.Errorf("History() = %p, want %p", got, want)
	}
}

func TestStoreMerge(t *testing.T) {
	h := history(t, "2025-06-02", "2025-06-03")
	s := rates.NewStore(h, testPolicy)

	added, ignored := s.Merge([]currency.Day{
		day(t, "2025-06-03", "ecb", "USD", "GBP"), // held already: kept as it was
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
	if !ok || tbl.Source != "snapshot" {
		t.Errorf("On(2025-06-03) = %v, %t, want the snapshot's publication, never replaced", tbl.Source, ok)
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
	s := rates.NewStore(history(t), testPolicy)
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
				_ = s.Status(time.Now())
				_, _ = s.Lookup(time.Now(), 0)
			}
		})
	}
	wg.Wait()
	if got, want := s.History().Len(), writers*perWriter; got != want {
		t.Errorf("History().Len() = %d, want %d", got, want)
	}
}

// testPolicy is the service's default: due at 16:05, stale from 17:00.
var testPolicy = rates.Policy{Settle: 5 * time.Minute, StaleAfter: time.Hour}

func TestStoreStatus(t *testing.T) {
	tests := []struct {
		name          string
		held          []string
		now           time.Time
		next          string
		due           time.Time
		expected      string
		behind, stale bool
		age           time.Duration
	}{
		{
			name: "before publication", held: []string{"2025-06-03"}, now: frankfurt(t, "2025-06-04", 15, 0),
			next: "2025-06-04", due: frankfurt(t, "2025-06-04", 16, 5), expected: "2025-06-03", age: 23 * time.Hour,
		},
		{
			name: "published, not yet due", held: []string{"2025-06-03"}, now: frankfurt(t, "2025-06-04", 16, 4),
			next: "2025-06-04", due: frankfurt(t, "2025-06-04", 16, 5), expected: "2025-06-03", age: 24*time.Hour + 4*time.Minute,
		},
		{
			name: "due", held: []string{"2025-06-03"}, now: frankfurt(t, "2025-06-04", 16, 5),
			next: "2025-06-04", due: frankfurt(t, "2025-06-04", 16, 5), expected: "2025-06-04", behind: true, age: 24*time.Hour + 5*time.Minute,
		},
		{
			name: "stale", held: []string{"2025-06-03"}, now: frankfurt(t, "2025-06-04", 17, 0),
			next: "2025-06-04", due: frankfurt(t, "2025-06-04", 16, 5), expected: "2025-06-04", behind: true, stale: true, age: 25 * time.Hour,
		},
		{
			name: "held", held: []string{"2025-06-03", "2025-06-04"}, now: frankfurt(t, "2025-06-04", 16, 30),
			next: "2025-06-05", due: frankfurt(t, "2025-06-05", 16, 5), expected: "2025-06-04", age: 30 * time.Minute,
		},
		{
			name: "weekend", held: []string{"2025-06-06"}, now: frankfurt(t, "2025-06-09", 9, 0),
			next: "2025-06-09", due: frankfurt(t, "2025-06-09", 16, 5), expected: "2025-06-06", age: 65 * time.Hour,
		},
		{
			name: "Easter", held: []string{"2025-04-17"}, now: frankfurt(t, "2025-04-22", 16, 4),
			next: "2025-04-22", due: frankfurt(t, "2025-04-22", 16, 5), expected: "2025-04-17", age: 5*24*time.Hour + 4*time.Minute,
		},
		{
			name: "days behind", held: []string{"2025-06-02"}, now: frankfurt(t, "2025-06-05", 9, 0),
			next: "2025-06-03", due: frankfurt(t, "2025-06-03", 16, 5), expected: "2025-06-04", behind: true, stale: true, age: 2*24*time.Hour + 17*time.Hour,
		},
		{
			// A held day whose publication time is still ahead (a clock
			// behind, or a snapshot taken in another zone) is not negative.
			name: "ahead of the clock", held: []string{"2025-06-04"}, now: frankfurt(t, "2025-06-04", 10, 0),
			next: "2025-06-05", due: frankfurt(t, "2025-06-05", 16, 5), expected: "2025-06-03", age: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := rates.NewStore(history(t, tt.held...), testPolicy)
			st := s.Status(tt.now)
			if got, want := st.Latest.String(), tt.held[len(tt.held)-1]; got != want {
				t.Errorf("Latest = %s, want %s", got, want)
			}
			if got, want := st.Source, "snapshot"; got != want {
				t.Errorf("Source = %q, want %q", got, want)
			}
			if got, want := st.Next.String(), tt.next; got != want {
				t.Errorf("Next = %s, want %s", got, want)
			}
			if got, want := st.Due, tt.due; !got.Equal(want) {
				t.Errorf("Due = %v, want %v", got, want)
			}
			if got, want := st.Expected.String(), tt.expected; got != want {
				t.Errorf("Expected = %s, want %s", got, want)
			}
			if st.Behind != tt.behind || st.Stale != tt.stale {
				t.Errorf("Behind, Stale = %t, %t, want %t, %t", st.Behind, st.Stale, tt.behind, tt.stale)
			}
			if got, want := st.Age, tt.age; got != want {
				t.Errorf("Age = %v, want %v", got, want)
			}
		})
	}
}

func TestStoreStatusEmpty(t *testing.T) {
	s := rates.NewStore(history(t), testPolicy)
	st := s.Status(frankfurt(t, "2025-06-04", 12, 0))
	if !st.Stale || !st.Behind {
		t.Errorf("Stale, Behind = %t, %t for an empty store, want both", st.Stale, st.Behind)
	}
	if got, want := st.Latest, currency.Date(0); got != want {
		t.Errorf("Latest = %v, want %v", got, want)
	}
	if _, ok := s.Lookup(frankfurt(t, "2025-06-04", 12, 0), 0); ok {
		t.Error("Lookup on an empty store found a table")
	}
}

func TestStoreLookupDated(t *testing.T) {
	s := rates.NewStore(history(t, "2025-06-02", "2025-06-03", "2025-06-06"), testPolicy)
	now := frankfurt(t, "2025-06-09", 18, 0) // Monday's rates are missing: stale
	tests := []struct {
		date, table string
		final       bool
	}{
		{"2025-06-02", "2025-06-02", true},
		{"2025-06-05", "2025-06-03", true}, // no publication held that day: the one before
		{"2025-06-06", "2025-06-06", true},
		// The weekend after the newest held: Friday's answer, for good.
		{"2025-06-07", "2025-06-06", true},
		{"2025-06-08", "2025-06-06", true},
		{"2025-06-09", "2025-06-06", false}, // Monday's is due and missing: follows the newest
		{"2025-06-10", "2025-06-06", false},
	}
	for _, tt := range tests {
		a, ok := s.Lookup(now, mustDate(t, tt.date))
		if !ok {
			t.Fatalf("Lookup(%s) found nothing", tt.date)
		}
		if got := a.Table.Date.String(); got != tt.table {
			t.Errorf("Lookup(%s).Table.Date = %s, want %s", tt.date, got, tt.table)
		}
		if a.Final != tt.final || a.Stale == tt.final {
			t.Errorf("Lookup(%s) Final, Stale = %t, %t, want %t, %t", tt.date, a.Final, a.Stale, tt.final, !tt.final)
		}
		wantAge := rates.MaxAgeFinal
		if !tt.final {
			wantAge = rates.MaxAgeBehind
		}
		if a.MaxAge != wantAge {
			t.Errorf("Lookup(%s).MaxAge = %v, want %v", tt.date, a.MaxAge, wantAge)
		}
	}
	if _, ok := s.Lookup(now, mustDate(t, "2025-06-01")); ok {
		t.Error("Lookup before the oldest publication found a table")
	}
}
