package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/ecb"
	"github.com/currency-convertor-ecs/currency-api/internal/rates"
)

// TestFrankfurterFallback checks the handler meant for routes.go's
// catch-all: it answers the unprefixed date paths exactly as the router
// answers them under /v1/, and leaves every other path to the next handler.
// It is not wired into the router yet (see frankfurterFallback), so it is
// tested here, beside the real router's /v1/ answers.
func TestFrankfurterFallback(t *testing.T) {
	h, _, err := ecb.LoadSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{
		Logger:   slog.New(slog.NewJSONHandler(io.Discard, nil)),
		Rates:    rates.NewStore(h, rates.Policy{Settle: 5 * time.Minute, StaleAfter: 15 * time.Minute}),
		HostIP:   func() string { return "10.0.1.23" },
		Now:      func() time.Time { return time.Date(2025, time.May, 12, 13, 20, 0, 0, time.UTC) },
		Snapshot: Snapshot{},
	}
	router := NewHandler(cfg)
	fallback := frankfurterFallback(cfg, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot) // marks "handed on"
	}))
	do := func(h http.Handler, method, target string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
		return rec
	}
	for _, path := range []string{
		"/2024-12-24?from=GBP&to=CHF&amount=100", "/2024-12-25", "/2024-12-25..2024-12-31?symbols=USD",
		"/2025-05-01..", "/2024-02-30", "/1999-01-01", "/2024-12-24?base=XYZ",
	} {
		want := do(router, http.MethodGet, "/v1"+path)
		for _, target := range []string{path, "/v1" + path} {
			got := do(fallback, http.MethodGet, target)
			if got.Code != want.Code || got.Body.String() != want.Body.String() || got.Header().Get("ETag") != want.Header().Get("ETag") {
				t.Errorf("GET %s = %d %s, want the router's /v1%s: %d %s", target, got.Code, got.Body, path, want.Code, want.Body)
			}
		}
	}
	for _, target := range []string{"/nope", "/v1/convert", "/v12024-12-24", "/2024-12-24/x", "/v1/latest", "/latest", "/", "/2024-1-1"} {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			if got := do(fallback, method, target).Code; got != http.StatusTeapot {
				t.Errorf("%s %s = %d, want it handed on", method, target, got)
			}
		}
	}
	if got := do(fallback, http.MethodPost, "/2024-12-24").Code; got != http.StatusMethodNotAllowed {
		t.Errorf("POST /2024-12-24 = %d, want 405", got)
	}
	if rec := do(fallback, http.MethodHead, "/2024-12-24"); rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Errorf("HEAD /2024-12-24 = %d with %d bytes, want 200 and none", rec.Code, rec.Body.Len())
	}
}
