package ecb_test

import (
	"testing"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
	"github.com/currency-convertor-ecs/currency-api/internal/ecb"
)

// BenchmarkLoadSnapshot is the start-up path: the embedded snapshot read
// straight into a history.
func BenchmarkLoadSnapshot(b *testing.B) {
	for b.Loop() {
		if _, _, err := ecb.LoadSnapshot(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSnapshotDays is the start-up path as it was before LoadSnapshot:
// the snapshot as days, then a history built from them.
func BenchmarkSnapshotDays(b *testing.B) {
	for b.Loop() {
		days, err := ecb.Snapshot()
		if err != nil {
			b.Fatal(err)
		}
		currency.NewHistory(days)
	}
}
