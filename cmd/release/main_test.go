package main

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fixture is a small repository: the files the bundle needs, files beside
// them that it must leave out, and (after newRepo) git's view of them.
var fixture = map[string]string{
	"buildspec.yml":                   "version: 0.2\n", // an old layout's: the buildspec is Terraform's now, not the bundle's
	"Dockerfile":                      "FROM scratch\n",
	".dockerignore":                   "*\n",
	".gitignore":                      "*.out\n/bin/local/\n",
	"go.mod":                          "module example.com/fixture\n\ngo 1.26\n",
	"go.sum":                          "",
	"README.md":                       "# fixture\n",
	"scripts/build.sh":                "#!/bin/sh\necho build\n",
	"scripts/other.sh":                "#!/bin/sh\necho other\n",
	"cmd/app/main.go":                 "package main\n\nfunc main() {}\n",
	"cmd/app/main_test.go":            "package main\n",
	"internal/lib/lib.go":             "package lib\n",
	"internal/lib/testdata/data.gz":   "\x1f\x8b\x08\x00binary\x00\xff",
	"bin/tool":                        "a tracked binary outside the bundle's paths\n",
	"infra/main.tf":                   "terraform {}\n",
	"docs/notes.md":                   "notes\n",
	"internal/lib/testdata/empty.txt": "",
}

// inBundle are the fixture's files the bundle holds, besides RELEASE.
var inBundle = []string{
	".dockerignore", "Dockerfile", "cmd/app/main.go", "cmd/app/main_test.go",
	"go.mod", "go.sum", "internal/lib/lib.go", "internal/lib/testdata/data.gz",
	"internal/lib/testdata/empty.txt", "scripts/build.sh",
}

// writeFixture writes the fixture's files under dir; scripts are executable.
func writeFixture(t *testing.T, dir string) {
	t.Helper()
	for name, content := range fixture {
		writeTestFile(t, filepath.Join(dir, name), content)
		if strings.HasSuffix(name, ".sh") {
			if err := os.Chmod(filepath.Join(dir, name), 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func writeTestFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// newRepo is a git repository holding the fixture, committed, plus an
// untracked and an ignored file under the bundle's paths.
func newRepo(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	writeFixture(t, dir)
	gitIn(t, dir, "init", "-q")
	gitIn(t, dir, "add", "-A")
	gitIn(t, dir, "commit", "-q", "-m", "fixture")
	writeTestFile(t, filepath.Join(dir, "cmd/app/untracked.go"), "package main\n")
	writeTestFile(t, filepath.Join(dir, "cmd/app/coverage.out"), "ignored\n")
	writeTestFile(t, filepath.Join(dir, "bin/local/junk"), "ignored\n")
	return dir
}

// gitIn runs git in dir, isolated from the machine's and user's git config.
func gitIn(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "init.defaultBranch=main"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull,
		"GIT_AUTHOR_NAME=test", "GIT_AUTHOR_EMAIL=test@example.invalid",
		"GIT_COMMITTER_NAME=test", "GIT_COMMITTER_EMAIL=test@example.invalid",
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// release runs the command with args and returns its output.
func release(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	err = run(t.Context(), append([]string{"release"}, args...), os.Getenv, &out, &errb)
	return out.String(), errb.String(), err
}

// build writes the bundle of dir and returns its bytes and the summary line.
func build(t *testing.T, dir string) ([]byte, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "dist", "bundle.zip")
	stdout, stderr, err := release(t, "-dir", dir, "-out", out)
	if err != nil {
		t.Fatalf("release: %v\n%s", err, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b, stdout
}

// unpack returns the bundle's entries by name.
func unpack(t *testing.T, b []byte) (map[string]*zip.File, []string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]*zip.File{}
	var names []string
	for _, f := range zr.File {
		files[f.Name] = f
		names = append(names, f.Name)
	}
	return files, names
}

func content(t *testing.T, f *zip.File) string {
	t.Helper()
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestBundleIsReproducible(t *testing.T) {
	dir := newRepo(t)
	first, _ := build(t, dir)

	// What must not matter: file times, and where the output goes.
	later := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	for _, name := range inBundle {
		if err := os.Chtimes(filepath.Join(dir, name), later, later); err != nil {
			t.Fatal(err)
		}
	}
	second, _ := build(t, dir)
	if !bytes.Equal(first, second) {
		t.Fatalf("two builds of the same tree differ (%d and %d bytes)", len(first), len(second))
	}

	// What must matter: content.
	writeTestFile(t, filepath.Join(dir, "internal/lib/lib.go"), "package lib // changed\n")
	if third, _ := build(t, dir); bytes.Equal(first, third) {
		t.Error("the bundle did not change with a file's content")
	}
}

// An unpacked bundle bundles to the same bytes: the files, modes and
// RELEASE survive the round trip, and nothing else goes in.
func TestBundleRoundTrip(t *testing.T) {
	first, _ := build(t, newRepo(t))
	dir := t.TempDir()
	files, _ := unpack(t, first)
	for name, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		writeTestFile(t, p, content(t, f))
		if err := os.Chmod(p, f.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	if second, _ := build(t, dir); !bytes.Equal(first, second) {
		t.Errorf("the unpacked bundle bundles to different bytes (%d and %d)", len(first), len(second))
	}
}

func TestBundleEntries(t *testing.T) {
	dir := newRepo(t)
	// The working tree's content ships, not the committed one.
	writeTestFile(t, filepath.Join(dir, "cmd/app/main.go"), "package main // edited\n")
	b, summary := build(t, dir)
	files, names := unpack(t, b)

	want := append(slices.Clone(inBundle), releaseName, epochName)
	slices.Sort(want)
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("entries, in order (-want +got):\n%s", diff)
	}
	if got, want := content(t, files[epochName]), gitIn(t, dir, "log", "-1", "--format=%ct", "HEAD")+"\n"; got != want {
		t.Errorf("%s = %q, want the commit's time %q", epochName, got, want)
	}
	epoch := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	for name, f := range files {
		if !f.Modified.Equal(epoch) {
			t.Errorf("%s: modified %v, want %v", name, f.Modified, epoch)
		}
		if len(f.Extra) != 0 {
			t.Errorf("%s: %d bytes of extra fields, want none", name, len(f.Extra))
		}
		wantMode := os.FileMode(0o644)
		if name == "scripts/build.sh" {
			wantMode = 0o755
		}
		if got := f.Mode(); got != wantMode {
			t.Errorf("%s: mode %v, want %v", name, got, wantMode)
		}
		if name == releaseName || name == epochName {
			continue
		}
		disk, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if got := content(t, f); got != string(disk) {
			t.Errorf("%s holds %q, want the working tree's %q", name, got, disk)
		}
	}

	sum := sha256.Sum256(b)
	wantSummary := fmt.Sprintf("%d files, %d bytes, sha256 %s, RELEASE %s-dirty\n",
		len(want), len(b), hex.EncodeToString(sum[:]), gitIn(t, dir, "rev-parse", "HEAD"))
	if !strings.HasSuffix(summary, wantSummary) || strings.Count(summary, "\n") != 1 {
		t.Errorf("summary = %q, want one line ending %q", summary, wantSummary)
	}
}

// dryRunLine is one file of the dry run's list: size and name.
var dryRunLine = regexp.MustCompile(`^ *(\d+)  (\S+)$`)

func TestDryRun(t *testing.T) {
	dir := newRepo(t)
	out := filepath.Join(t.TempDir(), "dist", "bundle.zip")
	stdout, stderr, err := release(t, "-dir", dir, "-out", out, "-dry-run")
	if err != nil {
		t.Fatalf("release -dry-run: %v\n%s", err, stderr)
	}

	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	var names []string
	sizes := map[string]string{}
	for _, line := range lines[:len(lines)-1] {
		m := dryRunLine.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("dry run line %q is not SIZE  NAME", line)
		}
		names = append(names, m[2])
		sizes[m[2]] = m[1]
	}
	want := append(slices.Clone(inBundle), releaseName, epochName)
	slices.Sort(want)
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("dry run's list (-want +got):\n%s", diff)
	}
	if got, want := sizes["cmd/app/main.go"], fmt.Sprint(len(fixture["cmd/app/main.go"])); got != want {
		t.Errorf("size of cmd/app/main.go = %s, want %s", got, want)
	}
	last := lines[len(lines)-1]
	if !regexp.MustCompile(`^release: dry run, nothing written: 12 files, \d+ bytes, sha256 [0-9a-f]{64}, RELEASE [0-9a-f]{40}$`).MatchString(last) {
		t.Errorf("dry run's summary = %q", last)
	}

	// The dry run's sha256 is the written bundle's.
	b, _ := build(t, dir)
	sum := sha256.Sum256(b)
	if !strings.Contains(last, hex.EncodeToString(sum[:])) {
		t.Errorf("dry run's summary %q does not name the bundle's sha256 %x", last, sum)
	}
	if _, err := os.Stat(filepath.Dir(out)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the dry run created %s (stat: %v)", filepath.Dir(out), err)
	}
	// The untracked file is named as left out; the ignored ones are not.
	if !strings.Contains(stderr, "1 untracked files left out") || !strings.Contains(stderr, "cmd/app/untracked.go") {
		t.Errorf("stderr = %q, want a warning naming cmd/app/untracked.go", stderr)
	}
	if strings.Contains(stderr, "coverage.out") {
		t.Errorf("stderr = %q names an ignored file", stderr)
	}
}

func TestRelease(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, dir string)
		dirty  bool
	}{
		{"clean", func(*testing.T, string) {}, false},
		{"edited under cmd", func(t *testing.T, dir string) {
			writeTestFile(t, filepath.Join(dir, "cmd/app/main.go"), "package main // edited\n")
		}, true},
		{"edited go.mod", func(t *testing.T, dir string) {
			writeTestFile(t, filepath.Join(dir, "go.mod"), "module example.com/fixture\n\ngo 1.26.1\n")
		}, true},
		{"staged edit", func(t *testing.T, dir string) {
			writeTestFile(t, filepath.Join(dir, "internal/lib/lib.go"), "package lib // staged\n")
			gitIn(t, dir, "add", "internal/lib/lib.go")
		}, true},
		{"deleted under internal", func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, "internal/lib/testdata/empty.txt")); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"script lost its executable bit", func(t *testing.T, dir string) {
			if err := os.Chmod(filepath.Join(dir, "scripts/build.sh"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"edited outside the bundle's paths", func(t *testing.T, dir string) {
			writeTestFile(t, filepath.Join(dir, "README.md"), "# edited\n")
			writeTestFile(t, filepath.Join(dir, "infra/main.tf"), "# edited\n")
			writeTestFile(t, filepath.Join(dir, "scripts/other.sh"), "# edited\n")
		}, false},
		{"more untracked files", func(t *testing.T, dir string) {
			writeTestFile(t, filepath.Join(dir, "internal/lib/new.go"), "package lib\n")
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := newRepo(t)
			tc.change(t, dir)
			b, _ := build(t, dir)
			files, _ := unpack(t, b)
			want := gitIn(t, dir, "rev-parse", "HEAD")
			if tc.dirty {
				want += "-dirty"
			}
			if got := content(t, files[releaseName]); got != want+"\n" {
				t.Errorf("RELEASE = %q, want %q", got, want+"\n")
			}
			if _, ok := files["internal/lib/testdata/empty.txt"]; ok == (tc.name == "deleted under internal") {
				t.Errorf("internal/lib/testdata/empty.txt in the bundle: %v", ok)
			}
		})
	}
}

func TestNotAGitWorkTree(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	// Inside another repository, but not at its root: that repository's
	// tracked files are not this tree's, so it is no work tree of its own.
	outer := t.TempDir()
	gitIn(t, outer, "init", "-q")
	for name, dir := range map[string]string{
		"no repository":       t.TempDir(),
		"inside another repo": filepath.Join(outer, "sub"),
	} {
		t.Run(name, func(t *testing.T) {
			writeFixture(t, dir)
			writeTestFile(t, filepath.Join(dir, "cmd/app/untracked.go"), "package main\n")
			out := filepath.Join(t.TempDir(), "bundle.zip")
			stdout, stderr, err := release(t, "-dir", dir, "-out", out)
			if err != nil {
				t.Fatalf("release: %v\n%s", err, stderr)
			}
			if !strings.Contains(stderr, "the bundle holds every file under its paths, tracked or not") {
				t.Errorf("stderr = %q, want a warning that git did not choose the files", stderr)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			files, names := unpack(t, b)
			want := append(slices.Clone(inBundle), releaseName, epochName, "cmd/app/untracked.go")
			slices.Sort(want)
			if diff := cmp.Diff(want, names); diff != "" {
				t.Errorf("entries (-want +got):\n%s", diff)
			}
			id := content(t, files[releaseName])
			if !regexp.MustCompile(`^nogit-[0-9a-f]{12}\n$`).MatchString(id) {
				t.Errorf("RELEASE = %q, want nogit-<12 hex>", id)
			}
			if !strings.Contains(stdout, "RELEASE "+strings.TrimSpace(id)) {
				t.Errorf("summary %q does not name RELEASE %q", stdout, id)
			}

			if got := content(t, files[epochName]); got != noGitEpoch+"\n" {
				t.Errorf("%s = %q, want 1980-01-01's %s", epochName, got, noGitEpoch)
			}

			// An unpacked bundle keeps its release ID and commit time.
			writeTestFile(t, filepath.Join(dir, releaseName), "0123abc-dirty\n")
			writeTestFile(t, filepath.Join(dir, epochName), "1764581415\n")
			b, _ = build(t, dir)
			files, _ = unpack(t, b)
			if got := content(t, files[releaseName]); got != "0123abc-dirty\n" {
				t.Errorf("RELEASE = %q, want the existing RELEASE file's 0123abc-dirty", got)
			}
			if got := content(t, files[epochName]); got != "1764581415\n" {
				t.Errorf("%s = %q, want the existing file's 1764581415", epochName, got)
			}
			writeTestFile(t, filepath.Join(dir, epochName), "yesterday\n")
			if _, _, err := release(t, "-dir", dir, "-out", out); err == nil || !strings.Contains(err.Error(), "not seconds since 1970") {
				t.Errorf("a bad %s file: err = %v, want one saying it is not seconds since 1970", epochName, err)
			}
			writeTestFile(t, filepath.Join(dir, epochName), "1764581415\n")
			writeTestFile(t, filepath.Join(dir, releaseName), "not a tag!\n")
			if _, _, err := release(t, "-dir", dir, "-out", out); err == nil || !strings.Contains(err.Error(), "not a release ID") {
				t.Errorf("a bad RELEASE file: err = %v, want one saying it is not a release ID", err)
			}
		})
	}
}

func TestMissingFiles(t *testing.T) {
	dir := newRepo(t)
	gitIn(t, dir, "rm", "-q", "--cached", "go.sum")
	if err := os.Remove(filepath.Join(dir, "Dockerfile")); err != nil {
		t.Fatal(err)
	}
	_, _, err := release(t, "-dir", dir, "-dry-run")
	for _, want := range []string{"go.sum is not tracked by git", "Dockerfile is not tracked by git"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want it to say %q", err, want)
		}
	}
	if got, want := exitCode(err), 1; got != want {
		t.Errorf("exit code = %d, want %d", got, want)
	}
}

func TestNotRegularFile(t *testing.T) {
	dir := newRepo(t)
	if err := os.Symlink("main.go", filepath.Join(dir, "cmd/app/link.go")); err != nil {
		t.Fatal(err)
	}
	gitIn(t, dir, "add", "cmd/app/link.go")
	_, _, err := release(t, "-dir", dir, "-dry-run")
	if err == nil || !strings.Contains(err.Error(), "cmd/app/link.go is not a regular file") {
		t.Errorf("err = %v, want one naming the symlink", err)
	}
}

func TestFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-no-such-flag"},
		{"-dry-run=maybe"},
		{"extra"},
		{"-out", ""},
		{"-dir", ""},
	} {
		_, stderr, err := release(t, args...)
		if !errors.Is(err, errUsage) {
			t.Errorf("release %q: err = %v, want a usage error", args, err)
		}
		if got, want := exitCode(err), 2; got != want {
			t.Errorf("release %q: exit code = %d, want %d", args, got, want)
		}
		if args[0] == "-no-such-flag" && !strings.Contains(stderr, "-dry-run") {
			t.Errorf("release %q: stderr = %q, want the usage", args, stderr)
		}
	}
	if _, _, err := release(t, "-h"); err != nil || exitCode(err) != 0 {
		t.Errorf("release -h: err = %v, want none", err)
	}
}

// The bundle is a module of its own: unpacked alone, every package and test
// compiles with only go.mod, go.sum and the module cache. go vet compiles
// them all (and vets them) without running anything.
func TestBundleIsSelfContainedModule(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not installed")
	}
	src, err := collect(t.Context(), "../..")
	if err != nil {
		t.Fatalf("%v\n(the bundle holds the files git tracks: git add new files it needs)", err)
	}
	b, err := archive(src)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files, _ := unpack(t, b)
	for name, f := range files {
		writeTestFile(t, filepath.Join(dir, filepath.FromSlash(name)), content(t, f))
	}

	vet := exec.CommandContext(t.Context(), goCmd, "vet", "./...")
	vet.Dir = dir
	vet.Env = append(os.Environ(), "GOFLAGS=-mod=readonly", "GOPROXY=off", "GOWORK=off")
	if out, err := vet.CombinedOutput(); err != nil {
		hint := ""
		if len(src.Untracked) > 0 {
			hint = fmt.Sprintf("\n(untracked files are left out of the bundle; git add those it needs: %s)", strings.Join(src.Untracked, ", "))
		}
		t.Fatalf("go vet ./... in the unpacked bundle: %v\n%s%s", err, out, hint)
	}
}
