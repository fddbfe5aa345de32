package policy_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

// The environments are separate root modules on purpose (each has its own
// state, backend key and tfvars), so their .tf files repeat each other. This
// keeps the repetition honest: apart from the environment's own name, every
// .tf file of every environment must be the same, so a change made to one
// environment alone fails here. Sizes differ only in terraform.tfvars.
func TestEnvironmentsStayInStep(t *testing.T) {
	root := filepath.Join("..", "environments")
	envs, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(envs) < 2 {
		t.Fatalf("%d environments in %s, want at least dev and prod", len(envs), root)
	}
	base := envs[0].Name()
	want := tfFiles(t, filepath.Join(root, base), base)
	for _, env := range envs[1:] {
		got := tfFiles(t, filepath.Join(root, env.Name()), env.Name())
		for name, text := range want {
			if other, ok := got[name]; !ok {
				t.Errorf("%s/%s exists but %s/%s does not", base, name, env.Name(), name)
			} else if other != text {
				t.Errorf("%s/%s and %s/%s differ beyond the environment's name: make the change in every environment (sizes belong in terraform.tfvars)", base, name, env.Name(), name)
			}
		}
		for name := range got {
			if _, ok := want[name]; !ok {
				t.Errorf("%s/%s exists but %s/%s does not", env.Name(), name, base, name)
			}
		}
	}
}

// tfFiles reads the .tf files of dir and its tests/*.tftest.hcl (the
// whole-environment tests) with the environment's name, as a whole word,
// replaced by a placeholder.
func tfFiles(t *testing.T, dir, env string) map[string]string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		t.Fatal(err)
	}
	tests, err := filepath.Glob(filepath.Join(dir, "tests", "*.tftest.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	names = append(names, tests...)
	slices.Sort(names)
	word := regexp.MustCompile(`\b` + regexp.QuoteMeta(env) + `\b`)
	out := make(map[string]string, len(names))
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		rel, err := filepath.Rel(dir, name)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.ToSlash(rel)] = word.ReplaceAllString(string(b), "ENVIRONMENT")
	}
	return out
}
