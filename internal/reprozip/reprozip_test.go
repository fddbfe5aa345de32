package reprozip_test

import (
	"archive/zip"
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/reprozip"
)

func TestWrite(t *testing.T) {
	entries := []reprozip.Entry{
		{Name: "b/run.sh", Mode: 0o755, Data: []byte("#!/bin/sh\n")},
		{Name: "a.txt", Mode: 0o644, Data: []byte("hello\n")},
	}
	first, err := reprozip.Write(entries)
	if err != nil {
		t.Fatal(err)
	}
	second, err := reprozip.Write(entries)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Error("two writes of the same entries differ")
	}
	zr, err := zip.NewReader(bytes.NewReader(first), int64(len(first)))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != len(entries) {
		t.Fatalf("%d entries, want %d", len(zr.File), len(entries))
	}
	epoch := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, f := range zr.File {
		want := entries[i]
		if f.Name != want.Name || f.Mode() != want.Mode || f.Method != zip.Deflate || len(f.Extra) != 0 || !f.Modified.Equal(epoch) {
			t.Errorf("entry %d: %s %v method %d, %d extra bytes, modified %v; want %s %v deflated, none, %v",
				i, f.Name, f.Mode(), f.Method, len(f.Extra), f.Modified, want.Name, want.Mode, epoch)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Equal(got, want.Data) {
			t.Errorf("%s holds %q, want %q", f.Name, got, want.Data)
		}
	}
}
