// Command imagebuild assembles the release container image from the release
// binaries of scripts/build.sh, without a Docker daemon (internal/image), and
// writes it as an OCI image layout, pushes one platform's image to a
// registry, or both.
//
// Usage:
//
//	imagebuild -binary linux/amd64=bin/currency-api-linux-amd64 [-binary linux/arm64=...]
//	           -version V -revision COMMIT -created UNIX_SECONDS
//	           [-layout DIR [-ref NAME]]
//	           [-push REPOSITORY:TAG -platform linux/arm64 [-ref-file FILE] [-push-timeout 10m]]
//
// -created is the commit's time in seconds since 1970 (SOURCE_DATE_EPOCH,
// git log -1 --format=%ct): the image's only timestamp, so two builds of
// one commit and one rates snapshot give one digest. The rates labels come
// from the snapshot this command was compiled with (go run compiles the
// tree the binaries were built from).
//
// -layout writes the image index to DIR as an OCI image layout, its
// index.json naming the index -ref (default: the version). DIR must be
// empty, absent or an earlier layout, which is replaced.
//
// -push writes -platform's image (a plain image manifest, not the index:
// ECR scans images, and the deploy gates on the scan of the digest it
// deploys) to REPOSITORY:TAG. For an ECR registry
// (ACCOUNT.dkr.ecr.REGION.amazonaws.com) it signs in with an ECR
// authorization token from the AWS credentials in the environment
// (ecr:GetAuthorizationToken); for any other registry it uses the Docker
// config's credentials, or none. It prints the pushed REPOSITORY@sha256:...,
// and writes it to -ref-file when set.
//
// It prints the digests of the index and of each platform's image.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/ecb"
	"github.com/currency-convertor-ecs/currency-api/internal/image"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "imagebuild:", err)
		var usage usageError
		if errors.As(err, &usage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// usageError is a bad flag: exit 2, as flag parsing does.
type usageError struct{ error }

type options struct {
	binaries    map[image.Platform]string
	version     string
	revision    string
	created     time.Time
	layout      string
	ref         string
	push        string
	platform    image.Platform
	refFile     string
	pushTimeout time.Duration
}

// binaryFlags collects repeated -binary PLATFORM=PATH flags.
type binaryFlags map[image.Platform]string

func (b binaryFlags) String() string { return fmt.Sprint(map[image.Platform]string(b)) }

func (b binaryFlags) Set(v string) error {
	platform, path, ok := strings.Cut(v, "=")
	if !ok || path == "" {
		return fmt.Errorf("%q: want PLATFORM=PATH, e.g. linux/amd64=bin/currency-api-linux-amd64", v)
	}
	p, err := image.ParsePlatform(platform)
	if err != nil {
		return err
	}
	if _, dup := b[p]; dup {
		return fmt.Errorf("%s given twice", p)
	}
	b[p] = path
	return nil
}

func parseFlags(args []string) (options, error) {
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	binaries := binaryFlags{}
	fs.Var(binaries, "binary", "PLATFORM=PATH of a release binary (repeat per platform)")
	version := fs.String("version", "", "the version stamped into the binaries")
	revision := fs.String("revision", "", "the commit the binaries were built from")
	created := fs.String("created", "", "the commit's time, seconds since 1970 (git log -1 --format=%ct)")
	layout := fs.String("layout", "", "write the image index as an OCI layout to this directory")
	ref := fs.String("ref", "", "the layout's name for the index (default: the version)")
	push := fs.String("push", "", "push -platform's image to REPOSITORY:TAG")
	platform := fs.String("platform", "", "the platform to push (linux/amd64 or linux/arm64)")
	refFile := fs.String("ref-file", "", "with -push, write the pushed REPOSITORY@sha256:... here")
	pushTimeout := fs.Duration("push-timeout", 10*time.Minute, "with -push, the bound on the whole push")
	if err := fs.Parse(args[1:]); err != nil {
		return options{}, usageError{err}
	}
	if fs.NArg() > 0 {
		return options{}, usageError{fmt.Errorf("unexpected arguments %q", fs.Args())}
	}
	o := options{
		binaries: binaries, version: *version, revision: *revision, layout: *layout,
		ref: *ref, push: *push, refFile: *refFile, pushTimeout: *pushTimeout,
	}
	var errs []error
	if len(binaries) == 0 {
		errs = append(errs, errors.New("-binary: none given"))
	}
	if o.version == "" {
		errs = append(errs, errors.New("-version: not set"))
	}
	if o.revision == "" {
		errs = append(errs, errors.New("-revision: not set"))
	}
	if secs, err := strconv.ParseInt(*created, 10, 64); err != nil || secs <= 0 {
		errs = append(errs, fmt.Errorf("-created %q: want the commit's time in seconds since 1970 (git log -1 --format=%%ct)", *created))
	} else {
		o.created = time.Unix(secs, 0).UTC()
	}
	if o.layout == "" && o.push == "" {
		errs = append(errs, errors.New("nothing to do: give -layout, -push or both"))
	}
	if o.ref == "" {
		o.ref = o.version
	}
	if o.push != "" {
		p, err := image.ParsePlatform(*platform)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("-platform: %w", err))
		case binaries[p] == "":
			errs = append(errs, fmt.Errorf("-platform %s: no -binary for it", p))
		default:
			o.platform = p
		}
		if o.pushTimeout <= 0 {
			errs = append(errs, fmt.Errorf("-push-timeout %s: want a positive duration", o.pushTimeout))
		}
	} else if *platform != "" || o.refFile != "" {
		errs = append(errs, errors.New("-platform and -ref-file go with -push"))
	}
	if err := errors.Join(errs...); err != nil {
		return options{}, usageError{err}
	}
	return o, nil
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	o, err := parseFlags(args)
	if err != nil {
		return err
	}
	_, snap, err := ecb.LoadSnapshot()
	if err != nil {
		return fmt.Errorf("read the embedded rates snapshot: %w", err)
	}
	spec := image.Spec{
		Binaries:      map[image.Platform][]byte{},
		Version:       o.version,
		Revision:      o.revision,
		Created:       o.created,
		RatesLastDate: snap.Last.String(),
		RatesSHA256:   snap.SHA256,
	}
	for p, path := range o.binaries {
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("binary for %s: %w", p, err)
		}
		spec.Binaries[p] = b
	}
	idx, err := image.Index(spec)
	if err != nil {
		return err
	}
	digests, err := image.DigestsOf(idx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "index %s (%d images, created %s, rates to %s)\n",
		digests.Index, len(digests.Images), spec.Created.Format(time.RFC3339), spec.RatesLastDate)
	for _, d := range digests.Images {
		fmt.Fprintf(stdout, "image %s %s\n", d.Platform, d.Digest)
	}

	if o.layout != "" {
		if err := writeLayout(o.layout, o.ref, idx); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "layout %s (index.json names it %q)\n", o.layout, o.ref)
	}
	if o.push != "" {
		pushed, err := pushImage(ctx, o, idx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "pushed %s %s\n", o.platform, pushed)
		if o.refFile != "" {
			if err := os.WriteFile(o.refFile, []byte(pushed+"\n"), 0o644); err != nil {
				return fmt.Errorf("-ref-file: %w", err)
			}
		}
	}
	return nil
}
