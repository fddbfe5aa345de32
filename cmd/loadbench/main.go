// Command loadbench measures the service's /convert throughput and latency
// against a minimal Go JSON handler on the same machine, in the same run, so
// the report is a ratio that survives a noisy machine. Both servers listen on
// loopback in this process and are driven by the same closed-loop client.
//
//	go run ./cmd/loadbench [-c 32] [-d 4s] [-rounds 3]
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
	"github.com/currency-convertor-ecs/currency-api/internal/ecb"
	"github.com/currency-convertor-ecs/currency-api/internal/rates"
	"github.com/currency-convertor-ecs/currency-api/internal/server"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loadbench:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	flags := flag.NewFlagSet("loadbench", flag.ContinueOnError)
	concurrency := flags.Int("c", 32, "concurrent connections")
	duration := flags.Duration("d", 4*time.Second, "duration of each measured round")
	rounds := flags.Int("rounds", 3, "rounds per target, alternated to cancel drift")
	if err := flags.Parse(args); err != nil {
		return err
	}

	snapshot, err := ecb.Snapshot()
	if err != nil {
		return err
	}
	history, _ := currency.NewHistory(snapshot)
	// The service logs every request as JSON, as in production; the lines
	// go to io.Discard but are still encoded.
	service := server.NewHandler(server.Config{
		Logger:           slog.New(slog.NewJSONHandler(io.Discard, nil)),
		Rates:            rates.NewStore(history, time.Hour),
		Version:          "bench",
		HostIP:           func() string { return "127.0.0.1" },
		CORSOrigins:      []string{"*"},
		MetricsNamespace: "CurrencyAPI",
		Grace:            time.Hour,
		Now:              time.Now,
	})
	targets := []target{
		{name: "minimal Go JSON handler", handler: http.HandlerFunc(minimal)},
		{name: "currency-api /convert", handler: service},
	}
	for i := range targets {
		stop, err := targets[i].start()
		if err != nil {
			return err
		}
		defer stop()
	}
	paths := []string{
		"/convert?from=USD&to=EUR&amount=100",
		"/convert?from=GBP&to=JPY&amount=2500.75",
		"/convert?from=EUR&to=CHF&amount=12.5&date=2020-03-16",
		"/convert?from=SEK&to=NOK&amount=999999.99",
	}
	fmt.Fprintf(out, "loadbench: %d connections, %d rounds of %s per target, alternated\n", *concurrency, *rounds, *duration)
	results := make([]result, len(targets))
	for range *rounds {
		for i, t := range targets {
			r, err := load(t.url, paths, *concurrency, *duration)
			if err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
			results[i].merge(r)
		}
	}
	fmt.Fprintln(out, "\n| target | requests | req/s | p50 | p99 | errors |")
	fmt.Fprintln(out, "|---|---:|---:|---:|---:|---:|")
	for i, t := range targets {
		r := results[i]
		fmt.Fprintf(out, "| %s | %d | %.0f | %s | %s | %d |\n", t.name, len(r.latencies), r.rate(), r.quantile(0.50), r.quantile(0.99), r.errors)
	}
	ratio := results[1].rate() / results[0].rate()
	fmt.Fprintf(out, "\nthroughput ratio currency-api / minimal handler: %.2f (target >= 0.70)\n", ratio)
	if results[0].errors+results[1].errors > 0 {
		return errors.New("requests failed during the run")
	}
	return nil
}

// minimal is the ceiling: a handler that answers a fixed conversion as JSON.
func minimal(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"from": "USD", "to": "EUR", "amount": 100, "rate": 0.888730892286, "converted": 88.87, "date": "2025-05-09",
	})
}

type target struct {
	name    string
	handler http.Handler
	url     string
}

func (t *target) start() (stop func(), err error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: t.handler, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(l) }()
	t.url = "http://" + l.Addr().String()
	return func() { _ = srv.Shutdown(context.Background()) }, nil
}

type result struct {
	latencies []time.Duration
	elapsed   time.Duration
	errors    int
}

func (r *result) merge(o result) {
	r.latencies = append(r.latencies, o.latencies...)
	r.elapsed += o.elapsed
	r.errors += o.errors
}

func (r *result) rate() float64 { return float64(len(r.latencies)) / r.elapsed.Seconds() }

func (r *result) quantile(q float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	s := slices.Clone(r.latencies)
	slices.Sort(s)
	return s[int(q*float64(len(s)-1))].Round(time.Microsecond)
}

// load runs a closed loop of concurrency workers for d and returns what
// they saw; each worker keeps one connection alive.
func load(base string, paths []string, concurrency int, d time.Duration) (result, error) {
	transport := &http.Transport{MaxIdleConnsPerHost: concurrency, MaxConnsPerHost: concurrency}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 10 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var (
		mu  sync.Mutex
		all result
		wg  sync.WaitGroup
	)
	start := time.Now()
	for w := range concurrency {
		wg.Go(func() {
			var mine result
			for i := w; ctx.Err() == nil; i++ {
				t0 := time.Now()
				resp, err := client.Get(base + paths[i%len(paths)])
				if err != nil {
					mine.errors++
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					mine.errors++
					continue
				}
				mine.latencies = append(mine.latencies, time.Since(t0))
			}
			mu.Lock()
			all.merge(mine)
			mu.Unlock()
		})
	}
	wg.Wait()
	all.elapsed = time.Since(start)
	return all, nil
}
