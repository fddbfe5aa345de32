package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The load client's settings: one wrk thread (one core) and 16 keep-alive
// connections.
const (
	wrkThreads     = 1
	wrkConnections = 16
)

// wrkVersion is the first line of `wrk -v` (which exits 1 after printing it).
func wrkVersion() (string, error) {
	path, err := exec.LookPath("wrk")
	if err != nil {
		return "", errors.New("wrk not found on PATH: install it with scripts/install-tools.sh wrk (as root; Debian's package)")
	}
	out, _ := exec.Command(path, "-v").CombinedOutput()
	first, _, _ := strings.Cut(string(out), "\n")
	if !strings.HasPrefix(first, "wrk ") {
		return "", fmt.Errorf("%s -v said %q, not a wrk version", path, first)
	}
	return strings.Join(strings.Fields(strings.TrimSuffix(first, "Copyright (C) 2012 Will Glozer")), " "), nil
}

// wrkResult is what one wrk run reports.
type wrkResult struct {
	requests int64
	elapsed  time.Duration
	rate     float64 // requests per second
	p50, p99 time.Duration
	non2xx   int64 // wrk counts every status above 399 here
	socket   [4]int64
	// CPU time (user and system) over the run: the server's, read from
	// /proc around it, and wrk's own. Per request, they depend far less on
	// what else the machine runs than req/s does.
	serverCPU, clientCPU time.Duration
}

func (r wrkResult) errors() int64 {
	return r.non2xx + r.socket[0] + r.socket[1] + r.socket[2] + r.socket[3]
}

// runWrk drives url for d, with script (a file) when it is not empty.
func runWrk(ctx context.Context, url, script string, d time.Duration) (wrkResult, error) {
	args := []string{"-t" + strconv.Itoa(wrkThreads), "-c" + strconv.Itoa(wrkConnections), "-d" + strconv.Itoa(int(d.Seconds())) + "s", "--latency"}
	if script != "" {
		args = append(args, "-s", script)
	}
	ctx, cancel := context.WithTimeout(ctx, d+30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "wrk", append(args, url)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return wrkResult{}, fmt.Errorf("wrk %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	r, err := parseWrk(string(out))
	if err != nil {
		return wrkResult{}, fmt.Errorf("wrk %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	r.clientCPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	if r.errors() > 0 {
		return r, fmt.Errorf("%s: %d non-2xx/3xx responses, socket errors connect %d, read %d, write %d, timeout %d: a fast error is not a result\n%s",
			url, r.non2xx, r.socket[0], r.socket[1], r.socket[2], r.socket[3], out)
	}
	return r, nil
}

// parseWrk reads wrk 4's report (run with --latency).
func parseWrk(out string) (wrkResult, error) {
	var (
		r            wrkResult
		seen         = map[string]bool{}
		sc           = bufio.NewScanner(strings.NewReader(out))
		errs         []error
		fail         = func(line string, err error) { errs = append(errs, fmt.Errorf("%q: %w", line, err)) }
		inLatencyDis bool
	)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		f := strings.Fields(line)
		switch {
		case line == "Latency Distribution":
			inLatencyDis = true
		case inLatencyDis && len(f) == 2 && strings.HasSuffix(f[0], "%"):
			d, err := parseWrkDuration(f[1])
			if err != nil {
				fail(line, err)
			}
			switch f[0] {
			case "50%":
				r.p50, seen["p50"] = d, true
			case "99%":
				r.p99, seen["p99"] = d, true
			}
		case len(f) >= 4 && f[1] == "requests" && f[2] == "in":
			inLatencyDis = false
			n, err := strconv.ParseInt(f[0], 10, 64)
			if err != nil {
				fail(line, err)
			}
			d, err := parseWrkDuration(strings.TrimSuffix(f[3], ","))
			if err != nil {
				fail(line, err)
			}
			r.requests, r.elapsed, seen["requests"] = n, d, true
		case strings.HasPrefix(line, "Socket errors:"):
			s := &r.socket
			if _, err := fmt.Sscanf(line, "Socket errors: connect %d, read %d, write %d, timeout %d", &s[0], &s[1], &s[2], &s[3]); err != nil {
				fail(line, err)
			}
		case strings.HasPrefix(line, "Non-2xx or 3xx responses:"):
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimPrefix(line, "Non-2xx or 3xx responses:")), 10, 64)
			if err != nil {
				fail(line, err)
			}
			r.non2xx = n
		case strings.HasPrefix(line, "Requests/sec:"):
			x, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimPrefix(line, "Requests/sec:")), 64)
			if err != nil {
				fail(line, err)
			}
			r.rate, seen["rate"] = x, true
		}
	}
	for _, k := range []string{"requests", "rate", "p50", "p99"} {
		if !seen[k] {
			errs = append(errs, fmt.Errorf("no %s in the output", k))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return wrkResult{}, fmt.Errorf("parse wrk output: %w", err)
	}
	return r, nil
}

// parseWrkDuration reads wrk's times: "812.00us", "1.25ms", "3.00s", "1.00m".
func parseWrkDuration(s string) (time.Duration, error) {
	units := []struct {
		suffix string
		unit   time.Duration
	}{{"us", time.Microsecond}, {"ms", time.Millisecond}, {"s", time.Second}, {"m", time.Minute}, {"h", time.Hour}}
	for _, u := range units {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			x, err := strconv.ParseFloat(num, 64)
			if err != nil || x < 0 {
				return 0, fmt.Errorf("bad duration %q", s)
			}
			return time.Duration(math.Round(x * float64(u.unit))), nil
		}
	}
	return 0, fmt.Errorf("bad duration %q", s)
}

// writeScript writes a wrk Lua script for paths into dir.
func writeScript(dir, name string, paths []string) (string, error) {
	lua, err := luaScript(paths)
	if err != nil {
		return "", err
	}
	file := filepath.Join(dir, name+".lua")
	return file, os.WriteFile(file, []byte(lua), 0o600)
}
