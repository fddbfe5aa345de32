package server_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
	"github.com/currency-convertor-ecs/currency-api/internal/rates"
	"github.com/currency-convertor-ecs/currency-api/internal/server"
)

// TestNewestRatesExpireWhenTheNextPublicationIsDue is the bug of Friday's
// rates cached until 16:00 + the stale grace on a Monday: with the default
// one-hour grace, an answer at 16:01 must expire when Monday's rates are
// due (16:05, the refresher's settle time), not at 17:00.
// TestWeekendAfterTheNewestIsFinal: on Tuesday evening with only Friday
// held, an answer about Saturday is Friday's rates whatever comes next, so
// it is final and not stale, and stays the same bytes once Monday's arrive.
func TestWeekendAfterTheNewestIsFinal(t *testing.T) {
	store := rates.NewStore(testHistory(t), testPolicy)
	h, _ := newHandler(t, func(cfg *server.Config) {
		cfg.Rates = store
		cfg.Now = func() time.Time { return testNowT }
	})
	before := get(t, h, "/convert?from=EUR&to=USD&date=2025-05-10")
	if got, want := before.Header().Get("Cache-Control"), "public, max-age=86400"; got != want {
		t.Errorf("Cache-Control = %q, want %q", got, want)
	}
	if got := before.Header().Get("X-Rates-Stale"); got != "false" {
		t.Errorf("X-Rates-Stale = %q, want false", got)
	}
	store.Merge([]currency.Day{day(t, "2025-05-12", "ecb", "USD", "1.1111")})
	after := get(t, h, "/convert?from=EUR&to=USD&date=2025-05-10")
	if before.Body.String() != after.Body.String() || before.Header().Get("ETag") != after.Header().Get("ETag") {
		t.Errorf("the answer changed after a merge:\n%s\n%s", before.Body, after.Body)
	}
}

func TestNewestRatesExpireWhenTheNextPublicationIsDue(t *testing.T) {
	const grace = time.Hour                                    // RATES_STALE_AFTER's default
	at := time.Date(2025, time.May, 12, 14, 1, 0, 0, time.UTC) // Monday 16:01 CEST; Friday 2025-05-09 is the newest held
	h, _ := newHandler(t, func(cfg *server.Config) {
		cfg.Rates = rates.NewStore(testHistory(t), rates.Policy{Settle: 5 * time.Minute, StaleAfter: grace})
		cfg.Now = func() time.Time { return at }
	})
	rec := get(t, h, "/convert?from=EUR&to=USD")
	if got, want := rec.Code, http.StatusOK; got != want {
		t.Fatalf("status = %d, want %d; body %s", got, want, rec.Body)
	}
	if got, want := rec.Header().Get("Cache-Control"), "public, max-age=240"; got != want {
		t.Errorf("Cache-Control at 16:01 with Friday's rates = %q, want %q (until 16:05)", got, want)
	}
}
