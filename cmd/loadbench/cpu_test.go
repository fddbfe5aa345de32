package main

import (
	"os"
	"syscall"
	"testing"
	"time"
)

func TestParseStatCPU(t *testing.T) {
	// A command name may hold spaces and parentheses; the times are the
	// 14th and 15th fields, in clock ticks.
	stat := "4242 (a b) c) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 3 0 1000 1000 100 18446744073709551615"
	got, err := parseStatCPU(stat)
	if err != nil {
		t.Fatal(err)
	}
	if want := 3250 * time.Millisecond; got != want {
		t.Errorf("parseStatCPU = %v, want %v", got, want)
	}
	if _, err := parseStatCPU("4242 (cut short"); err == nil {
		t.Error("parseStatCPU of a line with no closing parenthesis: no error")
	}
}

// TestStatCPUMatchesRusage holds the /proc reading to the kernel's other
// account of the same time, getrusage(2), for this process after some work.
func TestStatCPUMatchesRusage(t *testing.T) {
	for start := time.Now(); time.Since(start) < 300*time.Millisecond; {
		_ = os.Getpid()
	}
	data, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		t.Fatal(err) // loadbench reads CPU times from /proc: Linux only
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	got, err := parseStatCPU(string(data))
	if err != nil {
		t.Fatal(err)
	}
	want := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	if d := got - want; d < -50*time.Millisecond || d > 50*time.Millisecond {
		t.Errorf("/proc/self/stat CPU = %v, getrusage = %v", got, want)
	}
}
