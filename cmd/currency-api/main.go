// Command currency-api serves currency conversions on the ECB's euro
// reference rates.
//
// Usage:
//
//	currency-api              serve (configured by environment variables)
//	currency-api healthcheck  exit 0 if the local server answers /health with 200
//	currency-api version      print the version
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"syscall"
	"time"

	// The image has no CA bundle (internal/image): these roots are used when
	// the system has none, so the ECB is reached over verified TLS anyway.
	_ "golang.org/x/crypto/x509roots/fallback"

	"github.com/currency-convertor-ecs/currency-api/internal/ecb"
	"github.com/currency-convertor-ecs/currency-api/internal/emf"
	"github.com/currency-convertor-ecs/currency-api/internal/frankfurter"
	"github.com/currency-convertor-ecs/currency-api/internal/linebuf"
	"github.com/currency-convertor-ecs/currency-api/internal/rates"
	"github.com/currency-convertor-ecs/currency-api/internal/server"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// HTTP server bounds against slow or idle clients. IdleTimeout exceeds the
// ALB's 60 s idle timeout so the ALB, not the task, closes idle connections,
// which avoids 502s on reused connections.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 10 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 75 * time.Second
	maxHeaderBytes    = 32 << 10
)

// refreshSettle is how long after the nominal 16:00 CET publication the
// refresher first asks the upstream.
const refreshSettle = 5 * time.Minute

// Access line batching: at most accessBatchBytes held, for at most
// accessFlushEvery (CloudWatch Logs' own batching is coarser).
const (
	accessBatchBytes = 32 << 10
	accessFlushEvery = 250 * time.Millisecond
	accessFlushBound = 2 * time.Second // for the last flush at exit
)

// waitFlushed waits, at most accessFlushBound, for the access-line flusher
// to write its last batch. Lines of handlers a cut-short drain left running
// come after it and are lost with the process.
func waitFlushed(flushed <-chan struct{}) {
	select {
	case <-flushed:
	case <-time.After(accessFlushBound):
	}
}

// errSecondSignal ends a drain cut short by a second SIGINT or SIGTERM.
var errSecondSignal = errors.New("stopped by a second signal before in-flight requests finished")

// ratesAgeInterval is how often the rates' age is reported as a metric.
const ratesAgeInterval = time.Minute

func main() {
	if err := run(context.Background(), os.Args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "currency-api:", err)
		os.Exit(1)
	}
}

// run is the whole program; main only calls it, and tests call it directly.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 1 {
		switch args[1] {
		case "version":
			fmt.Fprintln(stdout, version)
			return nil
		case "healthcheck":
			return healthcheck(ctx, getenv, stdout)
		case "serve":
		default:
			return fmt.Errorf("unknown command %q: want serve, healthcheck or version", args[1])
		}
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	cfg, err := loadConfig(getenv)
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	logger := slog.New(slog.NewJSONHandler(stdout, &slog.HandlerOptions{Level: cfg.LogLevel}))
	logger.Info("starting", append([]any{"version", version}, cfg.logAttrs()...)...)

	history, snapshot, err := ecb.LoadSnapshot()
	if err != nil {
		return fmt.Errorf("load embedded rates: %w", err)
	}
	store := rates.NewStore(history, rates.Policy{Settle: refreshSettle, StaleAfter: cfg.StaleAfter})
	logger.Info("embedded rates loaded", "publications", history.Len(), "oldest", history.Oldest(), "latest", history.Latest(), "sha256", snapshot.SHA256)

	upstream := &http.Client{Timeout: cfg.FetchTimeout}
	var source rates.Source
	switch cfg.Provider {
	case providerECB:
		source = ecb.New(cfg.ECBURL, upstream, time.Now)
	case providerFrankfurter:
		source = frankfurter.New(cfg.FrankfurterURL, upstream, time.Now)
	}

	ip, err := hostIP(ctx, getenv("ECS_CONTAINER_METADATA_URI_V4"), &http.Client{})
	if err != nil {
		logger.Warn("host ip lookup", "error", err, "host_ip", ip)
	}

	// Access lines go out in batches: a write per line cost the service
	// more than the conversion it logged. A line is at most
	// accessFlushEvery late; run flushes the rest before it returns.
	// stdout then has two writers, the logger and the batch: it must take
	// concurrent writes whole, as an *os.File does.
	accessLines := linebuf.New(stdout, accessBatchBytes)
	handler := server.NewHandler(server.Config{
		Logger:           logger,
		Rates:            store,
		Version:          version,
		HostIP:           func() string { return ip },
		Snapshot:         server.Snapshot{Date: snapshot.Last, SHA256: snapshot.SHA256},
		AccessLog:        accessLines,
		CORSOrigins:      cfg.CORSOrigins,
		MetricsNamespace: cfg.MetricsNamespace,
		Now:              time.Now,
	})
	listener, err := net.Listen("tcp", ":"+strconv.Itoa(cfg.Port))
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		// "OPTIONS *" reaches the handler, which answers it as a problem,
		// instead of net/http's bare 200.
		DisableGeneralOptionsHandler: true,
		ErrorLog:                     slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}

	// Background work ends when work is cancelled; run waits for all of it.
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	var wg sync.WaitGroup
	if source != nil {
		refresher, err := rates.NewRefresher(source, store, rates.RefresherConfig{
			Logger:   logger,
			Timeout:  cfg.FetchTimeout,
			RetryMin: cfg.RetryMin,
			RetryMax: cfg.RetryMax,
			Observe:  fetchMetrics(logger, cfg.MetricsNamespace, source.Name()),
			Now:      time.Now,
		})
		if err != nil {
			return err
		}
		wg.Go(func() { refresher.Run(work) })
	}
	if cfg.MetricsNamespace != "" {
		wg.Go(func() { reportRatesAge(work, logger, cfg.MetricsNamespace, store) })
	}
	// The flusher is waited for with a bound at exit, not in wg: its last
	// flush blocks for as long as stdout does (a stalled log driver), and
	// must not keep the process from exiting.
	flushed := make(chan struct{})
	go func() {
		defer close(flushed)
		accessLines.Run(work, accessFlushEvery)
	}()
	stopBackground := func() {
		cancelWork()
		wg.Wait()
		waitFlushed(flushed)
	}

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(listener) }()
	logger.Info("listening", "addr", listener.Addr().String())

	select {
	case err := <-serveErr:
		stopBackground()
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	// From here a second signal means "now": it cuts the drain short. It
	// is registered before stop releases ctx's, so no signal falls in
	// between and kills the process with its default action, batched log
	// lines unwritten.
	again := make(chan os.Signal, 1)
	signal.Notify(again, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(again)
	stop()
	logger.Info("shutting down", "drain_timeout", cfg.ShutdownTimeout.String())
	cutShort, cancelDrain := context.WithCancelCause(context.WithoutCancel(ctx))
	drainCtx, cancelTimeout := context.WithTimeout(cutShort, cfg.ShutdownTimeout)
	defer cancelTimeout()
	defer cancelDrain(nil)
	drained := make(chan struct{})
	go func() { // ends with the drain, or cuts it short
		select {
		case sig := <-again:
			// Cancel first: the log line may block on a stalled stdout.
			cancelDrain(errSecondSignal)
			logger.Warn("second signal: stopping without waiting for in-flight requests", "signal", sig.String())
		case <-drained:
		}
	}()
	shutdownErr := srv.Shutdown(drainCtx)
	close(drained)
	stopBackground()
	if err := <-serveErr; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	if cause := context.Cause(cutShort); errors.Is(cause, errSecondSignal) {
		return cause
	}
	if shutdownErr != nil {
		return fmt.Errorf("drain in-flight requests: %w", shutdownErr)
	}
	logger.Info("stopped")
	return nil
}

// fetchMetrics reports each upstream fetch as an EMF record: a count by
// source and outcome, and its duration.
func fetchMetrics(logger *slog.Logger, namespace, source string) func(string, time.Duration) {
	if namespace == "" {
		return nil
	}
	metrics := emf.New(namespace, [][]string{{"source", "outcome"}},
		emf.Metric{Name: "fetches", Unit: "Count"}, emf.Metric{Name: "fetch_ms", Unit: "Milliseconds"})
	return func(outcome string, took time.Duration) {
		logger.LogAttrs(context.Background(), slog.LevelInfo, "rates fetch",
			slog.String("source", source),
			slog.String("outcome", outcome),
			slog.Int("fetches", 1),
			slog.Float64("fetch_ms", float64(took.Microseconds())/1000),
			metrics.Attr(time.Now()),
		)
	}
}

// reportRatesAge emits the age of the newest rates and whether they are
// stale once a minute, so an alarm can fire on rates that stopped updating.
func reportRatesAge(ctx context.Context, logger *slog.Logger, namespace string, store *rates.Store) {
	metrics := emf.New(namespace, [][]string{{"service"}},
		emf.Metric{Name: "rates_age_seconds", Unit: "Seconds"}, emf.Metric{Name: "rates_stale", Unit: "Count"})
	ticker := time.NewTicker(ratesAgeInterval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-ticker.C:
			st := store.Status(now)
			stale := 0
			if st.Stale {
				stale = 1
			}
			logger.LogAttrs(ctx, slog.LevelInfo, "rates age",
				slog.String("service", "currency-api"),
				slog.Float64("rates_age_seconds", st.Age.Seconds()),
				slog.Int("rates_stale", stale),
				slog.String("latest", st.Latest.String()),
				metrics.Attr(now),
			)
		}
	}
}

// healthcheck asks the local server for /health: the container health
// check, since the image has no shell or curl.
func healthcheck(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	port := getenv("PORT")
	if port == "" {
		port = "8080"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://127.0.0.1:"+port+"/health", nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: status %d", resp.StatusCode)
	}
	fmt.Fprintln(stdout, "healthy")
	return nil
}
