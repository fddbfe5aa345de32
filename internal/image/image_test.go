package image_test

import (
	"archive/tar"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/google/go-containerregistry/pkg/v1/validate"

	"github.com/currency-convertor-ecs/currency-api/internal/image"
	"github.com/currency-convertor-ecs/currency-api/internal/image/imagetest"
)

var (
	amd64 = image.Platform{OS: "linux", Arch: "amd64"}
	arm64 = image.Platform{OS: "linux", Arch: "arm64"}
)

func spec() image.Spec {
	return image.Spec{
		Binaries: map[image.Platform][]byte{
			amd64: imagetest.Binary("amd64", "amd64 binary"),
			arm64: imagetest.Binary("arm64", "arm64 binary"),
		},
		Version:       "1.2.3",
		Revision:      "0123456789abcdef0123456789abcdef01234567",
		Created:       time.Date(2026, 12, 1, 9, 30, 15, 0, time.UTC),
		RatesLastDate: "2025-05-09",
		RatesSHA256:   strings.Repeat("ab", 32),
	}
}

func mustIndex(t *testing.T, s image.Spec) v1.ImageIndex {
	t.Helper()
	idx, err := image.Index(s)
	if err != nil {
		t.Fatal(err)
	}
	return idx
}

func digests(t *testing.T, idx v1.ImageIndex) image.Digests {
	t.Helper()
	d, err := image.DigestsOf(idx)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Same inputs, same bytes; each input that should count does.
func TestIndexIsReproducible(t *testing.T) {
	first := digests(t, mustIndex(t, spec()))

	// The same spec again, its map filled in the other order and its time
	// given in another zone with sub-second noise: nothing changes.
	again := spec()
	again.Binaries = map[image.Platform][]byte{arm64: again.Binaries[arm64], amd64: again.Binaries[amd64]}
	again.Created = again.Created.In(time.FixedZone("CET", 3600)).Add(400 * time.Millisecond)
	if diff := cmp.Diff(first, digests(t, mustIndex(t, again))); diff != "" {
		t.Errorf("a second build of the same inputs differs (-first +second):\n%s", diff)
	}

	for name, change := range map[string]func(*image.Spec){
		"created":    func(s *image.Spec) { s.Created = s.Created.Add(time.Second) },
		"binary":     func(s *image.Spec) { s.Binaries[amd64] = imagetest.Binary("amd64", "other") },
		"revision":   func(s *image.Spec) { s.Revision = "fedcba" },
		"rates hash": func(s *image.Spec) { s.RatesSHA256 = strings.Repeat("cd", 32) },
		"version":    func(s *image.Spec) { s.Version = "1.2.4" },
		"rates date": func(s *image.Spec) { s.RatesLastDate = "2025-05-12" },
	} {
		s := spec()
		change(&s)
		if got := digests(t, mustIndex(t, s)).Index; got == first.Index {
			t.Errorf("changing the %s left the index digest %s unchanged", name, got)
		}
	}
}

// Written out and read back as an OCI layout, the index passes
// go-containerregistry's validate, which reads every blob and checks the
// digests, sizes and diff IDs the manifests and configs claim.
func TestIndexValidates(t *testing.T) {
	idx := mustIndex(t, spec())
	dir := t.TempDir()
	if _, err := layout.Write(dir, idx); err != nil {
		t.Fatal(err)
	}
	p, err := layout.FromPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := p.ImageIndex()
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Index(stored); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(digests(t, idx).Images, digests(t, stored).Images); diff != "" {
		t.Errorf("the stored images' digests differ from the built ones (-built +stored):\n%s", diff)
	}
}

func TestIndexHasOneOCIImagePerPlatform(t *testing.T) {
	idx := mustIndex(t, spec())
	m, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if m.MediaType != types.OCIImageIndex {
		t.Errorf("index media type %s, want %s", m.MediaType, types.OCIImageIndex)
	}
	var platforms []string
	for _, desc := range m.Manifests {
		platforms = append(platforms, desc.Platform.String())
		if desc.MediaType != types.OCIManifestSchema1 {
			t.Errorf("%s: manifest media type %s, want %s", desc.Platform, desc.MediaType, types.OCIManifestSchema1)
		}
	}
	if diff := cmp.Diff([]string{"linux/amd64", "linux/arm64"}, platforms); diff != "" {
		t.Errorf("platforms (-want +got):\n%s", diff)
	}
}

func TestImageConfig(t *testing.T) {
	s := spec()
	idx := mustIndex(t, s)
	for _, p := range []image.Platform{amd64, arm64} {
		img, err := image.ImageFor(idx, p)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := img.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		if cfg.OS != p.OS || cfg.Architecture != p.Arch {
			t.Errorf("%s: config says %s/%s", p, cfg.OS, cfg.Architecture)
		}
		if !cfg.Created.Time.Equal(s.Created) {
			t.Errorf("%s: created %s, want the commit time %s", p, cfg.Created.Time, s.Created)
		}
		if cfg.RootFS.Type != "layers" || len(cfg.RootFS.DiffIDs) != 1 {
			t.Errorf("%s: rootfs %+v, want one layer", p, cfg.RootFS)
		}
		want := v1.Config{
			User:         "65532:65532",
			ExposedPorts: map[string]struct{}{"8080/tcp": {}},
			Entrypoint:   []string{"/currency-api"},
			Healthcheck: &v1.HealthConfig{
				Test:        []string{"CMD", "/currency-api", "healthcheck"},
				Interval:    15 * time.Second,
				Timeout:     5 * time.Second,
				StartPeriod: 5 * time.Second,
				Retries:     3,
			},
			Labels: map[string]string{
				"org.opencontainers.image.title":                                "currency-api",
				"org.opencontainers.image.description":                          "Currency conversion on the ECB euro reference rates",
				"org.opencontainers.image.licenses":                             "Apache-2.0",
				"org.opencontainers.image.source":                               "https://github.com/currency-convertor-ecs/currency-api",
				"org.opencontainers.image.version":                              "1.2.3",
				"org.opencontainers.image.revision":                             "0123456789abcdef0123456789abcdef01234567",
				"org.opencontainers.image.created":                              "2026-12-01T09:30:15Z",
				"io.github.currency-convertor-ecs.currency-api.rates.last-date": "2025-05-09",
				"io.github.currency-convertor-ecs.currency-api.rates.sha256":    strings.Repeat("ab", 32),
			},
		}
		if diff := cmp.Diff(want, cfg.Config); diff != "" {
			t.Errorf("%s: config (-want +got):\n%s", p, diff)
		}
	}
}

// The layer holds the binary, /etc/passwd and /etc/group and nothing else,
// owned by root, at the commit's time.
func TestLayerFiles(t *testing.T) {
	s := spec()
	img, err := image.ImageFor(mustIndex(t, s), arm64)
	if err != nil {
		t.Fatal(err)
	}
	layers, err := img.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("layers: %d, %v; want 1", len(layers), err)
	}
	rc, err := layers[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	var got []string
	contents := map[string]string{}
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if hdr.Uid != 0 || hdr.Gid != 0 || hdr.Uname != "" || hdr.Gname != "" {
			t.Errorf("%s owned by %d:%d (%q:%q), want 0:0 and no names", hdr.Name, hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname)
		}
		if !hdr.ModTime.Equal(s.Created) {
			t.Errorf("%s modified %s, want the commit time %s", hdr.Name, hdr.ModTime, s.Created)
		}
		got = append(got, "/"+strings.TrimSuffix(hdr.Name, "/")+" "+hdr.FileInfo().Mode().String())
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		contents["/"+hdr.Name] = string(b)
	}
	want := []string{"/currency-api -rwxr-xr-x", "/etc drwxr-xr-x", "/etc/group -rw-r--r--", "/etc/passwd -rw-r--r--"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("layer entries (-want +got):\n%s", diff)
	}
	var fromFiles []string
	for _, f := range image.Files() {
		mode := f.Mode
		if f.Dir {
			mode |= 1 << 31 // fs.ModeDir
		}
		fromFiles = append(fromFiles, f.Path+" "+mode.String())
	}
	if diff := cmp.Diff(want, fromFiles); diff != "" {
		t.Errorf("image.Files() (-want +got):\n%s", diff)
	}
	if contents["/currency-api"] != string(s.Binaries[arm64]) {
		t.Errorf("/currency-api is not the arm64 binary")
	}
	if !strings.Contains(contents["/etc/passwd"], "\nnonroot:x:65532:65532:") {
		t.Errorf("/etc/passwd has no nonroot 65532:\n%s", contents["/etc/passwd"])
	}
	if !strings.Contains(contents["/etc/group"], "\nnonroot:x:65532:") {
		t.Errorf("/etc/group has no nonroot 65532:\n%s", contents["/etc/group"])
	}
}

func TestIndexRejectsAnIncompleteSpec(t *testing.T) {
	_, err := image.Index(image.Spec{Binaries: map[image.Platform][]byte{{OS: "linux", Arch: "s390x"}: nil}})
	if err == nil {
		t.Fatal("an empty spec built an image")
	}
	for _, want := range []string{
		`platform "linux/s390x"`, "binary for linux/s390x is empty", "version is empty", "revision is empty",
		"rates last date is empty", "rates sha256 is empty", "created is not set",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

func TestParsePlatform(t *testing.T) {
	for _, ok := range []string{"linux/amd64", "linux/arm64"} {
		p, err := image.ParsePlatform(ok)
		if err != nil || p.String() != ok {
			t.Errorf("ParsePlatform(%q) = %v, %v", ok, p, err)
		}
	}
	for _, bad := range []string{"", "linux", "linux/", "windows/amd64", "linux/arm", "linux/amd64/v2"} {
		if _, err := image.ParsePlatform(bad); err == nil {
			t.Errorf("ParsePlatform(%q) accepted it", bad)
		}
	}
}

// A binary that would not start from an empty base on its platform is
// refused before any image is made.
func TestIndexRejectsABinaryForTheWrongPlatform(t *testing.T) {
	for name, tc := range map[string]struct {
		binary []byte
		want   string
	}{
		"amd64 binary in the arm64 image": {imagetest.Binary("amd64", "x"), "binary for linux/arm64: built for EM_X86_64, want EM_AARCH64"},
		"dynamically linked":              {imagetest.DynamicBinary("arm64", "x"), "binary for linux/arm64: dynamically linked"},
		"not ELF":                         {[]byte("#!/bin/sh\necho hi\n"), "binary for linux/arm64: not an ELF file"},
	} {
		s := spec()
		s.Binaries[arm64] = tc.binary
		if _, err := image.Index(s); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", name, err, tc.want)
		}
	}
}
