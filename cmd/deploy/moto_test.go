package main

// These tests drive the deploy's real AWS SDK clients at moto_server (moto
// 5.2.1, an AWS emulator written by others; internal/motoserver starts one
// per test): the ECR scan gate, through run itself, so the clients are built
// as in production, and the SSM image parameter. They check what our fakes
// cannot: the requests and answers on the wire, the SDK's error types, the
// ECR region taken from the registry host.
//
// ECS rollouts stay on the fakes of deploy_test.go: moto never rolls a new
// revision out. Its UpdateService points the service at the new task
// definition but leaves the one PRIMARY deployment on the old one
// (moto/ecs/models.py, EC2ContainerServiceBackend.update_service), so a
// deploy against it waits for a deployment that never appears.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/currency-convertor-ecs/currency-api/internal/motoserver"
)

// motoECRRegion is the registry's region. It differs from the deploy's own
// (motoserver.Region, AWS_REGION), so a gate that asked ECR in the wrong
// region would find no repository.
const motoECRRegion = "eu-west-1"

// motoPush creates the repository and puts an image into it, as a build's
// push would, and returns the image's digest reference. The manifest is a
// valid OCI image manifest; moto, unlike ECR, does not ask for its blobs.
func motoPush(t *testing.T, client *ecr.Client, tag string) string {
	t.Helper()
	ctx := context.Background()
	if _, err := client.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String(repository)}); err != nil {
		t.Fatalf("CreateRepository: %v", err)
	}
	blobDigest := func(b string) string {
		sum := sha256.Sum256([]byte(b))
		return "sha256:" + hex.EncodeToString(sum[:])
	}
	imageConfig := `{"architecture":"arm64","os":"linux","config":{"User":"65532"},"rootfs":{"type":"layers","diff_ids":[]}}`
	layer := "layer of " + tag
	manifest := fmt.Sprintf(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",`+
		`"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":%q,"size":%d},`+
		`"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":%q,"size":%d}]}`,
		blobDigest(imageConfig), len(imageConfig), blobDigest(layer), len(layer))
	// A registry names an image by the digest of its manifest; moto would
	// make one up from the layers' digests unless told.
	digest := blobDigest(manifest)
	out, err := client.PutImage(ctx, &ecr.PutImageInput{
		RepositoryName:         aws.String(repository),
		ImageManifest:          aws.String(manifest),
		ImageManifestMediaType: aws.String("application/vnd.oci.image.manifest.v1+json"),
		ImageTag:               aws.String(tag),
		ImageDigest:            aws.String(digest),
	})
	if err != nil {
		t.Fatalf("PutImage: %v", err)
	}
	if got := aws.ToString(out.Image.ImageId.ImageDigest); got != digest {
		t.Fatalf("PutImage digest = %s, want %s", got, digest)
	}
	return fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s@%s", motoserver.AccountID, motoECRRegion, repository, digest)
}

// motoScan starts the scan of the image: moto does not scan on push.
func motoScan(t *testing.T, client *ecr.Client, image string) {
	t.Helper()
	_, digest, _ := strings.Cut(image, "@")
	if _, err := client.StartImageScan(context.Background(), &ecr.StartImageScanInput{
		RepositoryName: aws.String(repository),
		ImageId:        &ecrtypes.ImageIdentifier{ImageDigest: aws.String(digest)},
	}); err != nil {
		t.Fatalf("StartImageScan: %v", err)
	}
}

// motoScanResult is the whole DescribeImageScanFindings answer moto is to
// give for the image: its identity plus scan, a JSON object with
// imageScanStatus and imageScanFindings as the ECR API spells them.
func motoScanResult(t *testing.T, image, scan string) map[string]any {
	t.Helper()
	var result map[string]any
	if err := json.Unmarshal([]byte(scan), &result); err != nil {
		t.Fatalf("scan result %s: %v", scan, err)
	}
	_, digest, _ := strings.Cut(image, "@")
	result["registryId"] = motoserver.AccountID
	result["repositoryName"] = repository
	result["imageId"] = map[string]any{"imageDigest": digest}
	return result
}

// Scan results as moto is told to answer them.
const (
	// What ECR's basic scanning answers for an image with no operating
	// system, such as the release image (Amazon ECR User Guide,
	// Troubleshooting image scanning).
	motoUnsupported = `{
		"imageScanStatus": {"status": "FAILED", "description": "UnsupportedImageError: The operating system and/or package manager are not supported."}
	}`
	motoNoFindings = `{
		"imageScanStatus": {"status": "COMPLETE", "description": "The scan was completed successfully."},
		"imageScanFindings": {"findingSeverityCounts": {}, "findings": []}
	}`
	motoHighAndMedium = `{
		"imageScanStatus": {"status": "COMPLETE", "description": "The scan was completed successfully."},
		"imageScanFindings": {
			"findingSeverityCounts": {"HIGH": 1, "MEDIUM": 1},
			"findings": [
				{"name": "CVE-2024-0003", "severity": "MEDIUM", "uri": "https://security-tracker.debian.org/tracker/CVE-2024-0003",
				 "attributes": [{"key": "package_name", "value": "zlib1g"}, {"key": "package_version", "value": "1:1.2.13.dfsg-1"}]},
				{"name": "CVE-2024-0001", "severity": "HIGH", "uri": "https://security-tracker.debian.org/tracker/CVE-2024-0001",
				 "attributes": [{"key": "package_version", "value": "3.0.11-1~deb12u2"}, {"key": "package_name", "value": "openssl"}]}
			]
		}
	}`
	motoCriticalHighMedium = `{
		"imageScanStatus": {"status": "COMPLETE", "description": "The scan was completed successfully."},
		"imageScanFindings": {
			"findingSeverityCounts": {"CRITICAL": 1, "HIGH": 1, "MEDIUM": 1, "LOW": 1},
			"findings": [
				{"name": "CVE-2024-0004", "severity": "LOW", "uri": "https://security-tracker.debian.org/tracker/CVE-2024-0004",
				 "attributes": [{"key": "package_name", "value": "tzdata"}, {"key": "package_version", "value": "2024a-0+deb12u1"}]},
				{"name": "CVE-2024-0003", "severity": "MEDIUM", "uri": "https://security-tracker.debian.org/tracker/CVE-2024-0003",
				 "attributes": [{"key": "package_name", "value": "zlib1g"}, {"key": "package_version", "value": "1:1.2.13.dfsg-1"}]},
				{"name": "CVE-2024-0001", "severity": "HIGH", "uri": "https://security-tracker.debian.org/tracker/CVE-2024-0001",
				 "attributes": [{"key": "package_name", "value": "openssl"}, {"key": "package_version", "value": "3.0.11-1~deb12u2"}]},
				{"name": "CVE-2024-0002", "severity": "CRITICAL", "uri": "https://security-tracker.debian.org/tracker/CVE-2024-0002",
				 "attributes": [{"key": "package_name", "value": "libc6"}, {"key": "package_version", "value": "2.36-9+deb12u4"}]}
			]
		}
	}`
	motoEnhancedUntriaged = `{
		"imageScanStatus": {"status": "ACTIVE", "description": "Continuous scan is selected for image."},
		"imageScanFindings": {
			"findingSeverityCounts": {"UNTRIAGED": 1},
			"enhancedFindings": [{
				"title": "CVE-2024-24790 - stdlib",
				"severity": "UNTRIAGED",
				"status": "ACTIVE",
				"type": "PACKAGE_VULNERABILITY",
				"packageVulnerabilityDetails": {
					"vulnerabilityId": "CVE-2024-24790",
					"sourceUrl": "https://nvd.nist.gov/vuln/detail/CVE-2024-24790",
					"vulnerablePackages": [{"name": "stdlib", "version": "go1.22.3"}]
				}
			}]
		}
	}`
)

// TestMotoScanGate runs the whole program at moto: the gate asks moto's ECR
// for the scan, in the registry's region. A gate that passes hands over to
// ECS, where moto has the cluster but not the service, so such a run ends in
// errServiceNotFound; one that stops never gets there.
func TestMotoScanGate(t *testing.T) {
	srv := motoserver.Start(t)
	srv.Setenv(t)
	registry := ecr.NewFromConfig(srv.Config(motoECRRegion))
	clusters := ecs.NewFromConfig(srv.Config(motoserver.Region))

	tests := []struct {
		name    string
		failOn  string
		scan    bool   // StartImageScan; false leaves the image unscanned
		result  string // moto's answer; "" for its default, one HIGH finding
		wantErr error  // errServiceNotFound: the gate passed
		wantOut string // in stdout; IMAGE stands for the repository@digest
		wantMsg string // in the error; IMAGE as in wantOut
		notMsg  string // not in the error
		flags   []string
	}{
		{
			name:    "no findings pass",
			failOn:  "CRITICAL",
			scan:    true,
			result:  motoNoFindings,
			wantErr: errServiceNotFound,
			wantOut: "deploy: scan of IMAGE passed -fail-on-severity CRITICAL: no findings\n",
		},
		{
			name:    "findings below the threshold pass",
			failOn:  "CRITICAL",
			scan:    true,
			result:  motoHighAndMedium,
			wantErr: errServiceNotFound,
			wantOut: "deploy: scan of IMAGE passed -fail-on-severity CRITICAL: 0 critical, 1 high, 1 medium\n",
		},
		{
			name:   "a finding at the threshold stops",
			failOn: "HIGH",
			scan:   true,
			result: motoHighAndMedium,
			wantMsg: "scan findings at or above -fail-on-severity HIGH: IMAGE has 0 critical, 1 high, 1 medium; ECS left unchanged\n" +
				"\tCVE-2024-0001 HIGH in openssl 3.0.11-1~deb12u2 https://security-tracker.debian.org/tracker/CVE-2024-0001",
			wantErr: errVulnerable,
			notMsg:  "CVE-2024-0003", // below the threshold
		},
		{
			name:   "findings above the threshold listed most severe first",
			failOn: "MEDIUM",
			scan:   true,
			result: motoCriticalHighMedium,
			wantMsg: "IMAGE has 1 critical, 1 high, 1 medium, 1 low; ECS left unchanged\n" +
				"\tCVE-2024-0002 CRITICAL in libc6 2.36-9+deb12u4 https://security-tracker.debian.org/tracker/CVE-2024-0002\n" +
				"\tCVE-2024-0001 HIGH in openssl 3.0.11-1~deb12u2 https://security-tracker.debian.org/tracker/CVE-2024-0001\n" +
				"\tCVE-2024-0003 MEDIUM in zlib1g 1:1.2.13.dfsg-1 https://security-tracker.debian.org/tracker/CVE-2024-0003",
			wantErr: errVulnerable,
			notMsg:  "CVE-2024-0004",
		},
		{
			name:    "enhanced scanning's untriaged finding passes INFORMATIONAL",
			failOn:  "INFORMATIONAL",
			scan:    true,
			result:  motoEnhancedUntriaged,
			wantErr: errServiceNotFound,
			wantOut: "passed -fail-on-severity INFORMATIONAL: 1 untriaged\n",
		},
		{
			name:    "enhanced scanning's untriaged finding stops UNDEFINED",
			failOn:  "UNDEFINED",
			scan:    true,
			result:  motoEnhancedUntriaged,
			wantErr: errVulnerable,
			wantMsg: "IMAGE has 1 untriaged; ECS left unchanged\n\tCVE-2024-24790 UNTRIAGED in stdlib go1.22.3 https://nvd.nist.gov/vuln/detail/CVE-2024-24790",
		},
		{
			name:    "moto's own finding stops HIGH",
			failOn:  "HIGH",
			scan:    true,
			wantErr: errVulnerable,
			wantMsg: "IMAGE has 0 critical, 1 high; ECS left unchanged\n" +
				"\tCVE-9999-9999 HIGH in moto_fake 9.9.9 https://cve.mitre.org/cgi-bin/cvename.cgi?name=CVE-9999-9999",
		},
		{
			name:    "an image with no OS passes its unsupported scan with -no-os-packages",
			failOn:  "CRITICAL",
			scan:    true,
			result:  motoUnsupported,
			flags:   []string{"-no-os-packages"},
			wantErr: errServiceNotFound,
			wantOut: "deploy: ECR cannot scan IMAGE (FAILED: UnsupportedImageError: The operating system and/or package manager are not supported.): " +
				"it has no operating system packages, so nothing to find; passing the gate (-no-os-packages)",
		},
		{
			name:    "an unsupported scan stops without -no-os-packages",
			failOn:  "CRITICAL",
			scan:    true,
			result:  motoUnsupported,
			wantErr: errScanFailed,
			wantMsg: "scan of IMAGE is FAILED: UnsupportedImageError: The operating system and/or package manager are not supported.",
		},
		{
			name:    "an image never scanned times out",
			failOn:  "CRITICAL",
			wantErr: errTimedOut,
			wantMsg: "scan of IMAGE: timed out after 1s: no scan found (is scan on push on for repository " + repository + "?)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.Reset(t)
			if _, err := clusters.CreateCluster(context.Background(), &ecs.CreateClusterInput{ClusterName: aws.String(cluster)}); err != nil {
				t.Fatalf("CreateCluster: %v", err)
			}
			image := motoPush(t, registry, "build-1")
			if tt.scan {
				motoScan(t, registry, image)
			}
			if tt.result != "" {
				srv.SetECRScanFindings(t, motoECRRegion, motoScanResult(t, image, tt.result))
			}
			short := strings.TrimPrefix(image, motoserver.AccountID+".dkr.ecr."+motoECRRegion+".amazonaws.com/")

			var stdout, stderr strings.Builder
			args := append([]string{"deploy",
				"-cluster", cluster, "-service", service, "-image", image,
				"-fail-on-severity", tt.failOn, "-scan-timeout", "1s", "-poll", "200ms", "-timeout", "1s",
			}, tt.flags...)
			err := run(context.Background(), args, os.Getenv, &stdout, &stderr)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("run() error = %v, want errors.Is %v\nstdout:\n%s", err, tt.wantErr, stdout.String())
			}
			if want := strings.ReplaceAll(tt.wantMsg, "IMAGE", short); !strings.Contains(err.Error(), want) {
				t.Errorf("run() error = %q, want it to contain %q", err, want)
			}
			if tt.notMsg != "" && strings.Contains(err.Error(), tt.notMsg) {
				t.Errorf("run() error = %q, want no %s", err, tt.notMsg)
			}
			if want := strings.ReplaceAll(tt.wantOut, "IMAGE", short); !strings.Contains(stdout.String(), want) {
				t.Errorf("stdout = %q, want it to contain %q", stdout.String(), want)
			}
			passed := strings.Contains(stdout.String(), " passed -fail-on-severity ") ||
				strings.Contains(stdout.String(), "passing the gate (-no-os-packages)")
			if passed != (tt.wantErr == errServiceNotFound) {
				t.Errorf("stdout = %q: gate passed = %v, want %v", stdout.String(), passed, !passed)
			}
		})
	}
}

// TestMotoDeployWritesImageParameter deploys with the gate and the image
// parameter on moto (ECR, SSM) and the rollout on the fakes: the parameter
// holds the image afterwards, as a String, whether Terraform created it
// first or not.
func TestMotoDeployWritesImageParameter(t *testing.T) {
	srv := motoserver.Start(t)
	srv.Setenv(t)
	ctx := context.Background()
	// Configured as run configures it: from the environment.
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatalf("LoadDefaultConfig: %v", err)
	}
	registry := ecr.NewFromConfig(srv.Config(motoECRRegion))
	parameters := ssm.NewFromConfig(srv.Config(motoserver.Region))

	tests := []struct {
		name        string
		existing    string // the parameter's value before the deploy; "" for none
		wantVersion int64
	}{
		{name: "first deploy creates the parameter", wantVersion: 1},
		{name: "a later deploy overwrites it", existing: oldImage, wantVersion: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.Reset(t)
			image := motoPush(t, registry, "build-2")
			motoScan(t, registry, image)
			if tt.existing != "" {
				if _, err := parameters.PutParameter(ctx, &ssm.PutParameterInput{
					Name: aws.String(parameter), Value: aws.String(tt.existing), Type: ssmtypes.ParameterTypeString,
				}); err != nil {
					t.Fatalf("PutParameter(%s): %v", parameter, err)
				}
			}

			h := newHarness(t, active(before), active(inProgress, draining), active(completed))
			req := baseRequest()
			req.Image = image
			if req.ECRImage, err = parseECRImage(image); err != nil {
				t.Fatal(err)
			}
			h.d.ECR = ecr.NewFromConfig(cfg, func(o *ecr.Options) { o.Region = req.ECRImage.Region })
			h.d.SSM = ssm.NewFromConfig(cfg)
			res, err := h.d.deploy(ctx, req)
			if err != nil {
				t.Fatalf("deploy() error = %v\nlog:\n%s", err, h.log.String())
			}
			// moto's default scan result: one HIGH finding, below CRITICAL.
			if got, want := summary(req, res), "(image "+image+") after 15s; scan: 0 critical, 1 high"; !strings.HasSuffix(got, want) {
				t.Errorf("summary = %q, want it to end in %q", got, want)
			}

			out, err := parameters.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(parameter)})
			if err != nil {
				t.Fatalf("GetParameter(%s): %v", parameter, err)
			}
			p := out.Parameter
			if got, want := aws.ToString(p.Value), image; got != want {
				t.Errorf("parameter %s = %q, want %q", parameter, got, want)
			}
			if got, want := p.Type, ssmtypes.ParameterTypeString; got != want {
				t.Errorf("parameter %s type = %s, want %s", parameter, got, want)
			}
			if got, want := p.Version, tt.wantVersion; got != want {
				t.Errorf("parameter %s version = %d, want %d", parameter, got, want)
			}
			if p.LastModifiedDate == nil || time.Since(*p.LastModifiedDate) > time.Minute {
				t.Errorf("parameter %s last modified %v, want just now", parameter, p.LastModifiedDate)
			}
		})
	}
}
