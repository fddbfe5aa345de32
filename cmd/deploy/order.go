package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// The ordering rule. Every upload of the source bundle starts its own build,
// pinned to that upload's S3 object version, and builds may run at the same
// time (infra/modules/pipeline: a concurrent build limit would make CodeBuild
// refuse the start of an upload that arrives during a build). So the deploy
// step itself makes rollouts happen one at a time and newest last:
//
//  1. it waits until the service has no rollout in progress (one deployment,
//     not IN_PROGRESS), so rollouts never overlap;
//  2. it then asks S3 for the bundle key's current version, which is the
//     newest upload; if that is not the version this build was started for,
//     it deploys nothing: the build of the newer upload deploys it.
//
// What is left is the time between step 2 and UpdateService, a few API calls.
// For an older bundle to land over a newer one, the newer upload would have
// to arrive after step 2 and its whole build (tests, govulncheck, image
// build, push, scan) finish before this build's UpdateService: minutes
// against milliseconds. And when the newer build then reaches step 1, it sees
// this rollout in progress, waits for it, and lands after it.

// s3API is the subset of *s3.Client the ordering rule uses.
type s3API interface {
	HeadObject(ctx context.Context, in *s3.HeadObjectInput, opts ...func(*s3.Options)) (*s3.HeadObjectOutput, error)
}

// source names the upload a build was started for; zero when the build does
// not take part in the ordering rule.
type source struct {
	Bucket  string
	Key     string
	Version string // the S3 object version (CODEBUILD_RESOLVED_SOURCE_VERSION)
}

// waitForIdle polls the service every req.Poll until no rollout is in
// progress, and returns the service as it then is. Another build's rollout
// takes at most its own deploy timeout, which is this build's too, so
// req.Timeout bounds the wait.
func (d *deployer) waitForIdle(ctx context.Context, req request, res *result) (ecstypes.Service, error) {
	var idle ecstypes.Service
	err := d.poll(ctx, req, d.Now(), &res.Retries, "wait for the rollout in progress", func(svc ecstypes.Service) (bool, string, error) {
		state, busy := rolloutInProgress(svc)
		if busy {
			return false, "waiting for another rollout to end first: " + state, nil
		}
		idle = svc
		return true, "", nil
	})
	if errors.Is(err, errTimedOut) {
		err = fmt.Errorf("wait for the rollout in progress: %w", err)
	}
	return idle, err
}

// rolloutInProgress says whether the service is in the middle of a rollout:
// more than one deployment (old tasks still draining, or a rollback under
// way), or one that is IN_PROGRESS. The state describes it.
func rolloutInProgress(svc ecstypes.Service) (state string, busy bool) {
	if len(svc.Deployments) > 1 {
		return fmt.Sprintf("%d deployments", len(svc.Deployments)), true
	}
	for _, dep := range svc.Deployments {
		if dep.RolloutState == ecstypes.DeploymentRolloutStateInProgress {
			return fmt.Sprintf("deployment %s of %s %s", aws.ToString(dep.Id), aws.ToString(dep.TaskDefinition), dep.RolloutState), true
		}
	}
	return "", false
}

// newestVersion is the current version of the bundle key: the newest upload.
// Transient errors are retried every req.Poll for up to req.Timeout.
func (d *deployer) newestVersion(ctx context.Context, req request) (string, error) {
	start := d.Now()
	where := "s3://" + req.Source.Bucket + "/" + req.Source.Key
	for {
		out, err := d.S3.HeadObject(ctx, &s3.HeadObjectInput{
			Bucket: aws.String(req.Source.Bucket),
			Key:    aws.String(req.Source.Key),
		})
		switch {
		case err == nil && aws.ToString(out.VersionId) == "":
			return "", fmt.Errorf("%s has no version ID: the source bucket must be versioned", where)
		case err == nil:
			return aws.ToString(out.VersionId), nil
		case !retryable(err):
			return "", fmt.Errorf("find the newest upload of %s: %w", where, err)
		}
		fmt.Fprintf(d.Log, "deploy: find the newest upload of %s: %v; retrying\n", where, err)
		elapsed := d.Now().Sub(start)
		if elapsed >= req.Timeout {
			return "", fmt.Errorf("find the newest upload of %s: %w", where, timedOut(req.Timeout, "no answer", err))
		}
		if err := d.Sleep(ctx, min(req.Poll, req.Timeout-elapsed)); err != nil {
			return "", fmt.Errorf("find the newest upload of %s: %w", where, err)
		}
	}
}

// awaitTurn applies the ordering rule: it waits for any rollout in progress,
// then reports the newer upload that supersedes this build ("" when this
// build's bundle is the newest), and the service as it now is.
func (d *deployer) awaitTurn(ctx context.Context, req request, res *result) (svc ecstypes.Service, newer string, err error) {
	began := d.Now()
	if svc, err = d.waitForIdle(ctx, req, res); err != nil {
		return svc, "", err
	}
	if waited := d.Now().Sub(began); waited > 0 {
		fmt.Fprintf(d.Log, "deploy: no rollout in progress after %s\n", waited.Round(time.Second))
	}
	newest, err := d.newestVersion(ctx, req)
	if err != nil {
		return svc, "", err
	}
	if newest != req.Source.Version {
		return svc, newest, nil
	}
	return svc, "", nil
}
