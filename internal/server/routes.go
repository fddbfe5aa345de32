package server

import "net/http"

// route is one path of the API and the handler of its GET (and HEAD).
type route struct {
	path    string
	handler http.Handler
}

// addRoutes maps the whole API. Each path also has a method-less pattern
// answering 405 in problem+json, and "/" answers 404 the same way, so no
// response ever comes from the mux's plain-text defaults.
func addRoutes(mux *http.ServeMux, cfg Config) {
	spec := mustLoadSpec()
	routes := []route{
		{"/health", handleHealth(cfg.Logger, cfg.Rates, cfg.Now, cfg.Version, cfg.HostIP, cfg.Snapshot)},
		{"/convert", handleConvert(cfg.Logger, cfg.Rates, cfg.Now)},
		{"/rates", handleRates(cfg.Logger, cfg.Rates, cfg.Now)},
		{"/currencies", handleCurrencies(cfg.Logger, cfg.Rates, cfg.Now)},
		{"/openapi.json", handleOpenAPI(cfg.Logger, spec)},
		{"/docs", handleDocs(cfg.Logger, spec)},
	}
	routes = append(routes, seriesRoutes(cfg)...)      // series.go: /timeseries, /fluctuation
	routes = append(routes, frankfurterRoutes(cfg)...) // frankfurter.go: /v1/..., /latest, /{date}, /{start}..{end}
	routes = append(routes, pageAssetRoutes(cfg)...)   // page.go: the page's script and style
	for _, rt := range routes {
		mux.Handle("GET "+rt.path, rt.handler)
		mux.Handle(rt.path, handleMethodNotAllowed())
	}
	mux.Handle("GET /{$}", handlePage(cfg)) // page.go: the converter page
	mux.Handle("/{$}", handleMethodNotAllowed())
	mux.Handle("/", frankfurterFallback(cfg, handleNotFound())) // frankfurter.go: /{date}, /{start}..{end}, /v1/{date}, ...
}
