//go:build container

// The release image, run as a container by a runtime we did not write:
// umoci (openSUSE's OCI image tool) unpacks the OCI layout `make image`
// wrote, and runc (the OCI reference runtime, what containerd runs on
// Fargate's hosts) starts it with a read-only root file system, uid 65532,
// no capabilities and a network namespace of its own. `make container`
// runs this file (build tag container): it needs root, umoci and runc, and
// the layout's path in IMAGE_LAYOUT.
package image_test

import (
	"bytes"
	"context"
	"debug/buildinfo"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"

	"github.com/currency-convertor-ecs/currency-api/internal/image"
)

// installHint is what to run where the runtime is missing.
const installHint = "run as root: scripts/install-tools.sh umoci runc (Debian's umoci and runc)"

func TestImageRunsUnderRunc(t *testing.T) {
	requireRuntime(t)
	layoutDir := os.Getenv("IMAGE_LAYOUT")
	if layoutDir == "" {
		t.Fatal("IMAGE_LAYOUT is not set: run make container, which builds the image first (make image)")
	}
	tmp := t.TempDir()

	// umoci 0.4 cannot choose a platform from an index, so the host's image
	// is copied, unchanged (same digest), into a layout of its own.
	img, digest := hostImage(t, layoutDir)
	single, err := layout.Write(filepath.Join(tmp, "oci"), empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := single.AppendImage(img, layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": "run"})); err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(tmp, "bundle")
	mustRun(t, "umoci", "unpack", "--image", filepath.Join(tmp, "oci")+":run", bundle)
	t.Logf("unpacked linux/%s image %s", runtime.GOARCH, digest)

	rootfs := filepath.Join(bundle, "rootfs")
	t.Run("file list", func(t *testing.T) {
		got := listFiles(t, rootfs)
		var want []string
		for _, f := range image.Files() {
			want = append(want, describe(f.Path, f.Mode, f.Dir, 0, 0))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("root file system (-want +got):\n%s", diff)
		}
		t.Logf("root file system:\n  %s", strings.Join(got, "\n  "))
	})

	t.Run("binary carries its CA roots", func(t *testing.T) {
		// The root file system has no CA bundle and no zoneinfo. Time zone
		// data needs no check here: the service loads Europe/Berlin as it
		// starts, so it would not answer below without time/tzdata.
		info, err := buildinfo.ReadFile(filepath.Join(rootfs, "currency-api"))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(info.Deps, func(m *debug.Module) bool { return m.Path == "golang.org/x/crypto/x509roots/fallback" }) {
			t.Errorf("the binary is built without golang.org/x/crypto/x509roots/fallback: TLS to the ECB would fail with no system roots")
		}
	})

	sweepLeftovers(t)
	netns := newNetns(t)
	hostCfg := readSpec(t, bundle)
	harden(hostCfg, netns.path)
	writeSpec(t, bundle, hostCfg)

	state := filepath.Join(tmp, "runc")
	id := fmt.Sprintf("currency-api-test-%d", os.Getpid())
	server := startContainer(t, state, bundle, id)
	base := "http://" + netns.containerIP + ":8080"
	waitHealthy(t, base, server)

	t.Run("process", func(t *testing.T) {
		pid := containerPID(t, state, id)
		status := readProc(t, pid, "status")
		for _, want := range []string{
			"Uid:\t65532\t65532\t65532\t65532",
			"Gid:\t65532\t65532\t65532\t65532",
			"CapInh:\t0000000000000000",
			"CapPrm:\t0000000000000000",
			"CapEff:\t0000000000000000",
			"CapBnd:\t0000000000000000",
			"CapAmb:\t0000000000000000",
			"NoNewPrivs:\t1",
		} {
			if !strings.Contains(status, want+"\n") {
				t.Errorf("/proc/%d/status has no %q line", pid, want)
			}
		}
		t.Logf("process %d: %s", pid, grepLines(status, "Uid:", "Gid:", "CapEff:", "CapBnd:", "NoNewPrivs:"))

		mounts := readProc(t, pid, "mounts")
		root := mountOptions(mounts, "/")
		if !slices.Contains(root, "ro") {
			t.Errorf("root file system mounted %v, want ro", root)
		}
		t.Logf("mounts:\n  %s", strings.ReplaceAll(strings.TrimSpace(mounts), "\n", "\n  "))

		selfNet, _ := os.Readlink("/proc/self/ns/net")
		ctrNet, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/net", pid))
		if err != nil {
			t.Fatal(err)
		}
		if ctrNet == selfNet {
			t.Errorf("the container shares the test's network namespace %s", selfNet)
		}
		t.Logf("network namespace %s (the test's: %s)", ctrNet, selfNet)
	})

	t.Run("health", func(t *testing.T) {
		status, body := get(t, base+"/health")
		if status != http.StatusOK {
			t.Fatalf("GET /health = %d %s", status, body)
		}
		var h struct {
			Status   string `json:"status"`
			Snapshot struct {
				Date string `json:"date"`
			} `json:"snapshot"`
		}
		if err := json.Unmarshal(body, &h); err != nil {
			t.Fatalf("GET /health: %v: %s", err, body)
		}
		label := imageLabel(t, img, "io.github.currency-convertor-ecs.currency-api.rates.last-date")
		if h.Snapshot.Date != label {
			t.Errorf("GET /health snapshot date %q, image label says %q", h.Snapshot.Date, label)
		}
		t.Logf("GET /health = %d %s", status, body)
	})

	t.Run("convert", func(t *testing.T) {
		// 2025-05-09 is in every snapshot: the ECB's USD rate that day was
		// 1.1252 (eurofxref-hist.csv).
		status, body := get(t, base+"/convert?from=EUR&to=USD&amount=100&date=2025-05-09")
		if status != http.StatusOK {
			t.Fatalf("GET /convert = %d %s", status, body)
		}
		var c struct {
			Rate      json.Number `json:"rate"`
			Converted json.Number `json:"converted"`
			Date      string      `json:"date"`
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&c); err != nil {
			t.Fatalf("GET /convert: %v: %s", err, body)
		}
		if c.Rate != "1.1252" || c.Converted != "112.52" || c.Date != "2025-05-09" {
			t.Errorf("GET /convert EUR 100 to USD on 2025-05-09: rate %s converted %s date %s, want 1.1252, 112.52, 2025-05-09", c.Rate, c.Converted, c.Date)
		}
		t.Logf("GET /convert = %d %s", status, body)
	})

	t.Run("healthcheck while up", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, "runc", "--root", state, "exec", id, image.BinaryPath, "healthcheck").CombinedOutput()
		if err != nil {
			t.Fatalf("healthcheck in the running container: %v: %s", err, out)
		}
		t.Logf("runc exec %s healthcheck: exit 0, %s", image.BinaryPath, bytes.TrimSpace(out))
	})

	// SIGTERM is what ECS sends: the service drains and exits 0.
	mustRun(t, "runc", "--root", state, "kill", id, "TERM")
	if code := server.wait(t, 30*time.Second); code != 0 {
		t.Errorf("the server exited %d after SIGTERM, want 0; its output:\n%s", code, server.output())
	}

	t.Run("healthcheck when the server is gone", func(t *testing.T) {
		// A second container in the same network namespace, with the same
		// read-only root, running only the health check.
		cfg := readSpec(t, bundle)
		cfg["process"].(map[string]any)["args"] = []any{image.BinaryPath, "healthcheck"}
		checkBundle := filepath.Join(tmp, "check")
		if err := os.MkdirAll(checkBundle, 0o755); err != nil {
			t.Fatal(err)
		}
		cfg["root"].(map[string]any)["path"] = rootfs
		writeSpec(t, checkBundle, cfg)
		check := startContainer(t, state, checkBundle, id+"-check")
		code := check.wait(t, 30*time.Second)
		if code != 1 || !strings.Contains(check.output(), "connection refused") {
			t.Errorf("healthcheck with no server exited %d, want 1 for a refused connection; output:\n%s", code, check.output())
		}
		t.Logf("healthcheck with no server: exit %d, %s", code, strings.TrimSpace(check.output()))
	})
}

// requireRuntime skips, or in CI fails, where the container cannot run.
func requireRuntime(t *testing.T) {
	t.Helper()
	var missing []string
	if os.Geteuid() != 0 {
		missing = append(missing, "root")
	}
	for _, tool := range []string{"umoci", "runc", "ip"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) == 0 {
		return
	}
	msg := fmt.Sprintf("cannot run the image: no %s (%s)", strings.Join(missing, ", "), installHint)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + ": CI requires it")
	}
	t.Skip(msg)
}

// hostImage returns the layout's image for this machine's architecture.
func hostImage(t *testing.T, dir string) (v1.Image, v1.Hash) {
	t.Helper()
	p, err := layout.FromPath(dir)
	if err != nil {
		t.Fatalf("IMAGE_LAYOUT %s: %v", dir, err)
	}
	outer, err := p.ImageIndex()
	if err != nil {
		t.Fatal(err)
	}
	m, err := outer.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Manifests) != 1 {
		t.Fatalf("%s/index.json has %d entries, want the one image index", dir, len(m.Manifests))
	}
	idx, err := outer.ImageIndex(m.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	img, err := image.ImageFor(idx, image.Platform{OS: "linux", Arch: runtime.GOARCH})
	if err != nil {
		t.Fatal(err)
	}
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return img, d
}

func imageLabel(t *testing.T, img v1.Image, key string) string {
	t.Helper()
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Config.Labels[key]
}

// listFiles describes every entry under root, sorted, as "/path mode uid:gid".
func listFiles(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == root {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		st := info.Sys().(*syscall.Stat_t)
		out = append(out, describe("/"+strings.TrimPrefix(p, root+"/"), info.Mode().Perm(), d.IsDir(), st.Uid, st.Gid))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func describe(path string, mode fs.FileMode, dir bool, uid, gid uint32) string {
	kind := "file"
	if dir {
		kind = "dir"
	}
	return fmt.Sprintf("%s %s %04o %d:%d", path, kind, mode.Perm(), uid, gid)
}

// harden turns umoci's runtime spec into the one the test promises: read-only
// root, no capabilities, no new privileges, the given network namespace and
// no network access otherwise; the service reads only its embedded rates.
func harden(spec map[string]any, netnsPath string) {
	spec["root"].(map[string]any)["readonly"] = true
	proc := spec["process"].(map[string]any)
	proc["terminal"] = false
	proc["noNewPrivileges"] = true
	proc["capabilities"] = map[string]any{
		"bounding": []any{}, "effective": []any{}, "inheritable": []any{}, "permitted": []any{}, "ambient": []any{},
	}
	env, _ := proc["env"].([]any)
	proc["env"] = append(env, "RATES_PROVIDER=offline")
	linux := spec["linux"].(map[string]any)
	var namespaces []any
	for _, ns := range linux["namespaces"].([]any) {
		if ns.(map[string]any)["type"] != "network" {
			namespaces = append(namespaces, ns)
		}
	}
	linux["namespaces"] = append(namespaces, map[string]any{"type": "network", "path": netnsPath})
}

func readSpec(t *testing.T, bundle string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(bundle, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	var spec map[string]any
	if err := json.Unmarshal(b, &spec); err != nil {
		t.Fatal(err)
	}
	return spec
}

func writeSpec(t *testing.T, bundle string, spec map[string]any) {
	t.Helper()
	b, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bundle, "config.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// netns is a network namespace joined to the test's by a veth pair.
type netns struct {
	path        string
	containerIP string
}

// The names of what the test makes outside its temporary directory: network
// namespaces and the host ends of veth pairs.
const (
	netnsPrefix = "ccapi-test-"
	vethPrefix  = "ccapih"
)

// sweepLeftovers removes the namespaces and links an earlier run left when
// it was killed before its cleanup ran (a go test -timeout panic), with any
// process still in them.
func sweepLeftovers(t *testing.T) {
	t.Helper()
	entries, _ := os.ReadDir("/var/run/netns")
	for _, e := range entries {
		if name := e.Name(); strings.HasPrefix(name, netnsPrefix) {
			out, _ := exec.Command("ip", "netns", "pids", name).Output()
			for pid := range strings.FieldsSeq(string(out)) {
				_ = exec.Command("kill", "-KILL", pid).Run()
			}
			_ = exec.Command("ip", "netns", "del", name).Run()
			t.Logf("removed the network namespace %s an earlier run left", name)
		}
	}
	links, _ := os.ReadDir("/sys/class/net")
	for _, l := range links {
		if name := l.Name(); strings.HasPrefix(name, vethPrefix) {
			_ = exec.Command("ip", "link", "del", name).Run()
			t.Logf("removed the link %s an earlier run left", name)
		}
	}
}

// newNetns makes a namespace with a /30 of 10.213.0.0/16 on a veth pair,
// removed at the end of the test.
func newNetns(t *testing.T) netns {
	t.Helper()
	n := rand.IntN(16000)
	name := fmt.Sprintf("%s%d", netnsPrefix, n)
	host, peer := fmt.Sprintf("%s%d", vethPrefix, n), fmt.Sprintf("ccapic%d", n)
	a, b := n/64, (n%64)*4
	hostIP, ctrIP := fmt.Sprintf("10.213.%d.%d", a, b+1), fmt.Sprintf("10.213.%d.%d", a, b+2)
	mustRun(t, "ip", "netns", "add", name)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", name).Run() })
	mustRun(t, "ip", "link", "add", host, "type", "veth", "peer", "name", peer)
	t.Cleanup(func() { _ = exec.Command("ip", "link", "del", host).Run() })
	mustRun(t, "ip", "link", "set", peer, "netns", name)
	mustRun(t, "ip", "addr", "add", hostIP+"/30", "dev", host)
	mustRun(t, "ip", "link", "set", host, "up")
	mustRun(t, "ip", "netns", "exec", name, "ip", "addr", "add", ctrIP+"/30", "dev", peer)
	mustRun(t, "ip", "netns", "exec", name, "ip", "link", "set", peer, "up")
	mustRun(t, "ip", "netns", "exec", name, "ip", "link", "set", "lo", "up")
	return netns{path: "/var/run/netns/" + name, containerIP: ctrIP}
}

// container is a `runc run` in the foreground: the test owns the process
// and waits for it; cleanup kills and deletes whatever is left.
type container struct {
	cmd  *exec.Cmd
	out  *lockedBuffer
	done chan struct{}
	err  error
}

func startContainer(t *testing.T, state, bundle, id string) *container {
	t.Helper()
	c := &container{out: &lockedBuffer{}, done: make(chan struct{})}
	c.cmd = exec.Command("runc", "--root", state, "run", "--bundle", bundle, id)
	c.cmd.Stdout, c.cmd.Stderr = c.out, c.out
	// If the test binary dies first (a -timeout panic skips the cleanups),
	// the kernel kills runc; the container's process outlives it in its
	// network namespace, where the next run's sweepLeftovers kills it.
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("runc run %s: %v", id, err)
	}
	go func() { c.err = c.cmd.Wait(); close(c.done) }()
	t.Cleanup(func() {
		_ = exec.Command("runc", "--root", state, "kill", id, "KILL").Run()
		select {
		case <-c.done:
		case <-time.After(10 * time.Second):
			_ = c.cmd.Process.Kill()
			<-c.done
		}
		_ = exec.Command("runc", "--root", state, "delete", "--force", id).Run()
	})
	return c
}

// wait returns the container's exit code, failing the test after limit.
func (c *container) wait(t *testing.T, limit time.Duration) int {
	t.Helper()
	select {
	case <-c.done:
	case <-time.After(limit):
		t.Fatalf("the container did not exit within %s; output:\n%s", limit, c.output())
	}
	var exit *exec.ExitError
	switch {
	case c.err == nil:
		return 0
	case errors.As(c.err, &exit):
		return exit.ExitCode()
	default:
		t.Fatalf("runc run: %v", c.err)
		return -1
	}
}

func (c *container) output() string { return c.out.String() }

func (c *container) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

func waitHealthy(t *testing.T, base string, c *container) {
	t.Helper()
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if c.exited() {
			t.Fatalf("the container exited before answering; output:\n%s", c.output())
		}
		resp, err := client.Get(base + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no 200 from %s/health within 20s; output:\n%s", base, c.output())
}

func get(t *testing.T, url string) (int, []byte) {
	t.Helper()
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, bytes.TrimSpace(body)
}

func containerPID(t *testing.T, state, id string) int {
	t.Helper()
	out := mustRun(t, "runc", "--root", state, "state", id)
	var s struct{ Pid int }
	if err := json.Unmarshal([]byte(out), &s); err != nil || s.Pid == 0 {
		t.Fatalf("runc state %s: %v: %s", id, err, out)
	}
	return s.Pid
}

func readProc(t *testing.T, pid int, name string) string {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/%s", pid, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// mountOptions are the options of the mount at target in a /proc/PID/mounts.
func mountOptions(mounts, target string) []string {
	var opts []string
	for line := range strings.SplitSeq(mounts, "\n") {
		f := strings.Fields(line)
		if len(f) >= 4 && f[1] == target {
			opts = strings.Split(f[3], ",") // the last mount on target wins
		}
	}
	return opts
}

func grepLines(text string, prefixes ...string) string {
	var out []string
	for line := range strings.SplitSeq(text, "\n") {
		for _, p := range prefixes {
			if strings.HasPrefix(line, p) {
				out = append(out, strings.Join(strings.Fields(line), " "))
			}
		}
	}
	return strings.Join(out, "; ")
}

func mustRun(t *testing.T, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// lockedBuffer is a bytes.Buffer the runc process writes to while the test
// reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
