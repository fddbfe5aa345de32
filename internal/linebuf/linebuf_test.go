package linebuf_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/linebuf"
)

// recordingWriter keeps every write it is given, separately.
type recordingWriter struct {
	mu     sync.Mutex
	writes []string
	fail   error
}

func (r *recordingWriter) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return 0, r.fail
	}
	r.writes = append(r.writes, string(p))
	return len(p), nil
}

func (r *recordingWriter) all() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.writes...)
}

func TestBatchesWholeLines(t *testing.T) {
	out := &recordingWriter{}
	w := linebuf.New(out, 64)
	line := "0123456789abcdef0123456789\n" // 27 bytes: two fit in a batch, three do not
	for range 5 {
		if n, err := w.Write([]byte(line)); n != len(line) || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	if got, want := out.all(), []string{line + line, line + line}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("writes before Flush = %q, want %q", got, want)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := out.all(); len(got) != 3 || got[2] != line {
		t.Fatalf("writes after Flush = %q, want the fifth line last", got)
	}
	if err := w.Flush(); err != nil || len(out.all()) != 3 {
		t.Errorf("an empty Flush wrote: %q, %v", out.all(), err)
	}
}

func TestLargeLineGoesOutAfterTheBatch(t *testing.T) {
	out := &recordingWriter{}
	w := linebuf.New(out, 16)
	big := strings.Repeat("x", 40) + "\n"
	_, _ = w.Write([]byte("a\n"))
	_, _ = w.Write([]byte(big))
	if got, want := out.all(), []string{"a\n", big}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("writes = %q, want %q (order kept)", got, want)
	}
}

func TestRunFlushesOnTheIntervalAndAtTheEnd(t *testing.T) {
	out := &recordingWriter{}
	w := linebuf.New(out, 1<<10)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx, time.Millisecond)
	}()
	_, _ = w.Write([]byte("first\n"))
	deadline := time.Now().Add(10 * time.Second) // a hang guard, not a timing assertion
	for len(out.all()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("Run never flushed")
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	_, _ = w.Write([]byte("late\n"))
	if got := out.all(); got[0] != "first\n" {
		t.Errorf("writes = %q", got)
	}

	// The flush at the end: a long interval never ticks, yet the line is out.
	out2 := &recordingWriter{}
	w2 := linebuf.New(out2, 1<<10)
	ctx2, cancel2 := context.WithCancel(t.Context())
	done2 := make(chan struct{})
	go func() {
		defer close(done2)
		w2.Run(ctx2, time.Hour)
	}()
	_, _ = w2.Write([]byte("last\n"))
	cancel2()
	<-done2
	if got := out2.all(); len(got) != 1 || got[0] != "last\n" {
		t.Errorf("writes after Run ended = %q, want the batched line", got)
	}
}

// TestFailedWriteLosesOnlyItsBatch: a write that fails (a full disk) is
// reported and drops that batch; the lines after it still go out.
func TestFailedWriteLosesOnlyItsBatch(t *testing.T) {
	boom := errors.New("disk full")
	out := &recordingWriter{fail: boom}
	w := linebuf.New(out, 8)
	_, _ = w.Write([]byte("abc\n"))
	if err := w.Flush(); !errors.Is(err, boom) {
		t.Fatalf("Flush = %v, want %v", err, boom)
	}
	out.mu.Lock()
	out.fail = nil
	out.mu.Unlock()
	if _, err := w.Write([]byte("d\n")); err != nil {
		t.Fatalf("Write after the failure = %v", err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := out.all(); len(got) != 1 || got[0] != "d\n" {
		t.Errorf("writes = %q, want only the line after the failure", got)
	}
}

// TestConcurrentWritersKeepLinesWhole writes lines from many goroutines
// under -race: every line comes out whole, once.
func TestConcurrentWritersKeepLinesWhole(t *testing.T) {
	var out bytes.Buffer
	w := linebuf.New(&out, 256)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				_, _ = fmt.Fprintf(w, "writer %d line %d\n", g, i)
			}
		})
	}
	wg.Wait()
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	seen := map[string]bool{}
	for _, l := range lines {
		var g, i int
		if _, err := fmt.Sscanf(l, "writer %d line %d", &g, &i); err != nil || seen[l] {
			t.Fatalf("line %q: broken or repeated (%v)", l, err)
		}
		seen[l] = true
	}
	if len(seen) != 8*500 {
		t.Errorf("%d lines, want %d", len(seen), 8*500)
	}
}
