package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Bounds on the child processes, so a broken binary cannot hang the run.
const (
	startBound = 10 * time.Second // exec to first healthy /health
	stopBound  = 25 * time.Second // SIGTERM to exit: SHUTDOWN_TIMEOUT (20 s) and a margin
)

// build compiles pkg with the release flags of scripts/build.sh (static,
// -trimpath, stripped) for this machine, from the module loadbench runs in.
func build(dir, pkg, name string) (string, error) {
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	bin := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-ldflags", "-s -w -X main.version=loadbench", "-o", bin, pkg)
	cmd.Dir = filepath.Dir(strings.TrimSpace(string(gomod)))
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %w\n%s", pkg, err, out)
	}
	return bin, nil
}

type process struct {
	name         string
	cmd          *exec.Cmd
	url          string
	healthyAfter time.Duration
	stderr       *bytes.Buffer
	exited       chan error
}

// startChild runs bin on a free loopback port with env and polls /health
// every millisecond until the first 200: the time from exec to that answer
// is what a health checker sees. The child's stdout (the service's JSON
// logs) goes to /dev/null: the service still encodes and writes every line,
// as it does in production, but nobody on this machine pays to read them
// (on Fargate the log driver is not the task's CPU).
func startChild(bin string, env ...string) (*process, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin)
	cmd.Env = append(env, "PORT="+strconv.Itoa(port))
	p := &process{name: filepath.Base(bin), cmd: cmd, url: "http://127.0.0.1:" + strconv.Itoa(port), stderr: &bytes.Buffer{}, exited: make(chan error, 1)}
	cmd.Stderr = p.stderr
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { p.exited <- cmd.Wait() }()
	for {
		resp, err := client.Get(p.url + "/health")
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				p.healthyAfter = time.Since(t0)
				return p, nil
			}
			err = fmt.Errorf("/health: %s", resp.Status)
		}
		select {
		case exitErr := <-p.exited:
			return nil, fmt.Errorf("%s exited before it was healthy (%v): %s", bin, exitErr, p.stderr)
		default:
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
			return fmt.Errorf("%s: exit after SIGTERM: %w: %s", p.name, err, p.stderr)
		}
		return nil
	case <-time.After(stopBound):
		_ = p.cmd.Process.Kill()
		return fmt.Errorf("%s: still running %s after SIGTERM", p.name, stopBound)
	}
}

type memory struct{ rss, hwm int64 } // bytes

// status reads the child's resident set (VmRSS) and its peak (VmHWM).
func (p *process) status() (memory, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return memory{}, fmt.Errorf("memory of the child (Linux /proc only): %w", err)
	}
	return parseStatus(string(data)), nil
}

func parseStatus(data string) memory {
	var m memory
	for line := range strings.Lines(data) {
		name, value, _ := strings.Cut(line, ":")
		kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		switch name {
		case "VmRSS":
			m.rss = kb << 10
		case "VmHWM":
			m.hwm = kb << 10
		}
	}
	return m
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// clockTicks is Linux's USER_HZ, the unit of /proc/<pid>/stat's CPU times:
// 100 on every architecture Linux exposes to user space.
const clockTicks = 100

// cpu is the child's CPU time so far, user and system, all its threads.
func (p *process) cpu() (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		return 0, fmt.Errorf("CPU time of the child (Linux /proc only): %w", err)
	}
	return parseStatCPU(string(data))
}

// parseStatCPU reads utime and stime, the 14th and 15th fields of
// /proc/<pid>/stat; the command name, the 2nd, is in parentheses and may
// hold spaces, so fields are counted after its closing one.
func parseStatCPU(stat string) (time.Duration, error) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc stat %q: no command name", stat)
	}
	f := strings.Fields(stat[i+1:]) // f[0] is the 3rd field, the state
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc stat %q: too few fields", stat)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc stat %q: bad utime or stime", stat)
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}
