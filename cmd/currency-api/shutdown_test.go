package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The shutdown test drives the real binary with loadWorkers closed-loop
// clients, sends SIGTERM once warmupRequests have been served, and keeps the
// load on until the process exits.
const (
	loadWorkers    = 32
	warmupRequests = 3000
	warmupBound    = 20 * time.Second       // generous: the child is built with -race
	exitMargin     = 5 * time.Second        // added to SHUTDOWN_TIMEOUT for the hang guard
	requestTimeout = 10 * time.Second       // a request that hangs this long is a failure
	stallPolls     = 20                     // 10 ms polls without progress: the clients are blocked
	signalSettle   = 100 * time.Millisecond // held: from SIGTERM to releasing the log
)

// outcome is what the client saw of one request.
type outcome struct {
	id         string
	start, end time.Time
	status     int       // 0: no response header arrived
	err        error     // transport error, or the error that cut the body short
	bodyOK     bool      // the body was complete and a conversion
	firstByte  bool      // some response byte arrived, on any attempt
	attempts   int       // connections used; >1 when the Transport retried
	reused     bool      // the first attempt went out on a kept-alive connection
	port       int       // the client port of the first attempt
	wrote      time.Time // when the first attempt's request was written
}

// verdict is how one outcome counts.
type verdict int

const (
	served  verdict = iota // a complete 200 with a conversion in it
	refused                // the server never read it: no response, never reached a handler
	failed                 // anything else
)

func (v verdict) String() string { return [...]string{"served", "refused", "failed"}[v] }

// evidence is what the server side shows of one request.
type evidence struct {
	// handled: the access log has the request's ID. The service logs a
	// request when its handler returns, so this proves the server accepted
	// it; its absence alone proves nothing, since a process that dies
	// mid-request never writes the line.
	handled bool
	// readBeforeSignal: the kernel's socket queues show the server process
	// had read the whole request before SIGTERM was sent.
	readBeforeSignal bool
}

// classify decides how one outcome counts; signal is when SIGTERM was sent.
//
// Any HTTP response that is not a complete 200 fails, whenever it came. A
// request the server accepted (read before the signal, or handled at any
// time) fails unless served. The rest may be refused, but only with an
// error a server produces without reading the request (connection refused;
// reset or closed before any response byte) and only after the signal; a
// timeout is never a refusal.
func classify(o outcome, ev evidence, signal time.Time) (verdict, string) {
	if o.status != 0 {
		switch {
		case o.status != http.StatusOK:
			return failed, fmt.Sprintf("status %d", o.status)
		case o.err != nil:
			return failed, fmt.Sprintf("200 with a truncated body: %v", o.err)
		case !o.bodyOK:
			return failed, "200 without a conversion in the body"
		}
		return served, ""
	}
	switch {
	case o.err == nil:
		return failed, "no response and no error"
	case ev.handled:
		return failed, fmt.Sprintf("the server handled it but the client got no response: %v", o.err)
	case ev.readBeforeSignal:
		return failed, fmt.Sprintf("the server read it before the signal but never answered: %v", o.err)
	case o.firstByte:
		return failed, fmt.Sprintf("connection broke inside the response: %v", o.err)
	case isTimeout(o.err):
		return failed, fmt.Sprintf("timed out: %v", o.err)
	case !o.end.After(signal):
		return failed, fmt.Sprintf("refused before the signal: %v", o.err)
	case !neverRead(o.err):
		return failed, fmt.Sprintf("unexpected error: %v", o.err)
	}
	return refused, ""
}

// neverRead reports whether err is how a closed listener or a connection
// closed before its request was read looks to a client.
func neverRead(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// convertResponse is the part of a /convert answer the client checks.
type convertResponse struct {
	From, To  string
	Converted json.Number
}

// issue sends one GET and records everything the classifier needs. The
// transport is the standard one, retries on closed kept-alive connections
// included, since that is what real Go clients do; the trace records them.
func issue(client *http.Client, url, id string) outcome {
	o := outcome{id: id, start: time.Now()}
	// The hooks run on the transport's goroutines.
	var mu sync.Mutex
	var firstByte bool
	trace := &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) {
			mu.Lock()
			defer mu.Unlock()
			if o.attempts++; o.attempts == 1 {
				o.reused = info.Reused
				if a, ok := info.Conn.LocalAddr().(*net.TCPAddr); ok {
					o.port = a.Port
				}
			}
		},
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			mu.Lock()
			defer mu.Unlock()
			if o.attempts == 1 && info.Err == nil && o.wrote.IsZero() {
				o.wrote = time.Now()
			}
		},
		GotFirstResponseByte: func() {
			mu.Lock()
			defer mu.Unlock()
			firstByte = true
		},
	}
	ctx := httptrace.WithClientTrace(context.Background(), trace)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		panic(err) // the URLs are the test's own
	}
	req.Header.Set("X-Request-Id", id)
	resp, err := client.Do(req)
	if err == nil {
		o.status = resp.StatusCode
		var body []byte
		body, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		var c convertResponse
		o.bodyOK = err == nil && json.Unmarshal(body, &c) == nil && c.From != "" && c.To != "" && c.Converted != ""
	}
	mu.Lock()
	defer mu.Unlock()
	o.err, o.end, o.firstByte = err, time.Now(), firstByte
	return o
}

// childLog collects the child's JSON log lines, reports its address, and
// keeps the request IDs its access log saw. While held, it stops reading:
// the child's stdout pipe fills and its handlers block in the access log,
// after reading their request and before answering it.
type childLog struct {
	hold    sync.RWMutex
	mu      sync.Mutex
	partial []byte
	lines   []string
	ids     map[string]int // request ID -> logged status
	addr    chan string
}

func (l *childLog) Write(p []byte) (int, error) {
	l.hold.RLock()
	defer l.hold.RUnlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, p...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := string(l.partial[:i])
		l.partial = l.partial[i+1:]
		l.lines = append(l.lines, line)
		var rec struct {
			Msg, Addr string
			RequestID string `json:"request_id"`
			Status    int
		}
		if json.Unmarshal([]byte(line), &rec) != nil {
			continue
		}
		switch rec.Msg {
		case "listening":
			l.addr <- rec.Addr
		case "request":
			l.ids[rec.RequestID] = rec.Status
		}
	}
}

func (l *childLog) snapshot() (lines []string, ids map[string]int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...), l.ids
}

// startListening starts bin with vars and waits for its "listening" line.
// It returns the command, its log and stderr, a channel that receives its
// exit, and the address it listens on; the process is killed at cleanup.
func startListening(t *testing.T, bin string, vars map[string]string) (cmd *exec.Cmd, log *childLog, stderr *bytes.Buffer, exited <-chan error, addr string) {
	t.Helper()
	log = &childLog{ids: map[string]int{}, addr: make(chan string, 1)}
	stderr = &bytes.Buffer{}
	cmd = exec.Command(bin)
	// The race runtime sleeps a second at exit by default; nothing here
	// needs it.
	cmd.Env = []string{"GORACE=atexit_sleep_ms=0"}
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdout, cmd.Stderr = log, stderr
	cmd.WaitDelay = time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	select {
	case addr = <-log.addr:
	case err := <-done:
		t.Fatalf("exited before listening: %v\n%s", err, stderr.String())
	case <-time.After(warmupBound):
		t.Fatalf("no listening line within %s\n%s", warmupBound, stderr.String())
	}
	return cmd, log, stderr, done, addr
}

// buildBinary builds the service once, with -race so that a data race during
// the drain fails the test through the child's exit status.
func buildBinary(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	gomod, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "currency-api")
	build := exec.CommandContext(ctx, "go", "build", "-race", "-o", bin, "./cmd/currency-api")
	build.Dir = filepath.Dir(strings.TrimSpace(string(gomod)))
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestShutdownUnderLoad sends SIGTERM to the real binary while 32 clients
// keep requests in flight, and checks that every request the server accepted
// got a complete 200, that the process exits 0 within SHUTDOWN_TIMEOUT, and
// that its last log line is "stopped". It runs twice: with the load running
// freely, and with the service's handlers held mid-request at the signal.
func TestShutdownUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary under load")
	}
	bin := buildBinary(t)
	t.Run("free-running", func(t *testing.T) { shutdownUnderLoad(t, bin, false) })
	t.Run("handlers held at the signal", func(t *testing.T) { shutdownUnderLoad(t, bin, true) })
}

func shutdownUnderLoad(t *testing.T, bin string, holdHandlers bool) {
	vars := map[string]string{"RATES_PROVIDER": "offline", "PORT": "0"}
	cfg, err := loadConfig(env(vars))
	if err != nil {
		t.Fatal(err)
	}
	cmd, log, stderr, exited, addr := startListening(t, bin, vars)
	_, portText, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(portText)
	base := "http://127.0.0.1:" + portText
	paths := []string{
		"/convert?from=USD&to=EUR&amount=100",
		"/convert?from=GBP&to=JPY&amount=2500.75",
		"/convert?from=EUR&to=CHF&amount=12.5&date=2020-03-16",
	}

	transport := &http.Transport{MaxIdleConnsPerHost: loadWorkers, MaxConnsPerHost: loadWorkers}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: requestTimeout}
	var (
		stop    = make(chan struct{})
		ok      atomic.Int64
		wg      sync.WaitGroup
		results = make([][]outcome, loadWorkers)
	)
	for w := range loadWorkers {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				o := issue(client, base+paths[(w+i)%len(paths)], fmt.Sprintf("shutdown-%d-%d", w, i))
				results[w] = append(results[w], o)
				if o.status == http.StatusOK && o.bodyOK {
					ok.Add(1)
				} else if o.status == 0 {
					time.Sleep(10 * time.Millisecond) // no spinning on a closed port
				}
			}
		})
	}
	stopLoad := sync.OnceFunc(func() { close(stop); wg.Wait() })
	defer stopLoad()

	deadline := time.Now().Add(warmupBound)
	for ok.Load() < warmupRequests {
		if time.Now().After(deadline) {
			t.Fatalf("only %d requests served within %s", ok.Load(), warmupBound)
		}
		time.Sleep(5 * time.Millisecond)
	}

	// Held: stop reading the child's log until the clients stop making
	// progress. Its stdout pipe fills, so every connection's request has
	// been read and is inside a handler blocked on its access line, as with
	// a slow handler or a slow log sink, and the signal finds them there.
	// The pauses only widen that window; no verdict depends on them.
	release := sync.OnceFunc(func() {})
	if holdHandlers {
		log.hold.Lock()
		release = sync.OnceFunc(log.hold.Unlock)
		defer release()
		for last, still := ok.Load(), 0; still < stallPolls; {
			if time.Now().After(deadline) {
				t.Fatal("the clients never stalled behind the held log")
			}
			time.Sleep(10 * time.Millisecond)
			if n := ok.Load(); n != last {
				last, still = n, 0
			} else {
				still++
			}
		}
	}
	read, err := readByServer(port)
	if err != nil {
		t.Fatalf("kernel socket queues: %v", err)
	}
	signal := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if holdHandlers {
		time.Sleep(signalSettle)
		release()
	}
	bound := cfg.ShutdownTimeout + exitMargin
	select {
	case err = <-exited:
	case <-time.After(bound):
		_ = cmd.Process.Kill()
		t.Fatalf("still running %s after SIGTERM (SHUTDOWN_TIMEOUT %s)\n%s", bound, cfg.ShutdownTimeout, stderr.String())
	}
	stopLoad()
	exit := "exit 0"
	if err != nil {
		exit = err.Error()
		t.Errorf("exit after SIGTERM: %v, want status 0\n%s", err, stderr.String())
	}

	lines, handled := log.snapshot()
	if n := len(lines); n == 0 || !strings.Contains(lines[n-1], `"msg":"stopped"`) {
		t.Errorf(`last log line = %q, want "msg":"stopped"`, lines[max(n-1, 0):])
	}

	var before, inFlight, inFlightRead, inFlightRefused, servedAfter, fails int
	counts := map[verdict]int{}
	clientIDs := map[string]bool{}
	for _, w := range results {
		for _, o := range w {
			clientIDs[o.id] = true
			_, logged := handled[o.id]
			ev := evidence{handled: logged, readBeforeSignal: read.covers(o)}
			v, why := classify(o, ev, signal)
			counts[v]++
			switch {
			case o.end.Before(signal):
				before++
			case o.start.Before(signal):
				inFlight++
				if ev.readBeforeSignal {
					inFlightRead++
				}
				if v == refused {
					inFlightRefused++
				}
			default:
				if v == served {
					servedAfter++
				}
			}
			if v == served && !logged {
				t.Errorf("request %s was served but is not in the access log: the log is no evidence", o.id)
			}
			if v == failed {
				if fails++; fails <= 10 {
					t.Errorf("request %s (started %s from the signal, %d attempts, reused %t, read before the signal %t, in the access log %t): %s",
						o.id, o.start.Sub(signal).Round(time.Microsecond), o.attempts, o.reused, ev.readBeforeSignal, logged, why)
				}
			}
		}
	}
	for id := range handled {
		if !clientIDs[id] {
			t.Errorf("the access log has request %s, which the client never sent", id)
		}
	}
	if inFlight == 0 {
		t.Error("no request was in flight at the signal: the test exercised nothing")
	}
	if holdHandlers && inFlightRead == 0 {
		t.Error("no request in flight at the signal had been read by the server: the hold exercised nothing")
	}
	t.Logf("shutdown suite: %d requests before SIGTERM, %d in flight at the signal, %d failed, %s within %s (SHUTDOWN_TIMEOUT %s + %s)",
		before, inFlight, fails, exit, bound, cfg.ShutdownTimeout, exitMargin)
	t.Logf("at the signal: %d of the %d in flight proven read by the server (kernel queues), %d refused unread; after it: %d served, %d refused unread",
		inFlightRead, inFlight, inFlightRefused, servedAfter, counts[refused]-inFlightRefused)
}

// kernelRead is which client connections to the service had nothing left
// unread by the server, at a moment between start and end.
type kernelRead struct {
	start, end time.Time
	ports      map[int]bool // client port -> the server had read all it was sent
}

// covers reports whether o's request is proven read by the server before
// the snapshot: it was written before the snapshot began, was still
// unanswered when it ended, so it was the one request on its connection,
// and that connection had nothing queued, on either side, in between.
func (k kernelRead) covers(o outcome) bool {
	return o.port != 0 && !o.wrote.IsZero() && o.wrote.Before(k.start) && o.end.After(k.end) && k.ports[o.port]
}

// readByServer reads the kernel's TCP tables (Linux only) twice: first for
// the client sockets, whose empty send queue means the server's kernel has
// every byte, then for the server's, whose empty receive queue means the
// process has read them. The client dials 127.0.0.1 (tcp); the service
// listens on [::] (tcp6, IPv4-mapped).
func readByServer(serverPort int) (kernelRead, error) {
	k := kernelRead{start: time.Now(), ports: map[int]bool{}}
	clientSent := map[int]bool{}
	for pass := range 2 {
		for _, file := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
			data, err := os.ReadFile(file)
			if err != nil {
				return k, err
			}
			for _, line := range strings.Split(string(data), "\n")[1:] {
				f := strings.Fields(line)
				if len(f) < 5 || f[3] != "01" { // ESTABLISHED
					continue
				}
				local, remote := hexPort(f[1]), hexPort(f[2])
				tx, rx, _ := strings.Cut(f[4], ":")
				switch {
				case pass == 0 && remote == serverPort:
					clientSent[local] = tx == "00000000"
				case pass == 1 && local == serverPort:
					k.ports[remote] = clientSent[remote] && rx == "00000000"
				}
			}
		}
	}
	k.end = time.Now()
	return k, nil
}

func hexPort(addr string) int {
	_, p, _ := strings.Cut(addr, ":")
	n, _ := strconv.ParseUint(p, 16, 16)
	return int(n)
}

// TestShutdownClassifier shows that the shutdown test can fail: a truncated
// 200 and a 5xx from a real server fail whenever they come, and a connection
// error only passes as a refusal when the server never handled the request.
func TestShutdownClassifier(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"from":"USD","to":"EUR","amount":100,"converted":88.87}`)
		case "/truncated":
			w.Header().Set("Content-Length", "200")
			fmt.Fprint(w, `{"from":"USD","to":"EUR","amo`)
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler)
		case "/empty":
			w.Header().Set("Content-Type", "application/json")
		case "/unavailable":
			http.Error(w, `{"status":503}`, http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	// A port with nothing listening: a listener closed at once.
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadURL := "http://" + closed.Addr().String() + "/convert"
	closed.Close()

	client := srv.Client()
	client.Timeout = requestTimeout
	// With the signal an hour ago every outcome ends after it, so only the
	// rules that do not depend on timing apply.
	after := time.Now().Add(-time.Hour)
	var (
		none    = evidence{}
		logged  = evidence{handled: true}
		read    = evidence{readBeforeSignal: true}
		refusal = issue(client, deadURL, "f")
		reset   = outcome{err: fmt.Errorf("read: %w", syscall.ECONNRESET), reused: true, end: time.Now()}
	)
	tests := []struct {
		name   string
		o      outcome
		ev     evidence
		signal time.Time
		want   verdict
	}{
		{"complete 200", issue(client, srv.URL+"/ok", "a"), logged, after, served},
		{"truncated 200", issue(client, srv.URL+"/truncated", "b"), logged, after, failed},
		{"truncated 200 the server never logged", issue(client, srv.URL+"/truncated", "b2"), none, after, failed},
		{"200 without a conversion", issue(client, srv.URL+"/empty", "c"), logged, after, failed},
		{"503", issue(client, srv.URL+"/unavailable", "d"), logged, after, failed},
		{"503 the server never logged", issue(client, srv.URL+"/unavailable", "e"), none, after, failed},
		{"connection refused after the signal", refusal, none, after, refused},
		{"connection refused before the signal", issue(&http.Client{}, deadURL, "g"), none, time.Now().Add(time.Hour), failed},
		{"connection refused but handled", refusal, logged, after, failed},
		{"connection refused but read before the signal", refusal, read, after, failed},
		{"reset on a kept-alive connection, never read", reset, none, after, refused},
		{"reset on a kept-alive connection, read before the signal", reset, read, after, failed},
		{"timeout", outcome{err: context.DeadlineExceeded, end: time.Now()}, none, after, failed},
		{"reset inside the response", outcome{err: syscall.ECONNRESET, firstByte: true, end: time.Now()}, none, after, failed},
	}
	if refusal.err == nil || refusal.status != 0 {
		t.Fatalf("GET on a closed port = %d, %v; want a connection error", refusal.status, refusal.err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, why := classify(tt.o, tt.ev, tt.signal); got != tt.want {
				t.Errorf("classify(status %d, err %v, %+v) = %s (%s), want %s", tt.o.status, tt.o.err, tt.ev, got, why, tt.want)
			}
		})
	}
}

// TestKernelReadEvidence shows that the socket-queue evidence tells a
// request the server has read from one it has not.
func TestKernelReadEvidence(t *testing.T) {
	if _, err := os.Stat("/proc/net/tcp"); err != nil {
		t.Skip("needs Linux /proc/net/tcp")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	request := []byte("GET /convert HTTP/1.1\r\nHost: x\r\n\r\n")
	readOne := make(chan error, 1)
	accepted := make(chan net.Conn, 2)
	var wg sync.WaitGroup
	defer func() {
		l.Close()
		wg.Wait()
		close(accepted)
		for c := range accepted {
			c.Close()
		}
	}()
	wg.Go(func() {
		// The first connection is read in full; the second never is.
		c, err := l.Accept()
		if err != nil {
			readOne <- err
			return
		}
		accepted <- c
		_, err = io.ReadFull(c, make([]byte, len(request)))
		readOne <- err
		if c, err := l.Accept(); err == nil {
			accepted <- c
		}
	})
	dial := func() net.Conn {
		c, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Write(request); err != nil {
			t.Fatal(err)
		}
		return c
	}
	readConn := dial()
	defer readConn.Close()
	if err := <-readOne; err != nil {
		t.Fatal(err)
	}
	unreadConn := dial()
	defer unreadConn.Close()

	k, err := readByServer(l.Addr().(*net.TCPAddr).Port)
	if err != nil {
		t.Fatal(err)
	}
	portOf := func(c net.Conn) int { return c.LocalAddr().(*net.TCPAddr).Port }
	if !k.ports[portOf(readConn)] {
		t.Errorf("the connection whose request the server read is not reported read")
	}
	if k.ports[portOf(unreadConn)] {
		t.Errorf("the connection whose request the server never read is reported read")
	}
	o := outcome{port: portOf(readConn), wrote: k.start.Add(-time.Second), end: k.end.Add(time.Second)}
	if !k.covers(o) {
		t.Errorf("covers(request written before and answered after the snapshot) = false, want true")
	}
	if o.wrote = k.end; k.covers(o) {
		t.Errorf("covers(request written after the snapshot began) = true, want false")
	}
}
