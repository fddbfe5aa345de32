// Package linebuf batches whole log lines into few writes: one write(2)
// per access line cost the service more than the conversion it logged.
package linebuf

import (
	"context"
	"io"
	"sync"
	"time"
)

// Writer collects lines and writes them to out in batches: when the batch
// would outgrow its size, on Flush, and on Run's interval. Each Write must
// be whole lines, so a batch never splits one and the lines written
// directly to out by others (an *os.File serialises its writes) never land
// inside one.
type Writer struct {
	out  io.Writer
	size int

	mu  sync.Mutex
	buf []byte
}

// New returns a writer batching up to size bytes for out.
func New(out io.Writer, size int) *Writer {
	return &Writer{out: out, size: size, buf: make([]byte, 0, size)}
}

// Write adds p, whole lines, to the batch; a p as large as the batch goes
// out at once, after what is batched. An error is the failed write of an
// earlier batch or of p; p is kept whenever the error is not p's.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var err error
	if len(w.buf)+len(p) > w.size {
		err = w.flush()
	}
	if len(p) >= w.size {
		if _, werr := w.out.Write(p); werr != nil {
			return 0, werr
		}
		return len(p), err
	}
	w.buf = append(w.buf, p...)
	return len(p), err
}

// Flush writes what is batched.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.flush()
}

// flush writes the batch. A failed write loses the batch, not the lines
// after it: the next one is tried afresh, as a write per line would be.
func (w *Writer) flush() error {
	if len(w.buf) == 0 {
		return nil
	}
	_, err := w.out.Write(w.buf)
	w.buf = w.buf[:0]
	return err
}

// Run flushes every interval until ctx ends, then flushes once more, so a
// line is at most an interval late and none is left behind at exit.
func (w *Writer) Run(ctx context.Context, every time.Duration) {
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			_ = w.Flush()
			return
		case <-ticker.C:
			_ = w.Flush()
		}
	}
}
