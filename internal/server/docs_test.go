package server_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// externalReference finds anything that would make the page load from
// elsewhere: absolute or protocol-relative URLs in attributes or CSS.
var externalReference = regexp.MustCompile(`(?i)((src|href|action|srcset|poster|data)\s*=\s*["']?\s*([a-z][a-z0-9+.-]*:|//))|url\(|@import`)

func TestDocs(t *testing.T) {
	h, _ := newHandler(t)
	rec := get(t, h, "/docs")
	if got, want := rec.Code, http.StatusOK; got != want {
		t.Fatalf("status = %d, want %d", got, want)
	}
	if got, want := rec.Header().Get("Content-Type"), "text/html; charset=utf-8"; got != want {
		t.Errorf("Content-Type = %q, want %q", got, want)
	}
	if got, want := rec.Header().Get("Cache-Control"), "public, max-age=3600"; got != want {
		t.Errorf("Cache-Control = %q, want %q", got, want)
	}
	csp := rec.Header().Get("Content-Security-Policy")
	for _, directive := range []string{"default-src 'none'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, directive) {
			t.Errorf("Content-Security-Policy = %q, want %s", csp, directive)
		}
	}
	if strings.Contains(csp, "script-src") {
		t.Errorf("Content-Security-Policy = %q allows scripts", csp)
	}
	page := rec.Body.String()
	s := loadSpec(t, h)
	for p := range s.model.Paths.PathItems.KeysFromOldest() {
		if !strings.Contains(page, `<code>`+p+`</code>`) {
			t.Errorf("page does not document %s", p)
		}
	}
	if !strings.Contains(page, `id="problem-invalid-request"`) {
		t.Error(`page has no id="problem-invalid-request" anchor, the target of the 400 problem type`)
	}
	if strings.Contains(strings.ToLower(page), "<script") {
		t.Error("page has a <script>")
	}
	if m := externalReference.FindAllString(page, -1); len(m) > 0 {
		t.Errorf("page references external resources: %q", m)
	}
	// Raw markdown would show if the spec's prose were not rendered.
	if strings.Contains(page, "**") {
		t.Error("page shows raw ** markdown")
	}
	if !strings.Contains(page, `<a href="/openapi.json">`) {
		t.Error("page does not link the OpenAPI document")
	}
}

func TestDocsExternalReferencePattern(t *testing.T) {
	// The pattern above must catch what it is meant to, or TestDocs cannot fail.
	for _, bad := range []string{
		`<img src="https://cdn.example.com/x.png">`,
		`<link href='http://x/y.css'>`,
		`<a href=//evil.example.com>`,
		`<a href="javascript:alert(1)">`,
		`<style>body{background:url(x.png)}</style>`,
		`<style>@import "x.css";</style>`,
	} {
		if !externalReference.MatchString(bad) {
			t.Errorf("externalReference does not match %s", bad)
		}
	}
	for _, ok := range []string{`<a href="/openapi.json">`, `<h2 id="/convert">`, `<a href="#examples">`} {
		if externalReference.MatchString(ok) {
			t.Errorf("externalReference matches the local %s", ok)
		}
	}
}
