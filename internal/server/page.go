package server

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"log/slog"
	"net/http"
)

// The converter page and its assets are embedded files: the page's CSP
// allows scripts and styles from this origin only ('self', no inline code),
// so each lives in a file of its own, served by the routes below.
//
//go:embed page/index.html.tmpl page/page.js page/page.css page/docs.js page/docs.css page/icon.svg
var pageFiles embed.FS

// pageCSP is the policy of the converter page: everything from this origin,
// nothing inline, no frames, forms only to this origin. connect-src is the
// page's fetches of /convert, /currencies and /timeseries.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// cachePage is the lifetime of the page and its assets. They change only
// with a release, and the page's script and markup must match: five
// minutes bounds how long a client (or CloudFront) may mix an old page
// with a new script after a deploy, and the strong ETag makes each
// revalidation a 304 without a body.
const cachePage = "public, max-age=300"

var (
	headerPageCache = []string{cachePage}
	headerHTML      = []string{"text/html; charset=utf-8"}
	headerPageCSP   = []string{pageCSP}
)

// pageAsset is one embedded file served under /assets/.
type pageAsset struct {
	path        string // the route
	file        string // in pageFiles
	contentType []string
}

var pageAssets = []pageAsset{
	{"/assets/page.js", "page/page.js", []string{"text/javascript; charset=utf-8"}},
	{"/assets/page.css", "page/page.css", []string{"text/css; charset=utf-8"}},
	{"/assets/docs.js", "page/docs.js", []string{"text/javascript; charset=utf-8"}},
	{"/assets/docs.css", "page/docs.css", []string{"text/css; charset=utf-8"}},
	// Both pages link it: without an icon a browser asks for /favicon.ico,
	// a 404 on every first visit.
	{"/assets/icon.svg", "page/icon.svg", []string{"image/svg+xml"}},
}

// handlePage serves the converter page at /.
func handlePage(cfg Config) http.Handler {
	page := renderPage()
	// The server reads none of the query string, so any is the page: a
	// shared link gets fbclid or utm_* appended, and a typo in the page's own
	// parameters (amount, from, to, date, range) only leaves a field at its
	// default. The script reads those, and sends them to /convert, which
	// judges them and whose problems the page shows.
	return serveAPI(cfg.Logger, func(w http.ResponseWriter, r *http.Request) error {
		w.Header()["Content-Security-Policy"] = headerPageCSP
		writeBody(w, r, headerHTML, page, headerPageCache)
		return nil
	})
}

// pageAssetRoutes serve the page's and the docs' scripts and styles.
func pageAssetRoutes(cfg Config) []route {
	routes := make([]route, 0, len(pageAssets))
	for _, a := range pageAssets {
		routes = append(routes, route{a.path, handleAsset(cfg.Logger, mustReadPageFile(a.file), a.contentType)})
	}
	return routes
}

func handleAsset(logger *slog.Logger, body []byte, contentType []string) http.Handler {
	return serveAPI(logger, func(w http.ResponseWriter, r *http.Request) error {
		// v is the digest the page's links carry (see assetURL): a cache
		// key only, so any value gets the current bytes.
		q := parseQuery(r, "v")
		if err := q.err(); err != nil {
			return err
		}
		writeBody(w, r, contentType, body, headerPageCache)
		return nil
	})
}

// renderPage fills in the assets' URLs. Each carries a digest of the
// asset's bytes, so a page never gets a cached copy of another release's
// script from a browser or CloudFront: a new release is a new URL.
func renderPage() []byte {
	tmpl := template.Must(template.New("page").Parse(string(mustReadPageFile("page/index.html.tmpl"))))
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, map[string]any{
		"Script": assetURL("/assets/page.js"),
		"Style":  assetURL("/assets/page.css"),
		"Icon":   assetURL("/assets/icon.svg"),
	}); err != nil {
		panic("render page: " + err.Error())
	}
	return buf.Bytes()
}

// assetURL is an asset's path with a digest of its content as the query
// string's only parameter, v.
func assetURL(path string) string {
	for _, a := range pageAssets {
		if a.path == path {
			sum := sha256.Sum256(mustReadPageFile(a.file))
			return path + "?v=" + hex.EncodeToString(sum[:6])
		}
	}
	panic("no asset " + path)
}

// mustReadPageFile reads an embedded file; it can only fail if the list in
// the go:embed line and the names here disagree, which any test catches.
func mustReadPageFile(name string) []byte {
	b, err := pageFiles.ReadFile(name)
	if err != nil {
		panic("embedded page file: " + err.Error())
	}
	return b
}
