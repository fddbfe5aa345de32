package rates

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
)

// edge is one instant of the publication day and what the policy must say
// of it: the lifetime of an answer from the newest rates, whether it is
// stale, and when a task that started then (its first fetch found nothing
// new) fetches again.
type edge struct {
	name       string
	holding    string // newest publication held
	at         string // Frankfurt wall-clock time, YYYY-MM-DD HH:MM
	maxAge     time.Duration
	revalidate time.Duration
	stale      bool
	// refreshIn is the wait before the next fetch with no jitter; 0 means
	// the store is behind, so the task retries on its backoff instead.
	refreshIn time.Duration
}

// TestPolicyAtTheEdgesOfTheDay pins the freshness policy at the instants
// where it changes, with the service's defaults (due 16:05, stale from
// 17:00 CET or CEST).
func TestPolicyAtTheEdgesOfTheDay(t *testing.T) {
	var edges []edge
	// An ordinary Wednesday, in summer (CEST) and in winter (CET), before
	// and after the task has the day's rates.
	for _, day := range []struct{ today, yesterday, tomorrow string }{
		{"2025-06-04", "2025-06-03", "2025-06-05"},
		{"2025-01-15", "2025-01-14", "2025-01-16"},
	} {
		y, d := day.yesterday, day.today
		edges = append(edges,
			edge{"15:59 holding yesterday", y, d + " 15:59", 6 * time.Minute, 0, false, 6 * time.Minute},
			edge{"16:00 holding yesterday", y, d + " 16:00", 5 * time.Minute, 0, false, 5 * time.Minute},
			edge{"16:02 holding yesterday", y, d + " 16:02", 3 * time.Minute, 0, false, 3 * time.Minute},
			edge{"16:05 holding yesterday", y, d + " 16:05", time.Minute, time.Minute, false, 0},
			edge{"16:06 holding yesterday", y, d + " 16:06", time.Minute, time.Minute, false, 0},
			edge{"17:00 holding yesterday", y, d + " 17:00", time.Minute, time.Minute, true, 0},
			edge{"17:01 holding yesterday", y, d + " 17:01", time.Minute, time.Minute, true, 0},
			// The ECB published early and the task already has it.
			edge{"16:00 holding today", d, d + " 16:00", time.Hour, 0, false, 24*time.Hour + 5*time.Minute},
			edge{"16:02 holding today", d, d + " 16:02", time.Hour, 0, false, 24*time.Hour + 3*time.Minute},
			edge{"16:06 holding today", d, d + " 16:06", time.Hour, 0, false, 23*time.Hour + 59*time.Minute},
			edge{"17:01 holding today", d, d + " 17:01", time.Hour, 0, false, 23*time.Hour + 4*time.Minute},
			edge{"15:10 holding yesterday, an hour at most", y, d + " 15:10", 55 * time.Minute, 0, false, 55 * time.Minute},
			edge{"14:00 holding yesterday, capped", y, d + " 14:00", time.Hour, 0, false, 2*time.Hour + 5*time.Minute},
		)
		_ = day.tomorrow
	}
	edges = append(edges,
		// Friday to Monday: Friday's rates last the weekend and expire when
		// Monday's are due.
		edge{"Friday 17:00 holding Friday", "2025-05-09", "2025-05-09 17:00", time.Hour, 0, false, 71*time.Hour + 5*time.Minute},
		edge{"Saturday holding Friday", "2025-05-09", "2025-05-10 12:00", time.Hour, 0, false, 52*time.Hour + 5*time.Minute},
		edge{"Monday 15:59 holding Friday", "2025-05-09", "2025-05-12 15:59", 6 * time.Minute, 0, false, 6 * time.Minute},
		edge{"Monday 16:01 holding Friday", "2025-05-09", "2025-05-12 16:01", 4 * time.Minute, 0, false, 4 * time.Minute},
		edge{"Monday 16:05 holding Friday", "2025-05-09", "2025-05-12 16:05", time.Minute, time.Minute, false, 0},
		edge{"Monday 17:01 holding Friday", "2025-05-09", "2025-05-12 17:01", time.Minute, time.Minute, true, 0},
		edge{"Tuesday 09:00 holding Friday", "2025-05-09", "2025-05-13 09:00", time.Minute, time.Minute, true, 0},
		// The DST change days are Sundays: the wait to Monday is an hour
		// shorter in March and an hour longer in October.
		edge{"Saturday before summer time", "2025-03-28", "2025-03-29 17:00", time.Hour, 0, false, 46*time.Hour + 5*time.Minute},
		edge{"summer time Sunday 16:00", "2025-03-28", "2025-03-30 16:00", time.Hour, 0, false, 24*time.Hour + 5*time.Minute},
		edge{"summer time Monday 16:02", "2025-03-28", "2025-03-31 16:02", 3 * time.Minute, 0, false, 3 * time.Minute},
		edge{"summer time Monday 17:00", "2025-03-28", "2025-03-31 17:00", time.Minute, time.Minute, true, 0},
		edge{"Saturday before winter time", "2025-10-24", "2025-10-25 17:00", time.Hour, 0, false, 48*time.Hour + 5*time.Minute},
		edge{"winter time Sunday 16:00", "2025-10-24", "2025-10-26 16:00", time.Hour, 0, false, 24*time.Hour + 5*time.Minute},
		edge{"winter time Monday 16:02", "2025-10-24", "2025-10-27 16:02", 3 * time.Minute, 0, false, 3 * time.Minute},
		edge{"winter time Monday 17:01", "2025-10-24", "2025-10-27 17:01", time.Minute, time.Minute, true, 0},
		// TARGET holidays publish nothing: Thursday's rates last from Good
		// Friday to Easter Tuesday, Wednesday's over 1 May, and Christmas
		// Eve's over Christmas and St Stephen's Day.
		edge{"Good Friday 16:06", "2025-04-17", "2025-04-18 16:06", time.Hour, 0, false, 95*time.Hour + 59*time.Minute},
		edge{"Easter Monday 17:01", "2025-04-17", "2025-04-21 17:01", time.Hour, 0, false, 23*time.Hour + 4*time.Minute},
		edge{"Easter Tuesday 16:02", "2025-04-17", "2025-04-22 16:02", 3 * time.Minute, 0, false, 3 * time.Minute},
		edge{"Easter Tuesday 17:00", "2025-04-17", "2025-04-22 17:00", time.Minute, time.Minute, true, 0},
		edge{"1 May 16:06", "2025-04-30", "2025-05-01 16:06", time.Hour, 0, false, 23*time.Hour + 59*time.Minute},
		edge{"1 May 17:01", "2025-04-30", "2025-05-01 17:01", time.Hour, 0, false, 23*time.Hour + 4*time.Minute},
		edge{"25 December 17:01", "2025-12-24", "2025-12-25 17:01", time.Hour, 0, false, 95*time.Hour + 4*time.Minute},
		edge{"26 December 16:06", "2025-12-24", "2025-12-26 16:06", time.Hour, 0, false, 71*time.Hour + 59*time.Minute},
		edge{"1 January 16:06", "2025-12-31", "2026-01-01 16:06", time.Hour, 0, false, 23*time.Hour + 59*time.Minute},
	)
	for _, e := range edges {
		now := frankfurtClock(t, e.at)
		t.Run(e.at+" "+e.name, func(t *testing.T) {
			r := testRefresher(t, time.Minute, time.Hour, e.holding)
			a, ok := r.store.Lookup(now, 0)
			if !ok {
				t.Fatal("no table")
			}
			if a.MaxAge != e.maxAge || a.Revalidate != e.revalidate || a.Stale != e.stale {
				t.Errorf("Lookup: max-age %v, revalidate %v, stale %t; want %v, %v, %t", a.MaxAge, a.Revalidate, a.Stale, e.maxAge, e.revalidate, e.stale)
			}
			if a.Final {
				t.Error("Lookup of the newest rates is final")
			}
			st := r.store.Status(now)
			if behind := e.refreshIn == 0; st.Behind != behind {
				t.Errorf("Status.Behind = %t, want %t", st.Behind, behind)
			}
			// What Run does after a fetch that brought nothing new.
			failures := 0
			if st.Behind {
				failures = 1
			}
			got := r.nextWait(now, failures, 0)
			if e.refreshIn == 0 {
				if got != r.cfg.RetryMin/2 {
					t.Errorf("next fetch in %v, want the first backoff %v", got, r.cfg.RetryMin/2)
				}
				return
			}
			if got != e.refreshIn {
				t.Errorf("next fetch in %v (at %v), want %v", got, now.Add(got), e.refreshIn)
			}
		})
	}
}

// frankfurtClock reads "YYYY-MM-DD HH:MM" as Frankfurt wall-clock time.
func frankfurtClock(t *testing.T, s string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	at, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

func TestNewRefresherRejectsIncompleteConfig(t *testing.T) {
	store := NewStore(&currency.History{}, Policy{Settle: time.Minute})
	good := RefresherConfig{Logger: slog.New(slog.DiscardHandler), Timeout: time.Second, RetryMin: time.Second, RetryMax: time.Minute, Now: time.Now}
	tests := []struct {
		name   string
		source Source
		store  *Store
		edit   func(*RefresherConfig)
		want   string
	}{
		{"zero timeout", nopSource{}, store, func(c *RefresherConfig) { c.Timeout = 0 }, "fetch timeout 0s: must be positive"},
		{"negative timeout", nopSource{}, store, func(c *RefresherConfig) { c.Timeout = -time.Second }, "fetch timeout -1s"},
		{"nil clock", nopSource{}, store, func(c *RefresherConfig) { c.Now = nil }, "no clock"},
		{"nil logger", nopSource{}, store, func(c *RefresherConfig) { c.Logger = nil }, "no logger"},
		{"zero backoff", nopSource{}, store, func(c *RefresherConfig) { c.RetryMin = 0 }, "retry backoff 0s to 1m0s"},
		{"backoff cap below floor", nopSource{}, store, func(c *RefresherConfig) { c.RetryMax = time.Millisecond }, "want 0 < min <= max"},
		{"no source", nil, store, nil, "no source"},
		{"no store", nopSource{}, nil, nil, "no store"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := good
			if tt.edit != nil {
				tt.edit(&cfg)
			}
			r, err := NewRefresher(tt.source, tt.store, cfg)
			if err == nil || r != nil {
				t.Fatalf("NewRefresher = %v, %v; want an error", r, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
	if _, err := NewRefresher(nopSource{}, store, good); err != nil {
		t.Errorf("NewRefresher with a complete config: %v", err)
	}
}
