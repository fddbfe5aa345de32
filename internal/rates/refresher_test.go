package rates_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
	"github.com/currency-convertor-ecs/currency-api/internal/rates"
)

// fakeSource is a Source whose Fetch runs a function the test supplies and
// records every call.
type fakeSource struct {
	fetch func(ctx context.Context, call int, after currency.Date) ([]currency.Day, error)

	mu     sync.Mutex
	afters []currency.Date
	called chan int // receives the call number of each Fetch, if not nil
}

func (f *fakeSource) Name() string { return "fake" }

func (f *fakeSource) Fetch(ctx context.Context, after currency.Date) ([]currency.Day, error) {
	f.mu.Lock()
	f.afters = append(f.afters, after)
	call := len(f.afters)
	f.mu.Unlock()
	if f.called != nil {
		f.called <- call
	}
	return f.fetch(ctx, call, after)
}

func (f *fakeSource) calls() []currency.Date {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]currency.Date(nil), f.afters...)
}

// syncBuffer is a bytes.Buffer safe for the logger and the test to share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// observed records the calls to Refresher.Observe.
type observed struct {
	mu       sync.Mutex
	outcomes []string
	took     []time.Duration
}

func (o *observed) observe(outcome string, took time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.outcomes = append(o.outcomes, outcome)
	o.took = append(o.took, took)
}

func (o *observed) get() ([]string, []time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.outcomes...), append([]time.Duration(nil), o.took...)
}

// stepClock returns a Now that starts at start and advances by step on
// every call, so durations the refresher measures are known exactly.
func stepClock(start time.Time, step time.Duration) func() time.Time {
	var mu sync.Mutex
	now := start
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t := now
		now = now.Add(step)
		return t
	}
}

// newRefresher wires a refresher to src over a store holding dates; edit,
// if not nil, changes the configuration first.
func newRefresher(t *testing.T, src rates.Source, edit func(*rates.RefresherConfig), dates ...string) (*rates.Refresher, *rates.Store, *syncBuffer, *observed) {
	t.Helper()
	logs := &syncBuffer{}
	obs := &observed{}
	store := rates.NewStore(history(t, dates...), rates.Policy{Settle: 5 * time.Minute, StaleAfter: 30 * time.Minute})
	cfg := rates.RefresherConfig{
		Logger:   slog.New(slog.NewTextHandler(logs, nil)),
		Timeout:  time.Minute,
		RetryMin: time.Minute,
		RetryMax: time.Hour,
		Observe:  obs.observe,
		Now:      stepClock(frankfurt(t, "2025-06-04", 17, 0), 1500*time.Millisecond),
	}
	if edit != nil {
		edit(&cfg)
	}
	r, err := rates.NewRefresher(src, store, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r, store, logs, obs
}

func TestRefreshUpdated(t *testing.T) {
	src := &fakeSource{fetch: func(_ context.Context, _ int, _ currency.Date) ([]currency.Day, error) {
		return []currency.Day{
			day(t, "2025-06-03", "fake", "USD"), // already held
			day(t, "2025-06-04", "fake", "USD", "KWD"),
		}, nil
	}}
	r, store, logs, obs := newRefresher(t, src, nil, "2025-06-02", "2025-06-03")
	outcome, err := r.Refresh(t.Context())
	if err != nil {
		t.Fatalf("Refresh error = %v", err)
	}
	if got, want := outcome, rates.OutcomeUpdated; got != want {
		t.Errorf("Refresh outcome = %s, want %s", got, want)
	}
	if got, want := store.History().Latest().String(), "2025-06-04"; got != want {
		t.Errorf("Latest after Refresh = %s, want %s", got, want)
	}
	if got, want := src.calls(), []currency.Date{mustDate(t, "2025-06-03")}; len(got) != 1 || got[0] != want[0] {
		t.Errorf("Fetch calls (after) = %v, want %v", got, want)
	}
	outcomes, took := obs.get()
	if len(outcomes) != 1 || outcomes[0] != rates.OutcomeUpdated {
		t.Errorf("Observe outcomes = %v, want [%s]", outcomes, rates.OutcomeUpdated)
	}
	if len(took) == 1 && took[0] != 1500*time.Millisecond {
		t.Errorf("Observe took = %v, want %v (one tick of the fake clock)", took[0], 1500*time.Millisecond)
	}
	if out := logs.String(); !strings.Contains(out, "KWD") || !strings.Contains(out, "level=WARN") {
		t.Errorf("logs do not warn about the ignored KWD:\n%s", out)
	}
}

func TestRefreshUnchanged(t *testing.T) {
	src := &fakeSource{fetch: func(_ context.Context, _ int, _ currency.Date) ([]currency.Day, error) {
		return []currency.Day{day(t, "2025-06-03", "fake", "USD")}, nil
	}}
	r, store, _, obs := newRefresher(t, src, nil, "2025-06-02", "2025-06-03")
	outcome, err := r.Refresh(t.Context())
	if err != nil {
		t.Fatalf("Refresh error = %v", err)
	}
	if got, want := outcome, rates.OutcomeUnchanged; got != want {
		t.Errorf("Refresh outcome = %s, want %s", got, want)
	}
	if got, want := store.History().Len(), 2; got != want {
		t.Errorf("Len after Refresh = %d, want %d", got, want)
	}
	if outcomes, _ := obs.get(); len(outcomes) != 1 || outcomes[0] != rates.OutcomeUnchanged {
		t.Errorf("Observe outcomes = %v, want [%s]", outcomes, rates.OutcomeUnchanged)
	}
}

func TestRefreshFailed(t *testing.T) {
	errUpstream := errors.New("upstream says no")
	src := &fakeSource{fetch: func(_ context.Context, _ int, _ currency.Date) ([]currency.Day, error) {
		return []currency.Day{day(t, "2025-06-04", "fake", "USD")}, errUpstream
	}}
	r, store, logs, obs := newRefresher(t, src, nil, "2025-06-02", "2025-06-03")
	before := store.History()
	outcome, err := r.Refresh(t.Context())
	if !errors.Is(err, errUpstream) {
		t.Fatalf("Refresh error = %v, want %v", err, errUpstream)
	}
	if errors.Is(err, rates.ErrTimeout) {
		t.Errorf("Refresh error = %v, a timeout", err)
	}
	if !strings.Contains(err.Error(), "fake") {
		t.Errorf("Refresh error = %q, want it to name the source", err)
	}
	if got, want := outcome, rates.OutcomeFailed; got != want {
		t.Errorf("Refresh outcome = %s, want %s", got, want)
	}
	if store.History() != before {
		t.Error("a failed Refresh changed the store")
	}
	if outcomes, _ := obs.get(); len(outcomes) != 1 || outcomes[0] != rates.OutcomeFailed {
		t.Errorf("Observe outcomes = %v, want [%s]", outcomes, rates.OutcomeFailed)
	}
	if out := logs.String(); !strings.Contains(out, "upstream says no") {
		t.Errorf("logs do not carry the error:\n%s", out)
	}
}

func TestRefreshTimeout(t *testing.T) {
	src := &fakeSource{fetch: func(ctx context.Context, _ int, _ currency.Date) ([]currency.Day, error) {
		if _, ok := ctx.Deadline(); !ok {
			t.Error("Fetch context has no deadline")
		}
		<-ctx.Done()
		return nil, ctx.Err()
	}}
	r, store, _, obs := newRefresher(t, src, func(cfg *rates.RefresherConfig) { cfg.Timeout = 50 * time.Millisecond }, "2025-06-03")
	before := store.History()
	outcome, err := r.Refresh(t.Context())
	if !errors.Is(err, rates.ErrTimeout) {
		t.Fatalf("Refresh error = %v, want %v", err, rates.ErrTimeout)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Refresh error = %v, want it to wrap %v", err, context.DeadlineExceeded)
	}
	if got, want := outcome, rates.OutcomeFailed; got != want {
		t.Errorf("Refresh outcome = %s, want %s", got, want)
	}
	if store.History() != before {
		t.Error("a timed-out Refresh changed the store")
	}
	if outcomes, _ := obs.get(); len(outcomes) != 1 || outcomes[0] != rates.OutcomeFailed {
		t.Errorf("Observe outcomes = %v, want [%s]", outcomes, rates.OutcomeFailed)
	}
}

func TestRefreshCancelledIsNotATimeout(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	src := &fakeSource{fetch: func(ctx context.Context, _ int, _ currency.Date) ([]currency.Day, error) {
		cancel()
		<-ctx.Done()
		return nil, ctx.Err()
	}}
	r, _, _, _ := newRefresher(t, src, nil, "2025-06-03")
	outcome, err := r.Refresh(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Refresh error = %v, want %v", err, context.Canceled)
	}
	if errors.Is(err, rates.ErrTimeout) {
		t.Errorf("Refresh error = %v, want no %v", err, rates.ErrTimeout)
	}
	if got, want := outcome, rates.OutcomeFailed; got != want {
		t.Errorf("Refresh outcome = %s, want %s", got, want)
	}
}

// TestRefreshSequentialCallsFetchAgain checks that nothing is cached between
// refreshes: one after another, each Refresh fetches from the newest held.
func TestRefreshSequentialCallsFetchAgain(t *testing.T) {
	src := &fakeSource{fetch: func(_ context.Context, call int, after currency.Date) ([]currency.Day, error) {
		return []currency.Day{day(t, after.AddDays(1).String(), "fake", "USD")}, nil
	}}
	r, _, _, _ := newRefresher(t, src, nil, "2025-06-02")
	for range 3 {
		if outcome, err := r.Refresh(t.Context()); err != nil || outcome != rates.OutcomeUpdated {
			t.Fatalf("Refresh = %s, %v, want %s, nil", outcome, err, rates.OutcomeUpdated)
		}
	}
	want := []currency.Date{mustDate(t, "2025-06-02"), mustDate(t, "2025-06-03"), mustDate(t, "2025-06-04")}
	if got := src.calls(); len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("Fetch calls (after) = %v, want %v", got, want)
	}
}

// runUntil starts r.Run and returns a stop function that cancels it and
// waits for it to return.
func runUntil(t *testing.T, r *rates.Refresher) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.Run(ctx)
	}()
	return func() {
		cancel()
		<-done // Run must return once its context ends
	}
}

func TestRunRefreshesAtOnceThenWaitsForPublication(t *testing.T) {
	// At 17:00 on Wednesday the store holds Wednesday: current, so after
	// the first refresh Run sleeps until Thursday's publication.
	src := &fakeSource{
		called: make(chan int, 10),
		fetch: func(_ context.Context, _ int, _ currency.Date) ([]currency.Day, error) {
			return nil, nil
		},
	}
	r, _, _, obs := newRefresher(t, src, func(cfg *rates.RefresherConfig) {
		cfg.Now = func() time.Time { return frankfurt(t, "2025-06-04", 17, 0) }
	}, "2025-06-04")
	stop := runUntil(t, r)
	<-src.called // the first refresh, without waiting for any timer
	stop()
	if got, want := len(src.calls()), 1; got != want {
		t.Errorf("Fetch called %d times, want %d", got, want)
	}
	if outcomes, _ := obs.get(); len(outcomes) != 1 || outcomes[0] != rates.OutcomeUnchanged {
		t.Errorf("Observe outcomes = %v, want [%s]", outcomes, rates.OutcomeUnchanged)
	}
}

func TestRunStopsDuringFetch(t *testing.T) {
	src := &fakeSource{
		called: make(chan int, 10),
		fetch: func(ctx context.Context, _ int, _ currency.Date) ([]currency.Day, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		},
	}
	r, _, _, _ := newRefresher(t, src, func(cfg *rates.RefresherConfig) { cfg.Timeout = time.Hour }, "2025-06-04")
	stop := runUntil(t, r)
	<-src.called
	stop()
	if got, want := len(src.calls()), 1; got != want {
		t.Errorf("Fetch called %d times, want %d", got, want)
	}
}

func TestRunRetriesUntilCurrent(t *testing.T) {
	// At 17:00 on Wednesday the store holds Tuesday. The source fails twice,
	// then has nothing new (still behind), then delivers Wednesday. Run must
	// retry through all of it and then wait for Thursday.
	now := frankfurt(t, "2025-06-04", 17, 0)
	errUpstream := errors.New("upstream down")
	src := &fakeSource{
		called: make(chan int, 10),
		fetch: func(_ context.Context, call int, _ currency.Date) ([]currency.Day, error) {
			switch call {
			case 1, 2:
				return nil, errUpstream
			case 3:
				return []currency.Day{day(t, "2025-06-03", "fake", "USD")}, nil
			default:
				return []currency.Day{day(t, "2025-06-04", "fake", "USD")}, nil
			}
		},
	}
	r, store, _, obs := newRefresher(t, src, func(cfg *rates.RefresherConfig) {
		cfg.Now = func() time.Time { return now }
		cfg.RetryMin, cfg.RetryMax = time.Nanosecond, time.Nanosecond
	}, "2025-06-03")
	stop := runUntil(t, r)
	for call := range 4 {
		if got, want := <-src.called, call+1; got != want {
			t.Fatalf("Fetch call %d, want %d", got, want)
		}
	}
	// The fourth Fetch ignores ctx, so Run merges Wednesday whether or not
	// the stop below lands first; current, it then waits for Thursday.
	stop()
	if got, want := len(src.calls()), 4; got != want {
		t.Errorf("Fetch called %d times, want %d", got, want)
	}
	outcomes, _ := obs.get()
	want := []string{rates.OutcomeFailed, rates.OutcomeFailed, rates.OutcomeUnchanged, rates.OutcomeUpdated}
	if strings.Join(outcomes, ",") != strings.Join(want, ",") {
		t.Errorf("Observe outcomes = %v, want %v", outcomes, want)
	}
	if got, want := store.History().Latest().String(), "2025-06-04"; got != want {
		t.Errorf("Latest after Run = %s, want %s", got, want)
	}
}
