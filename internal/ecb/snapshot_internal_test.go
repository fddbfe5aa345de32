package ecb

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
	"time"
)

// aheadReader must read like the reader it wraps: the standard library's
// reader checker on more data than all its buffers hold at once, and the
// wrapped reader's error, not EOF, when it fails.
func TestAheadReader(t *testing.T) {
	data := bytes.Repeat([]byte("2025-05-09,1.1252,163.36,\n"), (aheadChunks*aheadChunk)/10)
	ar := newAheadReader(bytes.NewReader(data))
	defer ar.Close()
	if err := iotest.TestReader(ar, data); err != nil {
		t.Error(err)
	}

	boom := errors.New("boom")
	ar2 := newAheadReader(io.MultiReader(bytes.NewReader(data[:100]), iotest.ErrReader(boom)))
	defer ar2.Close()
	got, err := io.ReadAll(ar2)
	if !errors.Is(err, boom) || !bytes.Equal(got, data[:100]) {
		t.Errorf("ReadAll = %d bytes, %v, want 100 bytes, %v", len(got), err, boom)
	}

	// Closing before the end stops the goroutine (it closes full as it
	// returns) instead of leaving it blocked for good.
	ar3 := newAheadReader(bytes.NewReader(data))
	ar3.Close()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case _, ok := <-ar3.full:
			if !ok {
				return
			}
		case <-timeout:
			t.Fatal("the read-ahead goroutine still runs 5s after Close")
		}
	}
}
