package main

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"debug/buildinfo"
	"debug/elf"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// moduleRoot is the module root, seen from this package's folder.
const moduleRoot = "../.."

// result is what one run of lambdazip wrote and printed.
type result struct {
	Zip     []byte
	Summary string
}

// buildPackage runs lambdazip in the module root dir, writing out.
func buildPackage(dir, out string) (result, error) {
	var stdout, stderr bytes.Buffer
	args := []string{"lambdazip", "-dir", dir, "-out", out}
	if err := run(context.Background(), args, os.Getenv, &stdout, &stderr); err != nil {
		return result{}, fmt.Errorf("lambdazip %q: %w (stderr: %s)", args[1:], err, stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return result{}, err
	}
	return result{Zip: b, Summary: stdout.String()}, nil
}

// TestPackage builds the package once from the checkout, with the ambient
// build cache, and checks it: the zip's structure, the one file in it, the
// summary line, and that a second build gives the same bytes.
func TestPackage(t *testing.T) {
	first, err := buildPackage(moduleRoot, filepath.Join(t.TempDir(), "out", "rotate-origin-secret.zip"))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("zip", func(t *testing.T) {
		exe := checkZip(t, first.Zip)
		checkExecutable(t, exe)
	})
	t.Run("summary", func(t *testing.T) { checkSummary(t, first) })
	// The second build is from a copy of the source at another path, with
	// an empty build cache (the module cache is shared: it holds sources,
	// not build results), so neither the path nor a cached result can hide
	// a difference.
	t.Run("reproducible", func(t *testing.T) {
		src := t.TempDir()
		copySource(t, moduleRoot, src)
		t.Setenv("GOCACHE", t.TempDir())
		start := time.Now()
		second, err := buildPackage(src, filepath.Join(t.TempDir(), "again.zip"))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("cold build from %s: %v", src, time.Since(start).Round(time.Second))
		if !bytes.Equal(first.Zip, second.Zip) {
			t.Errorf("second build differs: %d bytes, sha256 %x; first %d bytes, sha256 %x (first difference at byte %d)",
				len(second.Zip), sha256.Sum256(second.Zip), len(first.Zip), sha256.Sum256(first.Zip), firstDifference(first.Zip, second.Zip))
		}
	})
}

// checkZip checks the zip's structure: one entry, bootstrap, deflated, mode
// 0755, the fixed time, no extra fields, no comments. It returns the
// entry's content.
func checkZip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(zr.File), 1; got != want {
		t.Fatalf("%d entries, want %d", got, want)
	}
	f := zr.File[0]
	if got, want := f.Name, "bootstrap"; got != want {
		t.Errorf("entry %q, want %q", got, want)
	}
	if got, want := f.Mode(), fs.FileMode(0o755); got != want {
		t.Errorf("mode %v, want %v", got, want)
	}
	if got, want := f.Method, zip.Deflate; got != want {
		t.Errorf("method %d, want %d (deflate)", got, want)
	}
	if got, want := f.Modified, time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("modified %v, want %v", got, want)
	}
	if len(f.Extra) != 0 {
		t.Errorf("%d bytes of extra fields in the central directory, want none", len(f.Extra))
	}
	// The local header's extra field is not in zip.File: its length sits at
	// byte 28 of the header, which is the first thing in the file.
	if got := binary.LittleEndian.Uint16(b[28:30]); got != 0 {
		t.Errorf("%d bytes of extra fields in the local header, want none", got)
	}
	if zr.Comment != "" || f.Comment != "" {
		t.Errorf("comments %q, %q, want none", zr.Comment, f.Comment)
	}
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	exe, err := io.ReadAll(rc) // checks the CRC too
	if err != nil {
		t.Fatal(err)
	}
	return exe
}

// checkExecutable checks that exe is a static, stripped linux/arm64
// executable of cmd/rotate-origin-secret built with lambdazip's flags.
func checkExecutable(t *testing.T, exe []byte) {
	t.Helper()
	ef, err := elf.NewFile(bytes.NewReader(exe))
	if err != nil {
		t.Fatalf("bootstrap is not an ELF file: %v", err)
	}
	if got, want := ef.Machine, elf.EM_AARCH64; got != want {
		t.Errorf("machine %v, want %v", got, want)
	}
	if got, want := ef.Class, elf.ELFCLASS64; got != want {
		t.Errorf("class %v, want %v", got, want)
	}
	if got, want := ef.Type, elf.ET_EXEC; got != want {
		t.Errorf("type %v, want %v", got, want)
	}
	if got, want := ef.OSABI, elf.ELFOSABI_NONE; got != want {
		t.Errorf("OS ABI %v, want %v (Linux)", got, want)
	}
	for _, p := range ef.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("program header %v: want a static executable", p.Type)
		}
	}
	if s := ef.Section(".symtab"); s != nil {
		t.Error("a .symtab section: want stripped (-ldflags -s)")
	}
	if s := ef.Section(".debug_info"); s != nil {
		t.Error("a .debug_info section: want no DWARF (-ldflags -w)")
	}

	info, err := buildinfo.Read(bytes.NewReader(exe))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := info.Path, "github.com/currency-convertor-ecs/currency-api/cmd/rotate-origin-secret"; got != want {
		t.Errorf("main package %q, want %q", got, want)
	}
	// go build leaves -ldflags out of the build info under -trimpath (it may
	// hold paths): the missing sections above show -s -w.
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
		if strings.HasPrefix(s.Key, "vcs") {
			t.Errorf("build setting %s=%s: want no VCS stamp (-buildvcs=false)", s.Key, s.Value)
		}
	}
	for key, want := range map[string]string{
		"CGO_ENABLED": "0",
		"GOOS":        "linux",
		"GOARCH":      "arm64",
		"GOARM64":     "v8.0",
		"-trimpath":   "true",
		"-tags":       "lambda.norpc",
	} {
		if got := settings[key]; got != want {
			t.Errorf("build setting %s = %q, want %q", key, got, want)
		}
	}
}

// summaryLine is lambdazip's summary: path, size, sha256 in hex and in
// base64, Go version.
var summaryLine = regexp.MustCompile(`^lambdazip: (.+): ([0-9]+) bytes, sha256 ([0-9a-f]{64}), base64 sha256 ([A-Za-z0-9+/]{43}=), (go[0-9.]+)\n$`)

// checkSummary checks that the summary line describes the zip written.
func checkSummary(t *testing.T, r result) {
	t.Helper()
	m := summaryLine.FindStringSubmatch(r.Summary)
	if m == nil {
		t.Fatalf("summary %q does not match %s", r.Summary, summaryLine)
	}
	sum := sha256.Sum256(r.Zip)
	if got, want := m[2], fmt.Sprint(len(r.Zip)); got != want {
		t.Errorf("summary size %s, want %s", got, want)
	}
	if got, want := m[3], hex.EncodeToString(sum[:]); got != want {
		t.Errorf("summary sha256 %s, want %s", got, want)
	}
	if got, want := m[4], base64.StdEncoding.EncodeToString(sum[:]); got != want {
		t.Errorf("summary base64 sha256 %s, want %s", got, want)
	}
}

func firstDifference(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// copySource copies what go build reads from the module root root into
// dst: go.mod, go.sum and the Go files under cmd/ and internal/.
func copySource(t *testing.T, root, dst string) {
	t.Helper()
	copyFile := func(rel string) {
		b, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dst, rel)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, rel), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile("go.mod")
	copyFile("go.sum")
	for _, top := range []string{"cmd", "internal"} {
		err := filepath.WalkDir(filepath.Join(root, top), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == "testdata" {
				return filepath.SkipDir
			}
			if d.Type().IsRegular() && strings.HasSuffix(p, ".go") {
				rel, err := filepath.Rel(root, p)
				if err != nil {
					return err
				}
				copyFile(rel)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestBuildTimeout checks that -timeout stops go build: a cold build takes
// a minute or more, so 300ms cannot be enough.
func TestBuildTimeout(t *testing.T) {
	t.Setenv("GOCACHE", t.TempDir())
	out := filepath.Join(t.TempDir(), "never.zip")
	var stdout, stderr bytes.Buffer
	start := time.Now()
	err := run(context.Background(), []string{"lambdazip", "-dir", moduleRoot, "-out", out, "-timeout", "300ms"}, os.Getenv, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "timed out after 300ms") {
		t.Fatalf("run = %v, want a timeout", err)
	}
	if got, want := exitCode(err), 1; got != want {
		t.Errorf("exit code %d, want %d", got, want)
	}
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Errorf("returned after %v, want soon after the 300ms timeout", elapsed)
	}
	if _, err := os.Stat(out); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stat %s: %v, want no zip written", out, err)
	}
}

func TestBadFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string // each in the error or on stderr
	}{
		{"unknown flag", []string{"-binary", "x"}, []string{"flag provided but not defined: -binary"}},
		{"argument", []string{"extra"}, []string{`unexpected arguments ["extra"]`}},
		{"empty out", []string{"-out", ""}, []string{"-out must not be empty"}},
		{"empty dir", []string{"-dir", ""}, []string{"-dir must not be empty"}},
		{"zero timeout", []string{"-timeout", "0"}, []string{"-timeout must be positive, not 0s"}},
		{"negative timeout", []string{"-timeout", "-1m"}, []string{"-timeout must be positive, not -1m0s"}},
		{"timeout not a duration", []string{"-timeout", "ten"}, []string{`invalid value "ten" for flag -timeout`}},
		{"every problem at once", []string{"-out", "", "-timeout", "0", "extra"},
			[]string{"-out must not be empty", "-timeout must be positive", "unexpected arguments"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), append([]string{"lambdazip"}, tt.args...), os.Getenv, &stdout, &stderr)
			if got, want := exitCode(err), 2; got != want {
				t.Fatalf("exit code %d (err %v), want %d", got, err, want)
			}
			msg := err.Error() + "\n" + stderr.String()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q does not say %q", msg, w)
				}
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout %q, want nothing", stdout.String())
			}
		})
	}
}
