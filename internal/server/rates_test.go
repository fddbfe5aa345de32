package server_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
	"github.com/currency-convertor-ecs/currency-api/internal/ecb"
	"github.com/currency-convertor-ecs/currency-api/internal/rates"
	"github.com/currency-convertor-ecs/currency-api/internal/server"
)

func TestRates(t *testing.T) {
	tests := []struct {
		name         string
		stale        bool
		target       string
		want         string
		cacheControl string
	}{
		{
			name:         "default base EUR, every currency of the day",
			target:       "/rates",
			want:         `{"base":"EUR","date":"2025-05-09","source":"ecb","stale":false,"timestamp":"2025-05-09T14:00:00Z","rates":{"GBP":0.846,"JPY":163.01,"USD":1.125}}`,
			cacheControl: "public, max-age=2700",
		},
		{
			name:         "base USD with symbols, the base left out",
			target:       "/rates?base=usd&symbols=EUR,gbp,JPY,USD",
			want:         `{"base":"USD","date":"2025-05-09","source":"ecb","stale":false,"timestamp":"2025-05-09T14:00:00Z","rates":{"EUR":0.888888888889,"GBP":0.752,"JPY":144.897777778}}`,
			cacheControl: "public, max-age=2700",
		},
		{
			name:         "base USD, all symbols: EUR in, USD out",
			target:       "/rates?base=USD",
			want:         `{"base":"USD","date":"2025-05-09","source":"ecb","stale":false,"timestamp":"2025-05-09T14:00:00Z","rates":{"EUR":0.888888888889,"GBP":0.752,"JPY":144.897777778}}`,
			cacheControl: "public, max-age=2700",
		},
		{
			name:         "only the base asked for",
			target:       "/rates?base=GBP&symbols=GBP",
			want:         `{"base":"GBP","date":"2025-05-09","source":"ecb","stale":false,"timestamp":"2025-05-09T14:00:00Z","rates":{}}`,
			cacheControl: "public, max-age=2700",
		},
		{
			name:         "duplicate symbols count once",
			target:       "/rates?symbols=USD,usd,USD",
			want:         `{"base":"EUR","date":"2025-05-09","source":"ecb","stale":false,"timestamp":"2025-05-09T14:00:00Z","rates":{"USD":1.125}}`,
			cacheControl: "public, max-age=2700",
		},
		{
			name:         "small cross rate keeps 12 significant digits",
			target:       "/rates?base=JPY&symbols=EUR",
			want:         `{"base":"JPY","date":"2025-05-09","source":"ecb","stale":false,"timestamp":"2025-05-09T14:00:00Z","rates":{"EUR":0.00613459296976}}`,
			cacheControl: "public, max-age=2700",
		},
		{
			name:         "historical: a Sunday resolves to the Friday, withdrawn currency included",
			target:       "/rates?date=2007-12-30",
			want:         `{"base":"EUR","date":"2007-12-28","source":"snapshot","stale":false,"timestamp":"2007-12-28T15:00:00Z","rates":{"CYP":0.585274,"GBP":0.73335,"JPY":164.93,"USD":1.4552}}`,
			cacheControl: "public, max-age=86400",
		},
		{
			name:         "historical base of a withdrawn currency",
			target:       "/rates?base=CYP&symbols=EUR,USD&date=2007-12-31",
			want:         `{"base":"CYP","date":"2007-12-31","source":"snapshot","stale":false,"timestamp":"2007-12-31T15:00:00Z","rates":{"EUR":1.70860144138,"USD":2.51523218185}}`,
			cacheControl: "public, max-age=86400",
		},
		{
			name:         "stale",
			stale:        true,
			target:       "/rates?symbols=USD",
			want:         `{"base":"EUR","date":"2025-05-09","source":"ecb","stale":true,"timestamp":"2025-05-09T14:00:00Z","rates":{"USD":1.125}}`,
			cacheControl: "public, max-age=60, stale-while-revalidate=60",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var edits []func(*server.Config)
			if tt.stale {
				edits = append(edits, withStale(t))
			}
			h, _ := newHandler(t, edits...)
			rec := get(t, h, tt.target)
			if got, want := rec.Code, http.StatusOK; got != want {
				t.Fatalf("status = %d, want %d; body %s", got, want, rec.Body)
			}
			if diff := cmp.Diff(decodeNumbers(t, []byte(tt.want)), decodeNumbers(t, rec.Body.Bytes())); diff != "" {
				t.Errorf("body mismatch (-want +got):\n%s\ngot %s", diff, rec.Body)
			}
			if got, want := rec.Header().Get("Cache-Control"), tt.cacheControl; got != want {
				t.Errorf("Cache-Control = %q, want %q", got, want)
			}
			wantStale := "false"
			if tt.stale {
				wantStale = "true"
			}
			if got, want := rec.Header().Get("X-Rates-Stale"), wantStale; got != want {
				t.Errorf("X-Rates-Stale = %q, want %q", got, want)
			}
		})
	}
}

type currencyEntry struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	MinorUnits int    `json:"minor_units"`
	FirstDate  string `json:"first_date"`
	LastDate   string `json:"last_date"`
}

func decodeCurrencies(t *testing.T, h http.Handler) []currencyEntry {
	t.Helper()
	rec := get(t, h, "/currencies")
	if got, want := rec.Code, http.StatusOK; got != want {
		t.Fatalf("status = %d, want %d; body %s", got, want, rec.Body)
	}
	var body struct {
		Currencies []currencyEntry `json:"currencies"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("body %s: %v", rec.Body, err)
	}
	return body.Currencies
}

func TestCurrencies(t *testing.T) {
	h, _ := newHandler(t)
	rec := get(t, h, "/currencies")
	if got, want := rec.Header().Get("Cache-Control"), "public, max-age=2700"; got != want {
		t.Errorf("Cache-Control = %q, want %q", got, want)
	}
	if rec.Header().Get("ETag") == "" {
		t.Error("no ETag")
	}
	if got, want := rec.Header().Get("X-Rates-Stale"), "false"; got != want {
		t.Errorf("X-Rates-Stale = %q, want %q", got, want)
	}
	stale, _ := newHandler(t, withStale(t))
	if got, want := get(t, stale, "/currencies").Header().Get("X-Rates-Stale"), "true"; got != want {
		t.Errorf("stale X-Rates-Stale = %q, want %q", got, want)
	}
	want := []currencyEntry{
		{"CYP", "Cyprus pound", 2, "1999-01-04", "2007-12-31"},
		{"EUR", "Euro", 2, "1999-01-04", "2025-05-09"},
		{"GBP", "Pound sterling", 2, "1999-01-04", "2025-05-09"},
		{"JPY", "Japanese yen", 0, "1999-01-04", "2025-05-09"},
		{"USD", "US dollar", 2, "1999-01-04", "2025-05-09"},
	}
	if diff := cmp.Diff(want, decodeCurrencies(t, h)); diff != "" {
		t.Errorf("currencies mismatch (-want +got):\n%s", diff)
	}
}

// snapshotStore is a real store over the real ECB history, 1999-01-04 to
// 2025-05-09, as the service starts with.
func snapshotStore(t testing.TB) *rates.Store {
	t.Helper()
	h, _, err := ecb.LoadSnapshot()
	if err != nil {
		t.Fatalf("ecb.LoadSnapshot: %v", err)
	}
	return rates.NewStore(h, testPolicy)
}

func TestCurrenciesSnapshot(t *testing.T) {
	store := snapshotStore(t)
	h, _ := newHandler(t, func(cfg *server.Config) { cfg.Rates = store })
	got := decodeCurrencies(t, h)
	if !slices.IsSortedFunc(got, func(a, b currencyEntry) int {
		switch {
		case a.Code < b.Code:
			return -1
		case a.Code > b.Code:
			return 1
		}
		return 0
	}) {
		t.Errorf("currencies are not sorted by code: %v", got)
	}
	byCode := map[string]currencyEntry{}
	for _, c := range got {
		if _, dup := byCode[c.Code]; dup {
			t.Errorf("%s listed twice", c.Code)
		}
		byCode[c.Code] = c
	}
	if got, want := len(got), len(currency.Currencies()); got != want {
		t.Errorf("%d currencies, want %d", got, want)
	}
	for _, want := range []currencyEntry{
		{"EUR", "Euro", 2, "1999-01-04", "2025-05-09"},
		{"USD", "US dollar", 2, "1999-01-04", "2025-05-09"},
		{"JPY", "Japanese yen", 0, "1999-01-04", "2025-05-09"},
		{"CYP", "Cyprus pound", 2, "1999-01-04", "2007-12-31"},
		{"TRL", "Turkish lira (old)", 0, "1999-01-04", "2004-12-31"},
		{"HRK", "Croatian kuna", 2, "2005-04-01", "2022-12-30"},
	} {
		if diff := cmp.Diff(want, byCode[want.Code]); diff != "" {
			t.Errorf("%s mismatch (-want +got):\n%s", want.Code, diff)
		}
	}
}

func TestHealth(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*server.Config)
		want  string
		stale string
	}{
		{
			name:  "fresh",
			edit:  func(*server.Config) {},
			want:  `{"status":"healthy","host_ip":"10.0.1.23","timestamp":"2025-05-12T13:20:00Z","version":"1.2.3-test","rates":{"date":"2025-05-09","source":"ecb","stale":false,"behind":false,"expected":"2025-05-09","next_due":"2025-05-12T14:05:00Z","age_seconds":256800},"snapshot":{"date":"2025-05-09","sha256":"abababababababababababababababababababababababababababababababab"}}`,
			stale: "false",
		},
		{
			name:  "stale is still healthy",
			edit:  withStale(t),
			want:  `{"status":"healthy","host_ip":"10.0.1.23","timestamp":"2025-05-13T15:00:00Z","version":"1.2.3-test","rates":{"date":"2025-05-09","source":"ecb","stale":true,"behind":true,"expected":"2025-05-13","next_due":"2025-05-12T14:05:00Z","age_seconds":349200},"snapshot":{"date":"2025-05-09","sha256":"abababababababababababababababababababababababababababababababab"}}`,
			stale: "true",
		},
		{
			name: "clock in another zone, timestamp in UTC",
			edit: func(cfg *server.Config) {
				cfg.Now = func() time.Time { return testNow.In(time.FixedZone("CEST", 2*3600)) }
			},
			want:  `{"status":"healthy","host_ip":"10.0.1.23","timestamp":"2025-05-12T13:20:00Z","version":"1.2.3-test","rates":{"date":"2025-05-09","source":"ecb","stale":false,"behind":false,"expected":"2025-05-09","next_due":"2025-05-12T14:05:00Z","age_seconds":256800},"snapshot":{"date":"2025-05-09","sha256":"abababababababababababababababababababababababababababababababab"}}`,
			stale: "false",
		},
		{
			name: "real store over the snapshot, a week later",
			edit: func(cfg *server.Config) {
				cfg.Rates = snapshotStore(t)
				cfg.Now = func() time.Time { return testNow.Add(7 * 24 * time.Hour) }
			},
			want:  `{"status":"healthy","host_ip":"10.0.1.23","timestamp":"2025-05-19T13:20:00Z","version":"1.2.3-test","rates":{"date":"2025-05-09","source":"snapshot","stale":true,"behind":true,"expected":"2025-05-16","next_due":"2025-05-12T14:05:00Z","age_seconds":861600},"snapshot":{"date":"2025-05-09","sha256":"abababababababababababababababababababababababababababababababab"}}`,
			stale: "true",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _ := newHandler(t, tt.edit)
			rec := get(t, h, "/health")
			if got, want := rec.Code, http.StatusOK; got != want {
				t.Fatalf("status = %d, want %d; body %s", got, want, rec.Body)
			}
			body := decodeNumbers(t, rec.Body.Bytes())
			if diff := cmp.Diff(decodeNumbers(t, []byte(tt.want)), body); diff != "" {
				t.Errorf("body mismatch (-want +got):\n%s", diff)
			}
			if ts, _ := body["timestamp"].(string); ts != "" {
				if _, err := time.Parse(time.RFC3339, ts); err != nil {
					t.Errorf("timestamp %q is not RFC 3339: %v", ts, err)
				}
			}
			if got, want := rec.Header().Get("Cache-Control"), "no-store"; got != want {
				t.Errorf("Cache-Control = %q, want %q", got, want)
			}
			if got, want := rec.Header().Get("X-Rates-Stale"), tt.stale; got != want {
				t.Errorf("X-Rates-Stale = %q, want %q", got, want)
			}
		})
	}
}
