package server_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
	"github.com/currency-convertor-ecs/currency-api/internal/rates"
	"github.com/currency-convertor-ecs/currency-api/internal/server"
)

// The bad-input suite sends thousands of generated malformed or hostile
// requests over real HTTP to the real handler over the real ECB history and
// checks every answer against the API's contract: never a 5xx or a panic,
// the status the request deserves, and every error an uncacheable RFC 9457
// problem carrying the response's request ID. The generator is seeded, so a
// failure reproduces with the seed the test prints.
var (
	hostileSeed  = flag.Uint64("hostile.seed", 1, "seed of the bad-input suite's request generator")
	hostileCount = flag.Int("hostile.n", 10240, "number of requests the bad-input suite sends")
)

// hostileWorkers bounds the suite's concurrent connections.
const hostileWorkers = 8

// hostileMaxTarget is the handler's request-target limit (README: "request
// targets over 2 KiB 414").
const hostileMaxTarget = 2048

// hostileCase is one generated request and the statuses it may get.
type hostileCase struct {
	category string
	method   string
	target   string      // the request-target exactly as sent
	header   [][2]string // sent in order, after Host
	body     string
	want     []int // allowed statuses; nil allows any the API uses
}

// hostileResponse is what came back for one case.
type hostileResponse struct {
	status int
	header http.Header
	body   []byte
}

func TestBadInput(t *testing.T) {
	t.Run("validator rejects bad responses", testHostileValidator)
	t.Run("harness reports panics", testHostileHarnessSeesPanics)
	t.Run("suite", testHostileSuite)
}

func testHostileSuite(t *testing.T) {
	seed, n := *hostileSeed, *hostileCount
	store := snapshotStore(t)
	h, logs := newHandler(t, func(cfg *server.Config) { cfg.Rates = store })
	srv, serverLog := startHostileServer(t, h)

	g := newHostileGen(t, seed, store.History(), srv.Listener.Addr().String())
	cases := make([]hostileCase, n)
	for i := range cases {
		cases[i] = g.next()
	}
	responses, transportErrs := sendHostile(srv.Listener.Addr().String(), cases)

	byStatus := map[int]int{}
	byClass := [6]int{}
	byCategory := map[string]int{}
	failures := 0
	failedBy := map[string]int{}
	for i, c := range cases {
		byCategory[c.category]++
		var bad []string
		if transportErrs[i] != nil {
			bad = []string{"no response: " + transportErrs[i].Error()}
		} else {
			r := responses[i]
			byStatus[r.status]++
			if k := r.status / 100; k >= 1 && k <= 5 {
				byClass[k]++
			}
			bad = checkHostileResponse(c, r)
		}
		if len(bad) == 0 {
			continue
		}
		failures++
		failedBy[c.category]++
		if failures <= 20 {
			t.Errorf("case %d (seed %d, %s):\n  request:  %s\n  response: %s\n  problems: %s",
				i, seed, c.category, hostileDescribeCase(c), hostileDescribeResponse(responses[i]), strings.Join(bad, "; "))
		}
	}
	if failures > 20 {
		t.Errorf("... and %d more failing cases (seed %d)", failures-20, seed)
	}
	if failures > 0 {
		t.Errorf("%d failing cases by category: %s", failures, hostileCounts(failedBy))
	}

	panics := 0
	for _, line := range logs.lines(t) {
		if line["msg"] == "handler panic" {
			panics++
			if panics <= 5 {
				t.Errorf("handler panic: %v (request_id %v)\n%v", line["panic"], line["request_id"], line["stack"])
			}
		}
	}
	for _, line := range serverLog.all() {
		// net/http logs panics that escape the handler, and protocol
		// trouble; the suite expects neither.
		if strings.Contains(line, "panic") {
			panics++
		}
		t.Errorf("http.Server error log: %s", hostileClip(line, 2000))
	}

	t.Logf("bad-input suite: %d requests (seed %d), 2xx=%d, 3xx=%d, 4xx=%d, 5xx=%d, panics=%d",
		n, seed, byClass[2], byClass[3], byClass[4], byClass[5], panics)
	t.Logf("by status: %s", hostileCounts(byStatus))
	t.Logf("by category: %s", hostileCounts(byCategory))
	if t.Failed() {
		t.Logf("reproduce: go test -race -run 'BadInput/suite' ./internal/server -hostile.seed=%d -hostile.n=%d", seed, n)
	}

	// The suite must stay broad: a generator that drifted into sending only
	// one kind of request would pass without testing much.
	if n >= 5000 {
		for _, cat := range hostileCategories {
			if got, least := byCategory[cat.name], n/len(hostileCategories)/3; got < least {
				t.Errorf("category %s: %d requests, want at least %d", cat.name, got, least)
			}
		}
		for _, status := range hostileStatuses {
			if byStatus[status] == 0 {
				t.Errorf("no request got %d: the generator no longer reaches it", status)
			}
		}
	}
}

// testHostileValidator feeds checkHostileResponse fabricated responses: it
// must accept a correct one and reject each defect.
func testHostileValidator(t *testing.T) {
	const id = "req-1"
	convert := hostileCase{category: "fabricated", method: "GET", target: "/convert?from=USD&to=EUR&amount=-1",
		header: [][2]string{{"X-Request-Id", id}}, want: []int{400}}
	problemHeader := func(edit ...string) http.Header {
		h := http.Header{
			"Content-Type":           {"application/problem+json"},
			"Cache-Control":          {"no-store"},
			"X-Request-Id":           {id},
			"X-Content-Type-Options": {"nosniff"},
		}
		for i := 0; i+1 < len(edit); i += 2 {
			if edit[i+1] == "" {
				h.Del(edit[i])
			} else {
				h.Set(edit[i], edit[i+1])
			}
		}
		return h
	}
	const goodBody = `{"type":"/docs#problem-invalid-request","title":"Invalid request","status":400,"detail":"1 problem with the request","instance":"/convert","request_id":"req-1","errors":[{"parameter":"amount","detail":"must not be negative"}]}`
	ok := hostileResponse{status: 400, header: problemHeader(), body: []byte(goodBody + "\n")}
	if bad := checkHostileResponse(convert, ok); len(bad) > 0 {
		t.Fatalf("a correct 400 was rejected: %v", bad)
	}
	okJSON := hostileResponse{status: 200, header: http.Header{
		"Content-Type": {"application/json; charset=utf-8"}, "Cache-Control": {"public, max-age=60"},
		"Etag": {`"0123456789abcdef0123456789abcdef"`}, "X-Request-Id": {id}, "X-Content-Type-Options": {"nosniff"},
	}, body: []byte(`{"from":"USD"}` + "\n")}
	okCase := convert
	okCase.want = []int{200}
	if bad := checkHostileResponse(okCase, okJSON); len(bad) > 0 {
		t.Fatalf("a correct 200 was rejected: %v", bad)
	}

	replace := func(old, new string) []byte { return []byte(strings.Replace(goodBody, old, new, 1)) }
	tests := []struct {
		name string
		c    hostileCase
		r    hostileResponse
		want string // part of the complaint
	}{
		{"server error", hostileCase{method: "GET", target: "/convert", header: convert.header},
			hostileResponse{status: 500, header: problemHeader(), body: replace(`"status":400`, `"status":500`)}, "server error"},
		{"status not allowed", convert,
			hostileResponse{status: 404, header: problemHeader(), body: replace(`"status":400`, `"status":404`)}, "want one of"},
		{"400 as application/json", convert,
			hostileResponse{status: 400, header: problemHeader("Content-Type", "application/json"), body: []byte(goodBody)}, "Content-Type"},
		{"problem status mismatch", convert,
			hostileResponse{status: 400, header: problemHeader(), body: replace(`"status":400`, `"status":422`)}, "problem status"},
		{"request_id mismatch", convert,
			hostileResponse{status: 400, header: problemHeader(), body: replace(`"request_id":"req-1"`, `"request_id":"other"`)}, "request_id"},
		{"caller's ID not echoed", convert,
			hostileResponse{status: 400, header: problemHeader("X-Request-Id", "0123456789abcdef0123456789abcdef"),
				body: replace(`"request_id":"req-1"`, `"request_id":"0123456789abcdef0123456789abcdef"`)}, "X-Request-Id"},
		{"cacheable problem", convert,
			hostileResponse{status: 400, header: problemHeader("Cache-Control", "public, max-age=60"), body: []byte(goodBody)}, "Cache-Control"},
		{"400 without errors", convert,
			hostileResponse{status: 400, header: problemHeader(), body: replace(`,"errors":[{"parameter":"amount","detail":"must not be negative"}]`, "")}, "errors"},
		{"error without parameter", convert,
			hostileResponse{status: 400, header: problemHeader(), body: replace(`"parameter":"amount",`, "")}, "parameter"},
		{"error without detail", convert,
			hostileResponse{status: 400, header: problemHeader(), body: replace(`"detail":"must not be negative"`, `"detail":""`)}, "detail"},
		{"problem without title", convert,
			hostileResponse{status: 400, header: problemHeader(), body: replace(`"title":"Invalid request",`, "")}, "title"},
		{"problem not JSON", convert,
			hostileResponse{status: 400, header: problemHeader(), body: []byte("400 Bad Request")}, "not a problem"},
		{"problem with unknown member", convert,
			hostileResponse{status: 400, header: problemHeader(), body: replace(`"type"`, `"stack":"x","type"`)}, "not a problem"},
		{"200 not JSON", okCase,
			hostileResponse{status: 200, header: okJSON.header, body: []byte(`{"from":`)}, "not valid JSON"},
		{"open redirect", hostileCase{method: "GET", target: "//convert", header: convert.header},
			hostileResponse{status: 307, header: http.Header{"Location": {"//evil.example/"}, "X-Request-Id": {id}, "X-Content-Type-Options": {"nosniff"}}}, "Location"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := checkHostileResponse(tt.c, tt.r)
			if len(bad) == 0 {
				t.Fatalf("checkHostileResponse accepted the response")
			}
			if !strings.Contains(strings.Join(bad, "; "), tt.want) {
				t.Errorf("complaints %q do not mention %q", bad, tt.want)
			}
		})
	}
}

// hostileExplodingRates is a rate store with a bug.
type hostileExplodingRates struct{}

func (hostileExplodingRates) Lookup(time.Time, currency.Date) (rates.Answer, bool) {
	panic("kaboom")
}
func (hostileExplodingRates) Status(time.Time) rates.Status { panic("kaboom") }

// testHostileHarnessSeesPanics runs the suite's sender and validator against
// a handler whose store panics: the harness must see the 500s and the panic
// log lines the suite counts.
func testHostileHarnessSeesPanics(t *testing.T) {
	h, logs := newHandler(t, func(cfg *server.Config) { cfg.Rates = hostileExplodingRates{} })
	srv, _ := startHostileServer(t, h)
	cases := []hostileCase{
		{category: "exploding", method: "GET", target: "/convert?from=USD&to=EUR"},
		{category: "exploding", method: "GET", target: "/rates"},
	}
	responses, errs := sendHostile(srv.Listener.Addr().String(), cases)
	for i, c := range cases {
		if errs[i] != nil {
			t.Fatalf("%s: %v", c.target, errs[i])
		}
		if bad := checkHostileResponse(c, responses[i]); !slices.ContainsFunc(bad, func(s string) bool { return strings.Contains(s, "server error") }) {
			t.Errorf("%s: status %d, complaints %q: want a server error reported", c.target, responses[i].status, bad)
		}
	}
	panics := 0
	for _, line := range logs.lines(t) {
		if line["msg"] == "handler panic" {
			panics++
		}
	}
	if got, want := panics, len(cases); got != want {
		t.Errorf("handler panic lines = %d, want %d", got, want)
	}
}

// startHostileServer serves h over loopback HTTP/1.1 with the production
// header limit, collecting net/http's own error log.
func startHostileServer(t *testing.T, h http.Handler) (*httptest.Server, *hostileLog) {
	t.Helper()
	errLog := &hostileLog{}
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(errLog, "", 0)
	srv.Config.MaxHeaderBytes = 32 << 10 // as cmd/currency-api
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, errLog
}

// hostileLog collects log lines from the server's goroutines.
type hostileLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *hostileLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func (l *hostileLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.lines)
}

// sendHostile sends every case over keep-alive connections from a bounded
// pool of workers and returns the responses in case order.
func sendHostile(addr string, cases []hostileCase) ([]hostileResponse, []error) {
	responses := make([]hostileResponse, len(cases))
	errs := make([]error, len(cases))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(hostileWorkers, len(cases)) {
		wg.Go(func() {
			c := &hostileClient{addr: addr}
			defer c.close()
			for i := range next {
				responses[i], errs[i] = c.do(cases[i])
			}
		})
	}
	for i := range cases {
		next <- i
	}
	close(next)
	wg.Wait()
	return responses, errs
}

// hostileClient writes requests byte for byte on a keep-alive connection,
// so the suite controls the request line exactly (net/http's client would
// clean or refuse some of the targets it sends).
type hostileClient struct {
	addr string
	conn net.Conn
	br   *bufio.Reader
}

func (c *hostileClient) close() {
	if c.conn != nil {
		c.conn.Close()
		c.conn = nil
	}
}

// do sends one request, on a new connection when the server closed the last
// one. A dropped connection is an error: the server must always answer.
func (c *hostileClient) do(hc hostileCase) (hostileResponse, error) {
	if c.conn == nil {
		conn, err := net.Dial("tcp", c.addr)
		if err != nil {
			return hostileResponse{}, err
		}
		c.conn, c.br = conn, bufio.NewReader(conn)
	}
	r, err := c.roundTrip(hc)
	if err != nil {
		c.close()
	}
	return r, err
}

func (c *hostileClient) roundTrip(hc hostileCase) (hostileResponse, error) {
	var req bytes.Buffer
	fmt.Fprintf(&req, "%s %s HTTP/1.1\r\nHost: hostile.test\r\n", hc.method, hc.target)
	for _, kv := range hc.header {
		fmt.Fprintf(&req, "%s: %s\r\n", kv[0], kv[1])
	}
	if hc.body != "" && !slices.ContainsFunc(hc.header, func(kv [2]string) bool { return kv[0] == "Transfer-Encoding" }) {
		fmt.Fprintf(&req, "Content-Length: %d\r\n", len(hc.body))
	}
	req.WriteString("\r\n")
	req.WriteString(hc.body)
	// A bound, not a timing assertion: a hung connection fails the case
	// instead of the whole test binary.
	if err := c.conn.SetDeadline(time.Now().Add(time.Minute)); err != nil {
		return hostileResponse{}, err
	}
	if _, err := c.conn.Write(req.Bytes()); err != nil {
		return hostileResponse{}, err
	}
	resp, err := http.ReadResponse(c.br, &http.Request{Method: hc.method})
	if err != nil {
		return hostileResponse{}, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return hostileResponse{}, err
	}
	if resp.Close {
		c.close()
	}
	return hostileResponse{status: resp.StatusCode, header: resp.Header, body: body}, nil
}

// hostileStatuses are the only statuses the API answers bad input with. An
// unclean path is answered as its clean form, never with ServeMux's 307;
// no route redirects (/ is the converter page, no longer a 302 to /docs).
var hostileStatuses = []int{200, 204, 304, 400, 403, 404, 405, 414}

// checkHostileResponse returns every way r breaks the API's contract for c.
func checkHostileResponse(c hostileCase, r hostileResponse) []string {
	var bad []string
	fail := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }
	switch {
	case r.status >= 500:
		fail("status %d: a server error", r.status)
	case c.want != nil && !slices.Contains(c.want, r.status):
		fail("status %d, want one of %v", r.status, c.want)
	case r.status == http.StatusUnprocessableEntity && hostileFrankfurterError(c, r):
		// Frankfurter's own status for a parameter it cannot read.
	case !slices.Contains(hostileStatuses, r.status):
		fail("status %d is not one the API answers with", r.status)
	}

	id := r.header.Get("X-Request-Id")
	if !hostileSafeID(id) {
		fail("X-Request-Id %q is not a safe token", id)
	}
	sentID, sentCf := hostileSentHeader(c, "X-Request-Id"), hostileSentHeader(c, "X-Amz-Cf-Id")
	switch {
	case hostileSafeID(sentID) && id != sentID:
		fail("X-Request-Id = %q, want the caller's %q", id, sentID)
	case !hostileSafeID(sentID) && hostileSafeID(sentCf) && id != sentCf:
		fail("X-Request-Id = %q, want CloudFront's %q", id, sentCf)
	case !hostileSafeID(sentID) && !hostileSafeID(sentCf) && !hostileGeneratedID(id):
		fail("X-Request-Id = %q, want a generated 32-digit hex ID", id)
	}
	if got := r.header.Get("X-Content-Type-Options"); got != "nosniff" {
		fail("X-Content-Type-Options = %q, want nosniff", got)
	}

	// The README promises Cache-Control on every response, redirects and
	// whatever the router answers included.
	if r.header.Get("Cache-Control") == "" {
		fail("%d without Cache-Control", r.status)
	}
	head := c.method == http.MethodHead
	switch {
	case r.status >= 400 && r.status < 500 && hostileFrankfurterError(c, r):
		bad = append(bad, checkHostileFrankfurterError(r, head)...)
	case r.status >= 400 && r.status < 500:
		bad = append(bad, checkHostileProblem(r, id, head)...)
		if r.status == http.StatusMethodNotAllowed && r.header.Get("Allow") != "GET, HEAD" {
			fail("405 Allow = %q, want %q", r.header.Get("Allow"), "GET, HEAD")
		}
	case r.status == http.StatusOK:
		if etag := r.header.Get("ETag"); !hostileStrongETag(etag) {
			fail("200 ETag = %q, want a strong entity tag", etag)
		}
		ct := r.header.Get("Content-Type")
		switch {
		case strings.HasPrefix(ct, "text/html") && hostileHTMLPage(c.target):
		case strings.HasPrefix(c.target, "/assets/") && (strings.HasPrefix(ct, "text/") || strings.HasPrefix(ct, "image/svg+xml")):
		case !strings.HasPrefix(ct, "application/json"):
			fail("200 Content-Type = %q, want application/json", ct)
		case !head && !json.Valid(r.body):
			fail("200 body is not valid JSON")
		}
	case r.status == http.StatusNoContent:
		if len(r.body) > 0 {
			fail("204 with a body")
		}
		if got := r.header.Get("Access-Control-Allow-Methods"); got != "GET, HEAD" {
			fail("preflight Access-Control-Allow-Methods = %q, want %q", got, "GET, HEAD")
		}
	case r.status == http.StatusNotModified:
		if len(r.body) > 0 {
			fail("304 with a body")
		}
		if etag := r.header.Get("ETag"); !hostileStrongETag(etag) {
			fail("304 ETag = %q, want the strong entity tag", etag)
		}
	case r.status == http.StatusFound || r.status == http.StatusTemporaryRedirect:
		// A redirect must stay on this origin: "//host" would send the
		// client elsewhere.
		loc := r.header.Get("Location")
		if !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, `/\`) {
			fail("%d Location = %q, want a path on this origin", r.status, loc)
		}
	}
	return bad
}

// hostileHTMLPage reports whether target is one of the two HTML pages, the
// converter at / and /docs, once its path is cleaned as the server cleans
// it ("/convert/.." is the converter page).
func hostileHTMLPage(target string) bool {
	p, _, _ := strings.Cut(target, "?")
	if !strings.HasPrefix(p, "/") {
		// The absolute form a proxy client sends: its path is the target.
		u, err := url.Parse(target)
		if err != nil {
			return false
		}
		p = u.EscapedPath()
	}
	clean := path.Clean(p)
	return clean == "/" || clean == "/docs"
}

// hostileFrankfurterError reports whether r is an error of a Frankfurter
// route, which answers in Frankfurter's shape ({"message": ...}) rather than
// as a problem: /latest and what is under /v1/ or a date path, except the
// unknown paths there, which are problems like any other.
func hostileFrankfurterError(c hostileCase, r hostileResponse) bool {
	p, _, _ := strings.Cut(c.target, "?")
	frankfurter := p == "/latest" || strings.HasPrefix(p, "/v1/") || strings.HasPrefix(p, "/1") || strings.HasPrefix(p, "/2")
	return frankfurter && r.status != http.StatusMethodNotAllowed &&
		strings.HasPrefix(r.header.Get("Content-Type"), "application/json")
}

// checkHostileFrankfurterError checks a 4xx of a Frankfurter route: 404 or
// 422, uncacheable, one non-empty message.
func checkHostileFrankfurterError(r hostileResponse, head bool) []string {
	var bad []string
	fail := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }
	if r.status != http.StatusNotFound && r.status != http.StatusUnprocessableEntity {
		fail("Frankfurter error status %d, want 404 or 422", r.status)
	}
	if got, want := r.header.Get("Content-Type"), "application/json; charset=utf-8"; got != want {
		fail("%d Content-Type = %q, want %q", r.status, got, want)
	}
	if got, want := r.header.Get("Cache-Control"), "no-store"; got != want {
		fail("%d Cache-Control = %q, want %q", r.status, got, want)
	}
	if head {
		return bad
	}
	var body struct {
		Message string `json:"message"`
	}
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil || body.Message == "" {
		fail("%d body is not Frankfurter's {\"message\"}: %v %q", r.status, err, r.body)
	}
	return bad
}

// checkHostileProblem checks a 4xx: an uncacheable RFC 9457 problem whose
// status and request_id match the response.
func checkHostileProblem(r hostileResponse, id string, head bool) []string {
	var bad []string
	fail := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }
	if got, want := r.header.Get("Content-Type"), "application/problem+json"; got != want {
		fail("%d Content-Type = %q, want %q", r.status, got, want)
	}
	if got, want := r.header.Get("Cache-Control"), "no-store"; got != want {
		fail("%d Cache-Control = %q, want %q", r.status, got, want)
	}
	if etag := r.header.Get("ETag"); etag != "" {
		fail("%d with ETag %q", r.status, etag)
	}
	if head {
		return bad
	}
	var p problemBody
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		fail("%d body is not a problem: %v", r.status, err)
		return bad
	}
	if dec.More() {
		fail("%d body has data after the problem", r.status)
	}
	if p.Type == "" || p.Title == "" {
		fail("problem type %q, title %q: want both", p.Type, p.Title)
	}
	if p.Status != r.status {
		fail("problem status %d, HTTP status %d", p.Status, r.status)
	}
	if p.RequestID != id {
		fail("problem request_id %q, X-Request-Id %q", p.RequestID, id)
	}
	// An invalid-request problem lists its parameters; the only other 400,
	// a request target that is not a path, is about:blank without a list.
	if r.status == http.StatusBadRequest && (p.Type != "about:blank" || len(p.Errors) > 0) {
		// "parameter" may be empty: "?=5" has a parameter with no name.
		var raw struct{ Errors []map[string]json.RawMessage }
		_ = json.Unmarshal(r.body, &raw) // decoded above already
		if len(raw.Errors) == 0 {
			fail("400 without errors")
		}
		for i, e := range raw.Errors {
			_, named := e["parameter"]
			if !named || p.Errors[i].Detail == "" {
				fail("error %s: want a parameter and a detail", r.body)
			}
		}
	}
	return bad
}

// hostileSentHeader is the value the server sees for the first header called name:
// HTTP trims surrounding blanks.
func hostileSentHeader(c hostileCase, name string) string {
	for _, kv := range c.header {
		if http.CanonicalHeaderKey(kv[0]) == name {
			return strings.Trim(kv[1], " \t")
		}
	}
	return ""
}

// hostileSafeID is the README's rule for a caller's request ID: a short token
// safe to log and to echo.
func hostileSafeID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, c := range []byte(id) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.:=", c) >= 0) {
			return false
		}
	}
	return true
}

func hostileGeneratedID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for _, c := range []byte(id) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func hostileStrongETag(etag string) bool {
	return len(etag) >= 2 && etag[0] == '"' && etag[len(etag)-1] == '"' && !strings.Contains(etag[1:len(etag)-1], `"`)
}

func hostileDescribeCase(c hostileCase) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", c.method, hostileClip(strconv.Quote(c.target), 300))
	for _, kv := range c.header {
		fmt.Fprintf(&b, " | %s: %s", kv[0], hostileClip(strconv.Quote(kv[1]), 120))
	}
	if c.body != "" {
		fmt.Fprintf(&b, " | body %s", hostileClip(strconv.Quote(c.body), 60))
	}
	return b.String()
}

func hostileDescribeResponse(r hostileResponse) string {
	if r.header == nil {
		return "none"
	}
	return fmt.Sprintf("%d Content-Type=%q Cache-Control=%q X-Request-Id=%q Location=%q body %s",
		r.status, r.header.Get("Content-Type"), r.header.Get("Cache-Control"), r.header.Get("X-Request-Id"),
		r.header.Get("Location"), hostileClip(strconv.Quote(string(r.body)), 400))
}

func hostileClip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + fmt.Sprintf("…(%d bytes)", len(s))
}

func hostileCounts[K int | string](m map[K]int) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%v=%d", k, m[k]))
	}
	return strings.Join(parts, " ")
}

// The generator.

// hostileGen makes reproducible hostile requests from a seed.
type hostileGen struct {
	r         *rand.Rand
	codes     []string          // published in the newest table, e.g. USD
	always    []string          // published on every date since 1999
	withdrawn []string          // ISO codes the ECB no longer publishes, e.g. CYP
	etags     map[string]string // GET target -> ETag of its 200
	// parts are the categories a mixture draws from.
	parts []hostileCategory
}

// hostileCategory is one kind of bad input.
type hostileCategory struct {
	name string
	make func(*hostileGen) hostileCase
}

// hostileCategories are the kinds of bad input; the generator picks one per
// request, uniformly.
var hostileCategories = []hostileCategory{
	{"random-bytes", (*hostileGen).randomBytes},
	{"invalid-escape", (*hostileGen).invalidEscape},
	{"huge-number", (*hostileGen).hugeNumber},
	{"exponent", (*hostileGen).exponent},
	{"sign", (*hostileGen).sign},
	{"nan-inf", (*hostileGen).nanInf},
	{"lookalike-code", (*hostileGen).lookalikeCode},
	{"case", (*hostileGen).mixedCase},
	{"repeated", (*hostileGen).repeated},
	{"empty", (*hostileGen).empty},
	{"no-equals", (*hostileGen).noEquals},
	{"unknown", (*hostileGen).unknown},
	{"long-url", (*hostileGen).longURL},
	{"method", (*hostileGen).oddMethod},
	{"path", (*hostileGen).oddPath},
	{"if-none-match", (*hostileGen).ifNoneMatch},
	{"request-id", (*hostileGen).requestID},
	{"date", (*hostileGen).badDate},
	{"mixture", (*hostileGen).mixture},
}

// hostileETagTargets are the successful requests whose ETags the If-None-Match
// cases use.
var hostileETagTargets = []string{"/convert?from=USD&to=EUR", "/convert?from=GBP&to=JPY&amount=99.95", "/rates", "/rates?base=USD&symbols=EUR,JPY", "/currencies", "/health", "/openapi.json"}

func newHostileGen(t *testing.T, seed uint64, history *currency.History, addr string) *hostileGen {
	t.Helper()
	g := &hostileGen{r: rand.New(rand.NewPCG(seed, seed^0x5eed)), etags: map[string]string{}}
	g.parts = slices.DeleteFunc(slices.Clone(hostileCategories), func(c hostileCategory) bool { return c.name == "mixture" })
	latest, ok := history.On(history.Latest())
	if !ok {
		t.Fatal("the snapshot has no rates")
	}
	for _, c := range latest.Codes() {
		g.codes = append(g.codes, string(c))
	}
	for _, c := range currency.Currencies() {
		first, last, ok := history.Span(c.Code)
		switch {
		case !ok:
		case last < history.Latest():
			g.withdrawn = append(g.withdrawn, string(c.Code))
		case first == history.Oldest() && hostilePublishedOn(t, history, c.Code, hostileGoodDates):
			g.always = append(g.always, string(c.Code))
		}
	}
	if len(g.codes) < 10 || len(g.withdrawn) == 0 || len(g.always) < 5 {
		t.Fatalf("snapshot: %d codes now, %d withdrawn, %d always published", len(g.codes), len(g.withdrawn), len(g.always))
	}
	c := &hostileClient{addr: addr}
	defer c.close()
	for _, target := range hostileETagTargets {
		r, err := c.do(hostileCase{method: "GET", target: target})
		if err != nil || r.status != http.StatusOK || r.header.Get("ETag") == "" {
			t.Fatalf("GET %s: status %d, ETag %q, error %v", target, r.status, r.header.Get("ETag"), err)
		}
		g.etags[target] = r.header.Get("ETag")
	}
	return g
}

// next returns the next case, with the rules every request follows applied:
// a CORS preflight is answered before anything else, then the target length.
func (g *hostileGen) next() hostileCase {
	cat := hostileCategories[g.r.IntN(len(hostileCategories))]
	c := cat.make(g)
	c.category = cat.name
	if c.method == "" {
		c.method = http.MethodGet
	}
	switch {
	case c.method == http.MethodOptions && hostileSentHeader(c, "Access-Control-Request-Method") != "":
		if o := hostileSentHeader(c, "Origin"); o == "https://app.example.com" || o == "https://admin.example.com" {
			c.want = []int{204}
		} else {
			c.want = []int{403}
		}
	case len(c.target) > hostileMaxTarget:
		c.want = []int{414}
	}
	return c
}

func (g *hostileGen) pick(list ...string) string { return list[g.r.IntN(len(list))] }

func (g *hostileGen) chance(p float64) bool { return g.r.Float64() < p }

func (g *hostileGen) code() string { return g.pick(g.codes...) }

// hostileRawSafe reports whether s can go into a query string unescaped without
// changing its structure or breaking the request line.
func hostileRawSafe(s string) bool {
	for _, c := range []byte(s) {
		if c <= ' ' || c == 0x7f || strings.IndexByte("&=%+#;", c) >= 0 {
			return false
		}
	}
	return true
}

// enc escapes s for a query in one of the ways clients do, or leaves it
// raw (UTF-8 included) when that is harmless.
func (g *hostileGen) enc(s string) string {
	switch n := g.r.IntN(4); {
	case n == 0 && hostileRawSafe(s):
		return s
	case n <= 1:
		var b strings.Builder
		for _, c := range []byte(s) {
			fmt.Fprintf(&b, "%%%02X", c)
		}
		return b.String()
	default:
		return url.QueryEscape(s)
	}
}

// query joins name=value pairs in random order.
func (g *hostileGen) query(pairs ...string) string {
	g.r.Shuffle(len(pairs), func(i, j int) { pairs[i], pairs[j] = pairs[j], pairs[i] })
	return strings.Join(pairs, "&")
}

// withBad builds a /convert or /rates query in which the parameter bad has
// the (escaped) value v and every other parameter is valid.
func (g *hostileGen) withBad(param, v string) string {
	switch param {
	case "from", "to", "amount":
		pairs := map[string]string{"from": g.code(), "to": g.code()}
		if g.chance(0.5) {
			pairs["amount"] = g.pick("1", "100", "99.95", "0")
		}
		pairs[param] = v
		return "/convert?" + g.query(hostileFlatten(pairs)...)
	case "base", "symbols":
		pairs := map[string]string{}
		if g.chance(0.5) {
			pairs["base"] = g.code()
		}
		pairs[param] = v
		return "/rates?" + g.query(hostileFlatten(pairs)...)
	case "date":
		if g.chance(0.5) {
			return "/rates?" + g.query("date="+v, "base="+g.pick(g.always...))
		}
		return "/convert?" + g.query("date="+v, "from="+g.pick(g.always...), "to="+g.pick(g.always...))
	}
	panic("withBad: unknown parameter " + param)
}

func hostileFlatten(pairs map[string]string) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(pairs)) {
		out = append(out, k+"="+pairs[k])
	}
	return out
}

func (g *hostileGen) randomString(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(g.r.IntN(256))
	}
	return string(b)
}

// randomBytes: arbitrary bytes, escaped, as parameter names and values,
// sometimes with a raw invalid escape.
func (g *hostileGen) randomBytes() hostileCase {
	var pairs []string
	for range 1 + g.r.IntN(4) {
		name, value := g.enc(g.randomString(g.r.IntN(12))), g.enc(g.randomString(g.r.IntN(24)))
		if g.chance(0.3) {
			name = g.pick("from", "to", "amount", "date", "base", "symbols")
		}
		if g.chance(0.15) {
			value += g.badEscape()
		}
		pairs = append(pairs, name+"="+value)
	}
	path := g.pick("/convert", "/rates", "/currencies")
	return hostileCase{target: path + "?" + g.query(pairs...), want: []int{200, 400}}
}

func (g *hostileGen) badEscape() string {
	return g.pick("%zz", "%", "%0", "%g1", "%%", "%u0041", "%2", "%-1", "%+1", "%G0", "%0g", "%\xc3\xa9", "%%41")
}

// invalidEscape: a valid query with a malformed escape spliced in, which
// makes the whole query string unreadable.
func (g *hostileGen) invalidEscape() hostileCase {
	q := "from=" + g.code() + "&to=" + g.code() + "&amount=5"
	at := g.r.IntN(len(q) + 1)
	q = q[:at] + g.badEscape() + q[at:]
	switch path := g.pick("/convert", "/convert", "/rates", "/currencies", "/openapi.json", "/docs", "/health"); path {
	case "/health":
		return hostileCase{target: path + "?" + q, want: []int{200}}
	default:
		return hostileCase{target: path + "?" + q, want: []int{400}}
	}
}

func (g *hostileGen) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.r.IntN(10))
	}
	if b[0] == '0' {
		b[0] = '1' + byte(g.r.IntN(9))
	}
	return string(b)
}

// hugeNumber: thousands of digits, in amounts and elsewhere.
func (g *hostileGen) hugeNumber() hostileCase {
	var n int
	switch k := g.r.IntN(10); {
	case k < 6:
		n = 1000 + g.r.IntN(990)
	case k < 8:
		n = 16 + g.r.IntN(984)
	default:
		n = 2100 + g.r.IntN(6000)
	}
	switch g.r.IntN(6) {
	case 0: // zeros that trim to a valid amount
		return hostileCase{target: g.withBadValid("amount", strings.Repeat("0", n)+"1"), want: []int{200}}
	case 1:
		return hostileCase{target: g.withBad("amount", "0."+g.digits(n)), want: []int{400}}
	case 2:
		return hostileCase{target: g.withBad("amount", g.digits(n)+"."+g.digits(1+g.r.IntN(10))), want: []int{400}}
	case 3:
		return hostileCase{target: g.withBad(g.pick("from", "to", "base", "symbols", "date"), g.digits(n)), want: []int{400}}
	default:
		return hostileCase{target: g.withBad("amount", g.digits(n)), want: []int{400}}
	}
}

// withBadValid is withBad for a value the API accepts: it uses codes
// published on every date, so the request succeeds.
func (g *hostileGen) withBadValid(param, v string) string {
	return "/convert?" + g.query("from="+g.code(), "to="+g.code(), param+"="+v)
}

func (g *hostileGen) exponent() hostileCase {
	// Floats as clients print them are amounts: the exact decimals they
	// denote, within the limits.
	if g.chance(0.25) {
		v := g.pick("1E-5", "1e5", "1E+5", "1.5e3", ".5e1", "5.", ".5", "1e-05", "2.5E+14", "100.0", "0e99999")
		return hostileCase{target: g.withBadValid("amount", g.enc(v)), want: []int{200}}
	}
	v := g.pick("1e400", "0x1p-2", "1e", "e5", "1e-400", "0X1P+3", "0x10", "0b101", "1e+21", "1e-11",
		"0o17", "1p3", "1_000", "1,5", "1.000,00", "١٢٣", "１２３", "1e99999999999999999999", "1..5", "1.2.3", "Ⅻ", "½", "1 000", "1\u00a0000",
		"1e3.5", "1e3e3", "1e++3", ".e3", ".")
	if g.chance(0.4) {
		// A sign before the number, or an exponent letter no float uses.
		v = g.pick("-", "+") + g.digits(1+g.r.IntN(5)) + g.pick("", "."+g.digits(1+g.r.IntN(3))) + g.pick("e", "E", "p", "d") +
			g.pick("", "-", "+") + strconv.Itoa(g.r.IntN(100000))
		if g.chance(0.5) {
			v = g.digits(1+g.r.IntN(5)) + g.pick("p", "d", "x") + g.pick("", "-", "+") + strconv.Itoa(g.r.IntN(100000))
		}
	}
	return hostileCase{target: g.withBad(g.pick("amount", "amount", "amount", "date", "from"), g.enc(v)), want: []int{400}}
}

func (g *hostileGen) sign() hostileCase {
	if g.chance(0.2) { // a raw '+' is a space
		return hostileCase{target: g.withBad("amount", "+"+g.digits(1+g.r.IntN(6))), want: []int{400}}
	}
	v := g.pick("-5", "+5", "\u22125", "\ufe635", "\uff0d5", "--5", "++5", "+-5", "-+5", "-0", "-0.00", "+0", "5-", "5+",
		"- 5", "(5)", "-.5", "\u22120", "-"+g.digits(20), "-1e5", "\u2012"+"5", "~5")
	return hostileCase{target: g.withBad(g.pick("amount", "amount", "amount", "date", "to"), g.enc(v)), want: []int{400}}
}

func (g *hostileGen) nanInf() hostileCase {
	v := g.pick("NaN", "nan", "NAN", "sNaN", "qNaN", "-NaN", "+NaN", "NaN123", "Inf", "inf", "-Inf", "+Inf", "Infinity",
		"-infinity", "∞", "-∞", "1/0", "0/0", "undefined", "null", "None", "true", "[]", "{}", "nil", "0x7ff8000000000001")
	return hostileCase{target: g.withBad(g.pick("amount", "amount", "amount", "from", "date", "symbols"), g.enc(v)), want: []int{400}}
}

// Look-alikes of Latin capitals, and invisible or combining code points.
var (
	hostileLookalikes = map[byte][]string{
		'A': {"А", "Α"}, 'B': {"В", "Β"}, 'C': {"С", "Ϲ"}, 'D': {"Ꭰ"}, 'E': {"Е", "Ε"}, 'G': {"Ԍ"}, 'H': {"Н", "Η"},
		'I': {"І", "Ι"}, 'J': {"Ј"}, 'K': {"К", "Κ"}, 'M': {"М", "Μ"}, 'N': {"Ν"}, 'O': {"О", "Ο"}, 'P': {"Р", "Ρ"},
		'S': {"Ѕ"}, 'T': {"Т", "Τ"}, 'U': {"Ս"}, 'X': {"Х", "Χ"}, 'Y': {"Υ", "Ү"}, 'Z': {"Ζ"},
	}
	hostileInvisibles = []string{"\u0301", "\u0308", "\u200d", "\u200c", "\u200b", "\u200f", "\u200e", "\u202e", "\u2066",
		"\ufeff", "\u00a0", "\u00ad", "\u034f", "\U000E0055", "\ufe0f", "\u2060"}
)

// lookalikeCode: a real code with some letters swapped for look-alikes
// (Cyrillic, Greek, full-width) or invisible marks inserted.
func (g *hostileGen) lookalikeCode() hostileCase {
	code := g.code()
	var b strings.Builder
	changed := false
	for i := range 3 {
		c := code[i]
		if g.chance(0.2) {
			b.WriteString(g.pick(hostileInvisibles...))
			changed = true
		}
		switch alts := hostileLookalikes[c]; {
		case g.chance(0.25):
			b.WriteRune(rune(0xFF21 + int(c-'A'))) // full-width
			changed = true
		case len(alts) > 0 && g.chance(0.4):
			b.WriteString(g.pick(alts...))
			changed = true
		default:
			b.WriteByte(c)
		}
	}
	if !changed || g.chance(0.2) {
		b.WriteString(g.pick(hostileInvisibles...))
	}
	v := b.String()
	param := g.pick("from", "to", "base", "symbols")
	if param == "symbols" && g.chance(0.5) {
		v = g.code() + "," + v
	}
	return hostileCase{target: g.withBad(param, g.enc(v)), want: []int{400}}
}

// mixedCase: lower and mixed case spellings of published codes, which the
// API accepts.
func (g *hostileGen) mixedCase() hostileCase {
	mix := func(code string) string {
		b := []byte(code)
		for i := range b {
			if g.chance(0.6) {
				b[i] += 'a' - 'A'
			}
		}
		return string(b)
	}
	if g.chance(0.15) { // withdrawn currencies are valid codes without a rate today
		return hostileCase{target: g.withBad(g.pick("from", "to", "base", "symbols"), mix(g.pick(g.withdrawn...))), want: []int{400}}
	}
	if g.chance(0.5) {
		return hostileCase{target: "/convert?" + g.query("from="+mix(g.code()), "to="+mix(g.code())), want: []int{200}}
	}
	symbols := make([]string, 1+g.r.IntN(6))
	for i := range symbols {
		symbols[i] = mix(g.code())
	}
	return hostileCase{target: "/rates?" + g.query("base="+mix(g.code()), "symbols="+strings.Join(symbols, ",")), want: []int{200}}
}

func (g *hostileGen) repeated() hostileCase {
	path, names := "/convert", []string{"from", "to", "amount", "date"}
	if g.chance(0.35) {
		path, names = "/rates", []string{"base", "symbols", "date"}
	}
	name := g.pick(names...)
	pairs := []string{}
	if path == "/convert" {
		pairs = append(pairs, "from=USD", "to=EUR")
	}
	for range 2 + g.r.IntN(39) {
		v := map[string]string{"from": "USD", "to": "EUR", "amount": "5", "date": "2020-03-16", "base": "USD", "symbols": "JPY"}[name]
		if g.chance(0.3) {
			v = g.enc(g.randomString(g.r.IntN(5)))
		}
		pairs = append(pairs, name+"="+v)
	}
	return hostileCase{target: path + "?" + g.query(pairs...), want: []int{400}}
}

// empty: empty values, empty names and empty pairs, each with its known
// outcome.
func (g *hostileGen) empty() hostileCase {
	cases := []struct {
		target string
		status int
	}{
		{"/convert?from=&to=EUR", 400},
		{"/convert?from=USD&to=", 400},
		{"/convert?from=&to=", 400},
		{"/convert?from=USD&to=EUR&amount=", 400},
		{"/convert?from=USD&to=EUR&date=", 400},
		{"/convert?from=USD&to=EUR&", 200},
		{"/convert?&&from=USD&&to=EUR&&", 200},
		{"/convert?from=USD&to=EUR&=", 400},
		{"/convert?from=USD&to=EUR&=5", 400},
		{"/convert?=", 400},
		{"/convert?&", 400},
		{"/convert?", 400},
		{"/rates?", 200},
		{"/rates?&", 200},
		{"/rates?&&&&&&&&", 200},
		{"/rates?base=", 400},
		{"/rates?symbols=", 400},
		{"/rates?symbols=,", 400},
		{"/rates?symbols=USD,", 400},
		{"/rates?symbols=,USD", 400},
		{"/rates?symbols=USD,,JPY", 400},
		{"/rates?date=", 400},
		{"/rates?=", 400},
		{"/currencies?&&", 200},
		{"/currencies?=", 400},
		{"/health?=", 200},
	}
	c := cases[g.r.IntN(len(cases))]
	return hostileCase{target: c.target, want: []int{c.status}}
}

// noEquals: parameters without '='.
func (g *hostileGen) noEquals() hostileCase {
	cases := []struct {
		target string
		status int
	}{
		{"/convert?from&to=EUR", 400},
		{"/convert?from=USD&to", 400},
		{"/convert?from=USD&to=EUR&amount", 400},
		{"/convert?from=USD&to=EUR&date", 400},
		{"/convert?from&to", 400},
		{"/convert?USD&EUR", 400},
		{"/convert?from=USD&to=EUR&" + g.code(), 400},
		{"/rates?base", 400},
		{"/rates?symbols", 400},
		{"/rates?date", 400},
		{"/currencies?x", 400},
		{"/openapi.json?download", 400},
		{"/docs?print", 400},
		{"/health?verbose", 200},
	}
	c := cases[g.r.IntN(len(cases))]
	return hostileCase{target: c.target, want: []int{c.status}}
}

// unknown: parameters no endpoint takes, typos and other endpoints'
// parameters among them.
func (g *hostileGen) unknown() hostileCase {
	name := g.pick("amout", "From", "FROM", "to[]", "from[]", "from.x", "callback", "jsonp", "_", "utm_source", "format",
		"fields", "q", "__proto__", "constructor", "%00", "a%20b", "%EF%BB%BFfrom", "from%00", "fr%C3%B6m", "from%20",
		"%20from", "Amount", "dates", "symbol", "bases", "to%E2%80%8B")
	pair := name + "=" + g.pick("1", "", "USD", "x")
	switch path := g.pick("/convert", "/convert", "/rates", "/rates", "/currencies", "/openapi.json", "/docs", "/health"); path {
	case "/convert":
		return hostileCase{target: "/convert?" + g.query("from=USD", "to=EUR", pair), want: []int{400}}
	case "/rates":
		extra := g.pick("amount=5", "from=USD", "to=EUR", pair)
		return hostileCase{target: "/rates?" + g.query("base=USD", extra), want: []int{400}}
	case "/health":
		return hostileCase{target: path + "?" + pair, want: []int{200}}
	default:
		return hostileCase{target: path + "?" + pair, want: []int{400}}
	}
}

// longURL: targets right around the 2048-byte limit, valid and not, and far
// beyond it.
func (g *hostileGen) longURL() hostileCase {
	switch g.r.IntN(3) {
	case 0: // exact lengths around the limit, with a query that succeeds
		n := hostileMaxTarget + []int{-2, -1, 0, 0, 1, 2, g.r.IntN(400) - 200}[g.r.IntN(7)]
		t := g.validOfLength(n)
		want := 200
		if len(t) > hostileMaxTarget {
			want = 414
		}
		return hostileCase{target: t, want: []int{want}}
	case 1: // junk values around and past the limit
		n := 1800 + g.r.IntN(600)
		v := g.enc(g.randomString(n / 2))
		t := "/convert?from=USD&to=EUR&amount=" + v
		return hostileCase{target: t[:min(len(t), n)], want: []int{400}} // 414 past the limit, set by next
	default: // far beyond: long queries and long paths
		n := 2100 + g.r.IntN(14000)
		if g.chance(0.5) {
			return hostileCase{target: "/rates?symbols=" + strings.Repeat("USD,", n/4) + "USD", want: []int{414}}
		}
		unit := g.pick("a", "convert/", "%41", "..%2f", "%00")
		return hostileCase{target: "/" + strings.Repeat(unit, n/len(unit)+1), want: []int{414}}
	}
}

// validOfLength returns a /rates target of exactly n bytes (n ≥ 64) that the
// API answers with 200: published codes, some of their letters escaped.
func (g *hostileGen) validOfLength(n int) string {
	prefix := "/rates?symbols="
	if n%2 == 1 {
		prefix = "/rates?base=eur&symbols="
	}
	// Both prefixes leave an odd rest.
	rest := n - len(prefix)
	// rest = 4k-1 + 2e: k codes with k-1 commas and e escaped letters.
	k := (rest + 1) / 4
	e := (rest + 1 - 4*k) / 2
	parts := make([]string, k)
	for i := range parts {
		code := g.code()
		if e > 0 {
			code = fmt.Sprintf("%%%02X", code[0]) + code[1:]
			e--
		}
		parts[i] = code
	}
	return prefix + strings.Join(parts, ",")
}

// oddMethod: every method but GET and HEAD, CORS preflights among them.
func (g *hostileGen) oddMethod() hostileCase {
	method := g.pick("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "OPTIONS", "OPTIONS", "TRACE", "CONNECT", "FOO", "get",
		"Get", "PROPFIND", "M-SEARCH", "BREW", "X", "QUERY", strings.Repeat("Z", 100), "HEAD")
	path := g.pick("/convert", "/rates", "/currencies", "/health", "/openapi.json", "/docs", "/", "/nope", "/convert/",
		"/timeseries", "/fluctuation", "/latest", "/v1/latest", "/v1/currencies", "/v1/2020-03-13", "/2020-03-13..2020-03-16",
		"/v1/nope", "/assets/page.js")
	target := path
	if g.chance(0.5) {
		target += "?from=USD&to=EUR"
	}
	c := hostileCase{method: method, target: target}
	switch path {
	case "/nope", "/convert/", "/v1/nope":
		c.want = []int{404}
	default:
		c.want = []int{405}
	}
	if method == "HEAD" {
		c.want = []int{200, 400}
		if path == "/" {
			c.want = []int{200} // the converter page; from and to are its parameters
		} else if path == "/nope" || path == "/convert/" || path == "/v1/nope" {
			c.want = []int{404}
		} else if strings.HasPrefix(path, "/v1/") || path == "/latest" || strings.HasPrefix(path, "/20") {
			c.want = []int{200, 422} // Frankfurter's routes: its 422 for a bad parameter
		}
	}
	if method == "CONNECT" && g.chance(0.5) {
		// The authority form a proxy client sends: not a path at all.
		return hostileCase{method: method, target: g.pick("example.com:443", "127.0.0.1:22"), want: []int{400}}
	}
	switch method {
	case "OPTIONS":
		if g.chance(0.7) {
			c.header = append(c.header, [2]string{"Access-Control-Request-Method", g.pick("GET", "POST", "DELETE", "get", "*")})
			if g.chance(0.5) {
				c.header = append(c.header, [2]string{"Access-Control-Request-Headers", g.pick("X-Request-Id", "Authorization", "*")})
			}
		}
		if g.chance(0.8) {
			c.header = append(c.header, [2]string{"Origin", g.pick("https://app.example.com", "https://admin.example.com",
				"https://evil.example", "null", "https://app.example.com.evil.example", "HTTPS://APP.EXAMPLE.COM", "")})
		}
	case "POST", "PUT", "PATCH":
		if g.chance(0.5) {
			c.header = append(c.header, [2]string{"Content-Type", "application/x-www-form-urlencoded"})
			c.body = "from=USD&to=EUR&amount=5"
		}
		if g.chance(0.2) {
			c.header = append(c.header, [2]string{"Transfer-Encoding", "chunked"})
			c.body = "5\r\nhello\r\n0\r\n\r\n"
		}
	}
	return c
}

// oddPath: paths a scanner or a confused proxy would send, each with the
// status it must get on GET.
func (g *hostileGen) oddPath() hostileCase {
	cases := []struct {
		target string
		status int
	}{
		{"//convert", 400},
		{"//convert?from=USD&to=EUR", 200},
		{"/convert/", 404},
		{"/convert//", 404},
		{"/%2e%2e/", 404},
		{"/%2E%2E/%2E%2E/etc/passwd", 404},
		{"/convert%00", 404},
		{"/%00", 404},
		{"/../etc/passwd", 404},
		{"/./convert?from=USD&to=EUR", 200},
		{"/convert/..", 200},
		{"/docs/../convert", 400},
		{"/convert/./", 404},
		{"///", 200},
		{"//", 200},
		{"//evil.example/x", 404},
		{"//evil.example", 404},
		{"/%2F%2Fevil.example", 404},
		{"/%5Cevil.example", 404},
		{`/\evil.example`, 404},
		{"/%63onvert?from=USD&to=EUR", 200},
		{"/convert%2F", 404},
		{"/convert%2f?from=USD&to=EUR", 404},
		{"/CONVERT?from=USD&to=EUR", 404},
		{"/Convert", 404},
		{"/convert;jsessionid=1", 404},
		{"/convert.json", 404},
		{"/convert%20", 404},
		{"/convert%09", 404},
		{"/convert%C0%AF", 404},
		{"/%C0%AE%C0%AE/", 404},
		{"/convert\xe2\x80\x8b", 404},
		{"/convert#frag", 404},
		{"/convert%23?from=USD&to=EUR", 404},
		{"/convert??from=USD&to=EUR", 400},
		{"/health/", 404},
		{"/health/../health", 200},
		{"/rates/USD", 404},
		{"/docs/", 404},
		{"/.env", 404},
		{"/.git/config", 404},
		{"/wp-login.php", 404},
		{"/cgi-bin/%2e%2e/%2e%2e/bin/sh", 404},
		{"/index.html", 404},
		{"/?x=1", 200}, // the page reads none of its query string
		{"/", 200},
		{"*", 400},
		{"http://evil.example/convert?from=USD&to=EUR", 200},
		{"http://hostile.test/nope", 404},
		{"/" + strings.Repeat("a", 500+g.r.IntN(1500)), 404},
		{"/convert" + strings.Repeat("/..", 10+g.r.IntN(300)), 200},
	}
	c := cases[g.r.IntN(len(cases))]
	return hostileCase{target: c.target, want: []int{c.status}}
}

// ifNoneMatch: garbage, half-quoted and huge If-None-Match headers, and real
// matches hidden among them.
func (g *hostileGen) ifNoneMatch() hostileCase {
	target := g.pick(hostileETagTargets...)
	etag := g.etags[target]
	garbage := func() string {
		b := make([]byte, 1+g.r.IntN(40))
		for i := range b {
			for {
				b[i] = byte(0x21 + g.r.IntN(0x7f-0x21))
				if b[i] != '*' && b[i] != ',' {
					break
				}
			}
		}
		return string(b)
	}
	randomTag := func() string {
		tag := fmt.Sprintf(`"%016x%016x"`, g.r.Uint64(), g.r.Uint64())
		if g.chance(0.3) {
			tag = "W/" + tag
		}
		return tag
	}
	var value string
	match := false
	switch g.r.IntN(12) {
	case 0:
		value = garbage()
	case 1:
		value = `"` + garbage()
	case 2:
		value = g.pick("W/", `W/"`, `""`, `"`, `W/""`, "W/*", `"*"`, "**", "W", "w/"+etag, `\"`+etag[1:])
	case 3:
		value, match = g.pick("*", " *", "*\t", `*, "x"`, `"x", *`, "*,*"), true
	case 4: // a huge list without the tag
		tags := make([]string, 50+g.r.IntN(550))
		for i := range tags {
			tags[i] = randomTag()
		}
		value = strings.Join(tags, g.pick(",", ", ", " ,\t"))
	case 5: // a huge list with it
		tags := make([]string, 50+g.r.IntN(550))
		for i := range tags {
			tags[i] = randomTag()
		}
		tags[g.r.IntN(len(tags))] = g.pick(etag, "W/"+etag)
		value, match = strings.Join(tags, g.pick(",", ", ")), true
	case 6:
		value, match = g.pick(etag, "W/"+etag, " "+etag+" ", etag+","), true
	case 7: // near misses
		value = g.pick(strings.Trim(etag, `"`), strings.ToUpper(etag), etag[:len(etag)-1], etag+"x", `"`+etag+`"`, "W/ "+etag, etag[1:])
	case 8: // obs-text, which HTTP allows in field values
		value = "\"\xff\xfe\xc3\xa9" + garbage() + "\""
	case 9: // several header lines, the match on a later one
		c := hostileCase{target: target, want: []int{304}, header: [][2]string{{"If-None-Match", garbage()}, {"If-None-Match", etag}}}
		return c
	case 10: // a wildcard on a request that fails
		return hostileCase{target: g.pick("/convert?from=USD", "/rates?base=XXX", "/currencies?x=1", "/nope"),
			header: [][2]string{{"If-None-Match", g.pick("*", etag)}}, want: []int{400, 404}}
	default: // a wildcard on a method the API refuses
		return hostileCase{method: g.pick("POST", "DELETE"), target: target, header: [][2]string{{"If-None-Match", "*"}}, want: []int{405}}
	}
	want := 200
	if match {
		want = 304
	}
	return hostileCase{target: target, header: [][2]string{{"If-None-Match", value}}, want: []int{want}}
}

// requestID: X-Request-Id and X-Amz-Cf-Id values a client or an attacker
// could send; only safe tokens may be echoed.
func (g *hostileGen) requestID() hostileCase {
	values := []string{
		"abc-123", strings.Repeat("a", 128), "req:1=2.3_4", "Root=1-67891233-abcdef012345678912345678",
		strings.Repeat("a", 129), strings.Repeat("x", 1000+g.r.IntN(4000)), "", " ", "has space", `"quoted"`,
		"<script>alert(1)</script>", `{"json":1}`, "ünïcödé", "\t", "a\tb", "../../etc/passwd", "%00", "a,b", "a;b",
		"\xff\xfe", "abc\u202edef", "id\u200b", `","request_id":"forged`, "a/b", "a+b", "$(reboot)",
	}
	c := hostileCase{target: g.pick("/convert?from=USD&to=EUR", "/convert?from=USD", "/rates?symbols=XXX", "/health", "/nope", "/")}
	switch c.target {
	case "/convert?from=USD&to=EUR", "/health":
		c.want = []int{200}
	case "/nope":
		c.want = []int{404}
	case "/":
		c.want = []int{200}
	default:
		c.want = []int{400}
	}
	n := 1 + g.r.IntN(2)
	for range n {
		c.header = append(c.header, [2]string{g.pick("X-Request-Id", "X-Request-Id", "x-request-id", "X-Amz-Cf-Id"), g.pick(values...)})
	}
	return c
}

// hostileGoodDates are dates the API accepts under the fixed clock, weekends and
// holidays among them.
var hostileGoodDates = []string{"2025-05-13", "2025-05-12", "1999-01-04", "2000-02-29", "2020-03-14", "2024-12-25", "2025-01-01"}

// hostilePublishedOn reports whether code has a rate in force on every date.
func hostilePublishedOn(t *testing.T, history *currency.History, code currency.Code, dates []string) bool {
	t.Helper()
	for _, s := range dates {
		table, ok := history.On(date(t, s))
		if !ok {
			return false
		}
		if _, err := table.Rate(code); err != nil {
			return false
		}
	}
	return true
}

// badDate: impossible, out-of-range and badly written dates, and a few
// edge dates with their known outcome. The fixed clock makes today
// 2025-05-13 at UTC+14.
func (g *hostileGen) badDate() hostileCase {
	bad := []string{"2025-02-30", "2024-02-30", "2025-02-29", "1900-02-29", "2025-04-31", "2025-13-01", "2025-00-10",
		"2025-05-00", "2025-05-32", "0000-01-01", "0000-00-00", "9999-12-31", "10000-01-01", "-2020-01-01", "-001-01-01",
		" 2020-01-02", "2020-01-02 ", "\t2020-01-02", "2020-01-02\u00a0", "+2020-01-02", "2020-1-2", "20200102",
		"2020/01/02", "2020-01-02T00:00:00Z", "2020-01-02Z", "٢٠٢٠-٠١-٠٢", "２０２０-０１-０２", "1998-12-31", "1999-01-03",
		"2025-05-14", "2026-01-01", "yesterday", "today", "now", "2020-01-0２", "1970-01-01", "0001-01-01",
		"2020-02-30", "99999-01-01", "2020-001-01", "2020-01-001", "2020-W01-1", "2020-060", "2020-01-02\x00",
		fmt.Sprintf("%04d-%02d-%02d", 1999+g.r.IntN(27), 13+g.r.IntN(87), 1+g.r.IntN(28)),
		fmt.Sprintf("%04d-%02d-%02d", 1999+g.r.IntN(27), 1+g.r.IntN(12), 32+g.r.IntN(68)),
		fmt.Sprintf("%04d-%02d-%02d", g.r.IntN(1999), 1+g.r.IntN(12), 1+g.r.IntN(28)),
		fmt.Sprintf("%04d-%02d-%02d", 2027+g.r.IntN(7973), 1+g.r.IntN(12), 1+g.r.IntN(28)),
	}
	if g.chance(0.2) {
		return hostileCase{target: g.withBad("date", g.enc(g.pick(hostileGoodDates...))), want: []int{200}}
	}
	v := g.pick(bad...)
	if g.chance(0.15) && hostileRawSafe(strings.TrimSpace(v)) { // spaces written as '+'
		v = g.pick("+", "++") + strings.TrimSpace(v) + g.pick("", "+")
	} else {
		v = g.enc(v)
	}
	return hostileCase{target: g.withBad("date", v), want: []int{400}}
}

// mixture: several kinds of bad input in one request, on any method, path
// and headers. Only the rules every request follows apply.
func (g *hostileGen) mixture() hostileCase {
	var c hostileCase
	for range 2 + g.r.IntN(3) {
		part := g.parts[g.r.IntN(len(g.parts))].make(g)
		if c.method == "" || g.chance(0.3) {
			c.method = part.method
		}
		// "*" and authority-form targets stand alone in their own
		// categories: with a query appended net/http refuses them itself.
		_, q, hasQuery := strings.Cut(part.target, "?")
		if c.target == "" && (strings.HasPrefix(part.target, "/") || strings.HasPrefix(part.target, "http")) {
			c.target = part.target
		} else if c.target != "" && hasQuery && len(c.target) < 1500 {
			sep := "&"
			if !strings.Contains(c.target, "?") {
				sep = "?"
			}
			c.target += sep + q
		}
		for _, kv := range part.header {
			// Bodies are left out, and headers stay well inside the
			// 32 KiB limit.
			if len(kv[1]) < 2000 && kv[0] != "Transfer-Encoding" && kv[0] != "Content-Type" {
				c.header = append(c.header, kv)
			}
		}
	}
	if c.target == "" {
		c.target = "/convert"
	}
	if c.method == "" && g.chance(0.2) {
		c.method = g.pick("POST", "HEAD", "OPTIONS", "FOO")
	}
	// CONNECT takes an authority, not an absolute URI; net/http itself
	// refuses that mix before any handler runs.
	if c.method == "CONNECT" && !strings.HasPrefix(c.target, "/") {
		c.method = "GET"
	}
	return c
}
