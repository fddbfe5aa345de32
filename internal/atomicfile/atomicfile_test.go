package atomicfile_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/currency-convertor-ecs/currency-api/internal/atomicfile"
)

func TestWriteReplacesWholeAndLeavesNothingBeside(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "made")
	name := filepath.Join(dir, "out.zip")
	for _, data := range []string{"first", "second, longer"} {
		if err := atomicfile.Write(name, []byte(data)); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(name)
		if err != nil || string(got) != data {
			t.Fatalf("read back %q, %v; want %q", got, err, data)
		}
	}
	info, err := os.Stat(name)
	if err != nil || info.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, %v; want 0644", info.Mode(), err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the folder holds %d entries, want only out.zip: no temporary file left", len(entries))
	}
}

// A write that cannot finish leaves the old file as it was.
func TestWriteFailureKeepsTheOldFile(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "out.zip")
	if err := os.WriteFile(name, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "blocked"), 0o755); err != nil {
		t.Fatal(err)
	}
	// A directory where the file should go: the rename over it fails.
	if err := atomicfile.Write(filepath.Join(dir, "blocked"), []byte("new")); err == nil {
		t.Fatal("writing over a directory succeeded")
	}
	if got, _ := os.ReadFile(name); string(got) != "old" {
		t.Errorf("old file holds %q", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("the folder holds %d entries after the failure, want 2: no temporary file left", len(entries))
	}
}
