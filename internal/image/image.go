// Package image assembles the release container image of the service
// without a Docker daemon: an OCI image index with one image per platform,
// each a single layer on an empty base holding the static binary and the
// two files that name its user.
//
// The binary needs nothing else: it carries its CA roots
// (golang.org/x/crypto/x509roots/fallback) and its time zone data
// (time/tzdata). Everything that could vary between two builds of the same
// inputs is fixed: every timestamp is Spec.Created (the commit's time), tar
// entries are sorted with fixed modes and owners, gzip writes no name or
// time, and JSON is marshalled from structs. So the same binaries, snapshot
// and Spec give the same digests, byte for byte.
package image

import (
	"archive/tar"
	"bytes"
	"debug/elf"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// The image's fixed facts. The Dockerfile states the same ones for people
// who build with Docker; its test compares them with Config.
const (
	// BinaryPath is where the binary sits, and the entrypoint.
	BinaryPath = "/currency-api"
	// User is distroless's "nonroot", numeric so that Kubernetes-style
	// runAsNonRoot checks and ECS need no passwd lookup to see it is not 0.
	User = "65532:65532"
	// Port is the one the service listens on unless PORT says otherwise.
	Port = "8080/tcp"
	// Source is where the code lives, for the org.opencontainers.image.source label.
	Source = "https://github.com/currency-convertor-ecs/currency-api"
)

// Healthcheck is Docker's health check extension of the image config: the
// binary's own subcommand, since the image has no shell or curl. ECS and
// Kubernetes ignore it (the task definition has its own), docker and podman
// run it.
var Healthcheck = v1.HealthConfig{
	Test:        []string{"CMD", BinaryPath, "healthcheck"},
	Interval:    15 * time.Second,
	Timeout:     5 * time.Second,
	StartPeriod: 5 * time.Second,
	Retries:     3,
}

// rootfs holds the files beside the binary; the Dockerfile copies the same
// ones from internal/image/rootfs.
//
//go:embed rootfs/etc/passwd rootfs/etc/group
var rootfs embed.FS

// Spec is everything an image is made of.
type Spec struct {
	// Binaries maps each platform to its release binary's bytes
	// (scripts/build.sh output). At least one.
	Binaries map[Platform][]byte
	// Version is stamped into the binary (main.version) and labelled.
	Version string
	// Revision is the commit the image was built from.
	Revision string
	// Created is the commit's time: the config's created field and every
	// file's modification time.
	Created time.Time
	// RatesLastDate and RatesSHA256 describe the embedded ECB history
	// (cmd/ratesnapshot info): labels only.
	RatesLastDate string
	RatesSHA256   string
}

// Platform is an OS and an architecture, as GOOS/GOARCH name them.
type Platform struct{ OS, Arch string }

func (p Platform) String() string { return p.OS + "/" + p.Arch }

// ParsePlatform reads "linux/amd64" or "linux/arm64", the two the service
// is released for.
func ParsePlatform(s string) (Platform, error) {
	os, arch, ok := strings.Cut(s, "/")
	p := Platform{os, arch}
	if !ok || os != "linux" || (arch != "amd64" && arch != "arm64") {
		return Platform{}, fmt.Errorf("platform %q: want linux/amd64 or linux/arm64", s)
	}
	return p, nil
}

// Labels are the image's OCI annotations as config labels.
func (s Spec) Labels() map[string]string {
	return map[string]string{
		"org.opencontainers.image.title":       "currency-api",
		"org.opencontainers.image.description": "Currency conversion on the ECB euro reference rates",
		"org.opencontainers.image.licenses":    "Apache-2.0",
		"org.opencontainers.image.source":      Source,
		"org.opencontainers.image.version":     s.Version,
		"org.opencontainers.image.revision":    s.Revision,
		"org.opencontainers.image.created":     s.Created.UTC().Format(time.RFC3339),
		// The embedded ECB history: its last publication and the sha256 of
		// its CSV (compare with sha256sum eurofxref-hist.csv).
		"io.github.currency-convertor-ecs.currency-api.rates.last-date": s.RatesLastDate,
		"io.github.currency-convertor-ecs.currency-api.rates.sha256":    s.RatesSHA256,
	}
}

// Config is the runtime configuration every platform's image carries.
func (s Spec) Config() v1.Config {
	hc := Healthcheck
	hc.Test = slices.Clone(hc.Test)
	return v1.Config{
		User:         User,
		ExposedPorts: map[string]struct{}{Port: {}},
		Entrypoint:   []string{BinaryPath},
		Labels:       s.Labels(),
		Healthcheck:  &hc,
	}
}

func (s Spec) validate() error {
	var errs []error
	if len(s.Binaries) == 0 {
		errs = append(errs, errors.New("no binaries: want one per platform"))
	}
	for p, b := range s.Binaries {
		if _, err := ParsePlatform(p.String()); err != nil {
			errs = append(errs, err)
		}
		if len(b) == 0 {
			errs = append(errs, fmt.Errorf("binary for %s is empty", p))
		} else if err := checkBinary(p, b); err != nil {
			errs = append(errs, fmt.Errorf("binary for %s: %w", p, err))
		}
	}
	for _, f := range []struct{ name, value string }{
		{"version", s.Version},
		{"revision", s.Revision},
		{"rates last date", s.RatesLastDate},
		{"rates sha256", s.RatesSHA256},
	} {
		if strings.TrimSpace(f.value) == "" {
			errs = append(errs, fmt.Errorf("%s is empty", f.name))
		}
	}
	if s.Created.IsZero() {
		errs = append(errs, errors.New("created is not set: want the commit's time"))
	}
	return errors.Join(errs...)
}

// machines are the ELF machine each platform's binary must be built for.
var machines = map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}

// checkBinary refuses a binary that would not start on p from an empty
// base: not a 64-bit Linux ELF executable for p's architecture, or one
// that asks for a dynamic loader (the image has none). An amd64 binary in
// the arm64 image would first fail on Fargate, with "exec format error".
func checkBinary(p Platform, b []byte) error {
	f, err := elf.NewFile(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("not an ELF file: %w", err)
	}
	defer f.Close()
	var problems []string
	if want := machines[p.Arch]; f.Machine != want {
		problems = append(problems, fmt.Sprintf("built for %s, want %s", f.Machine, want))
	}
	if f.Class != elf.ELFCLASS64 || f.Type != elf.ET_EXEC {
		problems = append(problems, fmt.Sprintf("a %s %s, want a 64-bit executable (ET_EXEC)", f.Class, f.Type))
	}
	for _, prog := range f.Progs {
		if prog.Type == elf.PT_INTERP {
			problems = append(problems, "dynamically linked (it has a PT_INTERP loader, and the image has none): build it with CGO_ENABLED=0 (scripts/build.sh)")
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// Index builds the image index: one image per platform of s.Binaries, in
// platform order.
func Index(s Spec) (v1.ImageIndex, error) {
	if err := s.validate(); err != nil {
		return nil, fmt.Errorf("image spec: %w", err)
	}
	platforms := make([]Platform, 0, len(s.Binaries))
	for p := range s.Binaries {
		platforms = append(platforms, p)
	}
	slices.SortFunc(platforms, func(a, b Platform) int { return strings.Compare(a.String(), b.String()) })

	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for _, p := range platforms {
		img, err := build(s, p)
		if err != nil {
			return nil, fmt.Errorf("image for %s: %w", p, err)
		}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{
			Add:        img,
			Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: p.OS, Architecture: p.Arch}},
		})
	}
	return idx, nil
}

// build makes one platform's image.
func build(s Spec, p Platform) (v1.Image, error) {
	created := s.Created.UTC().Truncate(time.Second)
	layerTar, err := layerFor(s.Binaries[p], created)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerTar)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, err
	}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err = mutate.ConfigFile(img, &v1.ConfigFile{
		OS:           p.OS,
		Architecture: p.Arch,
		Created:      v1.Time{Time: created},
		Config:       s.Config(),
		// mutate.Append adds the layer's diff ID; the type is ours to set,
		// and runtimes refuse a config without it.
		RootFS: v1.RootFS{Type: "layers"},
	})
	if err != nil {
		return nil, err
	}
	return mutate.Append(img, mutate.Addendum{
		Layer:     layer,
		MediaType: types.OCILayer,
		History: v1.History{
			Created:   v1.Time{Time: created},
			CreatedBy: "currency-api image builder (internal/image): " + BinaryPath + ", /etc/passwd, /etc/group",
		},
	})
}

// File is one entry of the image's root file system.
type File struct {
	Path string // absolute, as the container sees it
	Mode fs.FileMode
	Dir  bool
}

// Files lists the root file system every image holds, in tar order.
func Files() []File {
	return []File{
		{Path: BinaryPath, Mode: 0o755},
		{Path: "/etc", Mode: 0o755, Dir: true},
		{Path: "/etc/group", Mode: 0o644},
		{Path: "/etc/passwd", Mode: 0o644},
	}
}

// layerFor writes the layer's tar: Files, owned by root, all at created.
func layerFor(binary []byte, created time.Time) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range Files() {
		hdr := &tar.Header{
			Name:    strings.TrimPrefix(f.Path, "/"),
			Mode:    int64(f.Mode),
			ModTime: created,
		}
		var body []byte
		switch {
		case f.Dir:
			hdr.Typeflag = tar.TypeDir
			hdr.Name += "/"
		case f.Path == BinaryPath:
			body = binary
		default:
			b, err := rootfs.ReadFile("rootfs" + f.Path)
			if err != nil {
				return nil, err
			}
			body = b
		}
		if !f.Dir {
			hdr.Typeflag = tar.TypeReg
			hdr.Size = int64(len(body))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(body); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Digests are an index's digest and its images', in index order.
type Digests struct {
	Index  v1.Hash
	Images []PlatformDigest
}

// PlatformDigest is one platform's image manifest digest.
type PlatformDigest struct {
	Platform Platform
	Digest   v1.Hash
}

// DigestsOf reads the digests of idx and of each image in it.
func DigestsOf(idx v1.ImageIndex) (Digests, error) {
	d, err := idx.Digest()
	if err != nil {
		return Digests{}, err
	}
	m, err := idx.IndexManifest()
	if err != nil {
		return Digests{}, err
	}
	out := Digests{Index: d}
	for _, desc := range m.Manifests {
		if desc.Platform == nil {
			return Digests{}, fmt.Errorf("index entry %s has no platform", desc.Digest)
		}
		out.Images = append(out.Images, PlatformDigest{Platform{desc.Platform.OS, desc.Platform.Architecture}, desc.Digest})
	}
	return out, nil
}

// ImageFor returns p's image from idx.
func ImageFor(idx v1.ImageIndex, p Platform) (v1.Image, error) {
	d, err := DigestsOf(idx)
	if err != nil {
		return nil, err
	}
	for _, img := range d.Images {
		if img.Platform == p {
			return idx.Image(img.Digest)
		}
	}
	return nil, fmt.Errorf("the index has no image for %s", p)
}
