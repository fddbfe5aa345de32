package server_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/currency-convertor-ecs/currency-api/internal/server"
)

func TestConvert(t *testing.T) {
	h, _ := newHandler(t)
	tests := []struct {
		target       string
		want         string // exact JSON, numbers compared as text
		cacheControl string
	}{
		{
			target:       "/convert?from=usd&to=eur&amount=112.50",
			want:         `{"from":"USD","to":"EUR","amount":112.50,"rate":0.888888888889,"converted":100.00,"date":"2025-05-09","source":"ecb","stale":false,"timestamp":"2025-05-09T14:00:00Z"}`,
			cacheControl: "public, max-age=2700",
		},
		{
			target:       "/convert?from=EUR&to=USD&amount=100",
			want:         `{"from":"EUR","to":"USD","amount":100,"rate":1.125,"converted":112.50,"date":"2025-05-09","source":"ecb","stale":false,"timestamp":"2025-05-09T14:00:00Z"}`,
			cacheControl: "public, max-age=2700",
		},
		{
			// JPY has no minor units; 3 × 163.50 = 490.5 rounds half-up (half-even would give 490).
			target:       "/convert?from=Eur&to=jPy&amount=3&date=2025-05-08",
			want:         `{"from":"EUR","to":"JPY","amount":3,"rate":163.5,"converted":491,"date":"2025-05-08","source":"ecb","stale":false,"timestamp":"2025-05-08T14:00:00Z"}`,
			cacheControl: "public, max-age=86400",
		},
		{
			// 0.04 × 1.125 = 0.045: half-up gives 0.05, half-even 0.04.
			target:       "/convert?from=EUR&to=USD&amount=0.04",
			want:         `{"from":"EUR","to":"USD","amount":0.04,"rate":1.125,"converted":0.05,"date":"2025-05-09","source":"ecb","stale":false,"timestamp":"2025-05-09T14:00:00Z"}`,
			cacheControl: "public, max-age=2700",
		},
		{
			target:       "/convert?from=USD&to=USD",
			want:         `{"from":"USD","to":"USD","amount":1,"rate":1,"converted":1.00,"date":"2025-05-09","source":"ecb","stale":false,"timestamp":"2025-05-09T14:00:00Z"}`,
			cacheControl: "public, max-age=2700",
		},
		{
			target:       "/convert?to=eur&from=eur&amount=2.5",
			want:         `{"from":"EUR","to":"EUR","amount":2.5,"rate":1,"converted":2.50,"date":"2025-05-09","source":"ecb","stale":false,"timestamp":"2025-05-09T14:00:00Z"}`,
			cacheControl: "public, max-age=2700",
		},
		{
			// A cross rate through the euro: 163.01 / 0.846 to 12 digits, trailing zero dropped.
			target:       "/convert?from=GBP&to=JPY&amount=10",
			want:         `{"from":"GBP","to":"JPY","amount":10,"rate":192.68321513,"converted":1927,"date":"2025-05-09","source":"ecb","stale":false,"timestamp":"2025-05-09T14:00:00Z"}`,
			cacheControl: "public, max-age=2700",
		},
		{
			// The largest amount allowed, converted exactly.
			target:       "/convert?from=GBP&to=JPY&amount=999999999999999.9999999999",
			want:         `{"from":"GBP","to":"JPY","amount":999999999999999.9999999999,"rate":192.68321513,"converted":192683215130023641,"date":"2025-05-09","source":"ecb","stale":false,"timestamp":"2025-05-09T14:00:00Z"}`,
			cacheControl: "public, max-age=2700",
		},
		{
			// Floats as Python and JavaScript print them: the exact
			// decimal each denotes, echoed without an exponent.
			target:       "/convert?from=EUR&to=USD&amount=1e-05",
			want:         `{"from":"EUR","to":"USD","amount":0.00001,"rate":1.125,"converted":0.00,"date":"2025-05-09","source":"ecb","stale":false,"timestamp":"2025-05-09T14:00:00Z"}`,
			cacheControl: "public, max-age=2700",
		},
		{
			target:       "/convert?from=EUR&to=USD&amount=.5",
			want:         `{"from":"EUR","to":"USD","amount":0.5,"rate":1.125,"converted":0.56,"date":"2025-05-09","source":"ecb","stale":false,"timestamp":"2025-05-09T14:00:00Z"}`,
			cacheControl: "public, max-age=2700",
		},
		{
			target:       "/convert?from=EUR&to=USD&amount=2.5E%2B2",
			want:         `{"from":"EUR","to":"USD","amount":250,"rate":1.125,"converted":281.25,"date":"2025-05-09","source":"ecb","stale":false,"timestamp":"2025-05-09T14:00:00Z"}`,
			cacheControl: "public, max-age=2700",
		},
		{
			target:       "/convert?from=EUR&to=USD&amount=007.10",
			want:         `{"from":"EUR","to":"USD","amount":7.10,"rate":1.125,"converted":7.99,"date":"2025-05-09","source":"ecb","stale":false,"timestamp":"2025-05-09T14:00:00Z"}`,
			cacheControl: "public, max-age=2700",
		},
		{
			target:       "/convert?from=EUR&to=USD&amount=0",
			want:         `{"from":"EUR","to":"USD","amount":0,"rate":1.125,"converted":0.00,"date":"2025-05-09","source":"ecb","stale":false,"timestamp":"2025-05-09T14:00:00Z"}`,
			cacheControl: "public, max-age=2700",
		},
		{
			// A Saturday resolves to the Friday; winter time, so 16:00 CET is 15:00 UTC.
			target:       "/convert?from=GBP&to=EUR&amount=12.50&date=2020-03-14",
			want:         `{"from":"GBP","to":"EUR","amount":12.50,"rate":1.1179679814,"converted":13.97,"date":"2020-03-13","source":"snapshot","stale":false,"timestamp":"2020-03-13T15:00:00Z"}`,
			cacheControl: "public, max-age=86400",
		},
		{
			// The newest publication asked for by date is final too.
			target:       "/convert?from=EUR&to=USD&date=2025-05-09",
			want:         `{"from":"EUR","to":"USD","amount":1,"rate":1.125,"converted":1.13,"date":"2025-05-09","source":"ecb","stale":false,"timestamp":"2025-05-09T14:00:00Z"}`,
			cacheControl: "public, max-age=86400",
		},
		{
			// 2025-05-13 is already today at UTC+14; it follows the newest rates.
			target:       "/convert?from=EUR&to=USD&date=2025-05-13",
			want:         `{"from":"EUR","to":"USD","amount":1,"rate":1.125,"converted":1.13,"date":"2025-05-09","source":"ecb","stale":false,"timestamp":"2025-05-09T14:00:00Z"}`,
			cacheControl: "public, max-age=2700",
		},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			rec := get(t, h, tt.target)
			if got, want := rec.Code, http.StatusOK; got != want {
				t.Fatalf("status = %d, want %d; body %s", got, want, rec.Body)
			}
			if diff := cmp.Diff(decodeNumbers(t, []byte(tt.want)), decodeNumbers(t, rec.Body.Bytes())); diff != "" {
				t.Errorf("body mismatch (-want +got):\n%s\ngot %s", diff, rec.Body)
			}
			if got, want := rec.Header().Get("Content-Type"), "application/json; charset=utf-8"; got != want {
				t.Errorf("Content-Type = %q, want %q", got, want)
			}
			if got, want := rec.Header().Get("Cache-Control"), tt.cacheControl; got != want {
				t.Errorf("Cache-Control = %q, want %q", got, want)
			}
			if got, want := rec.Header().Get("X-Rates-Stale"), "false"; got != want {
				t.Errorf("X-Rates-Stale = %q, want %q", got, want)
			}
			if got, want := rec.Header().Get("Content-Length"), strconv.Itoa(rec.Body.Len()); got != want {
				t.Errorf("Content-Length = %q, want %q", got, want)
			}
			if got, want := rec.Header().Get("X-Content-Type-Options"), "nosniff"; got != want {
				t.Errorf("X-Content-Type-Options = %q, want %q", got, want)
			}
		})
	}
}

// TestConvertNumbersAreExactText pins the wire format itself: the bytes,
// not a decoding of them, so "112.50" can never become 112.5.
func TestConvertNumbersAreExactText(t *testing.T) {
	h, _ := newHandler(t)
	rec := get(t, h, "/convert?from=EUR&to=USD&amount=100")
	for _, want := range []string{`"amount":100,`, `"rate":1.125,`, `"converted":112.50,`} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("body %s does not contain %s", rec.Body, want)
		}
	}
}

func TestConvertCacheLifetime(t *testing.T) {
	tests := []struct {
		name         string
		edit         func(*server.Config)
		target       string
		cacheControl string
		stale        string
	}{
		{
			name:         "newest, next publication due in 45 minutes",
			target:       "/convert?from=EUR&to=USD",
			cacheControl: "public, max-age=2700",
			stale:        "false",
		},
		{
			name:         "newest, capped at an hour",
			edit:         func(cfg *server.Config) { cfg.Now = func() time.Time { return testNow.Add(-3 * time.Hour) } },
			target:       "/convert?from=EUR&to=USD",
			cacheControl: "public, max-age=3600",
			stale:        "false",
		},
		{
			name:         "newest, published but not yet due",
			edit:         func(cfg *server.Config) { cfg.Now = func() time.Time { return testNow.Add(42 * time.Minute) } },
			target:       "/convert?from=EUR&to=USD",
			cacheControl: "public, max-age=180",
			stale:        "false",
		},
		{
			name:         "newest, due but not held, not yet stale",
			edit:         func(cfg *server.Config) { cfg.Now = func() time.Time { return testNow.Add(50 * time.Minute) } },
			target:       "/convert?from=EUR&to=USD",
			cacheControl: "public, max-age=60, stale-while-revalidate=60",
			stale:        "false",
		},
		{
			name:         "newest, stale",
			edit:         withStale(t),
			target:       "/convert?from=EUR&to=USD",
			cacheControl: "public, max-age=60, stale-while-revalidate=60",
			stale:        "true",
		},
		{
			name:         "historical, stale store",
			edit:         withStale(t),
			target:       "/convert?from=EUR&to=USD&date=2025-05-08",
			cacheControl: "public, max-age=86400",
			stale:        "false",
		},
		{
			name:         "a date after the newest held, stale store",
			edit:         withStale(t),
			target:       "/convert?from=EUR&to=USD&date=2025-05-12",
			cacheControl: "public, max-age=60, stale-while-revalidate=60",
			stale:        "true",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var edits []func(*server.Config)
			if tt.edit != nil {
				edits = append(edits, tt.edit)
			}
			h, _ := newHandler(t, edits...)
			rec := get(t, h, tt.target)
			if got, want := rec.Code, http.StatusOK; got != want {
				t.Fatalf("status = %d, want %d; body %s", got, want, rec.Body)
			}
			if got, want := rec.Header().Get("Cache-Control"), tt.cacheControl; got != want {
				t.Errorf("Cache-Control = %q, want %q", got, want)
			}
			if got, want := rec.Header().Get("X-Rates-Stale"), tt.stale; got != want {
				t.Errorf("X-Rates-Stale = %q, want %q", got, want)
			}
			body := decodeNumbers(t, rec.Body.Bytes())
			if got, want := strconv.FormatBool(body["stale"].(bool)), tt.stale; got != want {
				t.Errorf("stale = %s, want %s", got, want)
			}
		})
	}
}

func TestConvertConditional(t *testing.T) {
	h, _ := newHandler(t)
	const target = "/convert?from=EUR&to=USD&amount=100"
	first := get(t, h, target)
	etag := first.Header().Get("ETag")
	if len(etag) < 3 || !strings.HasPrefix(etag, `"`) || !strings.HasSuffix(etag, `"`) {
		t.Fatalf("ETag = %q, want a strong entity tag", etag)
	}
	if got := get(t, h, target).Header().Get("ETag"); got != etag {
		t.Errorf("ETag of the same answer = %q, then %q: want stable", etag, got)
	}
	if got := get(t, h, "/convert?from=EUR&to=USD&amount=101").Header().Get("ETag"); got == etag {
		t.Errorf("ETag of a different answer = %q, want a different one", got)
	}

	tests := []struct {
		name        string
		ifNoneMatch []string
		status      int
	}{
		{"same", []string{etag}, http.StatusNotModified},
		{"weak form", []string{"W/" + etag}, http.StatusNotModified},
		{"in a list", []string{`"x", ` + etag}, http.StatusNotModified},
		{"in a second header line", []string{`"x"`, etag}, http.StatusNotModified},
		{"star", []string{"*"}, http.StatusNotModified},
		{"other", []string{`"0123456789abcdef0123456789abcdef"`}, http.StatusOK},
		{"unquoted", []string{strings.Trim(etag, `"`)}, http.StatusOK},
		{"garbage", []string{`%%garbage,,, W/`}, http.StatusOK},
		{"empty", []string{""}, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var header []string
			for _, v := range tt.ifNoneMatch {
				header = append(header, "If-None-Match", v)
			}
			rec := get(t, h, target, header...)
			if got, want := rec.Code, tt.status; got != want {
				t.Fatalf("status = %d, want %d", got, want)
			}
			if got, want := rec.Header().Get("ETag"), etag; got != want {
				t.Errorf("ETag = %q, want %q", got, want)
			}
			if got, want := rec.Header().Get("Cache-Control"), first.Header().Get("Cache-Control"); got != want {
				t.Errorf("Cache-Control = %q, want %q", got, want)
			}
			if got, want := rec.Header().Get("X-Rates-Stale"), "false"; got != want {
				t.Errorf("X-Rates-Stale = %q, want %q", got, want)
			}
			if tt.status == http.StatusNotModified {
				if got := rec.Body.Len(); got != 0 {
					t.Errorf("304 body has %d bytes, want none", got)
				}
				if got := rec.Header().Get("Content-Length"); got != "" {
					t.Errorf("304 Content-Length = %q, want none", got)
				}
			} else if got, want := rec.Body.String(), first.Body.String(); got != want {
				t.Errorf("body = %s, want %s", got, want)
			}
		})
	}
}

func TestHead(t *testing.T) {
	h, _ := newHandler(t)
	for _, target := range []string{
		"/convert?from=EUR&to=USD",
		"/rates?base=USD",
		"/currencies",
		"/health",
		"/openapi.json",
		"/docs",
	} {
		t.Run(target, func(t *testing.T) {
			g := get(t, h, target)
			rec := serve(t, h, http.MethodHead, target)
			if got, want := rec.Code, http.StatusOK; got != want {
				t.Fatalf("status = %d, want %d", got, want)
			}
			if got := rec.Body.Len(); got != 0 {
				t.Errorf("HEAD body has %d bytes, want none", got)
			}
			for _, name := range []string{"Content-Type", "Content-Length", "ETag", "Cache-Control"} {
				if got, want := rec.Header().Get(name), g.Header().Get(name); got != want || got == "" {
					t.Errorf("HEAD %s = %q, want GET's %q", name, got, want)
				}
			}
		})
	}
}
