package server

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// These reach recoverPanics paths the real handlers cannot: a panic after
// the response has started, and http.ErrAbortHandler.

// serveRecovering runs h the way NewHandler chains it and returns what it
// panicked with, if anything.
func serveRecovering(t *testing.T, h http.Handler) (rec *httptest.ResponseRecorder, logs *bytes.Buffer, panicked any) {
	t.Helper()
	logs = &bytes.Buffer{}
	logger := slog.New(slog.NewJSONHandler(logs, nil))
	now := func() time.Time { return time.Unix(0, 0) }
	chain := requestID(accessLog(logger, logs, "", now)(recoverPanics(logger)(h)))
	rec = httptest.NewRecorder()
	func() {
		defer func() { panicked = recover() }()
		chain.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/x", nil))
	}()
	return rec, logs, panicked
}

func TestRecoverPanicsBeforeWriting(t *testing.T) {
	rec, logs, panicked := serveRecovering(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("boom")
	}))
	if panicked != nil {
		t.Fatalf("panic escaped: %v", panicked)
	}
	if got, want := rec.Code, http.StatusInternalServerError; got != want {
		t.Errorf("status = %d, want %d", got, want)
	}
	if got, want := rec.Header().Get("Content-Type"), "application/problem+json"; got != want {
		t.Errorf("Content-Type = %q, want %q", got, want)
	}
	if !strings.Contains(rec.Body.String(), `"detail":"internal error"`) {
		t.Errorf("body = %s, want the internal error problem", rec.Body)
	}
	if got, want := strings.Count(logs.String(), `"msg":"handler panic"`), 1; got != want {
		t.Errorf("%d panic log lines, want %d:\n%s", got, want, logs)
	}
}

func TestRecoverPanicsAfterWriting(t *testing.T) {
	rec, logs, panicked := serveRecovering(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"partial":`))
		panic("boom")
	}))
	if panicked != http.ErrAbortHandler {
		t.Fatalf("panicked with %v, want http.ErrAbortHandler so the server drops the connection", panicked)
	}
	if strings.Contains(rec.Body.String(), "internal error") {
		t.Errorf("body = %s: a problem was appended to a started response", rec.Body)
	}
	if got, want := strings.Count(logs.String(), `"msg":"handler panic"`), 1; got != want {
		t.Errorf("%d panic log lines, want %d:\n%s", got, want, logs)
	}
	if got, want := strings.Count(logs.String(), `"msg":"request"`), 1; got != want {
		t.Errorf("%d access log lines for the aborted response, want %d:\n%s", got, want, logs)
	}
}

func TestRecoverPanicsLetsAbortThrough(t *testing.T) {
	_, logs, panicked := serveRecovering(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic(http.ErrAbortHandler)
	}))
	if panicked != http.ErrAbortHandler {
		t.Fatalf("panicked with %v, want http.ErrAbortHandler", panicked)
	}
	if strings.Contains(logs.String(), "handler panic") {
		t.Errorf("an intentional abort was logged as a panic:\n%s", logs)
	}
}
