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
	h, info, err := loadCSV(zr, snapshotSource, true)
	if err != nil {
		return nil, SnapshotInfo{}, fmt.Errorf("snapshot: %w", err)
	}
	return h, info, nil
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

// Snapshot returns the history embedded at build time as days, oldest
// first, each with Source "snapshot". It parses the data on every call.
// LoadSnapshot builds the history directly, for a fraction of the time and
// memory; Snapshot stays until its last callers move to it.
func Snapshot() ([]currency.Day, error) {
	zr, err := gzip.NewReader(bytes.NewReader(snapshot))
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	days, err := parseCSV(zr, snapshotSource)
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	return days, nil
}
