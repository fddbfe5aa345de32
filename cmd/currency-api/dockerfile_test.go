package main

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/moby/buildkit/frontend/dockerfile/command"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/currency-convertor-ecs/currency-api/internal/image"
)

const dockerfilePath = "../../Dockerfile"

// rootfsDir is the repository directory whose files internal/image embeds
// beside the binary (its //go:embed rootfs/etc/...), at their image paths.
const rootfsDir = "internal/image/rootfs"

// dockerfileSpecs are the builds the Dockerfile is evaluated for: two, so
// that a label fixed to one build's value shows.
var dockerfileSpecs = []image.Spec{
	{
		Version:       "1.4.0",
		Revision:      "0123456789abcdef0123456789abcdef01234567",
		Created:       time.Date(2026, 11, 30, 16, 5, 9, 0, time.UTC),
		RatesLastDate: "2026-11-30",
		RatesSHA256:   strings.Repeat("ab", 32),
	},
	{
		Version:       "dev",
		Revision:      "fedcba9876543210fedcba9876543210fedcba98",
		Created:       time.Date(1999, 1, 4, 0, 0, 0, 0, time.UTC),
		RatesLastDate: "1999-01-04",
		RatesSHA256:   strings.Repeat("0f", 32),
	},
}

// buildArgs are the --build-arg values docker build gets for s, as the
// pipeline passes them.
func buildArgs(s image.Spec) map[string]string {
	return map[string]string{
		"VERSION":         s.Version,
		"REVISION":        s.Revision,
		"CREATED":         s.Created.UTC().Format(time.RFC3339),
		"RATES_LAST_DATE": s.RatesLastDate,
		"RATES_SHA256":    s.RatesSHA256,
	}
}

// The image cannot be built here (no Docker engine), so the Dockerfile is
// read as docker build reads it, with BuildKit's own parser and shell
// lexer. Its final stage is evaluated into the config and files Docker
// would give the image, and both are compared with internal/image's, the
// release path.
func TestDockerfile(t *testing.T) {
	src, err := os.ReadFile(dockerfilePath)
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range checkDockerfile(src) {
		t.Error(err)
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

// Each change to the Dockerfile that parts it from the builder, or from
// the build's own rules, is reported.
func TestDockerfileCheckCatches(t *testing.T) {
	orig, err := os.ReadFile(dockerfilePath)
	if err != nil {
		t.Fatal(err)
	}
	replace := func(old, new string) func(string) string {
		return func(s string) string { return strings.Replace(s, old, new, 1) }
	}
	before := func(line, insert string) func(string) string {
		return replace(line, insert+"\n"+line)
	}
	for _, tc := range []struct {
		name   string
		mutate func(string) string
		want   string
	}{
		{"health check interval", replace("--interval=15s", "--interval=30s"), "Interval"},
		{"health check by shell", replace(`CMD ["/currency-api", "healthcheck"]`, "CMD /currency-api healthcheck"), "CMD-SHELL"},
		{"health check flag not modelled", replace("--retries=3", "--retries=3 --start-interval=1s"), "--start-interval"},
		{"label key", replace("org.opencontainers.image.source=", "org.opencontainers.image.url="), "org.opencontainers.image.url"},
		{"label value", replace(`"Apache-2.0"`, `"MIT"`), `"MIT"`},
		{"label fixed to one build", replace(`"${VERSION}"`, `"1.4.0"`), "org.opencontainers.image.version"},
		{"label from an undeclared ARG", replace(`"${REVISION}"`, `"${REVISON}"`), "REVISON"},
		{"root user", replace("USER 65532:65532", "USER 0:0"), "User"},
		{"port", replace("EXPOSE 8080", "EXPOSE 8080/udp"), "ExposedPorts"},
		{"shell-form entrypoint", replace(`ENTRYPOINT ["/currency-api"]`, "ENTRYPOINT /currency-api"), "Entrypoint"},
		{"ENV not modelled", before("USER 65532:65532", "ENV TZ=UTC"), "ENV"},
		{"distroless base", replace("FROM scratch", "FROM gcr.io/distroless/static-debian12:nonroot"), "FROM scratch"},
		{"RUN in the final stage", before("ENTRYPOINT", `RUN ["/currency-api", "-version"]`), "RUN"},
		{"binary mode", replace("--chmod=0755", "--chmod=0700"), "Mode"},
		{"mode left to the checkout", replace("COPY --chmod=0644 ", "COPY "), "--chmod"},
		{"binary from elsewhere", replace("/out/currency-api /currency-api", "/out/other /currency-api"), "/out/other"},
		{"passwd from elsewhere", replace("internal/image/rootfs/etc/passwd", "cmd/currency-api/main.go"), "main.go"},
		{"file the builder lacks", before("USER 65532:65532", "COPY --chmod=0644 go.mod /etc/go.mod"), "/etc/go.mod"},
		{"file the builder has, missing", replace(" internal/image/rootfs/etc/group", ""), "/etc/group"},
		{"/etc made by COPY --chmod=0644", func(s string) string {
			return strings.Replace(s, "WORKDIR /etc\nWORKDIR /\n", "", 1)
		}, "#5943"},
		{"/etc made after USER", func(s string) string {
			s = strings.Replace(s, "WORKDIR /etc\nWORKDIR /\n", "", 1)
			return strings.Replace(s, "USER 65532:65532\n", "USER 65532:65532\nWORKDIR /etc\nWORKDIR /\n", 1)
		}, "root's"},
		{"working directory left at /etc", replace("WORKDIR /\n", ""), "WorkingDir"},
		{"copy owned by nonroot", replace("COPY --from=build --chmod=0755", "COPY --from=build --chown=65532:65532 --chmod=0755"), "--chown"},
		{"syntax directive", func(s string) string { return "# syntax=docker/dockerfile:1\n" + s }, "syntax directive"},
		{"GO_VERSION not a release", func(s string) string {
			return regexp.MustCompile(`(?m)^ARG GO_VERSION=.*$`).ReplaceAllString(s, "ARG GO_VERSION=1.26")
		}, "GO_VERSION"},
		{"GO_IMAGE unused", replace("${GO_IMAGE}:", "golang:"), "GO_IMAGE"},
		{"native build", replace("--platform=$BUILDPLATFORM ", ""), "BUILDPLATFORM"},
		{"build.sh arguments swapped", replace(`"$TARGETOS" "$TARGETARCH"`, `"$TARGETARCH" "$TARGETOS"`), "scripts/build.sh"},
		{"no build.sh", replace("scripts/build.sh /out/currency-api", "go build -o /out/currency-api ./cmd/currency-api"), "scripts/build.sh"},
		{"modules downloaded after the sources", func(s string) string {
			const download = "RUN --mount=type=cache,target=/go/pkg/mod go mod download\n"
			s = strings.Replace(s, download, "", 1)
			return strings.Replace(s, "COPY internal/ internal/\n", "COPY internal/ internal/\n"+download, 1)
		}, "go mod download"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := tc.mutate(string(orig))
			if src == string(orig) {
				t.Fatal("the mutation does not apply to the Dockerfile")
			}
			errs := checkDockerfile([]byte(src))
			if err := errors.Join(errs...); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("errors = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

// checkDockerfile reports every way src departs from the build's rules
// and from internal/image.
func checkDockerfile(src []byte) []error {
	var errs []error
	// A syntax directive pulls a frontend image from Docker Hub, by a moving
	// tag, on every build; BuildKit's built-in frontend is enough.
	if name, _, _, ok := parser.DetectSyntax(src); ok {
		errs = append(errs, fmt.Errorf("syntax directive %q: the built-in frontend supports RUN --mount and COPY --chmod", name))
	}
	df, err := parseDockerfile(src)
	if err != nil {
		return append(errs, err)
	}
	out, buildErrs := checkBuildStage(df)
	errs = append(errs, buildErrs...)
	final := df.stages[len(df.stages)-1]
	for _, spec := range dockerfileSpecs {
		got, files, err := evalFinalStage(df.lex, final, buildArgs(spec))
		if err != nil {
			errs = append(errs, fmt.Errorf("final stage, built for version %s: %w", spec.Version, err))
			continue
		}
		want := spec.Config()
		// BuildKit gives a stage from scratch these two and the builder sets
		// neither; a runtime starts the process in / anyway, and PATH is not
		// read by an absolute entrypoint in an image without a shell.
		want.WorkingDir, want.Env = scratchConfig().WorkingDir, scratchConfig().Env
		if diff := cmp.Diff(want, got); diff != "" {
			errs = append(errs, fmt.Errorf("final stage, built for version %s: the config differs from internal/image's (-builder +docker):\n%s", spec.Version, diff))
		}
		if out == "" {
			continue // no binary to compare the copied one with; reported above
		}
		if diff := cmp.Diff(builderFiles(df.stages[0].name, out), files); diff != "" {
			errs = append(errs, fmt.Errorf("final stage, built for version %s: the files differ from internal/image's (-builder +docker):\n%s", spec.Version, diff))
		}
	}
	return errs
}

// dockerfile is a parsed Dockerfile: the ARGs before its first FROM, and
// its stages.
type dockerfile struct {
	lex        *shell.Lex
	globalArgs []*parser.Node
	stages     []stage
}

// stage is a FROM instruction and the ones up to the next.
type stage struct {
	from *parser.Node
	name string
	body []*parser.Node
}

func parseDockerfile(src []byte) (dockerfile, error) {
	res, err := parser.Parse(bytes.NewReader(src))
	if err != nil {
		return dockerfile{}, fmt.Errorf("parse the Dockerfile: %w", err)
	}
	if len(res.Warnings) > 0 {
		return dockerfile{}, fmt.Errorf("parse the Dockerfile: %s", res.Warnings[0].Short)
	}
	df := dockerfile{lex: shell.NewLex(res.EscapeToken)}
	for _, n := range res.AST.Children {
		switch {
		case is(n, command.From):
			st := stage{from: n}
			if w := args(n); len(w) == 3 && strings.EqualFold(w[1], "as") {
				st.name = strings.ToLower(w[2])
			}
			df.stages = append(df.stages, st)
		case len(df.stages) == 0 && is(n, command.Arg):
			df.globalArgs = append(df.globalArgs, n)
		case len(df.stages) == 0:
			return dockerfile{}, fmt.Errorf("line %d: %s before the first FROM", n.StartLine, n.Value)
		default:
			st := &df.stages[len(df.stages)-1]
			st.body = append(st.body, n)
		}
	}
	if len(df.stages) != 2 {
		return dockerfile{}, fmt.Errorf("the Dockerfile has %d stages, want two: the build and the runtime", len(df.stages))
	}
	return df, nil
}

// is reports whether n is the instruction cmd (a command constant).
func is(n *parser.Node, cmd string) bool { return strings.EqualFold(n.Value, cmd) }

// args are an instruction's operands as the parser split them.
func args(n *parser.Node) []string {
	var words []string
	for a := n.Next; a != nil; a = a.Next {
		words = append(words, a.Value)
	}
	return words
}

// checkBuildStage checks the first stage cross-compiles with the pinned
// Go through scripts/build.sh, and returns the path the binary is built to.
func checkBuildStage(df dockerfile) (string, []error) {
	var errs []error
	fail := func(format string, a ...any) { errs = append(errs, fmt.Errorf("build stage: "+format, a...)) }
	st := df.stages[0]

	global := newScope(df.lex, nil)
	for _, n := range df.globalArgs {
		if err := global.declare(n); err != nil {
			fail("%v", err)
		}
	}
	goVersion, _ := global.lookup("GO_VERSION")
	if !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(goVersion) {
		fail("ARG GO_VERSION=%q, want a pinned release (major.minor.patch)", goVersion)
	}
	if goImage, _ := global.lookup("GO_IMAGE"); goImage != "golang" {
		fail("ARG GO_IMAGE=%q, want the official golang image by default", goImage)
	}
	// BuildKit sets BUILDPLATFORM for FROM itself.
	if got, want := st.from.Flags, []string{"--platform=$BUILDPLATFORM"}; !slices.Equal(got, want) {
		fail("FROM flags %q, want %q: build on the builder's platform and cross-compile", got, want)
	}
	// The image is from GO_IMAGE, so a mirror can stand in for Docker Hub.
	from := args(st.from)
	if len(from) == 0 {
		fail("FROM names no image")
		return "", errs
	}
	for _, tc := range []struct {
		given map[string]string
		image string
	}{
		{nil, "golang"},
		{map[string]string{"GO_IMAGE": "public.ecr.aws/docker/library/golang"}, "public.ecr.aws/docker/library/golang"},
	} {
		s := newScope(df.lex, tc.given)
		for _, n := range df.globalArgs {
			_ = s.declare(n) // reported above
		}
		got, err := s.word(from[0])
		if want := tc.image + ":" + goVersion + "-bookworm"; err != nil || got != want {
			fail("FROM %s with build args %v is %q (%v), want %q", from[0], tc.given, got, err, want)
		}
	}
	if st.name != "build" {
		fail("named %q, want build", st.name)
	}

	// go.mod and go.sum first and their modules downloaded, so a source
	// change reuses the download layer.
	download := -1
	for i, n := range st.body {
		if is(n, command.Copy) && slices.Equal(args(n), []string{"go.mod", "go.sum", "./"}) &&
			i+1 < len(st.body) && is(st.body[i+1], command.Run) && strings.Contains(strings.Join(args(st.body[i+1]), " "), "go mod download") {
			download = i + 1
			break
		}
	}
	if download < 0 {
		fail("no COPY go.mod go.sum ./ followed by RUN ... go mod download")
	}
	for i, n := range st.body {
		if is(n, command.Copy) && i < download && !slices.Equal(args(n), []string{"go.mod", "go.sum", "./"}) {
			fail("line %d: %s before go mod download", n.StartLine, n.Original)
		}
	}

	// Built by the script make build runs, with the target's platform and
	// the version.
	target := map[string]string{"TARGETOS": "linux", "TARGETARCH": "arm64", "VERSION": "1.4.0"}
	s := newScope(df.lex, target)
	var out string
	built := false
	for _, n := range st.body {
		if is(n, command.Arg) {
			if err := s.declare(n); err != nil {
				fail("%v", err)
			}
			continue
		}
		if !is(n, command.Run) || n.Attributes["json"] || n.Next == nil || !strings.Contains(n.Next.Value, "scripts/build.sh") {
			continue
		}
		built = true
		// The lexer splits the command as sh would one this plain.
		words, err := s.words(n.Next.Value)
		if err != nil {
			fail("line %d: %v", n.StartLine, err)
			continue
		}
		if len(words) != 5 || words[0] != "scripts/build.sh" || !path.IsAbs(words[1]) ||
			!slices.Equal(words[2:], []string{target["TARGETOS"], target["TARGETARCH"], target["VERSION"]}) {
			fail("line %d runs %q, want scripts/build.sh OUT $TARGETOS $TARGETARCH $VERSION", n.StartLine, words)
			continue
		}
		out = words[1]
	}
	if !built {
		fail("no RUN scripts/build.sh OUT $TARGETOS $TARGETARCH $VERSION")
	}
	return out, errs
}

// scope is the variables an instruction's words expand with: the ARGs
// declared so far, valued from the build arguments, else their defaults.
type scope struct {
	lex       *shell.Lex
	buildArgs map[string]string
	vars      []string // NAME=value, a later one winning
}

func newScope(lex *shell.Lex, buildArgs map[string]string) *scope {
	return &scope{lex: lex, buildArgs: buildArgs}
}

func (s *scope) declare(arg *parser.Node) error {
	for _, decl := range args(arg) {
		name, def, hasDefault := strings.Cut(decl, "=")
		if v, ok := s.buildArgs[name]; ok {
			s.vars = append(s.vars, name+"="+v)
			continue
		}
		if !hasDefault {
			continue
		}
		v, err := s.word(def)
		if err != nil {
			return fmt.Errorf("line %d: ARG %s: %w", arg.StartLine, name, err)
		}
		s.vars = append(s.vars, name+"="+v)
	}
	return nil
}

func (s *scope) lookup(name string) (string, bool) {
	return shell.EnvsFromSlice(s.vars).Get(name)
}

// word expands w as BuildKit expands a LABEL, USER or COPY operand. Where
// Docker would expand an undeclared variable to nothing, word fails.
func (s *scope) word(w string) (string, error) {
	res, err := s.lex.ProcessWordWithMatches(w, shell.EnvsFromSlice(s.vars))
	if err != nil {
		return "", err
	}
	if len(res.Unmatched) > 0 {
		return "", fmt.Errorf("%s refers to %s, declared by no ARG before it", w, strings.Join(slices.Sorted(maps.Keys(res.Unmatched)), ", "))
	}
	return res.Result, nil
}

// words expands and splits w as BuildKit does EXPOSE's operands.
func (s *scope) words(w string) ([]string, error) {
	return s.lex.ProcessWords(w, shell.EnvsFromSlice(s.vars))
}

// copiedFile is one entry of the image's root file system and where its
// content comes from: a stage's path, or the build context's.
type copiedFile struct {
	image.File
	FromStage string
	Source    string
}

// builderFiles is internal/image's root file system, with the sources the
// Dockerfile must copy each file from.
func builderFiles(buildStage, binaryOut string) []copiedFile {
	var files []copiedFile
	for _, f := range image.Files() {
		c := copiedFile{File: f}
		switch {
		case f.Dir:
		case f.Path == image.BinaryPath:
			c.FromStage, c.Source = buildStage, binaryOut
		default:
			c.Source = rootfsDir + f.Path
		}
		files = append(files, c)
	}
	slices.SortFunc(files, func(a, b copiedFile) int { return strings.Compare(a.Path, b.Path) })
	return files
}

// scratchConfig is the config a Linux stage from scratch starts with
// (BuildKit's dockerfile2llb emptyImage).
func scratchConfig() v1.Config {
	return v1.Config{
		WorkingDir: "/",
		Env:        []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
	}
}

// evalFinalStage makes of st what docker build would: the image config and
// root file system. An instruction it does not model is an error, so
// nothing the builder lacks can pass unseen.
func evalFinalStage(lex *shell.Lex, st stage, buildArgs map[string]string) (v1.Config, []copiedFile, error) {
	if got := args(st.from); len(st.from.Flags) > 0 || len(got) != 1 || got[0] != "scratch" {
		return v1.Config{}, nil, fmt.Errorf("line %d: %s, want FROM scratch: the builder's base is empty", st.from.StartLine, st.from.Original)
	}
	cfg := scratchConfig()
	files := map[string]copiedFile{}
	s := newScope(lex, buildArgs)
	var errs []error
	for _, n := range st.body {
		at := func(err error) error {
			return fmt.Errorf("line %d: %s: %w", n.StartLine, strings.ToUpper(n.Value), err)
		}
		var err error
		switch strings.ToLower(n.Value) {
		case command.Arg:
			err = s.declare(n)
		case command.Label:
			err = evalLabel(s, n, &cfg)
		case command.User:
			if w := args(n); len(w) != 1 {
				err = fmt.Errorf("%q, want one user", w)
			} else {
				cfg.User, err = s.word(w[0])
			}
		case command.Expose:
			err = evalExpose(s, n, &cfg)
		case command.Healthcheck:
			cfg.Healthcheck, err = evalHealthcheck(n)
		case command.Entrypoint:
			// The shell form runs through sh, as Docker does on Linux.
			cfg.Entrypoint = args(n)
			if !n.Attributes["json"] {
				cfg.Entrypoint = append([]string{"/bin/sh", "-c"}, strings.Join(cfg.Entrypoint, " "))
			}
		case command.Workdir:
			err = evalWorkdir(s, n, &cfg, files)
		case command.Copy:
			err = evalCopy(s, n, cfg, files)
		case command.Run:
			err = errors.New("the final stage runs a command, and scratch has no shell")
		default:
			err = errors.New("not modelled by this test, nor made by internal/image")
		}
		if err != nil {
			errs = append(errs, at(err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return v1.Config{}, nil, err
	}
	list := slices.SortedFunc(maps.Values(files), func(a, b copiedFile) int { return strings.Compare(a.Path, b.Path) })
	return cfg, list, nil
}

// evalWorkdir sets the working directory and, as BuildKit does, makes it
// and its missing parents: 0755, owned by the USER of the moment.
func evalWorkdir(s *scope, n *parser.Node, cfg *v1.Config, files map[string]copiedFile) error {
	w := args(n)
	if len(w) != 1 {
		return fmt.Errorf("%q, want one path", w)
	}
	dir, err := s.word(w[0])
	if err != nil {
		return err
	}
	dir = within(cfg.WorkingDir, dir)
	cfg.WorkingDir = dir
	if dir == "/" {
		return nil
	}
	if cfg.User != "" {
		return fmt.Errorf("%s after USER would be %s's; the builder's are root's", dir, cfg.User)
	}
	for d := dir; d != "/"; d = path.Dir(d) {
		if f, ok := files[d]; ok && !f.Dir {
			return fmt.Errorf("%s is a file", d)
		} else if !ok {
			files[d] = copiedFile{File: image.File{Path: d, Mode: 0o755, Dir: true}}
		}
	}
	return nil
}

func evalLabel(s *scope, n *parser.Node, cfg *v1.Config) error {
	// The parser gives key, value and separator for each pair.
	for kv := n.Next; kv != nil && kv.Next != nil; kv = kv.Next.Next.Next {
		key, err := s.word(kv.Value)
		if err != nil {
			return err
		}
		value, err := s.word(kv.Next.Value)
		if err != nil {
			return err
		}
		if cfg.Labels == nil {
			cfg.Labels = map[string]string{}
		}
		cfg.Labels[key] = value
	}
	return nil
}

func evalExpose(s *scope, n *parser.Node, cfg *v1.Config) error {
	for _, a := range args(n) {
		ports, err := s.words(a)
		if err != nil {
			return err
		}
		for _, p := range ports {
			if !strings.Contains(p, "/") {
				p += "/tcp"
			}
			if cfg.ExposedPorts == nil {
				cfg.ExposedPorts = map[string]struct{}{}
			}
			cfg.ExposedPorts[p] = struct{}{}
		}
	}
	return nil
}

// evalHealthcheck reads HEALTHCHECK as BuildKit's instructions package
// does; it expands no variables, neither does BuildKit.
func evalHealthcheck(n *parser.Node) (*v1.HealthConfig, error) {
	w := args(n)
	if len(w) < 2 || !strings.EqualFold(w[0], "CMD") {
		return nil, fmt.Errorf("%q, want CMD and a command", w)
	}
	hc := &v1.HealthConfig{Test: append([]string{"CMD"}, w[1:]...)}
	if !n.Attributes["json"] {
		hc.Test = []string{"CMD-SHELL", strings.Join(w[1:], " ")}
	}
	for _, f := range n.Flags {
		name, value, _ := strings.Cut(f, "=")
		var err error
		switch name {
		case "--interval":
			hc.Interval, err = time.ParseDuration(value)
		case "--timeout":
			hc.Timeout, err = time.ParseDuration(value)
		case "--start-period":
			hc.StartPeriod, err = time.ParseDuration(value)
		case "--retries":
			hc.Retries, err = strconv.Atoi(value)
		default:
			// --start-interval among them: the image config
			// (go-containerregistry's v1.HealthConfig) has no field for it.
			err = errors.New("not modelled by this test, nor set by internal/image")
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
	}
	return hc, nil
}

// within resolves p, absolute or relative, against the working directory.
func within(wd, p string) string {
	if path.IsAbs(p) {
		return path.Clean(p)
	}
	return path.Join(wd, p)
}

// evalCopy adds the files a COPY of single files puts in the image.
func evalCopy(s *scope, n *parser.Node, cfg v1.Config, files map[string]copiedFile) error {
	if len(n.Heredocs) > 0 {
		return errors.New("heredocs are not modelled by this test")
	}
	var from string
	var mode int64 = -1
	for _, f := range n.Flags {
		name, value, _ := strings.Cut(f, "=")
		switch name {
		case "--from":
			from = strings.ToLower(value)
		case "--chmod":
			m, err := strconv.ParseUint(value, 8, 32)
			if err != nil {
				return fmt.Errorf("%s: %w", f, err)
			}
			mode = int64(m)
		case "--chown":
			return fmt.Errorf("%s: the builder's files are root's, as COPY's are without it", f)
		default:
			return fmt.Errorf("%s: not modelled by this test", f)
		}
	}
	if mode < 0 {
		return errors.New("no --chmod: the mode would be the source's, which the checkout's umask decides")
	}
	w := args(n)
	if len(w) < 2 {
		return fmt.Errorf("%q, want sources and a destination", w)
	}
	var operands []string
	for _, a := range w {
		v, err := s.word(a)
		if err != nil {
			return err
		}
		if strings.ContainsAny(v, "*?[") {
			return fmt.Errorf("%s: wildcards are not modelled by this test", v)
		}
		operands = append(operands, v)
	}
	srcs, dest := operands[:len(operands)-1], operands[len(operands)-1]
	intoDir := strings.HasSuffix(dest, "/")
	dest = within(cfg.WorkingDir, dest)
	if f, ok := files[dest]; ok && f.Dir {
		intoDir = true
	}
	if len(srcs) > 1 && !intoDir {
		return fmt.Errorf("%d sources to %s: the destination must end with /", len(srcs), dest)
	}
	for _, src := range srcs {
		if from == "" {
			// A directory would be copied by its contents, which this test
			// does not list.
			fi, err := os.Stat("../../" + src)
			if err != nil {
				return err
			}
			if !fi.Mode().IsRegular() {
				return fmt.Errorf("%s: not a regular file", src)
			}
		}
		p := dest
		if intoDir {
			p = path.Join(dest, path.Base(src))
		}
		if _, dup := files[p]; dup {
			return fmt.Errorf("%s copied twice", p)
		}
		// COPY makes the missing directories above p. BuildKit gives them
		// the --chmod mode since its fix for moby/buildkit#4945, 0755
		// before (moby/buildkit#5943): only 0755 is the same in both.
		for d := path.Dir(p); d != "/"; d = path.Dir(d) {
			if _, ok := files[d]; ok {
				continue
			}
			if mode != 0o755 {
				return fmt.Errorf("%s: COPY --chmod=%04o would make %s, %04o or 0755 by BuildKit's version (moby/buildkit#5943); make it first (WORKDIR makes 0755)", p, mode, d, mode)
			}
			files[d] = copiedFile{File: image.File{Path: d, Mode: 0o755, Dir: true}}
		}
		files[p] = copiedFile{File: image.File{Path: p, Mode: os.FileMode(mode)}, FromStage: from, Source: src}
	}
	return nil
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
