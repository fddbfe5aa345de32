// Command loadbench measures the service against a minimal Go JSON handler
// on the same machine, in the same run, so the report is a ratio that
// survives a noisy machine.
//
// Part 1, in process: the service's /convert, /rates and /health and the
// minimal handler listen on loopback in this process and are driven by the
// same closed-loop client, in alternated rounds. Each round also counts the
// heap allocations of the whole process (client and server) per request;
// the minimal handler's count is the plumbing both share, so the difference
// is what the service's handler chain adds.
//
// Part 2, the real binary as a child process (built with the release flags
// unless -bin is given): its resident memory (VmRSS from /proc/<pid>/status)
// before and after -n requests to /convert, and the time from exec to the
// first 200 from /health, the median of -starts starts.
//
//	go run ./cmd/loadbench [-c 32] [-d 4s] [-rounds 3] [-n 100000] [-starts 5] [-bin path]
package main

import (
	"bufio"
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
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
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

// Bounds on the child-process part, so a broken binary cannot hang the run.
const (
	startBound = 10 * time.Second // exec to first healthy /health
	stopBound  = 25 * time.Second // SIGTERM to exit: SHUTDOWN_TIMEOUT (20 s) and a margin
	soakBound  = 90 * time.Second // the -n requests of the RSS soak
)

func run(args []string, out io.Writer) error {
	flags := flag.NewFlagSet("loadbench", flag.ContinueOnError)
	concurrency := flags.Int("c", 32, "concurrent connections")
	duration := flags.Duration("d", 4*time.Second, "duration of each measured round")
	rounds := flags.Int("rounds", 3, "rounds per target, alternated to cancel drift")
	soakRequests := flags.Int("n", 100_000, "requests to the child process between the two RSS readings")
	starts := flags.Int("starts", 5, "starts of the child process; the median is reported")
	bin := flags.String("bin", "", "service binary for part 2 (default: build it with the release flags)")
	if err := flags.Parse(args); err != nil {
		return err
	}
	fmt.Fprintf(out, "loadbench %s: %s/%s, %d CPUs (%s), %s, load average %s\n",
		time.Now().UTC().Format("2006-01-02"), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), cpuModel(), runtime.Version(), loadAverage())
	// Other work on the machine skews the ratios; the load average at both
	// ends says how quiet the run was.
	defer func() { fmt.Fprintf(out, "\nload average at the end: %s\n", loadAverage()) }()

	if err := compare(out, *concurrency, *duration, *rounds); err != nil {
		return err
	}
	if *bin == "" {
		dir, err := os.MkdirTemp("", "loadbench")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		if *bin, err = build(dir); err != nil {
			return err
		}
	}
	return child(out, *bin, *concurrency, *soakRequests, *starts)
}

// compare is part 1: the service's endpoints against the minimal handler.
func compare(out io.Writer, concurrency int, duration time.Duration, rounds int) error {
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
		{name: "minimal Go JSON handler", handler: http.HandlerFunc(minimal), paths: []string{"/"}},
		{name: "currency-api /convert", handler: service, paths: []string{
			"/convert?from=USD&to=EUR&amount=100",
			"/convert?from=GBP&to=JPY&amount=2500.75",
			"/convert?from=EUR&to=CHF&amount=12.5&date=2020-03-16",
			"/convert?from=SEK&to=NOK&amount=999999.99",
		}},
		{name: "currency-api /rates", handler: service, paths: []string{
			"/rates?base=USD",
			"/rates?base=EUR&symbols=USD,GBP,JPY",
			"/rates?base=GBP&date=2020-03-16",
		}},
		{name: "currency-api /health", handler: service, paths: []string{"/health"}},
	}
	for i := range targets {
		stop, err := targets[i].start()
		if err != nil {
			return err
		}
		defer stop()
	}
	fmt.Fprintf(out, "\npart 1, in process: %d connections, %d rounds of %s per target, alternated\n", concurrency, rounds, duration)
	results := make([]result, len(targets))
	ratios := make([][]float64, len(targets)) // per round, against that round's minimal handler
	for range rounds {
		var baseRate float64
		for i, t := range targets {
			r := load(t.url, t.paths, concurrency, duration)
			if i == 0 {
				baseRate = r.rate()
			}
			ratios[i] = append(ratios[i], r.rate()/baseRate)
			results[i].merge(r)
		}
	}
	base := results[0]
	fmt.Fprintln(out, "\n| target | requests | req/s | ratio vs minimal | per-round ratios | p50 | p99 | allocs/req (process) | added allocs/req | errors |")
	fmt.Fprintln(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	errs := 0
	for i, t := range targets {
		r := results[i]
		errs += r.errors
		var each []string
		for _, x := range ratios[i] {
			each = append(each, fmt.Sprintf("%.2f", x))
		}
		fmt.Fprintf(out, "| %s | %d | %.0f | %.2f | %s | %s | %s | %.1f | %.1f | %d |\n",
			t.name, len(r.latencies), r.rate(), r.rate()/base.rate(), strings.Join(each, " "), r.quantile(0.50), r.quantile(0.99),
			r.allocsPerRequest(), r.allocsPerRequest()-base.allocsPerRequest(), r.errors)
	}
	fmt.Fprintf(out, "\nthroughput ratio currency-api /convert / minimal handler: %.2f (target >= 0.70)\n", results[1].rate()/base.rate())
	if errs > 0 {
		return errors.New("requests failed during the in-process run")
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
	paths   []string
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
	mallocs   uint64 // heap objects allocated by the whole process during the rounds
}

func (r *result) merge(o result) {
	r.latencies = append(r.latencies, o.latencies...)
	r.elapsed += o.elapsed
	r.errors += o.errors
	r.mallocs += o.mallocs
}

func (r *result) rate() float64 { return float64(len(r.latencies)) / r.elapsed.Seconds() }

func (r *result) allocsPerRequest() float64 {
	return float64(r.mallocs) / float64(max(len(r.latencies), 1))
}

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
func load(base string, paths []string, concurrency int, d time.Duration) result {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r := drive(base, paths, concurrency, func(int) bool { return true }, d)
	runtime.ReadMemStats(&after)
	r.mallocs = after.Mallocs - before.Mallocs
	return r
}

// drive runs concurrency workers in a closed loop until d has passed or
// next returns false, and returns their latencies and errors.
func drive(base string, paths []string, concurrency int, next func(i int) bool, d time.Duration) result {
	transport := &http.Transport{MaxIdleConnsPerHost: concurrency, MaxConnsPerHost: concurrency}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 10 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var (
		mu   sync.Mutex
		all  result
		wg   sync.WaitGroup
		sent atomic.Int64
	)
	start := time.Now()
	for w := range concurrency {
		wg.Go(func() {
			var mine result
			for i := w; ctx.Err() == nil && next(int(sent.Add(1))); i++ {
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
	return all
}

// build compiles the service with the release flags of scripts/build.sh
// (static, -trimpath, stripped) for this machine.
func build(dir string) (string, error) {
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	bin := filepath.Join(dir, "currency-api")
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-ldflags", "-s -w -X main.version=loadbench", "-o", bin, "./cmd/currency-api")
	cmd.Dir = filepath.Dir(strings.TrimSpace(string(gomod)))
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %w\n%s", err, out)
	}
	return bin, nil
}

// child is part 2: the real binary's memory under load and its start time.
func child(out io.Writer, bin string, concurrency, soakRequests, starts int) error {
	fmt.Fprintf(out, "\npart 2, the release binary as a child process (RATES_PROVIDER=offline, logs drained from its stdout)\n\n")
	var startTimes []time.Duration
	for range starts {
		p, err := startChild(bin)
		if err != nil {
			return err
		}
		startTimes = append(startTimes, p.healthyAfter)
		if err := p.stop(); err != nil {
			return err
		}
	}
	slices.Sort(startTimes)

	p, err := startChild(bin)
	if err != nil {
		return err
	}
	before, err := p.status()
	if err != nil {
		_ = p.stop()
		return err
	}
	paths := []string{
		"/convert?from=USD&to=EUR&amount=100",
		"/convert?from=GBP&to=JPY&amount=2500.75",
		"/convert?from=EUR&to=CHF&amount=12.5&date=2020-03-16",
		"/convert?from=SEK&to=NOK&amount=999999.99",
	}
	soak := drive(p.url, paths, concurrency, func(i int) bool { return i <= soakRequests }, soakBound)
	after, err := p.status()
	if stopErr := p.stop(); err == nil {
		err = stopErr
	}
	if err != nil {
		return err
	}

	fmt.Fprintln(out, "| measure | result |")
	fmt.Fprintln(out, "|---|---|")
	fmt.Fprintf(out, "| start to first healthy /health (median of %d) | %s (min %s, max %s) |\n",
		len(startTimes), startTimes[len(startTimes)/2].Round(time.Millisecond), startTimes[0].Round(time.Millisecond), startTimes[len(startTimes)-1].Round(time.Millisecond))
	fmt.Fprintf(out, "| VmRSS at the first healthy /health | %.1f MiB (peak so far VmHWM %.1f MiB) |\n", mib(before.rss), mib(before.hwm))
	fmt.Fprintf(out, "| VmRSS after %d /convert requests | %.1f MiB (peak VmHWM %.1f MiB) |\n", len(soak.latencies)+soak.errors, mib(after.rss), mib(after.hwm))
	fmt.Fprintf(out, "| the soak: req/s, p50, p99, errors | %.0f, %s, %s, %d |\n", soak.rate(), soak.quantile(0.50), soak.quantile(0.99), soak.errors)
	if soak.errors > 0 || len(soak.latencies) < soakRequests {
		return fmt.Errorf("soak: %d of %d requests served, %d errors", len(soak.latencies), soakRequests, soak.errors)
	}
	return nil
}

type process struct {
	cmd          *exec.Cmd
	url          string
	healthyAfter time.Duration
	exited       chan error
}

// startChild runs the binary on a free port and polls /health every
// millisecond until the first 200: the time from exec to that answer is
// what a health checker sees.
func startChild(bin string) (*process, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin)
	cmd.Env = []string{"RATES_PROVIDER=offline", "PORT=" + strconv.Itoa(port)}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	p := &process{cmd: cmd, url: "http://127.0.0.1:" + strconv.Itoa(port), exited: make(chan error, 1)}
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		// Drain the logs as a log driver would, then reap the process.
		_, _ = io.Copy(io.Discard, bufio.NewReaderSize(stdout, 64<<10))
		p.exited <- cmd.Wait()
	}()
	for {
		resp, err := client.Get(p.url + "/health")
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				p.healthyAfter = time.Since(t0)
				return p, nil
			}
		}
		if time.Since(t0) > startBound {
			_ = cmd.Process.Kill()
			return nil, fmt.Errorf("%s: not healthy %s after exec: %v", bin, startBound, err)
		}
		time.Sleep(time.Millisecond)
	}
}

// stop sends SIGTERM and waits for a clean exit.
func (p *process) stop() error {
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case err := <-p.exited:
		if err != nil {
			return fmt.Errorf("exit after SIGTERM: %w", err)
		}
		return nil
	case <-time.After(stopBound):
		_ = p.cmd.Process.Kill()
		return fmt.Errorf("still running %s after SIGTERM", stopBound)
	}
}

type memory struct{ rss, hwm int64 } // bytes

// status reads the child's resident set (VmRSS) and its peak (VmHWM).
func (p *process) status() (memory, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return memory{}, fmt.Errorf("memory of the child (Linux /proc only): %w", err)
	}
	var m memory
	for line := range strings.Lines(string(data)) {
		name, value, _ := strings.Cut(line, ":")
		kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		switch name {
		case "VmRSS":
			m.rss = kb << 10
		case "VmHWM":
			m.hwm = kb << 10
		}
	}
	return m, nil
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// loadAverage is the 1, 5 and 15 minute load average (Linux).
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(data)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

// cpuModel names the processor, for the report's header.
func cpuModel() string {
	data, _ := os.ReadFile("/proc/cpuinfo")
	for line := range strings.Lines(string(data)) {
		if name, value, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "model name" {
			return strings.TrimSpace(value)
		}
	}
	return "unknown CPU"
}
