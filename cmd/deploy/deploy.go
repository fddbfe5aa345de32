package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/smithy-go"
)

// Errors a deploy ends with; each is wrapped with the detail.
var (
	errServiceNotFound    = errors.New("service not found")
	errServiceNotActive   = errors.New("service not active")
	errContainerNotFound  = errors.New("container not found in task definition")
	errRolledBack         = errors.New("rolled back")
	errRolloutFailed      = errors.New("rollout failed")
	errTimedOut           = errors.New("timed out")
	errUnsupportedService = errors.New("unsupported deployment controller")
)

// ecsAPI is the subset of *ecs.Client a deploy uses.
type ecsAPI interface {
	DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, opts ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
	DescribeTaskDefinition(ctx context.Context, in *ecs.DescribeTaskDefinitionInput, opts ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error)
	RegisterTaskDefinition(ctx context.Context, in *ecs.RegisterTaskDefinitionInput, opts ...func(*ecs.Options)) (*ecs.RegisterTaskDefinitionOutput, error)
	UpdateService(ctx context.Context, in *ecs.UpdateServiceInput, opts ...func(*ecs.Options)) (*ecs.UpdateServiceOutput, error)
}

// ssmAPI is the subset of *ssm.Client a deploy uses.
type ssmAPI interface {
	PutParameter(ctx context.Context, in *ssm.PutParameterInput, opts ...func(*ssm.Options)) (*ssm.PutParameterOutput, error)
}

// request is one deploy: which container of which service gets which image.
type request struct {
	Cluster        string
	Service        string
	Container      string
	Image          string // REPO@sha256:DIGEST
	Timeout        time.Duration
	Poll           time.Duration
	ImageParameter string // SSM parameter to record the image in; empty for none
	FailOn         string // least severe scan finding that stops the deploy; noScanGate for no gate
	ScanTimeout    time.Duration
	// NoOSPackages says the image holds no operating system (internal/image
	// builds it so): ECR's basic scan of it ends as unsupported, which then
	// passes the gate instead of stopping it.
	NoOSPackages bool
	ECRImage     ecrImage // Image, parsed; zero when FailOn is noScanGate
	Source       source   // the upload this build deploys; zero for no ordering rule
}

// result describes a completed deploy.
type result struct {
	TaskDefinitionARN string
	TaskDefinition    string // family:revision
	Took              time.Duration
	Retries           int         // retryable errors tolerated while polling
	Scan              *scanReport // nil when the scan gate is off
	SupersededBy      string      // the newer upload's version when this one was not deployed
}

// deployer rolls an image out to an ECS service and waits for the rollout.
type deployer struct {
	ECS   ecsAPI
	SSM   ssmAPI // only used when request.ImageParameter is set
	ECR   ecrAPI // only used when request.FailOn is not noScanGate
	S3    s3API  // only used when request.Source is set
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	Log   io.Writer // progress lines
}

// deploy first passes the scan gate, unless req.FailOn turns it off: no ECS
// call happens before the image's scan has completed without findings at or
// above req.FailOn. With req.Source it then applies the ordering rule
// (order.go): it waits for any rollout in progress and deploys nothing when a
// newer upload exists (result.SupersededBy). It then registers a task
// definition revision that differs from the service's current one only in the
// named container's image, points the service at it, and waits until ECS
// reports the rollout COMPLETED, FAILED or rolled back, or until req.Timeout
// passes.
func (d *deployer) deploy(ctx context.Context, req request) (result, error) {
	began := d.Now()
	var res result
	if req.FailOn != noScanGate {
		if err := d.scanGate(ctx, req, &res); err != nil {
			return res, err
		}
	}
	// The rollout's timeout counts from here, not from before the scan.
	start := d.Now()

	svc, err := d.describeService(ctx, req.Cluster, req.Service)
	if err != nil {
		return res, err
	}
	if svc.DeploymentController != nil && svc.DeploymentController.Type != ecstypes.DeploymentControllerTypeEcs {
		// Only the ECS controller reports rolloutState; CODE_DEPLOY and
		// EXTERNAL services would always time out.
		return res, fmt.Errorf("service %s uses %s: %w", req.Service, svc.DeploymentController.Type, errUnsupportedService)
	}
	if req.Source != (source{}) {
		var newer string
		if svc, newer, err = d.awaitTurn(ctx, req, &res); err != nil {
			return res, err
		}
		if newer != "" {
			fmt.Fprintf(d.Log, "deploy: superseded: bundle version %s is no longer the newest upload of s3://%s/%s (now %s); the build of %s deploys it\n",
				req.Source.Version, req.Source.Bucket, req.Source.Key, newer, newer)
			res.SupersededBy = newer
			res.Took = d.Now().Sub(began)
			return res, nil
		}
		// The rollout's timeout counts from the end of the wait.
		start = d.Now()
	}

	current, err := d.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{
		TaskDefinition: svc.TaskDefinition,
		Include:        []ecstypes.TaskDefinitionField{ecstypes.TaskDefinitionFieldTags},
	})
	if err != nil {
		return res, fmt.Errorf("describe task definition %s: %w", aws.ToString(svc.TaskDefinition), err)
	}
	in, err := nextRevision(current.TaskDefinition, current.Tags, req.Container, req.Image)
	if err != nil {
		return res, fmt.Errorf("task definition %s: %w", aws.ToString(svc.TaskDefinition), err)
	}
	registered, err := d.ECS.RegisterTaskDefinition(ctx, in)
	if err != nil {
		return res, fmt.Errorf("register task definition %s: %w", aws.ToString(in.Family), err)
	}
	td := registered.TaskDefinition
	res.TaskDefinitionARN = aws.ToString(td.TaskDefinitionArn)
	res.TaskDefinition = fmt.Sprintf("%s:%d", aws.ToString(td.Family), td.Revision)
	fmt.Fprintf(d.Log, "deploy: registered %s\n", res.TaskDefinition)

	if _, err := d.ECS.UpdateService(ctx, &ecs.UpdateServiceInput{
		Cluster:        aws.String(req.Cluster),
		Service:        aws.String(req.Service),
		TaskDefinition: aws.String(res.TaskDefinitionARN),
	}); err != nil {
		return res, fmt.Errorf("update service %s to %s: %w", req.Service, res.TaskDefinition, err)
	}
	fmt.Fprintf(d.Log, "deploy: updated %s to %s, waiting for the rollout\n", req.Service, res.TaskDefinition)

	if err := d.wait(ctx, req, start, &res); err != nil {
		return res, err
	}

	if req.ImageParameter != "" {
		if _, err := d.SSM.PutParameter(ctx, &ssm.PutParameterInput{
			Name:      aws.String(req.ImageParameter),
			Value:     aws.String(req.Image),
			Type:      ssmtypes.ParameterTypeString,
			Overwrite: aws.Bool(true),
		}); err != nil {
			return res, fmt.Errorf("deployed %s but write image parameter %s: %w", res.TaskDefinition, req.ImageParameter, err)
		}
	}
	res.Took = d.Now().Sub(began)
	return res, nil
}

// describeService returns the service, which must exist and be ACTIVE.
func (d *deployer) describeService(ctx context.Context, cluster, service string) (ecstypes.Service, error) {
	out, err := d.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{
		Cluster:  aws.String(cluster),
		Services: []string{service},
	})
	if err != nil {
		return ecstypes.Service{}, fmt.Errorf("describe service %s: %w", service, err)
	}
	return findService(out, cluster, service)
}

// findService picks the one service out of a DescribeServices answer.
func findService(out *ecs.DescribeServicesOutput, cluster, service string) (ecstypes.Service, error) {
	for _, s := range out.Services {
		if aws.ToString(s.ServiceName) != service && aws.ToString(s.ServiceArn) != service {
			continue
		}
		if status := aws.ToString(s.Status); status != "ACTIVE" {
			return ecstypes.Service{}, fmt.Errorf("service %s in cluster %s is %s: %w", service, cluster, status, errServiceNotActive)
		}
		return s, nil
	}
	reason := "not returned"
	for _, f := range out.Failures {
		reason = aws.ToString(f.Reason)
	}
	return ecstypes.Service{}, fmt.Errorf("service %s in cluster %s: %s: %w", service, cluster, reason, errServiceNotFound)
}

// nextRevision is the registration of a copy of td, with tags, in which only
// the named container's image differs.
func nextRevision(td *ecstypes.TaskDefinition, tags []ecstypes.Tag, container, image string) (*ecs.RegisterTaskDefinitionInput, error) {
	if td == nil {
		return nil, errors.New("empty answer")
	}
	containers := slices.Clone(td.ContainerDefinitions)
	i := slices.IndexFunc(containers, func(c ecstypes.ContainerDefinition) bool { return aws.ToString(c.Name) == container })
	if i < 0 {
		names := make([]string, len(containers))
		for j, c := range containers {
			names[j] = aws.ToString(c.Name)
		}
		return nil, fmt.Errorf("%q (have %q): %w", container, names, errContainerNotFound)
	}
	containers[i].Image = aws.String(image)
	if len(tags) == 0 {
		tags = nil
	}
	// Every field RegisterTaskDefinition accepts, except the deprecated
	// InferenceAccelerators (Elastic Inference no longer exists); the rest of
	// TaskDefinition (ARN, revision, status, registeredAt...) is output only.
	return &ecs.RegisterTaskDefinitionInput{
		ContainerDefinitions:          containers,
		Family:                        td.Family,
		Cpu:                           td.Cpu,
		EnableFaultInjection:          td.EnableFaultInjection,
		EphemeralStorage:              td.EphemeralStorage,
		ExecutionRoleArn:              td.ExecutionRoleArn,
		IpcMode:                       td.IpcMode,
		Memory:                        td.Memory,
		NetworkMode:                   td.NetworkMode,
		PidMode:                       td.PidMode,
		PlacementConstraints:          td.PlacementConstraints,
		ProxyConfiguration:            td.ProxyConfiguration,
		RequiresCompatibilities:       td.RequiresCompatibilities,
		RuntimePlatform:               td.RuntimePlatform,
		Tags:                          tags,
		TaskRoleArn:                   td.TaskRoleArn,
		TrustedExecutionConfiguration: td.TrustedExecutionConfiguration,
		Volumes:                       td.Volumes,
	}, nil
}

// wait polls the service every req.Poll until the rollout of
// res.TaskDefinitionARN ends or req.Timeout (counted from start) passes.
func (d *deployer) wait(ctx context.Context, req request, start time.Time, res *result) error {
	seen := false
	return d.poll(ctx, req, start, &res.Retries, "wait for rollout", func(svc ecstypes.Service) (bool, string, error) {
		done, state, listed, err := rollout(svc, res.TaskDefinitionARN, seen)
		seen = seen || listed
		return done, state, err
	})
}

// poll asks ECS for the service every req.Poll until check reports it done
// or fails, or until req.Timeout (counted from start) passes. It logs each
// new state check describes, retries transient errors (counting them in
// retries) and names the wait (what) when the sleep between polls is cut
// short.
func (d *deployer) poll(ctx context.Context, req request, start time.Time, retries *int, what string,
	check func(ecstypes.Service) (done bool, state string, err error)) error {
	lastState := "no answer yet"
	var lastErr error
	for {
		out, err := d.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{
			Cluster:  aws.String(req.Cluster),
			Services: []string{req.Service},
		})
		switch {
		case err != nil && retryable(err):
			*retries++
			lastErr = err
			fmt.Fprintf(d.Log, "deploy: describe service: %v; retrying\n", err)
		case err != nil:
			return fmt.Errorf("describe service %s: %w", req.Service, err)
		default:
			svc, err := findService(out, req.Cluster, req.Service)
			if err != nil {
				return err
			}
			done, state, err := check(svc)
			if done || err != nil {
				return err
			}
			if state != lastState {
				fmt.Fprintf(d.Log, "deploy: %s\n", state)
			}
			lastState, lastErr = state, nil
		}

		elapsed := d.Now().Sub(start)
		if elapsed >= req.Timeout {
			return timedOut(req.Timeout, lastState, lastErr)
		}
		if err := d.Sleep(ctx, min(req.Poll, req.Timeout-elapsed)); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
}

// timedOut is the error a wait loop (the rollout's, the scan gate's) ends
// with after timeout: the last state it saw and, if the last poll failed,
// that failure.
func timedOut(timeout time.Duration, lastState string, lastErr error) error {
	if lastErr != nil {
		return fmt.Errorf("%w after %s: %s (then: %v)", errTimedOut, timeout, lastState, lastErr)
	}
	return fmt.Errorf("%w after %s: %s", errTimedOut, timeout, lastState)
}

// rollout reads the state of the deployment of taskDefinition: done when it
// completed, an error when it failed or was rolled back, else a description
// of where it stands. seen says whether an earlier answer already listed
// that deployment; until one does, another primary deployment is taken for
// a DescribeServices answer that lags the UpdateService, not a rollback.
func rollout(svc ecstypes.Service, taskDefinition string, seen bool) (done bool, state string, listed bool, err error) {
	var primary *ecstypes.Deployment
	reason := ""
	for i := range svc.Deployments {
		dep := &svc.Deployments[i]
		if aws.ToString(dep.Status) == "PRIMARY" {
			primary = dep
		}
		if aws.ToString(dep.TaskDefinition) == taskDefinition {
			listed = true
			if dep.RolloutState == ecstypes.DeploymentRolloutStateFailed || dep.RolloutStateReason != nil {
				reason = aws.ToString(dep.RolloutStateReason)
			}
		}
	}
	if primary == nil {
		return false, "no primary deployment", listed, nil
	}
	if aws.ToString(primary.TaskDefinition) != taskDefinition {
		if !seen && !listed {
			return false, "waiting for the deployment of " + taskDefinition + " to appear", false, nil
		}
		// The circuit breaker (or someone else) made another deployment
		// primary; ours, if still listed, says why.
		if reason == "" {
			reason = "primary deployment runs " + aws.ToString(primary.TaskDefinition)
		}
		return false, "", listed, fmt.Errorf("%w: %s", errRolledBack, reason)
	}
	switch primary.RolloutState {
	case ecstypes.DeploymentRolloutStateCompleted:
		return true, "", true, nil
	case ecstypes.DeploymentRolloutStateFailed:
		return false, "", true, fmt.Errorf("%w: %s", errRolloutFailed, aws.ToString(primary.RolloutStateReason))
	}
	return false, fmt.Sprintf("deployment %s %s: %d/%d running, %d pending, %d failed",
		aws.ToString(primary.Id), primary.RolloutState,
		primary.RunningCount, primary.DesiredCount, primary.PendingCount, primary.FailedTasks), true, nil
}

// retryableCodes are the API error codes that say "ask again later" rather
// than "this will not work".
var retryableCodes = []string{
	"ThrottlingException", "Throttling", "ThrottledException", "RequestLimitExceeded", "SlowDown",
	"TooManyRequestsException", "RequestThrottled", "RequestThrottledException",
	"ServerException", "InternalFailure", "InternalError", "ServiceUnavailable",
	// S3 answers a HEAD without a body, so the SDK names the error after the
	// HTTP status: 500 InternalServerError, 503 ServiceUnavailable.
	"InternalServerError",
	"ServiceUnavailableException",
}

// retryable reports whether a polling error is transient, so the next poll
// may succeed. The SDK retryer has already retried it a few times.
func retryable(err error) bool {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return slices.Contains(retryableCodes, apiErr.ErrorCode())
	}
	return false
}
