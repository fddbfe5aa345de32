package main

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/currency-convertor-ecs/currency-api/cmd/loadbench/internal/minimal"
	"github.com/currency-convertor-ecs/currency-api/internal/currency"
	"github.com/currency-convertor-ecs/currency-api/internal/ecb"
)

func TestParseWrk(t *testing.T) {
	for _, tc := range []struct {
		file     string
		want     wrkResult
		failures bool
	}{
		{"wrk-ok.txt", wrkResult{requests: 65278, elapsed: 2010 * time.Millisecond, rate: 32496.62, p50: 335 * time.Microsecond, p99: 5560 * time.Microsecond}, false},
		{"wrk-non2xx.txt", wrkResult{requests: 16719, elapsed: 1110 * time.Millisecond, rate: 15095.19, p50: 654 * time.Microsecond, p99: 15460 * time.Microsecond, non2xx: 16719}, true},
		{"wrk-socket-errors.txt", wrkResult{requests: 8335, elapsed: 1030 * time.Millisecond, rate: 8109.95, p50: 514 * time.Microsecond, p99: 29430 * time.Microsecond, socket: [4]int64{0, 8331, 0, 0}}, true},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := parseWrk(string(data))
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("parseWrk = %+v, want %+v", got, tc.want)
			}
			if got, want := got.errors() > 0, tc.failures; got != want {
				t.Errorf("errors() > 0 = %v, want %v", got, want)
			}
		})
	}
}

func TestParseWrkRefusesIncompleteOutput(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "wrk-ok.txt"))
	if err != nil {
		t.Fatal(err)
	}
	full := string(data)
	for name, out := range map[string]string{
		"connection refused":  "unable to connect to 127.0.0.1:18103 Connection refused\n",
		"no Requests/sec":     cutLine(full, "Requests/sec:"),
		"no 99th percentile":  cutLine(full, "99%"),
		"no request count":    cutLine(full, "requests in"),
		"bad latency unit":    strings.Replace(full, "335.00us", "335.00xs", 1),
		"bad socket errors":   strings.Replace(full, "Requests/sec:", "  Socket errors: connect x\nRequests/sec:", 1),
		"bad non-2xx count":   strings.Replace(full, "Requests/sec:", "  Non-2xx or 3xx responses: many\nRequests/sec:", 1),
		"without --latency":   cutLine(cutLine(cutLine(cutLine(cutLine(full, "Latency Distribution"), "50%"), "75%"), "90%"), "99%"),
		"truncated mid-run":   full[:strings.Index(full, "Latency Distribution")],
		"empty (wrk crashed)": "",
	} {
		if r, err := parseWrk(out); err == nil {
			t.Errorf("%s: parseWrk = %+v, want an error", name, r)
		}
	}
}

// cutLine removes the line of s that contains sub.
func cutLine(s, sub string) string {
	var keep []string
	for line := range strings.Lines(s) {
		if !strings.Contains(line, sub) {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "")
}

func TestParseWrkDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"812.00us": 812 * time.Microsecond,
		"0.86ms":   860 * time.Microsecond,
		"1.25ms":   1250 * time.Microsecond,
		"3.00s":    3 * time.Second,
		"1.50m":    90 * time.Second,
	} {
		if got, err := parseWrkDuration(in); err != nil || got != want {
			t.Errorf("parseWrkDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "us", "12", "-1.00ms", "1.0 ms"} {
		if got, err := parseWrkDuration(in); err == nil {
			t.Errorf("parseWrkDuration(%q) = %v, want an error", in, got)
		}
	}
}

func snapshotHistory(t *testing.T) *currency.History {
	t.Helper()
	h, _, err := ecb.LoadSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestConvertPaths(t *testing.T) {
	h := snapshotHistory(t)
	paths := convertPaths(h, 1, 2000)
	if got, want := len(paths), 2000; got != want {
		t.Fatalf("len = %d, want %d", got, want)
	}
	if !slices.Equal(paths, convertPaths(h, 1, 2000)) {
		t.Error("the same seed gave two different lists")
	}
	if other := convertPaths(h, 2, 2000); slices.Equal(paths, other) {
		t.Error("seeds 1 and 2 gave the same list")
	}
	years := map[int]bool{}
	var undated int
	for _, p := range paths {
		u, err := url.Parse(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		q := u.Query()
		if u.Path != "/convert" || len(q) < 3 || len(q) > 4 {
			t.Fatalf("%s: want /convert with from, to, amount and maybe date", p)
		}
		if _, err := currency.ParseAmount(q.Get("amount")); err != nil {
			t.Errorf("%s: amount: %v", p, err)
		}
		date := h.Latest()
		if q.Has("date") {
			if date, err = currency.ParseDate(q.Get("date")); err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			years[date.Time().Year()] = true
		} else {
			undated++
		}
		table, ok := h.On(date)
		if !ok {
			t.Fatalf("%s: no publication on or before the date", p)
		}
		from, to := currency.Code(q.Get("from")), currency.Code(q.Get("to"))
		if from == to {
			t.Errorf("%s: from and to are the same", p)
		}
		for _, c := range []currency.Code{from, to} {
			if _, err := table.Rate(c); err != nil {
				t.Errorf("%s: %v", p, err)
			}
		}
	}
	for y := 1999; y <= h.Latest().Time().Year(); y++ {
		if !years[y] {
			t.Errorf("no query dated in %d", y)
		}
	}
	if undated < 100 || undated > 300 {
		t.Errorf("%d of 2000 queries have no date, want about one in ten", undated)
	}
}

func TestRatesPaths(t *testing.T) {
	h := snapshotHistory(t)
	paths := ratesPaths(h, 1, 500)
	if !slices.Equal(paths, ratesPaths(h, 1, 500)) {
		t.Error("the same seed gave two different lists")
	}
	var withSymbols int
	for _, p := range paths {
		u, err := url.Parse(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		q := u.Query()
		date := h.Latest()
		if q.Has("date") {
			if date, err = currency.ParseDate(q.Get("date")); err != nil {
				t.Fatalf("%s: %v", p, err)
			}
		}
		table, _ := h.On(date)
		codes := []string{q.Get("base")}
		if q.Has("symbols") {
			withSymbols++
			codes = append(codes, strings.Split(q.Get("symbols"), ",")...)
		}
		for _, c := range codes {
			if _, err := table.Rate(currency.Code(c)); err != nil {
				t.Errorf("%s: %v", p, err)
			}
		}
	}
	if withSymbols == 0 || withSymbols == len(paths) {
		t.Errorf("%d of %d queries list symbols, want some but not all", withSymbols, len(paths))
	}
}

func TestLuaScriptRefusesUnsafePaths(t *testing.T) {
	for _, p := range []string{`/convert?from="USD"`, `/a\b`, "/a\nb", "?no-path"} {
		if _, err := luaScript([]string{"/health", p}); err == nil {
			t.Errorf("luaScript accepted %q", p)
		}
	}
}

// TestLuaScriptWithWrk runs the script through wrk on one connection and
// wants the paths in order, round and round. (wrk calls request() once
// before the first request it sends, so the first path seen is the second.)
func TestLuaScriptWithWrk(t *testing.T) {
	if _, err := exec.LookPath("wrk"); err != nil {
		t.Skip("wrk is not installed (scripts/install-tools.sh wrk)")
	}
	paths := []string{"/convert?from=USD&to=JPY&amount=1", "/rates?base=GBP&date=2001-02-03", "/health", "/convert?from=EUR&to=CHF&amount=2.5"}
	var (
		mu   sync.Mutex
		seen []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if len(seen) < 3*len(paths) {
			seen = append(seen, r.URL.RequestURI())
		}
		mu.Unlock()
	}))
	defer srv.Close()
	script, err := writeScript(t.TempDir(), "test", paths)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("wrk", "-t1", "-c1", "-d1s", "-s", script, srv.URL).CombinedOutput(); err != nil {
		t.Fatalf("wrk: %v\n%s", err, out)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) < 3*len(paths) {
		t.Fatalf("the server saw %d requests, want at least %d", len(seen), 3*len(paths))
	}
	first := slices.Index(paths, seen[0])
	if first < 0 {
		t.Fatalf("wrk sent %q, not one of %q", seen[0], paths)
	}
	for i, got := range seen {
		if want := paths[(first+i)%len(paths)]; got != want {
			t.Errorf("request %d: wrk sent %q, want %q (all: %q)", i, got, want, seen)
		}
	}
}

func TestParseStatus(t *testing.T) {
	got := parseStatus("Name:\tcurrency-api\nVmPeak:\t 1262500 kB\nVmHWM:\t   41320 kB\nVmRSS:\t   24880 kB\nThreads:\t7\n")
	if want := (memory{rss: 24880 << 10, hwm: 41320 << 10}); got != want {
		t.Errorf("parseStatus = %+v, want %+v", got, want)
	}
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{0.9, 0.5, 0.7}, 0.7},
		{[]float64{4, 1, 3, 2}, 2.5},
	} {
		if got := median(tc.in); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestThousands(t *testing.T) {
	for in, want := range map[float64]string{0: "0", 999.4: "999", 999.5: "1,000", 1234567: "1,234,567", 50511.2: "50,511"} {
		if got := thousands(in); got != want {
			t.Errorf("thousands(%v) = %q, want %q", in, got, want)
		}
	}
}

// sink keeps allocations of allocating3 on the heap.
var sink [3]*[64]byte

// TestServerAllocsCountsTheHandlersAllocations checks the measure on
// handlers whose allocations are known: one that allocates three objects
// per request more than another must count three more.
func TestServerAllocsCountsTheHandlersAllocations(t *testing.T) {
	plain := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header()["Content-Type"] = []string{minimal.ContentType}
	})
	allocating3 := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		for i := range sink {
			sink[i] = new([64]byte)
		}
		w.Header()["Content-Type"] = []string{minimal.ContentType}
	})
	paths := []string{"/a", "/b?x=1"}
	base, err := serverAllocs(plain, paths, 2000)
	if err != nil {
		t.Fatal(err)
	}
	more, err := serverAllocs(allocating3, paths, 2000)
	if err != nil {
		t.Fatal(err)
	}
	if got := more - base; got < 2.9 || got > 3.1 {
		t.Errorf("serverAllocs difference = %.2f, want 3", got)
	}
	wrongType := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	if _, err := serverAllocs(wrongType, paths, 10); err == nil {
		t.Error("serverAllocs accepted a handler that answers without the JSON Content-Type")
	}
}
