// Package rates keeps the euro reference rates the service answers from: an
// immutable history swapped atomically, a refresher that merges live data
// from a Source on the ECB's publication schedule, and the freshness of it all.
package rates

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
)

// Store holds the current history. Reads are lock-free; merges are serialised.
type Store struct {
	grace   time.Duration
	history atomic.Pointer[currency.History]
	mu      sync.Mutex // serialises Merge
}

// NewStore returns a store answering from h. grace is how long after the
// ECB's 16:00 publication a missing day still counts as fresh.
func NewStore(h *currency.History, grace time.Duration) *Store {
	s := &Store{grace: grace}
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

// Freshness describes how current the newest rates are.
type Freshness struct {
	Latest   currency.Date // newest publication held
	Expected currency.Date // newest publication that should be out by now
	Stale    bool          // Latest is older than Expected
	Age      time.Duration // time since Latest was published
}

// Freshness reports how current the store is at now.
func (s *Store) Freshness(now time.Time) Freshness {
	latest := s.History().Latest()
	expected := currency.ExpectedLatest(now, s.grace)
	return Freshness{
		Latest:   latest,
		Expected: expected,
		Stale:    latest < expected,
		Age:      max(now.Sub(currency.PublicationTime(latest)), 0),
	}
}
