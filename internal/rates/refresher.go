package rates

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

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
// it: they read the store, whatever the upstream is doing. Run is its only
// caller of Refresh, so fetches never overlap and need no coordination.
type Refresher struct {
	source Source
	store  *Store
	cfg    RefresherConfig
}

// RefresherConfig is how a Refresher paces and reports its fetches.
type RefresherConfig struct {
	Logger   *slog.Logger
	Timeout  time.Duration // bound on one fetch, connection to last byte
	RetryMin time.Duration // first backoff after a failed fetch or one that left the store behind
	RetryMax time.Duration // backoff cap
	// Observe, if set, is told the outcome of every fetch, for metrics.
	Observe func(outcome string, took time.Duration)
	Now     func() time.Time
}

// NewRefresher returns a refresher of store from source. Every field of cfg
// but Observe is required: a zero timeout would fail every fetch at once
// and a zero backoff would spin on a failing upstream.
func NewRefresher(source Source, store *Store, cfg RefresherConfig) (*Refresher, error) {
	var errs []error
	if source == nil {
		errs = append(errs, errors.New("no source"))
	}
	if store == nil {
		errs = append(errs, errors.New("no store"))
	}
	if cfg.Logger == nil {
		errs = append(errs, errors.New("no logger"))
	}
	if cfg.Now == nil {
		errs = append(errs, errors.New("no clock (Now)"))
	}
	if cfg.Timeout <= 0 {
		errs = append(errs, fmt.Errorf("fetch timeout %s: must be positive", cfg.Timeout))
	}
	if cfg.RetryMin <= 0 || cfg.RetryMax < cfg.RetryMin {
		errs = append(errs, fmt.Errorf("retry backoff %s to %s: want 0 < min <= max", cfg.RetryMin, cfg.RetryMax))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("new refresher: %w", err)
	}
	return &Refresher{source: source, store: store, cfg: cfg}, nil
}

// Fetch outcomes, reported to Observe and logged.
const (
	OutcomeUpdated   = "updated"   // new publications merged
	OutcomeUnchanged = "unchanged" // upstream had nothing newer
	OutcomeFailed    = "failed"
)

// ErrTimeout means the upstream did not answer within the refresher's bound.
var ErrTimeout = errors.New("upstream timed out")

// Refresh fetches and merges what the source has after the newest date held,
// and returns the outcome. It is not safe for concurrent use: Run calls it.
func (r *Refresher) Refresh(ctx context.Context) (string, error) {
	start := r.cfg.Now()
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	after := r.store.History().Latest()
	days, err := r.source.Fetch(ctx, after)
	took := r.cfg.Now().Sub(start)
	outcome := OutcomeFailed
	if err == nil {
		added, ignored := r.store.Merge(days)
		if len(ignored) > 0 {
			r.cfg.Logger.Warn("ignored unsupported currencies", "source", r.source.Name(), "codes", ignored)
		}
		outcome = OutcomeUnchanged
		if added > 0 {
			outcome = OutcomeUpdated
		}
	} else if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		err = fmt.Errorf("%w after %s: %w", ErrTimeout, r.cfg.Timeout, err)
	}
	if r.cfg.Observe != nil {
		r.cfg.Observe(outcome, took)
	}
	latest := r.store.History().Latest()
	if err != nil {
		r.cfg.Logger.Warn("rates refresh failed", "source", r.source.Name(), "error", err, "took_ms", took.Milliseconds(), "latest", latest)
		return outcome, fmt.Errorf("refresh from %s: %w", r.source.Name(), err)
	}
	r.cfg.Logger.Info("rates refreshed", "source", r.source.Name(), "outcome", outcome, "took_ms", took.Milliseconds(), "latest", latest)
	return outcome, nil
}

// Run refreshes at once, then on the ECB's schedule, until ctx ends. While
// the upstream fails or the store is behind (the next publication is due but
// not held) it retries with jittered exponential backoff; otherwise it
// sleeps until the next publication not yet held is due.
func (r *Refresher) Run(ctx context.Context) {
	failures := 0
	for {
		_, err := r.Refresh(ctx)
		now := r.cfg.Now()
		if err != nil || r.store.Status(now).Behind {
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
// half random) so many tasks do not retry in step; otherwise it is the time
// until the first publication not yet held is due (never tomorrow's while
// today's is missing), jittered by up to one RetryMin. jitter is a uniform
// draw in [0, 1).
func (r *Refresher) nextWait(now time.Time, failures int, jitter float64) time.Duration {
	if failures > 0 {
		// Compare against RetryMax>>shift: RetryMin<<shift overflows int64
		// after a day of failures and would make the wait negative.
		backoff := r.cfg.RetryMax
		if shift := failures - 1; shift < 63 && r.cfg.RetryMin <= r.cfg.RetryMax>>shift {
			backoff = r.cfg.RetryMin << shift
		}
		return backoff/2 + time.Duration(jitter*float64(backoff/2))
	}
	due := r.store.Status(now).Due
	return max(due.Sub(now), 0) + time.Duration(jitter*float64(r.cfg.RetryMin))
}
