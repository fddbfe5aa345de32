package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/currency-convertor-ecs/currency-api/internal/reprozip"
)

// bundleFiles are the single files the bundle holds, and bundleDirs the
// folders it holds everything (tracked) under: what the buildspec and the
// image build need, tests and testdata included because the buildspec runs
// go test ./... before it builds the image. The buildspec itself is not in
// the bundle: it is the pipeline module's (infra/modules/pipeline), given to
// CodeBuild by Terraform, so an upload cannot change what the build checks.
var (
	bundleFiles = []string{"Dockerfile", ".dockerignore", "go.mod", "go.sum", "scripts/build.sh"}
	bundleDirs  = []string{"cmd", "internal"}
)

// releaseName is the entry that holds the release ID, which the buildspec
// reads for the image tag.
const releaseName = "RELEASE"

// epochName is the entry that holds the release commit's time, in seconds
// since 1970 (reproducible-builds.org's SOURCE_DATE_EPOCH): the image's
// created time, so the same commit gives the same image digest.
const epochName = "SOURCE_DATE_EPOCH"

// noGitEpoch is the epoch of a bundle made without git and without an
// earlier bundle's SOURCE_DATE_EPOCH: 1980-01-01, the time every zip entry
// carries.
const noGitEpoch = "315532800"

// epoch is what SOURCE_DATE_EPOCH may hold.
var epoch = regexp.MustCompile(`^[1-9][0-9]{0,11}$`)

// releaseID is what a release ID may contain: it becomes part of an image tag.
var releaseID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)

// entry is one file of the bundle.
type entry struct {
	Name string // slash-separated, relative to the repository root
	Exec bool   // stored as 0755 instead of 0644
	Data []byte
}

// source is what goes into a bundle: its files, sorted by name, and its
// release ID, with how that ID was found when git did not give it.
type source struct {
	Entries   []entry
	Release   string
	Epoch     string   // the commit's time, seconds since 1970
	Note      string   // why the files did not come from git, or ""
	Origin    string   // where Release came from, when not from git
	Untracked []string // untracked files under the bundle's paths, left out
}

// collect reads the bundle's files from the repository root dir: the files
// git tracks under the bundle's paths, with their content from the working
// tree. Outside a git work tree it takes every file under those paths
// instead, and says so in Note.
func collect(ctx context.Context, dir string) (source, error) {
	root, note, err := gitRoot(ctx, dir)
	if err != nil {
		return source{}, err
	}
	if note != "" {
		return collectFiles(dir, note)
	}
	return collectGit(ctx, root)
}

// gitRoot returns dir's absolute path when dir is the root of a git work
// tree. When it is not (no git, no repository, or only a subdirectory of
// another repository's work tree) it returns a note saying why; other git
// failures, such as a repository git refuses to read, are errors.
func gitRoot(ctx context.Context, dir string) (root, note string, err error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", "", err
	}
	if abs, err = filepath.EvalSymlinks(abs); err != nil {
		return "", "", fmt.Errorf("repository root: %w", err)
	}
	if _, err := exec.LookPath("git"); err != nil {
		return abs, "git is not installed", nil
	}
	out, err := git(ctx, abs, "rev-parse", "--show-toplevel")
	if err != nil {
		if strings.Contains(err.Error(), "not a git repository") {
			return abs, "not in a git work tree", nil
		}
		return "", "", err
	}
	top, err := filepath.EvalSymlinks(strings.TrimSpace(string(out)))
	if err != nil {
		return "", "", fmt.Errorf("git work tree root: %w", err)
	}
	if top != abs {
		return abs, fmt.Sprintf("inside the git work tree %s, not at its root", top), nil
	}
	return abs, "", nil
}

// collectGit reads the tracked files under the bundle's paths. The release
// ID is HEAD's commit ID, with -dirty when those paths differ from it
// (untracked files do not count: they are not shipped).
func collectGit(ctx context.Context, root string) (source, error) {
	pathspec := append([]string{"--"}, slices.Concat(bundleFiles, bundleDirs)...)
	out, err := git(ctx, root, append([]string{"ls-files", "-z"}, pathspec...)...)
	if err != nil {
		return source{}, err
	}
	var names []string
	for name := range strings.SplitSeq(string(out), "\x00") {
		if name != "" {
			names = append(names, name)
		}
	}
	src := source{}
	for _, name := range names {
		e, err := readEntry(root, name)
		if errors.Is(err, fs.ErrNotExist) {
			continue // deleted in the work tree: the work tree is what ships, and RELEASE says -dirty
		}
		if err != nil {
			return source{}, err
		}
		src.Entries = append(src.Entries, e)
	}
	if err := complete(src.Entries, "tracked by git"); err != nil {
		return source{}, err
	}

	head, err := git(ctx, root, "rev-parse", "--verify", "HEAD^{commit}")
	if err != nil {
		return source{}, fmt.Errorf("no commit to name the release after: %w", err)
	}
	src.Release = strings.TrimSpace(string(head))
	committed, err := git(ctx, root, "log", "-1", "--format=%ct", "HEAD")
	if err != nil {
		return source{}, err
	}
	src.Epoch = strings.TrimSpace(string(committed))
	status, err := git(ctx, root, append([]string{"status", "--porcelain", "-z", "--untracked-files=no"}, pathspec...)...)
	if err != nil {
		return source{}, err
	}
	if len(status) > 0 {
		src.Release += "-dirty"
	}
	untracked, err := git(ctx, root, append([]string{"ls-files", "-z", "--others", "--exclude-standard"}, pathspec...)...)
	if err != nil {
		return source{}, err
	}
	for name := range strings.SplitSeq(string(untracked), "\x00") {
		if name != "" {
			src.Untracked = append(src.Untracked, name)
		}
	}
	sortEntries(src.Entries)
	return src, nil
}

// collectFiles reads every file under the bundle's paths from the file
// system. The release ID is the one in dir's RELEASE file when there is one
// (dir is an unpacked bundle), else "nogit-" and a digest of the content.
func collectFiles(dir, note string) (source, error) {
	src := source{Note: note}
	for _, name := range bundleFiles {
		e, err := readEntry(dir, name)
		if errors.Is(err, fs.ErrNotExist) {
			continue // complete reports it
		}
		if err != nil {
			return source{}, err
		}
		src.Entries = append(src.Entries, e)
	}
	for _, top := range bundleDirs {
		err := filepath.WalkDir(filepath.Join(dir, top), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, err := filepath.Rel(dir, p)
			if err != nil {
				return err
			}
			e, err := readEntry(dir, filepath.ToSlash(rel))
			if err != nil {
				return err
			}
			src.Entries = append(src.Entries, e)
			return nil
		})
		if err != nil {
			return source{}, fmt.Errorf("read %s: %w", top, err)
		}
	}
	if err := complete(src.Entries, "present"); err != nil {
		return source{}, err
	}
	sortEntries(src.Entries)

	b, err := os.ReadFile(filepath.Join(dir, releaseName))
	switch {
	case err == nil:
		src.Release = strings.TrimSpace(string(b))
		if !releaseID.MatchString(src.Release) {
			return source{}, fmt.Errorf("%s holds %q, not a release ID (letters, digits, '.', '_', '-')", releaseName, src.Release)
		}
		src.Origin = "the existing RELEASE file"
	case errors.Is(err, fs.ErrNotExist):
		src.Release = "nogit-" + contentDigest(src.Entries)[:12]
		src.Origin = "a digest of the content"
	default:
		return source{}, err
	}

	b, err = os.ReadFile(filepath.Join(dir, epochName))
	switch {
	case err == nil:
		src.Epoch = strings.TrimSpace(string(b))
		if !epoch.MatchString(src.Epoch) {
			return source{}, fmt.Errorf("%s holds %q, not seconds since 1970", epochName, src.Epoch)
		}
	case errors.Is(err, fs.ErrNotExist):
		src.Epoch = noGitEpoch
	default:
		return source{}, err
	}
	return src, nil
}

// readEntry reads the regular file name (slash-separated, relative to root).
func readEntry(root, name string) (entry, error) {
	p := filepath.Join(root, filepath.FromSlash(name))
	info, err := os.Lstat(p)
	if err != nil {
		return entry{}, err
	}
	if !info.Mode().IsRegular() {
		return entry{}, fmt.Errorf("%s is not a regular file (%s): the bundle holds regular files only", name, info.Mode().Type())
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return entry{}, err
	}
	return entry{Name: name, Exec: info.Mode().Perm()&0o111 != 0, Data: data}, nil
}

// complete checks that every single file the bundle needs is among entries.
func complete(entries []entry, how string) error {
	var missing []error
	for _, name := range bundleFiles {
		if !slices.ContainsFunc(entries, func(e entry) bool { return e.Name == name }) {
			missing = append(missing, fmt.Errorf("%s is not %s: the pipeline needs it", name, how))
		}
	}
	return errors.Join(missing...)
}

func sortEntries(entries []entry) {
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.Name, b.Name) })
}

// contentDigest is a sha256 over the entries' names, modes and contents.
func contentDigest(entries []entry) string {
	h := sha256.New()
	for _, e := range entries {
		fmt.Fprintf(h, "%s\x00%t\x00%d\x00", e.Name, e.Exec, len(e.Data))
		h.Write(e.Data)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// git runs git in dir and returns its standard output; a failure carries
// git's own message.
func git(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	// Read-only use: do not take the index lock that git status may take to
	// refresh it, so a concurrent git command in the same tree is not disturbed.
	cmd.Env = append(os.Environ(), "GIT_OPTIONAL_LOCKS=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// all is every entry of the bundle, RELEASE and SOURCE_DATE_EPOCH included,
// sorted by name.
func (src source) all() []entry {
	entries := append(slices.Clone(src.Entries),
		entry{Name: releaseName, Data: []byte(src.Release + "\n")},
		entry{Name: epochName, Data: []byte(src.Epoch + "\n")})
	sortEntries(entries)
	return entries
}

// archive writes the bundle: the entries and the RELEASE file, sorted by
// name, deflated, each with the fixed time, mode 0644 or 0755 and no extra
// fields (reprozip), so the same files and release ID give the same bytes.
func archive(src source) ([]byte, error) {
	entries := src.all()
	files := make([]reprozip.Entry, 0, len(entries))
	for i, e := range entries {
		if i > 0 && entries[i-1].Name == e.Name {
			return nil, fmt.Errorf("%s appears twice", e.Name)
		}
		if name := path.Clean(e.Name); name != e.Name || path.IsAbs(name) || strings.HasPrefix(name, "../") {
			return nil, fmt.Errorf("%q is not a clean relative path", e.Name)
		}
		mode := fs.FileMode(0o644)
		if e.Exec {
			mode = 0o755
		}
		files = append(files, reprozip.Entry{Name: e.Name, Mode: mode, Data: e.Data})
	}
	return reprozip.Write(files)
}
