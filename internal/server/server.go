// Package server is the HTTP face of the service: the routes, their
// handlers, and the middleware every response goes through.
package server

import (
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
	"github.com/currency-convertor-ecs/currency-api/internal/rates"
)

// Rates is what the handlers need of the rate store: an answer for a date,
// with its freshness and cache lifetime, and the store's status. The policy
// behind both is the store's; handlers only format it.
type Rates interface {
	Lookup(now time.Time, date currency.Date) (rates.Answer, bool)
	Status(now time.Time) rates.Status
}

// Config carries the handler's dependencies.
type Config struct {
	Logger  *slog.Logger
	Rates   Rates
	Version string
	// HostIP returns the task's private IPv4 address for /health.
	HostIP func() string
	// Snapshot identifies the embedded rates, for /health.
	Snapshot Snapshot
	// CORSOrigins lists the origins allowed to read responses from a
	// browser; "*" allows any. Empty disables CORS headers.
	CORSOrigins []string
	// AccessLog is where the access lines go: the logger's own output, so
	// they sit among its lines in its format. Nil writes none.
	AccessLog io.Writer
	// MetricsNamespace is the CloudWatch namespace of the metrics embedded
	// in access log lines; empty disables them.
	MetricsNamespace string
	Now              func() time.Time
}

// NewHandler returns the service's root handler. A request goes through
// the middleware in the order listed, then the routes.
func NewHandler(cfg Config) http.Handler {
	mux := http.NewServeMux()
	addRoutes(mux, cfg)
	return chain(mux,
		requestID, // first, so every line and problem carries the ID
		accessLog(cfg.Logger, cfg.AccessLog, cfg.MetricsNamespace, cfg.Now), // sees the final status, panics included
		recoverPanics(cfg.Logger),
		cors(cfg.CORSOrigins), // before the checks, so browsers can read their problems too
		checkTarget(maxURILength),
		cleanPath, // last: the mux must never see a path it would redirect
	)
}

// chain wraps h in middleware, the first listed outermost.
func chain(h http.Handler, middleware ...func(http.Handler) http.Handler) http.Handler {
	for i := len(middleware) - 1; i >= 0; i-- {
		h = middleware[i](h)
	}
	return h
}

// maxURILength bounds the request target; real requests are under 200 bytes.
const maxURILength = 2048
