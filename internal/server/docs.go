package server

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"html/template"
	"log/slog"
	"net/http"
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
				Ref         string `json:"$ref"`
				Name        string `json:"name"`
				Required    bool   `json:"required"`
				Description string `json:"description"`
			} `json:"parameters"`
			Responses map[string]struct {
				Ref         string `json:"$ref"`
				Description string `json:"description"`
			} `json:"responses"`
		} `json:"get"`
	} `json:"paths"`
	Components struct {
		Parameters map[string]struct {
			Name        string `json:"name"`
			Required    bool   `json:"required"`
			Description string `json:"description"`
		} `json:"parameters"`
		Responses map[string]struct {
			Description string `json:"description"`
		} `json:"responses"`
	} `json:"components"`
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
		writeBody(w, r, headerJSON, spec.raw, []string{cacheDocs})
		return nil
	})
}

// handleDocs renders the OpenAPI document as one self-contained page: no
// scripts, no fonts, no CDN, so it works offline and under a strict CSP.
func handleDocs(logger *slog.Logger, spec *apiSpec) http.Handler {
	page := renderDocs(spec)
	return serveAPI(logger, func(w http.ResponseWriter, r *http.Request) error {
		q := parseQuery(r)
		if err := q.err(); err != nil {
			return err
		}
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
		writeBody(w, r, []string{"text/html; charset=utf-8"}, page, []string{cacheDocs})
		return nil
	})
}

type docsParam struct {
	Name, Description string
	Required          bool
}

type docsResponse struct{ Status, Description string }

type docsOperation struct {
	Path, Summary string
	Description   template.HTML
	Params        []docsParam
	Responses     []docsResponse
}

func renderDocs(spec *apiSpec) []byte {
	paths := make([]string, 0, len(spec.Paths))
	for p := range spec.Paths {
		paths = append(paths, p)
	}
	order := []string{"/convert", "/rates", "/currencies", "/health", "/openapi.json", "/docs"}
	slices.SortFunc(paths, func(a, b string) int { return slices.Index(order, a) - slices.Index(order, b) })
	var ops []docsOperation
	for _, p := range paths {
		get := spec.Paths[p].Get
		op := docsOperation{Path: p, Summary: get.Summary, Description: markdown(get.Description)}
		for _, prm := range get.Parameters {
			if name, ok := strings.CutPrefix(prm.Ref, "#/components/parameters/"); ok {
				c := spec.Components.Parameters[name]
				prm.Name, prm.Required, prm.Description = c.Name, c.Required, c.Description
			}
			op.Params = append(op.Params, docsParam{prm.Name, prm.Description, prm.Required})
		}
		for status, resp := range spec.Paths[p].Get.Responses {
			if name, ok := strings.CutPrefix(resp.Ref, "#/components/responses/"); ok {
				resp.Description = spec.Components.Responses[name].Description
			}
			op.Responses = append(op.Responses, docsResponse{status, resp.Description})
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
