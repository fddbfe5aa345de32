package ecb

import (
	"bytes"
	"compress/gzip"
	_ "embed" // the snapshot ships inside the binary
	"fmt"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
)

//go:generate go run gen_snapshot.go ../../../shared/data/ecb/eurofxref-hist.csv

// snapshot is the ECB's eurofxref-hist.csv, gzipped by gen_snapshot.go.
//
//go:embed eurofxref-hist.csv.gz
var snapshot []byte

// snapshotSource labels the days of the embedded snapshot.
const snapshotSource = "snapshot"

// Snapshot returns the history embedded at build time, oldest first, each
// day with Source "snapshot", so the service can answer before, or without,
// reaching an upstream. It parses the data on every call.
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
