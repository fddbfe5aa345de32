package server_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/rates"
	"github.com/currency-convertor-ecs/currency-api/internal/server"
)

// TestNewestRatesExpireWhenTheNextPublicationIsDue is the bug of Friday's
// rates cached until 16:00 + the stale grace on a Monday: with the default
// one-hour grace, an answer at 16:01 must expire when Monday's rates are
// due (16:05, the refresher's settle time), not at 17:00.
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
