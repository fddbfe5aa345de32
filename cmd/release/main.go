// Command release builds the delivery pipeline's source bundle: the zip that
// is uploaded to the environment's source bucket, on which CodeBuild runs the
// pipeline module's buildspec (infra/modules/pipeline/buildspec.yml: tests,
// vulnerability gate, image build, push, scan gate, deploy).
//
// Usage:
//
//	release [-dir .] [-out dist/currency-api-source.zip] [-dry-run]
//
// The bundle holds exactly what the buildspec and the image build need:
// Dockerfile, .dockerignore, go.mod, go.sum,
// scripts/build.sh and everything under cmd/ and internal/ (tests and
// testdata too, since the buildspec runs go test ./...), plus a RELEASE file
// naming the commit, which the buildspec puts in the image tag and version,
// and a SOURCE_DATE_EPOCH file with the commit's time (seconds since 1970),
// the image's created time.
//
// The file list comes from git (git ls-files), the content from the working
// tree, so untracked files never ship; RELEASE is HEAD's commit ID, with
// -dirty when those paths have uncommitted changes. Outside a git work tree
// it takes every file under those paths and says so; RELEASE is then the
// existing RELEASE file's (an unpacked bundle) or "nogit-" and a digest of
// the content, and SOURCE_DATE_EPOCH the existing file's or 315532800
// (1980-01-01, the zip entries' time).
//
// The zip is deterministic: entries sorted by name, one fixed timestamp,
// modes 0644 or 0755, no extra fields. The same files give the same bytes.
//
// It prints one summary line (files, bytes, sha256, RELEASE); -dry-run prints
// the file list with sizes and the summary, and writes nothing. Bad flags
// exit 2, other failures 1.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/currency-convertor-ecs/currency-api/internal/atomicfile"
)

// errUsage marks bad command-line flags.
var errUsage = errors.New("usage")

func main() {
	err := run(context.Background(), os.Args, os.Getenv, os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
	}
	os.Exit(exitCode(err))
}

// exitCode is 0 on success, 2 for bad flags and 1 for any other failure.
func exitCode(err error) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage):
		return 2
	default:
		return 1
	}
}

// options are the command-line flags.
type options struct {
	Dir    string
	Out    string
	DryRun bool
}

// run is the whole program; main only calls it, and tests call it directly.
// getenv is unused: git reads its own environment.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	opts, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}

	src, err := collect(ctx, opts.Dir)
	if err != nil {
		return fmt.Errorf("collect the bundle's files: %w", err)
	}
	if src.Note != "" {
		fmt.Fprintf(stderr, "release: warning: no git work tree at %s (%s): the bundle holds every file under its paths, tracked or not; RELEASE is %s\n", opts.Dir, src.Note, src.Origin)
	}
	if n := len(src.Untracked); n > 0 {
		fmt.Fprintf(stderr, "release: warning: %d untracked files left out (git add them to ship them): %s\n", n, strings.Join(src.Untracked, ", "))
	}
	zipped, err := archive(src)
	if err != nil {
		return fmt.Errorf("write the bundle: %w", err)
	}
	sum := sha256.Sum256(zipped)
	entries := src.all()
	counts := fmt.Sprintf("%d files, %d bytes, sha256 %s, RELEASE %s",
		len(entries), len(zipped), hex.EncodeToString(sum[:]), src.Release)

	if opts.DryRun {
		for _, e := range entries {
			fmt.Fprintf(stdout, "%10d  %s\n", len(e.Data), e.Name)
		}
		fmt.Fprintf(stdout, "release: dry run, nothing written: %s\n", counts)
		return nil
	}
	if err := atomicfile.Write(opts.Out, zipped); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "release: %s: %s\n", opts.Out, counts)
	return nil
}

// parseFlags reads the command line, reporting every problem at once.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("release", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts options
	fs.StringVar(&opts.Dir, "dir", ".", "repository root to bundle")
	fs.StringVar(&opts.Out, "out", "dist/currency-api-source.zip", "`path` of the zip to write")
	fs.BoolVar(&opts.DryRun, "dry-run", false, "print the file list with sizes and the bundle's sha256; write nothing")
	if len(args) > 0 {
		args = args[1:]
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return options{}, err
		}
		return options{}, fmt.Errorf("%w: %w", errUsage, err)
	}
	var problems []error
	if fs.NArg() > 0 {
		problems = append(problems, fmt.Errorf("unexpected arguments %q", fs.Args()))
	}
	if opts.Dir == "" {
		problems = append(problems, errors.New("-dir must not be empty"))
	}
	if opts.Out == "" {
		problems = append(problems, errors.New("-out must not be empty"))
	}
	if len(problems) > 0 {
		return options{}, fmt.Errorf("%w:\n%w", errUsage, errors.Join(problems...))
	}
	return opts, nil
}
