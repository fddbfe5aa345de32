package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"

	"github.com/currency-convertor-ecs/currency-api/internal/ecrregistry"
)

// Errors the scan gate ends a deploy with; each is wrapped with the detail.
var (
	errNotECR     = errors.New("not an image in a private ECR registry")
	errScanFailed = errors.New("no usable scan")
	errVulnerable = errors.New("scan findings at or above -fail-on-severity")
)

// noScanGate is the -fail-on-severity value that turns the scan gate off.
const noScanGate = "NONE"

// severities are ECR's finding severities, most severe first. UNDEFINED is a
// finding its source gave no severity; enhanced scanning (Amazon Inspector)
// calls that UNTRIAGED. Both, and any severity not listed here, rank as
// UNDEFINED, so only -fail-on-severity UNDEFINED (any finding) stops on them.
var severities = []ecrtypes.FindingSeverity{
	ecrtypes.FindingSeverityCritical,
	ecrtypes.FindingSeverityHigh,
	ecrtypes.FindingSeverityMedium,
	ecrtypes.FindingSeverityLow,
	ecrtypes.FindingSeverityInformational,
	ecrtypes.FindingSeverityUndefined,
}

// rank orders severities: 0 for UNDEFINED and unknown ones, higher for
// more severe.
func rank(severity string) int {
	i := slices.Index(severities, ecrtypes.FindingSeverity(severity))
	if i < 0 {
		return 0
	}
	return len(severities) - 1 - i
}

// ecrImage is an image in a private ECR registry, pinned by digest.
type ecrImage struct {
	RegistryID string // the AWS account ID
	Region     string
	Repository string // without the registry host or a tag
	Digest     string // sha256:<64 lowercase hex>
}

func (i ecrImage) String() string { return i.Repository + "@" + i.Digest }

var (
	// ecrRepository is ECR's pattern for repository names (2 to 256 long).
	ecrRepository = regexp.MustCompile(`^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$`)
	ecrDigest     = regexp.MustCompile(`^` + sha256Digest + `$`)
)

// parseECRImage reads ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO[:TAG]@sha256:HEX,
// where REPO may contain slashes and a tag, if any, is ignored.
func parseECRImage(ref string) (ecrImage, error) {
	name, digest, ok := strings.Cut(ref, "@")
	if !ok {
		return ecrImage{}, errors.New("no digest: want REPO@sha256:<64 lowercase hex>")
	}
	if !ecrDigest.MatchString(digest) {
		return ecrImage{}, fmt.Errorf("digest %q is not sha256:<64 lowercase hex>", digest)
	}
	host, path, _ := strings.Cut(name, "/")
	registry, ok := ecrregistry.Parse(host)
	if !ok || path == "" {
		return ecrImage{}, fmt.Errorf("registry %q is not ACCOUNT.dkr.ecr.REGION.amazonaws.com: %w", host, errNotECR)
	}
	repo, _, _ := strings.Cut(path, ":")
	if len(repo) < 2 || len(repo) > 256 || !ecrRepository.MatchString(repo) {
		return ecrImage{}, fmt.Errorf("repository %q is not a valid ECR repository name", repo)
	}
	return ecrImage{RegistryID: registry.Account, Region: registry.Region, Repository: repo, Digest: digest}, nil
}

// ecrAPI is the subset of *ecr.Client a deploy uses.
type ecrAPI interface {
	DescribeImageScanFindings(ctx context.Context, in *ecr.DescribeImageScanFindingsInput, opts ...func(*ecr.Options)) (*ecr.DescribeImageScanFindingsOutput, error)
}

// scanReport is what the scan gate learned.
type scanReport struct {
	Counts map[string]int32 // findings per severity, as ECR counts them
	// Unsupported is ECR's answer for an image it cannot scan, when
	// -no-os-packages let it pass: the status and description.
	Unsupported string
}

// Bounds of the list of findings a blocked deploy shows.
const (
	maxShownFindings = 5
	maxFindingPages  = 10
)

// scanGate waits for ECR's scan of the image and fails when the scan did not
// complete or found anything at or above req.FailOn. It changes nothing.
func (d *deployer) scanGate(ctx context.Context, req request, res *result) error {
	img := req.ECRImage
	in := &ecr.DescribeImageScanFindingsInput{
		RegistryId:     aws.String(img.RegistryID),
		RepositoryName: aws.String(img.Repository),
		ImageId:        &ecrtypes.ImageIdentifier{ImageDigest: aws.String(img.Digest)},
	}
	out, err := d.waitForScan(ctx, req, in, res)
	if err != nil {
		return err
	}
	if unsupported := unsupportedScan(out); unsupported != "" {
		// waitForScan returns this answer only with req.NoOSPackages.
		res.Scan = &scanReport{Unsupported: unsupported}
		fmt.Fprintf(d.Log, "deploy: ECR cannot scan %s (%s): it has no operating system packages, so nothing to find; "+
			"passing the gate (-no-os-packages): its Go modules were checked by govulncheck before the push\n", img, unsupported)
		return nil
	}
	var counts map[string]int32
	if out.ImageScanFindings != nil {
		counts = maps.Clone(out.ImageScanFindings.FindingSeverityCounts)
	}
	res.Scan = &scanReport{Counts: counts}

	threshold := rank(req.FailOn)
	blocking := false
	for severity, n := range counts {
		blocking = blocking || (n > 0 && rank(severity) >= threshold)
	}
	if !blocking {
		fmt.Fprintf(d.Log, "deploy: scan of %s passed -fail-on-severity %s: %s\n", img, req.FailOn, formatCounts(counts))
		return nil
	}

	worst, listErr := d.worstFindings(ctx, in, out, threshold, counts)
	var list strings.Builder
	for _, f := range worst {
		list.WriteString("\n\t" + f.String())
	}
	if listErr != nil {
		fmt.Fprintf(&list, "\n\t(listing the findings failed: %v)", listErr)
	}
	return fmt.Errorf("%w %s: %s has %s; ECS left unchanged%s", errVulnerable, req.FailOn, img, formatCounts(counts), list.String())
}

// waitForScan polls the image's scan every req.Poll until it ends or
// req.ScanTimeout passes, and returns the answer that reports it complete.
// The SDK's ImageScanComplete waiter does not fit: it fails at once on
// ScanNotFoundException, waits out UNSUPPORTED_IMAGE, and sleeps on the real
// clock.
func (d *deployer) waitForScan(ctx context.Context, req request, in *ecr.DescribeImageScanFindingsInput, res *result) (*ecr.DescribeImageScanFindingsOutput, error) {
	start := d.Now()
	img := req.ECRImage
	lastState := "no answer yet"
	var lastErr error
	for {
		out, err := d.ECR.DescribeImageScanFindings(ctx, in)
		var notFound *ecrtypes.ScanNotFoundException
		state := lastState
		switch {
		case errors.As(err, &notFound):
			// Scan on push starts a moment after the push.
			state, lastErr = "no scan found (is scan on push on for repository "+img.Repository+"?)", nil
		case err != nil && retryable(err):
			res.Retries++
			lastErr = err
			fmt.Fprintf(d.Log, "deploy: describe image scan findings: %v; retrying\n", err)
		case err != nil:
			return nil, fmt.Errorf("describe scan findings of %s: %w", img, err)
		default:
			var status ecrtypes.ScanStatus
			description := ""
			if out.ImageScanStatus != nil {
				status, description = out.ImageScanStatus.Status, aws.ToString(out.ImageScanStatus.Description)
			}
			switch status {
			case ecrtypes.ScanStatusComplete, ecrtypes.ScanStatusActive:
				// ACTIVE: enhanced scanning scans continuously and has findings.
				return out, nil
			case ecrtypes.ScanStatusUnsupportedImage, ecrtypes.ScanStatusFailed:
				if req.NoOSPackages && unsupportedScan(out) != "" {
					return out, nil
				}
				return nil, scanFailed(img, status, description)
			case ecrtypes.ScanStatusInProgress, ecrtypes.ScanStatusPending:
				state, lastErr = "scan "+string(status), nil
			case "":
				state, lastErr = "scan status not reported", nil
			default:
				// FAILED, UNSUPPORTED_IMAGE, SCAN_ELIGIBILITY_EXPIRED,
				// FINDINGS_UNAVAILABLE, LIMIT_EXCEEDED, IMAGE_ARCHIVED, and
				// statuses newer than this code: none of them turns COMPLETE
				// by waiting.
				return nil, scanFailed(img, status, description)
			}
		}
		if state != lastState {
			fmt.Fprintf(d.Log, "deploy: waiting for the scan of %s: %s\n", img, state)
		}
		lastState = state

		elapsed := d.Now().Sub(start)
		if elapsed >= req.ScanTimeout {
			return nil, fmt.Errorf("scan of %s: %w", img, timedOut(req.ScanTimeout, lastState, lastErr))
		}
		if err := d.Sleep(ctx, min(req.Poll, req.ScanTimeout-elapsed)); err != nil {
			return nil, fmt.Errorf("wait for the scan of %s: %w", img, err)
		}
	}
}

func scanFailed(img ecrImage, status ecrtypes.ScanStatus, description string) error {
	msg := fmt.Sprintf("scan of %s is %s", img, status)
	if description != "" {
		msg += ": " + description
	}
	return fmt.Errorf("%w: %s (pass -fail-on-severity NONE to deploy without the scan gate)", errScanFailed, msg)
}

// unsupportedErrorCode is how ECR's basic scanning names an image whose
// operating system it does not know, in the FAILED status's description.
const unsupportedErrorCode = "UnsupportedImageError"

// unsupportedScan returns "STATUS: description" when out says ECR cannot
// scan the image for want of a known operating system: UNSUPPORTED_IMAGE,
// or FAILED with an UnsupportedImageError description. Otherwise "".
func unsupportedScan(out *ecr.DescribeImageScanFindingsOutput) string {
	if out == nil || out.ImageScanStatus == nil {
		return ""
	}
	status, description := out.ImageScanStatus.Status, aws.ToString(out.ImageScanStatus.Description)
	if status != ecrtypes.ScanStatusUnsupportedImage &&
		(status != ecrtypes.ScanStatusFailed || !strings.Contains(description, unsupportedErrorCode)) {
		return ""
	}
	if description == "" {
		return string(status)
	}
	return string(status) + ": " + description
}

// finding is one scan finding, basic or enhanced, as a blocked deploy lists it.
type finding struct {
	Name     string // usually a CVE
	Severity string
	Package  string // name and version, where the scan says
	URI      string
}

func (f finding) String() string {
	s := f.Name + " " + f.Severity
	if f.Package != "" {
		s += " in " + f.Package
	}
	if f.URI != "" {
		s += " " + f.URI
	}
	return s
}

// findingsOf converts one page of findings, basic then enhanced.
func findingsOf(page *ecrtypes.ImageScanFindings) []finding {
	if page == nil {
		return nil
	}
	var out []finding
	for _, f := range page.Findings {
		attr := func(key string) string {
			for _, a := range f.Attributes {
				if aws.ToString(a.Key) == key {
					return aws.ToString(a.Value)
				}
			}
			return ""
		}
		out = append(out, finding{
			Name:     aws.ToString(f.Name),
			Severity: string(f.Severity),
			Package:  strings.TrimSpace(attr("package_name") + " " + attr("package_version")),
			URI:      aws.ToString(f.Uri),
		})
	}
	for _, f := range page.EnhancedFindings {
		g := finding{Name: aws.ToString(f.Title), Severity: aws.ToString(f.Severity)}
		if v := f.PackageVulnerabilityDetails; v != nil {
			if id := aws.ToString(v.VulnerabilityId); id != "" {
				g.Name = id
			}
			g.URI = aws.ToString(v.SourceUrl)
			if len(v.VulnerablePackages) > 0 {
				p := v.VulnerablePackages[0]
				g.Package = strings.TrimSpace(aws.ToString(p.Name) + " " + aws.ToString(p.Version))
			}
		}
		out = append(out, g)
	}
	return out
}

// worstFindings lists up to maxShownFindings findings at or above threshold,
// most severe first, from first and as many further pages as could still
// change that list (at most maxFindingPages in all).
func (d *deployer) worstFindings(ctx context.Context, in *ecr.DescribeImageScanFindingsInput, first *ecr.DescribeImageScanFindingsOutput, threshold int, counts map[string]int32) ([]finding, error) {
	total := make([]int, len(severities)) // by rank
	for severity, n := range counts {
		total[rank(severity)] += int(n)
	}
	seen := make([]int, len(severities))
	var worst []finding
	page := first
	for pages := 1; ; pages++ {
		for _, f := range findingsOf(page.ImageScanFindings) {
			if r := rank(f.Severity); r >= threshold {
				seen[r]++
				worst = append(worst, f)
			}
		}
		slices.SortStableFunc(worst, func(a, b finding) int { return rank(b.Severity) - rank(a.Severity) })
		worst = worst[:min(len(worst), maxShownFindings)]
		if settled(worst, seen, total, threshold) || page.NextToken == nil || pages >= maxFindingPages {
			return worst, nil
		}
		next := *in
		next.NextToken = page.NextToken
		var err error
		if page, err = d.ECR.DescribeImageScanFindings(ctx, &next); err != nil {
			return worst, fmt.Errorf("describe scan findings: %w", err)
		}
	}
}

// settled reports whether no finding on a later page could enter worst:
// every finding at or above threshold has been seen, or worst is full and
// every finding more severe than its least severe one has been seen.
func settled(worst []finding, seen, total []int, threshold int) bool {
	floor := threshold
	if len(worst) == maxShownFindings {
		floor = rank(worst[len(worst)-1].Severity) + 1
	}
	for r := floor; r < len(total); r++ {
		if seen[r] < total[r] {
			return false
		}
	}
	return true
}

// formatCounts is "0 critical, 2 high, 5 medium": every severity from
// CRITICAL down to the least severe one found, then any severity ECR added
// since, or "no findings".
func formatCounts(counts map[string]int32) string {
	lowest := -1
	for i, s := range severities {
		if counts[string(s)] > 0 {
			lowest = i
		}
	}
	var parts []string
	for _, s := range severities[:lowest+1] {
		parts = append(parts, fmt.Sprintf("%d %s", counts[string(s)], strings.ToLower(string(s))))
	}
	var other []string
	for s, n := range counts {
		if n > 0 && !slices.Contains(severities, ecrtypes.FindingSeverity(s)) {
			other = append(other, fmt.Sprintf("%d %s", n, strings.ToLower(s)))
		}
	}
	slices.Sort(other)
	parts = append(parts, other...)
	if len(parts) == 0 {
		return "no findings"
	}
	return strings.Join(parts, ", ")
}
