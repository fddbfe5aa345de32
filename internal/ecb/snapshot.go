package ecb

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	_ "embed" // the snapshot ships inside the binary
	"encoding/hex"
	"fmt"
	"io"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
)

//go:generate go run gen_snapshot.go ../../../shared/data/ecb/eurofxref-hist.csv

// snapshot is the ECB's eurofxref-hist.csv, gzipped by gen_snapshot.go or
// cmd/ratesnapshot.
//
//go:embed eurofxref-hist.csv.gz
var snapshot []byte

// snapshotSource labels the days of the embedded snapshot.
const snapshotSource = "snapshot"

// SnapshotInfo describes the embedded snapshot.
type SnapshotInfo struct {
	First, Last  currency.Date // oldest and newest publication
	Publications int           // publications held
	// SHA256 is the hex SHA-256 of the CSV itself, uncompressed, so an
	// operator can compare it with sha256sum of the ECB's eurofxref-hist.csv.
	SHA256 string
}

// LoadSnapshot returns the history embedded at build time, each publication
// with Source "snapshot", so the service can answer before, or without,
// reaching an upstream, and what the snapshot is. It reads the CSV straight
// into the history while hashing it, and parses it on every call.
func LoadSnapshot() (*currency.History, SnapshotInfo, error) {
	zr, err := gzip.NewReader(bytes.NewReader(snapshot))
	if err != nil {
		return nil, SnapshotInfo{}, fmt.Errorf("snapshot: %w", err)
	}
	// Inflating takes about as long as parsing: on a second core it
	// overlaps the parse instead of preceding it, at every start.
	ar := newAheadReader(zr)
	defer ar.Close()
	h, info, err := loadCSV(ar, snapshotSource, true)
	if err != nil {
		return nil, SnapshotInfo{}, fmt.Errorf("snapshot: %w", err)
	}
	return h, info, nil
}

// aheadChunk and aheadChunks size the read-ahead: a few chunks in flight
// keep both sides busy without holding more than a quarter MiB.
const (
	aheadChunk  = 64 << 10
	aheadChunks = 4
)

// aheadReader reads from r in a goroutine of its own, ahead of its reader,
// recycling a fixed set of buffers.
type aheadReader struct {
	full chan []byte // filled buffers, in order
	free chan []byte // buffers the reader is done with
	done chan struct{}
	err  error // r's error, set before full is closed
	cur  []byte
	buf  []byte // the buffer cur is in, returned to free once read
}

func newAheadReader(r io.Reader) *aheadReader {
	a := &aheadReader{
		full: make(chan []byte, aheadChunks),
		free: make(chan []byte, aheadChunks),
		done: make(chan struct{}),
	}
	for range aheadChunks {
		a.free <- make([]byte, aheadChunk)
	}
	go a.fill(r)
	return a
}

func (a *aheadReader) fill(r io.Reader) {
	defer close(a.full)
	for {
		var buf []byte
		select {
		case buf = <-a.free:
		case <-a.done:
			return
		}
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			a.full <- buf[:n] // never blocks: there are as many slots as buffers
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			a.err = io.EOF
			return
		}
		if err != nil {
			a.err = err
			return
		}
	}
}

// Read implements io.Reader.
func (a *aheadReader) Read(p []byte) (int, error) {
	for len(a.cur) == 0 {
		if a.buf != nil {
			a.free <- a.buf[:cap(a.buf)]
			a.buf = nil
		}
		b, ok := <-a.full
		if !ok {
			return 0, a.err
		}
		a.cur, a.buf = b, b
	}
	n := copy(p, a.cur)
	a.cur = a.cur[n:]
	return n, nil
}

// Close stops the goroutine, if it is still reading.
func (a *aheadReader) Close() error {
	close(a.done)
	return nil
}

// LoadCSV reads the ECB's CSV history (eurofxref-hist.csv, uncompressed),
// with the rules of ParseCSV, straight into a History whose publications
// have Source "ecb", and describes it. A file without a rate of a currency
// the service supports is ErrNoRates.
func LoadCSV(r io.Reader) (*currency.History, SnapshotInfo, error) {
	return loadCSV(r, sourceName, false)
}

func loadCSV(r io.Reader, source string, presize bool) (*currency.History, SnapshotInfo, error) {
	sum := sha256.New()
	tee := io.TeeReader(r, sum)
	h, err := buildCSV(tee, source, presize)
	if err != nil {
		return nil, SnapshotInfo{}, err
	}
	// Read to the end, so the hash covers the whole file (and gzip, under
	// LoadSnapshot, checks its CRC) whatever the CSV reader left unread.
	if _, err := io.Copy(io.Discard, tee); err != nil {
		return nil, SnapshotInfo{}, err
	}
	return h, SnapshotInfo{
		First:        h.Oldest(),
		Last:         h.Latest(),
		Publications: h.Len(),
		SHA256:       hex.EncodeToString(sum.Sum(nil)),
	}, nil
}
