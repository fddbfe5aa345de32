package server_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/ecb"
	"github.com/currency-convertor-ecs/currency-api/internal/rates"
	"github.com/currency-convertor-ecs/currency-api/internal/server"
)

// BenchmarkConvertHandler measures one /convert request through the whole
// middleware chain and router, on the real embedded history, with the JSON
// access log encoded to io.Discard.
func BenchmarkConvertHandler(b *testing.B) {
	history, _, err := ecb.LoadSnapshot()
	if err != nil {
		b.Fatal(err)
	}
	h := server.NewHandler(server.Config{
		Logger:           slog.New(slog.NewJSONHandler(io.Discard, nil)),
		Rates:            rates.NewStore(history, rates.Policy{Settle: 5 * time.Minute, StaleAfter: time.Hour}),
		Version:          "bench",
		HostIP:           func() string { return "127.0.0.1" },
		AccessLog:        io.Discard,
		MetricsNamespace: "CurrencyAPI",
		Now:              time.Now,
	})
	req := httptest.NewRequest(http.MethodGet, "/convert?from=GBP&to=JPY&amount=2500.75", nil)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}
