package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// The image cannot be built here (no Docker engine), so its promises are
// checked on the Dockerfile itself; `make build` compiles both architectures
// through the same scripts/build.sh the Dockerfile runs.
func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(b)
	stages := regexp.MustCompile(`(?m)^FROM `).FindAllStringIndex(df, -1)
	if len(stages) < 2 {
		t.Fatalf("Dockerfile has %d stages, want a multi-stage build", len(stages))
	}
	final := df[stages[len(stages)-1][0]:]
	for _, want := range []struct{ name, pattern string }{
		{"build through the shared script", `(?m)^RUN .*\n?.*scripts/build\.sh /out/currency-api "\$TARGETOS" "\$TARGETARCH" "\$VERSION"`},
		{"cross-compile on the build platform, from the Go image", `(?m)^FROM --platform=\$BUILDPLATFORM \$\{GO_IMAGE\}:\$\{GO_VERSION\}-bookworm AS build$`},
		{"GO_IMAGE defaulting to the official golang image", `(?m)^ARG GO_IMAGE=golang$`},
		{"pinned GO_VERSION (major.minor.patch)", `(?m)^ARG GO_VERSION=\d+\.\d+\.\d+$`},
		{"module download before sources", `(?s)COPY go\.mod go\.sum \./\nRUN [^\n]*go mod download.*COPY cmd/`},
	} {
		if !regexp.MustCompile(want.pattern).MatchString(df) {
			t.Errorf("Dockerfile: no %s (pattern %q)", want.name, want.pattern)
		}
	}
	for _, want := range []struct{ name, pattern string }{
		{"distroless static nonroot runtime", `^FROM gcr\.io/distroless/static[-a-z0-9]*:nonroot\n`},
		{"numeric non-root user", `(?m)^USER 65532:65532$`},
		{"port 8080", `(?m)^EXPOSE 8080$`},
		{"healthcheck through the binary", `(?m)CMD \["/currency-api", "healthcheck"\]`},
		{"entrypoint", `(?m)^ENTRYPOINT \["/currency-api"\]$`},
		{"OCI labels", `org\.opencontainers\.image\.version="\$\{VERSION\}"`},
	} {
		if !regexp.MustCompile(want.pattern).MatchString(final) {
			t.Errorf("final stage: no %s (pattern %q)", want.name, want.pattern)
		}
	}
	// A syntax directive pulls a frontend image from Docker Hub, by a moving
	// tag, on every build; BuildKit's built-in frontend is enough.
	if regexp.MustCompile(`(?mi)^#\s*syntax\s*=`).MatchString(df) {
		t.Error("Dockerfile has a syntax directive; the built-in frontend supports RUN --mount")
	}
	if strings.Contains(final, "RUN ") {
		t.Error("final stage runs commands; distroless has no shell")
	}

	build, err := os.ReadFile("../../scripts/build.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, flag := range []string{"CGO_ENABLED=0", "-trimpath", `-X main.version=$version`} {
		if !strings.Contains(string(build), flag) {
			t.Errorf("scripts/build.sh lacks %s", flag)
		}
	}
}

// The build context is an allow-list: everything is ignored except what the
// image build copies.
func TestDockerignoreIsAnAllowList(t *testing.T) {
	b, err := os.ReadFile("../../.dockerignore")
	if err != nil {
		t.Fatal(err)
	}
	var rules []string
	for line := range strings.Lines(string(b)) {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			rules = append(rules, line)
		}
	}
	if len(rules) == 0 || rules[0] != "*" {
		t.Fatalf(".dockerignore starts with %q, want *", rules)
	}
	for _, need := range []string{"!go.mod", "!go.sum", "!cmd/", "!internal/", "!scripts/build.sh"} {
		found := false
		for _, r := range rules {
			found = found || r == need
		}
		if !found {
			t.Errorf(".dockerignore does not allow %s", need)
		}
	}
}
