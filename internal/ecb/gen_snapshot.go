//go:build ignore

// gen_snapshot writes the ECB history CSV named on the command line to
// eurofxref-hist.csv.gz, gzipped reproducibly: best compression and no file
// name or modification time in the header, so the same CSV always gives the
// same bytes. It does not import package ecb, so it runs even when the .gz
// is missing; the package's tests check the data itself.
//
// Usage (from internal/ecb, through go generate):
//
//	go run gen_snapshot.go ../../../shared/data/ecb/eurofxref-hist.csv
package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
)

const out = "eurofxref-hist.csv.gz"

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "gen_snapshot:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: go run gen_snapshot.go path/to/eurofxref-hist.csv")
	}
	csv, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := zw.Write(csv); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Printf("gen_snapshot: wrote %s: %d lines, %d bytes\n", out, bytes.Count(csv, []byte("\n")), buf.Len())
	return nil
}
