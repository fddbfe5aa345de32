package rates

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
)

// Source delivers euro reference rates from an upstream.
type Source interface {
	// Name identifies the source in logs, metrics and responses.
	Name() string
	// Fetch returns every publication after the given date, up to the newest
	// one the upstream has; it may return older ones too. A result that
	// leaves a gap after the given date is a bug in the source.
	Fetch(ctx context.Context, after currency.Date) ([]currency.Day, error)
}

// Refresher keeps a Store up to date from a Source. Requests never wait for
// it: they read the store, whatever the upstream is doing.
type Refresher struct {
	Source   Source
	Store    *Store
	Logger   *slog.Logger
	Timeout  time.Duration // bound on one fetch, connection to last byte
	RetryMin time.Duration // first backoff after a failed or empty refresh
	RetryMax time.Duration // backoff cap
	// Settle is how long after the nominal 16:00 publication to ask the
	// upstream, since the ECB publishes "around" 16:00.
	Settle time.Duration
	// Observe, if set, is told the outcome of every fetch, for metrics.
	Observe func(outcome string, took time.Duration)
	Now     func() time.Time

	group singleflight.Group
}

// Fetch outcomes, reported to Observe and logged.
const (
	OutcomeUpdated   = "updated"   // new publications merged
	OutcomeUnchanged = "unchanged" // upstream had nothing newer
	OutcomeFailed    = "failed"
)

// ErrTimeout means the upstream did not answer within the refresher's bound.
var ErrTimeout = errors.New("upstream timed out")

// Refresh fetches and merges what the source has after the newest date held.
// Concurrent callers share one upstream fetch. It returns the outcome.
func (r *Refresher) Refresh(ctx context.Context) (string, error) {
	v, err, _ := r.group.Do("refresh", func() (any, error) {
		return r.refresh(ctx)
	})
	return v.(string), err
}

func (r *Refresher) refresh(ctx context.Context) (string, error) {
	start := r.Now()
	ctx, cancel := context.WithTimeout(ctx, r.Timeout)
	defer cancel()
	after := r.Store.History().Latest()
	days, err := r.Source.Fetch(ctx, after)
	took := r.Now().Sub(start)
	outcome := OutcomeFailed
	if err == nil {
		added, ignored := r.Store.Merge(days)
		if len(ignored) > 0 {
			r.Logger.Warn("ignored unsupported currencies", "source", r.Source.Name(), "codes", ignored)
		}
		outcome = OutcomeUnchanged
		if added > 0 {
			outcome = OutcomeUpdated
		}
	} else if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		err = fmt.Errorf("%w after %s: %w", ErrTimeout, r.Timeout, err)
	}
	if r.Observe != nil {
		r.Observe(outcome, took)
	}
	latest := r.Store.History().Latest()
	if err != nil {
		r.Logger.Warn("rates refresh failed", "source", r.Source.Name(), "error", err, "took_ms", took.Milliseconds(), "latest", latest)
		return outcome, fmt.Errorf("refresh from %s: %w", r.Source.Name(), err)
	}
	r.Logger.Info("rates refreshed", "source", r.Source.Name(), "outcome", outcome, "took_ms", took.Milliseconds(), "latest", latest)
	return outcome, nil
}

// Run refreshes at once, then on the ECB's schedule, until ctx ends. While
// the upstream fails or lags behind the schedule it retries with jittered
// exponential backoff; once current it sleeps until the next publication.
func (r *Refresher) Run(ctx context.Context) {
	failures := 0
	for {
		_, err := r.Refresh(ctx)
		now := r.Now()
		behind := r.Store.History().Latest() < currency.ExpectedLatest(now, r.Settle)
		if err != nil || behind {
			failures++
		} else {
			failures = 0
		}
		wait := r.nextWait(now, failures, rand.Float64())
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
	}
}

// nextWait is the pause before the next refresh. After failures it is
// RetryMin·2^(failures−1) capped at RetryMax, with "equal jitter" (half fixed,
// half random) so many tasks do not retry in step; when current, it is the
// time to the next publication plus Settle, jittered by up to one RetryMin.
// jitter is a uniform draw in [0, 1).
func (r *Refresher) nextWait(now time.Time, failures int, jitter float64) time.Duration {
	if failures > 0 {
		// Compare against RetryMax>>shift: RetryMin<<shift overflows int64
		// after a day of failures and would make the wait negative.
		backoff := r.RetryMax
		if shift := failures - 1; shift < 63 && r.RetryMin <= r.RetryMax>>shift {
			backoff = r.RetryMin << shift
		}
		return backoff/2 + time.Duration(jitter*float64(backoff/2))
	}
	next := currency.NextPublication(now).Add(r.Settle)
	return next.Sub(now) + time.Duration(jitter*float64(r.RetryMin))
}
