package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"time"

	"github.com/currency-convertor-ecs/currency-api/cmd/loadbench/internal/minimal"
	"github.com/currency-convertor-ecs/currency-api/internal/currency"
	"github.com/currency-convertor-ecs/currency-api/internal/rates"
	"github.com/currency-convertor-ecs/currency-api/internal/server"
)

// serviceHandler is the service's handler as cmd/currency-api builds it with
// RATES_PROVIDER=offline and the default configuration. Its JSON logs go to
// io.Discard, but every line is still encoded.
func serviceHandler(history *currency.History) http.Handler {
	return server.NewHandler(server.Config{
		Logger:           slog.New(slog.NewJSONHandler(io.Discard, nil)),
		Rates:            rates.NewStore(history, rates.Policy{Settle: 5 * time.Minute, StaleAfter: time.Hour}),
		Version:          "bench",
		HostIP:           func() string { return "127.0.0.1" },
		CORSOrigins:      []string{"*"},
		AccessLog:        io.Discard,
		MetricsNamespace: "CurrencyAPI",
		Now:              time.Now,
	})
}

// serve listens on loopback in this process.
func serve(h http.Handler) (url string, stop func(), err error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(l) }()
	return "http://" + l.Addr().String(), func() { _ = srv.Shutdown(context.Background()) }, nil
}

// allocsPerRequest counts the heap allocations of this whole process
// (client, net/http server and handler) per request, over n requests on one
// keep-alive connection cycling through paths, after a warm-up.
func allocsPerRequest(base string, paths []string, n int) (float64, error) {
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxConnsPerHost: 1}}
	defer client.CloseIdleConnections()
	get := func(i int) error {
		resp, err := client.Get(base + paths[i%len(paths)])
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s: %s", paths[i%len(paths)], resp.Status)
		}
		return nil
	}
	for i := range 1000 {
		if err := get(i); err != nil {
			return 0, err
		}
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := range n {
		if err := get(i); err != nil {
			return 0, err
		}
	}
	runtime.ReadMemStats(&after)
	return float64(after.Mallocs-before.Mallocs) / float64(n), nil
}

// check sends every path to base once and wants a 200 with the service's
// JSON Content-Type and a JSON body; it returns the mean body size.
func check(base string, paths []string) (float64, error) {
	client := &http.Client{Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	var total int
	for _, p := range paths {
		resp, err := client.Get(base + p)
		if err != nil {
			return 0, err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return 0, fmt.Errorf("%s: %w", p, err)
		}
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("%s: %s: %s", p, resp.Status, body)
		}
		if ct := resp.Header.Get("Content-Type"); ct != minimal.ContentType {
			return 0, fmt.Errorf("%s: Content-Type %q, want %q", p, ct, minimal.ContentType)
		}
		if !json.Valid(body) {
			return 0, fmt.Errorf("%s: the body is not JSON: %q", p, body)
		}
		total += len(body)
	}
	return float64(total) / float64(len(paths)), nil
}

// discardWriter is a ResponseWriter that keeps nothing but its header map,
// new for each request as net/http makes it.
type discardWriter struct{ header http.Header }

func (w *discardWriter) Header() http.Header         { return w.header }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(int)             {}

// serverAllocs counts the heap allocations of h.ServeHTTP per request, the
// header map included, over n requests cycling through paths, after a
// warm-up. The requests are built beforehand, as net/http builds them
// before the handler runs.
func serverAllocs(h http.Handler, paths []string, n int) (float64, error) {
	reqs := make([]*http.Request, len(paths))
	for i, p := range paths {
		reqs[i] = httptest.NewRequest(http.MethodGet, p, nil)
	}
	serveOne := func(i int) error {
		w := &discardWriter{header: make(http.Header)}
		h.ServeHTTP(w, reqs[i%len(reqs)])
		if ct := w.header.Get("Content-Type"); ct != minimal.ContentType {
			return fmt.Errorf("%s: Content-Type %q, want %q", paths[i%len(paths)], ct, minimal.ContentType)
		}
		return nil
	}
	for i := range 1000 {
		if err := serveOne(i); err != nil {
			return 0, err
		}
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := range n {
		if err := serveOne(i); err != nil {
			return 0, err
		}
	}
	runtime.ReadMemStats(&after)
	return float64(after.Mallocs-before.Mallocs) / float64(n), nil
}

// handlerChainAllocs is the allocations per request the service's handler
// chain adds over the minimal handler, server side only, for varied and for
// one repeated query.
func handlerChainAllocs(history *currency.History, varied, one []string, n int) (float64, float64, error) {
	svc, mini := serviceHandler(history), minimal.Handler()
	var counts [4]float64
	for i, c := range []struct {
		h     http.Handler
		paths []string
	}{{mini, varied}, {svc, varied}, {mini, one}, {svc, one}} {
		var err error
		if counts[i], err = serverAllocs(c.h, c.paths, n); err != nil {
			return 0, 0, err
		}
	}
	return counts[1] - counts[0], counts[3] - counts[2], nil
}
