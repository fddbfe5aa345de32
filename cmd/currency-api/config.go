package main

import (
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/envconfig"
)

// Rate providers selectable with RATES_PROVIDER.
const (
	providerECB         = "ecb"
	providerFrankfurter = "frankfurter"
	providerOffline     = "offline"
)

// config is everything the service reads from its environment.
type config struct {
	Port             int           // PORT
	Provider         string        // RATES_PROVIDER: ecb, frankfurter or offline
	ECBURL           string        // ECB_URL
	FrankfurterURL   string        // FRANKFURTER_URL
	LogLevel         slog.Level    // LOG_LEVEL: debug, info, warn, error
	FetchTimeout     time.Duration // RATES_FETCH_TIMEOUT: bound on one upstream fetch
	RetryMin         time.Duration // RATES_RETRY_MIN: first backoff after a failure
	RetryMax         time.Duration // RATES_RETRY_MAX: backoff cap
	StaleAfter       time.Duration // RATES_STALE_AFTER: grace after 16:00 CET before rates count as stale
	CORSOrigins      []string      // CORS_ALLOWED_ORIGINS: comma-separated origins, "*" for any, "none" for no CORS
	ShutdownTimeout  time.Duration // SHUTDOWN_TIMEOUT: drain bound, below the ECS stopTimeout
	MetricsNamespace string        // METRICS_NAMESPACE: CloudWatch namespace of EMF metrics, "none" to disable
}

// maxShutdownTimeout keeps the drain bound under ECS's largest stopTimeout
// (120 s), leaving the process time to exit before SIGKILL.
const maxShutdownTimeout = 110 * time.Second

// loadConfig reads the configuration; each default sits beside its variable,
// and every problem is reported at once.
func loadConfig(getenv func(string) string) (config, error) {
	p := envParser{envconfig.New(getenv)}
	cfg := config{
		Port:             p.port("PORT", 8080),
		Provider:         p.oneOf("RATES_PROVIDER", providerECB, providerECB, providerFrankfurter, providerOffline),
		ECBURL:           p.url("ECB_URL", "https://www.ecb.europa.eu/stats/eurofxref/"),
		FrankfurterURL:   p.url("FRANKFURTER_URL", "https://api.frankfurter.dev/v1"),
		LogLevel:         p.Level("LOG_LEVEL", slog.LevelInfo),
		FetchTimeout:     p.Duration("RATES_FETCH_TIMEOUT", 30*time.Second, time.Second, 5*time.Minute),
		RetryMin:         p.Duration("RATES_RETRY_MIN", time.Minute, time.Second, time.Hour),
		RetryMax:         p.Duration("RATES_RETRY_MAX", 30*time.Minute, time.Second, 6*time.Hour),
		StaleAfter:       p.Duration("RATES_STALE_AFTER", time.Hour, 0, 24*time.Hour),
		CORSOrigins:      p.origins("CORS_ALLOWED_ORIGINS", "*"),
		ShutdownTimeout:  p.Duration("SHUTDOWN_TIMEOUT", 20*time.Second, time.Second, maxShutdownTimeout),
		MetricsNamespace: p.namespace("METRICS_NAMESPACE", "CurrencyAPI"),
	}
	if cfg.RetryMin > cfg.RetryMax {
		p.Fail("RATES_RETRY_MIN", "must not exceed RATES_RETRY_MAX (%s > %s)", cfg.RetryMin, cfg.RetryMax)
	}
	return cfg, p.Err()
}

// logAttrs describes the effective configuration for the start-up log. It
// holds no secrets; URLs are logged without credentials or query.
func (c config) logAttrs() []any {
	return []any{
		"port", c.Port, "rates_provider", c.Provider,
		"ecb_url", envconfig.RedactURL(c.ECBURL), "frankfurter_url", envconfig.RedactURL(c.FrankfurterURL),
		"log_level", c.LogLevel.String(), "fetch_timeout", c.FetchTimeout.String(),
		"retry_min", c.RetryMin.String(), "retry_max", c.RetryMax.String(),
		"stale_after", c.StaleAfter.String(), "cors_allowed_origins", c.CORSOrigins,
		"shutdown_timeout", c.ShutdownTimeout.String(), "metrics_namespace", c.MetricsNamespace,
	}
}

// envParser is envconfig's parser with the kinds of value only the service
// has.
type envParser struct{ *envconfig.Parser }

func (p *envParser) port(name string, def int) int {
	s := p.Get(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 65535 {
		p.Fail(name, "must be a port number from 0 to 65535, got %q", s)
		return def
	}
	return n
}

func (p *envParser) oneOf(name, def string, allowed ...string) string {
	s := p.Get(name)
	if s == "" {
		return def
	}
	for _, a := range allowed {
		if s == a {
			return s
		}
	}
	p.Fail(name, "must be one of %s, got %q", strings.Join(allowed, ", "), s)
	return def
}

func (p *envParser) url(name, def string) string {
	s := p.Get(name)
	if s == "" {
		return def
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		p.Fail(name, "must be an absolute http or https URL, got %q", s)
		return def
	}
	return s
}

func (p *envParser) origins(name, def string) []string {
	s := p.Get(name)
	if s == "" {
		s = def
	}
	if s == "none" {
		return nil
	}
	var out []string
	for o := range strings.SplitSeq(s, ",") {
		o = strings.TrimSpace(o)
		if o == "*" {
			out = append(out, o)
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.User != nil {
			p.Fail(name, "must be a comma-separated list of origins such as https://example.com, or * or none; bad entry %q", o)
			continue
		}
		out = append(out, o)
	}
	return out
}

func (p *envParser) namespace(name, def string) string {
	s := p.Get(name)
	switch {
	case s == "":
		return def
	case s == "none":
		return ""
	case len(s) > 255 || strings.ContainsAny(s, " \t\n:"):
		p.Fail(name, "must be a CloudWatch namespace (at most 255 characters, no spaces or colons) or none, got %q", s)
		return def
	}
	return s
}
