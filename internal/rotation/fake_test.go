package rotation_test

// In-memory fakes of the three AWS APIs and the ALB probe, all over one
// world: plain data, so the model test can copy, compare and hash it. Every
// call first lets its env act (CloudFront edges and the ALB may catch up,
// someone else may change the distribution), then takes effect, then asks
// env whether to fail anyway: a failure after the effect, as a lost answer
// or a timeout would be.

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/currency-convertor-ecs/currency-api/internal/rotation"
)

const (
	fakeSecretID = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:edge/origin-AbCdEf"
	fakeRuleARN  = "arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener-rule/app/edge/1/2/3"
	fakeDistID   = "E2EXAMPLE"
	fakeOriginID = "alb"
	fakeHeader   = "X-CloudFront-Secret"
)

// errInjected is a failure the test's env asked for.
var errInjected = errors.New("injected failure")

// version is one version of the secret; Value "" is a version without a
// value (Secrets Manager creates the AWSPENDING one so when a rotation
// starts).
type version struct {
	ID     string
	Value  string
	Stages []string
}

// world is the state of Secrets Manager, the listener rule, the ALB and
// CloudFront.
type world struct {
	Versions  []version
	Rule      []string // the rule's values, as the ELBv2 API answers
	Paths     []string // the values of the rule's other condition, a path-pattern one
	Served    []string // the values the ALB applies; it catches up with Rule
	Config    string   // the origin header value the distribution is configured with
	Edges     []string // the value each edge location sends
	ETag      int
	Rotations int // rotations started
}

// newWorld is a secret with one version, T0, current, and the rule and
// CloudFront settled on its value.
func newWorld(edges int) *world {
	v0 := valueOf("T0")
	w := &world{
		Versions: []version{{ID: "T0", Value: v0, Stages: []string{"AWSCURRENT"}}},
		Rule:     []string{v0},
		Paths:    []string{"/v1/*", "/health"},
		Served:   []string{v0},
		Config:   v0,
		ETag:     1,
	}
	for range edges {
		w.Edges = append(w.Edges, v0)
	}
	return w
}

// valueOf is a valid value named after s, for worlds set up by hand.
func valueOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return fmt.Sprintf("%x", sum[:])[:43]
}

func (w *world) clone() *world {
	c := *w
	c.Versions = make([]version, len(w.Versions))
	for i, v := range w.Versions {
		v.Stages = slices.Clone(v.Stages)
		c.Versions[i] = v
	}
	c.Rule = slices.Clone(w.Rule)
	c.Paths = slices.Clone(w.Paths)
	c.Served = slices.Clone(w.Served)
	c.Edges = slices.Clone(w.Edges)
	return &c
}

// key identifies the state, less the ETag, whose value no step keeps
// between invocations.
func (w *world) key() string {
	var b strings.Builder
	for _, v := range w.Versions {
		fmt.Fprintf(&b, "%s=%s%v;", v.ID, short(v.Value), v.Stages)
	}
	fmt.Fprintf(&b, "|rule=%s|paths=%v|served=%s|cfg=%s|edges=%s|rot=%d",
		shorts(w.Rule), w.Paths, shorts(w.Served), short(w.Config), shorts(w.Edges), w.Rotations)
	return b.String()
}

// short names a value in keys and messages by its first characters.
func short(v string) string {
	if len(v) > 6 {
		return v[:6]
	}
	return v
}

func shorts(vs []string) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = short(v)
	}
	return "[" + strings.Join(out, " ") + "]"
}

// violation is what breaks the invariant in w, or "".
func (w *world) violation() string {
	if len(w.Rule) > rotation.MaxRuleValues {
		return fmt.Sprintf("the rule holds %d values", len(w.Rule))
	}
	for i, e := range w.Edges {
		if !slices.Contains(w.Served, e) {
			return fmt.Sprintf("edge %d sends %s, which the ALB refuses (it applies %s)", i, short(e), shorts(w.Served))
		}
	}
	return ""
}

func (w *world) deployed() bool {
	for _, e := range w.Edges {
		if e != w.Config {
			return false
		}
	}
	return true
}

func (w *world) version(id string) *version {
	for i := range w.Versions {
		if w.Versions[i].ID == id {
			return &w.Versions[i]
		}
	}
	return nil
}

// staged is the version with label, or nil.
func (w *world) staged(label string) *version {
	for i := range w.Versions {
		if slices.Contains(w.Versions[i].Stages, label) {
			return &w.Versions[i]
		}
	}
	return nil
}

// unstage takes label off every version.
func (w *world) unstage(label string) {
	for i := range w.Versions {
		w.Versions[i].Stages = slices.DeleteFunc(w.Versions[i].Stages, func(s string) bool { return s == label })
	}
}

// startRotation is what RotateSecret does: a new version without a value,
// staged AWSPENDING.
func (w *world) startRotation() string {
	w.Rotations++
	id := "T" + strconv.Itoa(w.Rotations)
	w.unstage("AWSPENDING")
	w.Versions = append(w.Versions, version{ID: id, Stages: []string{"AWSPENDING"}})
	return id
}

// An event is something the environment does between two calls.
type event struct {
	name  string
	apply func(*world)
}

// events are the environment's pending events in w: an edge location
// catching up with the configuration, the ALB applying the rule.
func (w *world) events() []event {
	var out []event
	for i, e := range w.Edges {
		if e != w.Config {
			out = append(out, event{"edge" + strconv.Itoa(i), func(w *world) { w.Edges[i] = w.Config }})
		}
	}
	if !slices.Equal(w.Served, w.Rule) {
		out = append(out, event{"alb", func(w *world) { w.Served = slices.Clone(w.Rule) }})
	}
	return out
}

// settle applies every pending event.
func (w *world) settle() {
	for evs := w.events(); len(evs) > 0; evs = w.events() {
		evs[0].apply(w)
	}
}

// env decides what happens around each call.
type env interface {
	// before runs ahead of the call's effect.
	before(call string)
	// after runs once the call took effect and result describes what the
	// caller sees; an error fails the call anyway.
	after(call, result string) error
}

// fakes are the three APIs and the probe over one world.
type fakes struct {
	w   *world
	env env
}

func (f *fakes) rotator(clock *fakeClock, rand func() []byte) *rotation.Rotator {
	return &rotation.Rotator{
		Config: rotation.Config{
			RuleARN:        fakeRuleARN,
			DistributionID: fakeDistID,
			OriginID:       fakeOriginID,
			HeaderName:     fakeHeader,
			CallTimeout:    time.Minute,
			// Room for three polls a minute apart, the last with
			// time left for its call.
			DeployTimeout: 150 * time.Second,
			RuleTimeout:   150 * time.Second,
			PollInterval:  time.Minute,
		},
		Secrets:      f,
		LoadBalancer: (*fakeELB)(f),
		CloudFront:   (*fakeCloudFront)(f),
		Prober:       (*fakeProber)(f),
		Rand:         &fakeRand{next: rand},
		Now:          clock.now,
		Sleep:        clock.sleep,
	}
}

// do runs one call: env before, the effect, env after.
func (f *fakes) do(call string, effect func() (string, error)) error {
	f.env.before(call)
	result, err := effect()
	if err != nil {
		result = "error " + err.Error()
	}
	if ferr := f.env.after(call, result); ferr != nil {
		err = ferr
	}
	return err
}

// Secrets Manager

func notFound(msg string) error {
	return &smtypes.ResourceNotFoundException{Message: aws.String(msg)}
}

func invalid(msg string) error {
	return &smtypes.InvalidRequestException{Message: aws.String(msg)}
}

func (f *fakes) checkSecret(id *string) error {
	if aws.ToString(id) != fakeSecretID {
		return notFound("no such secret")
	}
	return nil
}

func (f *fakes) DescribeSecret(_ context.Context, in *secretsmanager.DescribeSecretInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error) {
	var out *secretsmanager.DescribeSecretOutput
	err := f.do("DescribeSecret", func() (string, error) {
		if err := f.checkSecret(in.SecretId); err != nil {
			return "", err
		}
		stages := map[string][]string{}
		for _, v := range f.w.Versions {
			if len(v.Stages) > 0 {
				stages[v.ID] = slices.Clone(v.Stages)
			}
		}
		out = &secretsmanager.DescribeSecretOutput{RotationEnabled: aws.Bool(true), VersionIdsToStages: stages}
		var b strings.Builder
		for _, v := range f.w.Versions {
			fmt.Fprintf(&b, "%s%v", v.ID, v.Stages)
		}
		return b.String(), nil
	})
	return out, err
}

func (f *fakes) GetSecretValue(_ context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	var out *secretsmanager.GetSecretValueOutput
	err := f.do("GetSecretValue", func() (string, error) {
		if err := f.checkSecret(in.SecretId); err != nil {
			return "", err
		}
		var v *version
		switch {
		case in.VersionId != nil:
			if v = f.w.version(*in.VersionId); v == nil {
				return "", notFound("no such version")
			}
			if in.VersionStage != nil && !slices.Contains(v.Stages, *in.VersionStage) {
				return "", invalid("the version is not staged " + *in.VersionStage)
			}
		default:
			if v = f.w.staged(aws.ToString(in.VersionStage)); v == nil {
				return "", notFound("no version staged " + aws.ToString(in.VersionStage))
			}
		}
		if v.Value == "" {
			return "", notFound("the version has no value")
		}
		out = &secretsmanager.GetSecretValueOutput{VersionId: aws.String(v.ID), SecretString: aws.String(v.Value), VersionStages: slices.Clone(v.Stages)}
		return v.ID + "=" + v.Value, nil
	})
	return out, err
}

func (f *fakes) PutSecretValue(_ context.Context, in *secretsmanager.PutSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.PutSecretValueOutput, error) {
	err := f.do("PutSecretValue", func() (string, error) {
		if err := f.checkSecret(in.SecretId); err != nil {
			return "", err
		}
		id, value := aws.ToString(in.ClientRequestToken), aws.ToString(in.SecretString)
		v := f.w.version(id)
		switch {
		case v != nil && v.Value == value:
			return "same", nil
		case v != nil && v.Value != "":
			return "", &smtypes.ResourceExistsException{Message: aws.String("the version has another value")}
		case v == nil:
			f.w.Versions = append(f.w.Versions, version{ID: id})
		}
		for _, s := range in.VersionStages {
			f.w.unstage(s)
		}
		v = f.w.version(id) // the append may have moved the versions
		v.Value = value
		v.Stages = slices.Clone(in.VersionStages)
		return "put", nil
	})
	if err != nil {
		return nil, err
	}
	return &secretsmanager.PutSecretValueOutput{}, nil
}

func (f *fakes) UpdateSecretVersionStage(_ context.Context, in *secretsmanager.UpdateSecretVersionStageInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.UpdateSecretVersionStageOutput, error) {
	err := f.do("UpdateSecretVersionStage", func() (string, error) {
		if err := f.checkSecret(in.SecretId); err != nil {
			return "", err
		}
		label := aws.ToString(in.VersionStage)
		holder := f.w.staged(label)
		if from := aws.ToString(in.RemoveFromVersionId); from != "" && (holder == nil || holder.ID != from) {
			return "", &smtypes.InvalidParameterException{Message: aws.String("the version is not staged " + label)}
		}
		to := aws.ToString(in.MoveToVersionId)
		if to != "" && f.w.version(to) == nil {
			return "", notFound("no such version")
		}
		if holder != nil && to != "" && holder.ID != to && aws.ToString(in.RemoveFromVersionId) != holder.ID {
			return "", &smtypes.InvalidParameterException{Message: aws.String(label + " is on another version: name it in RemoveFromVersionId")}
		}
		previous := ""
		if holder != nil {
			previous = holder.ID
		}
		f.w.unstage(label)
		if to != "" {
			v := f.w.version(to)
			v.Stages = append(v.Stages, label)
			if label == "AWSCURRENT" && previous != "" && previous != to {
				f.w.unstage("AWSPREVIOUS")
				p := f.w.version(previous)
				p.Stages = append(p.Stages, "AWSPREVIOUS")
			}
		}
		return "moved", nil
	})
	if err != nil {
		return nil, err
	}
	return &secretsmanager.UpdateSecretVersionStageOutput{}, nil
}

// ELBv2

type fakeELB fakes

func (f *fakeELB) DescribeRules(_ context.Context, in *elasticloadbalancingv2.DescribeRulesInput, _ ...func(*elasticloadbalancingv2.Options)) (*elasticloadbalancingv2.DescribeRulesOutput, error) {
	var out *elasticloadbalancingv2.DescribeRulesOutput
	err := (*fakes)(f).do("DescribeRules", func() (string, error) {
		if !slices.Equal(in.RuleArns, []string{fakeRuleARN}) {
			return "", &elbtypes.RuleNotFoundException{Message: aws.String("no such rule")}
		}
		out = &elasticloadbalancingv2.DescribeRulesOutput{Rules: []elbtypes.Rule{{
			RuleArn: aws.String(fakeRuleARN),
			// As DescribeRules answers, a path-pattern condition
			// carries its values twice: legacy and typed.
			Conditions: []elbtypes.RuleCondition{{
				Field:             aws.String("path-pattern"),
				Values:            slices.Clone(f.w.Paths),
				PathPatternConfig: &elbtypes.PathPatternConditionConfig{Values: slices.Clone(f.w.Paths)},
			}, {
				Field:            aws.String("http-header"),
				HttpHeaderConfig: &elbtypes.HttpHeaderConditionConfig{HttpHeaderName: aws.String(fakeHeader), Values: slices.Clone(f.w.Rule)},
			}},
		}}}
		return strings.Join(f.w.Rule, ","), nil
	})
	return out, err
}

func (f *fakeELB) ModifyRule(_ context.Context, in *elasticloadbalancingv2.ModifyRuleInput, _ ...func(*elasticloadbalancingv2.Options)) (*elasticloadbalancingv2.ModifyRuleOutput, error) {
	err := (*fakes)(f).do("ModifyRule", func() (string, error) {
		if aws.ToString(in.RuleArn) != fakeRuleARN {
			return "", &elbtypes.RuleNotFoundException{Message: aws.String("no such rule")}
		}
		// Conditions replaces the rule's whole list.
		var values, paths []string
		headers := 0
		for _, c := range in.Conditions {
			switch {
			case len(c.Values) > 0:
				return "", &elbtypes.InvalidConfigurationRequestException{Message: aws.String("legacy Values beside a condition configuration")}
			case aws.ToString(c.Field) == "http-header" && c.HttpHeaderConfig != nil &&
				aws.ToString(c.HttpHeaderConfig.HttpHeaderName) == fakeHeader:
				headers++
				values = c.HttpHeaderConfig.Values
			case aws.ToString(c.Field) == "path-pattern" && c.PathPatternConfig != nil:
				paths = c.PathPatternConfig.Values
			default:
				return "", &elbtypes.InvalidConfigurationRequestException{Message: aws.String("unexpected condition")}
			}
		}
		if headers != 1 {
			return "", &elbtypes.InvalidConfigurationRequestException{Message: aws.String("unexpected conditions")}
		}
		if len(values) == 0 || len(values) > rotation.MaxRuleValues {
			return "", &elbtypes.InvalidConfigurationRequestException{Message: aws.String(fmt.Sprintf("%d condition values", len(values)))}
		}
		f.w.Rule = slices.Clone(values)
		f.w.Paths = slices.Clone(paths)
		return "modified", nil
	})
	if err != nil {
		return nil, err
	}
	return &elasticloadbalancingv2.ModifyRuleOutput{}, nil
}

// CloudFront

type fakeCloudFront fakes

func (f *fakeCloudFront) config() *cftypes.DistributionConfig {
	return &cftypes.DistributionConfig{
		Comment: aws.String("edge"),
		Origins: &cftypes.Origins{Quantity: aws.Int32(1), Items: []cftypes.Origin{{
			Id:         aws.String(fakeOriginID),
			DomainName: aws.String("internal-alb.eu-central-1.elb.amazonaws.com"),
			CustomHeaders: &cftypes.CustomHeaders{Quantity: aws.Int32(1), Items: []cftypes.OriginCustomHeader{
				{HeaderName: aws.String(fakeHeader), HeaderValue: aws.String(f.w.Config)},
			}},
		}}},
	}
}

func (f *fakeCloudFront) etag() *string { return aws.String("E" + strconv.Itoa(f.w.ETag)) }

func (f *fakeCloudFront) status() string {
	if f.w.deployed() {
		return "Deployed"
	}
	return "InProgress"
}

func (f *fakeCloudFront) GetDistribution(_ context.Context, in *cloudfront.GetDistributionInput, _ ...func(*cloudfront.Options)) (*cloudfront.GetDistributionOutput, error) {
	var out *cloudfront.GetDistributionOutput
	err := (*fakes)(f).do("GetDistribution", func() (string, error) {
		if aws.ToString(in.Id) != fakeDistID {
			return "", &cftypes.NoSuchDistribution{}
		}
		out = &cloudfront.GetDistributionOutput{ETag: f.etag(), Distribution: &cftypes.Distribution{
			Id: aws.String(fakeDistID), Status: aws.String(f.status()), DistributionConfig: f.config(),
		}}
		return f.status() + " " + f.w.Config + " " + *f.etag(), nil
	})
	return out, err
}

func (f *fakeCloudFront) GetDistributionConfig(_ context.Context, in *cloudfront.GetDistributionConfigInput, _ ...func(*cloudfront.Options)) (*cloudfront.GetDistributionConfigOutput, error) {
	var out *cloudfront.GetDistributionConfigOutput
	err := (*fakes)(f).do("GetDistributionConfig", func() (string, error) {
		if aws.ToString(in.Id) != fakeDistID {
			return "", &cftypes.NoSuchDistribution{}
		}
		out = &cloudfront.GetDistributionConfigOutput{ETag: f.etag(), DistributionConfig: f.config()}
		return f.w.Config + " " + *f.etag(), nil
	})
	return out, err
}

func (f *fakeCloudFront) UpdateDistribution(_ context.Context, in *cloudfront.UpdateDistributionInput, _ ...func(*cloudfront.Options)) (*cloudfront.UpdateDistributionOutput, error) {
	err := (*fakes)(f).do("UpdateDistribution", func() (string, error) {
		if aws.ToString(in.Id) != fakeDistID {
			return "", &cftypes.NoSuchDistribution{}
		}
		if aws.ToString(in.IfMatch) != *f.etag() {
			return "", &cftypes.PreconditionFailed{Message: aws.String("stale ETag")}
		}
		cfg := in.DistributionConfig
		if cfg == nil || cfg.Origins == nil || len(cfg.Origins.Items) != 1 || cfg.Origins.Items[0].CustomHeaders == nil ||
			len(cfg.Origins.Items[0].CustomHeaders.Items) != 1 || aws.ToString(cfg.Origins.Items[0].CustomHeaders.Items[0].HeaderName) != fakeHeader {
			return "", &cftypes.InvalidArgument{Message: aws.String("unexpected configuration")}
		}
		f.w.Config = aws.ToString(cfg.Origins.Items[0].CustomHeaders.Items[0].HeaderValue)
		f.w.ETag++
		return "updated", nil
	})
	if err != nil {
		return nil, err
	}
	return &cloudfront.UpdateDistributionOutput{ETag: (*fakeCloudFront)(f).etag()}, nil
}

// The ALB, through the probe

type fakeProber fakes

func (f *fakeProber) Probe(_ context.Context, value string) (bool, error) {
	var ok bool
	err := (*fakes)(f).do("Probe", func() (string, error) {
		ok = slices.Contains(f.w.Served, value)
		return strconv.FormatBool(ok), nil
	})
	return ok, err
}

// fakeClock is a clock that moves only when slept on.
type fakeClock struct{ t time.Time }

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) now() time.Time { return c.t }

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	c.t = c.t.Add(d)
	return ctx.Err()
}

// fakeRand hands out the byte strings next returns.
type fakeRand struct {
	next func() []byte
	buf  []byte
}

func (r *fakeRand) Read(p []byte) (int, error) {
	for len(r.buf) < len(p) {
		r.buf = append(r.buf, r.next()...)
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// seededBytes is a deterministic stream of random-looking bytes named
// after seed.
func seededBytes(seed string) func() []byte {
	n := 0
	return func() []byte {
		n++
		sum := sha256.Sum256([]byte(seed + "/" + strconv.Itoa(n)))
		return sum[:]
	}
}
