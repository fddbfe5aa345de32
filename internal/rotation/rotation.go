// Package rotation rotates the secret that keeps the internet away from the
// internal ALB: the value of the origin custom header CloudFront adds to every
// request it sends to the ALB, and that the ALB listener rule's http-header
// condition requires before it forwards (infra/modules/edge).
//
// It implements the four steps of a Secrets Manager rotation function
// (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_how.html):
//
//   - createSecret puts a new random value as the AWSPENDING version of the
//     event's ClientRequestToken, once per token.
//   - setSecret makes the listener rule accept the pending value beside the
//     current one, checks that the ALB forwards it, then points CloudFront's
//     origin header at it and waits until the distribution is Deployed.
//   - testSecret checks through the ALB that the pending and current values
//     are forwarded and a wrong one is refused.
//   - finishSecret moves AWSCURRENT to the new version, and once CloudFront is
//     Deployed with it, takes every other value out of the rule.
//
// # The rule's values
//
// The invariant is: whatever value any CloudFront edge location sends, the
// ALB accepts it; and the rule never holds more than MaxRuleValues values
// (an http-header condition takes at most 5). CloudFront's API tells which
// value it is configured with and whether every edge location serves that
// configuration (Status Deployed); while it is InProgress some edge locations
// still send an older value, and no API names it. So the rule is only ever
// narrowed while the distribution is Deployed, and then to values that
// include the one it is Deployed with:
//
//   - setSecret waits for Deployed with value X, then writes the rule as
//     {X, AWSCURRENT, AWSPENDING} (at most 3 values, the rule's order kept):
//     leftovers of abandoned rotations go, X stays even when it is neither
//     current nor pending (an abandoned rotation's value that CloudFront still
//     sends), and the rule is rewritten in one ModifyRule, so every value that
//     an edge sends is in the old set and in the new one. Only after every
//     ALB node forwards the pending value, 3 probes in a row (the rule
//     change reached them all), does CloudFront change, from X to AWSPENDING, and only from a Deployed X.
//   - finishSecret narrows the rule to {AWSCURRENT} only after checking that
//     CloudFront is Deployed with that value.
//
// Steps run one at a time (Secrets Manager invokes the function synchronously
// and retries a failed step); every step is idempotent and may be rerun after
// a failure at any point, and a step of a token that is no longer AWSPENDING
// changes nothing. The model test (model_test.go) explores every interleaving
// of steps, failures after each AWS call, retries, new rotations and
// CloudFront's and the ALB's propagation, and checks the invariant in every
// state.
//
// Every AWS call has its own timeout (Config.CallTimeout); waits poll at most
// every Config.PollInterval and end, with an error naming the step, at
// their own bound or a little before the invocation's deadline, whichever
// comes first. Secret values are never logged or put in errors.
package rotation

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// The steps of a rotation, as Secrets Manager names them in the event.
const (
	StepCreate = "createSecret"
	StepSet    = "setSecret"
	StepTest   = "testSecret"
	StepFinish = "finishSecret"
)

// Secrets Manager's staging labels.
const (
	stageCurrent = "AWSCURRENT"
	stagePending = "AWSPENDING"
)

// MaxRuleValues is how many values one http-header condition of an ALB
// listener rule may hold.
const MaxRuleValues = 5

// valueBytes is the entropy of a new value, before base64url encoding.
const valueBytes = 32

// deadlineMargin is how long before the invocation's deadline a wait gives
// up, so the step reports why instead of being killed.
const deadlineMargin = 5 * time.Second

// Errors a step returns, wrapped with the details.
var (
	ErrRotationDisabled = errors.New("rotation is not enabled for the secret")
	ErrUnknownVersion   = errors.New("the secret has no such version")
	ErrNotPending       = errors.New("the version is not staged AWSPENDING")
	ErrUnknownStep      = errors.New("unknown rotation step")
	ErrDeadline         = errors.New("deadline passed")
	ErrBadValue         = errors.New("not a valid origin secret value")
	ErrNotSet           = errors.New("CloudFront does not send the value yet")
	ErrProbe            = errors.New("the ALB did not answer as the rule requires")
	ErrConfig           = errors.New("unexpected AWS configuration")
)

// validValue is what a value may look like: long enough to be a secret, short
// enough for an ALB condition value (128), and free of the wildcards ALB
// header conditions interpret (* and ?).
var validValue = regexp.MustCompile(`^[A-Za-z0-9_-]{32,128}$`)

// Event is what Secrets Manager sends a rotation function.
type Event struct {
	SecretID           string `json:"SecretId"`
	ClientRequestToken string `json:"ClientRequestToken"`
	Step               string `json:"Step"`
}

// SecretsManager is the part of the Secrets Manager API the steps use;
// *secretsmanager.Client implements it.
type SecretsManager interface {
	DescribeSecret(context.Context, *secretsmanager.DescribeSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error)
	GetSecretValue(context.Context, *secretsmanager.GetSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
	PutSecretValue(context.Context, *secretsmanager.PutSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.PutSecretValueOutput, error)
	UpdateSecretVersionStage(context.Context, *secretsmanager.UpdateSecretVersionStageInput, ...func(*secretsmanager.Options)) (*secretsmanager.UpdateSecretVersionStageOutput, error)
}

// LoadBalancer is the part of the ELBv2 API the steps use;
// *elasticloadbalancingv2.Client implements it.
type LoadBalancer interface {
	DescribeRules(context.Context, *elasticloadbalancingv2.DescribeRulesInput, ...func(*elasticloadbalancingv2.Options)) (*elasticloadbalancingv2.DescribeRulesOutput, error)
	ModifyRule(context.Context, *elasticloadbalancingv2.ModifyRuleInput, ...func(*elasticloadbalancingv2.Options)) (*elasticloadbalancingv2.ModifyRuleOutput, error)
}

// CloudFront is the part of the CloudFront API the steps use;
// *cloudfront.Client implements it.
type CloudFront interface {
	GetDistribution(context.Context, *cloudfront.GetDistributionInput, ...func(*cloudfront.Options)) (*cloudfront.GetDistributionOutput, error)
	GetDistributionConfig(context.Context, *cloudfront.GetDistributionConfigInput, ...func(*cloudfront.Options)) (*cloudfront.GetDistributionConfigOutput, error)
	UpdateDistribution(context.Context, *cloudfront.UpdateDistributionInput, ...func(*cloudfront.Options)) (*cloudfront.UpdateDistributionOutput, error)
}

// Prober sends a request through the ALB with the origin secret header set
// to value and tells whether the ALB forwarded it (true) or refused it
// (false); an answer that is neither is an error. A prober that asks each of
// the ALB's nodes answers true or false only when they all agree, and an
// error wrapping ErrNodesDisagree otherwise: setSecret's wait then polls on,
// testSecret fails.
type Prober interface {
	Probe(ctx context.Context, value string) (bool, error)
}

// Config names what a Rotator changes and bounds how long it waits.
type Config struct {
	RuleARN        string // the listener rule whose http-header condition holds the values
	DistributionID string // the CloudFront distribution
	OriginID       string // the distribution's origin whose custom header carries the value
	HeaderName     string // the header, in the rule's condition and the origin's custom headers

	CallTimeout   time.Duration // bound on one AWS call or probe
	DeployTimeout time.Duration // bound on one wait for the distribution to be Deployed
	RuleTimeout   time.Duration // bound on the wait for the ALB to forward a value just added
	PollInterval  time.Duration // longest pause between two polls of a wait
}

// Rotator runs the rotation steps for one edge: one listener rule and one
// CloudFront origin.
type Rotator struct {
	Config
	Secrets      SecretsManager
	LoadBalancer LoadBalancer
	CloudFront   CloudFront
	Prober       Prober
	Log          *slog.Logger

	// Rand, Now and Sleep default to crypto/rand, time.Now and a timer
	// that ctx can cancel; tests replace them.
	Rand  io.Reader
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// Rotate runs the event's step. Its error starts with the step's name.
func (r *Rotator) Rotate(ctx context.Context, ev Event) error {
	log := r.logger().With("step", ev.Step, "secret_id", ev.SecretID, "version_id", ev.ClientRequestToken)
	log.Info("rotation step started")
	if err := r.rotate(ctx, ev, log); err != nil {
		log.Error("rotation step failed", "error", err.Error())
		return fmt.Errorf("%s: %w", ev.Step, err)
	}
	log.Info("rotation step done")
	return nil
}

func (r *Rotator) rotate(ctx context.Context, ev Event, log *slog.Logger) error {
	if !slices.Contains([]string{StepCreate, StepSet, StepTest, StepFinish}, ev.Step) {
		return fmt.Errorf("%w %q", ErrUnknownStep, ev.Step)
	}
	if ev.SecretID == "" || ev.ClientRequestToken == "" {
		return fmt.Errorf("%w: the event needs SecretId and ClientRequestToken", ErrConfig)
	}
	// Every step first checks that rotation is on and that the token's
	// version is AWSPENDING and not already AWSCURRENT, as AWS's rotation
	// function template does
	// (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda-functions.html,
	// SecretsManagerRotationTemplate/lambda_function.py in
	// aws-samples/aws-secrets-manager-rotation-lambdas). A step of a stale
	// token (a later rotation moved AWSPENDING away) so changes nothing.
	s, err := r.describe(ctx, ev.SecretID)
	if err != nil {
		return err
	}
	stages, ok := s.stages[ev.ClientRequestToken]
	switch {
	case !ok:
		return fmt.Errorf("%w %s", ErrUnknownVersion, ev.ClientRequestToken)
	case slices.Contains(stages, stageCurrent):
		if ev.Step == StepFinish {
			// A rerun after finishSecret moved AWSCURRENT but failed
			// before the rule was narrowed: finish that part.
			return r.finishCurrent(ctx, ev, s, log)
		}
		log.Info("version already AWSCURRENT: nothing to do")
		return nil
	case !slices.Contains(stages, stagePending):
		return fmt.Errorf("version %s: %w", ev.ClientRequestToken, ErrNotPending)
	}
	switch ev.Step {
	case StepCreate:
		return r.createSecret(ctx, ev, log)
	case StepSet:
		return r.setSecret(ctx, ev, log)
	case StepTest:
		return r.testSecret(ctx, ev, log)
	default:
		return r.finishSecret(ctx, ev, s, log)
	}
}

// newValue is a fresh random value, valueBytes of entropy, base64url.
func (r *Rotator) newValue() (string, error) {
	b := make([]byte, valueBytes)
	src := r.Rand
	if src == nil {
		src = rand.Reader
	}
	if _, err := io.ReadFull(src, b); err != nil {
		return "", fmt.Errorf("generate a value: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// checkValue refuses a value the rule and CloudFront must not carry; what it
// says never includes the value.
func checkValue(what, v string) error {
	if !validValue.MatchString(v) {
		return fmt.Errorf("%s (%d characters): %w: want 32 to 128 of A-Z a-z 0-9 _ -", what, len(v), ErrBadValue)
	}
	return nil
}

func (r *Rotator) logger() *slog.Logger {
	if r.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Log
}

func (r *Rotator) now() time.Time {
	if r.Now == nil {
		return time.Now()
	}
	return r.Now()
}

// call is the context of one AWS call or probe.
func (r *Rotator) call(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, r.CallTimeout)
}

// deadline is when a wait of budget that starts now must end: at budget, or
// deadlineMargin before ctx's deadline, whichever is sooner.
func (r *Rotator) deadline(ctx context.Context, budget time.Duration) time.Time {
	d := r.now().Add(budget)
	if dl, ok := ctx.Deadline(); ok {
		if early := dl.Add(-deadlineMargin); early.Before(d) {
			d = early
		}
	}
	return d
}

// poll is the context of one call of a wait that ends at deadline: its
// timeout is CallTimeout or the time left, whichever is shorter. It returns
// ErrDeadline when no time is left.
func (r *Rotator) poll(ctx context.Context, deadline time.Time) (context.Context, context.CancelFunc, error) {
	left := deadline.Sub(r.now())
	if left <= 0 {
		return nil, nil, ErrDeadline
	}
	cctx, cancel := context.WithTimeout(ctx, min(r.CallTimeout, left))
	return cctx, cancel, nil
}

// pause waits for the next poll of a wait that ends at deadline, or returns
// ErrDeadline when none is left.
func (r *Rotator) pause(ctx context.Context, deadline time.Time) error {
	return r.pauseFor(ctx, deadline, r.PollInterval)
}

// pauseFor is pause with interval in place of PollInterval.
func (r *Rotator) pauseFor(ctx context.Context, deadline time.Time, interval time.Duration) error {
	left := deadline.Sub(r.now())
	if left <= 0 {
		return ErrDeadline
	}
	return r.sleep(ctx, min(interval, left))
}

// sleep waits d, or until ctx is done.
func (r *Rotator) sleep(ctx context.Context, d time.Duration) error {
	if r.Sleep != nil {
		return r.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
