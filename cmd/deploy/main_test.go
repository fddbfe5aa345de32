package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want request
	}{
		{
			name: "defaults",
			args: []string{"-cluster", cluster, "-service", service, "-image", newImage},
			want: request{Cluster: cluster, Service: service, Image: newImage, Container: "currency-api",
				Timeout: 15 * time.Minute, Poll: 15 * time.Second,
				FailOn: "CRITICAL", ScanTimeout: 10 * time.Minute, ECRImage: newECRImage},
		},
		{
			name: "everything set, scan gate off for an image outside ECR",
			args: []string{"-cluster=c", "-service=s", "-image", "repo/app:v1@sha256:" + strings.Repeat("0", 64),
				"-container", "web", "-timeout", "20m", "-poll", "5s", "-image-parameter", parameter,
				"-fail-on-severity", "NONE", "-scan-timeout", "1m"},
			want: request{Cluster: "c", Service: "s", Image: "repo/app:v1@sha256:" + strings.Repeat("0", 64),
				Container: "web", Timeout: 20 * time.Minute, Poll: 5 * time.Second, ImageParameter: parameter,
				FailOn: "NONE", ScanTimeout: time.Minute},
		},
		{
			name: "HIGH threshold, tagged ECR image in a nested repository",
			args: []string{"-cluster", cluster, "-service", service, "-fail-on-severity", "HIGH", "-scan-timeout", "3m",
				"-image", "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/currency-api:v1.2.3@" + newDigest},
			want: request{Cluster: cluster, Service: service, Container: "currency-api",
				Image:   "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/currency-api:v1.2.3@" + newDigest,
				Timeout: 15 * time.Minute, Poll: 15 * time.Second, FailOn: "HIGH", ScanTimeout: 3 * time.Minute,
				ECRImage: ecrImage{RegistryID: "123456789012", Region: "us-east-1", Repository: "team/currency-api", Digest: newDigest}},
		},
		{
			name: "the ordering rule's source",
			args: []string{"-cluster", cluster, "-service", service, "-image", newImage,
				"-source-bucket", bucket, "-source-key", bundleKey, "-source-version", versionB},
			want: request{Cluster: cluster, Service: service, Image: newImage, Container: "currency-api",
				Timeout: 15 * time.Minute, Poll: 15 * time.Second,
				FailOn: "CRITICAL", ScanTimeout: 10 * time.Minute, ECRImage: newECRImage,
				Source: source{Bucket: bucket, Key: bundleKey, Version: versionB}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr strings.Builder
			got, err := parseFlags(append([]string{"deploy"}, tt.args...), &stderr)
			if err != nil {
				t.Fatalf("parseFlags(%q) error = %v", tt.args, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("parseFlags(%q) (-want +got):\n%s", tt.args, diff)
			}
		})
	}
}

// TestRunRejectsFlags runs the whole program: bad flags must fail before
// any AWS call, with every problem in one error.
func TestRunRejectsFlags(t *testing.T) {
	valid := []string{"-cluster", cluster, "-service", service}
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{
			name: "tag instead of digest",
			args: append(valid, "-image", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/currency-api:v1.2.3"),
			want: []string{`-image "123456789012.dkr.ecr.eu-west-1.amazonaws.com/currency-api:v1.2.3" is not pinned by digest: deploy REPO@sha256:<64 hex>, not a tag`},
		},
		{
			name: "short digest",
			args: append(valid, "-image", "repo@sha256:abcd"),
			want: []string{"is not a digest reference"},
		},
		{
			name: "uppercase digest",
			args: append(valid, "-image", "repo@sha256:"+strings.Repeat("A", 64)),
			want: []string{"is not a digest reference"},
		},
		{
			name: "digest without repository",
			args: append(valid, "-image", "@sha256:"+strings.Repeat("a", 64)),
			want: []string{"is not a digest reference"},
		},
		{
			name: "poll longer than timeout",
			args: append(valid, "-image", newImage, "-timeout", "10s", "-poll", "15s"),
			want: []string{"-poll 15s must not exceed -timeout 10s"},
		},
		{
			name: "unknown severity",
			args: append(valid, "-image", newImage, "-fail-on-severity", "SEVERE"),
			want: []string{`-fail-on-severity "SEVERE" is not one of CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL, UNDEFINED or NONE`},
		},
		{
			name: "lowercase severity",
			args: append(valid, "-image", newImage, "-fail-on-severity", "high"),
			want: []string{`-fail-on-severity "high" is not one of`},
		},
		{
			name: "image outside ECR with the scan gate on",
			args: append(valid, "-image", "docker.io/library/alpine@"+newDigest),
			want: []string{`-image "docker.io/library/alpine@` + newDigest + `": registry "docker.io" is not ACCOUNT.dkr.ecr.REGION.amazonaws.com: ` +
				"not an image in a private ECR registry: the scan gate needs one; pass -fail-on-severity NONE to deploy it unscanned"},
		},
		{
			name: "invalid ECR repository name",
			args: append(valid, "-image", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team//api@"+newDigest),
			want: []string{`repository "team//api" is not a valid ECR repository name`},
		},
		{
			name: "every problem at once",
			args: []string{"-image", "currency-api:latest", "-container", "", "-timeout", "0", "-poll", "-1s",
				"-image-parameter", "/a b", "-fail-on-severity", "ALL", "-scan-timeout", "-1m", "extra"},
			want: []string{
				`unexpected arguments ["extra"]`,
				"-cluster is required",
				"-service is required",
				`-image "currency-api:latest" is not pinned by digest`,
				`-fail-on-severity "ALL" is not one of`,
				"-scan-timeout -1m0s must be positive",
				"-container must not be empty",
				"-timeout 0s must be positive",
				"-poll -1s must be positive",
				`-image-parameter "/a b" must not contain spaces`,
			},
		},
		{
			name: "source version without bucket and key",
			args: append(valid, "-image", newImage, "-source-version", versionB),
			want: []string{`-source-bucket "", -source-key "" and -source-version "` + versionB + `": give all three or none`},
		},
		{
			name: "source flags given empty",
			args: append(valid, "-image", newImage, "-source-bucket", "", "-source-key", "", "-source-version", ""),
			want: []string{`give all three or none`},
		},
		{
			name: "source key with a leading slash",
			args: append(valid, "-image", newImage, "-source-bucket", bucket, "-source-key", "/"+bundleKey, "-source-version", versionB),
			want: []string{`-source-key "/` + bundleKey + `" must not start with /`},
		},
		{
			name: "nothing",
			args: nil,
			want: []string{"-cluster is required", "-service is required", "-image is required"},
		},
		{
			name: "unknown flag",
			args: append(valid, "-image", newImage, "-region", "eu-west-1"),
			want: []string{"flag provided but not defined: -region"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr strings.Builder
			getenv := func(string) string { return "" }
			err := run(context.Background(), append([]string{"deploy"}, tt.args...), getenv, &stdout, &stderr)
			if !errors.Is(err, errUsage) {
				t.Fatalf("run(%q) error = %v, want a usage error", tt.args, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("run(%q) error = %q, want it to contain %q", tt.args, err, w)
				}
			}
			if got, want := strings.Count(err.Error(), "\n"), len(tt.want); tt.name == "every problem at once" && got != want {
				t.Errorf("run(%q) error has %d lines after the first, want one per problem (%d):\n%s", tt.args, got, want, err)
			}
			if stdout.Len() != 0 {
				t.Errorf("run(%q) stdout = %q, want nothing", tt.args, stdout.String())
			}
		})
	}
}

func TestSummary(t *testing.T) {
	req := request{Service: service, Image: newImage}
	tests := []struct {
		res  result
		want string
	}{
		{
			res:  result{TaskDefinition: "currency-api-dev:43", Took: 3*time.Minute + 12*time.Second + 400*time.Millisecond},
			want: "deploy: currency-api-dev now runs currency-api-dev:43 (image " + newImage + ") after 3m12s; scan: not checked (-fail-on-severity NONE)",
		},
		{
			res:  result{TaskDefinition: "currency-api-dev:43", Took: 45 * time.Second, Retries: 2},
			want: "deploy: currency-api-dev now runs currency-api-dev:43 (image " + newImage + ") after 45s, 2 retried polls; scan: not checked (-fail-on-severity NONE)",
		},
		{
			res: result{TaskDefinition: "currency-api-dev:43", Took: 45 * time.Second,
				Scan: &scanReport{Counts: map[string]int32{"HIGH": 2, "MEDIUM": 5}}},
			want: "deploy: currency-api-dev now runs currency-api-dev:43 (image " + newImage + ") after 45s; scan: 0 critical, 2 high, 5 medium",
		},
		{
			res:  result{TaskDefinition: "currency-api-dev:43", Took: 45 * time.Second, Retries: 1, Scan: &scanReport{}},
			want: "deploy: currency-api-dev now runs currency-api-dev:43 (image " + newImage + ") after 45s, 1 retried polls; scan: no findings",
		},
	}
	for _, tt := range tests {
		if got := summary(req, tt.res); got != tt.want {
			t.Errorf("summary(%+v) = %q, want %q", tt.res, got, tt.want)
		}
	}
	superseded := request{Service: service, Image: newImage, Source: source{Bucket: bucket, Key: bundleKey, Version: versionA}}
	want := "deploy: not deployed: " + versionA + " is superseded by the newer upload " + versionB + " of s3://" + bucket + "/" + bundleKey + ", whose build deploys it"
	if got := summary(superseded, result{SupersededBy: versionB}); got != want {
		t.Errorf("summary of a superseded build = %q, want %q", got, want)
	}
}

func TestExitCode(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{fmt.Errorf("%w:\n%w", errUsage, errors.New("-cluster is required")), 2},
		{fmt.Errorf("%w CRITICAL: ...", errVulnerable), 1},
		{fmt.Errorf("scan of x: %w after 10m0s", errTimedOut), 1},
		{errors.New("load AWS configuration: no region: set AWS_REGION"), 1},
	}
	for _, tt := range tests {
		if got := exitCode(tt.err); got != tt.want {
			t.Errorf("exitCode(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}
