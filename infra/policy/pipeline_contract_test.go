package policy_test

import (
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// codeBuildProvides are the variables CodeBuild sets in every build (or that
// bash sets), which the buildspec may use without the project setting them.
var codeBuildProvides = regexp.MustCompile(`^(AWS_REGION|AWS_DEFAULT_REGION|CODEBUILD_[A-Z0-9_]+|HOME|PATH|PWD)$`)

// The pipeline module's CodeBuild environment and its buildspec.yml (which
// Terraform reads with file() and gives CodeBuild inline, so an upload cannot
// change it) are two halves of one contract, kept in different languages: every
// variable the module sets must be read by the buildspec, and every variable
// the buildspec reads must be set by the module, by the buildspec itself or
// by CodeBuild. A rename on one side alone fails here instead of in the
// first real build.
func TestBuildspecMatchesPipelineEnvironment(t *testing.T) {
	module := buildEnvironment(t, filepath.Join("..", "modules", "pipeline", "build.tf"))
	b, err := os.ReadFile(filepath.Join("..", "modules", "pipeline", "buildspec.yml"))
	if err != nil {
		t.Fatal(err)
	}
	problems := contractProblems(module, string(b))
	for _, p := range problems {
		t.Error(p)
	}
}

// The checker must be able to fail: each broken pair yields a problem.
func TestContractProblemsFire(t *testing.T) {
	module := []string{"ECS_CLUSTER", "REPOSITORY_URL"}
	ok := "env:\n  variables:\n    GOFLAGS: x\nphases:\n  build:\n    commands:\n      - TAG=1\n      - echo \"$ECS_CLUSTER ${REPOSITORY_URL%%/*} $TAG $GOFLAGS $CODEBUILD_BUILD_ID ${!name:-}\"\n"
	if p := contractProblems(module, ok); len(p) != 0 {
		t.Fatalf("a matching pair reports %v", p)
	}
	for name, buildspec := range map[string]string{
		"module variable unused":  strings.ReplaceAll(ok, "$ECS_CLUSTER", ""),
		"buildspec reads unknown": strings.ReplaceAll(ok, "$TAG", "$TAG $ECS_SERVICE"),
		"assignment removed":      strings.ReplaceAll(ok, "TAG=1", "true"),
	} {
		if p := contractProblems(module, buildspec); len(p) != 1 {
			t.Errorf("%s: got %d problems %v, want 1", name, len(p), p)
		}
	}
}

var (
	shellReference = regexp.MustCompile(`\$\{?([A-Z][A-Z0-9_]*)`)
	assignment     = regexp.MustCompile(`(?m)(?:^|[\s;(])(?:export\s+)?([A-Z][A-Z0-9_]*)=`)
	yamlVariable   = regexp.MustCompile(`(?m)^\s{4}([A-Z][A-Z0-9_]*):`)
)

func contractProblems(module []string, buildspec string) []string {
	defined := map[string]bool{}
	for _, m := range assignment.FindAllStringSubmatch(buildspec, -1) {
		defined[m[1]] = true
	}
	for _, m := range yamlVariable.FindAllStringSubmatch(buildspec, -1) {
		defined[m[1]] = true
	}
	read := map[string]bool{}
	for _, m := range shellReference.FindAllStringSubmatch(buildspec, -1) {
		read[m[1]] = true
	}
	// "${!name}" reads the variable named in $name: the list it loops over
	// ("for name in A B C") counts as reads.
	for _, m := range regexp.MustCompile(`for name in ([A-Z0-9_ ]+);`).FindAllStringSubmatch(buildspec, -1) {
		for _, name := range strings.Fields(m[1]) {
			read[name] = true
		}
	}
	var problems []string
	for _, name := range module {
		if !read[name] {
			problems = append(problems, "the pipeline module sets "+name+" but buildspec.yml never reads it")
		}
	}
	for _, name := range slices.Sorted(maps.Keys(read)) {
		if !slices.Contains(module, name) && !defined[name] && !codeBuildProvides.MatchString(name) {
			problems = append(problems, "buildspec.yml reads $"+name+", which neither the pipeline module, the buildspec nor CodeBuild sets")
		}
	}
	return problems
}

// buildEnvironment returns the keys of local.build_environment in file.
func buildEnvironment(t *testing.T, file string) []string {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	f, diags := hclsyntax.ParseConfig(src, file, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	for _, block := range f.Body.(*hclsyntax.Body).Blocks {
		if block.Type != "locals" {
			continue
		}
		attr, ok := block.Body.Attributes["build_environment"]
		if !ok {
			continue
		}
		obj, ok := attr.Expr.(*hclsyntax.ObjectConsExpr)
		if !ok {
			t.Fatalf("%s: local.build_environment is not an object literal", file)
		}
		var keys []string
		for _, item := range obj.Items {
			key, diags := item.KeyExpr.Value(nil)
			if diags.HasErrors() {
				t.Fatalf("%s: a key of local.build_environment is not a literal: %v", file, diags)
			}
			keys = append(keys, key.AsString())
		}
		return keys
	}
	t.Fatalf("%s has no local.build_environment", file)
	return nil
}
