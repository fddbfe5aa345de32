package server

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/emf"
)

// requestIDOf returns the ID of the request w answers, which requestID set
// on the response before anything else ran, or "" outside a request. The
// response carries it anyway, so it needs no copy of the request to carry
// it in a context.
func requestIDOf(w http.ResponseWriter) string {
	if v := w.Header()["X-Request-Id"]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// requestID takes the caller's X-Request-Id when it is a sane token, else
// CloudFront's X-Amz-Cf-Id, else a new random one; echoes it on the response
// where logs and problem details find it (requestIDOf). Every response
// also gets nosniff, since every body here has an exact content type, and a
// Cache-Control default.
func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := headerValue(r.Header, "X-Request-Id")
		if !validRequestID(id) {
			id = headerValue(r.Header, "X-Amz-Cf-Id")
		}
		if !validRequestID(id) {
			var b [16]byte
			_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
			id = hex.EncodeToString(b[:])
		}
		h := w.Header()
		h["X-Request-Id"] = []string{id}
		h["X-Content-Type-Options"] = headerNosniff
		// Every response says how to cache it; handlers replace this default,
		// so redirects and anything the router answers itself are not cached.
		h["Cache-Control"] = headerNoStore
		next.ServeHTTP(w, r)
	})
}

// headerValue is h.Get(key) for a key written in canonical form, as every
// key here is: the map lookup without canonicalizing the key again, which
// net/http already did for every header it read, on every request.
func headerValue(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, c := range []byte(id) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '-' || c == '_' || c == '.' || c == ':' || c == '=':
		default:
			return false
		}
	}
	return true
}

// recorder remembers what a handler wrote, for the access log and for the
// panic handler, which may only answer if nothing was sent yet.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (rec *recorder) WriteHeader(status int) {
	if rec.status == 0 {
		rec.status = status
	}
	rec.ResponseWriter.WriteHeader(status)
}

func (rec *recorder) Write(b []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	n, err := rec.ResponseWriter.Write(b)
	rec.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the real writer.
func (rec *recorder) Unwrap() http.ResponseWriter { return rec.ResponseWriter }

// accessLog writes one line per request to out, the logger's own output,
// in the logger's JSON line format (time, level, msg, then the members),
// and only when the logger is enabled at Info. When namespace is set the
// line is also a CloudWatch Embedded Metric Format record: CloudWatch Logs
// turns its "requests" and "latency_ms" members into metrics by route and
// status class, with no agent and no extra log lines.
//
// The line is written here rather than through slog, because it is on
// every request: slog's JSON handler re-encodes the prepared EMF directive
// with encoding/json each time and boxes every attribute, which cost more
// than the conversion the request asked for. Each line is one Write, which
// *os.File serialises against the logger's own.
func accessLog(logger *slog.Logger, out io.Writer, namespace string, now func() time.Time) func(http.Handler) http.Handler {
	metrics := emf.New(namespace, [][]string{{"route", "status_class"}, {"route"}},
		emf.Metric{Name: "requests", Unit: "Count"}, emf.Metric{Name: "latency_ms", Unit: "Milliseconds"})
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := now()
			// The recorder is there even without a log: recoverPanics
			// reads from it whether the response has started.
			rec := &recorder{ResponseWriter: w}
			// Deferred, so a response aborted by a late panic is logged too.
			defer func() {
				if out != nil && logger.Enabled(r.Context(), slog.LevelInfo) {
					writeAccessLine(out, metrics, namespace != "", r, rec, start, now())
				}
			}()
			next.ServeHTTP(rec, r)
		})
	}
}

// writeAccessLine writes the access line of one request.
func writeAccessLine(out io.Writer, metrics emf.Record, withMetrics bool, r *http.Request, rec *recorder, start, end time.Time) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	took := end.Sub(start)
	line := newJSONObject()
	defer line.free()
	line.timestamp("time", end, true)
	line.str("level", slog.LevelInfo.String())
	line.str("msg", "request")
	line.str("method", r.Method)
	line.str("path", r.URL.Path)
	line.str("query", truncate(r.URL.RawQuery, 512))
	route := routeOf(r)
	line.str("route", route)
	line.integer("status", int64(rec.status))
	line.integer("bytes", int64(rec.bytes))
	line.milliseconds("duration_ms", took)
	line.str("request_id", requestIDOf(rec))
	line.str("user_agent", truncate(headerValue(r.Header, "User-Agent"), 256))
	line.str("forwarded_for", truncate(headerValue(r.Header, "X-Forwarded-For"), 256))
	if withMetrics {
		line.str("status_class", statusClasses[min(max(rec.status/100, 0), 9)])
		line.integer("requests", 1)
		line.milliseconds("latency_ms", took)
		line.separate()
		*line.buf = metrics.AppendMember(*line.buf, start)
	}
	_, _ = out.Write(line.end())
}

// statusClasses names each status class without formatting it per request.
var statusClasses = [...]string{"0xx", "1xx", "2xx", "3xx", "4xx", "5xx", "6xx", "7xx", "8xx", "9xx"}

// routeOf names the matched route for logs and metrics, without the method
// and with every unmatched path folded into one value to bound cardinality.
func routeOf(r *http.Request) string {
	_, path, _ := strings.Cut(r.Pattern, " ")
	if path == "" {
		path = r.Pattern
	}
	switch path {
	case "", "/":
		return "unmatched"
	case "/{$}":
		return "/"
	}
	return path
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// recoverPanics turns a handler panic into a logged 500 instead of a dropped
// connection. A panic is always a bug: the stack goes to the log once.
func recoverPanics(logger *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				v := recover()
				if v == nil {
					return
				}
				if v == http.ErrAbortHandler {
					panic(v)
				}
				logger.Error("handler panic", "panic", fmt.Sprint(v), "stack", string(debug.Stack()), "request_id", requestIDOf(w))
				if rec, ok := w.(*recorder); ok && rec.status != 0 {
					panic(http.ErrAbortHandler) // too late to answer: drop the connection
				}
				writeProblem(w, r, internalError())
			}()
			next.ServeHTTP(w, r)
		})
	}
}

// checkTarget refuses request targets that are not a path ("*" and the
// authority form of CONNECT, which the router would answer in plain text)
// with 400, and those longer than max with 414.
func checkTarget(max int) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasPrefix(r.URL.Path, "/") {
				writeProblem(w, r, plainProblem(http.StatusBadRequest, "the request target must be a path such as /convert"))
				return
			}
			if len(r.RequestURI) > max {
				writeProblem(w, r, plainProblem(http.StatusRequestURITooLong, fmt.Sprintf("the request target must be at most %d bytes", max)))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// cors lets browsers on the allowed origins read responses. The API is
// read-only and uses no credentials, so only GET and HEAD are offered.
//
// With "*" every response carries Access-Control-Allow-Origin: * whether or
// not the request had an Origin, so it does not vary and any cached copy
// serves any page. With a list, the header names the request's origin only
// when it is listed, so every response varies by Origin, and says so, or a
// cache would hand one origin's answer to another.
func cors(origins []string) func(http.Handler) http.Handler {
	anyOrigin := slices.Contains(origins, "*")
	return func(next http.Handler) http.Handler {
		if len(origins) == 0 {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			origin := headerValue(r.Header, "Origin")
			allowed := anyOrigin || (origin != "" && slices.Contains(origins, origin))
			switch {
			case anyOrigin:
				h["Access-Control-Allow-Origin"] = headerAnyOrigin
			case allowed:
				h["Vary"] = headerVaryOrigin
				h["Access-Control-Allow-Origin"] = []string{origin}
			default:
				h["Vary"] = headerVaryOrigin
			}
			if allowed {
				h["Access-Control-Expose-Headers"] = headerExposed
			}
			if r.Method == http.MethodOptions && headerValue(r.Header, "Access-Control-Request-Method") != "" {
				if !allowed || origin == "" {
					writeProblem(w, r, plainProblem(http.StatusForbidden, "origin not allowed"))
					return
				}
				h.Set("Access-Control-Allow-Methods", "GET, HEAD")
				h.Set("Access-Control-Allow-Headers", "If-None-Match, X-Request-Id")
				h.Set("Access-Control-Max-Age", "86400")
				h.Set("Cache-Control", cacheNoStore)
				w.WriteHeader(http.StatusNoContent)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

var (
	headerVaryOrigin = []string{"Origin"}
	// Content-Disposition carries the file name of /timeseries's CSV.
	headerExposed = []string{"Content-Disposition, ETag, X-Request-Id, " + staleHeader}
)

// cleanPath routes a path with empty, "." or ".." segments as its clean
// form, as the mux would after redirecting to it, so the mux never answers
// with its own redirect in text/html. A trailing slash stays, as the mux
// keeps it: "/convert/" is no resource. Like the mux, it cleans the path as
// sent, so an escaped "%2e%2e" is a segment name, not "..". The response,
// and the instance of a problem, are the clean path's.
func cleanPath(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sent := r.URL.EscapedPath()
		clean := path.Clean(sent)
		if strings.HasSuffix(sent, "/") && clean != "/" {
			clean += "/"
		}
		if clean != sent && strings.HasPrefix(sent, "/") {
			// Cleaning only drops segments of a valid escaped path, so
			// what is left unescapes.
			if unescaped, err := url.PathUnescape(clean); err == nil {
				r2 := *r
				u := *r.URL
				u.Path, u.RawPath = unescaped, clean
				r2.URL = &u
				// The mux records the route it matched on the request it
				// is given; the access log reads it from this one.
				defer func() { r.Pattern = r2.Pattern }()
				next.ServeHTTP(w, &r2)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
