package server

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
)

// problem is an RFC 9457 problem detail. Every error response is one.
type problem struct {
	Type      string       `json:"type"`
	Title     string       `json:"title"`
	Status    int          `json:"status"`
	Detail    string       `json:"detail,omitempty"`
	Instance  string       `json:"instance,omitempty"`
	RequestID string       `json:"request_id,omitempty"`
	Errors    []paramError `json:"errors,omitempty"`
}

// paramError is one problem with one query parameter.
type paramError struct {
	Parameter string `json:"parameter"`
	Detail    string `json:"detail"`
}

// problemTypeInvalid is documented on the /docs page.
const problemTypeInvalid = "/docs#problem-invalid-request"

func invalidRequest(errs []paramError) problem {
	detail := "1 problem with the request"
	if len(errs) != 1 {
		detail = strconv.Itoa(len(errs)) + " problems with the request"
	}
	return problem{
		Type:   problemTypeInvalid,
		Title:  "Invalid request",
		Status: http.StatusBadRequest,
		Detail: detail,
		Errors: errs,
	}
}

// invalidParams is the error of a request with problems in its parameters:
// every one of them, so the client can fix them all at once.
type invalidParams struct{ errs []paramError }

func (e *invalidParams) Error() string { return invalidRequest(e.errs).Detail }

// errNoRates is the impossible case of an empty history: the embedded
// snapshot always holds rates, so it is a server fault, not the client's.
var errNoRates = errors.New("no exchange rates are loaded")

// apiHandler is a handler that returns its failure instead of answering it,
// so that one place, serveAPI, turns errors into problems.
type apiHandler func(w http.ResponseWriter, r *http.Request) error

// serveAPI answers an apiHandler's error with the problem problemFor maps
// it to.
func serveAPI(logger *slog.Logger, h apiHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			writeProblem(w, r, problemFor(logger, w, err))
		}
	})
}

// problemFor is the one mapping from errors to problems. The client's
// mistakes are 400s that say what to fix; anything else is a server fault,
// logged here, once, and answered without detail.
func problemFor(logger *slog.Logger, w http.ResponseWriter, err error) problem {
	var invalid *invalidParams
	switch {
	case errors.As(err, &invalid):
		return invalidRequest(invalid.errs)
	case errors.Is(err, errNoRates):
		logger.Error("no rates", "error", err, "request_id", requestIDOf(w))
		return plainProblem(http.StatusServiceUnavailable, errNoRates.Error())
	default:
		logger.Error("internal error", "error", err, "request_id", requestIDOf(w))
		return internalError()
	}
}

func plainProblem(status int, detail string) problem {
	return problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail}
}

func internalError() problem {
	return plainProblem(http.StatusInternalServerError, "internal error")
}

// writeProblem sends p as application/problem+json. Errors are never cached.
func writeProblem(w http.ResponseWriter, r *http.Request, p problem) {
	p.Instance = r.URL.EscapedPath() // a URI reference, so escapes stay escaped
	p.RequestID = requestIDOf(w)
	body, err := json.Marshal(p)
	if err != nil {
		// A problem holds only strings and ints; this cannot fail.
		body = []byte(`{"type":"about:blank","title":"Internal Server Error","status":500}`)
		p.Status = http.StatusInternalServerError
	}
	h := w.Header()
	h.Del("ETag")
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", cacheNoStore)
	h.Set("Content-Length", strconv.Itoa(len(body)+1))
	w.WriteHeader(p.Status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(append(body, '\n'))
	}
}

func handleNotFound() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, r, plainProblem(http.StatusNotFound, "no such resource; GET /docs lists the API"))
	})
}

func handleMethodNotAllowed() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", "GET, HEAD")
		writeProblem(w, r, plainProblem(http.StatusMethodNotAllowed, "only GET and HEAD are supported"))
	})
}
