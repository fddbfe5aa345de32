package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/currency-convertor-ecs/currency-api/internal/image/imagetest"
	"github.com/currency-convertor-ecs/currency-api/internal/motoserver"
)

// binaries writes two stand-in release binaries and returns their flags.
func binaries(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	var flags []string
	for _, arch := range []string{"amd64", "arm64"} {
		p := filepath.Join(dir, "currency-api-linux-"+arch)
		if err := os.WriteFile(p, imagetest.Binary(arch, arch), 0o755); err != nil {
			t.Fatal(err)
		}
		flags = append(flags, "-binary", "linux/"+arch+"="+p)
	}
	return flags
}

func args(t *testing.T, extra ...string) []string {
	return append(append([]string{"imagebuild"}, binaries(t)...),
		append([]string{"-version", "v1", "-revision", "abc123", "-created", "1764581415"}, extra...)...)
}

func runOK(t *testing.T, a []string) string {
	t.Helper()
	var out bytes.Buffer
	if err := run(context.Background(), a, &out); err != nil {
		t.Fatalf("run %q: %v", a, err)
	}
	return out.String()
}

// tree reads every file under dir: path -> content.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		files[strings.TrimPrefix(p, dir)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// Two builds of the same binaries into two layouts: the second in another
// process, with another time zone, umask and working directory. The same
// files, byte for byte, and the same digests printed.
func TestTwoBuildsGiveTheSameLayout(t *testing.T) {
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	flags := args(t)
	outA := runOK(t, append(slices.Clone(flags), "-layout", a))

	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "TZ=Pacific/Kiritimati", "IMAGEBUILD_TEST_ARGS="+strings.Join(append(flags[1:], "-layout", b), "\x1f"))
	outB, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the second build: %v\n%s", err, outB)
	}
	firstLine := func(s string) string { return strings.SplitN(s, "\n", 2)[0] }
	if firstLine(outA) != firstLine(string(outB)) || !strings.HasPrefix(outA, "index sha256:") {
		t.Errorf("the two builds printed\n%s\nand\n%s", outA, outB)
	}
	if diff := cmp.Diff(tree(t, a), tree(t, b)); diff != "" {
		t.Errorf("the two layouts differ (-first +second):\n%s", diff)
	}
	if !strings.Contains(tree(t, a)["/index.json"], `"org.opencontainers.image.ref.name": "v1"`) {
		t.Errorf("index.json does not name the index after the version:\n%s", tree(t, a)["/index.json"])
	}
}

// TestMain runs TestTwoBuildsGiveTheSameLayout's second build when the test
// binary is started for it, and the tests otherwise.
func TestMain(m *testing.M) {
	if a := os.Getenv("IMAGEBUILD_TEST_ARGS"); a != "" {
		syscall.Umask(0o077)
		if err := run(context.Background(), append([]string{"imagebuild"}, strings.Split(a, "\x1f")...), os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestLayoutReplacesOnlyALayout(t *testing.T) {
	dir := t.TempDir()
	runOK(t, args(t, "-layout", dir, "-ref", "first"))
	runOK(t, args(t, "-layout", dir, "-ref", "second")) // an earlier layout: replaced
	if idx := tree(t, dir)["/index.json"]; strings.Contains(idx, "first") || !strings.Contains(idx, "second") {
		t.Errorf("index.json after the second build:\n%s", idx)
	}

	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), args(t, "-layout", other), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "not empty and not an OCI layout") {
		t.Fatalf("writing over a directory of other files: %v", err)
	}
	if _, err := os.Stat(filepath.Join(other, "notes.txt")); err != nil {
		t.Errorf("the other directory's file is gone: %v", err)
	}
}

// The push goes to go-containerregistry's registry (the distribution API
// in memory); what the registry then serves is the image the layout holds.
func TestPushWritesThePlatformImage(t *testing.T) {
	t.Setenv("DOCKER_CONFIG", t.TempDir()) // no credentials: anonymous
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	refFile := filepath.Join(t.TempDir(), "ref")

	out := runOK(t, args(t, "-layout", t.TempDir(), "-push", host+"/currency-api:v1-20261201", "-platform", "linux/arm64", "-ref-file", refFile))
	var imageLine, pushedLine string
	for line := range strings.SplitSeq(out, "\n") {
		if strings.HasPrefix(line, "image linux/arm64 ") {
			imageLine = line
		}
		if strings.HasPrefix(line, "pushed ") {
			pushedLine = line
		}
	}
	digest := strings.TrimPrefix(imageLine, "image linux/arm64 ")
	want := host + "/currency-api@" + digest
	if pushedLine != "pushed linux/arm64 "+want {
		t.Fatalf("pushed line %q, want %q; output:\n%s", pushedLine, "pushed linux/arm64 "+want, out)
	}
	if b, _ := os.ReadFile(refFile); string(b) != want+"\n" {
		t.Errorf("-ref-file holds %q, want %q", b, want)
	}

	tag, err := name.NewTag(host + "/currency-api:v1-20261201")
	if err != nil {
		t.Fatal(err)
	}
	desc, err := remote.Get(tag)
	if err != nil {
		t.Fatal(err)
	}
	if desc.Digest.String() != digest {
		t.Errorf("the registry serves %s for the tag, want the arm64 image %s", desc.Digest, digest)
	}
	img, err := desc.Image()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Architecture != "arm64" || cfg.Config.User != "65532:65532" {
		t.Errorf("pushed image config: %s, user %q", cfg.Architecture, cfg.Config.User)
	}
}

func TestBadFlags(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"nothing", []string{"imagebuild"}, []string{"-binary: none given", "-version: not set", "-revision: not set", `-created ""`, "nothing to do"}},
		{"bad binary flag", []string{"imagebuild", "-binary", "linux/amd64"}, []string{"want PLATFORM=PATH"}},
		{"unknown platform", []string{"imagebuild", "-binary", "linux/386=x"}, []string{`platform "linux/386"`}},
		{"a platform twice", []string{"imagebuild", "-binary", "linux/amd64=a", "-binary", "linux/amd64=b"}, []string{"linux/amd64 given twice"}},
		{"created not seconds", args(t, "-layout", "x", "-created", "2026-12-01"), []string{`-created "2026-12-01"`}},
		{"push without platform", args(t, "-push", "r/x:t"), []string{"-platform: "}},
		{"push a platform not built", []string{"imagebuild", "-binary", "linux/amd64=a", "-version", "v", "-revision", "r", "-created", "1", "-push", "r/x:t", "-platform", "linux/arm64"}, []string{"-platform linux/arm64: no -binary for it"}},
		{"platform without push", args(t, "-layout", "x", "-platform", "linux/amd64"), []string{"go with -push"}},
		{"zero push timeout", args(t, "-push", "r/x:t", "-platform", "linux/amd64", "-push-timeout", "0s"), []string{"-push-timeout 0s"}},
		{"stray argument", args(t, "-layout", "x", "extra"), []string{`unexpected arguments ["extra"]`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := run(context.Background(), tc.args, &bytes.Buffer{})
			var usage usageError
			if !errors.As(err, &usage) {
				t.Fatalf("error %v is not a usage error (exit 2)", err)
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
		})
	}
}

func TestPushRejectsABadReference(t *testing.T) {
	err := run(context.Background(), args(t, "-push", "Not A Reference", "-platform", "linux/amd64"), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), `-push "Not A Reference": want REPOSITORY:TAG`) {
		t.Fatalf("error: %v", err)
	}
}

type fakeTokens struct {
	token *string
	err   error
}

func (f fakeTokens) GetAuthorizationToken(context.Context, *ecr.GetAuthorizationTokenInput, ...func(*ecr.Options)) (*ecr.GetAuthorizationTokenOutput, error) {
	if f.err != nil {
		return nil, f.err
	}
	return &ecr.GetAuthorizationTokenOutput{AuthorizationData: []ecrtypes.AuthorizationData{{AuthorizationToken: f.token}}}, nil
}

func TestECRAuth(t *testing.T) {
	good := base64.StdEncoding.EncodeToString([]byte("AWS:secret-password"))
	a, err := ecrAuth(context.Background(), fakeTokens{token: &good})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := a.Authorization()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&authn.AuthConfig{Username: "AWS", Password: "secret-password"}, cfg); diff != "" {
		t.Errorf("credentials (-want +got):\n%s", diff)
	}

	for name, tc := range map[string]struct {
		tokens fakeTokens
		want   string
	}{
		"call fails":   {fakeTokens{err: errors.New("AccessDenied")}, "ecr GetAuthorizationToken: AccessDenied"},
		"no token":     {fakeTokens{}, "no token in the answer"},
		"not base64":   {fakeTokens{token: aws.String("%%%")}, "not base64"},
		"no separator": {fakeTokens{token: aws.String(base64.StdEncoding.EncodeToString([]byte("AWS")))}, "not USER:PASSWORD"},
	} {
		if _, err := ecrAuth(context.Background(), tc.tokens); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", name, err, tc.want)
		}
	}
}

// The ECR sign-in through the real SDK, from the environment's credentials,
// against moto's GetAuthorizationToken: the SDK's answer decodes to the AWS
// user and a password (moto serves any region, so the region choice is
// ecrregistry.TestParse's).
func TestECRSignInAgainstMoto(t *testing.T) {
	srv := motoserver.Start(t)
	srv.Setenv(t)
	a, err := authFor(context.Background(), "123456789012.dkr.ecr.eu-west-1.amazonaws.com")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := a.Authorization()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Username != "AWS" || cfg.Password == "" {
		t.Errorf("credentials from moto's token: user %q, password of %d bytes; want AWS and a password", cfg.Username, len(cfg.Password))
	}
}
