package frankfurter_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
	"github.com/currency-convertor-ecs/currency-api/internal/frankfurter"
)

// now is the clock of every client under test: Saturday 10 May 2025, the
// day after the newest publication in testdata.
var now = time.Date(2025, time.May, 10, 12, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return now }

func today() currency.Date { return currency.DateOf(now) }

// seriesAfter makes Fetch ask for a time series; latestAfter for /latest.
var (
	seriesAfter = currency.NewDate(2025, time.May, 1)
	latestAfter = today()
)

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// server answers every request with a fixed status and body and records
// the request URIs.
type server struct {
	status int
	body   string

	mu   sync.Mutex
	uris []string
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.uris = append(s.uris, r.URL.RequestURI())
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(s.status)
	w.Write([]byte(s.body))
}

func (s *server) requested() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.uris)
}

// newClient starts a server running h under /v1 and returns a client of it.
func newClient(t *testing.T, h http.Handler) *frankfurter.Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return frankfurter.New(srv.URL+"/v1", srv.Client(), fixedNow)
}

func TestName(t *testing.T) {
	if got, want := frankfurter.New("", nil, nil).Name(), "frankfurter"; got != want {
		t.Errorf("Name() = %q, want %q", got, want)
	}
}

func TestFetchTimeSeries(t *testing.T) {
	body := readTestdata(t, "timeseries.json")
	srv := &server{status: http.StatusOK, body: body}
	days, err := newClient(t, srv).Fetch(t.Context(), seriesAfter)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := srv.requested(), []string{"/v1/2025-05-02..?base=EUR"}; !slices.Equal(got, want) {
		t.Errorf("requested %v, want %v", got, want)
	}

	var fixture struct {
		Rates map[string]map[string]json.Number
	}
	if err := json.Unmarshal([]byte(body), &fixture); err != nil {
		t.Fatal(err)
	}
	if got, want := len(days), len(fixture.Rates); got != want {
		t.Fatalf("got %d days, want %d", got, want)
	}
	for i, d := range days {
		if i > 0 && d.Date <= days[i-1].Date {
			t.Errorf("day %d (%s) is not after %s", i, d.Date, days[i-1].Date)
		}
		if d.Source != "frankfurter" {
			t.Errorf("Source of %s = %q, want %q", d.Date, d.Source, "frankfurter")
		}
		want := fixture.Rates[d.Date.String()]
		if len(d.Rates) != len(want) {
			t.Errorf("got %d rates on %s, want %d", len(d.Rates), d.Date, len(want))
		}
		for code, r := range d.Rates {
			if got, want := r.String(), want[string(code)].String(); got != want {
				t.Errorf("%s on %s = %s, want %s", code, d.Date, got, want)
			}
		}
	}
	if got, want := days[0].Date, currency.NewDate(2025, time.May, 2); got != want {
		t.Errorf("first day = %s, want %s", got, want)
	}
	last := days[len(days)-1]
	if got, want := last.Date, currency.NewDate(2025, time.May, 9); got != want {
		t.Errorf("last day = %s, want %s", got, want)
	}
	if got, want := last.Rates["USD"].String(), "1.1252"; got != want {
		t.Errorf("USD on %s = %s, want %s", last.Date, got, want)
	}
}

func TestFetchLatest(t *testing.T) {
	body := readTestdata(t, "latest.json")
	srv := &server{status: http.StatusOK, body: body}
	days, err := newClient(t, srv).Fetch(t.Context(), latestAfter)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := srv.requested(), []string{"/v1/latest?base=EUR"}; !slices.Equal(got, want) {
		t.Errorf("requested %v, want %v", got, want)
	}
	if got, want := len(days), 1; got != want {
		t.Fatalf("got %d days, want %d", got, want)
	}
	day := days[0]
	if got, want := day.Date, currency.NewDate(2025, time.May, 9); got != want {
		t.Errorf("Date = %s, want %s", got, want)
	}
	if got, want := day.Source, "frankfurter"; got != want {
		t.Errorf("Source = %q, want %q", got, want)
	}
	var fixture struct{ Rates map[string]json.Number }
	if err := json.Unmarshal([]byte(body), &fixture); err != nil {
		t.Fatal(err)
	}
	if got, want := len(day.Rates), len(fixture.Rates); got != want {
		t.Errorf("got %d rates, want %d", got, want)
	}
	for code, want := range map[currency.Code]string{"USD": "1.1252", "IDR": "18606.59", "JPY": "163.36"} {
		if got := day.Rates[code].String(); got != want {
			t.Errorf("%s = %s, want %s", code, got, want)
		}
	}
}

func TestFetchChoosesEndpoint(t *testing.T) {
	tests := []struct {
		after currency.Date
		want  string
	}{
		{today(), "/v1/latest?base=EUR"},
		{today().AddDays(3), "/v1/latest?base=EUR"},
		{today().AddDays(-1), "/v1/2025-05-10..?base=EUR"}, // a Saturday: Frankfurter starts on Friday's publication
		{currency.NewDate(2023, time.May, 10), "/v1/2023-05-11..?base=EUR"},
	}
	for _, tt := range tests {
		t.Run(tt.after.String(), func(t *testing.T) {
			srv := &server{status: http.StatusOK, body: readTestdata(t, "timeseries-empty.json")}
			newClient(t, srv).Fetch(t.Context(), tt.after)
			if got := srv.requested(); !slices.Equal(got, []string{tt.want}) {
				t.Errorf("requested %v, want [%s]", got, tt.want)
			}
		})
	}
}

func TestFetchEmptySeries(t *testing.T) {
	srv := &server{status: http.StatusOK, body: readTestdata(t, "timeseries-empty.json")}
	days, err := newClient(t, srv).Fetch(t.Context(), seriesAfter)
	if err != nil {
		t.Fatal(err)
	}
	if len(days) != 0 {
		t.Errorf("got %d days, want none", len(days))
	}
}

func TestFetchKeepsDigits(t *testing.T) {
	// More digits than a float64 holds: a float would round the rate.
	const rate = "1.12345678901234567"
	srv := &server{status: http.StatusOK, body: `{"amount":1.0,"base":"EUR","date":"2025-05-09","rates":{"USD":` + rate + `}}`}
	days, err := newClient(t, srv).Fetch(t.Context(), latestAfter)
	if err != nil {
		t.Fatal(err)
	}
	if got := days[0].Rates["USD"].String(); got != rate {
		t.Errorf("USD = %s, want %s", got, rate)
	}
}

func TestFetchErrors(t *testing.T) {
	latest := func(rates string) string {
		return `{"amount":1.0,"base":"EUR","date":"2025-05-09","rates":{` + rates + `}}`
	}
	tests := []struct {
		name   string
		after  currency.Date
		status int
		body   string
		want   error
	}{
		{"html page with 200", seriesAfter, http.StatusOK, readTestdata(t, "error-page.html"), frankfurter.ErrFormat},
		{"html page with 503", seriesAfter, http.StatusServiceUnavailable, readTestdata(t, "error-page.html"), frankfurter.ErrStatus},
		{"500", seriesAfter, http.StatusInternalServerError, "internal server error", frankfurter.ErrStatus},
		{"429", latestAfter, http.StatusTooManyRequests, `{"message":"rate limited"}`, frankfurter.ErrStatus},
		{"404", seriesAfter, http.StatusNotFound, readTestdata(t, "not-found.json"), frankfurter.ErrStatus},
		{"wrong base", latestAfter, http.StatusOK, readTestdata(t, "wrong-base.json"), frankfurter.ErrFormat},
		{"malformed", latestAfter, http.StatusOK, readTestdata(t, "malformed.json"), frankfurter.ErrFormat},
		{"truncated", seriesAfter, http.StatusOK, readTestdata(t, "truncated.json"), frankfurter.ErrFormat},
		{"empty body", seriesAfter, http.StatusOK, "", frankfurter.ErrFormat},
		{"two documents", latestAfter, http.StatusOK, readTestdata(t, "latest.json") + readTestdata(t, "latest.json"), frankfurter.ErrFormat},
		{"latest without rates", latestAfter, http.StatusOK, readTestdata(t, "latest-no-rates.json"), frankfurter.ErrNoRates},
		{"series day without rates", seriesAfter, http.StatusOK, readTestdata(t, "timeseries-empty-day.json"), frankfurter.ErrNoRates},
		{"series without rates field", seriesAfter, http.StatusOK, `{"amount":1.0,"base":"EUR"}`, frankfurter.ErrFormat},
		{"series of latest shape", seriesAfter, http.StatusOK, readTestdata(t, "latest.json"), frankfurter.ErrFormat},
		{"amount not 1", latestAfter, http.StatusOK, strings.Replace(latest(`"USD":1.1252`), `"amount":1.0`, `"amount":10.0`, 1), frankfurter.ErrFormat},
		{"no amount", latestAfter, http.StatusOK, strings.Replace(latest(`"USD":1.1252`), `"amount":1.0,`, ``, 1), frankfurter.ErrFormat},
		{"bad date", latestAfter, http.StatusOK, strings.Replace(latest(`"USD":1.1252`), `2025-05-09`, `2025-5-9`, 1), frankfurter.ErrFormat},
		{"lower-case code", latestAfter, http.StatusOK, latest(`"usd":1.1252`), frankfurter.ErrFormat},
		{"negative rate", latestAfter, http.StatusOK, latest(`"USD":-1.1252`), frankfurter.ErrFormat},
		{"zero rate", latestAfter, http.StatusOK, latest(`"USD":0`), frankfurter.ErrFormat},
		{"null rate", latestAfter, http.StatusOK, latest(`"USD":null`), frankfurter.ErrFormat},
		{"text rate", latestAfter, http.StatusOK, latest(`"USD":"N/A"`), frankfurter.ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, &server{status: tt.status, body: tt.body})
			days, err := c.Fetch(t.Context(), tt.after)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Fetch() error = %v, want %v", err, tt.want)
			}
			if days != nil {
				t.Errorf("Fetch() returned %d days with the error, want none", len(days))
			}
			if tt.status != http.StatusOK && !strings.Contains(err.Error(), strconv.Itoa(tt.status)) {
				t.Errorf("error %q does not name status %d", err, tt.status)
			}
		})
	}
}

func TestFetchStatusSnippet(t *testing.T) {
	page := readTestdata(t, "error-page.html")
	c := newClient(t, &server{status: http.StatusServiceUnavailable, body: page})
	_, err := c.Fetch(t.Context(), seriesAfter)
	if !errors.Is(err, frankfurter.ErrStatus) {
		t.Fatalf("Fetch() error = %v, want %v", err, frankfurter.ErrStatus)
	}
	msg := err.Error()
	if !strings.Contains(msg, "<title>Service Unavailable</title>") {
		t.Errorf("error %q does not quote the start of the body", msg)
	}
	if tail := strings.TrimSpace(page[len(page)-50:]); strings.Contains(msg, tail) {
		t.Errorf("error %q quotes the whole %d-byte body, want it truncated", msg, len(page))
	}
}

func TestFetchSlowServer(t *testing.T) {
	// The server stalls either before the response headers or in the body,
	// until the client goes away or long after the client's deadline.
	for name, headersFirst := range map[string]bool{"before headers": false, "in the body": true} {
		t.Run(name, func(t *testing.T) {
			c := newClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if headersFirst {
					w.Write([]byte(`{"amount":1.0,`))
					w.(http.Flusher).Flush()
				}
				select {
				case <-r.Context().Done():
				case <-time.After(5 * time.Second):
				}
			}))
			ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
			defer cancel()
			_, err := c.Fetch(ctx, seriesAfter)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Fetch() error = %v, want %v", err, context.DeadlineExceeded)
			}
		})
	}
}

func TestFetchEndlessBody(t *testing.T) {
	c := newClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"amount":1.0,"base":"EUR","rates":{"2025-05-09":{`))
		chunk := bytes.Repeat([]byte(`"USD":1.1252,`), 1000)
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	_, err := c.Fetch(t.Context(), seriesAfter)
	if !errors.Is(err, frankfurter.ErrTooLarge) {
		t.Fatalf("Fetch() error = %v, want %v", err, frankfurter.ErrTooLarge)
	}
}

func TestNewBaseURL(t *testing.T) {
	for _, base := range []string{"/v1", "/v1/"} {
		t.Run(base, func(t *testing.T) {
			s := &server{status: http.StatusOK, body: readTestdata(t, "latest.json")}
			srv := httptest.NewServer(s)
			t.Cleanup(srv.Close)
			c := frankfurter.New(srv.URL+base, srv.Client(), fixedNow)
			if _, err := c.Fetch(t.Context(), latestAfter); err != nil {
				t.Fatal(err)
			}
			if got, want := s.requested(), []string{"/v1/latest?base=EUR"}; !slices.Equal(got, want) {
				t.Errorf("requested %v, want %v", got, want)
			}
		})
	}
}
