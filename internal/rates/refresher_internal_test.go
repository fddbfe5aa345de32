package rates

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
)

// wantBackoff is min(RetryMin·2^(failures−1), RetryMax), computed by
// saturating doubling so that it cannot overflow.
func wantBackoff(minWait, maxWait time.Duration, failures int) time.Duration {
	b := minWait
	for range failures - 1 {
		if b >= maxWait {
			break
		}
		b *= 2
	}
	return min(b, maxWait)
}

func TestNextWaitBackoff(t *testing.T) {
	tests := []struct {
		name     string
		retryMin time.Duration
		retryMax time.Duration
		failures int
		backoff  time.Duration
	}{
		{"first failure", time.Minute, time.Hour, 1, time.Minute},
		{"second", time.Minute, time.Hour, 2, 2 * time.Minute},
		{"third", time.Minute, time.Hour, 3, 4 * time.Minute},
		{"sixth", time.Minute, time.Hour, 6, 32 * time.Minute},
		{"capped", time.Minute, time.Hour, 7, time.Hour},
		{"stays capped", time.Minute, time.Hour, 8, time.Hour},
		// A day of failures: RetryMin·2^28 no longer fits in an int64.
		{"shift overflows int64", time.Minute, time.Hour, 29, time.Hour},
		{"shift overflows, 30", time.Minute, time.Hour, 30, time.Hour},
		{"many failures", time.Minute, time.Hour, 40, time.Hour},
		{"very many failures", time.Minute, time.Hour, 1 << 20, time.Hour},
		{"five-minute floor overflows sooner", 5 * time.Minute, 6 * time.Hour, 27, 6 * time.Hour},
		{"second floor", time.Second, 24 * time.Hour, 17, 65536 * time.Second},
		{"second floor capped", time.Second, 24 * time.Hour, 18, 24 * time.Hour},
		{"exactly the cap", time.Minute, 4 * time.Minute, 3, 4 * time.Minute},
	}
	now := time.Date(2025, time.June, 4, 12, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := wantBackoff(tt.retryMin, tt.retryMax, tt.failures), tt.backoff; got != want {
				t.Fatalf("test data: wantBackoff = %v, table says %v", got, want)
			}
			r := testRefresher(t, tt.retryMin, tt.retryMax, "2025-06-03")
			if got, want := r.nextWait(now, tt.failures, 0), tt.backoff/2; got != want {
				t.Errorf("nextWait(failures %d, jitter 0) = %v, want %v", tt.failures, got, want)
			}
			if got, want := r.nextWait(now, tt.failures, 0.5), tt.backoff/2+tt.backoff/4; got != want {
				t.Errorf("nextWait(failures %d, jitter 0.5) = %v, want %v", tt.failures, got, want)
			}
			if got := r.nextWait(now, tt.failures, 0.9999999999); got < tt.backoff/2 || got >= tt.backoff {
				t.Errorf("nextWait(failures %d, jitter ~1) = %v, want in [%v, %v)", tt.failures, got, tt.backoff/2, tt.backoff)
			}
		})
	}
}

// TestNextWaitJitterRange checks the equal-jitter bounds over random draws:
// every wait after failures lies in [backoff/2, backoff).
func TestNextWaitJitterRange(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	now := time.Date(2025, time.June, 4, 12, 0, 0, 0, time.UTC)
	r := testRefresher(t, 30*time.Second, 2*time.Hour, "2025-06-03")
	for range 10000 {
		failures := 1 + rng.IntN(100)
		jitter := rng.Float64()
		backoff := wantBackoff(r.cfg.RetryMin, r.cfg.RetryMax, failures)
		if got := r.nextWait(now, failures, jitter); got < backoff/2 || got >= backoff {
			t.Fatalf("nextWait(failures %d, jitter %v) = %v, want in [%v, %v)", failures, jitter, got, backoff/2, backoff)
		}
	}
}

func TestNextWaitWhenCurrent(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatalf("load Europe/Berlin: %v", err)
	}
	const settle = 5 * time.Minute
	tests := []struct {
		name    string
		holding string // the newest publication held
		now     time.Time
		want    time.Duration // to the next publication not held, plus Settle
	}{
		{"Wednesday evening", "2025-06-04", time.Date(2025, time.June, 4, 17, 0, 0, 0, berlin), 23*time.Hour + settle},
		{"Wednesday morning", "2025-06-03", time.Date(2025, time.June, 4, 9, 0, 0, 0, berlin), 7*time.Hour + settle},
		// The ECB published early and the refresher already has it.
		{"at publication, already held", "2025-06-04", time.Date(2025, time.June, 4, 16, 0, 0, 0, berlin), 24*time.Hour + settle},
		{"Friday evening", "2025-06-06", time.Date(2025, time.June, 6, 17, 0, 0, 0, berlin), 71*time.Hour + settle},
		{"before Easter", "2025-04-17", time.Date(2025, time.April, 17, 17, 0, 0, 0, berlin), 5*24*time.Hour - time.Hour + settle},
		// Clocks go forward on Sunday 30 March: one hour less.
		{"into summer time", "2025-03-28", time.Date(2025, time.March, 28, 17, 0, 0, 0, berlin), 70*time.Hour + settle},
		// Clocks go back on Sunday 26 October: one hour more.
		{"into winter time", "2025-10-24", time.Date(2025, time.October, 24, 17, 0, 0, 0, berlin), 72*time.Hour + settle},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := testRefresher(t, time.Minute, time.Hour, tt.holding)
			if got, want := r.nextWait(tt.now, 0, 0), tt.want; got != want {
				t.Errorf("nextWait(%v, 0, 0) = %v, want %v", tt.now, got, want)
			}
			if got, want := r.nextWait(tt.now, 0, 0.5), tt.want+30*time.Second; got != want {
				t.Errorf("nextWait(%v, 0, 0.5) = %v, want %v", tt.now, got, want)
			}
			if got := r.nextWait(tt.now, 0, 0.9999999999); got < tt.want || got >= tt.want+time.Minute {
				t.Errorf("nextWait(%v, 0, ~1) = %v, want in [%v, %v)", tt.now, got, tt.want, tt.want+time.Minute)
			}
			// The wait ends Settle after a real publication.
			end := tt.now.Add(r.nextWait(tt.now, 0, 0)).Add(-settle)
			if want := currency.NextPublication(tt.now); !end.Equal(want) {
				t.Errorf("wait ends at %v, want %v + Settle", end, want)
			}
		})
	}
}

// TestNextWaitNeverSkipsTodaysPublication is the bug of a task that starts,
// or comes back from a retry, between 16:00 and the settle time with the
// previous day's rates: the next refresh must be today's publication, not
// tomorrow's.
func TestNextWaitNeverSkipsTodaysPublication(t *testing.T) {
	yesterday := "2025-06-03" // a Tuesday; Wednesday 2025-06-04 is due at 16:05 CEST
	tests := []struct {
		name         string
		hour, minute int
		want         time.Duration
	}{
		{"15:59", 15, 59, 6 * time.Minute},
		{"16:00", 16, 0, 5 * time.Minute},
		{"16:02", 16, 2, 3 * time.Minute},
		{"16:04", 16, 4, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := testRefresher(t, time.Minute, time.Hour, yesterday)
			now := berlinTime(t, 2025, time.June, 4, tt.hour, tt.minute)
			if got := r.nextWait(now, 0, 0); got != tt.want {
				t.Errorf("nextWait(%v) holding %s = %v, want %v (today's publication plus settle)", now, yesterday, got, tt.want)
			}
		})
	}
}

// testRefresher is a refresher over a store holding one publication, with
// a five-minute Settle and a one-hour StaleAfter.
func testRefresher(t *testing.T, retryMin, retryMax time.Duration, holding string) *Refresher {
	t.Helper()
	d, err := currency.ParseDate(holding)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := currency.NewHistory([]currency.Day{{Date: d, Source: "ecb", Rates: map[currency.Code]currency.Rate{"USD": mustRate(t, "1.1")}}})
	store := NewStore(h, Policy{Settle: 5 * time.Minute, StaleAfter: time.Hour})
	r, err := NewRefresher(nopSource{}, store, RefresherConfig{
		Logger: slog.New(slog.DiscardHandler), Timeout: time.Minute, RetryMin: retryMin, RetryMax: retryMax, Now: time.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

type nopSource struct{}

func (nopSource) Name() string { return "nop" }
func (nopSource) Fetch(context.Context, currency.Date) ([]currency.Day, error) {
	return nil, nil
}

func mustRate(t *testing.T, s string) currency.Rate {
	t.Helper()
	r, err := currency.ParseRate(s)
	if err != nil {
		t.Fatalf("ParseRate(%q): %v", s, err)
	}
	return r
}

func berlinTime(t *testing.T, y int, m time.Month, d, hour, minute int) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatalf("load Europe/Berlin: %v", err)
	}
	return time.Date(y, m, d, hour, minute, 0, 0, loc)
}
