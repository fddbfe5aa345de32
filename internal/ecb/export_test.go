package ecb

import (
	"bytes"
	"compress/gzip"
	"fmt"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
)

// Snapshot returns the embedded history as days, through ParseCSV's
// reader and not the history builder: the reference the tests hold
// LoadSnapshot to, and the start-up path before it, for the benchmark.
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
