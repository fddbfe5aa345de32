// Command lambdazip builds the deployment package of the rotation Lambda
// (cmd/rotate-origin-secret, provided.al2023 on arm64): a zip holding one
// file, bootstrap, the function's static linux/arm64 executable.
//
// Usage:
//
//	lambdazip [-dir .] [-out dist/rotate-origin-secret.zip] [-timeout 10m]
//
// It runs, in the module root -dir,
//
//	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 GOARM64=v8.0 GOFLAGS= GOEXPERIMENT= GOWORK=off \
//	    go build -trimpath -buildvcs=false -tags lambda.norpc -ldflags "-s -w" \
//	    -o <temporary file> ./cmd/rotate-origin-secret
//
// with the rest of the environment inherited (GOCACHE, GOMODCACHE, GOPROXY):
// the variables above are set, not inherited, so a developer's GOFLAGS,
// GOEXPERIMENT or go.work cannot change the executable. The build is stopped after
// -timeout.
//
// The zip is deterministic: one entry, bootstrap, deflated, mode 0755, the
// fixed time 1980-01-01 00:00:00 and no extra fields. The same source built
// by the same Go toolchain gives the same bytes; the summary line names the
// toolchain beside the sha256, in hex and in base64 (what Terraform's
// filebase64sha256 and Lambda's CodeSha256 show).
//
// Bad flags exit 2, other failures 1.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/atomicfile"
	"github.com/currency-convertor-ecs/currency-api/internal/reprozip"
)

// pkg is the Lambda's main package, relative to the module root.
const pkg = "./cmd/rotate-origin-secret"

// entryName is the one file of the package: the executable the
// provided.al2023 runtime starts.
const entryName = "bootstrap"

// buildEnv is set on the go build, over the inherited environment: the
// target, empty GOFLAGS and GOEXPERIMENT so the flags below are all the
// build gets, no FIPS 140 module (GOFIPS140 changes the binary), and no
// workspace so go.mod alone picks the dependencies. The toolchain itself is
// the one go.mod selects; the summary line names it.
var buildEnv = []string{
	"CGO_ENABLED=0", "GOOS=linux", "GOARCH=arm64", "GOARM64=v8.0", "GOFLAGS=", "GOEXPERIMENT=", "GOFIPS140=off", "GOWORK=off",
}

// buildFlags are go build's flags: static, no paths or VCS stamp of the
// machine that built it, no RPC mode of the Lambda library, stripped.
var buildFlags = []string{"-trimpath", "-buildvcs=false", "-tags", "lambda.norpc", "-ldflags", "-s -w"}

// errUsage marks bad command-line flags.
var errUsage = errors.New("usage")

func main() {
	err := run(context.Background(), os.Args, os.Getenv, os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "lambdazip:", err)
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
	Dir     string
	Out     string
	Timeout time.Duration
}

// run is the whole program; main only calls it, and tests call it directly.
// getenv is unused: go build inherits the environment.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	opts, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}

	tmp, err := os.MkdirTemp("", "lambdazip-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	binary := filepath.Join(tmp, entryName)
	if err := build(ctx, opts.Dir, binary, opts.Timeout); err != nil {
		return err
	}
	exe, err := os.ReadFile(binary)
	if err != nil {
		return err
	}
	info, err := buildinfo.Read(bytes.NewReader(exe))
	if err != nil {
		return fmt.Errorf("read the executable's build info: %w", err)
	}
	zipped, err := archive(exe)
	if err != nil {
		return fmt.Errorf("write the zip: %w", err)
	}
	if err := atomicfile.Write(opts.Out, zipped); err != nil {
		return err
	}
	sum := sha256.Sum256(zipped)
	fmt.Fprintf(stdout, "lambdazip: %s: %d bytes, sha256 %s, base64 sha256 %s, %s\n",
		opts.Out, len(zipped), hex.EncodeToString(sum[:]), base64.StdEncoding.EncodeToString(sum[:]), info.GoVersion)
	return nil
}

// parseFlags reads the command line, reporting every problem at once.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("lambdazip", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts options
	fs.StringVar(&opts.Dir, "dir", ".", "the module root to build in")
	fs.StringVar(&opts.Out, "out", "dist/rotate-origin-secret.zip", "`path` of the zip to write")
	fs.DurationVar(&opts.Timeout, "timeout", 10*time.Minute, "bound on the go build")
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
	if opts.Timeout <= 0 {
		problems = append(problems, fmt.Errorf("-timeout must be positive, not %v", opts.Timeout))
	}
	if len(problems) > 0 {
		return options{}, fmt.Errorf("%w:\n%w", errUsage, errors.Join(problems...))
	}
	return opts, nil
}

// build compiles the Lambda into out, stopping go build after timeout.
func build(ctx context.Context, dir, out string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// go build's work directory goes in a temporary directory of ours, so
	// a build stopped at the timeout leaves nothing behind.
	work, err := os.MkdirTemp("", "lambdazip-build-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	args := append(append([]string{"build"}, buildFlags...), "-o", out, pkg)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), buildEnv...), "GOTMPDIR="+work)
	// go build and the compilers it starts share a process group, so the
	// timeout stops them all, not only go.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var output bytes.Buffer
	cmd.Stdout = &output
	cmd.Stderr = &output
	// go build's compiler children may hold the output pipe after go itself
	// is killed; do not wait for them past this.
	cmd.WaitDelay = 5 * time.Second
	err = cmd.Run()
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("go build %s: timed out after %v", pkg, timeout)
	}
	if err != nil {
		return fmt.Errorf("go build %s: %w: %s", pkg, err, strings.TrimSpace(output.String()))
	}
	return nil
}

// archive writes the deployment package: exe as the one entry bootstrap,
// mode 0755, deflated, with the fixed time and no extra fields (reprozip),
// so the same executable gives the same bytes.
func archive(exe []byte) ([]byte, error) {
	return reprozip.Write([]reprozip.Entry{{Name: entryName, Mode: 0o755, Data: exe}})
}
