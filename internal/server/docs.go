package server

import (
	"bytes"
	"cmp"
	_ "embed"
	"encoding/json"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

//go:embed openapi.json
var openAPIJSON []byte

//go:embed docs.html.tmpl
var docsTemplate string

// apiSpec is the part of the OpenAPI document the docs page shows.
type apiSpec struct {
	raw  []byte
	Info struct {
		Title       string `json:"title"`
		Version     string `json:"version"`
		Summary     string `json:"summary"`
		Description string `json:"description"`
	} `json:"info"`
	Paths map[string]struct {
		Get struct {
			Summary     string `json:"summary"`
			Description string `json:"description"`
			Parameters  []struct {
				Ref string `json:"$ref"`
				specParam
			} `json:"parameters"`
			Responses map[string]struct {
				Ref         string                     `json:"$ref"`
				Description string                     `json:"description"`
				Content     map[string]json.RawMessage `json:"content"`
			} `json:"responses"`
		} `json:"get"`
	} `json:"paths"`
	Components struct {
		Parameters map[string]specParam `json:"parameters"`
		Responses  map[string]struct {
			Description string `json:"description"`
		} `json:"responses"`
	} `json:"components"`
}

// specParam is a parameter as the docs page shows it and fills its try-it
// form with.
type specParam struct {
	Name        string `json:"name"`
	In          string `json:"in"`
	Required    bool   `json:"required"`
	Description string `json:"description"`
	Schema      struct {
		Enum     []json.RawMessage `json:"enum"`
		Examples []json.RawMessage `json:"examples"`
	} `json:"schema"`
}

// mustLoadSpec parses the embedded OpenAPI document. It can only fail if the
// file in the repository is broken, which the tests catch.
func mustLoadSpec() *apiSpec {
	spec := &apiSpec{raw: openAPIJSON}
	if err := json.Unmarshal(openAPIJSON, spec); err != nil {
		panic("embedded openapi.json: " + err.Error())
	}
	return spec
}

func handleOpenAPI(logger *slog.Logger, spec *apiSpec) http.Handler {
	return serveAPI(logger, func(w http.ResponseWriter, r *http.Request) error {
		q := parseQuery(r)
		if err := q.err(); err != nil {
			return err
		}
		writeBody(w, r, headerJSON, spec.raw, headerDocs)
		return nil
	})
}

// handleDocs renders the OpenAPI document as one self-contained page: no
// fonts, no CDN, its style and script files of our own (/assets/docs.*), so
// it works offline and under the page's strict CSP. The try-it forms are
// plain GET forms; the script only fills in path parameters and shows the
// answer in place.
func handleDocs(logger *slog.Logger, spec *apiSpec) http.Handler {
	page := renderDocs(spec)
	return serveAPI(logger, func(w http.ResponseWriter, r *http.Request) error {
		q := parseQuery(r)
		if err := q.err(); err != nil {
			return err
		}
		w.Header()["Content-Security-Policy"] = headerPageCSP
		writeBody(w, r, headerHTML, page, headerDocs)
		return nil
	})
}

type docsParam struct {
	Name, In    string
	Description template.HTML
	Required    bool
	// Example is the first documented example, the form's initial value:
	// each form, sent as it is, is the request TestOpenAPIDocument checks.
	Example string
	Enum    []string
}

type docsResponse struct {
	Status      string
	Description template.HTML
}

type docsOperation struct {
	Path, Summary string
	Description   template.HTML
	Params        []docsParam
	Responses     []docsResponse
	// Form is set for the API's data routes (JSON or CSV answers); the
	// pages and their assets are links.
	Form bool
	// Action is the form's target without a script: the path itself, or,
	// for a path with parameters ({date}), that path with its examples.
	Action string
}

// docsOwnOrder is our own API in the order a new user needs it.
var docsOwnOrder = []string{"/convert", "/rates", "/currencies", "/timeseries", "/fluctuation", "/health"}

// docsGroup places a path on the page: our own API, then Frankfurter's v1
// and unprefixed routes, then the documents, then the converter page and
// its assets.
func docsGroup(p string) (group, index int) {
	switch i := slices.Index(docsOwnOrder, p); {
	case i >= 0:
		return 0, i
	case strings.HasPrefix(p, "/v1/"):
		return 1, 0
	case p == "/openapi.json":
		return 3, 0
	case p == "/docs":
		return 3, 1
	case p == "/":
		return 4, 0
	case strings.HasPrefix(p, "/assets/"):
		return 4, 1
	}
	return 2, 0 // unprefixed Frankfurter routes: /latest, /{date}, ...
}

// comparePaths orders by group, then by the group's own order, then by name.
func comparePaths(a, b string) int {
	ga, ia := docsGroup(a)
	gb, ib := docsGroup(b)
	if c := cmp.Compare(ga, gb); c != 0 {
		return c
	}
	if c := cmp.Compare(ia, ib); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// exampleText is a JSON example as a form value: a string's content, or a
// number's text as written.
func exampleText(raw json.RawMessage) string {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s
	}
	return string(raw)
}

func renderDocs(spec *apiSpec) []byte {
	paths := make([]string, 0, len(spec.Paths))
	for p := range spec.Paths {
		paths = append(paths, p)
	}
	slices.SortFunc(paths, comparePaths)
	var ops []docsOperation
	for _, p := range paths {
		get := spec.Paths[p].Get
		op := docsOperation{Path: p, Summary: get.Summary, Description: markdown(get.Description), Action: p}
		for _, prm := range get.Parameters {
			sp := prm.specParam
			if name, ok := strings.CutPrefix(prm.Ref, "#/components/parameters/"); ok {
				sp = spec.Components.Parameters[name]
			}
			dp := docsParam{Name: sp.Name, Description: markdown(sp.Description), In: sp.In, Required: sp.Required}
			if len(sp.Schema.Examples) > 0 {
				dp.Example = exampleText(sp.Schema.Examples[0])
			}
			for _, e := range sp.Schema.Enum {
				dp.Enum = append(dp.Enum, exampleText(e))
			}
			if dp.In == "path" {
				op.Action = strings.ReplaceAll(op.Action, "{"+dp.Name+"}", url.PathEscape(dp.Example))
			}
			op.Params = append(op.Params, dp)
		}
		for status, resp := range spec.Paths[p].Get.Responses {
			if name, ok := strings.CutPrefix(resp.Ref, "#/components/responses/"); ok {
				resp.Description = spec.Components.Responses[name].Description
			}
			if status == "200" {
				for media := range resp.Content {
					op.Form = op.Form || media == "application/json" || media == "text/csv"
				}
			}
			op.Responses = append(op.Responses, docsResponse{status, markdown(resp.Description)})
		}
		slices.SortFunc(op.Responses, func(a, b docsResponse) int { return strings.Compare(a.Status, b.Status) })
		ops = append(ops, op)
	}
	var paragraphs []template.HTML
	for para := range strings.SplitSeq(spec.Info.Description, "\n\n") {
		paragraphs = append(paragraphs, markdown(para))
	}
	var buf bytes.Buffer
	tmpl := template.Must(template.New("docs").Parse(docsTemplate))
	if err := tmpl.Execute(&buf, map[string]any{
		"Title": spec.Info.Title, "Version": spec.Info.Version, "Summary": spec.Info.Summary,
		"Paragraphs": paragraphs, "Operations": ops,
		"Script": assetURL("/assets/docs.js"), "Style": assetURL("/assets/docs.css"), "Icon": assetURL("/assets/icon.svg"),
	}); err != nil {
		panic("render docs: " + err.Error())
	}
	return buf.Bytes()
}

var (
	boldPattern = regexp.MustCompile(`\*\*([^*]+)\*\*`)
	codePattern = regexp.MustCompile("`([^`]+)`")
)

// markdown renders the two inline forms the spec's prose uses, **bold** and
// `code`, after escaping everything else.
func markdown(s string) template.HTML {
	s = template.HTMLEscapeString(s)
	s = boldPattern.ReplaceAllString(s, "<strong>$1</strong>")
	s = codePattern.ReplaceAllString(s, "<code>$1</code>")
	return template.HTML(s) //nolint:gosec // escaped above; only our own tags are added
}
