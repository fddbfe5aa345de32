package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/currency-convertor-ecs/currency-api/internal/server"
)

// want is one expected entry of a problem's errors: the parameter and a
// stable part of its detail.
type want struct{ param, detail string }

// checkErrors compares a problem's errors with want, ignoring order
// between parameters but not within one.
func checkErrors(t *testing.T, got []paramError, wants []want) {
	t.Helper()
	got = slices.Clone(got)
	wants = slices.Clone(wants)
	slices.SortStableFunc(got, func(a, b paramError) int { return strings.Compare(a.Parameter, b.Parameter) })
	slices.SortStableFunc(wants, func(a, b want) int { return strings.Compare(a.param, b.param) })
	ok := len(got) == len(wants)
	for i := 0; ok && i < len(got); i++ {
		ok = got[i].Parameter == wants[i].param && strings.Contains(got[i].Detail, wants[i].detail)
	}
	if !ok {
		t.Errorf("errors = %+v\nwant (parameter, detail containing) %+v", got, wants)
	}
}

func TestInvalidRequest(t *testing.T) {
	const (
		required  = "is required: a three-letter ISO 4217 code such as USD"
		malformed = "must be a three-letter ISO 4217 code such as USD"
		syntax    = "must be a decimal number such as 100, 99.95, .5 or 1e-5"
		badDate   = "not a valid date in the form YYYY-MM-DD"
		once      = "must be given at most once"
		unknown   = "is not a parameter of this endpoint"
		badQuery  = "is not a valid URL query string"
	)
	tests := []struct {
		target string
		errors []want
	}{
		// /convert: every problem at once.
		{"/convert", []want{{"from", required}, {"to", required}}},
		{"/convert?amount=5", []want{{"from", required}, {"to", required}}},
		{"/convert?from=XYZ&to=usd", []want{{"from", "XYZ is not an ISO 4217 currency code"}}},
		{"/convert?from=USD&to=kwd", []want{{"to", "KWD is not published by the ECB; GET /currencies lists the supported codes"}}},
		{"/convert?from=US&to=U5D", []want{{"from", malformed}, {"to", malformed}}},
		{"/convert?from=&to=EURO", []want{{"from", malformed}, {"to", malformed}}},
		{"/convert?from=" + url.QueryEscape("UЅD") + "&to=EUR", []want{{"from", malformed}}}, // Cyrillic Ѕ
		{"/convert?from=%20USD&to=EUR", []want{{"from", malformed}}},
		{"/convert?from=USD&to=EUR&amount=-5", []want{{"amount", "must not be negative"}}},
		{"/convert?from=USD&to=EUR&amount=-0", []want{{"amount", "must not be negative"}}},
		{"/convert?from=USD&to=EUR&amount=abc", []want{{"amount", syntax}}},
		{"/convert?from=USD&to=EUR&amount=1e", []want{{"amount", syntax}}},
		{"/convert?from=USD&to=EUR&amount=1E3.5", []want{{"amount", syntax}}},
		{"/convert?from=USD&to=EUR&amount=1e%2B21", []want{{"amount", "must have at most 15 digits before the decimal point"}}},
		{"/convert?from=USD&to=EUR&amount=1e-11", []want{{"amount", "must have at most 10 digits after the decimal point"}}},
		{"/convert?from=USD&to=EUR&amount=inf", []want{{"amount", syntax}}},
		{"/convert?from=USD&to=EUR&amount=%2B5", []want{{"amount", syntax}}},
		{"/convert?from=USD&to=EUR&amount=1,000", []want{{"amount", syntax}}},
		{"/convert?from=USD&to=EUR&amount=1_000", []want{{"amount", syntax}}},
		{"/convert?from=USD&to=EUR&amount=NaN", []want{{"amount", syntax}}},
		{"/convert?from=USD&to=EUR&amount=Infinity", []want{{"amount", syntax}}},
		{"/convert?from=USD&to=EUR&amount=0x10", []want{{"amount", syntax}}},
		{"/convert?from=USD&to=EUR&amount=.", []want{{"amount", syntax}}},
		{"/convert?from=USD&to=EUR&amount=%205", []want{{"amount", syntax}}},
		{"/convert?from=USD&to=EUR&amount=", []want{{"amount", syntax}}},
		{"/convert?from=USD&to=EUR&amount=%EF%BC%95", []want{{"amount", syntax}}}, // fullwidth 5
		{"/convert?from=USD&to=EUR&amount=1000000000000000", []want{{"amount", "must have at most 15 digits before the decimal point"}}},
		{"/convert?from=USD&to=EUR&amount=" + strings.Repeat("9", 400), []want{{"amount", "must have at most 15 digits before the decimal point"}}},
		{"/convert?from=USD&to=EUR&amount=0.12345678901", []want{{"amount", "must have at most 10 digits after the decimal point"}}},
		{"/convert?from=USD&to=EUR&date=2025-5-9", []want{{"date", badDate}}},
		{"/convert?from=USD&to=EUR&date=2025-02-29", []want{{"date", badDate}}},
		{"/convert?from=USD&to=EUR&date=20250509", []want{{"date", badDate}}},
		{"/convert?from=USD&to=EUR&date=2025-05-09T00:00:00Z", []want{{"date", badDate}}},
		{"/convert?from=USD&to=EUR&date=", []want{{"date", badDate}}},
		{"/convert?from=USD&to=EUR&date=1999-01-01", []want{{"date", "must not be before 1999-01-04, the first ECB publication"}}},
		{"/convert?from=USD&to=EUR&date=0001-01-01", []want{{"date", "must not be before 1999-01-04"}}},
		// testNow is 2025-05-13 03:20 at UTC+14: the 13th is today there, the 14th is not.
		{"/convert?from=USD&to=EUR&date=2025-05-14", []want{{"date", "must not be in the future"}}},
		{"/convert?from=USD&to=EUR&date=9999-12-31", []want{{"date", "must not be in the future"}}},
		{"/convert?from=USD&from=GBP&to=EUR", []want{{"from", once}}},
		{"/convert?from=USD&to=EUR&to=EUR", []want{{"to", once}}},
		{"/convert?from=USD&to=EUR&amout=5", []want{{"amout", unknown + "; known parameters: from, to, amount, date"}}},
		{"/convert?from=USD&to=EUR&From=GBP", []want{{"From", unknown}}},
		{"/convert?from=USD&to=EUR&%zz=1", []want{{"query", badQuery}}},
		{"/convert?from=USD&to=EUR&amount=%zz", []want{{"query", badQuery}}},
		{"/convert?from=%zz&to=EUR", []want{{"query", badQuery}}},
		{"/convert?from=USD;to=EUR", []want{{"query", badQuery}}},
		// A supported currency without a rate on the publication used.
		{"/convert?from=CYP&to=EUR&date=2020-03-16", []want{{"from", "no ECB rate for CYP on 2020-03-16 (published from 1999-01-04 to 2007-12-31)"}}},
		{"/convert?from=EUR&to=cyp", []want{{"to", "no ECB rate for CYP on 2025-05-09 (published from 1999-01-04 to 2007-12-31)"}}},
		{"/convert?from=CYP&to=CYP&date=2020-03-16", []want{{"from", "no ECB rate for CYP"}, {"to", "no ECB rate for CYP"}}},
		// Everything at once, including the rate availability.
		{
			"/convert?from=CYP&to=KWD&amount=-1&date=2020-03-16&amout=5",
			[]want{{"amout", unknown}, {"to", "KWD is not published by the ECB"}, {"amount", "must not be negative"}, {"from", "no ECB rate for CYP on 2020-03-16"}},
		},
		{
			"/convert?to=USD&to=GBP&amount=1e&date=2025-05-14",
			[]want{{"to", once}, {"from", required}, {"amount", syntax}, {"date", "must not be in the future"}},
		},

		// /rates
		{"/rates?base=XYZ", []want{{"base", "XYZ is not an ISO 4217 currency code"}}},
		{"/rates?base=KWD", []want{{"base", "KWD is not published by the ECB"}}},
		{"/rates?base=", []want{{"base", malformed}}},
		{"/rates?base=USD&base=GBP", []want{{"base", once}}},
		{"/rates?symbols=USD,XYZ,US", []want{{"symbols", "XYZ is not an ISO 4217 currency code"}, {"symbols", `"US" is not a three-letter ISO 4217 code`}}},
		{"/rates?symbols=", []want{{"symbols", `"" is not a three-letter ISO 4217 code`}}},
		{"/rates?symbols=USD,,GBP", []want{{"symbols", `"" is not a three-letter ISO 4217 code`}}},
		{"/rates?symbols=USD%2C%20GBP", []want{{"symbols", `" GBP" is not a three-letter ISO 4217 code`}}},
		{"/rates?symbols=KWD", []want{{"symbols", "KWD is not published by the ECB"}}},
		{"/rates?symbols=CYP,USD", []want{{"symbols", "no ECB rate for CYP on 2025-05-09 (published from 1999-01-04 to 2007-12-31)"}}},
		{"/rates?base=CYP&date=2020-03-16", []want{{"base", "no ECB rate for CYP on 2020-03-16"}}},
		{"/rates?symbols=USD&symbols=GBP", []want{{"symbols", once}}},
		{"/rates?date=1998-12-31", []want{{"date", "must not be before 1999-01-04"}}},
		{"/rates?date=2025-05-14", []want{{"date", "must not be in the future"}}},
		{"/rates?from=USD", []want{{"from", unknown + "; known parameters: base, symbols, date"}}},
		{"/rates?%zz", []want{{"query", badQuery}}},
		{
			"/rates?base=CYP&symbols=XYZ&date=2020-03-16&x=1",
			[]want{{"x", unknown}, {"symbols", "XYZ is not an ISO 4217 currency code"}, {"base", "no ECB rate for CYP on 2020-03-16"}},
		},

		// Endpoints without parameters refuse any.
		{"/currencies?base=USD", []want{{"base", unknown + ", which takes none"}}},
		{"/openapi.json?v=2", []want{{"v", unknown + ", which takes none"}}},
		{"/docs?lang=en", []want{{"lang", unknown + ", which takes none"}}},
	}
	h, _ := newHandler(t)
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			rec := get(t, h, tt.target, "X-Request-Id", "test-request-1")
			p := checkProblem(t, rec, http.StatusBadRequest)
			if got, want := p.Type, "/docs#problem-invalid-request"; got != want {
				t.Errorf("type = %q, want %q", got, want)
			}
			if got, want := p.Title, "Invalid request"; got != want {
				t.Errorf("title = %q, want %q", got, want)
			}
			wantDetail := strconv.Itoa(len(tt.errors)) + " problems with the request"
			if len(tt.errors) == 1 {
				wantDetail = "1 problem with the request"
			}
			if got, want := p.Detail, wantDetail; got != want {
				t.Errorf("detail = %q, want %q", got, want)
			}
			path, _, _ := strings.Cut(tt.target, "?")
			if got, want := p.Instance, path; got != want {
				t.Errorf("instance = %q, want %q", got, want)
			}
			if got, want := p.RequestID, "test-request-1"; got != want {
				t.Errorf("request_id = %q, want %q", got, want)
			}
			checkErrors(t, p.Errors, tt.errors)
		})
	}
}

func TestInvalidRequestHead(t *testing.T) {
	h, _ := newHandler(t)
	g := get(t, h, "/convert?from=XYZ")
	rec := serve(t, h, http.MethodHead, "/convert?from=XYZ")
	if got, want := rec.Code, http.StatusBadRequest; got != want {
		t.Fatalf("status = %d, want %d", got, want)
	}
	if got := rec.Body.Len(); got != 0 {
		t.Errorf("HEAD body has %d bytes, want none", got)
	}
	if got, want := rec.Header().Get("Content-Length"), strconv.Itoa(g.Body.Len()); got != want {
		t.Errorf("HEAD Content-Length = %q, want GET's body length %q", got, want)
	}
}

func TestNotFound(t *testing.T) {
	h, _ := newHandler(t)
	for _, target := range []string{"/nope", "/convert/", "/CONVERT", "/docs/x", "/health/", "/v1/convert?from=USD&to=EUR", "/%C3%BC"} {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			t.Run(method+" "+target, func(t *testing.T) {
				p := checkProblem(t, serve(t, h, method, target), http.StatusNotFound)
				if got, want := p.Type, "about:blank"; got != want {
					t.Errorf("type = %q, want %q", got, want)
				}
				if got, want := p.Title, "Not Found"; got != want {
					t.Errorf("title = %q, want %q", got, want)
				}
			})
		}
	}
}

func TestMethodNotAllowed(t *testing.T) {
	h, _ := newHandler(t, func(cfg *server.Config) { cfg.CORSOrigins = nil })
	for _, path := range []string{"/health", "/convert", "/rates", "/currencies", "/openapi.json", "/docs"} {
		for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodOptions} {
			t.Run(method+" "+path, func(t *testing.T) {
				rec := serve(t, h, method, path)
				p := checkProblem(t, rec, http.StatusMethodNotAllowed)
				if got, want := rec.Header().Get("Allow"), "GET, HEAD"; got != want {
					t.Errorf("Allow = %q, want %q", got, want)
				}
				if got, want := p.Title, "Method Not Allowed"; got != want {
					t.Errorf("title = %q, want %q", got, want)
				}
				if got, want := p.Instance, path; got != want {
					t.Errorf("instance = %q, want %q", got, want)
				}
			})
		}
	}
}

func TestURITooLong(t *testing.T) {
	h, _ := newHandler(t)
	prefix := "/convert?from=USD&to=EUR&x="
	tests := []struct {
		length int
		status int
	}{
		{2048, http.StatusBadRequest}, // long but allowed: only x is wrong
		{2049, http.StatusRequestURITooLong},
		{8000, http.StatusRequestURITooLong},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.length), func(t *testing.T) {
			target := prefix + strings.Repeat("a", tt.length-len(prefix))
			p := checkProblem(t, get(t, h, target), tt.status)
			if tt.status == http.StatusRequestURITooLong {
				if got, want := p.Detail, "the request target must be at most 2048 bytes"; got != want {
					t.Errorf("detail = %q, want %q", got, want)
				}
			}
		})
	}
}

// TestProblemInstance checks instance is a URI reference (RFC 9457 §3.1.5),
// so a path with escapes is reported escaped, not decoded.
func TestProblemInstance(t *testing.T) {
	h, _ := newHandler(t)
	for _, tt := range []struct{ target, instance string }{
		{"/nope", "/nope"},
		{"/a%20b", "/a%20b"},
		{"/%C3%BC", "/%C3%BC"},
		{"/a%22%3E%3Cb", "/a%22%3E%3Cb"},
		{"/convert?from=XYZ", "/convert"},
	} {
		t.Run(tt.target, func(t *testing.T) {
			rec := get(t, h, tt.target)
			var p problemBody
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
				t.Fatalf("body %s: %v", rec.Body, err)
			}
			if got, want := p.Instance, tt.instance; got != want {
				t.Errorf("instance = %q, want %q", got, want)
			}
		})
	}
}
