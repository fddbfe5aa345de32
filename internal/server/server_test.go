package server_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestThroughRealServer checks what a recorder cannot: that net/http's own
// server and client, with their parsing of the request line and their HEAD
// handling, pass through the answers the handler means.
func TestThroughRealServer(t *testing.T) {
	h, _ := newHandler(t)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	tests := []struct {
		method      string
		target      string
		status      int
		contentType string
	}{
		{http.MethodGet, "/convert?from=USD&to=EUR&amount=112.50", http.StatusOK, "application/json; charset=utf-8"},
		{http.MethodHead, "/convert?from=USD&to=EUR&amount=112.50", http.StatusOK, "application/json; charset=utf-8"},
		{http.MethodGet, "/convert?from=%zz&to=EUR", http.StatusBadRequest, "application/problem+json"},
		{http.MethodGet, "/convert?from=USD;to=EUR", http.StatusBadRequest, "application/problem+json"},
		{http.MethodHead, "/convert?from=XYZ", http.StatusBadRequest, "application/problem+json"},
		{http.MethodGet, "/nope", http.StatusNotFound, "application/problem+json"},
		{http.MethodDelete, "/rates", http.StatusMethodNotAllowed, "application/problem+json"},
		{http.MethodGet, "/rates?x=" + strings.Repeat("a", 3000), http.StatusRequestURITooLong, "application/problem+json"},
		{http.MethodGet, "/docs", http.StatusOK, "text/html; charset=utf-8"},
	}
	client := srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target[:min(len(tt.target), 60)], func(t *testing.T) {
			req, err := http.NewRequest(tt.method, srv.URL+tt.target, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if got, want := resp.StatusCode, tt.status; got != want {
				t.Fatalf("status = %d, want %d; body %s", got, want, body)
			}
			if got, want := resp.Header.Get("Content-Type"), tt.contentType; got != want {
				t.Errorf("Content-Type = %q, want %q", got, want)
			}
			if resp.Header.Get("X-Request-Id") == "" {
				t.Error("no X-Request-Id")
			}
			if tt.method == http.MethodHead {
				if len(body) != 0 {
					t.Errorf("HEAD body has %d bytes, want none", len(body))
				}
				if resp.ContentLength <= 0 {
					t.Errorf("HEAD Content-Length = %d, want the GET body's length", resp.ContentLength)
				}
			} else if got, want := int64(len(body)), resp.ContentLength; got != want {
				t.Errorf("body has %d bytes, Content-Length says %d", got, want)
			}
		})
	}
}
