package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/currency-convertor-ecs/currency-api/internal/rotation"
)

// validEnv is a complete, valid environment.
func validEnv() map[string]string {
	return map[string]string{
		"SECRET_ARN":        "arn:aws:secretsmanager:eu-central-1:123456789012:secret:edge/cloudfront-origin-secret-AbCdEf",
		"LISTENER_RULE_ARN": "arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener-rule/app/edge/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee",
		"DISTRIBUTION_ID":   "E2QWRUHEXAMPLE",
		"PROBE_URL":         "http://internal-edge-123.eu-central-1.elb.amazonaws.com/health",
	}
}

func getenv(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

func TestLoadConfigDefaults(t *testing.T) {
	cfg, err := loadConfig(getenv(validEnv()))
	if err != nil {
		t.Fatal(err)
	}
	want := rotation.Config{
		RuleARN:        validEnv()["LISTENER_RULE_ARN"],
		DistributionID: "E2QWRUHEXAMPLE",
		OriginID:       "alb",
		HeaderName:     "X-CloudFront-Secret",
		CallTimeout:    10 * time.Second,
		DeployTimeout:  14 * time.Minute,
		RuleTimeout:    2 * time.Minute,
		PollInterval:   15 * time.Second,
	}
	if cfg.Rotation != want {
		t.Errorf("rotation config = %+v, want %+v", cfg.Rotation, want)
	}
	if got, want := cfg.ProbeURL, validEnv()["PROBE_URL"]; got != want {
		t.Errorf("ProbeURL = %q, want %q", got, want)
	}
}

// TestLoadConfigReportsEveryProblem: one error names every bad variable.
func TestLoadConfigReportsEveryProblem(t *testing.T) {
	env := map[string]string{
		"LISTENER_RULE_ARN": "arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener/app/edge/1/2",
		"DISTRIBUTION_ID":   "e2-lower",
		"HEADER_NAME":       "X CloudFront Secret",
		"PROBE_URL":         "internal-edge/health",
		"CALL_TIMEOUT":      "10",
		"DEPLOY_TIMEOUT":    "20m",
		"POLL_INTERVAL":     "90s",
		"LOG_LEVEL":         "loud",
	}
	_, err := loadConfig(getenv(env))
	if err == nil {
		t.Fatal("no error")
	}
	for _, name := range []string{"SECRET_ARN", "LISTENER_RULE_ARN", "DISTRIBUTION_ID", "HEADER_NAME", "PROBE_URL",
		"CALL_TIMEOUT", "DEPLOY_TIMEOUT", "POLL_INTERVAL", "LOG_LEVEL"} {
		if !strings.Contains(err.Error(), name+": ") {
			t.Errorf("error does not name %s:\n%v", name, err)
		}
	}
	if strings.Contains(err.Error(), "ORIGIN_ID") || strings.Contains(err.Error(), "RULE_TIMEOUT:") {
		t.Errorf("error names a variable that is fine:\n%v", err)
	}
}

func TestPollIntervalBoundedByTimeouts(t *testing.T) {
	env := validEnv()
	env["RULE_TIMEOUT"], env["POLL_INTERVAL"] = "5s", "10s"
	if _, err := loadConfig(getenv(env)); err == nil || !strings.Contains(err.Error(), "POLL_INTERVAL: must not exceed") {
		t.Errorf("err = %v, want POLL_INTERVAL: must not exceed ...", err)
	}
}

func TestRunReportsConfigurationBeforeStarting(t *testing.T) {
	started := false
	err := run(context.Background(), getenv(nil), new(strings.Builder), func(any) { started = true })
	if err == nil || !strings.Contains(err.Error(), "SECRET_ARN") {
		t.Errorf("err = %v, want the missing variables", err)
	}
	if started {
		t.Error("started the Lambda runtime with a bad configuration")
	}
}

func TestHandlerRefusesAnotherSecret(t *testing.T) {
	h := newHandler(&rotation.Rotator{}, validEnv()["SECRET_ARN"])
	err := h(context.Background(), events.SecretsManagerSecretRotationEvent{
		Step: rotation.StepCreate, SecretID: "arn:aws:secretsmanager:eu-central-1:123456789012:secret:other-AbCdEf", ClientRequestToken: "t",
	})
	if err == nil || !strings.HasPrefix(err.Error(), "createSecret: ") || !strings.Contains(err.Error(), "not arn:") {
		t.Errorf("err = %v, want createSecret: ... is not <the configured secret>", err)
	}
}
