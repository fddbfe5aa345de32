package server_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	validationerrors "github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi-validator/schema_validation"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
)

// The spec is checked with libopenapi-validator: it validates the document
// against the OpenAPI 3.1 meta-schema and whole *http.Response values
// (status, content type, declared headers, body schema with JSON Schema
// 2020-12 semantics) against the operation they answer.

// routes are the paths the service serves; the spec must describe exactly
// these.
var routes = []string{"/", "/assets/docs.css", "/assets/docs.js", "/assets/icon.svg", "/assets/page.css", "/assets/page.js", "/convert", "/currencies", "/docs", "/fluctuation", "/health", "/latest", "/openapi.json", "/rates", "/timeseries", "/v1/currencies", "/v1/latest", "/v1/{dates}", "/{dates}"}

// spec is the document the service serves, parsed, with a validator.
type spec struct {
	model     *v3.Document
	validator validator.Validator
}

func loadSpec(t testing.TB, h http.Handler) spec {
	t.Helper()
	rec := get(t, h, "/openapi.json")
	if got, want := rec.Code, http.StatusOK; got != want {
		t.Fatalf("GET /openapi.json status = %d, want %d", got, want)
	}
	doc, err := libopenapi.NewDocument(rec.Body.Bytes())
	if err != nil {
		t.Fatalf("parse openapi.json: %v", err)
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		t.Fatalf("build OpenAPI model: %v", err)
	}
	v, errs := validator.NewValidator(doc, config.WithFormatAssertions())
	if len(errs) > 0 {
		t.Fatalf("new validator: %v", errs)
	}
	return spec{model: &model.Model, validator: v}
}

// describe formats validation errors with their schema failures.
func describe(errs []*validationerrors.ValidationError) string {
	var b strings.Builder
	for _, e := range errs {
		fmt.Fprintf(&b, "\n  %s: %s", e.Message, e.Reason)
		for _, f := range e.SchemaValidationErrors {
			fmt.Fprintf(&b, "\n    at %s: %s", f.KeywordLocation, f.Reason)
		}
	}
	return b.String()
}

func TestOpenAPIDocument(t *testing.T) {
	h, _ := newHandler(t)
	s := loadSpec(t, h)
	if !strings.HasPrefix(s.model.Version, "3.1.") {
		t.Errorf("openapi = %q, want 3.1.x", s.model.Version)
	}
	if ok, errs := s.validator.ValidateDocument(); !ok {
		t.Errorf("openapi.json is not a valid OpenAPI 3.1 document:%s", describe(errs))
	}
	var paths []string
	for p := range s.model.Paths.PathItems.KeysFromOldest() {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	if diff := cmp.Diff(routes, paths); diff != "" {
		t.Errorf("spec paths differ from the routes (-routes +spec):\n%s", diff)
	}
	for _, p := range paths {
		// The documented examples of the parameters make a good request.
		target := examplePath(t, s, p) + exampleQuery(t, s, p)
		if got, want := get(t, h, target).Code, http.StatusOK; got != want {
			t.Errorf("GET %s = %d, want %d", target, got, want)
		}
		// A registered route answers other methods with 405, an unknown path with 404.
		if got, want := serve(t, h, http.MethodPost, examplePath(t, s, p)).Code, http.StatusMethodNotAllowed; got != want {
			t.Errorf("POST %s = %d, want %d: not a registered route", p, got, want)
		}
	}
}

// examplePath fills each path parameter of the template path (/v1/{dates})
// with its first example.
func examplePath(t *testing.T, s spec, path string) string {
	t.Helper()
	item, _ := s.model.Paths.PathItems.Get(path)
	for _, prm := range item.Get.Parameters {
		if prm.In != "path" {
			continue
		}
		if prm.Schema == nil || len(prm.Schema.Schema().Examples) == 0 {
			t.Errorf("%s: path parameter %s has no example", path, prm.Name)
			continue
		}
		path = strings.ReplaceAll(path, "{"+prm.Name+"}", prm.Schema.Schema().Examples[0].Value)
	}
	return path
}

// exampleQuery builds a query string from the first example of each
// query parameter of GET path.
func exampleQuery(t *testing.T, s spec, path string) string {
	t.Helper()
	item, _ := s.model.Paths.PathItems.Get(path)
	q := url.Values{}
	for _, prm := range item.Get.Parameters {
		if prm.In == "path" {
			continue // examplePath's
		}
		if prm.Schema == nil || len(prm.Schema.Schema().Examples) == 0 {
			if prm.Required != nil && *prm.Required {
				t.Errorf("%s: required parameter %s has no example", path, prm.Name)
			}
			continue
		}
		q.Set(prm.Name, prm.Schema.Schema().Examples[0].Value)
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// conformanceCases are real requests whose real responses must match the
// spec: every endpoint's 200 and 304 and every problem an operation
// declares.
func conformanceCases(t *testing.T, fresh http.Handler) []struct {
	name   string
	h      http.Handler
	target string
	header []string
	status int
} {
	stale, _ := newHandler(t, withStale(t))
	series, _ := newHandler(t, withSnapshot(t)) // the real history, for the time-series limit
	type tc = struct {
		name   string
		h      http.Handler
		target string
		header []string
		status int
	}
	cases := []tc{
		{"convert", fresh, "/convert?from=usd&to=JPY&amount=100", nil, 200},
		{"convert historical", fresh, "/convert?from=GBP&to=EUR&amount=12.50&date=2020-03-14", nil, 200},
		{"convert stale", stale, "/convert?from=EUR&to=USD", nil, 200},
		{"convert largest amount", fresh, "/convert?from=GBP&to=JPY&amount=999999999999999.9999999999", nil, 200},
		{"rates", fresh, "/rates", nil, 200},
		{"rates base and symbols", fresh, "/rates?base=USD&symbols=EUR,GBP,USD&date=2025-05-08", nil, 200},
		{"rates empty", fresh, "/rates?base=GBP&symbols=GBP", nil, 200},
		{"rates stale", stale, "/rates", nil, 200},
		{"currencies", fresh, "/currencies", nil, 200},
		{"health", fresh, "/health", nil, 200},
		{"health stale", stale, "/health", nil, 200},
		{"openapi", fresh, "/openapi.json", nil, 200},
		{"docs", fresh, "/docs", nil, 200},
		{"convert bad", fresh, "/convert?from=XYZ&to=KWD&amount=-1&date=1990-01-01&x=1", nil, 400},
		{"convert no rate", fresh, "/convert?from=CYP&to=EUR&date=2020-03-16", nil, 400},
		{"convert bad escape", fresh, "/convert?from=%zz", nil, 400},
		{"rates bad", fresh, "/rates?base=XYZ&symbols=US,KWD", nil, 400},
		{"currencies bad", fresh, "/currencies?x=1", nil, 400},
		{"openapi bad", fresh, "/openapi.json?x=1", nil, 400},
		{"docs bad", fresh, "/docs?x=1", nil, 400},
		{"timeseries", fresh, "/timeseries?base=USD&symbols=EUR,GBP,JPY&start_date=2020-03-14&end_date=2025-05-09", nil, 200},
		{"timeseries csv", fresh, "/timeseries?symbols=CYP,USD&start_date=2007-12-28&end_date=2020-03-16&format=csv", nil, 200},
		{"timeseries days without rates", fresh, "/timeseries?base=CYP&start_date=2007-12-31&format=json", nil, 200},
		{"timeseries stale", stale, "/timeseries?start_date=2025-05-08", nil, 200},
		{"timeseries no start", fresh, "/timeseries?end_date=2020-03-16", nil, 400},
		{"timeseries bad", fresh, "/timeseries?base=XYZ&symbols=US,KWD&start_date=1990-01-01&end_date=2099-01-01&format=xml&x=1", nil, 400},
		{"timeseries end before start", fresh, "/timeseries?start_date=2020-03-16&end_date=2020-03-13", nil, 400},
		{"timeseries no rate in range", fresh, "/timeseries?base=CYP&symbols=CYP,USD&start_date=2020-03-13", nil, 400},
		{"timeseries over the limit", series, "/timeseries?start_date=1999-01-04", nil, 400},
		{"fluctuation", fresh, "/fluctuation?base=USD&symbols=EUR,GBP,JPY&start_date=2020-03-14&end_date=2025-05-09", nil, 200},
		{"fluctuation one day", fresh, "/fluctuation?start_date=2025-05-09", nil, 200},
		{"fluctuation stale", stale, "/fluctuation?base=GBP&start_date=2007-12-31", nil, 200},
		{"fluctuation no start", fresh, "/fluctuation", nil, 400},
		{"fluctuation bad", fresh, "/fluctuation?base=XYZ&symbols=US,KWD&start_date=2020-03-16&end_date=2020-03-13&format=csv", nil, 400},
		{"fluctuation no rate on an end", fresh, "/fluctuation?symbols=CYP&start_date=2007-12-31&end_date=2020-03-13", nil, 400},
	}
	snapshot, _ := newHandler(t, withSnapshot(t))
	cases = append(cases,
		tc{"frankfurter latest", fresh, "/v1/latest?from=GBP&to=USD,JPY,GBP&amount=100", nil, 200},
		tc{"frankfurter latest unprefixed", fresh, "/latest?base=usd&symbols=EUR&amount=1e3", nil, 200},
		tc{"frankfurter latest stale", stale, "/v1/latest", nil, 200},
		tc{"frankfurter date", fresh, "/v1/2020-03-14?base=USD", nil, 200},
		tc{"frankfurter range", fresh, "/v1/2007-12-29..2020-03-16?to=GBP,JPY", nil, 200},
		tc{"frankfurter open range", fresh, "/v1/2020-03-13..?amount=.5", nil, 200},
		tc{"frankfurter date unprefixed", fresh, "/2020-03-14?from=USD&to=GBP", nil, 200},
		tc{"frankfurter range unprefixed", fresh, "/2020-03-13..2020-03-16", nil, 200},
		tc{"frankfurter unprefixed unprocessable", fresh, "/2020-02-30", nil, 422},
		tc{"frankfurter currencies", fresh, "/v1/currencies", nil, 200},
		tc{"frankfurter no rate", fresh, "/v1/latest?to=CYP", nil, 404},
		tc{"frankfurter before 1999", fresh, "/v1/1999-01-01", nil, 404},
		tc{"frankfurter empty range", fresh, "/v1/2020-03-16..2020-03-01", nil, 404},
		tc{"frankfurter no such path", fresh, "/v1/foo", nil, 404},
		tc{"frankfurter unprocessable", fresh, "/v1/2020-02-30?amount=0&to=XX", nil, 422},
		tc{"frankfurter latest unprocessable", fresh, "/latest?to=USD&to=GBP", nil, 422},
		tc{"frankfurter currencies unprocessable", fresh, "/v1/currencies?x=%zz", nil, 422},
		tc{"frankfurter unknown parameter ignored", fresh, "/v1/latest?_=12345", nil, 200},
		tc{"frankfurter too many rates", snapshot, "/v1/1999-01-04..", nil, 422},
	)
	for _, p := range routes {
		ok := p
		if e, found := examplePaths[p]; found {
			ok = e
		}
		if q := validQuery[p]; q != "" {
			ok += "?" + q
		}
		cases = append(cases,
			tc{"304 " + p, fresh, ok, []string{"If-None-Match", "*"}, 304},
			tc{"414 " + p, fresh, p + "?x=" + strings.Repeat("a", 2100), nil, 414},
		)
	}
	return cases
}

// examplePaths are requests for the routes that are path templates.
var examplePaths = map[string]string{"/v1/{dates}": "/v1/2020-03-13..2020-03-16", "/{dates}": "/2020-03-13..2020-03-16"}

// validQuery makes a 200 request for each route.
var validQuery = map[string]string{"/convert": "from=USD&to=EUR", "/timeseries": "start_date=2020-03-13", "/fluctuation": "start_date=2020-03-13"}

func TestOpenAPIResponses(t *testing.T) {
	h, _ := newHandler(t)
	s := loadSpec(t, h)
	for _, tt := range conformanceCases(t, h) {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, tt.target, nil)
			for i := 0; i+1 < len(tt.header); i += 2 {
				req.Header.Add(tt.header[i], tt.header[i+1])
			}
			rec := httptest.NewRecorder()
			tt.h.ServeHTTP(rec, req)
			resp := rec.Result()
			if got, want := resp.StatusCode, tt.status; got != want {
				t.Fatalf("status = %d, want %d; body %s", got, want, rec.Body)
			}
			if ok, errs := s.validator.ValidateHttpResponse(req, resp); !ok {
				t.Errorf("response does not match the spec:%s\nbody %s", describe(errs), rec.Body)
			}
			// What the service accepts, the spec must allow.
			if tt.status < 400 {
				if ok, errs := s.validator.ValidateHttpRequest(req); !ok {
					t.Errorf("request does not match the spec:%s", describe(errs))
				}
			}
		})
	}
}

// componentResponse returns a response of components.responses.
func componentResponse(t *testing.T, s spec, name string) *v3.Response {
	t.Helper()
	r, ok := s.model.Components.Responses.Get(name)
	if !ok {
		t.Fatalf("no components.responses.%s", name)
	}
	return r
}

// checkAgainstComponent validates a response that no operation can
// describe (an unknown path or method) against a component response.
func checkAgainstComponent(t *testing.T, s spec, name string, rec *httptest.ResponseRecorder) {
	t.Helper()
	r := componentResponse(t, s, name)
	media, ok := r.Content.Get(rec.Header().Get("Content-Type"))
	if !ok {
		t.Fatalf("Content-Type %q is not in components.responses.%s", rec.Header().Get("Content-Type"), name)
	}
	sv := schema_validation.NewSchemaValidator(config.WithFormatAssertions())
	if ok, errs := sv.ValidateSchemaBytes(media.Schema.Schema(), rec.Body.Bytes()); !ok {
		t.Errorf("body does not match components.responses.%s:%s\nbody %s", name, describe(errs), rec.Body)
	}
	if r.Headers == nil {
		return
	}
	for header, decl := range r.Headers.FromOldest() {
		value := rec.Header().Get(header)
		if value == "" {
			t.Errorf("header %s declared in components.responses.%s is missing", header, name)
			continue
		}
		if ok, errs := sv.ValidateSchemaObject(decl.Schema.Schema(), value); !ok {
			t.Errorf("header %s = %q does not match its schema:%s", header, value, describe(errs))
		}
	}
}

func TestOpenAPIProblemsOutsideOperations(t *testing.T) {
	h, _ := newHandler(t)
	s := loadSpec(t, h)
	for _, target := range []string{"/nope", "/convert/", "/%C3%BC", "/a%20b"} {
		t.Run("404 "+target, func(t *testing.T) {
			rec := get(t, h, target)
			if got, want := rec.Code, http.StatusNotFound; got != want {
				t.Fatalf("status = %d, want %d", got, want)
			}
			checkAgainstComponent(t, s, "NotFound", rec)
		})
	}
	for _, p := range routes {
		for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
			status := http.StatusMethodNotAllowed
			t.Run(strconv.Itoa(status)+" "+method+" "+p, func(t *testing.T) {
				target := p
				if e, found := examplePaths[p]; found {
					target = e
				}
				rec := serve(t, h, method, target)
				if got, want := rec.Code, status; got != want {
					t.Fatalf("status = %d, want %d", got, want)
				}
				if status == http.StatusNotFound {
					checkAgainstComponent(t, s, "NotFound", rec)
					return
				}
				checkAgainstComponent(t, s, "MethodNotAllowed", rec)
			})
		}
	}
}

// TestOpenAPIValidatorRejects proves the validator above can fail: each
// response here is wrong in one way and must be refused.
func TestOpenAPIValidatorRejects(t *testing.T) {
	h, _ := newHandler(t)
	s := loadSpec(t, h)
	const good = `{"from":"EUR","to":"USD","amount":100,"rate":1.125,"converted":112.50,"date":"2025-05-09","source":"ecb","stale":false,"timestamp":"2025-05-09T14:00:00Z"}`
	const target = "/convert?from=EUR&to=USD&amount=100"
	jsonType := "application/json; charset=utf-8"
	tests := []struct {
		name        string
		target      string
		status      int
		contentType string
		header      []string
		body        string
	}{
		{"missing converted", target, 200, jsonType, nil, strings.Replace(good, `"converted":112.50,`, "", 1)},
		{"converted as a string", target, 200, jsonType, nil, strings.Replace(good, `112.50`, `"112.50"`, 1)},
		{"negative converted", target, 200, jsonType, nil, strings.Replace(good, `112.50`, `-112.50`, 1)},
		{"lower-case code", target, 200, jsonType, nil, strings.Replace(good, `"EUR"`, `"eur"`, 1)},
		{"unknown source", target, 200, jsonType, nil, strings.Replace(good, `"ecb"`, `"imf"`, 1)},
		{"impossible date", target, 200, jsonType, nil, strings.Replace(good, `"2025-05-09"`, `"2025-13-45"`, 1)},
		{"extra member", target, 200, jsonType, nil, strings.Replace(good, `{`, `{"debug":1,`, 1)},
		{"not JSON", target, 200, jsonType, nil, `{"from":`},
		{"wrong content type", target, 200, "text/plain; charset=utf-8", nil, good},
		{"undeclared status", target, 418, jsonType, nil, good},
		{"X-Rates-Stale not a boolean", target, 200, jsonType, []string{"X-Rates-Stale", "maybe"}, good},
		{"400 as plain JSON", target, 400, jsonType, nil, `{"type":"about:blank","title":"Bad Request","status":400}`},
		{"problem without title", target, 400, "application/problem+json", nil, `{"type":"about:blank","status":400}`},
		{"problem with empty errors", target, 400, "application/problem+json", nil, `{"type":"about:blank","title":"x","status":400,"errors":[]}`},
		{"rates with a zero rate", "/rates", 200, jsonType, nil, `{"base":"EUR","date":"2025-05-09","source":"ecb","stale":false,"timestamp":"2025-05-09T14:00:00Z","rates":{"USD":0}}`},
		{"frankfurter rate as a string", "/v1/latest", 200, jsonType, nil, `{"amount":1,"base":"EUR","date":"2025-05-09","rates":{"USD":"1.125"}}`},
		{"frankfurter day with a start_date", "/v1/2025-05-08", 200, jsonType, nil, `{"amount":1,"base":"EUR","date":"2025-05-08","start_date":"2025-05-08","rates":{}}`},
		{"frankfurter range without days", "/v1/2025-05-08..", 200, jsonType, nil, `{"amount":1,"base":"EUR","start_date":"2025-05-08","end_date":"2025-05-09","rates":{}}`},
		{"frankfurter error as a problem", "/v1/latest", 422, "application/problem+json", nil, `{"type":"about:blank","title":"x","status":422}`},
		{"frankfurter error with more members", "/v1/latest", 404, jsonType, nil, `{"message":"not found","status":404}`},
		{"health unhealthy", "/health", 200, jsonType, nil, `{"status":"sick","host_ip":"10.0.1.23","timestamp":"2025-05-12T13:20:00Z","version":"1","rates":{"date":"2025-05-09","source":"ecb","stale":false,"expected":"2025-05-09","age_seconds":1}}`},
		{"timeseries with a string rate", "/timeseries?start_date=2025-05-09", 200, jsonType, nil, `{"base":"EUR","start_date":"2025-05-09","end_date":"2025-05-09","stale":false,"rates":{"2025-05-09":{"USD":"1.125"}}}`},
		{"timeseries keyed by a non-date", "/timeseries?start_date=2025-05-09", 200, jsonType, nil, `{"base":"EUR","start_date":"2025-05-09","end_date":"2025-05-09","stale":false,"rates":{"May 9":{"USD":1.125}}}`},
		{"timeseries without end_date", "/timeseries?start_date=2025-05-09", 200, jsonType, nil, `{"base":"EUR","start_date":"2025-05-09","stale":false,"rates":{}}`},
		{"timeseries csv as text/plain", "/timeseries?start_date=2025-05-09&format=csv", 200, "text/plain; charset=utf-8", nil, "date,USD\r\n2025-05-09,1.125\r\n"},
		{"fluctuation without change_pct", "/fluctuation?start_date=2025-05-09", 200, jsonType, nil, `{"base":"EUR","start_date":"2025-05-09","end_date":"2025-05-09","stale":false,"rates":{"USD":{"start_rate":1.125,"end_rate":1.125,"change":0}}}`},
		{"fluctuation with a zero start rate", "/fluctuation?start_date=2025-05-09", 200, jsonType, nil, `{"base":"EUR","start_date":"2025-05-09","end_date":"2025-05-09","stale":false,"rates":{"USD":{"start_rate":0,"end_rate":1.125,"change":1.125,"change_pct":0}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, tt.target, nil)
			resp := &http.Response{
				StatusCode: tt.status,
				Header:     http.Header{"Content-Type": {tt.contentType}},
				Body:       io.NopCloser(bytes.NewReader([]byte(tt.body))),
				Request:    req,
			}
			for i := 0; i+1 < len(tt.header); i += 2 {
				resp.Header.Set(tt.header[i], tt.header[i+1])
			}
			if ok, _ := s.validator.ValidateHttpResponse(req, resp); ok {
				t.Errorf("validator accepted a wrong response: %s", tt.body)
			}
		})
	}
	t.Run("the good body passes", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		resp := &http.Response{
			StatusCode: 200,
			Header:     http.Header{"Content-Type": {jsonType}},
			Body:       io.NopCloser(strings.NewReader(good)),
			Request:    req,
		}
		if ok, errs := s.validator.ValidateHttpResponse(req, resp); !ok {
			t.Errorf("validator refused the good body:%s", describe(errs))
		}
	})
}
