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
	err error // the first failed write, returned by every later call
}

// New returns a writer batching up to size bytes for out.
func New(out io.Writer, size int) *Writer {
	return &Writer{out: out, size: size, buf: make([]byte, 0, size)}
}

// Write adds p, whole lines, to the batch; a p as large as the batch goes
// out at once, after what is batched.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return 0, w.err
	}
	if len(w.buf)+len(p) > w.size {
		if err := w.flush(); err != nil {
			return 0, err
		}
	}
	if len(p) >= w.size {
		if _, err := w.out.Write(p); err != nil {
			w.err = err
			return 0, err
		}
		return len(p), nil
	}
	w.buf = append(w.buf, p...)
	return len(p), nil
}

// Flush writes what is batched.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.flush()
}

func (w *Writer) flush() error {
	if w.err != nil || len(w.buf) == 0 {
		return w.err
	}
	_, err := w.out.Write(w.buf)
	w.buf = w.buf[:0]
	if err != nil {
		w.err = err
	}
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
