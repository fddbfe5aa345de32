// Package rates keeps the euro reference rates the service answers from: an
// immutable history swapped atomically, a refresher that merges live data
// from a Source on the ECB's publication schedule, and the one freshness
// policy that decides when rates are due, when they are stale and how long
// an answer may be cached.
package rates

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
)

// Policy is the publication schedule's slack. The ECB publishes "around"
// 16:00 CET; both durations count from that nominal time.
type Policy struct {
	// Settle is when a publication is due: the refresher first asks the
	// upstream then, and answers from the rates before it may be cached
	// until then.
	Settle time.Duration
	// StaleAfter is when a publication not yet held makes the newest rates
	// stale: answers say so, and /health reports it.
	StaleAfter time.Duration
}

// Cache lifetimes of answers, in the order a day goes through them.
const (
	// MaxAgeCurrent caps the lifetime of answers from the newest rates, so
	// a correction or an early publication is never hidden for long.
	MaxAgeCurrent = time.Hour
	// MaxAgeBehind is the lifetime of answers from the newest rates once
	// the next publication is due but not yet held: clients and CloudFront
	// come back soon, and get the new rates within a minute of the store.
	MaxAgeBehind = time.Minute
	// MaxAgeFinal is the lifetime of answers about a past publication,
	// which never change once held (a merge never replaces a held day).
	// One day is CloudFront's maximum TTL in this service's cache policy.
	MaxAgeFinal = 24 * time.Hour
)

// Store holds the current history. Reads are lock-free; merges are serialised.
type Store struct {
	policy  Policy
	history atomic.Pointer[currency.History]
	mu      sync.Mutex // serialises Merge
}

// NewStore returns a store answering from h under policy p.
func NewStore(h *currency.History, p Policy) *Store {
	s := &Store{policy: p}
	s.history.Store(h)
	return s
}

// History returns the history in force now; it never changes once returned.
func (s *Store) History() *currency.History { return s.history.Load() }

// Merge adds days to the history and reports how many publications are new
// and which currency codes were not supported.
func (s *Store) Merge(days []currency.Day) (added int, ignored []currency.Code) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.history.Load()
	merged, ignored := old.Merge(days)
	s.history.Store(merged)
	return merged.Len() - old.Len(), ignored
}

// Status describes how current the newest rates are at one instant.
type Status struct {
	Latest   currency.Date // newest publication held; 0 when the history is empty
	Source   string        // who delivered Latest
	Next     currency.Date // first publication after Latest: the one to fetch next
	Due      time.Time     // when Next is due: its publication time plus Settle
	Behind   bool          // Due has passed: the refresher should be retrying
	Stale    bool          // Next is StaleAfter overdue: answers say so
	Expected currency.Date // newest publication that should be held by now
	Age      time.Duration // time since Latest was published
}

// Status reports how current the store is at now.
func (s *Store) Status(now time.Time) Status {
	h := s.history.Load()
	table, _ := h.On(h.Latest())
	return s.policy.status(h.Latest(), table.Source, now)
}

func (p Policy) status(latest currency.Date, source string, now time.Time) Status {
	next := currency.NextPublicationDay(latest)
	published := currency.PublicationTime(next)
	st := Status{
		Latest:   latest,
		Source:   source,
		Next:     next,
		Due:      published.Add(p.Settle),
		Stale:    !now.Before(published.Add(p.StaleAfter)),
		Expected: currency.ExpectedLatest(now, p.Settle),
	}
	st.Behind = !now.Before(st.Due)
	if latest != 0 {
		st.Age = max(now.Sub(currency.PublicationTime(latest)), 0)
	}
	return st
}

// Answer is the publication chosen for a request, with the freshness of the
// answer and how long it may be cached, all from one read of the history.
type Answer struct {
	History *currency.History // the history the table came from
	Table   currency.Table
	Stale   bool // the answer follows the newest rates and they are stale
	Final   bool // the answer is about a past publication and can never change
	// MaxAge is how long the answer may be cached; Revalidate is how long
	// after that a cache may still serve it while it fetches a new one
	// (stale-while-revalidate), zero when it must not.
	MaxAge, Revalidate time.Duration
}

// Lookup picks the table in force on date, or the newest one when date is
// 0. An answer about a date before the first publication not yet held is
// final (a weekend after the newest publication included: its answer is
// that publication, whatever comes next); anything later follows the
// newest rates: cacheable until the next
// publication is due (at most MaxAgeCurrent), then for MaxAgeBehind while
// the store is behind or stale. It reports false when the history holds no
// publication on or before date.
func (s *Store) Lookup(now time.Time, date currency.Date) (Answer, bool) {
	h := s.history.Load()
	latest := h.Latest()
	if date != 0 && date < currency.NextPublicationDay(latest) {
		table, ok := h.On(date)
		return Answer{History: h, Table: table, Final: true, MaxAge: MaxAgeFinal}, ok
	}
	table, ok := h.On(latest)
	st := s.policy.status(latest, table.Source, now)
	a := Answer{History: h, Table: table, Stale: st.Stale}
	switch {
	case st.Behind || st.Stale:
		// While behind, CloudFront may answer from its copy for another
		// minute as it fetches the next one, so viewers never wait on the
		// origin for an answer that is at most a minute older.
		a.MaxAge, a.Revalidate = MaxAgeBehind, MaxAgeBehind
	default:
		a.MaxAge = min(st.Due.Sub(now), MaxAgeCurrent)
	}
	return a, ok
}
