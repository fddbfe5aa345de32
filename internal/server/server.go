// Package server is the HTTP face of the service: the routes, their
// handlers, and the middleware every response goes through.
package server

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
	"github.com/currency-convertor-ecs/currency-api/internal/rates"
)

// Rates is what the handlers need of the rate store.
type Rates interface {
	History() *currency.History
	Freshness(now time.Time) rates.Freshness
}

// Config carries the handler's dependencies.
type Config struct {
	Logger  *slog.Logger
	Rates   Rates
	Version string
	// HostIP returns the task's private IPv4 address for /health.
	HostIP func() string
	// CORSOrigins lists the origins allowed to read responses from a
	// browser; "*" allows any. Empty disables CORS headers.
	CORSOrigins []string
	// MetricsNamespace is the CloudWatch namespace of the metrics embedded
	// in access log lines; empty disables them.
	MetricsNamespace string
	// Grace mirrors the store's publication grace, for cache lifetimes.
	Grace time.Duration
	Now   func() time.Time
}

// NewHandler returns the service's root handler.
func NewHandler(cfg Config) http.Handler {
	mux := http.NewServeMux()
	addRoutes(mux, cfg)
	var h http.Handler = mux
	h = checkTarget(maxURILength)(h)
	h = cors(cfg.CORSOrigins)(h) // outside checkTarget, so browsers can read a 414 too
	h = recoverPanics(cfg.Logger)(h)
	h = accessLog(cfg.Logger, cfg.MetricsNamespace, cfg.Now)(h)
	h = requestID(h)
	return h
}

// maxURILength bounds the request target; real requests are under 200 bytes.
const maxURILength = 2048
