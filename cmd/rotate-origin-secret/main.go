// Command rotate-origin-secret is the Secrets Manager rotation function of
// the CloudFront origin secret (infra/modules/edge): the X-CloudFront-Secret
// value CloudFront adds to every request to the internal ALB and the ALB
// listener rule requires. It runs on Lambda (provided.al2023, arm64); the
// steps and the rule's value set are documented in internal/rotation.
//
// `make lambda` (cmd/lambdazip) builds the function's deployment package,
// dist/rotate-origin-secret.zip: this command as a static linux/arm64
// binary named bootstrap, reproducibly (same source and Go, same bytes).
//
// # Environment
//
//	SECRET_ARN         required: the secret; events for another are refused
//	LISTENER_RULE_ARN  required: the rule with the http-header condition
//	DISTRIBUTION_ID    required: the CloudFront distribution
//	PROBE_URL          required: a URL on the ALB (http://<internal ALB DNS name>/health);
//	                   every address of its host (one per ALB node) is probed
//	ORIGIN_ID          the distribution's origin with the custom header (alb)
//	HEADER_NAME        the header (X-CloudFront-Secret)
//	CALL_TIMEOUT       bound on one AWS call or probe (10s)
//	DEPLOY_TIMEOUT     bound on one wait for the distribution to be Deployed (14m)
//	RULE_TIMEOUT       bound on the wait for the ALB to forward a new value (2m)
//	POLL_INTERVAL      longest pause between polls of a wait (15s)
//	LOG_LEVEL          debug, info, warn, error (info)
//
// Every wait also ends 5 s before the invocation's deadline, so set the
// function's timeout to 15 minutes: CloudFront takes minutes to deploy, and
// a setSecret cut short is retried and resumes. AWS_REGION is Lambda's.
//
// # Network
//
// testSecret and setSecret send requests to the ALB, so the function runs in
// the ALB's VPC with a security group the ALB's admits. It also calls the
// Secrets Manager, ELBv2 and CloudFront APIs: the first two through VPC
// endpoints or a NAT gateway, CloudFront's (a global API,
// cloudfront.amazonaws.com) through a NAT gateway.
//
// # IAM
//
//   - secretsmanager:DescribeSecret, GetSecretValue, PutSecretValue and
//     UpdateSecretVersionStage on SECRET_ARN; kms:Decrypt,
//     kms:GenerateDataKey and kms:DescribeKey on the secret's KMS key,
//     through Secrets Manager (infra/modules/rotation grants exactly these).
//   - elasticloadbalancing:DescribeRules (resource "*": Describe* actions
//     take no resource) and elasticloadbalancing:ModifyRule on
//     LISTENER_RULE_ARN.
//   - cloudfront:GetDistribution, GetDistributionConfig and
//     UpdateDistribution on the distribution's ARN; wafv2:GetWebACL on its
//     web ACL and s3:GetBucketAcl, s3:PutBucketAcl on its log bucket, which
//     CloudFront checks for whoever updates a distribution that has them.
//   - the VPC execution role's ENI actions (AWSLambdaVPCAccessExecutionRole).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/currency-convertor-ecs/currency-api/internal/rotation"
)

func main() {
	ctx := context.Background()
	start := func(handler any) { lambda.StartWithOptions(handler, lambda.WithContext(ctx)) }
	if err := run(ctx, os.Getenv, os.Stdout, start); err != nil {
		fmt.Fprintln(os.Stderr, "rotate-origin-secret:", err)
		os.Exit(1)
	}
}

// run is the whole program: config, logger, AWS clients, handler, then
// start, which on Lambda serves invocations until the runtime stops the
// process. Tests pass a start that keeps the handler. The AWS SDK reads its
// own environment (AWS_REGION, credentials), which getenv cannot redirect.
func run(ctx context.Context, getenv func(string) string, stdout io.Writer, start func(handler any)) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	logger := slog.New(slog.NewJSONHandler(stdout, &slog.HandlerOptions{Level: cfg.LogLevel}))
	logger.Info("config", cfg.logAttrs()...)

	awsCfg, err := awsconfig.LoadDefaultConfig(ctx,
		awsconfig.WithRetryer(func() aws.Retryer { return retry.NewStandard() }),
		awsconfig.WithAppID("currency-api-rotate-origin-secret"),
	)
	if err != nil {
		return fmt.Errorf("load AWS configuration: %w", err)
	}
	if awsCfg.Region == "" {
		return errors.New("load AWS configuration: no region: set AWS_REGION")
	}
	r := &rotation.Rotator{
		Config:       cfg.Rotation,
		Secrets:      secretsmanager.NewFromConfig(awsCfg),
		LoadBalancer: elasticloadbalancingv2.NewFromConfig(awsCfg),
		CloudFront:   cloudfront.NewFromConfig(awsCfg),
		Prober: &rotation.HTTPProber{
			URL:    cfg.ProbeURL,
			Header: cfg.Rotation.HeaderName,
		},
		Log: logger,
	}
	start(newHandler(r, cfg.SecretARN))
	return nil
}

// newHandler is the Lambda handler: it runs the event's step for the one
// secret it was configured with.
func newHandler(r *rotation.Rotator, secretARN string) func(context.Context, events.SecretsManagerSecretRotationEvent) error {
	return func(ctx context.Context, ev events.SecretsManagerSecretRotationEvent) error {
		if ev.SecretID != secretARN {
			return fmt.Errorf("%s: secret %q is not %s, the one this function rotates", ev.Step, ev.SecretID, secretARN)
		}
		return r.Rotate(ctx, rotation.Event{SecretID: ev.SecretID, ClientRequestToken: ev.ClientRequestToken, Step: ev.Step})
	}
}
