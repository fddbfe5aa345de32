package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// logSink collects the service's JSON log lines and reports the address it
// listens on.
type logSink struct {
	mu    sync.Mutex
	lines []string
	addr  chan string
}

func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for line := range strings.Lines(string(p)) {
		s.lines = append(s.lines, line)
		var rec struct{ Msg, Addr string }
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "listening" {
			s.addr <- rec.Addr
		}
	}
	return len(p), nil
}

func (s *logSink) contains(substr string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.lines {
		if strings.Contains(l, substr) {
			return true
		}
	}
	return false
}

// startService runs the real program on a free port with the given
// environment and returns its base URL; it stops it at the end of the test
// and checks it exits cleanly.
func startService(t *testing.T, vars map[string]string) (string, *logSink) {
	t.Helper()
	vars["PORT"] = "0"
	sink := &logSink{addr: make(chan string, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"currency-api"}, env(vars), sink, io.Discard) }()
	var addr string
	select {
	case addr = <-sink.addr:
	case err := <-done:
		cancel()
		t.Fatalf("run exited before listening: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run returned %v after cancel, want nil", err)
		}
		if !sink.contains(`"msg":"stopped"`) {
			t.Error(`no "stopped" log line after shutdown`)
		}
	})
	_, port, _ := net.SplitHostPort(addr)
	return "http://127.0.0.1:" + port, sink
}

func getJSON(t *testing.T, url string, v any) *http.Response {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("GET %s: decode %q: %v", url, body, err)
	}
	return resp
}

type healthBody struct {
	Status string
	Rates  struct {
		Date   string
		Source string
		Stale  bool
	}
}

type convertBody struct {
	From, To, Date, Source string
	Amount, Converted      json.Number
	Stale                  bool
}

func TestRunOffline(t *testing.T) {
	base, _ := startService(t, map[string]string{"RATES_PROVIDER": "offline"})

	var health healthBody
	if resp := getJSON(t, base+"/health", &health); resp.StatusCode != http.StatusOK {
		t.Fatalf("/health status = %d", resp.StatusCode)
	}
	if health.Status != "healthy" || health.Rates.Source != "snapshot" || health.Rates.Date != "2025-05-09" {
		t.Errorf("/health = %+v, want healthy on the snapshot ending 2025-05-09", health)
	}

	var c convertBody
	resp := getJSON(t, base+"/convert?from=usd&to=EUR&amount=100", &c)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/convert status = %d", resp.StatusCode)
	}
	// 100 / 1.1252 = 88.8730..., the ECB's USD rate on 2025-05-09.
	if got, want := fmt.Sprintf("%s %s→%s %s on %s", c.Amount, c.From, c.To, c.Converted, c.Date), "100 USD→EUR 88.87 on 2025-05-09"; got != want {
		t.Errorf("conversion = %q, want %q", got, want)
	}
}

func TestRunMergesLiveECBRates(t *testing.T) {
	ecb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/eurofxref-daily.xml") {
			http.NotFound(w, r)
			return
		}
		// Monday 2025-05-12 follows the snapshot's last day, Friday 2025-05-09.
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
<gesmes:subject>Reference rates</gesmes:subject>
<gesmes:Sender><gesmes:name>European Central Bank</gesmes:name></gesmes:Sender>
<Cube><Cube time="2025-05-12"><Cube currency="USD" rate="1.1"/><Cube currency="JPY" rate="163.5"/></Cube></Cube>
</gesmes:Envelope>`)
	}))
	defer ecb.Close()
	base, _ := startService(t, map[string]string{"ECB_URL": ecb.URL + "/stats/eurofxref/"})

	deadline := time.Now().Add(20 * time.Second)
	var health healthBody
	for getJSON(t, base+"/health", &health); health.Rates.Date != "2025-05-12"; getJSON(t, base+"/health", &health) {
		if time.Now().After(deadline) {
			t.Fatalf("live rates never merged: /health rates = %+v", health.Rates)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if health.Rates.Source != "ecb" {
		t.Errorf("/health rates.source = %q, want ecb", health.Rates.Source)
	}
	var c convertBody
	getJSON(t, base+"/convert?from=EUR&to=USD&amount=10", &c)
	if got, want := fmt.Sprintf("%s on %s from %s", c.Converted, c.Date, c.Source), "11.00 on 2025-05-12 from ecb"; got != want {
		t.Errorf("conversion = %q, want %q", got, want)
	}
	// Historical dates still come from the embedded history.
	getJSON(t, base+"/convert?from=EUR&to=USD&date=2025-05-09", &c)
	if got, want := fmt.Sprintf("%s %s", c.Converted, c.Source), "1.13 snapshot"; got != want {
		t.Errorf("historical conversion = %q, want %q", got, want)
	}
}

func TestRunWithUnreachableUpstream(t *testing.T) {
	// Nothing listens on a port we just closed.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + l.Addr().String() + "/"
	l.Close()
	base, sink := startService(t, map[string]string{"ECB_URL": dead, "RATES_RETRY_MIN": "1s"})

	var c convertBody
	if resp := getJSON(t, base+"/convert?from=GBP&to=JPY&amount=5", &c); resp.StatusCode != http.StatusOK {
		t.Fatalf("/convert status = %d with the upstream down", resp.StatusCode)
	} else if resp.Header.Get("X-Rates-Stale") != "true" || !c.Stale {
		t.Errorf("stale header %q, field %v; want both true", resp.Header.Get("X-Rates-Stale"), c.Stale)
	}
	deadline := time.Now().Add(20 * time.Second)
	for !sink.contains(`"msg":"rates refresh failed"`) {
		if time.Now().After(deadline) {
			t.Fatal("the failed refresh was never logged")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestHealthcheckCommand(t *testing.T) {
	base, _ := startService(t, map[string]string{"RATES_PROVIDER": "offline"})
	port := base[strings.LastIndex(base, ":")+1:]
	var out bytes.Buffer
	if err := run(context.Background(), []string{"currency-api", "healthcheck"}, env(map[string]string{"PORT": port}), &out, io.Discard); err != nil {
		t.Fatalf("healthcheck against a running server: %v", err)
	}
	if got, want := out.String(), "healthy\n"; got != want {
		t.Errorf("healthcheck printed %q, want %q", got, want)
	}

	l, _ := net.Listen("tcp", "127.0.0.1:0")
	_, closed, _ := net.SplitHostPort(l.Addr().String())
	l.Close()
	if err := run(context.Background(), []string{"currency-api", "healthcheck"}, env(map[string]string{"PORT": closed}), io.Discard, io.Discard); err == nil {
		t.Error("healthcheck with nothing listening returned nil, want an error")
	}
}

func TestCommands(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"currency-api", "version"}, env(nil), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), version+"\n"; got != want {
		t.Errorf("version printed %q, want %q", got, want)
	}
	if err := run(context.Background(), []string{"currency-api", "frobnicate"}, env(nil), io.Discard, io.Discard); err == nil {
		t.Error("unknown command returned nil")
	}
	err := run(context.Background(), []string{"currency-api"}, env(map[string]string{"PORT": "x", "RATES_PROVIDER": "y"}), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "PORT:") || !strings.Contains(err.Error(), "RATES_PROVIDER:") {
		t.Errorf("bad configuration error = %v, want both variables named", err)
	}
}
