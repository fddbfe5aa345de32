package server_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
	"github.com/currency-convertor-ecs/currency-api/internal/rates"
	"github.com/currency-convertor-ecs/currency-api/internal/server"
)

var generatedID = regexp.MustCompile(`^[0-9a-f]{32}$`)

func TestRequestID(t *testing.T) {
	const cfID = "SOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ=="
	long := strings.Repeat("a", 128)
	tests := []struct {
		name   string
		header []string
		want   string // "" means a newly generated ID
	}{
		{"sane", []string{"X-Request-Id", "abc-123_x.y:z="}, "abc-123_x.y:z="},
		{"128 bytes", []string{"X-Request-Id", long}, long},
		{"too long", []string{"X-Request-Id", long + "a"}, ""},
		{"space", []string{"X-Request-Id", "abc def"}, ""},
		{"slash", []string{"X-Request-Id", "abc/def"}, ""},
		{"markup", []string{"X-Request-Id", "<script>"}, ""},
		{"quote", []string{"X-Request-Id", `a"b`}, ""},
		{"non-ASCII", []string{"X-Request-Id", "idé"}, ""},
		{"CloudFront", []string{"X-Amz-Cf-Id", cfID}, cfID},
		{"CloudFront when the caller's is bad", []string{"X-Request-Id", "bad id", "X-Amz-Cf-Id", cfID}, cfID},
		{"the caller's before CloudFront's", []string{"X-Request-Id", "mine", "X-Amz-Cf-Id", cfID}, "mine"},
		{"both bad", []string{"X-Request-Id", "bad id", "X-Amz-Cf-Id", "bad;id"}, ""},
		{"none", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, logs := newHandler(t)
			// A 400, so the ID shows in the problem body as well.
			rec := get(t, h, "/convert?from=XYZ&to=EUR", tt.header...)
			id := rec.Header().Get("X-Request-Id")
			if tt.want == "" {
				if !generatedID.MatchString(id) {
					t.Errorf("X-Request-Id = %q, want 32 new hex digits", id)
				}
				for i := 1; i < len(tt.header); i += 2 {
					if strings.Contains(id, tt.header[i]) {
						t.Errorf("X-Request-Id = %q reuses the refused %q", id, tt.header[i])
					}
				}
			} else if id != tt.want {
				t.Errorf("X-Request-Id = %q, want %q", id, tt.want)
			}
			p := checkProblem(t, rec, http.StatusBadRequest)
			if got, want := p.RequestID, id; got != want {
				t.Errorf("problem request_id = %q, want %q", got, want)
			}
			lines := logs.lines(t)
			if len(lines) != 1 {
				t.Fatalf("%d log lines, want 1", len(lines))
			}
			if got, want := lines[0]["request_id"], id; got != want {
				t.Errorf("logged request_id = %v, want %q", got, want)
			}
		})
	}
}

func TestRequestIDsDiffer(t *testing.T) {
	h, _ := newHandler(t)
	a := get(t, h, "/health").Header().Get("X-Request-Id")
	b := get(t, h, "/health").Header().Get("X-Request-Id")
	if a == b {
		t.Errorf("two requests got the same ID %q", a)
	}
}

func TestCORS(t *testing.T) {
	const (
		allowed = "https://app.example.com"
		other   = "https://evil.example.com"
	)
	list := []string{allowed, "https://admin.example.com"}
	tests := []struct {
		name    string
		origins []string
		method  string
		target  string
		header  []string
		status  int
		acao    string // "" means absent
		vary    bool
	}{
		{"any origin", []string{"*"}, http.MethodGet, "/health", []string{"Origin", other}, http.StatusOK, "*", false},
		{"listed origin", list, http.MethodGet, "/health", []string{"Origin", allowed}, http.StatusOK, allowed, true},
		{"second listed origin", list, http.MethodGet, "/health", []string{"Origin", "https://admin.example.com"}, http.StatusOK, "https://admin.example.com", true},
		{"unlisted origin", list, http.MethodGet, "/health", []string{"Origin", other}, http.StatusOK, "", true},
		{"look-alike origin", list, http.MethodGet, "/health", []string{"Origin", allowed + ".evil.com"}, http.StatusOK, "", true},
		{"no origin", list, http.MethodGet, "/health", nil, http.StatusOK, "", true},
		{"problem readable by an allowed origin", list, http.MethodGet, "/convert", []string{"Origin", allowed}, http.StatusBadRequest, allowed, true},
		{"304 keeps Vary", list, http.MethodGet, "/health", []string{"Origin", allowed, "If-None-Match", "*"}, http.StatusNotModified, allowed, true},
		{"CORS disabled", nil, http.MethodGet, "/health", []string{"Origin", allowed}, http.StatusOK, "", false},
		{"preflight, listed origin", list, http.MethodOptions, "/convert", []string{"Origin", allowed, "Access-Control-Request-Method", "GET"}, http.StatusNoContent, allowed, true},
		{"preflight, any origin", []string{"*"}, http.MethodOptions, "/rates", []string{"Origin", other, "Access-Control-Request-Method", "GET"}, http.StatusNoContent, "*", false},
		{"preflight, unlisted origin", list, http.MethodOptions, "/convert", []string{"Origin", other, "Access-Control-Request-Method", "GET"}, http.StatusForbidden, "", true},
		{"414 readable by an allowed origin", list, http.MethodGet, "/convert?x=" + strings.Repeat("a", 3000), []string{"Origin", allowed}, http.StatusRequestURITooLong, allowed, true},
		{"preflight, no origin", list, http.MethodOptions, "/convert", []string{"Access-Control-Request-Method", "GET"}, http.StatusForbidden, "", true},
		{"preflight, CORS disabled", nil, http.MethodOptions, "/convert", []string{"Origin", allowed, "Access-Control-Request-Method", "GET"}, http.StatusMethodNotAllowed, "", false},
		{"plain OPTIONS is no preflight", list, http.MethodOptions, "/convert", []string{"Origin", allowed}, http.StatusMethodNotAllowed, allowed, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _ := newHandler(t, func(cfg *server.Config) { cfg.CORSOrigins = tt.origins })
			rec := serve(t, h, tt.method, tt.target, tt.header...)
			if got, want := rec.Code, tt.status; got != want {
				t.Fatalf("status = %d, want %d; body %s", got, want, rec.Body)
			}
			if got, want := rec.Header().Get("Access-Control-Allow-Origin"), tt.acao; got != want {
				t.Errorf("Access-Control-Allow-Origin = %q, want %q", got, want)
			}
			vary := strings.Contains(strings.Join(rec.Header().Values("Vary"), ","), "Origin")
			if got, want := vary, tt.vary; got != want {
				t.Errorf("Vary has Origin = %t, want %t (Vary %q)", got, want, rec.Header().Values("Vary"))
			}
			if tt.acao != "" && tt.status != http.StatusNoContent {
				// Content-Disposition: a script saving /timeseries's CSV
				// reads its file name.
				if got, want := rec.Header().Get("Access-Control-Expose-Headers"), "Content-Disposition, ETag, X-Request-Id, X-Rates-Stale"; got != want {
					t.Errorf("Access-Control-Expose-Headers = %q, want %q", got, want)
				}
			}
			switch tt.status {
			case http.StatusNoContent:
				if got, want := rec.Header().Get("Access-Control-Allow-Methods"), "GET, HEAD"; got != want {
					t.Errorf("Access-Control-Allow-Methods = %q, want %q", got, want)
				}
				if got := rec.Header().Get("Access-Control-Allow-Headers"); !strings.Contains(got, "If-None-Match") {
					t.Errorf("Access-Control-Allow-Headers = %q, want If-None-Match among them", got)
				}
				if got := rec.Header().Get("Access-Control-Max-Age"); got == "" {
					t.Error("no Access-Control-Max-Age")
				}
				if got := rec.Body.Len(); got != 0 {
					t.Errorf("preflight body has %d bytes, want none", got)
				}
			case http.StatusForbidden:
				p := checkProblem(t, rec, http.StatusForbidden)
				if got, want := p.Detail, "origin not allowed"; got != want {
					t.Errorf("detail = %q, want %q", got, want)
				}
				if got := rec.Header().Get("Access-Control-Allow-Methods"); got != "" {
					t.Errorf("Access-Control-Allow-Methods = %q on a refused preflight", got)
				}
			case http.StatusMethodNotAllowed:
				checkProblem(t, rec, http.StatusMethodNotAllowed)
			}
		})
	}
}

// panicRates is a store with a bug.
type panicRates struct{}

func (panicRates) Lookup(time.Time, currency.Date) (rates.Answer, bool) { panic("boom") }
func (panicRates) Status(time.Time) rates.Status                        { panic("boom") }

func TestPanicIsInternalError(t *testing.T) {
	for _, target := range []string{"/convert?from=USD&to=EUR", "/rates", "/currencies", "/health"} {
		t.Run(target, func(t *testing.T) {
			h, logs := newHandler(t, func(cfg *server.Config) { cfg.Rates = panicRates{} })
			rec := get(t, h, target, "X-Request-Id", "panic-1")
			p := checkProblem(t, rec, http.StatusInternalServerError)
			if got, want := p.Detail, "internal error"; got != want {
				t.Errorf("detail = %q, want %q", got, want)
			}
			if strings.Contains(rec.Body.String(), "boom") {
				t.Errorf("body %s leaks the panic", rec.Body)
			}
			lines := logs.lines(t)
			if len(lines) != 2 {
				t.Fatalf("%d log lines, want the panic and the access line: %v", len(lines), lines)
			}
			if got, want := lines[0]["msg"], "handler panic"; got != want {
				t.Errorf("first line msg = %v, want %q", got, want)
			}
			if got, want := lines[0]["panic"], "boom"; got != want {
				t.Errorf("panic = %v, want %q", got, want)
			}
			if got, want := lines[0]["request_id"], "panic-1"; got != want {
				t.Errorf("panic request_id = %v, want %q", got, want)
			}
			if stack, _ := lines[0]["stack"].(string); !strings.Contains(stack, "goroutine") {
				t.Errorf("stack = %q, want a goroutine dump", stack)
			}
			if got, want := lines[1]["status"], json.Number("500"); got != want {
				t.Errorf("access line status = %v, want %v", got, want)
			}
		})
	}
}

func TestAccessLog(t *testing.T) {
	tests := []struct {
		method string
		target string
		status int
		route  string
	}{
		{http.MethodGet, "/convert?from=USD&to=EUR", http.StatusOK, "/convert"},
		{http.MethodHead, "/rates", http.StatusOK, "/rates"},
		{http.MethodGet, "/currencies", http.StatusOK, "/currencies"},
		{http.MethodGet, "/health", http.StatusOK, "/health"},
		{http.MethodGet, "/openapi.json", http.StatusOK, "/openapi.json"},
		{http.MethodGet, "/docs", http.StatusOK, "/docs"},
		{http.MethodGet, "/convert?from=XYZ", http.StatusBadRequest, "/convert"},
		{http.MethodPost, "/rates", http.StatusMethodNotAllowed, "/rates"},
		{http.MethodGet, "/", http.StatusOK, "/"},
		{http.MethodGet, "/nope", http.StatusNotFound, "unmatched"},
		{http.MethodGet, "/wp-admin/setup.php?x=1", http.StatusNotFound, "unmatched"},
		{http.MethodGet, "/convert?x=" + strings.Repeat("a", 3000), http.StatusRequestURITooLong, "unmatched"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.route+" "+strconv.Itoa(tt.status), func(t *testing.T) {
			h, logs := newHandler(t)
			rec := serve(t, h, tt.method, tt.target, "User-Agent", "test-agent", "X-Forwarded-For", "203.0.113.7")
			if got, want := rec.Code, tt.status; got != want {
				t.Fatalf("status = %d, want %d", got, want)
			}
			lines := logs.lines(t)
			if len(lines) != 1 {
				t.Fatalf("%d log lines, want exactly 1: %v", len(lines), lines)
			}
			line := lines[0]
			path, query, _ := strings.Cut(tt.target, "?")
			for name, want := range map[string]any{
				"msg":           "request",
				"level":         "INFO",
				"method":        tt.method,
				"path":          path,
				"query":         query[:min(len(query), 512)],
				"route":         tt.route,
				"status":        json.Number(strconv.Itoa(tt.status)),
				"bytes":         json.Number(strconv.Itoa(rec.Body.Len())),
				"request_id":    rec.Header().Get("X-Request-Id"),
				"user_agent":    "test-agent",
				"forwarded_for": "203.0.113.7",
				"status_class":  strconv.Itoa(tt.status/100) + "xx",
				"requests":      json.Number("1"),
			} {
				if got := line[name]; got != want {
					t.Errorf("%s = %#v, want %#v", name, got, want)
				}
			}
			checkEMF(t, line, "CurrencyAPI", testNow)
		})
	}
}

func TestAccessLogWithoutMetrics(t *testing.T) {
	h, logs := newHandler(t, func(cfg *server.Config) { cfg.MetricsNamespace = "" })
	get(t, h, "/health")
	lines := logs.lines(t)
	if len(lines) != 1 {
		t.Fatalf("%d log lines, want 1", len(lines))
	}
	for _, name := range []string{"_aws", "requests", "latency_ms", "status_class"} {
		if v, ok := lines[0][name]; ok {
			t.Errorf("%s = %v without a metrics namespace, want it absent", name, v)
		}
	}
	if got, want := lines[0]["route"], "/health"; got != want {
		t.Errorf("route = %v, want %q", got, want)
	}
}

// checkEMF validates a log line as a CloudWatch Embedded Metric Format
// record (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
func checkEMF(t *testing.T, line map[string]any, namespace string, now time.Time) {
	t.Helper()
	aws, ok := line["_aws"].(map[string]any)
	if !ok {
		t.Fatalf("_aws = %#v, want an object", line["_aws"])
	}
	ts, ok := aws["Timestamp"].(json.Number)
	if !ok {
		t.Fatalf("_aws.Timestamp = %#v, want a number", aws["Timestamp"])
	}
	ms, err := ts.Int64()
	if err != nil {
		t.Errorf("_aws.Timestamp = %s, want an integer: %v", ts, err)
	}
	if got, want := ms, now.UnixMilli(); got != want {
		t.Errorf("_aws.Timestamp = %d, want %d", got, want)
	}
	directives, ok := aws["CloudWatchMetrics"].([]any)
	if !ok || len(directives) == 0 {
		t.Fatalf("_aws.CloudWatchMetrics = %#v, want a non-empty array", aws["CloudWatchMetrics"])
	}
	for i, d := range directives {
		directive, ok := d.(map[string]any)
		if !ok {
			t.Fatalf("CloudWatchMetrics[%d] = %#v, want an object", i, d)
		}
		if got, want := directive["Namespace"], namespace; got != want {
			t.Errorf("CloudWatchMetrics[%d].Namespace = %#v, want %q", i, got, want)
		}
		dimSets, ok := directive["Dimensions"].([]any)
		if !ok || len(dimSets) == 0 {
			t.Errorf("CloudWatchMetrics[%d].Dimensions = %#v, want a non-empty array", i, directive["Dimensions"])
		}
		for _, set := range dimSets {
			names, ok := set.([]any)
			if !ok || len(names) == 0 || len(names) > 30 {
				t.Errorf("dimension set %#v, want 1 to 30 names", set)
				continue
			}
			for _, n := range names {
				name, _ := n.(string)
				if v, ok := line[name].(string); !ok || v == "" {
					t.Errorf("dimension %#v: top-level member = %#v, want a non-empty string", n, line[name])
				}
			}
		}
		metrics, ok := directive["Metrics"].([]any)
		if !ok || len(metrics) == 0 || len(metrics) > 100 {
			t.Errorf("CloudWatchMetrics[%d].Metrics = %#v, want 1 to 100 metrics", i, directive["Metrics"])
		}
		for _, m := range metrics {
			metric, _ := m.(map[string]any)
			name, _ := metric["Name"].(string)
			if _, ok := line[name].(json.Number); !ok || name == "" {
				t.Errorf("metric %#v: top-level member = %#v, want a number", m, line[name])
			}
			if unit, ok := metric["Unit"]; ok && !validUnits[unit.(string)] {
				t.Errorf("metric %s unit %v is not a CloudWatch unit", name, unit)
			}
		}
	}
}

var validUnits = map[string]bool{
	"Seconds": true, "Microseconds": true, "Milliseconds": true, "Bytes": true, "Kilobytes": true,
	"Megabytes": true, "Gigabytes": true, "Terabytes": true, "Bits": true, "Kilobits": true,
	"Megabits": true, "Gigabits": true, "Terabits": true, "Percent": true, "Count": true,
	"Bytes/Second": true, "Kilobytes/Second": true, "Megabytes/Second": true, "Gigabytes/Second": true,
	"Terabytes/Second": true, "Bits/Second": true, "Kilobits/Second": true, "Megabits/Second": true,
	"Gigabits/Second": true, "Terabits/Second": true, "Count/Second": true, "None": true,
}

// TestCORSAnyOriginWithoutOrigin is the bug of a response cached without
// Access-Control-Allow-Origin: with "*", a request that sends no Origin
// (curl, or a same-origin page) must still get the header, or a browser
// that cached that response cannot reuse it for a cross-origin read.
func TestCORSAnyOriginWithoutOrigin(t *testing.T) {
	h, _ := newHandler(t, func(cfg *server.Config) { cfg.CORSOrigins = []string{"*"} })
	rec := get(t, h, "/health")
	if got, want := rec.Header().Get("Access-Control-Allow-Origin"), "*"; got != want {
		t.Errorf("Access-Control-Allow-Origin without Origin = %q, want %q", got, want)
	}
}

// TestUncleanPathIsNotHTML is the bug of GET //convert answered by the
// mux's own 307 redirect in text/html: every response is JSON or
// problem+json, so an unclean path is cleaned before routing.
// TestCleanedPathKeepsItsRoute: the access line of a cleaned path names the
// route it was answered by, not "unmatched".
func TestCleanedPathKeepsItsRoute(t *testing.T) {
	h, logs := newHandler(t)
	rec := get(t, h, "//convert?from=EUR&to=USD")
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d", rec.Code)
	}
	lines := logs.lines(t)
	if len(lines) != 1 {
		t.Fatalf("%d log lines, want 1", len(lines))
	}
	if got, want := lines[0]["route"], "/convert"; got != want {
		t.Errorf("route = %v, want %q", got, want)
	}
	if got, want := lines[0]["path"], "//convert"; got != want {
		t.Errorf("path = %v, want the path as sent, %q", got, want)
	}
}

func TestUncleanPathIsNotHTML(t *testing.T) {
	h, _ := newHandler(t)
	for _, target := range []string{"//convert?from=EUR&to=USD", "/docs/../convert?from=EUR&to=USD", "/./health", "/health/"} {
		t.Run(target, func(t *testing.T) {
			rec := get(t, h, target)
			ct := rec.Header().Get("Content-Type")
			if ct != "application/json; charset=utf-8" && ct != "application/problem+json" {
				t.Errorf("GET %s: status %d, Content-Type %q, want JSON or problem+json; body %q", target, rec.Code, ct, rec.Body)
			}
		})
	}
}
