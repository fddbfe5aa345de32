package main

import (
	"log/slog"
	"net/url"
	"regexp"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/envconfig"
	"github.com/currency-convertor-ecs/currency-api/internal/rotation"
)

// config is everything the function reads from its environment.
type config struct {
	SecretARN string // SECRET_ARN: the only secret this function rotates
	ProbeURL  string // PROBE_URL: a URL on the ALB that testSecret probes
	LogLevel  slog.Level
	Rotation  rotation.Config
}

// maxInvocation is Lambda's longest timeout: no wait may be longer.
const maxInvocation = 15 * time.Minute

var (
	secretARN = regexp.MustCompile(`^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$`)
	ruleARN   = regexp.MustCompile(`^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:listener-rule/app/.+$`)
	// CloudFront distribution IDs are upper-case letters and digits.
	distributionID = regexp.MustCompile(`^[A-Z0-9]{1,64}$`)
	// An HTTP header name (RFC 9110 token), at most 40 characters as an
	// ALB http-header condition allows.
	headerName = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,40}$")
)

// loadConfig reads the configuration; each default sits beside its variable,
// and every problem is reported at once.
func loadConfig(getenv func(string) string) (config, error) {
	p := envParser{envconfig.New(getenv)}
	cfg := config{
		SecretARN: p.match("SECRET_ARN", "", secretARN, "a Secrets Manager secret ARN"),
		ProbeURL:  p.url("PROBE_URL"),
		LogLevel:  p.Level("LOG_LEVEL", slog.LevelInfo),
		Rotation: rotation.Config{
			RuleARN:        p.match("LISTENER_RULE_ARN", "", ruleARN, "an ALB listener rule ARN"),
			DistributionID: p.match("DISTRIBUTION_ID", "", distributionID, "a CloudFront distribution ID"),
			OriginID:       p.match("ORIGIN_ID", "alb", regexp.MustCompile(`^.{1,128}$`), "an origin ID of the distribution"),
			HeaderName:     p.match("HEADER_NAME", "X-CloudFront-Secret", headerName, "an HTTP header name of at most 40 characters"),
			CallTimeout:    p.Duration("CALL_TIMEOUT", 10*time.Second, time.Second, 5*time.Minute),
			DeployTimeout:  p.Duration("DEPLOY_TIMEOUT", 14*time.Minute, time.Second, maxInvocation),
			RuleTimeout:    p.Duration("RULE_TIMEOUT", 2*time.Minute, time.Second, maxInvocation),
			PollInterval:   p.Duration("POLL_INTERVAL", 15*time.Second, time.Millisecond, time.Minute),
		},
	}
	r := cfg.Rotation
	if r.PollInterval > min(r.DeployTimeout, r.RuleTimeout) {
		p.Fail("POLL_INTERVAL", "must not exceed DEPLOY_TIMEOUT and RULE_TIMEOUT (%s > %s)", r.PollInterval, min(r.DeployTimeout, r.RuleTimeout))
	}
	return cfg, p.Err()
}

// logAttrs describes the effective configuration for the start-up log; it
// holds no secret values.
func (c config) logAttrs() []any {
	r := c.Rotation
	return []any{
		"secret_arn", c.SecretARN, "listener_rule_arn", r.RuleARN, "distribution_id", r.DistributionID,
		"origin_id", r.OriginID, "header_name", r.HeaderName, "probe_url", envconfig.RedactURL(c.ProbeURL),
		"call_timeout", r.CallTimeout.String(), "deploy_timeout", r.DeployTimeout.String(),
		"rule_timeout", r.RuleTimeout.String(), "poll_interval", r.PollInterval.String(),
		"log_level", c.LogLevel.String(),
	}
}

// envParser is envconfig's parser with the kinds of value only the
// function has.
type envParser struct{ *envconfig.Parser }

// match is the variable, def when unset; without a default it is required.
func (p *envParser) match(name, def string, re *regexp.Regexp, what string) string {
	s := p.Get(name)
	switch {
	case s == "" && def == "":
		p.Fail(name, "is required: %s", what)
		return ""
	case s == "":
		return def
	case !re.MatchString(s):
		p.Fail(name, "must be %s, got %q", what, s)
		return ""
	}
	return s
}

func (p *envParser) url(name string) string {
	s := p.Get(name)
	if s == "" {
		p.Fail(name, "is required: the ALB URL testSecret probes, such as http://internal-name.eu-central-1.elb.amazonaws.com/health")
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		p.Fail(name, "must be an absolute http or https URL without credentials, got %q", envconfig.RedactURL(s))
		return ""
	}
	return s
}
