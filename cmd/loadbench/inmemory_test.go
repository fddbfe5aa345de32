package main

import (
	"net/http"
	"testing"

	"github.com/currency-convertor-ecs/currency-api/cmd/loadbench/internal/minimal"
	"github.com/currency-convertor-ecs/currency-api/internal/ecb"
)

// BenchmarkInMemory serves each workload's requests through a real
// http.Server on an in-memory connection: net/http and the handler, no
// kernel, no client. The minimal handler answers the same requests, so the
// difference is what the service's request path adds in user space;
// minimal-headers (the minimal answer with the service's header set) splits
// that into what the headers cost net/http and what the service's work
// costs. Instructions per request: run the test binary under callgrind with
// two -benchtime counts and divide the difference (docs/performance.md).
func BenchmarkInMemory(b *testing.B) {
	history, _, err := ecb.LoadSnapshot()
	if err != nil {
		b.Fatal(err)
	}
	one := repeated().paths
	varied := convertPaths(history, 1, 2000)
	for _, bc := range []struct {
		name  string
		h     http.Handler
		paths []string
	}{
		{"minimal", minimal.Handler(), one},
		{"minimal-headers", minimal.ServiceHeaders(), one},
		{"convert-one", serviceHandler(history), one},
		{"convert-varied", serviceHandler(history), varied},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			if err := serveInMemory(bc.h, bc.paths, b.N); err != nil {
				b.Fatal(err)
			}
		})
	}
}

func TestServeInMemory(t *testing.T) {
	history, _, err := ecb.LoadSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	if err := serveInMemory(serviceHandler(history), convertPaths(history, 1, 50), 200); err != nil {
		t.Fatal(err)
	}
	// A response that is not a 200 fails the run, so a fast error is no result.
	if err := serveInMemory(serviceHandler(history), []string{"/convert?from=USD"}, 3); err == nil {
		t.Error("serveInMemory with a 400 for every request: no error")
	}
}
