package main

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

const (
	bucket    = "currency-api-dev-source-123456789012"
	bundleKey = "source/currency-api.zip"
	versionA  = "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY" // an older upload
	versionB  = "UIORUnfndfhnw89493jJFJ.ghjdf7SIDa" // the newest upload
)

// headAnswer is one scripted HeadObject reply.
type headAnswer struct {
	version string
	err     error
}

// fakeS3 answers HeadObject from a script (the last answer repeats) and
// records the calls; newest, when set, is asked at each call instead, so a
// test can upload "during" a deploy.
type fakeS3 struct {
	mu      sync.Mutex
	answers []headAnswer
	newest  func() string
	heads   []*s3.HeadObjectInput
}

func (f *fakeS3) HeadObject(_ context.Context, in *s3.HeadObjectInput, _ ...func(*s3.Options)) (*s3.HeadObjectOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.heads = append(f.heads, in)
	if aws.ToString(in.Bucket) != bucket || aws.ToString(in.Key) != bundleKey || in.VersionId != nil {
		return nil, errors.New("fake: unexpected HeadObject input")
	}
	if f.newest != nil {
		return &s3.HeadObjectOutput{VersionId: aws.String(f.newest())}, nil
	}
	a := f.answers[min(len(f.heads)-1, len(f.answers)-1)]
	if a.err != nil {
		return nil, a.err
	}
	return &s3.HeadObjectOutput{VersionId: aws.String(a.version)}, nil
}

func s3Error(code string) headAnswer {
	return headAnswer{err: &smithy.OperationError{ServiceID: "S3", OperationName: "HeadObject",
		Err: &smithy.GenericAPIError{Code: code, Message: "scripted " + code}}}
}

func orderedRequest(version string) request {
	req := baseRequest()
	req.Source = source{Bucket: bucket, Key: bundleKey, Version: version}
	return req
}

func TestDeployOrdering(t *testing.T) {
	tests := []struct {
		name           string
		services       []answer
		heads          []headAnswer
		version        string
		wantSuperseded string // the newer upload; "" when this build deploys
		wantErr        string
		wantHeads      int
		wantWaitLine   bool // logged that it waited for another rollout
	}{
		{
			name:      "the newest upload deploys",
			services:  []answer{active(before), active(before), active(completed)},
			heads:     []headAnswer{{version: versionB}},
			version:   versionB,
			wantHeads: 1,
		},
		{
			name:           "an older upload is superseded and touches nothing",
			services:       []answer{active(before)},
			heads:          []headAnswer{{version: versionB}},
			version:        versionA,
			wantSuperseded: versionB,
			wantHeads:      1,
		},
		{
			name: "waits for another rollout, then finds itself superseded",
			services: []answer{
				active(inProgress, draining), // the newer build's rollout
				active(inProgress, draining),
				active(completed), // done: one deployment, COMPLETED
			},
			heads:          []headAnswer{{version: versionB}},
			version:        versionA,
			wantSuperseded: versionB,
			wantHeads:      1,
			wantWaitLine:   true,
		},
		{
			name: "waits for an older build's rollout, then deploys over it",
			services: []answer{
				active(rollback, abandoned), // the first look, before the wait
				active(rollback, abandoned), // a rollback under way counts as busy too
				active(before),
				active(before),
				active(completed),
			},
			heads:        []headAnswer{{version: versionB}},
			version:      versionB,
			wantHeads:    1,
			wantWaitLine: true,
		},
		{
			name:      "a transient S3 error is retried",
			services:  []answer{active(before), active(before), active(completed)},
			heads:     []headAnswer{s3Error("ServiceUnavailable"), s3Error("InternalServerError"), {version: versionB}},
			version:   versionB,
			wantHeads: 3,
		},
		{
			name:      "a permanent S3 error fails the release",
			services:  []answer{active(before)},
			heads:     []headAnswer{s3Error("AccessDenied")},
			version:   versionB,
			wantErr:   "find the newest upload of s3://" + bucket + "/" + bundleKey + ": operation error S3: HeadObject, api error AccessDenied",
			wantHeads: 1,
		},
		{
			name:      "an unversioned bucket fails the release",
			services:  []answer{active(before)},
			heads:     []headAnswer{{version: ""}},
			version:   versionB,
			wantErr:   "has no version ID: the source bucket must be versioned",
			wantHeads: 1,
		},
		{
			name:         "a rollout that never ends times out the wait",
			services:     []answer{active(inProgress, draining)},
			heads:        []headAnswer{{version: versionB}},
			version:      versionB,
			wantErr:      "wait for the rollout in progress: timed out after 15m0s: waiting for another rollout to end first: 2 deployments",
			wantWaitLine: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.services...)
			fs3 := &fakeS3{answers: tc.heads}
			h.d.S3 = fs3
			res, err := h.d.deploy(context.Background(), orderedRequest(tc.version))
			switch {
			case tc.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
				}
			case err != nil:
				t.Fatalf("err = %v", err)
			}
			if got := len(fs3.heads); got != tc.wantHeads {
				t.Errorf("HeadObject calls = %d, want %d", got, tc.wantHeads)
			}
			if res.SupersededBy != tc.wantSuperseded {
				t.Errorf("SupersededBy = %q, want %q", res.SupersededBy, tc.wantSuperseded)
			}
			deployed := tc.wantErr == "" && tc.wantSuperseded == ""
			if got := len(h.ecs.registered) > 0 || len(h.ecs.updated) > 0 || len(h.ssm.put) > 0; got != deployed {
				t.Errorf("wrote to ECS or SSM = %v, want %v (registered %d, updated %d, parameter %d)",
					got, deployed, len(h.ecs.registered), len(h.ecs.updated), len(h.ssm.put))
			}
			if got := strings.Contains(h.log.String(), "waiting for another rollout to end first"); got != tc.wantWaitLine {
				t.Errorf("logged a wait = %v, want %v; log:\n%s", got, tc.wantWaitLine, h.log.String())
			}
			if tc.wantSuperseded != "" && !strings.Contains(h.log.String(), "superseded: bundle version "+tc.version) {
				t.Errorf("the log does not say the build was superseded:\n%s", h.log.String())
			}
		})
	}
}

// Two builds, started for uploads A then B, reach the deploy step in either
// order while B's rollout may be running; whatever the interleaving, only B
// deploys, and A never writes anything.
func TestDeployOrderingInterleavings(t *testing.T) {
	for _, tc := range []struct {
		name  string
		first string // which build's deploy step runs first
	}{
		{"older build first", versionA},
		{"newer build first", versionB},
	} {
		t.Run(tc.name, func(t *testing.T) {
			newest := func() string { return versionB } // B is uploaded before either deploy step asks
			deployedBy := map[string]int{}
			for _, version := range []string{tc.first, other(tc.first)} {
				// The service as the second deploy step finds it: the first
				// one's rollout still running, then done.
				answers := []answer{active(before), active(before), active(completed)}
				if deployedBy[versionB] > 0 {
					answers = []answer{active(inProgress, draining), active(completed), active(completed)}
				}
				h := newHarness(t, answers...)
				h.d.S3 = &fakeS3{newest: newest}
				res, err := h.d.deploy(context.Background(), orderedRequest(version))
				if err != nil {
					t.Fatalf("deploy of %s: %v", version, err)
				}
				if res.SupersededBy == "" {
					deployedBy[version] += len(h.ecs.updated)
				}
			}
			if deployedBy[versionB] != 1 || deployedBy[versionA] != 0 {
				t.Errorf("rollouts by build = %v, want only the newest upload's (%s) once", deployedBy, versionB)
			}
		})
	}
}

func other(version string) string {
	if version == versionA {
		return versionB
	}
	return versionA
}

// A deployment alarm (the target group's 5xx rate or p99 latency) firing
// during the rollout, or during the bake time after every new task runs,
// makes ECS fail the deployment and roll back: a failed release, with the
// reason ECS gives. AWS does not document the reason's wording, so the test
// only requires that it is passed on.
func TestDeployAlarmRollbackIsAFailedRelease(t *testing.T) {
	const reason = "ECS deployment alarms: alarm currency-api-dev-deployment-target-5xx-rate is in ALARM state; rolling back"
	alarmed := deployment("ecs-svc/2", "ACTIVE", newARN, ecstypes.DeploymentRolloutStateFailed, reason)
	allRunning := inProgress
	allRunning.RunningCount, allRunning.PendingCount = 2, 0 // bake time: every task runs, still IN_PROGRESS
	for _, tc := range []struct {
		name     string
		services []answer
	}{
		{"during the rollout", []answer{active(before), active(inProgress, draining), active(rollback, alarmed), active(before)}},
		{"during the bake time", []answer{active(before), active(allRunning), active(allRunning), active(rollback, alarmed)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.services...)
			_, err := h.d.deploy(context.Background(), baseRequest())
			if !errors.Is(err, errRolledBack) || !strings.Contains(err.Error(), reason) {
				t.Fatalf("err = %v, want %v naming %q", err, errRolledBack, reason)
			}
			if len(h.ssm.put) != 0 {
				t.Error("a rolled-back release must not be recorded as the deployed image")
			}
			if got := exitCode(err); got != 1 {
				t.Errorf("exit code = %d, want 1", got)
			}
		})
	}
}

func TestDeployOrderingCancelled(t *testing.T) {
	h := newHarness(t, active(inProgress, draining))
	h.d.S3 = &fakeS3{answers: []headAnswer{{version: versionB}}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := h.d.deploy(ctx, orderedRequest(versionB))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
