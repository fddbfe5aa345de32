package policy_test

import (
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/currency-convertor-ecs/currency-api/infra/policy"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// The architecture diagram in infra/README.md names the modules an
// environment composes and the resources that matter. This keeps it true: it
// shows every module the dev environment calls and no other, each called
// module exists, and every resource it names is declared in a module. A
// rename or a removed module fails here instead of leaving the picture stale.
func TestArchitectureDiagram(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	diagram, ok := mermaidBlock(string(readme))
	if !ok {
		t.Fatal("infra/README.md has no ```mermaid block: the architecture diagram is missing")
	}
	env := filepath.Join("..", "environments", "dev")
	calls := moduleCalls(t, env)
	cfg, err := policy.Load(filepath.Join("..", "modules"))
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	for _, m := range cfg.Modules {
		for _, b := range m.Resources {
			declared[b.Type+"."+b.Name] = true
		}
		for _, b := range m.Data {
			declared["data."+b.Type+"."+b.Name] = true
		}
	}
	for _, p := range diagramProblems(diagram, calls, declared) {
		t.Error(p)
	}
}

// The checker must be able to fail: each broken diagram yields a problem.
func TestDiagramProblemsFire(t *testing.T) {
	calls := map[string]bool{"network": true, "edge": true}
	declared := map[string]bool{"aws_lb.this": true, "data.aws_availability_zones.available": true}
	ok := "flowchart LR\n  edge[module.edge] --> net[module.network]\n  net --- lb[aws_lb.this]\n  net --- azs[data.aws_availability_zones.available]\n"
	if p := diagramProblems(ok, calls, declared); len(p) != 0 {
		t.Fatalf("a true diagram reports %v", p)
	}
	for name, c := range map[string]struct {
		diagram string
		calls   map[string]bool
	}{
		"module not called":     {ok + "  x[module.dns]\n", calls},
		"module not shown":      {strings.ReplaceAll(ok, "module.edge", "edge"), calls},
		"module source missing": {ok, map[string]bool{"network": true, "edge": false}},
		"resource not declared": {strings.ReplaceAll(ok, "aws_lb.this", "aws_lb.public"), calls},
		"data source not declared": {strings.ReplaceAll(ok, "data.aws_availability_zones.available",
			"data.aws_availability_zones.all"), calls},
	} {
		if p := diagramProblems(c.diagram, c.calls, declared); len(p) != 1 {
			t.Errorf("%s: got %d problems %v, want 1", name, len(p), p)
		}
	}
	for name, readme := range map[string]string{
		"no block":       "# Infra\n\n```sh\nmake infra\n```\n",
		"unclosed block": "# Infra\n\n```mermaid\nflowchart LR\n",
	} {
		if _, found := mermaidBlock(readme); found {
			t.Errorf("%s: mermaidBlock found a diagram", name)
		}
	}
	readme := "```sh\nmodule.x\n```\n\n```mermaid\nflowchart LR\n  a[module.edge]\n```\n\n```mermaid\nb[module.other]\n```\n"
	if got, _ := mermaidBlock(readme); !strings.Contains(got, "module.edge") || strings.Contains(got, "module.x") || strings.Contains(got, "module.other") {
		t.Errorf("mermaidBlock = %q, want only the first mermaid block", got)
	}
}

var (
	diagramModule   = regexp.MustCompile(`\bmodule\.([a-z0-9_]+)`)
	diagramResource = regexp.MustCompile(`\baws_[a-z0-9_]+\.[a-z0-9_]+`)
)

// diagramProblems compares a diagram with the module calls of the
// environment (name: whether its source directory exists) and the resources
// declared in the modules ("aws_lb.this", "data.aws_iam_policy_document.x").
func diagramProblems(diagram string, calls, declared map[string]bool) []string {
	var problems []string
	shown := map[string]bool{}
	for _, m := range diagramModule.FindAllStringSubmatch(diagram, -1) {
		name := m[1]
		if shown[name] {
			continue
		}
		shown[name] = true
		exists, called := calls[name]
		switch {
		case !called:
			problems = append(problems, "the diagram shows module."+name+", which infra/environments/dev/main.tf does not call")
		case !exists:
			problems = append(problems, "the diagram shows module."+name+", whose source directory does not exist")
		}
	}
	for _, name := range slices.Sorted(maps.Keys(calls)) {
		if !shown[name] {
			problems = append(problems, "infra/environments/dev/main.tf calls module."+name+", which the diagram does not show")
		}
	}
	seen := map[string]bool{}
	for _, loc := range diagramResource.FindAllStringIndex(diagram, -1) {
		address := diagram[loc[0]:loc[1]]
		if strings.HasSuffix(diagram[:loc[0]], "data.") {
			address = "data." + address
		}
		if seen[address] {
			continue
		}
		seen[address] = true
		if !declared[address] {
			problems = append(problems, "the diagram shows "+address+", which no module under infra/modules declares")
		}
	}
	return problems
}

// mermaidBlock returns the first fenced block of markdown that opens with
// ```mermaid, without its fences, and whether there is one (closed).
func mermaidBlock(markdown string) (string, bool) {
	var body []string
	in := false
	for line := range strings.SplitSeq(markdown, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case !in && strings.HasPrefix(trimmed, "```mermaid"):
			in = true
		case in && strings.HasPrefix(trimmed, "```"):
			return strings.Join(body, "\n"), true
		case in:
			body = append(body, line)
		}
	}
	return "", false
}

// moduleCalls returns the module blocks of an environment's main.tf, each
// with whether its local source directory exists.
func moduleCalls(t *testing.T, env string) map[string]bool {
	t.Helper()
	file := filepath.Join(env, "main.tf")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	f, diags := hclsyntax.ParseConfig(src, file, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	calls := map[string]bool{}
	for _, block := range f.Body.(*hclsyntax.Body).Blocks {
		if block.Type != "module" || len(block.Labels) != 1 {
			continue
		}
		exists := false
		if a, ok := block.Body.Attributes["source"]; ok {
			if v, diags := a.Expr.Value(nil); !diags.HasErrors() && v.Type() == cty.String {
				info, err := os.Stat(filepath.Join(env, v.AsString()))
				exists = err == nil && info.IsDir()
			}
		}
		calls[block.Labels[0]] = exists
	}
	if len(calls) == 0 {
		t.Fatalf("%s calls no module", file)
	}
	return calls
}
