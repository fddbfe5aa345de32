// Package envconfig reads typed settings from environment variables and
// collects a named error for each bad one, so a program reports every
// problem of its configuration at once. The service and the rotation
// Lambda read theirs with it; each adds the kinds of value only it has.
package envconfig

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"
)

// Parser reads variables through getenv and remembers what was wrong.
type Parser struct {
	getenv func(string) string
	errs   []error
}

// New returns a parser reading through getenv.
func New(getenv func(string) string) *Parser { return &Parser{getenv: getenv} }

// Get is the variable's raw value, "" when unset.
func (p *Parser) Get(name string) string { return p.getenv(name) }

// Fail records a problem with the variable name.
func (p *Parser) Fail(name, format string, args ...any) {
	p.errs = append(p.errs, fmt.Errorf("%s: "+format, append([]any{name}, args...)...))
}

// Err is every recorded problem, joined, or nil.
func (p *Parser) Err() error { return errors.Join(p.errs...) }

// Level is a log level (debug, info, warn, error), def when unset.
func (p *Parser) Level(name string, def slog.Level) slog.Level {
	s := p.getenv(name)
	if s == "" {
		return def
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		p.Fail(name, "must be debug, info, warn or error, got %q", s)
		return def
	}
	return l
}

// Duration is a Go duration within [lo, hi], def when unset.
func (p *Parser) Duration(name string, def, lo, hi time.Duration) time.Duration {
	s := p.getenv(name)
	if s == "" {
		return def
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		p.Fail(name, "must be a duration such as 30s or 5m, got %q", s)
		return def
	}
	if d < lo || d > hi {
		p.Fail(name, "must be between %s and %s, got %s", lo, hi, d)
		return def
	}
	return d
}

// RedactURL is raw without credentials or query, for logs; "(invalid)"
// when it does not parse.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(invalid)"
	}
	u.User, u.RawQuery = nil, ""
	return u.String()
}
