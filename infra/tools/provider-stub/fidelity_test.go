package providerstub_test

// The fidelity proof: real OpenTofu, the stub from build.sh, and fixture
// configurations (testdata/) copied to temporary directories. It shows that
// validation against the stub behaves like validation against the real
// hashicorp/aws provider: a realistic configuration passes, and a misspelt
// argument, a missing required argument and a block written as an attribute
// each fail with tofu's own error; and that `tofu test` with mock_provider
// runs, passing and failing on its asserts.
//
// It needs the tofu binary ($TOFU, else `scripts/install-tools.sh --path`,
// else PATH) and runs build.sh (seconds once cached; the first run needs the
// npm registry for the 37 MB tarball). It is skipped under -short and when
// tofu is not installed.

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestFidelity(t *testing.T) {
	if testing.Short() {
		t.Skip("fidelity test runs real tofu; skipped with -short")
	}
	tofu := findTofu(t)
	rc := buildStub(t)

	env := tofuEnv(rc)
	t.Run("valid config validates", func(t *testing.T) {
		dir := fixture(t, "valid")
		initDir(t, tofu, env, dir)
		out, code := run(t, tofu, env, dir, "validate", "-no-color")
		if code != 0 || !strings.Contains(out, "Success! The configuration is valid.") {
			t.Fatalf("validate: exit %d\n%s", code, out)
		}
	})

	for _, c := range []struct {
		fixture string
		want    []string // every line must appear in the output
	}{
		{"misspelt-argument", []string{
			"Error: Unsupported argument",
			`An argument named "bukket" is not expected here. Did you mean "bucket"?`,
		}},
		{"missing-required", []string{
			"Error: Missing required argument",
			`The argument "family" is required, but no definition was found.`,
		}},
		{"block-as-attribute", []string{
			"Error: Unsupported argument",
			`An argument named "default_action" is not expected here. Did you mean to`,
			`define a block of type "default_action"?`,
			// default_action is required (MinItems 1), so its absence as a
			// block is reported too, as the real provider's schema makes tofu do.
			`At least 1 "default_action" blocks are required.`,
		}},
	} {
		t.Run(c.fixture+" fails validate", func(t *testing.T) {
			dir := fixture(t, c.fixture)
			initDir(t, tofu, env, dir)
			out, code := run(t, tofu, env, dir, "validate", "-no-color")
			if code == 0 {
				t.Fatalf("validate succeeded, want failure\n%s", out)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q\n%s", w, out)
				}
			}
			for _, l := range strings.Split(out, "\n") {
				if strings.HasPrefix(l, "Error: ") || strings.HasPrefix(l, "An argument") || strings.HasPrefix(l, "The argument") || strings.HasPrefix(l, "At least") {
					t.Logf("  %s", l)
				}
			}
		})
	}

	t.Run("tofu test with mock_provider", func(t *testing.T) {
		dir := fixture(t, "valid")
		copyTree(t, filepath.Join("testdata", "tests"), filepath.Join(dir, "tests"))
		initDir(t, tofu, env, dir)

		out, code := run(t, tofu, env, dir, "test", "-no-color", "-filter=tests/pass.tftest.hcl")
		if code != 0 || !strings.Contains(out, `run "plan_with_mocked_aws"... pass`) || !strings.Contains(out, `run "apply_with_mocked_aws"... pass`) {
			t.Fatalf("passing test file: exit %d\n%s", code, out)
		}
		// A failing clean-up (e.g. UpgradeResourceState refused while tofu
		// destroys the mocked state) still exits 0: it only prints errors and
		// leaves errored_test.tfstate behind. Catch that too.
		if strings.Contains(out, "Error") {
			t.Fatalf("passing test file printed errors\n%s", out)
		}
		if _, err := os.Stat(filepath.Join(dir, "errored_test.tfstate")); err == nil {
			t.Fatalf("tofu test left errored_test.tfstate: destroying the mocked state failed\n%s", out)
		}

		out, code = run(t, tofu, env, dir, "test", "-no-color", "-filter=tests/fail.tftest.hcl")
		if code == 0 {
			t.Fatalf("failing test file passed\n%s", out)
		}
		for _, w := range []string{`run "deliberately_failing_assert"... fail`, "Error: Test assertion failed", "deliberate failure"} {
			if !strings.Contains(out, w) {
				t.Errorf("failing test output lacks %q\n%s", w, out)
			}
		}
		t.Logf("  failing test file: exit %d, %q", code, "Error: Test assertion failed")
	})
}

// findTofu locates the OpenTofu binary.
func findTofu(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("TOFU"); p != "" {
		return p
	}
	script := filepath.Join("..", "..", "..", "scripts", "install-tools.sh")
	if out, err := exec.Command("bash", script, "--path").Output(); err == nil {
		p := filepath.Join(strings.TrimSpace(string(out)), "tofu")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("tofu"); err == nil {
		return p
	}
	t.Skip("tofu not found (set TOFU, or run scripts/install-tools.sh tofu)")
	return ""
}

// buildStub runs build.sh and returns the CLI config file it wrote.
func buildStub(t *testing.T) string {
	t.Helper()
	start := time.Now()
	cmd := exec.Command("bash", "build.sh", "--env")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("build.sh: %v\n%s", err, stderr.String())
	}
	line := strings.TrimSpace(string(out))
	rc, ok := strings.CutPrefix(line, "export TF_CLI_CONFIG_FILE=")
	if !ok {
		t.Fatalf("build.sh --env printed %q", line)
	}
	rc = strings.Trim(rc, `'"`)
	t.Logf("build.sh: %s (%s)", rc, time.Since(start).Round(10*time.Millisecond))
	return rc
}

// tofuEnv is the environment for tofu: ours must win over any
// TF_CLI_CONFIG_FILE the machine sets, and nothing may redirect plugins.
func tofuEnv(rc string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "TF_CLI_CONFIG_FILE", "TF_PLUGIN_CACHE_DIR", "TF_DATA_DIR", "TF_LOG", "TF_CLI_ARGS",
			"TF_CLI_ARGS_init", "TF_CLI_ARGS_validate", "TF_CLI_ARGS_test":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "TF_INPUT=0")
}

// fixture copies testdata/<name> to a fresh temporary directory (without any
// lock file: tofu records the stub's hash there).
func fixture(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	copyTree(t, filepath.Join("testdata", name), dir)
	return dir
}

func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func initDir(t *testing.T, tofu string, env []string, dir string) {
	t.Helper()
	out, code := run(t, tofu, env, dir, "init", "-backend=false", "-input=false", "-no-color")
	if code != 0 || !strings.Contains(out, "Installed hashicorp/aws v6.25.0") {
		t.Fatalf("init: exit %d\n%s", code, out)
	}
}

// run executes tofu and returns its combined output and exit code, logging
// how long it took.
func run(t *testing.T, tofu string, env []string, dir string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tofu, args...)
	cmd.Dir, cmd.Env = dir, env
	start := time.Now()
	out, err := cmd.CombinedOutput()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("tofu %s: %v", strings.Join(args, " "), err)
		}
		code = ee.ExitCode()
	}
	t.Logf("tofu %s: exit %d in %s", args[0], code, time.Since(start).Round(10*time.Millisecond))
	return string(out), code
}
