package ecb_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
	"github.com/currency-convertor-ecs/currency-api/internal/ecb"
)

// now is the clock of every client under test: Saturday 10 May 2025, the
// day after the publication in testdata/eurofxref-daily.xml.
var now = time.Date(2025, time.May, 10, 12, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return now }

func today() currency.Date { return currency.DateOf(now) }

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// newClient starts a server running h and returns a client of it.
func newClient(t *testing.T, h http.Handler) *ecb.Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return ecb.New(srv.URL, srv.Client(), fixedNow)
}

// serveFile answers every request with status and the named testdata file.
func serveFile(t *testing.T, status int, name string) http.Handler {
	t.Helper()
	body := readTestdata(t, name)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		w.Write(body)
	})
}

// feedServer serves the feeds from testdata, the file for a feed given by
// files (the feed's own name when absent), and records the paths asked for.
type feedServer struct {
	files map[string]string

	mu    sync.Mutex
	paths []string
}

func (s *feedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.paths = append(s.paths, r.URL.Path)
	s.mu.Unlock()
	name := path.Base(r.URL.Path)
	if f, ok := s.files[name]; ok {
		name = f
	}
	body, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Write(body)
}

func (s *feedServer) requested() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.paths)
}

func TestName(t *testing.T) {
	if got, want := ecb.New("", nil, nil).Name(), "ecb"; got != want {
		t.Errorf("Name() = %q, want %q", got, want)
	}
}

func TestFetchDaily(t *testing.T) {
	c := newClient(t, &feedServer{})
	days, err := c.Fetch(t.Context(), currency.NewDate(2025, time.May, 8))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(days), 1; got != want {
		t.Fatalf("got %d days, want %d", got, want)
	}
	day := days[0]
	if got, want := day.Date, currency.NewDate(2025, time.May, 9); got != want {
		t.Errorf("Date = %s, want %s", got, want)
	}
	if got, want := day.Source, "ecb"; got != want {
		t.Errorf("Source = %q, want %q", got, want)
	}
	feed := readTestdata(t, ecb.DailyFeed)
	if got, want := len(day.Rates), bytes.Count(feed, []byte("currency=")); got != want {
		t.Errorf("got %d rates, want %d", got, want)
	}
	for code, want := range map[currency.Code]string{"USD": "1.1252", "JPY": "163.36", "IDR": "18606.59", "ZAR": "20.4835"} {
		if got := day.Rates[code].String(); got != want {
			t.Errorf("%s = %s, want %s", code, got, want)
		}
	}
}

func TestParseFeeds(t *testing.T) {
	// The ECB still publishes the full history as XML too; Parse reads it.
	for _, feed := range []string{ecb.DailyFeed, ecb.RecentFeed, "eurofxref-hist.xml"} {
		t.Run(feed, func(t *testing.T) {
			body := readTestdata(t, feed)
			days, err := ecb.Parse(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := len(days), bytes.Count(body, []byte("time=")); got != want {
				t.Errorf("got %d days, want %d", got, want)
			}
			rates := 0
			for i, d := range days {
				if i > 0 && d.Date <= days[i-1].Date {
					t.Errorf("day %d (%s) is not after %s", i, d.Date, days[i-1].Date)
				}
				rates += len(d.Rates)
			}
			if got, want := rates, bytes.Count(body, []byte("rate=")); got != want {
				t.Errorf("got %d rates in all, want %d", got, want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	envelope := func(cubes string) string {
		return `<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
<gesmes:subject>Reference rates</gesmes:subject><Cube>` + cubes + `</Cube></gesmes:Envelope>`
	}
	day := func(date, rates string) string { return `<Cube time="` + date + `">` + rates + `</Cube>` }
	usd := `<Cube currency="USD" rate="1.1252"/>`
	tests := []struct {
		name, doc string
		want      error
	}{
		{"malformed", string(readTestdata(t, "malformed.xml")), ecb.ErrFormat},
		{"truncated", string(readTestdata(t, "truncated.xml")), ecb.ErrFormat},
		{"html", string(readTestdata(t, "error-page.html")), ecb.ErrFormat},
		{"wrong namespace", string(readTestdata(t, "wrong-namespace.xml")), ecb.ErrFormat},
		{"no rates", string(readTestdata(t, "no-rates.xml")), ecb.ErrNoRates},
		{"day without rates", string(readTestdata(t, "empty-day.xml")), ecb.ErrNoRates},
		{"duplicate date", string(readTestdata(t, "duplicate-date.xml")), ecb.ErrFormat},
		{"empty", "", ecb.ErrNoRates},
		{"other root", `<Envelope>` + day("2025-05-09", usd) + `</Envelope>`, ecb.ErrFormat},
		{"no namespace on Cube", strings.Replace(envelope(day("2025-05-09", usd)), ` xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref"`, "", 1), ecb.ErrFormat},
		{"bad date", envelope(day("2025-02-30", usd)), ecb.ErrFormat},
		{"date with time", envelope(day("2025-05-09T16:00:00Z", usd)), ecb.ErrFormat},
		{"no time", envelope(`<Cube>` + usd + `</Cube>`), ecb.ErrFormat},
		{"lower-case code", envelope(day("2025-05-09", `<Cube currency="usd" rate="1.1252"/>`)), ecb.ErrFormat},
		{"no code", envelope(day("2025-05-09", `<Cube rate="1.1252"/>`)), ecb.ErrFormat},
		{"negative rate", envelope(day("2025-05-09", `<Cube currency="USD" rate="-1.1252"/>`)), ecb.ErrFormat},
		{"zero rate", envelope(day("2025-05-09", `<Cube currency="USD" rate="0"/>`)), ecb.ErrFormat},
		{"text rate", envelope(day("2025-05-09", `<Cube currency="USD" rate="N/A"/>`)), ecb.ErrFormat},
		{"no rate", envelope(day("2025-05-09", `<Cube currency="USD"/>`)), ecb.ErrFormat},
		{"duplicate currency", envelope(day("2025-05-09", usd+usd)), ecb.ErrFormat},
		{"nested too deep", envelope(day("2025-05-09", `<Cube currency="USD" rate="1.1252">`+usd+`</Cube>`)), ecb.ErrFormat},
		{"other element in day", envelope(day("2025-05-09", usd+`<note/>`)), ecb.ErrFormat},
		{"trailing garbage", envelope(day("2025-05-09", usd)) + `<Cube>`, ecb.ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			days, err := ecb.Parse(strings.NewReader(tt.doc))
			if !errors.Is(err, tt.want) {
				t.Fatalf("Parse() error = %v, want %v", err, tt.want)
			}
			if days != nil {
				t.Errorf("Parse() returned %d days with the error, want none", len(days))
			}
		})
	}
}

func TestFetchErrors(t *testing.T) {
	tests := []struct {
		name   string
		status int
		file   string
		want   error
	}{
		{"html page with 200", http.StatusOK, "error-page.html", ecb.ErrFormat},
		{"html page with 503", http.StatusServiceUnavailable, "error-page.html", ecb.ErrStatus},
		{"500", http.StatusInternalServerError, "error-page.html", ecb.ErrStatus},
		{"429", http.StatusTooManyRequests, "error-page.html", ecb.ErrStatus},
		{"feed with 404", http.StatusNotFound, ecb.DailyFeed, ecb.ErrStatus},
		{"malformed", http.StatusOK, "malformed.xml", ecb.ErrFormat},
		{"truncated", http.StatusOK, "truncated.xml", ecb.ErrFormat},
		{"wrong namespace", http.StatusOK, "wrong-namespace.xml", ecb.ErrFormat},
		{"no rates", http.StatusOK, "no-rates.xml", ecb.ErrNoRates},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, serveFile(t, tt.status, tt.file))
			days, err := c.Fetch(t.Context(), today())
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
	c := newClient(t, serveFile(t, http.StatusServiceUnavailable, "error-page.html"))
	_, err := c.Fetch(t.Context(), today())
	if !errors.Is(err, ecb.ErrStatus) {
		t.Fatalf("Fetch() error = %v, want %v", err, ecb.ErrStatus)
	}
	msg := err.Error()
	if !strings.Contains(msg, "<title>Service Unavailable</title>") {
		t.Errorf("error %q does not quote the start of the body", msg)
	}
	if tail := string(page[len(page)-50:]); strings.Contains(msg, strings.TrimSpace(tail)) {
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
					w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?>`))
					w.(http.Flusher).Flush()
				}
				select {
				case <-r.Context().Done():
				case <-time.After(5 * time.Second):
				}
			}))
			ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
			defer cancel()
			_, err := c.Fetch(ctx, today())
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Fetch() error = %v, want %v", err, context.DeadlineExceeded)
			}
		})
	}
}

func TestFetchEndlessBody(t *testing.T) {
	c := newClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref"><Cube><Cube time="2025-05-09">`))
		// Well-formed as far as it goes, so only the cap can stop it: the
		// parser streams and would otherwise wait for the closing tags.
		w.Write([]byte(`<Cube currency="USD" rate="1.1252"/>`))
		chunk := bytes.Repeat([]byte(" "), 32<<10)
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	_, err := c.Fetch(t.Context(), today())
	if !errors.Is(err, ecb.ErrTooLarge) {
		t.Fatalf("Fetch() error = %v, want %v", err, ecb.ErrTooLarge)
	}
}

func TestFetchFeedSelection(t *testing.T) {
	const (
		daily   = "/" + ecb.DailyFeed
		recent  = "/" + ecb.RecentFeed
		history = "/" + ecb.HistoryFeed
	)
	tests := []struct {
		name  string
		after currency.Date
		files map[string]string // feed -> testdata file served for it
		want  []string
	}{
		{"today", today(), nil, []string{daily}},
		{"yesterday", today().AddDays(-1), nil, []string{daily}},
		{"the day before the daily feed", currency.NewDate(2025, time.May, 8), nil, []string{daily}},
		{"two days before the daily feed", currency.NewDate(2025, time.May, 7), nil, []string{daily, recent}},
		{"30 days ago", today().AddDays(-30), nil, []string{daily, recent}},
		{"as far as the 90-day feed reaches", today().AddDays(-ecb.RecentReach), nil, []string{daily, recent}},
		{"beyond the 90-day feed", today().AddDays(-ecb.RecentReach - 1), nil, []string{daily, history}},
		{"2 years ago", today().AddDays(-730), nil, []string{daily, history}},
		{"nothing held", 0, nil, []string{daily, history}},
		{"90-day feed too short", today().AddDays(-30), map[string]string{ecb.RecentFeed: ecb.DailyFeed}, []string{daily, recent, history}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := &feedServer{files: tt.files}
			days, err := newClient(t, srv).Fetch(t.Context(), tt.after)
			if err != nil {
				t.Fatal(err)
			}
			if got := srv.requested(); !slices.Equal(got, tt.want) {
				t.Errorf("requested %v, want %v", got, tt.want)
			}
			if got, want := days[len(days)-1].Date, currency.NewDate(2025, time.May, 9); got != want {
				t.Errorf("newest day = %s, want %s", got, want)
			}
			first := max(tt.after.AddDays(1), currency.FirstDate)
			for !currency.IsPublicationDay(first) {
				first++
			}
			if days[0].Date > first {
				t.Errorf("oldest day = %s, after the first publication %s after %s: a gap", days[0].Date, first, tt.after)
			}
		})
	}
}

func TestFetchHistoryTooShort(t *testing.T) {
	srv := &feedServer{files: map[string]string{ecb.HistoryFeed: "eurofxref-hist-short.zip"}}
	days, err := newClient(t, srv).Fetch(t.Context(), today().AddDays(-730))
	if !errors.Is(err, ecb.ErrFormat) {
		t.Fatalf("Fetch() error = %v, want %v", err, ecb.ErrFormat)
	}
	if days != nil {
		t.Errorf("Fetch() returned %d days with the error, want none", len(days))
	}
}

func TestNewBaseURL(t *testing.T) {
	for _, base := range []string{"/stats/eurofxref", "/stats/eurofxref/"} {
		t.Run(base, func(t *testing.T) {
			fs := &feedServer{}
			srv := httptest.NewServer(fs)
			t.Cleanup(srv.Close)
			c := ecb.New(srv.URL+base, srv.Client(), fixedNow)
			if _, err := c.Fetch(t.Context(), today()); err != nil {
				t.Fatal(err)
			}
			if got, want := fs.requested(), []string{"/stats/eurofxref/" + ecb.DailyFeed}; !slices.Equal(got, want) {
				t.Errorf("requested %v, want %v", got, want)
			}
		})
	}
}

// The full history comes as a zip of one CSV: it must hold the same days as
// the XML history of the same publications, each with Source "ecb".
func TestFetchHistoryZip(t *testing.T) {
	srv := &feedServer{}
	days, err := newClient(t, srv).Fetch(t.Context(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := srv.requested(), []string{"/" + ecb.DailyFeed, "/" + ecb.HistoryFeed}; !slices.Equal(got, want) {
		t.Errorf("requested %v, want %v", got, want)
	}
	fromXML, err := ecb.Parse(bytes.NewReader(readTestdata(t, "eurofxref-hist.xml")))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(days), len(fromXML); got != want {
		t.Fatalf("got %d days from the zip, want %d as in the XML history", got, want)
	}
	for i, d := range days {
		x := fromXML[i]
		if d.Date != x.Date || d.Source != "ecb" || len(d.Rates) != len(x.Rates) {
			t.Errorf("day %d = %s %q with %d rates, want %s ecb with %d", i, d.Date, d.Source, len(d.Rates), x.Date, len(x.Rates))
			continue
		}
		for code, r := range x.Rates {
			if d.Rates[code] != r {
				t.Errorf("%s on %s = %s from the zip, %s from the XML", code, d.Date, d.Rates[code], r)
			}
		}
	}
}

// makeZip returns a zip archive of the named files, in order.
func makeZip(t *testing.T, files ...[2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.Create(f[0])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, f[1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// lyingZip holds HistoryFile as n bytes of zeros whose header claims 100
// bytes, so only reading through a cap can stop it.
func lyingZip(t *testing.T, n int) []byte {
	t.Helper()
	var raw bytes.Buffer
	fw, err := flate.NewWriter(&raw, flate.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(make([]byte, n)); err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: ecb.HistoryFile, Method: zip.Deflate, CompressedSize64: uint64(raw.Len()), UncompressedSize64: 100, CRC32: 0})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(raw.Bytes()); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestFetchHistoryZipErrors(t *testing.T) {
	csv := string(readTestdata(t, "eurofxref-daily.xml")) // any body that is not a zip
	good := "Date,USD,\n2025-05-09,1.1252,\n"
	// A file stored uncompressed with one byte changed: still a zip, with
	// the wrong CRC-32.
	var stored bytes.Buffer
	zw := zip.NewWriter(&stored)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: ecb.HistoryFile, Method: zip.Store})
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, good)
	zw.Close()
	crc := bytes.Replace(stored.Bytes(), []byte("1.1252"), []byte("1.1253"), 1)
	if bytes.Equal(crc, stored.Bytes()) {
		t.Fatal("the stored file's rate is not in the archive to change")
	}
	tests := []struct {
		name string
		body []byte
		want []error // any of them
		say  string  // what the message must name
	}{
		{"not a zip", []byte(csv), []error{ecb.ErrFormat}, "not a zip"},
		{"empty zip", makeZip(t), []error{ecb.ErrFormat}, ecb.HistoryFile},
		{"other name", makeZip(t, [2]string{"rates.csv", good}), []error{ecb.ErrFormat}, "rates.csv"},
		{"two files", makeZip(t, [2]string{ecb.HistoryFile, good}, [2]string{"readme.txt", "x"}), []error{ecb.ErrFormat}, "readme.txt"},
		{"in a folder", makeZip(t, [2]string{"data/" + ecb.HistoryFile, good}), []error{ecb.ErrFormat}, "data/"},
		{"bad CSV", makeZip(t, [2]string{ecb.HistoryFile, "Date,USD,\n2025-05-09,x,\n"}), []error{ecb.ErrFormat}, "line 2"},
		{"checksum", crc, []error{ecb.ErrFormat}, ecb.HistoryFile},
		{"declared too large", makeZip(t, [2]string{ecb.HistoryFile, good + strings.Repeat(" ", ecb.HistoryFileMaxBytes)}), []error{ecb.ErrTooLarge}, ecb.HistoryFile},
		// A header that lies about the size: the cap, or archive/zip's own
		// size check, stops it long before the 64 MiB are inflated.
		{"bomb", lyingZip(t, 2*ecb.HistoryFileMaxBytes), []error{ecb.ErrTooLarge, ecb.ErrFormat}, ecb.HistoryFile},
		{"body over the cap", make([]byte, ecb.HistoryMaxBytes+1), []error{ecb.ErrTooLarge}, ecb.HistoryFeed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			daily := readTestdata(t, ecb.DailyFeed)
			c := newClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "/"+ecb.DailyFeed) {
					w.Write(daily)
					return
				}
				if got, want := r.Header.Get("Accept"), "application/zip"; got != want {
					t.Errorf("Accept = %q, want %q", got, want)
				}
				w.Write(tt.body)
			}))
			days, err := c.Fetch(t.Context(), 0)
			if !slices.ContainsFunc(tt.want, func(e error) bool { return errors.Is(err, e) }) {
				t.Fatalf("Fetch() error = %v, want one of %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.say) {
				t.Errorf("Fetch() error = %q, want it to name %q", err, tt.say)
			}
			if days != nil {
				t.Errorf("Fetch() returned %d days with the error, want none", len(days))
			}
		})
	}
}
