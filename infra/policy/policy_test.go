package policy_test

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/currency-convertor-ecs/currency-api/infra/policy"
)

// Each check has testdata/<check>/violation, which breaks the check's promise,
// and testdata/<check>/compliant, which keeps it. Every check runs on every
// fixture, so a fixture proves both that its own check fires and that no other
// check does. A violation fixture marks each expected finding on its line:
//
//	resource "aws_lb" "x" { # want "regexp"
//	default_action { # want other-check "regexp"
//
// (the check defaults to the fixture's own); every finding must be wanted and
// every want found.
func TestChecksOnFixtures(t *testing.T) {
	for _, c := range policy.Checks {
		t.Run(c.Name, func(t *testing.T) {
			dir := filepath.Join("testdata", c.Name)
			if c.Promise == "" {
				t.Errorf("check %s has no promise", c.Name)
			}
			t.Run("violation", func(t *testing.T) {
				wants := readWants(t, filepath.Join(dir, "violation"), c.Name)
				if countCheck(wants, c.Name) == 0 {
					t.Fatalf("fixture %s/violation wants no %s finding", dir, c.Name)
				}
				compare(t, runAll(t, filepath.Join(dir, "violation")), wants)
			})
			t.Run("compliant", func(t *testing.T) {
				for _, f := range runAll(t, filepath.Join(dir, "compliant")) {
					t.Errorf("unexpected finding on a compliant fixture: %s", f)
				}
			})
		})
	}
}

// TestInfrastructure runs every check on the project's real modules and
// environments, which must keep every promise.
func TestInfrastructure(t *testing.T) {
	modules, environments := filepath.Join("..", "modules"), filepath.Join("..", "environments")
	if _, err := os.Stat(modules); os.IsNotExist(err) {
		t.Skipf("%s does not exist yet: no Terraform modules to check", modules)
	}
	roots := []string{modules}
	if _, err := os.Stat(environments); err == nil {
		roots = append(roots, environments)
	}
	cfg, err := policy.Load(roots...)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Modules) == 0 {
		t.Fatalf("no .tf files under %v", roots)
	}
	for _, f := range policy.Run(cfg, policy.Checks) {
		t.Error(f)
	}
}

func TestCheckNamesAreUniqueAndHaveFixtures(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range policy.Checks {
		if seen[c.Name] {
			t.Errorf("duplicate check name %s", c.Name)
		}
		seen[c.Name] = true
	}
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() && !seen[e.Name()] {
			t.Errorf("testdata/%s belongs to no check", e.Name())
		}
	}
}

func TestLoadRejectsInvalidHCL(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(`resource "aws_lb" "x" {`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := policy.Load(dir); err == nil {
		t.Error("Load of invalid HCL succeeded, want a parse error")
	}
}

func runAll(t *testing.T, dir string) []policy.Finding {
	t.Helper()
	cfg, err := policy.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Modules) == 0 {
		t.Fatalf("no .tf files in %s", dir)
	}
	return policy.Run(cfg, policy.Checks)
}

// want is an expected finding: a check and a message pattern at a line.
type want struct {
	file  string
	line  int
	check string
	re    *regexp.Regexp
}

var wantRE = regexp.MustCompile(`# want(?: ([a-z0-9-]+))? ("(?:[^"\\]|\\.)*")`)

// readWants reads the wants of every .tf file under dir, at any depth: a
// fixture may hold several modules (env/ calling ../modules/pipeline).
func readWants(t *testing.T, dir, check string) []want {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".tf") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var wants []want
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for line := 1; sc.Scan(); line++ {
			for _, m := range wantRE.FindAllStringSubmatch(sc.Text(), -1) {
				pattern, err := strconv.Unquote(m[2])
				if err != nil {
					t.Fatalf("%s:%d: bad want %s: %v", path, line, m[2], err)
				}
				w := want{file: path, line: line, check: check, re: regexp.MustCompile(pattern)}
				if m[1] != "" {
					w.check = m[1]
				}
				wants = append(wants, w)
			}
		}
		f.Close()
	}
	return wants
}

func countCheck(wants []want, check string) int {
	n := 0
	for _, w := range wants {
		if w.check == check {
			n++
		}
	}
	return n
}

// compare matches findings to wants one to one.
func compare(t *testing.T, findings []policy.Finding, wants []want) {
	t.Helper()
	used := make([]bool, len(findings))
	for _, w := range wants {
		found := false
		for i, f := range findings {
			if !used[i] && f.Range.Filename == w.file && f.Range.Start.Line == w.line && f.Check == w.check && w.re.MatchString(f.Message) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("%s:%d: no %s finding matching %q", w.file, w.line, w.check, w.re)
		}
	}
	for i, f := range findings {
		if !used[i] {
			t.Errorf("unexpected finding: %s", f)
		}
	}
}

func TestCheckIgnoreFile(t *testing.T) {
	const file = `misconfigurations:
  - id: AWS-0054
    paths: ["modules/service/alb.tf"]
    statement: The internal ALB is reached only through CloudFront's VPC origin.
  - id: AWS-0053
    paths: ["modules/service/alb.tf"]
  - id: AWS-0104
    statement: Egress to the internet on 443 only.
`
	problems, err := policy.CheckIgnoreFile(".trivyignore.yaml", strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		".trivyignore.yaml: misconfigurations[1] (AWS-0053): no statement",
		".trivyignore.yaml: misconfigurations[2] (AWS-0104): no paths",
	}
	if len(problems) != len(want) {
		t.Fatalf("CheckIgnoreFile = %q, want problems for %q", problems, want)
	}
	for i, p := range problems {
		if !strings.HasPrefix(p, want[i]) {
			t.Errorf("problem %d = %q, want prefix %q", i, p, want[i])
		}
	}
	if _, err := policy.CheckIgnoreFile("x", strings.NewReader("vulnerabilities:\n  - id: CVE-1\n")); err == nil {
		t.Error("CheckIgnoreFile accepted a section other than misconfigurations")
	}
}

// TestTrivyIgnoreFile checks the project's infra/.trivyignore.yaml: every
// suppression is scoped and justified.
func TestTrivyIgnoreFile(t *testing.T) {
	path := filepath.Join("..", ".trivyignore.yaml")
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		t.Skipf("%s does not exist", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	problems, err := policy.CheckIgnoreFile(path, f)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}
