// Command deploy rolls a container image, by digest, out to an ECS service
// and waits until ECS reports the rollout complete, failed or rolled back.
//
// Usage:
//
//	deploy -cluster NAME -service NAME -image REPO@sha256:DIGEST
//	       [-container currency-api] [-timeout 15m] [-poll 15s]
//	       [-image-parameter /currency-api/dev/image]
//	       [-fail-on-severity CRITICAL] [-scan-timeout 10m]
//	       [-source-bucket NAME -source-key KEY -source-version VERSION]
//
// Before any ECS call it gates on ECR's vulnerability scan of the image
// (scan on push; basic or enhanced scanning): it waits up to -scan-timeout
// for the scan of that digest to complete, and stops when the scan failed,
// cannot scan the image, or found anything at or above -fail-on-severity.
// The severities, most severe first, are ECR's: CRITICAL, HIGH, MEDIUM, LOW,
// INFORMATIONAL and UNDEFINED (no severity assigned; enhanced scanning's
// UNTRIAGED ranks with it), so UNDEFINED stops on any finding.
// -fail-on-severity NONE turns the gate off; an image outside a private ECR
// registry (ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO@sha256:...) needs it.
//
// -no-os-packages is for an image with no operating system, such as the
// release image (internal/image: a static binary and /etc/passwd, /etc/group
// on an empty base). ECR's basic scanning reads OS package databases only,
// and answers such an image with UNSUPPORTED_IMAGE or FAILED
// "UnsupportedImageError" (Amazon ECR User Guide, Troubleshooting image
// scanning: https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-troubleshooting.html).
// With the flag that answer passes the gate and the log says so: there is
// nothing there for it to find, and the Go modules, the image's only
// software, were gated by govulncheck before the push. Enhanced scanning
// (Amazon Inspector) scans Go binaries and answers ACTIVE with findings,
// which the gate judges as usual. Any other failed scan still stops.
//
// With -source-bucket, -source-key and -source-version (the S3 object
// version of the bundle this build was started for; all three or none) it
// then applies the pipeline's ordering rule (order.go): it waits, up to
// -timeout, until the service has no rollout in progress, and deploys nothing
// when the key's current version is no longer that one: a newer upload's
// build deploys it. That ends with a "superseded" line and exit 0.
//
// It then registers a new revision of the service's current task definition
// in which only the named container's image differs, updates the service to
// it, and polls the service's PRIMARY deployment. With -image-parameter it
// then writes the image to that SSM parameter, so Terraform can learn the
// deployed image instead of rolling it back.
//
// It prints one summary line on success and exits non-zero, with the reason
// on stderr, when the scan gate stops it, the service is missing, the rollout
// fails or is rolled back, or a timeout passes; bad flags exit 2.
//
// # IAM
//
// These are all the AWS actions it calls, for a least-privilege policy:
//
//   - ecr:DescribeImageScanFindings on the image's repository ARN
//     (arn:aws:ecr:REGION:ACCOUNT:repository/REPO, REGION and ACCOUNT
//     from the image's registry host), unless the gate is off.
//     With enhanced scanning ECR reads the findings from Amazon Inspector
//     as the caller, which then also needs inspector2:ListFindings and
//     inspector2:ListCoverage on "*".
//   - ecs:DescribeServices on the service ARN.
//   - ecs:DescribeTaskDefinition and ecs:RegisterTaskDefinition on "*".
//   - ecs:TagResource on "*" with the condition ecs:CreateAction =
//     RegisterTaskDefinition: the new revision carries the current one's tags.
//   - iam:PassRole on the task definition's task and execution roles, with
//     the condition iam:PassedToService = ecs-tasks.amazonaws.com.
//   - ecs:UpdateService on the service ARN.
//   - ssm:PutParameter on the -image-parameter ARN, when it is set (a
//     String parameter: no KMS key).
//   - s3:GetObject on arn:aws:s3:::BUCKET/KEY, with -source-*: HeadObject of
//     the key's current version (no version ID given, so no
//     s3:GetObjectVersion); kms:Decrypt is not needed for a HEAD.
//
// The ECR client talks to the region in the image's registry host; the
// others to the configured region (AWS_REGION).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// errUsage marks bad command-line flags.
var errUsage = errors.New("usage")

// apiSlack is how much longer than -timeout (and -scan-timeout) the whole run
// may take: the calls before and after the polling (describe, register,
// update, SSM, the pages of scan findings).
const apiSlack = 2 * time.Minute

// sha256Digest is an image digest as registries write it, lower-case hex.
const sha256Digest = `sha256:[0-9a-f]{64}`

// digestRef is an image reference pinned by digest: the repository (with an
// optional tag, which the digest overrides) and a sha256 digest.
var digestRef = regexp.MustCompile(`^[a-z0-9][a-z0-9._/:-]*@` + sha256Digest + `$`)

func main() {
	if err := run(context.Background(), os.Args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "deploy:", err)
		os.Exit(exitCode(err))
	}
}

// exitCode is 2 for bad flags, as the flag package does, and 1 otherwise.
func exitCode(err error) int {
	if errors.Is(err, errUsage) {
		return 2
	}
	return 1
}

// run is the whole program; main only calls it, and tests call it directly.
// getenv is unused: the AWS SDK reads its own environment (AWS_REGION,
// credentials), which run cannot redirect.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	req, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	budget := req.Timeout + apiSlack
	if req.FailOn != noScanGate {
		budget += req.ScanTimeout
	}
	if req.Source != (source{}) {
		budget += 2 * req.Timeout // waiting for another build's rollout; S3 retries
	}
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()

	cfg, err := config.LoadDefaultConfig(ctx,
		config.WithRetryer(func() aws.Retryer { return retry.NewStandard() }),
		config.WithAppID("currency-api-deploy"),
	)
	if err != nil {
		return fmt.Errorf("load AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return errors.New("load AWS configuration: no region: set AWS_REGION")
	}

	d := &deployer{
		ECS:   ecs.NewFromConfig(cfg),
		SSM:   ssm.NewFromConfig(cfg),
		Now:   time.Now,
		Sleep: sleep,
		Log:   stdout,
	}
	if req.Source != (source{}) {
		d.S3 = s3.NewFromConfig(cfg)
	}
	if req.FailOn != noScanGate {
		// Same retryer and app ID; the scan lives in the registry's region.
		d.ECR = ecr.NewFromConfig(cfg, func(o *ecr.Options) { o.Region = req.ECRImage.Region })
	}
	res, err := d.deploy(ctx, req)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, summary(req, res))
	return nil
}

// summary is the one line that reports a successful deploy, or a build
// that a newer upload superseded.
func summary(req request, res result) string {
	if res.SupersededBy != "" {
		return fmt.Sprintf("deploy: not deployed: %s is superseded by the newer upload %s of s3://%s/%s, whose build deploys it",
			req.Source.Version, res.SupersededBy, req.Source.Bucket, req.Source.Key)
	}
	line := fmt.Sprintf("deploy: %s now runs %s (image %s) after %s",
		req.Service, res.TaskDefinition, req.Image, res.Took.Round(time.Second))
	if res.Retries > 0 {
		line += fmt.Sprintf(", %d retried polls", res.Retries)
	}
	if res.Scan == nil {
		return line + "; scan: not checked (-fail-on-severity NONE)"
	}
	if res.Scan.Unsupported != "" {
		return line + "; scan: nothing for ECR to scan (" + res.Scan.Unsupported + ", -no-os-packages)"
	}
	return line + "; scan: " + formatCounts(res.Scan.Counts)
}

// parseFlags reads the command line into a request, reporting every problem
// at once.
func parseFlags(args []string, stderr io.Writer) (request, error) {
	fs := flag.NewFlagSet("deploy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var req request
	fs.StringVar(&req.Cluster, "cluster", "", "ECS cluster `name` (required)")
	fs.StringVar(&req.Service, "service", "", "ECS service `name` (required)")
	fs.StringVar(&req.Image, "image", "", "image to deploy, by digest: `REPO@sha256:DIGEST` (required)")
	fs.StringVar(&req.Container, "container", "currency-api", "`name` of the container whose image changes")
	fs.DurationVar(&req.Timeout, "timeout", 15*time.Minute, "how long to wait for the rollout")
	fs.DurationVar(&req.Poll, "poll", 15*time.Second, "how often to ask ECR about the scan and ECS about the rollout")
	fs.StringVar(&req.ImageParameter, "image-parameter", "", "SSM parameter `name` to write the image to after success")
	fs.StringVar(&req.FailOn, "fail-on-severity", "CRITICAL", "stop before any ECS call when ECR's scan of the image found this `severity` or worse:\n"+
		"CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL, UNDEFINED (any finding), or NONE for no scan gate")
	fs.DurationVar(&req.ScanTimeout, "scan-timeout", 10*time.Minute, "how long to wait for ECR's scan of the image")
	fs.BoolVar(&req.NoOSPackages, "no-os-packages", false, "the image has no operating system (no package manager, no os-release): ECR basic scanning's\n"+
		"UNSUPPORTED_IMAGE (or FAILED with UnsupportedImageError) answer passes the gate, said in the log; any other failed scan still stops")
	fs.StringVar(&req.Source.Bucket, "source-bucket", "", "S3 `bucket` of the source bundle (with -source-key and -source-version: deploy only the newest upload, one rollout at a time)")
	fs.StringVar(&req.Source.Key, "source-key", "", "S3 `key` of the source bundle")
	fs.StringVar(&req.Source.Version, "source-version", "", "S3 object `version` of the bundle this build was started for (CODEBUILD_RESOLVED_SOURCE_VERSION)")
	if len(args) > 0 {
		args = args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return request{}, fmt.Errorf("%w: %w", errUsage, err)
	}

	var problems []error
	if fs.NArg() > 0 {
		problems = append(problems, fmt.Errorf("unexpected arguments %q", fs.Args()))
	}
	if req.Cluster == "" {
		problems = append(problems, errors.New("-cluster is required"))
	}
	if req.Service == "" {
		problems = append(problems, errors.New("-service is required"))
	}
	switch {
	case req.Image == "":
		problems = append(problems, errors.New("-image is required"))
	case !strings.Contains(req.Image, "@"):
		problems = append(problems, fmt.Errorf("-image %q is not pinned by digest: deploy REPO@sha256:<64 hex>, not a tag", req.Image))
	case !digestRef.MatchString(req.Image):
		problems = append(problems, fmt.Errorf("-image %q is not a digest reference REPO@sha256:<64 lowercase hex>", req.Image))
	}
	switch {
	case req.FailOn == noScanGate:
	case !slices.Contains(severities, ecrtypes.FindingSeverity(req.FailOn)):
		problems = append(problems, fmt.Errorf("-fail-on-severity %q is not one of %s or %s", req.FailOn, severityNames(), noScanGate))
	case req.Image != "" && digestRef.MatchString(req.Image):
		img, err := parseECRImage(req.Image)
		switch {
		case errors.Is(err, errNotECR):
			problems = append(problems, fmt.Errorf("-image %q: %w: the scan gate needs one; pass -fail-on-severity %s to deploy it unscanned", req.Image, err, noScanGate))
		case err != nil:
			problems = append(problems, fmt.Errorf("-image %q: %w", req.Image, err))
		}
		req.ECRImage = img
	}
	if req.ScanTimeout <= 0 {
		problems = append(problems, fmt.Errorf("-scan-timeout %s must be positive", req.ScanTimeout))
	}
	if req.Container == "" {
		problems = append(problems, errors.New("-container must not be empty"))
	}
	if req.Timeout <= 0 {
		problems = append(problems, fmt.Errorf("-timeout %s must be positive", req.Timeout))
	}
	if req.Poll <= 0 {
		problems = append(problems, fmt.Errorf("-poll %s must be positive", req.Poll))
	} else if req.Timeout > 0 && req.Poll > req.Timeout {
		problems = append(problems, fmt.Errorf("-poll %s must not exceed -timeout %s", req.Poll, req.Timeout))
	}
	// A flag given empty (an unset variable in the buildspec) must not turn
	// the ordering rule off unnoticed.
	given := 0
	fs.Visit(func(f *flag.Flag) {
		if strings.HasPrefix(f.Name, "source-") {
			given++
		}
	})
	if set := countSet(req.Source.Bucket, req.Source.Key, req.Source.Version); (set != 0 || given != 0) && set != 3 {
		problems = append(problems, fmt.Errorf("-source-bucket %q, -source-key %q and -source-version %q: give all three or none",
			req.Source.Bucket, req.Source.Key, req.Source.Version))
	}
	if strings.HasPrefix(req.Source.Key, "/") {
		problems = append(problems, fmt.Errorf("-source-key %q must not start with /: S3 keys are relative to the bucket", req.Source.Key))
	}
	if req.ImageParameter != "" && strings.ContainsAny(req.ImageParameter, " \t\n") {
		problems = append(problems, fmt.Errorf("-image-parameter %q must not contain spaces", req.ImageParameter))
	}
	if len(problems) > 0 {
		return request{}, fmt.Errorf("%w:\n%w", errUsage, errors.Join(problems...))
	}
	return req, nil
}

// countSet is how many of values are not empty.
func countSet(values ...string) int {
	n := 0
	for _, v := range values {
		if v != "" {
			n++
		}
	}
	return n
}

// severityNames is "CRITICAL, HIGH, ..., UNDEFINED".
func severityNames() string {
	names := make([]string, len(severities))
	for i, s := range severities {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
