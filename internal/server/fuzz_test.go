package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/currency-convertor-ecs/currency-api/internal/server"
)

// FuzzQuery sends arbitrary query strings to /convert and /rates through
// the real handler over the real ECB history. Whatever the query, the answer
// is a 200 or a 400 (a 414 when the target is too long), never a 5xx, and it
// matches the OpenAPI document; a 400 lists at least one problem.
func FuzzQuery(f *testing.F) {
	for _, seed := range []struct {
		rates bool
		query string
	}{
		{false, "from=USD&to=EUR"},
		{false, "from=usd&to=jpy&amount=12.50&date=2020-03-14"},
		{false, "from=GBP&to=JPY&amount=999999999999999.9999999999"},
		{false, "from=USD&to=EUR&amount=1e308"},
		{false, "from=U%D0%85D&to=EUR"},
		{false, "from=USD%00&to=EUR&%00=1"},
		{false, "from=USD&from=USD&to=EUR"},
		{false, "from=&to=&amount=&date="},
		{false, "from=CYP&to=EUR&date=2020-03-16"},
		{false, "%zz"},
		{true, ""},
		{true, "base=usd&symbols=EUR,GBP,JPY&date=2025-05-10"},
		{true, "symbols=,,,"},
		{true, "base=ROL&symbols=TRL&date=2000-01-03"},
	} {
		f.Add(seed.rates, seed.query)
	}
	store := snapshotStore(f)
	h, _ := newHandler(f, func(cfg *server.Config) {
		cfg.Rates = store
		cfg.Logger = slog.New(slog.NewJSONHandler(io.Discard, nil))
	})
	s := loadSpec(f, h)
	f.Fuzz(func(t *testing.T, rates bool, query string) {
		path := "/convert"
		if rates {
			path = "/rates"
		}
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.URL.RawQuery = query
		req.RequestURI = path + "?" + query
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		resp := rec.Result()
		switch {
		case resp.StatusCode == http.StatusRequestURITooLong && len(req.RequestURI) > 2048:
		case resp.StatusCode == http.StatusOK:
		case resp.StatusCode == http.StatusBadRequest:
			var p problemBody
			dec := json.NewDecoder(bytes.NewReader(rec.Body.Bytes()))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&p); err != nil {
				t.Fatalf("400 body %q: %v", rec.Body, err)
			}
			if len(p.Errors) == 0 {
				t.Fatalf("400 without errors: %s", rec.Body)
			}
			for _, e := range p.Errors {
				if e.Detail == "" {
					t.Errorf("error without detail: %s", rec.Body)
				}
			}
		default:
			t.Fatalf("GET %s?%q = %d, want 200 or 400; body %s", path, query, resp.StatusCode, rec.Body)
		}
		if ok, errs := s.validator.ValidateHttpResponse(req, resp); !ok {
			t.Fatalf("GET %s?%q: response does not match the spec:%s\nbody %s", path, query, describe(errs), rec.Body)
		}
		if resp.StatusCode == http.StatusOK && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Errorf("200 Content-Type = %q", resp.Header.Get("Content-Type"))
		}
	})
}
