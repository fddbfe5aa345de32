package server_test

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
	"github.com/currency-convertor-ecs/currency-api/internal/ecb"
	"github.com/currency-convertor-ecs/currency-api/internal/rates"
	"github.com/currency-convertor-ecs/currency-api/internal/server"
)

// Fixed clocks. testNow is a Monday at 15:20 in Frankfurt: Friday
// 2025-05-09 is the newest publication, and Monday's is due at 16:05 CEST
// (14:05 UTC), 45 minutes later. At testNowT, Tuesday 17:00 CEST, Monday's
// and Tuesday's rates are missing: the store is stale.
var (
	testNow  = time.Date(2025, time.May, 12, 13, 20, 0, 0, time.UTC)
	testNowT = testNow.Add(24*time.Hour + 100*time.Minute)
)

// testPolicy is the freshness policy of the test stores: due five minutes
// after 16:00, stale fifteen minutes after.
var testPolicy = rates.Policy{Settle: 5 * time.Minute, StaleAfter: 15 * time.Minute}

// day builds one publication from code/rate pairs.
func day(t testing.TB, date, source string, pairs ...string) currency.Day {
	t.Helper()
	d, err := currency.ParseDate(date)
	if err != nil {
		t.Fatalf("ParseDate(%q): %v", date, err)
	}
	out := currency.Day{Date: d, Source: source, Rates: map[currency.Code]currency.Rate{}}
	for i := 0; i+1 < len(pairs); i += 2 {
		r, err := currency.ParseRate(pairs[i+1])
		if err != nil {
			t.Fatalf("ParseRate(%q): %v", pairs[i+1], err)
		}
		out.Rates[currency.Code(pairs[i])] = r
	}
	return out
}

// testHistory is small enough that every expected number below was worked
// out by hand (and checked with Python's decimal module). CYP is only
// published up to 2007, like the real Cyprus pound.
func testHistory(t testing.TB) *currency.History {
	t.Helper()
	h, ignored := currency.NewHistory([]currency.Day{
		day(t, "1999-01-04", "snapshot", "USD", "1.1789", "JPY", "133.73", "GBP", "0.7111", "CYP", "0.58231"),
		day(t, "2007-12-28", "snapshot", "USD", "1.4552", "JPY", "164.93", "GBP", "0.73335", "CYP", "0.585274"),
		day(t, "2007-12-31", "snapshot", "USD", "1.4721", "JPY", "164.93", "GBP", "0.73335", "CYP", "0.585274"),
		day(t, "2020-03-13", "snapshot", "USD", "1.1104", "JPY", "119.36", "GBP", "0.89448"),
		day(t, "2020-03-16", "snapshot", "USD", "1.1185", "JPY", "119.07", "GBP", "0.90915"),
		day(t, "2025-05-08", "ecb", "USD", "1.1300", "JPY", "163.50", "GBP", "0.84560"),
		day(t, "2025-05-09", "ecb", "USD", "1.1250", "JPY", "163.01", "GBP", "0.84600"),
	})
	if len(ignored) > 0 {
		t.Fatalf("NewHistory ignored %v", ignored)
	}
	return h
}

func date(t testing.TB, s string) currency.Date {
	t.Helper()
	d, err := currency.ParseDate(s)
	if err != nil {
		t.Fatalf("ParseDate(%q): %v", s, err)
	}
	return d
}

// testStore is the real rate store over testHistory: what it answers at a
// given instant is the rates package's policy, not the test's.
func testStore(t testing.TB) *rates.Store {
	t.Helper()
	return rates.NewStore(testHistory(t), testPolicy)
}

// logBuffer collects log lines; safe for a server's goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines returns every JSON log line written so far, decoded with UseNumber.
func (b *logBuffer) lines(t testing.TB) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for line := range strings.SplitSeq(strings.TrimRight(b.buf.String(), "\n"), "\n") {
		if line == "" {
			continue
		}
		m := map[string]any{}
		dec := json.NewDecoder(strings.NewReader(line))
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("log line %q is not JSON: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

// testConfig is the configuration every test starts from.
func testConfig(t testing.TB) server.Config {
	t.Helper()
	return server.Config{
		Logger:           slog.New(slog.NewJSONHandler(io.Discard, nil)),
		Rates:            testStore(t),
		Version:          "1.2.3-test",
		HostIP:           func() string { return "10.0.1.23" },
		Snapshot:         server.Snapshot{Date: date(t, "2025-05-09"), SHA256: strings.Repeat("ab", 32)},
		CORSOrigins:      []string{"https://app.example.com", "https://admin.example.com"},
		MetricsNamespace: "CurrencyAPI",
		Now:              func() time.Time { return testNow },
	}
}

// newHandler returns the real handler for the test configuration, changed
// by edit, and the buffer its logger writes to.
func newHandler(t testing.TB, edit ...func(*server.Config)) (http.Handler, *logBuffer) {
	t.Helper()
	cfg := testConfig(t)
	logs := &logBuffer{}
	cfg.Logger = slog.New(slog.NewJSONHandler(logs, nil))
	cfg.AccessLog = logs
	for _, e := range edit {
		e(&cfg)
	}
	return server.NewHandler(cfg), logs
}

// withStale moves the clock to testNowT, when the store is stale.
func withStale(testing.TB) func(*server.Config) {
	return func(cfg *server.Config) {
		cfg.Now = func() time.Time { return testNowT }
	}
}

// serve sends one request through h. header holds name/value pairs.
func serve(t testing.TB, h http.Handler, method, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func get(t testing.TB, h http.Handler, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	return serve(t, h, http.MethodGet, target, header...)
}

// decodeNumbers decodes a JSON body keeping numbers as their exact text.
func decodeNumbers(t testing.TB, body []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", body, err)
	}
	if dec.More() {
		t.Fatalf("body %q has data after the JSON object", body)
	}
	return m
}

// problemBody is an RFC 9457 problem as the service writes it.
type problemBody struct {
	Type      string       `json:"type"`
	Title     string       `json:"title"`
	Status    int          `json:"status"`
	Detail    string       `json:"detail"`
	Instance  string       `json:"instance"`
	RequestID string       `json:"request_id"`
	Errors    []paramError `json:"errors"`
}

type paramError struct {
	Parameter string `json:"parameter"`
	Detail    string `json:"detail"`
}

// checkProblem asserts rec is a problem+json answer with the given status
// and returns its body. Every problem must be uncacheable and carry the
// request ID of the response.
func checkProblem(t testing.TB, rec *httptest.ResponseRecorder, status int) problemBody {
	t.Helper()
	if got, want := rec.Code, status; got != want {
		t.Fatalf("status = %d, want %d; body %s", got, want, rec.Body)
	}
	if got, want := rec.Header().Get("Content-Type"), "application/problem+json"; got != want {
		t.Errorf("Content-Type = %q, want %q", got, want)
	}
	if got, want := rec.Header().Get("Cache-Control"), "no-store"; got != want {
		t.Errorf("Cache-Control = %q, want %q", got, want)
	}
	if got := rec.Header().Get("ETag"); got != "" {
		t.Errorf("ETag = %q on a problem, want none", got)
	}
	var p problemBody
	dec := json.NewDecoder(bytes.NewReader(rec.Body.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("problem body %q: %v", rec.Body, err)
	}
	if got, want := p.Status, status; got != want {
		t.Errorf("problem status = %d, want %d", got, want)
	}
	if p.Title == "" || p.Type == "" {
		t.Errorf("problem type %q, title %q: want both set", p.Type, p.Title)
	}
	if got, want := p.RequestID, rec.Header().Get("X-Request-Id"); got != want || got == "" {
		t.Errorf("problem request_id = %q, want the X-Request-Id header %q", got, want)
	}
	return p
}

// snapshotHistory is the ECB history embedded in the binary, loaded once.
var snapshotHistory = sync.OnceValues(func() (*currency.History, error) {
	h, _, err := ecb.LoadSnapshot()
	return h, err
})

// withSnapshot serves the embedded ECB history from a real store of its
// own; the clock stays at testNow, before Monday 2025-05-12's rates are due.
func withSnapshot(t testing.TB) func(*server.Config) {
	t.Helper()
	h, err := snapshotHistory()
	if err != nil {
		t.Fatalf("ecb.LoadSnapshot: %v", err)
	}
	return func(cfg *server.Config) { cfg.Rates = rates.NewStore(h, testPolicy) }
}

// ecbCSV is the ECB's own file as the repository ships it, read with
// encoding/csv: date → code → rate text, "N/A" and empty cells left out. It
// is the peer the answers over the embedded history must repeat.
var ecbCSV = sync.OnceValues(func() (map[string]map[string]string, error) {
	f, err := os.Open("../ecb/eurofxref-hist.csv.gz")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(zr)
	r.FieldsPerRecord = -1
	records, err := r.ReadAll()
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]string{}
	header := records[0]
	for _, rec := range records[1:] {
		day := map[string]string{}
		for i, v := range rec[1:] {
			if code := strings.TrimSpace(header[i+1]); code != "" && v != "N/A" && v != "" {
				day[code] = v
			}
		}
		out[rec[0]] = day
	}
	return out, nil
})
