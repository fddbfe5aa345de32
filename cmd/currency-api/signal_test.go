package main

import (
	"errors"
	"net"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSecondSignalDuringDrainExitsAtOnce is the bug of a second SIGTERM
// swallowed while the server drains: an operator (or ECS after its
// stopTimeout, or a Ctrl-C pressed twice) who signals again means "now".
// A connection holding half a request keeps the drain going for the
// server's read-header bound (5 s); the second signal must end the process
// well before that.
func TestSecondSignalDuringDrainExitsAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	cmd, log, stderr, exited, addr := startListening(t, bin, map[string]string{
		"RATES_PROVIDER": "offline", "PORT": "0", "SHUTDOWN_TIMEOUT": "60s",
	})
	_, port, _ := net.SplitHostPort(addr)
	conn, err := net.Dial("tcp", "127.0.0.1:"+port)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Half a request: the server has started reading it, so the drain
	// waits for it.
	if _, err := conn.Write([]byte("GET /health HTTP/1.1\r\nHost: test\r\n")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitForLine(t, log, `"msg":"shutting down"`, exited)
	second := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	const bound = time.Second
	select {
	case err := <-exited:
		// Exit status 1 from run, not death by the signal's default
		// action, which would also end the process at once but drop the
		// batched log lines.
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 {
			t.Fatalf("exit after the second SIGTERM: %v, want exit status 1 (the drain was cut short)\n%s", err, stderr.String())
		}
		if !strings.Contains(stderr.String(), errSecondSignal.Error()) {
			t.Errorf("stderr %q does not say why it stopped (%q)", stderr.String(), errSecondSignal)
		}
		waitForLine(t, log, `"msg":"second signal: stopping without waiting for in-flight requests"`, nil)
		t.Logf("exited %s after the second SIGTERM: %v", time.Since(second).Round(time.Millisecond), err)
	case <-time.After(bound):
		t.Fatalf("still running %s after the second SIGTERM\n%s", bound, stderr.String())
	}
}

// waitForLine waits until the child has logged a line containing substr.
func waitForLine(t *testing.T, log *childLog, substr string, exited <-chan error) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		lines, _ := log.snapshot()
		for _, line := range lines {
			if strings.Contains(line, substr) {
				return
			}
		}
		select {
		case err := <-exited:
			t.Fatalf("exited before logging %s: %v", substr, err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("no log line with %s within 5 s", substr)
}
