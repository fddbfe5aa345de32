// Package motoserver runs moto_server, the AWS emulator of the moto project
// (version 5.2.1), for tests that drive the real AWS SDK clients or the AWS
// CLI at it: evidence from an implementation written by others, beside our
// own fakes.
//
// Start launches a server on a free loopback port and stops it when the test
// ends; Reset empties it between cases. Without moto_server on PATH a test
// skips, except under CI=true, where it fails: CI must run these tests.
package motoserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// Version is the moto release the tests are written against. Its test API
// (reset, injected ECR scan findings) is moto's own, not AWS's, and changes
// between releases.
const Version = "5.2.1"

// Install is the command that installs moto_server and the AWS CLI.
const Install = "pip install 'moto[server]==" + Version + "' awscli"

// The fake identity. moto accepts any credentials and puts every resource
// in AccountID.
const (
	AccountID       = "123456789012" // moto's default account
	Region          = "eu-central-1"
	AccessKeyID     = "testing"
	SecretAccessKey = "testing"
)

const (
	// startTimeout bounds the wait for a new server to answer; it starts
	// in about a second.
	startTimeout = 30 * time.Second
	// requestTimeout bounds every HTTP call to the server, the SDK
	// clients' from Config included.
	requestTimeout = 30 * time.Second
	// startAttempts: another process may take the free port between our
	// look-up and moto's bind, and moto then exits at once.
	startAttempts = 3
)

// Server is a running moto_server.
type Server struct {
	URL string // http://127.0.0.1:PORT, the endpoint of every service

	client *http.Client
}

// errExited is a server that exited before it answered.
var errExited = errors.New("moto_server exited before it answered")

// Start runs a moto_server for t and stops it, waiting for its exit, when t
// ends. Without moto_server on PATH t skips, or fails under CI=true.
func Start(t testing.TB) *Server {
	t.Helper()
	program := RequireTool(t, "moto_server")
	var err error
	for range startAttempts {
		var s *Server
		if s, err = launch(t, program); err == nil {
			return s
		}
		if !errors.Is(err, errExited) {
			break
		}
	}
	t.Fatalf("start moto_server: %v", err)
	return nil
}

// launch starts one server on a free port and waits until it answers.
func launch(t testing.TB, program string) (*Server, error) {
	t.Helper()
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, program, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = dieWithParent()
	// A child that keeps the output pipes open cannot hold Wait forever.
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		cancel()
		return nil, err
	}
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	stop := func() {
		cancel() // kills the process
		<-exited
	}

	s := &Server{
		URL:    "http://127.0.0.1:" + strconv.Itoa(port),
		client: &http.Client{Timeout: requestTimeout},
	}
	if err := s.awaitReady(exited); err != nil {
		stop()
		if errors.Is(err, errExited) {
			err = fmt.Errorf("%w (%v)", err, waitErr)
		}
		return nil, fmt.Errorf("%s on port %d: %w; its output:\n%s", program, port, err, out.tail())
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("moto_server output (the end):\n%s", out.tail())
		}
	})
	return s, nil
}

// awaitReady polls the dashboard until it answers 200, the process exits or
// startTimeout passes.
func (s *Server) awaitReady(exited <-chan struct{}) error {
	deadline := time.Now().Add(startTimeout)
	poll := &http.Client{Timeout: time.Second}
	var last error
	for time.Now().Before(deadline) {
		resp, err := poll.Get(s.URL + "/moto-api/")
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("GET /moto-api/: %s", resp.Status)
		}
		last = err
		select {
		case <-exited:
			return errExited
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("no answer after %s: %v", startTimeout, last)
}

// freePort is a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// RequireTool returns the path of program, one of the emulator's tools
// (moto_server, aws). When it is not on PATH, t skips, or fails under
// CI=true.
func RequireTool(t testing.TB, program string) string {
	t.Helper()
	path, err := exec.LookPath(program)
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI requires moto %s and the AWS CLI, and %s is not on PATH: %s", Version, program, Install)
	}
	t.Skipf("%s is not on PATH; to run these tests against the AWS emulator: %s", program, Install)
	return ""
}

// Reset deletes every resource in the server, as a new one would start.
func (s *Server) Reset(t testing.TB) {
	t.Helper()
	s.post(t, "/moto-api/reset", nil)
}

// SetECRScanFindings queues results, each the whole answer
// DescribeImageScanFindings is to give (JSON names as in the ECR API:
// registryId, repositoryName, imageId, imageScanStatus, imageScanFindings),
// for the images of region in AccountID. moto 5.2.1 hands a result to the
// first image in its repositoryName that matches its imageId's imageDigest
// or imageTag (a result without either matches any image of the
// repository) when that image's findings are first asked for, and keeps it
// for that image from then on; images with no result get moto's default: one
// HIGH finding, CVE-9999-9999 in the package moto_fake. An image's findings
// need a StartImageScan first, and moto allows one a day.
func (s *Server) SetECRScanFindings(t testing.TB, region string, results ...any) {
	t.Helper()
	s.post(t, "/moto-api/static/ecr/scan-finding-results", map[string]any{
		"account_id": AccountID,
		"region":     region,
		"results":    results,
	})
}

// post sends body, as JSON, to one of moto's own endpoints.
func (s *Server) post(t testing.TB, path string, body any) {
	t.Helper()
	data, err := json.Marshal(body)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	resp, err := s.client.Post(s.URL+path, "application/json", bytes.NewReader(data))
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		t.Fatalf("POST %s: %s: %s", path, resp.Status, answer)
	}
}

// Config is an AWS SDK configuration for the server in region, with the
// fake credentials; it reads nothing from the environment or ~/.aws.
func (s *Server) Config(region string) aws.Config {
	cfg := aws.NewConfig()
	cfg.Region = region
	cfg.BaseEndpoint = aws.String(s.URL)
	cfg.Credentials = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: AccessKeyID, SecretAccessKey: SecretAccessKey, Source: "motoserver"}, nil
	})
	cfg.HTTPClient = awshttp.NewBuildableClient().WithTimeout(requestTimeout)
	return *cfg
}

// vars are the variables that point the AWS SDKs and the AWS CLI at the
// server, with the fake credentials and Region, and away from the
// developer's ~/.aws and the instance metadata service.
func (s *Server) vars() [][2]string {
	return [][2]string{
		{"AWS_ENDPOINT_URL", s.URL},
		{"AWS_ACCESS_KEY_ID", AccessKeyID},
		{"AWS_SECRET_ACCESS_KEY", SecretAccessKey},
		{"AWS_REGION", Region},
		{"AWS_DEFAULT_REGION", Region}, // the AWS CLI v1 reads only this one
		{"AWS_CONFIG_FILE", os.DevNull},
		{"AWS_SHARED_CREDENTIALS_FILE", os.DevNull},
		{"AWS_EC2_METADATA_DISABLED", "true"},
		{"AWS_PAGER", ""},
	}
}

// Env is this process's environment for a child process (the AWS CLI, a
// script calling it), with every AWS_ variable replaced by those that
// point it at the server.
func (s *Server) Env() []string {
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "AWS_") })
	for _, v := range s.vars() {
		env = append(env, v[0]+"="+v[1])
	}
	return env
}

// Setenv points the AWS SDK's default configuration in this process
// (config.LoadDefaultConfig) at the server for the rest of t: it sets the
// variables Env sets and empties every other AWS_ variable. Like t.Setenv
// it cannot be used in parallel tests.
func (s *Server) Setenv(t testing.TB) {
	t.Helper()
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "AWS_") {
			t.Setenv(name, "")
		}
	}
	for _, v := range s.vars() {
		t.Setenv(v[0], v[1])
	}
}

// lockedBuffer collects the server's output, written by exec's copying
// goroutines and read by the test.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// tailSize is how much of the output a failure shows: moto logs a line
// per request.
const tailSize = 8 << 10

// tail is the end of the output.
func (b *lockedBuffer) tail() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.buf.Bytes()
	if len(out) <= tailSize {
		return string(out)
	}
	return "...\n" + string(out[len(out)-tailSize:])
}
