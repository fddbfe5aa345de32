// Package pipeline_test checks the delivery pipeline's buildspec, which lives
// in this Terraform module (build.tf gives it to CodeBuild inline) and not in
// the uploaded bundle. It is a test-only Go package of the root module, so
// `go test ./...` here runs it, and the bundle (cmd/, internal/) does not
// carry it.
package pipeline_test

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The buildspec beside this file, and the repository's Dockerfile.
const (
	buildspecPath  = "buildspec.yml"
	dockerfilePath = "../../../Dockerfile"
)

// contractVars are the variables the CodeBuild project's environment sets
// (Terraform): the buildspec's whole input besides CodeBuild's own.
var contractVars = []string{
	"REPOSITORY_URL", "ECS_CLUSTER", "ECS_SERVICE", "CONTAINER_NAME",
	"IMAGE_PARAMETER", "TARGET_ARCH", "DEPLOY_TIMEOUT", "FAIL_ON_SEVERITY",
	"SOURCE_BUCKET", "SOURCE_KEY",
}

// codebuildVars are the variables CodeBuild itself provides that the
// buildspec may use.
var codebuildVars = []string{
	"AWS_REGION", "CODEBUILD_RESOLVED_SOURCE_VERSION", "CODEBUILD_BUILD_NUMBER", "CODEBUILD_BUILD_ID",
}

// phaseOrder is the order CodeBuild runs a buildspec's phases in.
var phaseOrder = []string{"install", "pre_build", "build", "post_build"}

// buildspec is the part of a CodeBuild buildspec the checks read.
type buildspec struct {
	Version string `yaml:"version"`
	Env     struct {
		Shell     string            `yaml:"shell"`
		Variables map[string]string `yaml:"variables"`
	} `yaml:"env"`
	Phases map[string]struct {
		OnFailure string   `yaml:"on-failure"`
		Commands  []string `yaml:"commands"`
		Finally   []string `yaml:"finally"`
	} `yaml:"phases"`
}

// denied are patterns no command may contain: downloads outside the Go
// toolchain's verified path, piping into a shell, and moving tags.
var denied = []struct{ name, pattern string }{
	{"curl", `\bcurl\b`},
	{"wget", `\bwget\b`},
	{"| sh", `\|\s*(sudo\s+)?sh\b`},
	{"| bash", `\|\s*(sudo\s+)?bash\b`},
	{":latest", `:latest\b`},
	{"@latest (go install/go run of a moving version)", `@latest\b`},
	// CodeBuild runs no Docker daemon without privileged mode, which the
	// project turns off: cmd/imagebuild builds and pushes the image.
	{"docker (there is no Docker daemon: cmd/imagebuild builds and pushes)", `(^|[^/.\w-])docker\b`},
}

// steps are the key commands, in the order they must first appear.
var steps = []struct{ name, pattern string }{
	// The embedded rates are refreshed before the tests, so they test the
	// snapshot the image will carry.
	{"snapshot refresh", `\bgo run \./cmd/ratesnapshot update\b`},
	{"go test", `\bgo test\b`},
	// The vulnerability gate on the module graph, before anything is pushed:
	// the image has no OS packages for ECR's basic scan to find.
	{"govulncheck", `\bgo run golang\.org/x/vuln/cmd/govulncheck@\$\{?GOVULNCHECK_VERSION\}? \./\.\.\.`},
	// The binary is built after the refresh, so it embeds the snapshot the
	// tests ran on; cmd/imagebuild labels the image from the same snapshot.
	{"release build", `(?m)^\s*scripts/build\.sh\s`},
	{"image push", `\bgo run \./cmd/imagebuild\b`},
	{"cmd/deploy", `\bgo run \./cmd/deploy\b`},
}

// buildArgs are the arguments scripts/build.sh must get: the binary
// cmd/imagebuild reads, for the project's architecture, stamped with the
// release ID (not a time, so a rebuild gives the same bytes).
var buildArgs = `scripts/build\.sh "bin/currency-api-linux-\$TARGET_ARCH" linux "\$TARGET_ARCH" "\$RELEASE_ID"`

// imageFlags are the flags cmd/imagebuild must get, each from its variable.
var imageFlags = []struct{ flag, value string }{
	{"-binary", `linux/$TARGET_ARCH=bin/currency-api-linux-$TARGET_ARCH`},
	{"-platform", `linux/$TARGET_ARCH`},
	{"-version", `$RELEASE_ID`},
	{"-revision", `$RELEASE_ID`},
	// The commit's time from the bundle, never the build's: the digest
	// depends on it.
	{"-created", `$SOURCE_DATE_EPOCH`},
	{"-push", `$REPOSITORY_URL:$IMAGE_TAG`},
}

// refFileFlag is cmd/imagebuild's -ref-file argument: where the pushed
// REPOSITORY@sha256:... goes.
var refFileFlag = regexp.MustCompile(`-ref-file[ =]"?([^"\s]+)"?`)

// deployFlags are the flags cmd/deploy must get, each from its contract
// variable.
var deployFlags = []struct{ flag, variable string }{
	{"-cluster", "ECS_CLUSTER"},
	{"-service", "ECS_SERVICE"},
	{"-container", "CONTAINER_NAME"},
	{"-timeout", "DEPLOY_TIMEOUT"},
	{"-image-parameter", "IMAGE_PARAMETER"},
	{"-fail-on-severity", "FAIL_ON_SEVERITY"},
	// The ordering rule: the deploy step serialises rollouts and deploys only
	// the newest upload, so it must know which upload this build is.
	{"-source-bucket", "SOURCE_BUCKET"},
	{"-source-key", "SOURCE_KEY"},
	{"-source-version", "CODEBUILD_RESOLVED_SOURCE_VERSION"},
}

var (
	// varRef is a shell variable reference: $NAME or ${NAME...}.
	varRef = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)`)
	// assignment is NAME=... at the start of a command or after ; && || then do.
	assignment = regexp.MustCompile(`(?m)(?:^\s*|;\s*|&&\s*|\|\|\s*|\bthen\s+|\bdo\s+)(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$`)
	// loopVar is the variable of a for loop.
	loopVar = regexp.MustCompile(`\bfor\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\b`)
	// imageArg is cmd/deploy's -image argument.
	imageArg = regexp.MustCompile(`-image[ =]"?([^"\s]+)"?`)
)

// checkBuildspec returns every way the buildspec text breaks the pipeline's
// rules.
func checkBuildspec(text []byte) []error {
	var spec buildspec
	if err := yaml.Unmarshal(text, &spec); err != nil {
		return []error{fmt.Errorf("parse: %w", err)}
	}
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if spec.Version != "0.2" {
		fail("version is %q, want 0.2", spec.Version)
	}
	if spec.Env.Shell != "bash" {
		fail("env.shell is %q, want bash (the commands use bash)", spec.Env.Shell)
	}
	if v := spec.Env.Variables["GOTOOLCHAIN"]; !regexp.MustCompile(`^go\d+\.\d+\.\d+$`).MatchString(v) {
		fail("GOTOOLCHAIN is %q, want an exact release such as go1.26.8", v)
	}
	if v := spec.Env.Variables["GOFLAGS"]; !slices.Contains(strings.Fields(v), "-mod=readonly") {
		fail("GOFLAGS is %q, want -mod=readonly", v)
	}
	if v := spec.Env.Variables["GOVULNCHECK_VERSION"]; !regexp.MustCompile(`^v\d+\.\d+\.\d+$`).MatchString(v) {
		fail("GOVULNCHECK_VERSION is %q, want an exact release such as v1.9.0", v)
	}

	// The commands of every phase, in the order CodeBuild runs them.
	var cmds []string
	for name := range spec.Phases {
		if !slices.Contains(phaseOrder, name) {
			fail("unknown phase %q (CodeBuild's are %v)", name, phaseOrder)
		}
	}
	for _, name := range phaseOrder {
		p, ok := spec.Phases[name]
		if !ok {
			if name != "install" {
				fail("no %s phase", name)
			}
			continue
		}
		if p.OnFailure != "ABORT" {
			fail("phase %s: on-failure is %q, want ABORT", name, p.OnFailure)
		}
		cmds = append(cmds, p.Commands...)
		cmds = append(cmds, p.Finally...)
	}

	for _, c := range cmds {
		for _, d := range denied {
			if regexp.MustCompile(d.pattern).MatchString(c) {
				fail("denied %s in command %q", d.name, c)
			}
		}
	}
	for name, v := range spec.Env.Variables {
		for _, d := range denied {
			if regexp.MustCompile(d.pattern).MatchString(v) {
				fail("denied %s in variable %s", d.name, name)
			}
		}
	}

	// Key steps exist and come in order.
	// Quoted text does not count: echo "cmd/imagebuild failed" pushes nothing.
	at := map[string]int{}
	for _, s := range steps {
		re := regexp.MustCompile(s.pattern)
		at[s.name] = slices.IndexFunc(cmds, func(c string) bool { return re.MatchString(unquoted(c)) })
		if at[s.name] < 0 {
			fail("no %s command", s.name)
		}
	}
	for i := 1; i < len(steps); i++ {
		prev, cur := steps[i-1].name, steps[i].name
		if at[prev] >= 0 && at[cur] >= 0 && at[prev] >= at[cur] {
			fail("%s must come before %s", prev, cur)
		}
	}

	// The contract variables are checked up front, in one command before the
	// tests, so a misconfigured project fails at once with their names.
	validated := slices.IndexFunc(cmds, func(c string) bool {
		return !slices.ContainsFunc(contractVars, func(v string) bool { return !strings.Contains(c, v) })
	})
	if validated < 0 || (at["go test"] >= 0 && validated > at["go test"]) {
		fail("no command validates all of %v up front, before go test", contractVars)
	}

	// Variables: assigned in the buildspec, or given by the contract or CodeBuild.
	known := slices.Concat(contractVars, codebuildVars)
	for name := range spec.Env.Variables {
		known = append(known, name)
	}
	assigned := map[string][]int{} // variable -> indexes of the commands assigning it
	for i, c := range cmds {
		for _, m := range assignment.FindAllStringSubmatch(c, -1) {
			assigned[m[1]] = append(assigned[m[1]], i)
		}
		for _, m := range loopVar.FindAllStringSubmatch(c, -1) {
			assigned[m[1]] = append(assigned[m[1]], i)
		}
	}
	for _, c := range cmds {
		for _, m := range varRef.FindAllStringSubmatch(c, -1) {
			if v := m[1]; !slices.Contains(known, v) && assigned[v] == nil {
				fail("command uses $%s, which is not in the project's contract %v, not provided by CodeBuild and not set in the buildspec", v, contractVars)
				known = append(known, v) // once per variable
			}
		}
	}

	// The binary and the image: the project's architecture, the release ID
	// as version and revision, the commit's time from the bundle.
	if i := at["release build"]; i >= 0 && !regexp.MustCompile(buildArgs).MatchString(cmds[i]) {
		fail(`scripts/build.sh does not get "bin/currency-api-linux-$TARGET_ARCH" linux "$TARGET_ARCH" "$RELEASE_ID"`)
	}
	if i := at["image push"]; i >= 0 {
		for _, f := range imageFlags {
			if !regexp.MustCompile(regexp.QuoteMeta(f.flag) + `[ =]"` + regexp.QuoteMeta(f.value) + `"(\s|$)`).MatchString(cmds[i]) {
				fail("cmd/imagebuild does not get %s \"%s\"", f.flag, f.value)
			}
		}
	}
	fromBundle := regexp.MustCompile(`^"?\$\(cat SOURCE_DATE_EPOCH\)"?$`)
	if !slices.ContainsFunc(assigned["SOURCE_DATE_EPOCH"], func(i int) bool {
		return slices.ContainsFunc(assignment.FindAllStringSubmatch(cmds[i], -1), func(a []string) bool {
			return a[1] == "SOURCE_DATE_EPOCH" && fromBundle.MatchString(strings.TrimSpace(a[2]))
		})
	}) {
		fail("$SOURCE_DATE_EPOCH is not assigned from the bundle's SOURCE_DATE_EPOCH file (cat SOURCE_DATE_EPOCH)")
	}

	// The refresh is best effort with a bound: the ECB being down must not
	// stop a release, nor hang it.
	if i := at["snapshot refresh"]; i >= 0 {
		c := unquoted(cmds[i])
		if !regexp.MustCompile(`ratesnapshot update\b[^|\n]*-timeout[ =]\S+`).MatchString(c) {
			fail("the snapshot refresh has no -timeout")
		}
		fallback := regexp.MustCompile(`ratesnapshot update\b[^|\n]*\|\|([^\n]*)`).FindStringSubmatch(c)
		if fallback == nil || regexp.MustCompile(`\bexit\b|\bfalse\b`).MatchString(fallback[1]) {
			fail("a failed snapshot refresh must not fail the build: give it an || fallback that goes on with the bundle's snapshot")
		}
	}

	// The deploy gets every flag from its variable, and the image by the
	// digest the push produced.
	if i := at["cmd/deploy"]; i >= 0 {
		c := cmds[i]
		for _, f := range deployFlags {
			if !regexp.MustCompile(regexp.QuoteMeta(f.flag) + `[ =]"?\$\{?` + f.variable + `\}?"?(\s|$)`).MatchString(c) {
				fail("cmd/deploy does not get %s \"$%s\"", f.flag, f.variable)
			}
		}
		// cmd/imagebuild's image has no OS: basic scanning answers it
		// UnsupportedImageError, which only this flag lets pass.
		if !regexp.MustCompile(`(^|\s)-no-os-packages(\s|$)`).MatchString(c) {
			fail("cmd/deploy does not get -no-os-packages: ECR's basic scan of the OS-less image would stop every deploy")
		}
		errs = append(errs, checkDigest(c, cmds, assigned, at["image push"])...)
	}
	return errs
}

// unquoted is the shell command c without the text inside its quotes.
func unquoted(c string) string {
	var b strings.Builder
	var quote rune // 0, '\'' or '"'
	escaped := false
	for _, r := range c {
		switch {
		case escaped:
			escaped = false
		case quote == 0 && (r == '\'' || r == '"'):
			quote = r
		case quote == 0:
			b.WriteRune(r)
		case r == quote:
			quote = 0
		case quote == '"' && r == '\\':
			escaped = true
		}
	}
	return b.String()
}

// checkDigest checks that the deploy command's -image is a digest reference:
// literally (…@sha256:…), or a variable assigned, after the push, from the
// file cmd/imagebuild wrote the pushed reference to (-ref-file) or a
// …@sha256:… string.
func checkDigest(deploy string, cmds []string, assigned map[string][]int, push int) []error {
	m := imageArg.FindStringSubmatch(deploy)
	if m == nil {
		return []error{errors.New("cmd/deploy has no -image")}
	}
	arg := m[1]
	if strings.Contains(arg, "@sha256:") {
		return nil
	}
	ref := regexp.MustCompile(`^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$`).FindStringSubmatch(arg)
	if ref == nil {
		return []error{fmt.Errorf("cmd/deploy -image %s is not by digest (@sha256: or cmd/imagebuild's -ref-file)", arg)}
	}
	readsRefFile := func(value string) bool { return false }
	if push >= 0 {
		if f := refFileFlag.FindStringSubmatch(cmds[push]); f != nil {
			readsRefFile = regexp.MustCompile(`^"?\$\(cat "?` + regexp.QuoteMeta(f[1]) + `"?\)"?$`).MatchString
		}
	}
	for _, i := range assigned[ref[1]] {
		for _, a := range assignment.FindAllStringSubmatch(cmds[i], -1) {
			if a[1] == ref[1] && i > push && (readsRefFile(strings.TrimSpace(a[2])) || strings.Contains(a[2], "@sha256:")) {
				return nil
			}
		}
	}
	return []error{fmt.Errorf("cmd/deploy -image %s is not by digest: $%s is not assigned, after the image push, from cmd/imagebuild's -ref-file or an @sha256: reference", arg, ref[1])}
}

func readBuildspec(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(buildspecPath)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestBuildspec(t *testing.T) {
	for _, err := range checkBuildspec([]byte(readBuildspec(t))) {
		t.Error(err)
	}
}

// The pipeline's Go (GOTOOLCHAIN) and the image's (GO_VERSION) are the same
// release, so the tests run on the compiler that builds the binary.
func TestBuildspecToolchainMatchesDockerfile(t *testing.T) {
	var spec buildspec
	if err := yaml.Unmarshal([]byte(readBuildspec(t)), &spec); err != nil {
		t.Fatal(err)
	}
	df, err := os.ReadFile(dockerfilePath)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^ARG GO_VERSION=(\S+)$`).FindSubmatch(df)
	if m == nil {
		t.Fatal("Dockerfile has no ARG GO_VERSION=")
	}
	if got, want := spec.Env.Variables["GOTOOLCHAIN"], "go"+string(m[1]); got != want {
		t.Errorf("buildspec GOTOOLCHAIN = %q, want %q (the Dockerfile's GO_VERSION)", got, want)
	}
}

// Every rule of checkBuildspec fires: each mutation of the real buildspec
// breaks one rule, and the checker must report it.
func TestBuildspecCheckerCatches(t *testing.T) {
	orig := readBuildspec(t)
	// first commands list of each phase, to insert a command into
	const preBuildCommands = "  pre_build:\n    on-failure: ABORT\n    commands:\n"
	insert := func(cmd string) func(string) string {
		return func(s string) string {
			return strings.Replace(s, preBuildCommands, preBuildCommands+"      - "+cmd+"\n", 1)
		}
	}
	replace := func(old, new string) func(string) string {
		return func(s string) string { return strings.Replace(s, old, new, 1) }
	}
	replaceNth := func(old, new string, n int) func(string) string {
		return func(s string) string {
			i := -1
			for range n {
				j := strings.Index(s[i+1:], old)
				if j < 0 {
					return s
				}
				i += 1 + j
			}
			return s[:i] + new + s[i+len(old):]
		}
	}
	notFromRefFile := replace(`IMAGE_REF="$(cat image-ref.txt)"`, `IMAGE_REF="$REPOSITORY_URL:$IMAGE_TAG"`)
	for _, tc := range []struct {
		name   string
		mutate func(string) string
		want   string
	}{
		{"version 0.1", replace("version: 0.2", "version: 0.1"), "version is"},
		{"default shell", replace("  shell: bash\n", ""), "env.shell"},
		{"pre_build continues on failure", replaceNth("on-failure: ABORT", "on-failure: CONTINUE", 1), "phase pre_build: on-failure"},
		{"build continues on failure", replaceNth("on-failure: ABORT", "on-failure: CONTINUE", 2), "phase build: on-failure"},
		{"post_build without on-failure", replaceNth("    on-failure: ABORT\n", "", 3), "phase post_build: on-failure"},
		{"install continues on failure", replace("phases:\n", "phases:\n  install:\n    on-failure: CONTINUE\n    commands:\n      - go version\n"), "phase install: on-failure"},
		{"misspelt phase", replace("  post_build:\n", "  post-build:\n"), "no post_build phase"},
		{"misspelt phase is unknown", replace("  post_build:\n", "  postbuild:\n"), `unknown phase "postbuild"`},
		{"no build phase", replace("  build:\n", "  xbuild:\n"), "no build phase"},
		{"GOTOOLCHAIN auto", replace("GOTOOLCHAIN: go1.26.8", "GOTOOLCHAIN: auto"), "GOTOOLCHAIN is"},
		{"GOTOOLCHAIN minor only", replace("GOTOOLCHAIN: go1.26.8", "GOTOOLCHAIN: go1.26"), "GOTOOLCHAIN is"},
		{"GOFLAGS -mod=mod", replace("GOFLAGS: -mod=readonly", "GOFLAGS: -mod=mod"), "GOFLAGS is"},
		{"no go test", replace("go test ./... ||", "go vet ./... ||"), "no go test command"},
		{"deploy before the push", insert(`go run ./cmd/deploy -image "$IMAGE_REF"`), "image push must come before cmd/deploy"},
		{"push before the build", insert(`go run ./cmd/imagebuild -push "$REPOSITORY_URL:x"`), "release build must come before image push"},
		{"build before the tests", insert(`scripts/build.sh bin/x linux amd64 v`), "must come before release build"},
		{"no deploy", replace("go run ./cmd/deploy", "echo ./cmd/deploy"), "no cmd/deploy command"},
		{"deploy by tag", replace(`-image "$IMAGE_REF"`, `-image "$REPOSITORY_URL:$IMAGE_TAG"`), "is not by digest"},
		{"digest not from the ref file", notFromRefFile, "is not by digest"},
		{"digest read from another file", replace(`IMAGE_REF="$(cat image-ref.txt)"`, `IMAGE_REF="$(cat other.txt)"`), "is not by digest"},
		{"digest taken before the push", func(s string) string {
			return insert(`IMAGE_REF="$(cat image-ref.txt)"`)(notFromRefFile(s))
		}, "is not by digest"},
		{"push only mentioned", replace("        go run ./cmd/imagebuild \\\n", "        echo ./cmd/imagebuild \\\n"), "no image push command"},
		{"no -no-os-packages", replace(" \\\n          -no-os-packages", ""), "does not get -no-os-packages"},
		{"no -fail-on-severity", replace(` \`+"\n"+`          -fail-on-severity "$FAIL_ON_SEVERITY"`, ""), `does not get -fail-on-severity "$FAIL_ON_SEVERITY"`},
		{"fixed severity", replace(`-fail-on-severity "$FAIL_ON_SEVERITY"`, `-fail-on-severity HIGH`), `does not get -fail-on-severity`},
		{"no -timeout", replace(`-timeout "$DEPLOY_TIMEOUT"`, `-timeout 5m`), `does not get -timeout "$DEPLOY_TIMEOUT"`},
		{"wrong variable for -cluster", replace(`-cluster "$ECS_CLUSTER"`, `-cluster "$ECS_SERVICE"`), `does not get -cluster "$ECS_CLUSTER"`},
		{"no -image-parameter", replace(`-image-parameter "$IMAGE_PARAMETER"`, ``), `does not get -image-parameter`},
		{"no -container", replace(`-container "$CONTAINER_NAME"`, `-container currency-api`), `does not get -container`},
		{"variable outside the contract", insert(`echo "$SOURCE_BUCKETS"`), "uses $SOURCE_BUCKETS"},
		{"no govulncheck", replace(`go run golang.org/x/vuln/cmd/govulncheck@${GOVULNCHECK_VERSION} ./...`, `go vet ./...`), "no govulncheck command"},
		{"govulncheck after the push", insert(`go run ./cmd/imagebuild -push "$REPOSITORY_URL:x"`), "release build must come before image push"},
		{"govulncheck after the build", insert(`scripts/build.sh bin/x linux amd64 v`), "govulncheck must come before release build"},
		{"govulncheck unpinned", replace("GOVULNCHECK_VERSION: v1.9.0", "GOVULNCHECK_VERSION: latest"), "GOVULNCHECK_VERSION is"},
		{"no -source-version", replace(`-source-version "$CODEBUILD_RESOLVED_SOURCE_VERSION"`, ``), `does not get -source-version "$CODEBUILD_RESOLVED_SOURCE_VERSION"`},
		{"wrong variable for -source-key", replace(`-source-key "$SOURCE_KEY"`, `-source-key "$SOURCE_BUCKET"`), `does not get -source-key "$SOURCE_KEY"`},
		{"misspelt contract variable", replace(`-service "$ECS_SERVICE"`, `-service "${ECS_SERVICES}"`), "uses $ECS_SERVICES"},
		{"validation misses a variable", replace("DEPLOY_TIMEOUT FAIL_ON_SEVERITY SOURCE_BUCKET", "DEPLOY_TIMEOUT SOURCE_BUCKET"), "validates all of"},
		{"fixed platform", replace(`-platform "linux/$TARGET_ARCH"`, `-platform "linux/amd64"`), `does not get -platform "linux/$TARGET_ARCH"`},
		{"binary for a fixed architecture", replace(`linux "$TARGET_ARCH" "$RELEASE_ID"`, `linux amd64 "$RELEASE_ID"`), "scripts/build.sh does not get"},
		{"binary stamped with the tag", replace(`linux "$TARGET_ARCH" "$RELEASE_ID"`, `linux "$TARGET_ARCH" "$IMAGE_TAG"`), "scripts/build.sh does not get"},
		{"image version from the tag", replace(`-version "$RELEASE_ID"`, `-version "$IMAGE_TAG"`), `does not get -version "$RELEASE_ID"`},
		{"created at build time", replace(`-created "$SOURCE_DATE_EPOCH"`, `-created "$(date +%s)"`), `does not get -created "$SOURCE_DATE_EPOCH"`},
		{"epoch not from the bundle", replace(`SOURCE_DATE_EPOCH="$(cat SOURCE_DATE_EPOCH)"`, `SOURCE_DATE_EPOCH="$(date +%s)"`), "not assigned from the bundle's SOURCE_DATE_EPOCH"},
		{"push to another tag", replace(`-push "$REPOSITORY_URL:$IMAGE_TAG"`, `-push "$REPOSITORY_URL:$RELEASE_ID"`), `does not get -push "$REPOSITORY_URL:$IMAGE_TAG"`},
		{"docker login", insert(`aws ecr get-login-password | docker login --username AWS --password-stdin x`), "denied docker"},
		{"docker build", insert(`docker build -t "$REPOSITORY_URL:$IMAGE_TAG" .`), "denied docker"},
		{"curl", insert("curl -fsSLo tool https://example.invalid/tool"), "denied curl"},
		{"wget", insert("wget -q https://example.invalid/tool"), "denied wget"},
		{"pipe to sh", insert("cat install.sh | sh"), "denied | sh"},
		{"pipe to bash", insert("cat install.sh |bash -s"), "denied | bash"},
		{"latest tag", replace(`-push "$REPOSITORY_URL:$IMAGE_TAG"`, `-push "$REPOSITORY_URL:latest"`), "denied :latest"},
		{"go install @latest", insert("go install golang.org/x/vuln/cmd/govulncheck@latest"), "denied @latest"},
		// YAML reads an unquoted command with ": " in it as a map, which
		// CodeBuild rejects: the checker reports it rather than skipping it.
		{"command read as a map", insert(`echo "FAILED: x"; exit 1`), "parse:"},
		{"no snapshot refresh", replace("go run ./cmd/ratesnapshot update", "echo ./cmd/ratesnapshot update"), "no snapshot refresh command"},
		{"snapshot refresh after the tests", func(s string) string {
			s = strings.Replace(s, "go run ./cmd/ratesnapshot update", "echo ./cmd/ratesnapshot update", 1)
			return strings.Replace(s, "      - chmod 0755 scripts/build.sh\n", "      - go run ./cmd/ratesnapshot update -timeout 60s x || true\n      - chmod 0755 scripts/build.sh\n", 1)
		}, "snapshot refresh must come before go test"},
		{"snapshot refresh fails the build", replace(`|| echo "WARNING: kept the bundle's rates snapshot`, `|| exit 1 # "WARNING: kept the bundle's rates snapshot`), "must not fail the build"},
		{"snapshot refresh without fallback", replace(`"$ECB_HISTORY_URL" || echo "WARNING`, `"$ECB_HISTORY_URL"; echo "WARNING`), "must not fail the build"},
		{"snapshot refresh without timeout", replace("ratesnapshot update -timeout 60s", "ratesnapshot update"), "no -timeout"},
		{"moving version in a variable", replace("GOFLAGS: -mod=readonly", "GOFLAGS: -mod=readonly\n    TOOL: example.invalid/tool@latest"), "denied @latest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mutated := tc.mutate(orig)
			if mutated == orig {
				t.Fatal("the mutation did not change the buildspec: its anchor text is gone")
			}
			errs := checkBuildspec([]byte(mutated))
			for _, err := range errs {
				if strings.HasPrefix(err.Error(), "parse:") && tc.want != "parse:" {
					t.Fatalf("the mutation broke the YAML: %v", err)
				}
				if strings.Contains(err.Error(), tc.want) {
					return
				}
			}
			t.Errorf("checkBuildspec reported %v, want an error containing %q", errs, tc.want)
		})
	}
}
