package main

// These tests run the function's real handler, built by run with the real
// SDK clients, against moto_server (moto 5.2.1, an AWS emulator written by
// others; internal/motoserver starts one): Secrets Manager, ELBv2 and
// CloudFront answer on the wire as moto implements them, beside the fakes of
// internal/rotation. The ALB itself is an HTTP server that forwards a
// request iff its header value is one of the rule's values as moto holds
// them (DescribeRules), and answers 403 otherwise, as the listener's default
// action does.
//
// What moto does differently, and how the tests meet it:
//   - It does not run Lambda code. RotateSecret with a rotation function
//     (registered in moto's no-Docker Lambda backend, which only records
//     the invocations) creates the AWSPENDING version without a value and
//     turns rotation on, as AWS does; the tests then call the handler with
//     the four step events.
//   - After UpdateSecretVersionStage a read without a label still answers
//     the old version: the function, and these tests, read by label.
//   - A new distribution is InProgress until a set transition
//     (/moto-api/state-manager/set-transition) lets it be Deployed, but
//     UpdateDistribution never puts it back InProgress, and IfMatch is not
//     checked: PreconditionFailed and the wait after an update are the
//     fakes' and the model's to test.
//   - It accepts 6 http-header values where AWS allows 5; the tests check
//     the count themselves.

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/currency-convertor-ecs/currency-api/internal/motoserver"
	"github.com/currency-convertor-ecs/currency-api/internal/rotation"
)

const (
	motoHeader = "X-CloudFront-Secret"
	// motoInitial is the value Terraform writes: 64 letters and digits.
	motoInitial = "Initial0Initial1Initial2Initial3Initial4Initial5Initial6Initial7"
)

// bootstrapStage is the label infra/modules/edge keeps on the bootstrap
// version for good.
const bootstrapStage = "TERRAFORM_BOOTSTRAP"

// motoEdge is one edge as the edge module builds it, in moto.
type motoEdge struct {
	srv       *motoserver.Server
	sm        *secretsmanager.Client
	elb       *elasticloadbalancingv2.Client
	cf        *cloudfront.Client
	secretARN string
	// bootstrapVersion is the version CreateSecret made, as Terraform does.
	bootstrapVersion string
	ruleARN          string
	distributionID   string
	lambdaARN        string
	albURL           string
}

// setUpEdge creates the secret, the rule (with extra values first, then the
// initial value) and the distribution, which stays InProgress for its first
// inProgressReads reads.
func setUpEdge(t *testing.T, srv *motoserver.Server, inProgressReads int, extra ...string) *motoEdge {
	t.Helper()
	ctx := context.Background()
	cfg := srv.Config(motoserver.Region)
	e := &motoEdge{
		srv: srv,
		sm:  secretsmanager.NewFromConfig(cfg),
		elb: elasticloadbalancingv2.NewFromConfig(cfg),
		cf:  cloudfront.NewFromConfig(cfg),
	}
	motoAPI(t, srv, "/moto-api/config", `{"lambda": {"use_docker": false}}`)
	motoAPI(t, srv, "/moto-api/state-manager/set-transition",
		fmt.Sprintf(`{"model_name": "cloudfront::distribution", "transition": {"progression": "manual", "times": %d}}`, inProgressReads))

	secret, err := e.sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{
		Name: aws.String("edge/cloudfront-origin-secret"), SecretString: aws.String(motoInitial),
	})
	if err != nil {
		t.Fatalf("CreateSecret: %v", err)
	}
	e.secretARN = aws.ToString(secret.ARN)
	e.bootstrapVersion = aws.ToString(secret.VersionId)
	// The edge module gives the bootstrap version a label of its own, so
	// that rotations never leave it without labels.
	if _, err := e.sm.UpdateSecretVersionStage(ctx, &secretsmanager.UpdateSecretVersionStageInput{
		SecretId: secret.ARN, VersionStage: aws.String(bootstrapStage), MoveToVersionId: secret.VersionId,
	}); err != nil {
		t.Fatalf("UpdateSecretVersionStage %s: %v", bootstrapStage, err)
	}

	// The network and the function, through the AWS CLI: the module has
	// no EC2, IAM or Lambda SDK clients.
	vpc := awsCLI(t, srv, "ec2", "create-vpc", "--cidr-block", "10.0.0.0/16", "--query", "Vpc.VpcId")
	var subnets []string
	for i, az := range []string{"a", "b"} {
		subnets = append(subnets, awsCLI(t, srv, "ec2", "create-subnet", "--vpc-id", vpc,
			"--cidr-block", fmt.Sprintf("10.0.%d.0/24", i), "--availability-zone", motoserver.Region+az, "--query", "Subnet.SubnetId"))
	}
	role := awsCLI(t, srv, "iam", "create-role", "--role-name", "rotate-origin-secret",
		"--assume-role-policy-document", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
		"--query", "Role.Arn")
	e.lambdaARN = awsCLI(t, srv, "lambda", "create-function", "--function-name", "rotate-origin-secret",
		"--runtime", "provided.al2023", "--architectures", "arm64", "--handler", "bootstrap", "--role", role,
		"--zip-file", "fileb://"+bootstrapZip(t), "--query", "FunctionArn")

	lb, err := e.elb.CreateLoadBalancer(ctx, &elasticloadbalancingv2.CreateLoadBalancerInput{
		Name: aws.String("edge"), Subnets: subnets, Scheme: elbtypes.LoadBalancerSchemeEnumInternal, Type: elbtypes.LoadBalancerTypeEnumApplication,
	})
	if err != nil {
		t.Fatalf("CreateLoadBalancer: %v", err)
	}
	tg, err := e.elb.CreateTargetGroup(ctx, &elasticloadbalancingv2.CreateTargetGroupInput{
		Name: aws.String("service"), Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(8080), VpcId: aws.String(vpc), TargetType: elbtypes.TargetTypeEnumIp,
	})
	if err != nil {
		t.Fatalf("CreateTargetGroup: %v", err)
	}
	listener, err := e.elb.CreateListener(ctx, &elasticloadbalancingv2.CreateListenerInput{
		LoadBalancerArn: lb.LoadBalancers[0].LoadBalancerArn, Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80),
		DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumFixedResponse, FixedResponseConfig: &elbtypes.FixedResponseActionConfig{
			StatusCode: aws.String("403"), ContentType: aws.String("text/plain"), MessageBody: aws.String("Forbidden"),
		}}},
	})
	if err != nil {
		t.Fatalf("CreateListener: %v", err)
	}
	rule, err := e.elb.CreateRule(ctx, &elasticloadbalancingv2.CreateRuleInput{
		ListenerArn: listener.Listeners[0].ListenerArn, Priority: aws.Int32(1),
		Conditions: []elbtypes.RuleCondition{{Field: aws.String("http-header"), HttpHeaderConfig: &elbtypes.HttpHeaderConditionConfig{
			HttpHeaderName: aws.String(motoHeader), Values: append(slices.Clone(extra), motoInitial),
		}}},
		Actions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: tg.TargetGroups[0].TargetGroupArn}},
	})
	if err != nil {
		t.Fatalf("CreateRule: %v", err)
	}
	e.ruleARN = aws.ToString(rule.Rules[0].RuleArn)

	dist, err := e.cf.CreateDistribution(ctx, &cloudfront.CreateDistributionInput{DistributionConfig: &cftypes.DistributionConfig{
		CallerReference: aws.String("edge"), Comment: aws.String("edge"), Enabled: aws.Bool(true),
		Origins: &cftypes.Origins{Quantity: aws.Int32(1), Items: []cftypes.Origin{{
			Id: aws.String("alb"), DomainName: aws.String(aws.ToString(lb.LoadBalancers[0].DNSName)),
			CustomOriginConfig: &cftypes.CustomOriginConfig{HTTPPort: aws.Int32(80), HTTPSPort: aws.Int32(443), OriginProtocolPolicy: cftypes.OriginProtocolPolicyHttpOnly},
			CustomHeaders: &cftypes.CustomHeaders{Quantity: aws.Int32(1), Items: []cftypes.OriginCustomHeader{
				{HeaderName: aws.String(motoHeader), HeaderValue: aws.String(motoInitial)},
			}},
		}}},
		DefaultCacheBehavior: &cftypes.DefaultCacheBehavior{
			TargetOriginId: aws.String("alb"), ViewerProtocolPolicy: cftypes.ViewerProtocolPolicyRedirectToHttps,
			CachePolicyId: aws.String("4135ea2d-6df8-44a3-9df3-4b5a84be39ad"),
		},
	}})
	if err != nil {
		t.Fatalf("CreateDistribution: %v", err)
	}
	e.distributionID = aws.ToString(dist.Distribution.Id)

	alb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if slices.Contains(e.ruleValues(t), r.Header.Get(motoHeader)) {
			w.WriteHeader(http.StatusOK)
			return
		}
		http.Error(w, "Forbidden", http.StatusForbidden)
	}))
	t.Cleanup(alb.Close)
	e.albURL = alb.URL + "/health"
	return e
}

// handler is the function's handler as run builds it on Lambda.
func (e *motoEdge) handler(t *testing.T) func(context.Context, events.SecretsManagerSecretRotationEvent) error {
	t.Helper()
	e.srv.Setenv(t)
	env := map[string]string{
		"SECRET_ARN":        e.secretARN,
		"LISTENER_RULE_ARN": e.ruleARN,
		"DISTRIBUTION_ID":   e.distributionID,
		"PROBE_URL":         e.albURL,
		"POLL_INTERVAL":     "50ms",
		"DEPLOY_TIMEOUT":    "30s",
		"RULE_TIMEOUT":      "10s",
	}
	var h func(context.Context, events.SecretsManagerSecretRotationEvent) error
	var logs strings.Builder
	if err := run(context.Background(), getenv(env), &logs, func(handler any) {
		h = handler.(func(context.Context, events.SecretsManagerSecretRotationEvent) error)
	}); err != nil {
		t.Fatalf("run: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("function log:\n%s", logs.String())
		}
		if strings.Contains(logs.String(), motoInitial) {
			t.Errorf("the function logged the secret value")
		}
	})
	return h
}

// rotate starts a rotation as Secrets Manager does and returns its token.
func (e *motoEdge) rotate(t *testing.T, token string) {
	t.Helper()
	if _, err := e.sm.RotateSecret(context.Background(), &secretsmanager.RotateSecretInput{
		SecretId: aws.String(e.secretARN), ClientRequestToken: aws.String(token),
		RotationLambdaARN: aws.String(e.lambdaARN), RotationRules: &smtypes.RotationRulesType{AutomaticallyAfterDays: aws.Int64(30)},
	}); err != nil {
		t.Fatalf("RotateSecret: %v", err)
	}
}

// step invokes the handler as Lambda would, with a deadline.
func step(h func(context.Context, events.SecretsManagerSecretRotationEvent) error, secretARN, token, name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return h(ctx, events.SecretsManagerSecretRotationEvent{Step: name, SecretID: secretARN, ClientRequestToken: token})
}

func (e *motoEdge) ruleValues(t *testing.T) []string {
	t.Helper()
	out, err := e.elb.DescribeRules(context.Background(), &elasticloadbalancingv2.DescribeRulesInput{RuleArns: []string{e.ruleARN}})
	if err != nil {
		t.Errorf("DescribeRules: %v", err)
		return nil
	}
	return out.Rules[0].Conditions[0].HttpHeaderConfig.Values
}

func (e *motoEdge) originHeader(t *testing.T) (status, value string) {
	t.Helper()
	out, err := e.cf.GetDistribution(context.Background(), &cloudfront.GetDistributionInput{Id: aws.String(e.distributionID)})
	if err != nil {
		t.Fatalf("GetDistribution: %v", err)
	}
	d := out.Distribution
	return aws.ToString(d.Status), aws.ToString(d.DistributionConfig.Origins.Items[0].CustomHeaders.Items[0].HeaderValue)
}

func (e *motoEdge) current(t *testing.T) (id, value string) {
	t.Helper()
	out, err := e.sm.GetSecretValue(context.Background(), &secretsmanager.GetSecretValueInput{
		SecretId: aws.String(e.secretARN), VersionStage: aws.String("AWSCURRENT"),
	})
	if err != nil {
		t.Fatalf("GetSecretValue: %v", err)
	}
	return aws.ToString(out.VersionId), aws.ToString(out.SecretString)
}

func (e *motoEdge) stages(t *testing.T) map[string][]string {
	t.Helper()
	out, err := e.sm.DescribeSecret(context.Background(), &secretsmanager.DescribeSecretInput{SecretId: aws.String(e.secretARN)})
	if err != nil {
		t.Fatalf("DescribeSecret: %v", err)
	}
	return out.VersionIdsToStages
}

// checkRotated checks the end of token's rotation: its value current and
// alone in the rule and CloudFront's origin header.
func (e *motoEdge) checkRotated(t *testing.T, token, old string) string {
	t.Helper()
	id, value := e.current(t)
	if id != token || value == old || len(value) != 43 {
		t.Fatalf("AWSCURRENT = version %s with a %d-character value (old one: %v), want %s with a new 43-character value",
			id, len(value), value == old, token)
	}
	if got := e.stages(t)[token]; !slices.Equal(got, []string{"AWSCURRENT"}) {
		t.Errorf("%s stages = %v, want [AWSCURRENT]", token, got)
	}
	if got := e.ruleValues(t); !slices.Equal(got, []string{value}) {
		t.Errorf("rule holds %d values, the new one: %v; want the new one alone", len(got), slices.Contains(got, value))
	}
	if status, header := e.originHeader(t); status != "Deployed" || header != value {
		t.Errorf("distribution %s, origin header new: %v; want Deployed with the new value", status, header == value)
	}
	return value
}

func TestMotoRotation(t *testing.T) {
	srv := motoserver.Start(t)

	t.Run("full rotation, rerun, second rotation", func(t *testing.T) {
		srv.Reset(t)
		e := setUpEdge(t, srv, 3)
		// setSecret must wait for it before it touches the rule.
		if status, _ := e.originHeader(t); status != "InProgress" {
			t.Fatalf("new distribution is %s, want InProgress", status)
		}
		h := e.handler(t)
		const token = "11111111-1111-4111-8111-111111111111"
		e.rotate(t, token)
		for _, name := range []string{rotation.StepCreate, rotation.StepSet, rotation.StepTest} {
			if err := step(h, e.secretARN, token, name); err != nil {
				t.Fatal(err)
			}
		}
		_, pending := e.current(t)
		if pending != motoInitial {
			t.Fatal("AWSCURRENT changed before finishSecret")
		}
		if got := e.ruleValues(t); len(got) != 2 || got[0] != motoInitial {
			t.Errorf("rule during the rotation holds %d values, first the initial one: %v; want the initial and the pending one", len(got), got[0] == motoInitial)
		}
		if err := step(h, e.secretARN, token, rotation.StepFinish); err != nil {
			t.Fatal(err)
		}
		first := e.checkRotated(t, token, motoInitial)

		// Every step again: no-ops.
		for _, name := range []string{rotation.StepCreate, rotation.StepSet, rotation.StepTest, rotation.StepFinish} {
			if err := step(h, e.secretARN, token, name); err != nil {
				t.Errorf("rerun: %v", err)
			}
		}
		e.checkRotated(t, token, motoInitial)

		const next = "22222222-2222-4222-8222-222222222222"
		e.rotate(t, next)
		for _, name := range []string{rotation.StepCreate, rotation.StepSet, rotation.StepTest, rotation.StepFinish} {
			if err := step(h, e.secretARN, next, name); err != nil {
				t.Fatal(err)
			}
		}
		e.checkRotated(t, next, first)
		if got := e.stages(t)[token]; !slices.Equal(got, []string{"AWSPREVIOUS"}) {
			t.Errorf("%s stages = %v, want [AWSPREVIOUS]", token, got)
		}
		// Two rotations on, the bootstrap version still has a label, so
		// Secrets Manager never deletes it under Terraform.
		if got := e.stages(t)[e.bootstrapVersion]; !slices.Equal(got, []string{bootstrapStage}) {
			t.Errorf("bootstrap version stages = %v, want [%s]", got, bootstrapStage)
		}
	})

	t.Run("leftover values pruned, steps refused out of order", func(t *testing.T) {
		srv.Reset(t)
		// Four values of failed rotations: with the initial one, the
		// rule is full.
		extra := []string{"Leftover0Leftover0Leftover0Leftover0", "Leftover1Leftover1Leftover1Leftover1",
			"Leftover2Leftover2Leftover2Leftover2", "Leftover3Leftover3Leftover3Leftover3"}
		e := setUpEdge(t, srv, 0, extra...)
		h := e.handler(t)
		const token = "33333333-3333-4333-8333-333333333333"
		e.rotate(t, token)
		if err := step(h, e.secretARN, token, rotation.StepSet); err == nil || !strings.HasPrefix(err.Error(), "setSecret: ") {
			t.Errorf("setSecret before createSecret: err = %v, want a setSecret error", err)
		}
		if err := step(h, e.secretARN, token, rotation.StepCreate); err != nil {
			t.Fatal(err)
		}
		if err := step(h, e.secretARN, token, rotation.StepTest); err == nil || !strings.Contains(err.Error(), "refused the pending value") {
			t.Errorf("testSecret before setSecret: err = %v, want the ALB to refuse the pending value", err)
		}
		if err := step(h, e.secretARN, token, rotation.StepFinish); err == nil || !strings.HasPrefix(err.Error(), "finishSecret: ") {
			t.Errorf("finishSecret before setSecret: err = %v, want a finishSecret error", err)
		}
		if id, _ := e.current(t); id == token {
			t.Fatal("AWSCURRENT moved before setSecret")
		}
		if err := step(h, e.secretARN, token, rotation.StepSet); err != nil {
			t.Fatal(err)
		}
		if got := e.ruleValues(t); len(got) != 2 || slices.ContainsFunc(got, func(v string) bool { return strings.HasPrefix(v, "Leftover") }) {
			t.Errorf("rule after setSecret holds %d values (leftovers kept: %v), want the initial and the pending one",
				len(got), slices.ContainsFunc(got, func(v string) bool { return strings.HasPrefix(v, "Leftover") }))
		}
		for _, name := range []string{rotation.StepTest, rotation.StepFinish} {
			if err := step(h, e.secretARN, token, name); err != nil {
				t.Fatal(err)
			}
		}
		e.checkRotated(t, token, motoInitial)
	})
}

// motoAPI posts body to one of moto's own endpoints.
func motoAPI(t *testing.T, srv *motoserver.Server, path, body string) {
	t.Helper()
	resp, err := http.Post(srv.URL+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("POST %s: %s", path, resp.Status)
	}
}

// awsCLI runs the AWS CLI against srv and returns its text output.
func awsCLI(t *testing.T, srv *motoserver.Server, args ...string) string {
	t.Helper()
	cli := motoserver.RequireTool(t, "aws")
	cmd := exec.Command(cli, append(args, "--output", "text")...)
	cmd.Env = srv.Env()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("aws %s: %v\n%s", strings.Join(args[:2], " "), err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

// bootstrapZip is a function package moto accepts; moto never runs it.
func bootstrapZip(t *testing.T) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	f, err := zw.Create("bootstrap")
	if err == nil {
		_, err = f.Write([]byte("#!/bin/sh\nexit 1\n"))
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "function.zip")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
