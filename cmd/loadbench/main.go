// Command loadbench measures the service against a minimal Go JSON handler
// on the same machine, in the same run, so the report is a ratio that
// survives a noisy machine.
//
// Throughput: the service's release binary (RATES_PROVIDER=offline: the
// embedded history in a rates store behind server.NewHandler, logs written
// to /dev/null) and the minimal handler (./cmd/loadbench/minimal, built with
// the same release flags) each run as a child process on loopback, so the
// load client, the service and the minimal handler each have a runtime of
// their own and nothing in one process's heap or scheduler skews another.
// The client is wrk (Debian's package, -t1 -c16 --latency), written in C, so
// the client's own cost stays small next to the server's. The two servers
// are driven alternately, never at once, for each workload:
//
//   - convert-one: one repeated /convert query;
//   - convert-varied: -n /convert queries (pairs, amounts, dates 1999 to
//     the last snapshot publication) drawn from -seed, sent round and round
//     by a Lua script;
//   - rates-varied: -rates /rates queries drawn the same way.
//
// The convert-one rounds also drive a reference: the minimal handler's
// answer with the service's header set and no work (MINIMAL_HEADERS=service),
// whose ratio to the minimal handler is what those headers alone leave of
// the target. Every wrk run records the server's CPU time (from /proc) and
// wrk's, reported per request: with server and client sharing the machine,
// throughput follows their sum, and per request they move less with other
// load than req/s does.
//
// Before it measures, loadbench sends every query once to both servers and
// wants a 200 with the same JSON Content-Type from each; during the rounds
// any non-2xx/3xx answer or socket error wrk counts fails the run. The ratio
// service/minimal is taken per round and reported as the median.
//
// Allocations: in this process, the service's handler and the minimal one on
// loopback driven by a Go client; runtime.MemStats.Mallocs per request, the
// minimal handler's count subtracted (it cancels the client and net/http).
//
// Start and memory: exec to the first 200 from /health (median of -starts
// starts), and the service child's VmRSS once healthy and after the rounds.
//
// The targets are printed as met or NOT MET; a miss does not fail the run,
// an error does.
//
//	go run ./cmd/loadbench [-d 3s] [-rounds 5] [-seed 1] [-n 2000] [-rates 500] [-starts 5] [-bin path]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/currency-convertor-ecs/currency-api/cmd/loadbench/internal/minimal"
	"github.com/currency-convertor-ecs/currency-api/internal/currency"
	"github.com/currency-convertor-ecs/currency-api/internal/ecb"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loadbench:", err)
		os.Exit(1)
	}
}

// The targets of issue 10.
const (
	targetRatio  = 0.80                  // /convert req/s over the minimal handler's
	targetAllocs = 20                    // allocations per /convert, over the minimal handler's
	targetStart  = 50 * time.Millisecond // exec to first healthy /health
	targetRSS    = 20 << 20              // VmRSS once healthy
)

type config struct {
	duration, warmup time.Duration
	rounds           int
	seed             uint64
	convertN, ratesN int
	starts, allocsN  int
	bin              string
}

func run(ctx context.Context, args []string, out io.Writer) error {
	var cfg config
	flags := newFlags(&cfg)
	if err := flags.Parse(args); err != nil {
		return err
	}
	if cfg.duration < time.Second || cfg.duration%time.Second != 0 || cfg.rounds < 1 || cfg.convertN < 1 || cfg.ratesN < 1 || cfg.starts < 1 {
		return fmt.Errorf("-d must be whole seconds, -rounds, -n, -rates and -starts at least 1")
	}
	version, err := wrkVersion()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "loadbench %s: %s/%s, %d CPUs (%s), %s, load average %s\n",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), cpuModel(), runtime.Version(), loadAverage())
	// Other work on the machine skews the ratios; the load average at both
	// ends says how quiet the run was.
	defer func() { fmt.Fprintf(out, "\nload average at the end: %s\n", loadAverage()) }()
	fmt.Fprintf(out, "load client: %s, -t%d -c%d -d%s --latency\n", version, wrkThreads, wrkConnections, cfg.duration)

	history, _, err := ecb.LoadSnapshot()
	if err != nil {
		return err
	}
	workloads := []workload{
		repeated(),
		{name: "convert-varied", about: fmt.Sprintf("%d /convert queries, seed %d", cfg.convertN, cfg.seed), paths: convertPaths(history, cfg.seed, cfg.convertN)},
		{name: "rates-varied", about: fmt.Sprintf("%d /rates queries, seed %d", cfg.ratesN, cfg.seed), paths: ratesPaths(history, cfg.seed, cfg.ratesN)},
	}

	dir, err := os.MkdirTemp("", "loadbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if cfg.bin == "" {
		if cfg.bin, err = build(dir, "./cmd/currency-api", "currency-api"); err != nil {
			return err
		}
	}
	minimalBin, err := build(dir, "./cmd/loadbench/minimal", "minimal")
	if err != nil {
		return err
	}

	startTimes, err := measureStarts(cfg.bin, cfg.starts)
	if err != nil {
		return err
	}
	service, err := startChild(cfg.bin, "RATES_PROVIDER=offline")
	if err != nil {
		return err
	}
	defer service.stop()
	healthy, err := service.status()
	if err != nil {
		return err
	}
	mini, err := startChild(minimalBin)
	if err != nil {
		return err
	}
	defer mini.stop()
	// The reference: the minimal answer with the service's header set, run
	// in the convert-one rounds only (it ignores the query). Its ratio to
	// the minimal handler is what those headers alone leave of the target.
	ref, err := startChild(minimalBin, "MINIMAL_HEADERS=service")
	if err != nil {
		return err
	}
	defer ref.stop()
	ref.name = "minimal+headers"

	servers := []*process{mini, service}
	serversOf := func(workload int) []*process {
		if workload == 0 {
			return []*process{mini, service, ref}
		}
		return servers
	}
	fmt.Fprintf(out, "servers: the release builds of ./cmd/loadbench/minimal and ./cmd/currency-api (RATES_PROVIDER=offline), child processes, one under load at a time;\n")
	fmt.Fprintf(out, "reference, convert-one only: ./cmd/loadbench/minimal with MINIMAL_HEADERS=service (its answer with the service's header set, no work)\n\n")
	fmt.Fprintln(out, "| workload | queries | mean body, minimal / service |")
	fmt.Fprintln(out, "|---|---|---:|")
	scripts := make([]string, len(workloads))
	for i, w := range workloads {
		var sizes []float64
		for _, s := range serversOf(i) {
			size, err := check(s.url, w.paths)
			if err != nil {
				return fmt.Errorf("%s, %s: %w", w.name, s.name, err)
			}
			sizes = append(sizes, size)
		}
		fmt.Fprintf(out, "| %s | %s | %.0f B / %.0f B |\n", w.name, w.about, sizes[0], sizes[1])
		if len(w.paths) > 1 {
			if scripts[i], err = writeScript(dir, w.name, w.paths); err != nil {
				return err
			}
		}
	}

	// Warm both servers up on every workload (heap grown, pages touched)
	// before anything counts.
	for i, w := range workloads {
		for _, s := range serversOf(i) {
			if cfg.warmup < time.Second {
				continue
			}
			if _, err := runWrk(ctx, s.url+w.paths[0], scripts[i], cfg.warmup); err != nil {
				return fmt.Errorf("warm-up: %w", err)
			}
		}
	}

	fmt.Fprintf(out, "\n%d rounds per workload, each a %s wrk run of the minimal handler, then one of the service (then, for convert-one, one of the reference)\n\n", cfg.rounds, cfg.duration)
	fmt.Fprintln(out, "| workload | round | server | requests | req/s | p50 | p99 | server CPU/req | wrk CPU/req |")
	fmt.Fprintln(out, "|---|---:|---|---:|---:|---:|---:|---:|---:|")
	results := make([][3][]wrkResult, len(workloads)) // [workload][minimal, service, reference][round]
	var served int64
	for round := range cfg.rounds {
		for i, w := range workloads {
			for j, s := range serversOf(i) {
				r, err := measure(ctx, s, s.url+w.paths[0], scripts[i], cfg.duration)
				if err != nil {
					return fmt.Errorf("%s, round %d, %s: %w", w.name, round+1, s.name, err)
				}
				if j == 1 {
					served += r.requests
				}
				results[i][j] = append(results[i][j], r)
				fmt.Fprintf(out, "| %s | %d | %s | %s | %s | %s | %s | %s | %s |\n", w.name, round+1, s.name, thousands(float64(r.requests)), thousands(r.rate), us(r.p50), us(r.p99),
					perRequest(r.serverCPU, r.requests), perRequest(r.clientCPU, r.requests))
			}
		}
	}
	soaked, err := service.status()
	if err != nil {
		return err
	}
	miniMem, err := mini.status()
	if err != nil {
		return err
	}
	if err := service.stop(); err != nil {
		return err
	}
	if err := mini.stop(); err != nil {
		return err
	}
	if err := ref.stop(); err != nil {
		return err
	}

	fmt.Fprintln(out, "\n| workload | minimal req/s | service req/s | service/minimal | per-round ratios | minimal p50 / p99 | service p50 / p99 |")
	fmt.Fprintln(out, "|---|---:|---:|---:|---|---:|---:|")
	ratios := make([]float64, len(workloads))
	for i, w := range workloads {
		m, s := results[i][0], results[i][1]
		var each []string
		var per []float64
		for k := range m {
			per = append(per, s[k].rate/m[k].rate)
			each = append(each, fmt.Sprintf("%.2f", per[k]))
		}
		ratios[i] = median(per)
		fmt.Fprintf(out, "| %s | %s | %s | **%.2f** | %s | %s / %s | %s / %s |\n", w.name,
			thousands(medianOf(m, func(r wrkResult) float64 { return r.rate })), thousands(medianOf(s, func(r wrkResult) float64 { return r.rate })),
			ratios[i], strings.Join(each, " "),
			us(time.Duration(medianOf(m, func(r wrkResult) float64 { return float64(r.p50) }))), us(time.Duration(medianOf(m, func(r wrkResult) float64 { return float64(r.p99) }))),
			us(time.Duration(medianOf(s, func(r wrkResult) float64 { return float64(r.p50) }))), us(time.Duration(medianOf(s, func(r wrkResult) float64 { return float64(r.p99) }))))
	}
	fmt.Fprintln(out, "(req/s, p50 and p99: the median over the rounds; the ratio: the median of the per-round ratios; no request failed)")

	// CPU per request: the server's own (user and system, from /proc) and
	// wrk's. With the two cores shared by server and client, throughput
	// follows their sum, so both are shown.
	fmt.Fprintln(out, "\n| workload | server | server CPU/req | wrk CPU/req | server + wrk | req/s |")
	fmt.Fprintln(out, "|---|---|---:|---:|---:|---:|")
	cpuRow := func(w string, name string, rs []wrkResult) {
		server := medianOf(rs, func(r wrkResult) float64 { return float64(r.serverCPU) / float64(r.requests) })
		client := medianOf(rs, func(r wrkResult) float64 { return float64(r.clientCPU) / float64(r.requests) })
		fmt.Fprintf(out, "| %s | %s | %.1f µs | %.1f µs | %.1f µs | %s |\n", w, name, server/1e3, client/1e3, (server+client)/1e3, thousands(medianOf(rs, func(r wrkResult) float64 { return r.rate })))
	}
	for i, w := range workloads {
		for j, s := range serversOf(i) {
			cpuRow(w.name, s.name, results[i][j])
		}
	}
	var refRatios []float64
	for k, r := range results[0][2] {
		refRatios = append(refRatios, r.rate/results[0][0][k].rate)
	}
	refRatio := median(refRatios)
	fmt.Fprintf(out, "(median over the rounds) reference / minimal, convert-one: **%.2f**: the share of the minimal handler's req/s left to any handler that sends the service's headers through net/http\n", refRatio)

	added, addedOne, err := addedAllocs(history, workloads[1].paths, workloads[0].paths, cfg.allocsN)
	if err != nil {
		return err
	}
	chainAllocs, chainAllocsOne, err := handlerChainAllocs(history, workloads[1].paths, workloads[0].paths, cfg.allocsN)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\nallocations per /convert request in the service's handler chain (server side, minus minimal): %.1f (varied queries; one repeated query: %.1f)\n", chainAllocs, chainAllocsOne)
	fmt.Fprintf(out, "  (ServeHTTP on a fresh header map and a discarding writer, %d requests each; runtime.MemStats.Mallocs per request of the service minus the minimal handler's)\n", cfg.allocsN)
	fmt.Fprintf(out, "allocations per /convert request, whole process (client and server, minus minimal): %.1f (varied queries; one repeated query: %.1f)\n", added, addedOne)
	fmt.Fprintf(out, "  (Go client on loopback: includes the client parsing the headers the service sends and the minimal handler does not)\n")

	fmt.Fprintln(out, "\n| child process | result |")
	fmt.Fprintln(out, "|---|---|")
	fmt.Fprintf(out, "| service: exec to first healthy /health (median of %d) | %s (min %s, max %s) |\n",
		len(startTimes), ms(median(startTimes)), ms(slices.Min(startTimes)), ms(slices.Max(startTimes)))
	fmt.Fprintf(out, "| service: VmRSS at the first healthy /health | %.1f MiB (VmHWM %.1f MiB) |\n", mib(healthy.rss), mib(healthy.hwm))
	fmt.Fprintf(out, "| service: VmRSS after the rounds (%s requests) | %.1f MiB (VmHWM %.1f MiB) |\n", thousands(float64(served)), mib(soaked.rss), mib(soaked.hwm))
	fmt.Fprintf(out, "| minimal handler: VmRSS after the rounds | %.1f MiB (VmHWM %.1f MiB) |\n", mib(miniMem.rss), mib(miniMem.hwm))

	fmt.Fprintln(out, "\ntargets (reported, not enforced):")
	report := func(name string, met bool, figure string) {
		verdict := "met"
		if !met {
			verdict = "NOT MET"
		}
		fmt.Fprintf(out, "  %-44s %-8s %s\n", name, verdict, figure)
	}
	for i, w := range workloads[:2] {
		report(fmt.Sprintf("/convert ≥ %.2f of minimal (%s)", targetRatio, w.name), ratios[i] >= targetRatio, fmt.Sprintf("%.2f", ratios[i]))
	}
	fmt.Fprintf(out, "  %-44s %-8s %.2f\n", "(reference: the service's headers, no work)", "", refRatio)
	report(fmt.Sprintf("≤ %d allocations per /convert", targetAllocs), chainAllocs <= targetAllocs, fmt.Sprintf("%.1f", chainAllocs))
	report(fmt.Sprintf("healthy ≤ %s after exec", targetStart), median(startTimes) <= float64(targetStart), ms(median(startTimes)))
	report(fmt.Sprintf("RSS ≤ %d MiB once healthy", targetRSS>>20), healthy.rss <= targetRSS, fmt.Sprintf("%.1f MiB", mib(healthy.rss)))
	return nil
}

func newFlags(cfg *config) *flag.FlagSet {
	flags := flag.NewFlagSet("loadbench", flag.ContinueOnError)
	flags.DurationVar(&cfg.duration, "d", 3*time.Second, "duration of each measured wrk run (whole seconds)")
	flags.DurationVar(&cfg.warmup, "warmup", time.Second, "unmeasured wrk run per server and workload before the rounds")
	flags.IntVar(&cfg.rounds, "rounds", 5, "rounds per workload; each runs the minimal handler, then the service")
	flags.Uint64Var(&cfg.seed, "seed", 1, "seed of the varied workloads")
	flags.IntVar(&cfg.convertN, "n", 2000, "queries in the varied /convert workload")
	flags.IntVar(&cfg.ratesN, "rates", 500, "queries in the varied /rates workload")
	flags.IntVar(&cfg.starts, "starts", 5, "starts of the service binary; the median exec-to-healthy time is reported")
	flags.IntVar(&cfg.allocsN, "allocs", 10000, "requests per in-process allocation count")
	flags.StringVar(&cfg.bin, "bin", "", "service binary (default: build ./cmd/currency-api with the release flags)")
	return flags
}

// measureStarts starts and stops bin n times and returns the time from exec
// to the first healthy /health of each, in nanoseconds.
func measureStarts(bin string, n int) ([]float64, error) {
	var times []float64
	for range n {
		p, err := startChild(bin, "RATES_PROVIDER=offline")
		if err != nil {
			return nil, err
		}
		times = append(times, float64(p.healthyAfter))
		if err := p.stop(); err != nil {
			return nil, err
		}
	}
	return times, nil
}

// addedAllocs is the allocations per request the service's handler chain
// adds over the minimal handler, for varied and for one repeated query.
func addedAllocs(history *currency.History, varied, one []string, n int) (float64, float64, error) {
	svcURL, stopSvc, err := serve(serviceHandler(history))
	if err != nil {
		return 0, 0, err
	}
	defer stopSvc()
	minURL, stopMin, err := serve(minimal.Handler())
	if err != nil {
		return 0, 0, err
	}
	defer stopMin()
	var counts [4]float64
	for i, c := range []struct {
		url   string
		paths []string
	}{{minURL, varied}, {svcURL, varied}, {minURL, one}, {svcURL, one}} {
		if counts[i], err = allocsPerRequest(c.url, c.paths, n); err != nil {
			return 0, 0, err
		}
	}
	return counts[1] - counts[0], counts[3] - counts[2], nil
}

func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func medianOf(rs []wrkResult, f func(wrkResult) float64) float64 {
	xs := make([]float64, len(rs))
	for i, r := range rs {
		xs[i] = f(r)
	}
	return median(xs)
}

// thousands formats x rounded to an integer with comma separators.
func thousands(x float64) string {
	s := strconv.FormatInt(int64(x+0.5), 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func us(d time.Duration) string { return d.Round(time.Microsecond).String() }

func ms(ns float64) string { return time.Duration(ns).Round(time.Millisecond).String() }

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

// measure runs wrk against s and records s's CPU time over the run.
func measure(ctx context.Context, s *process, url, script string, d time.Duration) (wrkResult, error) {
	before, err := s.cpu()
	if err != nil {
		return wrkResult{}, err
	}
	r, err := runWrk(ctx, url, script, d)
	if err != nil {
		return r, err
	}
	after, err := s.cpu()
	if err != nil {
		return wrkResult{}, err
	}
	r.serverCPU = after - before
	return r, nil
}

// perRequest formats d per request in microseconds.
func perRequest(d time.Duration, requests int64) string {
	if requests == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f µs", float64(d)/float64(requests)/1e3)
}
