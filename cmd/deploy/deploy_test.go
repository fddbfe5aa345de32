package main

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
)

const (
	cluster   = "currency-api-dev"
	service   = "currency-api-dev"
	oldARN    = "arn:aws:ecs:eu-west-1:123456789012:task-definition/currency-api-dev:42"
	newARN    = "arn:aws:ecs:eu-west-1:123456789012:task-definition/currency-api-dev:43"
	oldImage  = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/currency-api@sha256:1111111111111111111111111111111111111111111111111111111111111111"
	newImage  = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/currency-api@sha256:abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"
	sidecar   = "public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0"
	parameter = "/currency-api/dev/image"
	breaker   = "ECS deployment circuit breaker: tasks failed to start."
)

var t0 = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// exportAll lets cmp compare the SDK types, whose only unexported field is
// an empty marker struct.
var exportAll = cmp.Exporter(func(reflect.Type) bool { return true })

// oldTaskDefinition is the service's current task definition with every
// field RegisterTaskDefinition accepts set, plus output-only fields.
func oldTaskDefinition() *ecstypes.TaskDefinition {
	return &ecstypes.TaskDefinition{
		TaskDefinitionArn: aws.String(oldARN),
		Family:            aws.String("currency-api-dev"),
		Revision:          42,
		Status:            ecstypes.TaskDefinitionStatusActive,
		RegisteredAt:      aws.Time(t0.Add(-24 * time.Hour)),
		RegisteredBy:      aws.String("arn:aws:iam::123456789012:role/terraform"),
		Compatibilities:   []ecstypes.Compatibility{ecstypes.CompatibilityEc2, ecstypes.CompatibilityFargate},
		RequiresAttributes: []ecstypes.Attribute{
			{Name: aws.String("com.amazonaws.ecs.capability.logging-driver.awslogs")},
		},
		ContainerDefinitions: []ecstypes.ContainerDefinition{
			{
				Name:         aws.String("currency-api"),
				Image:        aws.String(oldImage),
				Essential:    aws.Bool(true),
				PortMappings: []ecstypes.PortMapping{{ContainerPort: aws.Int32(8080), Protocol: ecstypes.TransportProtocolTcp}},
				Environment:  []ecstypes.KeyValuePair{{Name: aws.String("RATES_PROVIDER"), Value: aws.String("ecb")}},
				HealthCheck: &ecstypes.HealthCheck{
					Command: []string{"CMD", "/currency-api", "healthcheck"},
				},
				StopTimeout:            aws.Int32(120),
				ReadonlyRootFilesystem: aws.Bool(true),
			},
			{
				Name:      aws.String("otel"),
				Image:     aws.String(sidecar),
				Essential: aws.Bool(false),
			},
		},
		Cpu:                     aws.String("256"),
		Memory:                  aws.String("512"),
		NetworkMode:             ecstypes.NetworkModeAwsvpc,
		RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate},
		ExecutionRoleArn:        aws.String("arn:aws:iam::123456789012:role/currency-api-dev-execution"),
		TaskRoleArn:             aws.String("arn:aws:iam::123456789012:role/currency-api-dev-task"),
		RuntimePlatform: &ecstypes.RuntimePlatform{
			CpuArchitecture:       ecstypes.CPUArchitectureArm64,
			OperatingSystemFamily: ecstypes.OSFamilyLinux,
		},
		Volumes:              []ecstypes.Volume{{Name: aws.String("tmp")}},
		EphemeralStorage:     &ecstypes.EphemeralStorage{SizeInGiB: 30},
		EnableFaultInjection: aws.Bool(false),
		IpcMode:              ecstypes.IpcModeTask,
		PidMode:              ecstypes.PidModeTask,
		PlacementConstraints: []ecstypes.TaskDefinitionPlacementConstraint{
			{Type: ecstypes.TaskDefinitionPlacementConstraintTypeMemberOf, Expression: aws.String("attribute:ecs.os-type == linux")},
		},
		ProxyConfiguration: &ecstypes.ProxyConfiguration{ContainerName: aws.String("otel"), Type: ecstypes.ProxyConfigurationTypeAppmesh},
		TrustedExecutionConfiguration: &ecstypes.TrustedExecutionConfiguration{
			IsolationMode: ecstypes.IsolationModeIsolatedSandbox,
		},
	}
}

func oldTags() []ecstypes.Tag {
	return []ecstypes.Tag{
		{Key: aws.String("environment"), Value: aws.String("dev")},
		{Key: aws.String("service"), Value: aws.String("currency-api")},
	}
}

// answer is one scripted DescribeServices reply.
type answer struct {
	out *ecs.DescribeServicesOutput
	err error
}

func active(deployments ...ecstypes.Deployment) answer {
	return withStatus("ACTIVE", deployments...)
}

func withStatus(status string, deployments ...ecstypes.Deployment) answer {
	return answer{out: &ecs.DescribeServicesOutput{Services: []ecstypes.Service{{
		ServiceName:          aws.String(service),
		ServiceArn:           aws.String("arn:aws:ecs:eu-west-1:123456789012:service/" + cluster + "/" + service),
		Status:               aws.String(status),
		TaskDefinition:       aws.String(oldARN),
		DeploymentController: &ecstypes.DeploymentController{Type: ecstypes.DeploymentControllerTypeEcs},
		Deployments:          deployments,
	}}}}
}

func missing() answer {
	return answer{out: &ecs.DescribeServicesOutput{Failures: []ecstypes.Failure{{
		Arn:    aws.String("arn:aws:ecs:eu-west-1:123456789012:service/" + cluster + "/" + service),
		Reason: aws.String("MISSING"),
	}}}}
}

func apiError(code string) answer {
	// As the SDK returns it once its own retryer gives up.
	return answer{err: &smithy.OperationError{
		ServiceID:     "ECS",
		OperationName: "DescribeServices",
		Err:           &retry.MaxAttemptsError{Attempt: 3, Err: &smithy.GenericAPIError{Code: code, Message: "scripted " + code}},
	}}
}

func deployment(id, status, taskDefinition string, state ecstypes.DeploymentRolloutState, reason string) ecstypes.Deployment {
	d := ecstypes.Deployment{
		Id:             aws.String(id),
		Status:         aws.String(status),
		TaskDefinition: aws.String(taskDefinition),
		RolloutState:   state,
		DesiredCount:   2,
		RunningCount:   1,
		PendingCount:   1,
	}
	if reason != "" {
		d.RolloutStateReason = aws.String(reason)
	}
	return d
}

// Deployments as ECS lists them before, during and after a rollout.
var (
	before     = deployment("ecs-svc/1", "PRIMARY", oldARN, ecstypes.DeploymentRolloutStateCompleted, "")
	draining   = deployment("ecs-svc/1", "ACTIVE", oldARN, ecstypes.DeploymentRolloutStateCompleted, "")
	inProgress = deployment("ecs-svc/2", "PRIMARY", newARN, ecstypes.DeploymentRolloutStateInProgress, "")
	completed  = deployment("ecs-svc/2", "PRIMARY", newARN, ecstypes.DeploymentRolloutStateCompleted, "")
	failed     = deployment("ecs-svc/2", "PRIMARY", newARN, ecstypes.DeploymentRolloutStateFailed, breaker)
	abandoned  = deployment("ecs-svc/2", "ACTIVE", newARN, ecstypes.DeploymentRolloutStateFailed, breaker)
	rollback   = deployment("ecs-svc/3", "PRIMARY", oldARN, ecstypes.DeploymentRolloutStateInProgress, "")
)

// fakeECS answers DescribeServices from a script (the last answer repeats)
// and records every call.
type fakeECS struct {
	mu          sync.Mutex
	services    []answer
	taskDef     *ecs.DescribeTaskDefinitionOutput
	registerErr error
	updateErr   error

	describes  int
	describeTD []*ecs.DescribeTaskDefinitionInput
	registered []*ecs.RegisterTaskDefinitionInput
	updated    []*ecs.UpdateServiceInput
}

func (f *fakeECS) DescribeServices(_ context.Context, in *ecs.DescribeServicesInput, _ ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if aws.ToString(in.Cluster) != cluster || !reflect.DeepEqual(in.Services, []string{service}) {
		return nil, errors.New("fake: unexpected DescribeServices input")
	}
	a := f.services[min(f.describes, len(f.services)-1)]
	f.describes++
	return a.out, a.err
}

func (f *fakeECS) DescribeTaskDefinition(_ context.Context, in *ecs.DescribeTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.describeTD = append(f.describeTD, in)
	if f.taskDef == nil {
		return &ecs.DescribeTaskDefinitionOutput{TaskDefinition: oldTaskDefinition(), Tags: oldTags()}, nil
	}
	return f.taskDef, nil
}

func (f *fakeECS) RegisterTaskDefinition(_ context.Context, in *ecs.RegisterTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.RegisterTaskDefinitionOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.registered = append(f.registered, in)
	if f.registerErr != nil {
		return nil, f.registerErr
	}
	return &ecs.RegisterTaskDefinitionOutput{TaskDefinition: &ecstypes.TaskDefinition{
		TaskDefinitionArn:    aws.String(newARN),
		Family:               in.Family,
		Revision:             43,
		ContainerDefinitions: in.ContainerDefinitions,
	}}, nil
}

func (f *fakeECS) UpdateService(_ context.Context, in *ecs.UpdateServiceInput, _ ...func(*ecs.Options)) (*ecs.UpdateServiceOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.updated = append(f.updated, in)
	return &ecs.UpdateServiceOutput{}, f.updateErr
}

// fakeSSM records PutParameter calls.
type fakeSSM struct {
	mu  sync.Mutex
	err error
	put []*ssm.PutParameterInput
}

func (f *fakeSSM) PutParameter(_ context.Context, in *ssm.PutParameterInput, _ ...func(*ssm.Options)) (*ssm.PutParameterOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.put = append(f.put, in)
	return &ssm.PutParameterOutput{}, f.err
}

// maxSleeps bounds the polls of one test deploy.
const maxSleeps = 1000

// fakeClock is a clock that only moves when the deployer sleeps.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// A deployer that never stops polling fails instead of hanging the test.
	if len(c.sleeps) >= maxSleeps {
		return errors.New("fake clock: too many sleeps")
	}
	if d <= 0 {
		return errors.New("fake clock: sleep of " + d.String())
	}
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return nil
}

func baseRequest() request {
	return request{
		Cluster:        cluster,
		Service:        service,
		Container:      "currency-api",
		Image:          newImage,
		Timeout:        15 * time.Minute,
		Poll:           15 * time.Second,
		ImageParameter: parameter,
		FailOn:         "CRITICAL",
		ScanTimeout:    10 * time.Minute,
		ECRImage:       newECRImage,
	}
}

// harness wires a deployer to fakes. Its ECR reports the scan complete
// without findings unless a test scripts it otherwise.
type harness struct {
	ecs   *fakeECS
	ssm   *fakeSSM
	ecr   *fakeECR
	clock *fakeClock
	log   strings.Builder
	d     *deployer
}

func newHarness(t *testing.T, services ...answer) *harness {
	t.Helper()
	if len(services) == 0 {
		t.Fatal("newHarness: no DescribeServices answers")
	}
	h := &harness{
		ecs:   &fakeECS{services: services},
		ssm:   &fakeSSM{},
		ecr:   &fakeECR{t: t, scans: []scanAnswer{scanComplete(nil)}},
		clock: &fakeClock{now: t0},
	}
	h.d = &deployer{ECS: h.ecs, SSM: h.ssm, ECR: h.ecr, Now: h.clock.Now, Sleep: h.clock.Sleep, Log: &h.log}
	return h
}

func sleeps(n int, d time.Duration) []time.Duration {
	s := make([]time.Duration, n)
	for i := range s {
		s[i] = d
	}
	return s
}

func TestDeploySuccess(t *testing.T) {
	h := newHarness(t,
		active(before),
		active(inProgress, draining),
		active(inProgress, draining),
		active(completed),
	)
	res, err := h.d.deploy(context.Background(), baseRequest())
	if err != nil {
		t.Fatalf("deploy() error = %v", err)
	}

	want := result{TaskDefinitionARN: newARN, TaskDefinition: "currency-api-dev:43", Took: 30 * time.Second, Scan: &scanReport{}}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("deploy() result (-want +got):\n%s", diff)
	}

	if diff := cmp.Diff([]*ecs.DescribeTaskDefinitionInput{{
		TaskDefinition: aws.String(oldARN),
		Include:        []ecstypes.TaskDefinitionField{ecstypes.TaskDefinitionFieldTags},
	}}, h.ecs.describeTD, exportAll); diff != "" {
		t.Errorf("DescribeTaskDefinition calls (-want +got):\n%s", diff)
	}

	old := oldTaskDefinition()
	wantContainers := old.ContainerDefinitions
	wantContainers[0].Image = aws.String(newImage)
	wantRegistered := &ecs.RegisterTaskDefinitionInput{
		ContainerDefinitions:          wantContainers,
		Family:                        old.Family,
		Cpu:                           old.Cpu,
		EnableFaultInjection:          old.EnableFaultInjection,
		EphemeralStorage:              old.EphemeralStorage,
		ExecutionRoleArn:              old.ExecutionRoleArn,
		IpcMode:                       old.IpcMode,
		Memory:                        old.Memory,
		NetworkMode:                   old.NetworkMode,
		PidMode:                       old.PidMode,
		PlacementConstraints:          old.PlacementConstraints,
		ProxyConfiguration:            old.ProxyConfiguration,
		RequiresCompatibilities:       old.RequiresCompatibilities,
		RuntimePlatform:               old.RuntimePlatform,
		Tags:                          oldTags(),
		TaskRoleArn:                   old.TaskRoleArn,
		TrustedExecutionConfiguration: old.TrustedExecutionConfiguration,
		Volumes:                       old.Volumes,
	}
	if diff := cmp.Diff([]*ecs.RegisterTaskDefinitionInput{wantRegistered}, h.ecs.registered, exportAll); diff != "" {
		t.Errorf("RegisterTaskDefinition calls (-want +got):\n%s", diff)
	}

	if diff := cmp.Diff([]*ecs.UpdateServiceInput{{
		Cluster:        aws.String(cluster),
		Service:        aws.String(service),
		TaskDefinition: aws.String(newARN),
	}}, h.ecs.updated, exportAll); diff != "" {
		t.Errorf("UpdateService calls (-want +got):\n%s", diff)
	}

	if diff := cmp.Diff([]*ssm.PutParameterInput{{
		Name:      aws.String(parameter),
		Value:     aws.String(newImage),
		Type:      ssmtypes.ParameterTypeString,
		Overwrite: aws.Bool(true),
	}}, h.ssm.put, exportAll); diff != "" {
		t.Errorf("PutParameter calls (-want +got):\n%s", diff)
	}

	if diff := cmp.Diff(sleeps(2, 15*time.Second), h.clock.sleeps); diff != "" {
		t.Errorf("sleeps (-want +got):\n%s", diff)
	}
	// One line per change of state, not per poll.
	if got, want := strings.Count(h.log.String(), "IN_PROGRESS"), 1; got != want {
		t.Errorf("progress lines mentioning IN_PROGRESS = %d, want %d; log:\n%s", got, want, h.log.String())
	}
}

// TestDeployCopiesEveryField fails when RegisterTaskDefinitionInput gains a
// field that deploy does not carry over from the current task definition
// (the fixture sets every one of them).
func TestDeployCopiesEveryField(t *testing.T) {
	h := newHarness(t, active(before), active(completed))
	if _, err := h.d.deploy(context.Background(), baseRequest()); err != nil {
		t.Fatalf("deploy() error = %v", err)
	}
	if got, want := len(h.ecs.registered), 1; got != want {
		t.Fatalf("RegisterTaskDefinition calls = %d, want %d", got, want)
	}
	// Fields deliberately left out, and why.
	notCopied := map[string]string{
		"InferenceAccelerators": "deprecated: Elastic Inference no longer exists",
	}
	in := reflect.ValueOf(h.ecs.registered[0]).Elem()
	for i := range in.NumField() {
		f := in.Type().Field(i)
		if _, ok := notCopied[f.Name]; ok {
			continue
		}
		if f.IsExported() && in.Field(i).IsZero() {
			t.Errorf("registered task definition has no %s: not copied from the current one", f.Name)
		}
	}
	if got, want := aws.ToString(h.ecs.registered[0].ContainerDefinitions[1].Image), sidecar; got != want {
		t.Errorf("other container's image = %q, want %q (unchanged)", got, want)
	}
}

// TestDeployLaggingAnswer: a DescribeServices answer that does not list the
// new deployment yet is not a rollback.
func TestDeployLaggingAnswer(t *testing.T) {
	h := newHarness(t, active(before), active(before), active(inProgress, draining), active(completed))
	if _, err := h.d.deploy(context.Background(), baseRequest()); err != nil {
		t.Fatalf("deploy() error = %v", err)
	}
	if diff := cmp.Diff(sleeps(2, 15*time.Second), h.clock.sleeps); diff != "" {
		t.Errorf("sleeps (-want +got):\n%s", diff)
	}
}

func TestDeployNoImageParameter(t *testing.T) {
	h := newHarness(t, active(before), active(completed))
	req := baseRequest()
	req.ImageParameter = ""
	if _, err := h.d.deploy(context.Background(), req); err != nil {
		t.Fatalf("deploy() error = %v", err)
	}
	if got := len(h.ssm.put); got != 0 {
		t.Errorf("PutParameter calls = %d, want 0 without -image-parameter", got)
	}
}

func TestDeployRetriesTransientErrors(t *testing.T) {
	h := newHarness(t,
		active(before),
		apiError("ThrottlingException"),
		active(inProgress, draining),
		apiError("ThrottlingException"),
		apiError("ServerException"),
		active(completed),
	)
	res, err := h.d.deploy(context.Background(), baseRequest())
	if err != nil {
		t.Fatalf("deploy() error = %v", err)
	}
	if got, want := res.Retries, 3; got != want {
		t.Errorf("retries = %d, want %d", got, want)
	}
	if got, want := h.ecs.describes, 6; got != want {
		t.Errorf("DescribeServices calls = %d, want %d", got, want)
	}
	// Retries wait the normal poll interval, no faster.
	if diff := cmp.Diff(sleeps(4, 15*time.Second), h.clock.sleeps); diff != "" {
		t.Errorf("sleeps (-want +got):\n%s", diff)
	}
	if got, want := len(h.ssm.put), 1; got != want {
		t.Errorf("PutParameter calls = %d, want %d", got, want)
	}
}

func TestDeployFailures(t *testing.T) {
	tests := []struct {
		name       string
		services   []answer
		change     func(*request)
		setup      func(*harness)
		wantErr    error
		wantMsg    string // substring of the error
		wantUpdate bool   // UpdateService called
		wantSleeps []time.Duration
	}{
		{
			name:     "missing service",
			services: []answer{missing()},
			wantErr:  errServiceNotFound,
			wantMsg:  "service currency-api-dev in cluster currency-api-dev: MISSING: service not found",
		},
		{
			name:     "inactive service",
			services: []answer{withStatus("INACTIVE")},
			wantErr:  errServiceNotActive,
			wantMsg:  "is INACTIVE",
		},
		{
			name:     "draining service",
			services: []answer{withStatus("DRAINING")},
			wantErr:  errServiceNotActive,
			wantMsg:  "is DRAINING",
		},
		{
			name: "code deploy service",
			services: func() []answer {
				a := active(before)
				a.out.Services[0].DeploymentController.Type = ecstypes.DeploymentControllerTypeCodeDeploy
				return []answer{a}
			}(),
			wantErr: errUnsupportedService,
		},
		{
			name:     "describe service error",
			services: []answer{apiError("AccessDeniedException")},
			wantMsg:  "describe service currency-api-dev:",
		},
		{
			name:     "container not found",
			services: []answer{active(before)},
			change:   func(r *request) { r.Container = "web" },
			wantErr:  errContainerNotFound,
			wantMsg:  `"web" (have ["currency-api" "otel"])`,
		},
		{
			name:     "register fails",
			services: []answer{active(before)},
			setup: func(h *harness) {
				h.ecs.registerErr = &smithy.GenericAPIError{Code: "ClientException", Message: "bad cpu"}
			},
			wantMsg: "register task definition currency-api-dev: api error ClientException: bad cpu",
		},
		{
			name:       "update fails",
			services:   []answer{active(before)},
			setup:      func(h *harness) { h.ecs.updateErr = errors.New("boom") },
			wantMsg:    "update service currency-api-dev to currency-api-dev:43: boom",
			wantUpdate: true,
		},
		{
			name:       "circuit breaker rolled back",
			services:   []answer{active(before), active(inProgress, draining), active(rollback, abandoned)},
			wantErr:    errRolledBack,
			wantMsg:    "rolled back: " + breaker,
			wantUpdate: true,
			wantSleeps: sleeps(1, 15*time.Second),
		},
		{
			name:       "rolled back and our deployment gone",
			services:   []answer{active(before), active(inProgress, draining), active(rollback)},
			wantErr:    errRolledBack,
			wantMsg:    "rolled back: primary deployment runs " + oldARN,
			wantUpdate: true,
			wantSleeps: sleeps(1, 15*time.Second),
		},
		{
			name:       "rolled back before the first poll",
			services:   []answer{active(before), active(rollback, abandoned)},
			wantErr:    errRolledBack,
			wantMsg:    "rolled back: " + breaker,
			wantUpdate: true,
		},
		{
			name:       "deployment never appears",
			services:   []answer{active(before)},
			change:     func(r *request) { r.Timeout = 30 * time.Second },
			wantErr:    errTimedOut,
			wantMsg:    "timed out after 30s: waiting for the deployment of " + newARN + " to appear",
			wantUpdate: true,
			wantSleeps: sleeps(2, 15*time.Second),
		},
		{
			name:       "rollout failed",
			services:   []answer{active(before), active(inProgress, draining), active(failed, draining)},
			wantErr:    errRolloutFailed,
			wantMsg:    "rollout failed: " + breaker,
			wantUpdate: true,
			wantSleeps: sleeps(1, 15*time.Second),
		},
		{
			name:       "timeout",
			services:   []answer{active(before), active(inProgress, draining)},
			change:     func(r *request) { r.Timeout = time.Minute },
			wantErr:    errTimedOut,
			wantMsg:    "timed out after 1m0s: deployment ecs-svc/2 IN_PROGRESS: 1/2 running, 1 pending, 0 failed",
			wantUpdate: true,
			wantSleeps: sleeps(4, 15*time.Second),
		},
		{
			name:       "timeout not a multiple of poll",
			services:   []answer{active(before), active(inProgress, draining)},
			change:     func(r *request) { r.Timeout = 40 * time.Second },
			wantErr:    errTimedOut,
			wantMsg:    "timed out after 40s",
			wantUpdate: true,
			wantSleeps: []time.Duration{15 * time.Second, 15 * time.Second, 10 * time.Second},
		},
		{
			name:       "throttled until timeout",
			services:   []answer{active(before), active(inProgress, draining), apiError("ThrottlingException")},
			change:     func(r *request) { r.Timeout = 30 * time.Second },
			wantErr:    errTimedOut,
			wantMsg:    "IN_PROGRESS: 1/2 running, 1 pending, 0 failed (then: operation error ECS: DescribeServices",
			wantUpdate: true,
			wantSleeps: sleeps(2, 15*time.Second),
		},
		{
			name:       "non-retryable error while polling",
			services:   []answer{active(before), active(inProgress, draining), apiError("AccessDeniedException")},
			wantMsg:    "describe service currency-api-dev: operation error ECS: DescribeServices",
			wantUpdate: true,
			wantSleeps: sleeps(1, 15*time.Second),
		},
		{
			name:       "service deleted while polling",
			services:   []answer{active(before), missing()},
			wantErr:    errServiceNotFound,
			wantUpdate: true,
		},
		{
			name:       "image parameter write fails",
			services:   []answer{active(before), active(completed)},
			setup:      func(h *harness) { h.ssm.err = errors.New("denied") },
			wantMsg:    "deployed currency-api-dev:43 but write image parameter /currency-api/dev/image: denied",
			wantUpdate: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.services...)
			if tt.setup != nil {
				tt.setup(h)
			}
			req := baseRequest()
			if tt.change != nil {
				tt.change(&req)
			}
			_, err := h.d.deploy(context.Background(), req)
			if err == nil {
				t.Fatal("deploy() error = nil, want an error")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("deploy() error = %v, want errors.Is %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("deploy() error = %q, want it to contain %q", err, tt.wantMsg)
			}
			if got, want := len(h.ecs.updated) > 0, tt.wantUpdate; got != want {
				t.Errorf("UpdateService called = %v, want %v", got, want)
			}
			// Terraform must not learn an image that is not running.
			if tt.name != "image parameter write fails" && len(h.ssm.put) != 0 {
				t.Errorf("PutParameter calls = %d, want 0 after a failed deploy", len(h.ssm.put))
			}
			if diff := cmp.Diff(tt.wantSleeps, h.clock.sleeps); diff != "" {
				t.Errorf("sleeps (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDeployCancelled(t *testing.T) {
	h := newHarness(t, active(before), active(inProgress, draining))
	ctx, cancel := context.WithCancel(context.Background())
	h.d.Sleep = func(context.Context, time.Duration) error {
		cancel()
		return h.clock.Sleep(ctx, time.Second)
	}
	_, err := h.d.deploy(ctx, baseRequest())
	if !errors.Is(err, context.Canceled) {
		t.Errorf("deploy() error = %v, want context.Canceled", err)
	}
}

func TestRetryable(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{apiError("ThrottlingException").err, true},
		{apiError("ServerException").err, true},
		{apiError("ServiceUnavailableException").err, true},
		{apiError("AccessDeniedException").err, false},
		{apiError("ClusterNotFoundException").err, false},
		{errors.New("dial tcp: connection refused"), false},
	}
	for _, tt := range tests {
		if got := retryable(tt.err); got != tt.want {
			t.Errorf("retryable(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
