package server_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
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
	// The converter page's policy: scripts and styles from files of ours
	// only, nothing inline.
	if got, want := rec.Header().Get("Content-Security-Policy"), pageCSP; got != want {
		t.Errorf("Content-Security-Policy = %q, want %q", got, want)
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
	if m := inlineScript.FindAllString(page, -1); len(m) > 0 {
		t.Errorf("page has inline script: %q", m)
	}
	if m := inlineStyle.FindAllString(page, -1); len(m) > 0 {
		t.Errorf("page has inline style or event handlers: %q", m)
	}
	links := assetLink.FindAllStringSubmatch(page, -1)
	if len(links) != 2 || links[0][1] != "/assets/docs.css" || links[1][1] != "/assets/docs.js" {
		t.Errorf("page links %q, want /assets/docs.css and /assets/docs.js", links)
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

var (
	tryForm   = regexp.MustCompile(`(?s)<form class="try" method="get" action="([^"]*)" data-path="([^"]*)">(.*?)</form>`)
	tryInput  = regexp.MustCompile(`<input (data-)?name="([^"]+)" value="([^"]*)"`)
	trySelect = regexp.MustCompile(`(?s)<select (data-)?name="([^"]+)">(.*?)</select>`)
	tryOption = regexp.MustCompile(`<option(?: value="([^"]*)")?( selected)?>([^<]*)</option>`)
)

// TestDocsTryItForms sends every try-it form as a browser without the
// script would, and as docs.js does (path parameters in the path, empty
// fields left out): each must be a good request. Every route answering
// JSON or CSV in the spec must have a form.
func TestDocsTryItForms(t *testing.T) {
	h, _ := newHandler(t)
	s := loadSpec(t, h)
	page := get(t, h, "/docs").Body.String()
	forms := map[string]bool{}
	for _, m := range tryForm.FindAllStringSubmatch(page, -1) {
		action, tmpl, body := html.UnescapeString(m[1]), html.UnescapeString(m[2]), m[3]
		forms[tmpl] = true
		path := tmpl
		query := url.Values{}
		field := func(isPath bool, name, value string) {
			switch {
			case isPath:
				path = strings.ReplaceAll(path, "{"+name+"}", url.PathEscape(value))
			case value != "":
				query.Add(name, value)
			}
		}
		for _, in := range tryInput.FindAllStringSubmatch(body, -1) {
			field(in[1] != "", html.UnescapeString(in[2]), html.UnescapeString(in[3]))
		}
		for _, sel := range trySelect.FindAllStringSubmatch(body, -1) {
			value := ""
			for i, o := range tryOption.FindAllStringSubmatch(sel[3], -1) {
				v := o[3]
				if o[1] != "" || strings.Contains(o[0], ` value=""`) {
					v = o[1]
				}
				if i == 0 || o[2] != "" {
					value = html.UnescapeString(v)
				}
			}
			field(sel[1] != "", html.UnescapeString(sel[2]), value)
		}
		target := path
		if len(query) > 0 {
			target += "?" + query.Encode()
		}
		if got, want := get(t, h, target).Code, http.StatusOK; got != want {
			t.Errorf("try-it form of %s sends GET %s = %d, want %d", tmpl, target, got, want)
		}
		// Without the script the form goes to its action, with the query
		// its named fields make.
		if strings.Contains(action, "{") || !strings.HasPrefix(action, "/") {
			t.Errorf("form of %s: action %q is not a path", tmpl, action)
		}
		if got, want := action, path; got != want {
			t.Errorf("form of %s: action %q, want the path with its examples %q", tmpl, got, want)
		}
	}
	for p, item := range s.model.Paths.PathItems.FromOldest() {
		ok, _ := item.Get.Responses.Codes.Get("200")
		data := false
		if ok != nil && ok.Content != nil {
			for media := range ok.Content.KeysFromOldest() {
				data = data || media == "application/json" || media == "text/csv"
			}
		}
		if data != forms[p] {
			t.Errorf("%s: answers JSON or CSV %v, has a try-it form %v; want a form exactly for those", p, data, forms[p])
		}
	}
	if len(forms) < 5 {
		t.Errorf("%d try-it forms; the pattern no longer reads the page", len(forms))
	}
}

// TestDocsOrder keeps the page in the order a reader needs: our API first,
// the documents after it, the converter page and its assets last.
func TestDocsOrder(t *testing.T) {
	h, _ := newHandler(t)
	page := get(t, h, "/docs").Body.String()
	var order []string
	for _, m := range regexp.MustCompile(`<h2 id="([^"]+)"><span class="method">`).FindAllStringSubmatch(page, -1) {
		order = append(order, html.UnescapeString(m[1]))
	}
	before := func(a, b string) {
		t.Helper()
		i, j := slices.Index(order, a), slices.Index(order, b)
		if i < 0 || j < 0 || i > j {
			t.Errorf("%s (at %d) must come before %s (at %d): order %q", a, i, b, j, order)
		}
	}
	before("/convert", "/rates")
	before("/rates", "/currencies")
	before("/currencies", "/health")
	before("/health", "/openapi.json")
	before("/openapi.json", "/docs")
	before("/docs", "/")
	before("/", "/assets/docs.css")
}
