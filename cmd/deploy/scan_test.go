package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
)

const (
	registryID = "123456789012"
	repository = "currency-api"
	newDigest  = "sha256:abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"
)

// newECRImage is newImage, parsed.
var newECRImage = ecrImage{RegistryID: registryID, Region: "eu-west-1", Repository: repository, Digest: newDigest}

// scanAnswer is one scripted DescribeImageScanFindings reply.
type scanAnswer struct {
	out *ecr.DescribeImageScanFindingsOutput
	err error
}

func scanStatus(status ecrtypes.ScanStatus, description string) scanAnswer {
	out := &ecr.DescribeImageScanFindingsOutput{
		RegistryId:      aws.String(registryID),
		RepositoryName:  aws.String(repository),
		ImageId:         &ecrtypes.ImageIdentifier{ImageDigest: aws.String(newDigest)},
		ImageScanStatus: &ecrtypes.ImageScanStatus{Status: status},
	}
	if description != "" {
		out.ImageScanStatus.Description = aws.String(description)
	}
	return scanAnswer{out: out}
}

// scanComplete is a COMPLETE basic scan with these counts and the first page
// of findings.
func scanComplete(counts map[string]int32, findings ...ecrtypes.ImageScanFinding) scanAnswer {
	a := scanStatus(ecrtypes.ScanStatusComplete, "The scan was completed successfully.")
	a.out.ImageScanFindings = &ecrtypes.ImageScanFindings{FindingSeverityCounts: counts, Findings: findings}
	return a
}

// withNext adds a NextToken to a scripted answer.
func withNext(a scanAnswer, token string) scanAnswer {
	a.out.NextToken = aws.String(token)
	return a
}

// findingsPage is a later page of a COMPLETE scan.
func findingsPage(next string, findings ...ecrtypes.ImageScanFinding) scanAnswer {
	a := scanComplete(nil, findings...)
	a.out.ImageScanFindings.FindingSeverityCounts = nil
	if next != "" {
		a.out.NextToken = aws.String(next)
	}
	return a
}

func basicFinding(name string, severity ecrtypes.FindingSeverity, pkg, version string) ecrtypes.ImageScanFinding {
	return ecrtypes.ImageScanFinding{
		Name:     aws.String(name),
		Severity: severity,
		Uri:      aws.String("https://security-tracker.debian.org/tracker/" + name),
		Attributes: []ecrtypes.Attribute{
			{Key: aws.String("package_version"), Value: aws.String(version)},
			{Key: aws.String("package_name"), Value: aws.String(pkg)},
			{Key: aws.String("CVSS2_SCORE"), Value: aws.String("7.5")},
		},
	}
}

func scanNotFound() scanAnswer {
	// As the SDK returns it: modeled, not retried by the SDK.
	return scanAnswer{err: &smithy.OperationError{
		ServiceID:     "ECR",
		OperationName: "DescribeImageScanFindings",
		Err: &ecrtypes.ScanNotFoundException{
			Message: aws.String("Image scan does not exist for the image with '{imageDigest:'" + newDigest + "'}' in the repository with name '" + repository + "' in the registry with id '" + registryID + "'"),
		},
	}}
}

func ecrError(code string) scanAnswer {
	// As the SDK returns it once its own retryer gives up.
	return scanAnswer{err: &smithy.OperationError{
		ServiceID:     "ECR",
		OperationName: "DescribeImageScanFindings",
		Err:           &retry.MaxAttemptsError{Attempt: 3, Err: &smithy.GenericAPIError{Code: code, Message: "scripted " + code}},
	}}
}

// fakeECR answers DescribeImageScanFindings without a NextToken from a
// script (the last answer repeats), and with one from pages; it records
// every call. With forbidden set, any call fails the test.
type fakeECR struct {
	t         *testing.T
	mu        sync.Mutex
	scans     []scanAnswer
	pages     map[string]scanAnswer
	forbidden bool

	calls []*ecr.DescribeImageScanFindingsInput
}

func (f *fakeECR) DescribeImageScanFindings(_ context.Context, in *ecr.DescribeImageScanFindingsInput, _ ...func(*ecr.Options)) (*ecr.DescribeImageScanFindingsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.forbidden {
		f.t.Errorf("DescribeImageScanFindings(%+v) called, want no ECR call", in)
		return nil, errors.New("fake: forbidden")
	}
	if aws.ToString(in.RegistryId) != registryID || aws.ToString(in.RepositoryName) != repository ||
		in.ImageId == nil || aws.ToString(in.ImageId.ImageDigest) != newDigest || in.ImageId.ImageTag != nil {
		return nil, errors.New("fake: unexpected DescribeImageScanFindings input")
	}
	f.calls = append(f.calls, in)
	if in.NextToken != nil {
		a, ok := f.pages[*in.NextToken]
		if !ok {
			return nil, fmt.Errorf("fake: no page %q", *in.NextToken)
		}
		return a.out, a.err
	}
	scans := 0
	for _, c := range f.calls {
		if c.NextToken == nil {
			scans++
		}
	}
	a := f.scans[min(scans-1, len(f.scans)-1)]
	return a.out, a.err
}

// tokens lists the NextToken of every call, "" for none.
func (f *fakeECR) tokens() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		out = append(out, aws.ToString(c.NextToken))
	}
	return out
}

// assertECSUntouched fails unless the deploy made no ECS or SSM call at all.
func assertECSUntouched(t *testing.T, h *harness) {
	t.Helper()
	if h.ecs.describes != 0 || len(h.ecs.describeTD) != 0 || len(h.ecs.registered) != 0 || len(h.ecs.updated) != 0 {
		t.Errorf("ECS calls: %d DescribeServices, %d DescribeTaskDefinition, %d RegisterTaskDefinition, %d UpdateService; want none",
			h.ecs.describes, len(h.ecs.describeTD), len(h.ecs.registered), len(h.ecs.updated))
	}
	if len(h.ssm.put) != 0 {
		t.Errorf("PutParameter calls = %d, want 0", len(h.ssm.put))
	}
}

func TestScanGatePasses(t *testing.T) {
	tests := []struct {
		name       string
		failOn     string
		scans      []scanAnswer
		wantCounts map[string]int32
		wantSleeps []time.Duration // of the scan wait; the rollout adds none
		wantLog    string
	}{
		{
			name:    "no findings",
			failOn:  "CRITICAL",
			scans:   []scanAnswer{scanComplete(nil)},
			wantLog: "scan of currency-api@" + newDigest + " passed -fail-on-severity CRITICAL: no findings",
		},
		{
			name:   "findings below the threshold",
			failOn: "CRITICAL",
			scans: []scanAnswer{scanComplete(map[string]int32{"HIGH": 2, "MEDIUM": 5},
				basicFinding("CVE-2024-0001", ecrtypes.FindingSeverityHigh, "openssl", "3.0.11-1~deb12u2"))},
			wantCounts: map[string]int32{"HIGH": 2, "MEDIUM": 5},
			wantLog:    "passed -fail-on-severity CRITICAL: 0 critical, 2 high, 5 medium",
		},
		{
			name:       "HIGH threshold with medium and low findings",
			failOn:     "HIGH",
			scans:      []scanAnswer{scanComplete(map[string]int32{"MEDIUM": 1, "LOW": 3})},
			wantCounts: map[string]int32{"MEDIUM": 1, "LOW": 3},
			wantLog:    "0 critical, 0 high, 1 medium, 3 low",
		},
		{
			name:       "untriaged findings rank lowest",
			failOn:     "INFORMATIONAL",
			scans:      []scanAnswer{scanComplete(map[string]int32{"UNTRIAGED": 4})},
			wantCounts: map[string]int32{"UNTRIAGED": 4},
			wantLog:    "passed -fail-on-severity INFORMATIONAL: 4 untriaged",
		},
		{
			name:       "scan in progress then complete",
			failOn:     "CRITICAL",
			scans:      []scanAnswer{scanStatus(ecrtypes.ScanStatusInProgress, ""), scanStatus(ecrtypes.ScanStatusInProgress, ""), scanComplete(nil)},
			wantSleeps: sleeps(2, 15*time.Second),
			wantLog:    "waiting for the scan of currency-api@" + newDigest + ": scan IN_PROGRESS",
		},
		{
			name:       "scan not found shortly after push, then complete",
			failOn:     "CRITICAL",
			scans:      []scanAnswer{scanNotFound(), scanStatus(ecrtypes.ScanStatusInProgress, ""), scanComplete(nil)},
			wantSleeps: sleeps(2, 15*time.Second),
			wantLog:    "no scan found",
		},
		{
			name:       "enhanced scanning pending then active",
			failOn:     "HIGH",
			scans:      []scanAnswer{scanStatus(ecrtypes.ScanStatusPending, ""), enhancedActive(map[string]int32{"LOW": 1})},
			wantCounts: map[string]int32{"LOW": 1},
			wantSleeps: sleeps(1, 15*time.Second),
			wantLog:    "scan PENDING",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, active(before), active(completed))
			h.ecr.scans = tt.scans
			req := baseRequest()
			req.FailOn = tt.failOn
			res, err := h.d.deploy(context.Background(), req)
			if err != nil {
				t.Fatalf("deploy() error = %v", err)
			}
			if diff := cmp.Diff(&scanReport{Counts: tt.wantCounts}, res.Scan); diff != "" {
				t.Errorf("deploy() scan report (-want +got):\n%s", diff)
			}
			if got, want := len(h.ecs.updated), 1; got != want {
				t.Errorf("UpdateService calls = %d, want %d", got, want)
			}
			if diff := cmp.Diff(tt.wantSleeps, h.clock.sleeps); diff != "" {
				t.Errorf("sleeps (-want +got):\n%s", diff)
			}
			if !strings.Contains(h.log.String(), tt.wantLog) {
				t.Errorf("log = %q, want it to contain %q", h.log.String(), tt.wantLog)
			}
			if got, want := len(h.ecr.calls), len(tt.scans); got != want {
				t.Errorf("DescribeImageScanFindings calls = %d, want %d", got, want)
			}
		})
	}
}

func enhancedActive(counts map[string]int32, findings ...ecrtypes.EnhancedImageScanFinding) scanAnswer {
	a := scanStatus(ecrtypes.ScanStatusActive, "Continuous scan is selected for image.")
	a.out.ImageScanFindings = &ecrtypes.ImageScanFindings{FindingSeverityCounts: counts, EnhancedFindings: findings}
	return a
}

// TestScanGateThenRolloutTimeout: the rollout's -timeout counts from the end
// of the scan, not from the start of the deploy.
func TestScanGateThenRolloutTimeout(t *testing.T) {
	h := newHarness(t, active(before), active(inProgress, draining), active(inProgress, draining), active(completed))
	h.ecr.scans = []scanAnswer{
		scanStatus(ecrtypes.ScanStatusInProgress, ""), scanStatus(ecrtypes.ScanStatusInProgress, ""),
		scanStatus(ecrtypes.ScanStatusInProgress, ""), scanStatus(ecrtypes.ScanStatusInProgress, ""),
		scanComplete(nil),
	}
	req := baseRequest()
	req.Timeout = 30 * time.Second
	res, err := h.d.deploy(context.Background(), req)
	if err != nil {
		t.Fatalf("deploy() error = %v", err)
	}
	// Four scan polls, then two rollout polls.
	if diff := cmp.Diff(sleeps(6, 15*time.Second), h.clock.sleeps); diff != "" {
		t.Errorf("sleeps (-want +got):\n%s", diff)
	}
	if got, want := res.Took, 90*time.Second; got != want {
		t.Errorf("took = %s, want %s (scan and rollout)", got, want)
	}
}

func TestScanGateRetriesThrottling(t *testing.T) {
	h := newHarness(t, active(before), active(completed))
	h.ecr.scans = []scanAnswer{
		ecrError("ThrottlingException"),
		scanStatus(ecrtypes.ScanStatusInProgress, ""),
		ecrError("ThrottlingException"),
		ecrError("ServerException"),
		scanComplete(map[string]int32{"LOW": 1}),
	}
	res, err := h.d.deploy(context.Background(), baseRequest())
	if err != nil {
		t.Fatalf("deploy() error = %v", err)
	}
	if got, want := res.Retries, 3; got != want {
		t.Errorf("retries = %d, want %d", got, want)
	}
	if got, want := len(h.ecr.calls), 5; got != want {
		t.Errorf("DescribeImageScanFindings calls = %d, want %d", got, want)
	}
	// Retries wait the normal poll interval, no faster.
	if diff := cmp.Diff(sleeps(4, 15*time.Second), h.clock.sleeps); diff != "" {
		t.Errorf("sleeps (-want +got):\n%s", diff)
	}
	if got, want := len(h.ecs.updated), 1; got != want {
		t.Errorf("UpdateService calls = %d, want %d", got, want)
	}
}

func TestScanGateStops(t *testing.T) {
	tests := []struct {
		name       string
		failOn     string
		scanTime   time.Duration // -scan-timeout; 10m if zero
		scans      []scanAnswer
		pages      map[string]scanAnswer
		wantErr    error
		wantMsg    []string // substrings of the error
		wantSleeps []time.Duration
		wantTokens []string // NextToken of each ECR call
	}{
		{
			name:   "critical finding",
			failOn: "CRITICAL",
			scans: []scanAnswer{scanComplete(map[string]int32{"CRITICAL": 1, "HIGH": 2, "MEDIUM": 5},
				basicFinding("CVE-2024-0003", ecrtypes.FindingSeverityMedium, "zlib1g", "1:1.2.13.dfsg-1"),
				basicFinding("CVE-2024-0001", ecrtypes.FindingSeverityHigh, "openssl", "3.0.11-1~deb12u2"),
				basicFinding("CVE-2024-0002", ecrtypes.FindingSeverityCritical, "libc6", "2.36-9+deb12u4"),
			)},
			wantErr: errVulnerable,
			wantMsg: []string{
				"scan findings at or above -fail-on-severity CRITICAL: currency-api@" + newDigest +
					" has 1 critical, 2 high, 5 medium; ECS left unchanged\n" +
					"\tCVE-2024-0002 CRITICAL in libc6 2.36-9+deb12u4 https://security-tracker.debian.org/tracker/CVE-2024-0002",
			},
			wantTokens: []string{""},
		},
		{
			name:   "HIGH threshold fails on high",
			failOn: "HIGH",
			scans: []scanAnswer{scanComplete(map[string]int32{"HIGH": 1, "LOW": 1},
				basicFinding("CVE-2024-0004", ecrtypes.FindingSeverityLow, "tzdata", "2024a-0+deb12u1"),
				basicFinding("CVE-2024-0001", ecrtypes.FindingSeverityHigh, "openssl", "3.0.11-1~deb12u2"),
			)},
			wantErr: errVulnerable,
			wantMsg: []string{
				"at or above -fail-on-severity HIGH: currency-api@" + newDigest + " has 0 critical, 1 high, 0 medium, 1 low; ECS left unchanged\n" +
					"\tCVE-2024-0001 HIGH in openssl 3.0.11-1~deb12u2 https://security-tracker.debian.org/tracker/CVE-2024-0001",
			},
			wantTokens: []string{""},
		},
		{
			name:   "UNDEFINED threshold fails on any finding",
			failOn: "UNDEFINED",
			scans: []scanAnswer{enhancedActive(map[string]int32{"UNTRIAGED": 1}, ecrtypes.EnhancedImageScanFinding{
				Title:    aws.String("CVE-2024-24790 - stdlib"),
				Severity: aws.String("UNTRIAGED"),
				PackageVulnerabilityDetails: &ecrtypes.PackageVulnerabilityDetails{
					VulnerabilityId:    aws.String("CVE-2024-24790"),
					SourceUrl:          aws.String("https://nvd.nist.gov/vuln/detail/CVE-2024-24790"),
					VulnerablePackages: []ecrtypes.VulnerablePackage{{Name: aws.String("stdlib"), Version: aws.String("go1.22.3")}},
				},
			})},
			wantErr:    errVulnerable,
			wantMsg:    []string{"has 1 untriaged; ECS left unchanged\n\tCVE-2024-24790 UNTRIAGED in stdlib go1.22.3 https://nvd.nist.gov/vuln/detail/CVE-2024-24790"},
			wantTokens: []string{""},
		},
		{
			name:   "findings listed most severe first, reading pages only while they could change the list",
			failOn: "HIGH",
			scans: []scanAnswer{withNext(scanComplete(map[string]int32{"CRITICAL": 2, "HIGH": 6, "LOW": 3},
				basicFinding("CVE-1", ecrtypes.FindingSeverityHigh, "a", "1"),
				basicFinding("CVE-2", ecrtypes.FindingSeverityLow, "b", "1"),
				basicFinding("CVE-3", ecrtypes.FindingSeverityHigh, "c", "1"),
				basicFinding("CVE-4", ecrtypes.FindingSeverityHigh, "d", "1"),
				basicFinding("CVE-5", ecrtypes.FindingSeverityHigh, "e", "1"),
				basicFinding("CVE-6", ecrtypes.FindingSeverityHigh, "f", "1"),
			), "p2")},
			pages: map[string]scanAnswer{
				"p2": findingsPage("p3", basicFinding("CVE-7", ecrtypes.FindingSeverityCritical, "g", "1")),
				"p3": findingsPage("p4", basicFinding("CVE-8", ecrtypes.FindingSeverityLow, "h", "1"),
					basicFinding("CVE-9", ecrtypes.FindingSeverityCritical, "i", "1")),
				// Both criticals are seen by now: this page could not change the list.
				"p4": findingsPage("", basicFinding("CVE-10", ecrtypes.FindingSeverityHigh, "j", "1")),
			},
			wantErr: errVulnerable,
			wantMsg: []string{"has 2 critical, 6 high, 0 medium, 3 low; ECS left unchanged\n" +
				"\tCVE-7 CRITICAL in g 1 https://security-tracker.debian.org/tracker/CVE-7\n" +
				"\tCVE-9 CRITICAL in i 1 https://security-tracker.debian.org/tracker/CVE-9\n" +
				"\tCVE-1 HIGH in a 1 https://security-tracker.debian.org/tracker/CVE-1\n" +
				"\tCVE-3 HIGH in c 1 https://security-tracker.debian.org/tracker/CVE-3\n" +
				"\tCVE-4 HIGH in d 1 https://security-tracker.debian.org/tracker/CVE-4"},
			wantTokens: []string{"", "p2", "p3"},
		},
		{
			name:   "findings listing bounded when counts and pages disagree",
			failOn: "CRITICAL",
			scans: []scanAnswer{withNext(scanComplete(map[string]int32{"CRITICAL": 100},
				basicFinding("CVE-0", ecrtypes.FindingSeverityCritical, "a", "1")), "p1")},
			pages: func() map[string]scanAnswer {
				pages := map[string]scanAnswer{}
				for i := 1; i <= 2*maxFindingPages; i++ {
					pages[fmt.Sprintf("p%d", i)] = findingsPage(fmt.Sprintf("p%d", i+1))
				}
				return pages
			}(),
			wantErr:    errVulnerable,
			wantMsg:    []string{"has 100 critical; ECS left unchanged\n\tCVE-0 CRITICAL in a 1"},
			wantTokens: []string{"", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9"},
		},
		{
			name:   "listing findings fails",
			failOn: "CRITICAL",
			scans: []scanAnswer{withNext(scanComplete(map[string]int32{"CRITICAL": 2},
				basicFinding("CVE-0", ecrtypes.FindingSeverityCritical, "a", "1")), "p1")},
			pages:   map[string]scanAnswer{"p1": ecrError("AccessDeniedException")},
			wantErr: errVulnerable,
			wantMsg: []string{
				"has 2 critical; ECS left unchanged\n\tCVE-0 CRITICAL in a 1",
				"\n\t(listing the findings failed: describe scan findings: operation error ECR: DescribeImageScanFindings",
			},
			wantTokens: []string{"", "p1"},
		},
		{
			name:       "scan failed",
			scans:      []scanAnswer{scanStatus(ecrtypes.ScanStatusInProgress, ""), scanStatus(ecrtypes.ScanStatusFailed, "Scan failed due to an internal error.")},
			wantErr:    errScanFailed,
			wantMsg:    []string{"no usable scan: scan of currency-api@" + newDigest + " is FAILED: Scan failed due to an internal error. (pass -fail-on-severity NONE"},
			wantSleeps: sleeps(1, 15*time.Second),
			wantTokens: []string{"", ""},
		},
		{
			name:       "unsupported image",
			scans:      []scanAnswer{scanStatus(ecrtypes.ScanStatusUnsupportedImage, "UnsupportedImageError: The operating system and/or package manager are not supported.")},
			wantErr:    errScanFailed,
			wantMsg:    []string{"is UNSUPPORTED_IMAGE: UnsupportedImageError: The operating system and/or package manager are not supported."},
			wantTokens: []string{""},
		},
		{
			name:       "scan eligibility expired",
			scans:      []scanAnswer{scanStatus(ecrtypes.ScanStatusScanEligibilityExpired, "")},
			wantErr:    errScanFailed,
			wantMsg:    []string{"is SCAN_ELIGIBILITY_EXPIRED (pass"},
			wantTokens: []string{""},
		},
		{
			name:       "status newer than this code",
			scans:      []scanAnswer{scanStatus("QUARANTINED", "")},
			wantErr:    errScanFailed,
			wantMsg:    []string{"is QUARANTINED"},
			wantTokens: []string{""},
		},
		{
			name:       "scan timeout",
			scanTime:   time.Minute,
			scans:      []scanAnswer{scanStatus(ecrtypes.ScanStatusInProgress, "")},
			wantErr:    errTimedOut,
			wantMsg:    []string{"scan of currency-api@" + newDigest + ": timed out after 1m0s: scan IN_PROGRESS"},
			wantSleeps: sleeps(4, 15*time.Second),
			wantTokens: []string{"", "", "", "", ""},
		},
		{
			name:       "scan never found",
			scanTime:   40 * time.Second,
			scans:      []scanAnswer{scanNotFound()},
			wantErr:    errTimedOut,
			wantMsg:    []string{"timed out after 40s: no scan found (is scan on push on for repository currency-api?)"},
			wantSleeps: []time.Duration{15 * time.Second, 15 * time.Second, 10 * time.Second},
			wantTokens: []string{"", "", "", ""},
		},
		{
			name:       "throttled until timeout",
			scanTime:   30 * time.Second,
			scans:      []scanAnswer{scanStatus(ecrtypes.ScanStatusInProgress, ""), ecrError("ThrottlingException")},
			wantErr:    errTimedOut,
			wantMsg:    []string{"timed out after 30s: scan IN_PROGRESS (then: operation error ECR: DescribeImageScanFindings"},
			wantSleeps: sleeps(2, 15*time.Second),
			wantTokens: []string{"", "", ""},
		},
		{
			name:       "repository not found",
			scans:      []scanAnswer{ecrError("RepositoryNotFoundException")},
			wantMsg:    []string{"describe scan findings of currency-api@" + newDigest + ": operation error ECR: DescribeImageScanFindings"},
			wantTokens: []string{""},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, active(before), active(completed))
			h.ecr.scans, h.ecr.pages = tt.scans, tt.pages
			req := baseRequest()
			req.FailOn = cmpOr(tt.failOn, "CRITICAL")
			if tt.scanTime != 0 {
				req.ScanTimeout = tt.scanTime
			}
			_, err := h.d.deploy(context.Background(), req)
			if err == nil {
				t.Fatal("deploy() error = nil, want an error")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("deploy() error = %v, want errors.Is %v", err, tt.wantErr)
			}
			for _, w := range tt.wantMsg {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("deploy() error = %q, want it to contain %q", err, w)
				}
			}
			assertECSUntouched(t, h)
			if diff := cmp.Diff(tt.wantSleeps, h.clock.sleeps); diff != "" {
				t.Errorf("sleeps (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantTokens, h.ecr.tokens()); diff != "" {
				t.Errorf("DescribeImageScanFindings NextTokens (-want +got):\n%s", diff)
			}
		})
	}
}

func cmpOr(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

// TestScanGateOff: -fail-on-severity NONE never asks ECR.
func TestScanGateOff(t *testing.T) {
	h := newHarness(t, active(before), active(completed))
	h.ecr.forbidden = true
	req := baseRequest()
	req.FailOn = noScanGate
	req.ECRImage = ecrImage{}
	res, err := h.d.deploy(context.Background(), req)
	if err != nil {
		t.Fatalf("deploy() error = %v", err)
	}
	if res.Scan != nil {
		t.Errorf("deploy() scan report = %+v, want nil with the gate off", res.Scan)
	}
	if got, want := len(h.ecs.updated), 1; got != want {
		t.Errorf("UpdateService calls = %d, want %d", got, want)
	}
}

// TestScanGateCancelled: a cancelled context ends the scan wait.
func TestScanGateCancelled(t *testing.T) {
	h := newHarness(t, active(before))
	h.ecr.scans = []scanAnswer{scanStatus(ecrtypes.ScanStatusInProgress, "")}
	ctx, cancel := context.WithCancel(context.Background())
	h.d.Sleep = func(context.Context, time.Duration) error {
		cancel()
		return h.clock.Sleep(ctx, time.Second)
	}
	_, err := h.d.deploy(ctx, baseRequest())
	if !errors.Is(err, context.Canceled) {
		t.Errorf("deploy() error = %v, want context.Canceled", err)
	}
	assertECSUntouched(t, h)
}

func TestParseECRImage(t *testing.T) {
	hex := strings.Repeat("0123456789abcdef", 4)
	tests := []struct {
		ref     string
		want    ecrImage
		wantErr string // substring; empty for success
		notECR  bool   // wantErr is errNotECR
	}{
		{ref: newImage, want: newECRImage},
		{
			ref:  "210987654321.dkr.ecr.us-east-1.amazonaws.com/team/platform/currency-api@sha256:" + hex,
			want: ecrImage{RegistryID: "210987654321", Region: "us-east-1", Repository: "team/platform/currency-api", Digest: "sha256:" + hex},
		},
		{
			ref:  "123456789012.dkr.ecr.eu-west-1.amazonaws.com/currency-api:v1.2.3@sha256:" + hex,
			want: ecrImage{RegistryID: "123456789012", Region: "eu-west-1", Repository: "currency-api", Digest: "sha256:" + hex},
		},
		{
			ref:  "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/currency-api@sha256:" + hex,
			want: ecrImage{RegistryID: "123456789012", Region: "cn-north-1", Repository: "currency-api", Digest: "sha256:" + hex},
		},
		{
			ref:  "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/a_b.c-d@sha256:" + hex,
			want: ecrImage{RegistryID: "123456789012", Region: "us-gov-west-1", Repository: "a_b.c-d", Digest: "sha256:" + hex},
		},
		{ref: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/currency-api:v1", wantErr: "no digest"},
		{ref: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/currency-api@sha256:" + strings.ToUpper(hex), wantErr: "is not sha256:<64 lowercase hex>"},
		{ref: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/currency-api@sha256:abc", wantErr: "is not sha256:<64 lowercase hex>"},
		{ref: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/currency-api@sha512:" + hex + hex, wantErr: "is not sha256:<64 lowercase hex>"},
		{ref: "public.ecr.aws/aws-observability/aws-otel-collector@sha256:" + hex, wantErr: `registry "public.ecr.aws"`, notECR: true},
		{ref: "docker.io/library/alpine@sha256:" + hex, wantErr: `registry "docker.io"`, notECR: true},
		{ref: "currency-api@sha256:" + hex, wantErr: `registry "currency-api"`, notECR: true},
		{ref: "12345678901.dkr.ecr.eu-west-1.amazonaws.com/currency-api@sha256:" + hex, wantErr: "is not ACCOUNT.dkr.ecr.REGION.amazonaws.com", notECR: true},
		{ref: "123456789012.dkr.ecr.eu-west-1.amazonaws.com.evil.example/currency-api@sha256:" + hex, notECR: true, wantErr: "is not ACCOUNT"},
		{ref: "123456789012.dkr.ecr.eu-west-1.amazonaws.com@sha256:" + hex, notECR: true, wantErr: "is not ACCOUNT"},
		{ref: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team//api@sha256:" + hex, wantErr: `repository "team//api" is not a valid ECR repository name`},
		{ref: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/Currency-API@sha256:" + hex, wantErr: "is not a valid ECR repository name"},
		{ref: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/a@sha256:" + hex, wantErr: "is not a valid ECR repository name"},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			got, err := parseECRImage(tt.ref)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("parseECRImage() error = %v", err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("parseECRImage() (-want +got):\n%s", diff)
				}
				return
			}
			if err == nil {
				t.Fatalf("parseECRImage() = %+v, want an error containing %q", got, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parseECRImage() error = %q, want it to contain %q", err, tt.wantErr)
			}
			if got, want := errors.Is(err, errNotECR), tt.notECR; got != want {
				t.Errorf("parseECRImage() error %q is errNotECR = %v, want %v", err, got, want)
			}
		})
	}
}

func TestFormatCounts(t *testing.T) {
	tests := []struct {
		counts map[string]int32
		want   string
	}{
		{nil, "no findings"},
		{map[string]int32{"HIGH": 0}, "no findings"},
		{map[string]int32{"CRITICAL": 3}, "3 critical"},
		{map[string]int32{"HIGH": 2, "MEDIUM": 5}, "0 critical, 2 high, 5 medium"},
		{map[string]int32{"UNDEFINED": 1, "LOW": 2}, "0 critical, 0 high, 0 medium, 2 low, 0 informational, 1 undefined"},
		{map[string]int32{"MEDIUM": 1, "UNTRIAGED": 2, "NEWLEVEL": 1}, "0 critical, 0 high, 1 medium, 1 newlevel, 2 untriaged"},
	}
	for _, tt := range tests {
		if got := formatCounts(tt.counts); got != tt.want {
			t.Errorf("formatCounts(%v) = %q, want %q", tt.counts, got, tt.want)
		}
	}
}

func TestRank(t *testing.T) {
	order := []string{"CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNDEFINED"}
	for i := 1; i < len(order); i++ {
		if rank(order[i-1]) <= rank(order[i]) {
			t.Errorf("rank(%s) = %d, want above rank(%s) = %d", order[i-1], rank(order[i-1]), order[i], rank(order[i]))
		}
	}
	for _, s := range []string{"UNTRIAGED", "critical", ""} {
		if got, want := rank(s), rank("UNDEFINED"); got != want {
			t.Errorf("rank(%q) = %d, want %d (as UNDEFINED)", s, got, want)
		}
	}
}

// An image with no operating system (the release image) is one ECR's basic
// scanning cannot read: with -no-os-packages its UNSUPPORTED_IMAGE or
// FAILED UnsupportedImageError answer passes, said in the log and the
// summary; any other failure still stops, and without the flag the same
// answers stop (TestScanGateStops, "unsupported image").
func TestScanGateNoOSPackages(t *testing.T) {
	const unsupportedError = "UnsupportedImageError: The operating system and/or package manager are not supported."
	for _, tt := range []struct {
		name    string
		flag    bool
		scans   []scanAnswer
		wantErr error  // nil: passes
		want    string // in the log when it passes, in the error when it stops
	}{
		{"unsupported image", true, []scanAnswer{scanStatus(ecrtypes.ScanStatusUnsupportedImage, unsupportedError)}, nil,
			"deploy: ECR cannot scan currency-api@" + newDigest + " (UNSUPPORTED_IMAGE: " + unsupportedError + "): it has no operating system packages"},
		{"failed as unsupported, after a wait", true, []scanAnswer{scanStatus(ecrtypes.ScanStatusInProgress, ""), scanStatus(ecrtypes.ScanStatusFailed, unsupportedError)}, nil,
			"(FAILED: " + unsupportedError + "): it has no operating system packages, so nothing to find; passing the gate (-no-os-packages)"},
		{"unsupported image without a description", true, []scanAnswer{scanStatus(ecrtypes.ScanStatusUnsupportedImage, "")}, nil,
			"(UNSUPPORTED_IMAGE): it has no operating system packages"},
		{"failed for another reason", true, []scanAnswer{scanStatus(ecrtypes.ScanStatusFailed, "Scan failed due to an internal error.")}, errScanFailed,
			"is FAILED: Scan failed due to an internal error."},
		{"expired eligibility", true, []scanAnswer{scanStatus(ecrtypes.ScanStatusScanEligibilityExpired, "")}, errScanFailed,
			"is SCAN_ELIGIBILITY_EXPIRED"},
		{"failed as unsupported, without the flag", false, []scanAnswer{scanStatus(ecrtypes.ScanStatusFailed, unsupportedError)}, errScanFailed,
			"is FAILED: " + unsupportedError},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, active(before), active(completed))
			h.ecr.scans = tt.scans
			req := baseRequest()
			req.FailOn = "CRITICAL"
			req.NoOSPackages = tt.flag
			res, err := h.d.deploy(context.Background(), req)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("deploy() error = %v, want %v containing %q", err, tt.wantErr, tt.want)
				}
				assertECSUntouched(t, h)
				return
			}
			if err != nil {
				t.Fatalf("deploy() error = %v", err)
			}
			if !strings.Contains(h.log.String(), tt.want) {
				t.Errorf("log = %q, want it to contain %q", h.log.String(), tt.want)
			}
			if res.Scan == nil || res.Scan.Unsupported == "" || res.Scan.Counts != nil {
				t.Errorf("scan report = %+v, want the unsupported answer and no counts", res.Scan)
			}
			if line := summary(req, res); !strings.Contains(line, "; scan: nothing for ECR to scan ("+res.Scan.Unsupported+", -no-os-packages)") {
				t.Errorf("summary = %q", line)
			}
			if got := len(h.ecs.updated); got != 1 {
				t.Errorf("UpdateService calls = %d, want 1", got)
			}
		})
	}
}
