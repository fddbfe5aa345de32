package server

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/cockroachdb/apd/v3"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
)

// query reads a request's parameters into typed values, collecting every
// problem so the client learns them all at once.
type query struct {
	values url.Values
	errs   []paramError
	// malformed is set when some part of the query string could not be
	// read: a parameter missing from values may be in that part, so it is
	// not reported as missing.
	malformed bool
}

// parseQuery splits the query string and rejects malformed escapes, unknown
// parameters (a typo must not silently become a default) and repetitions.
// The parts that can be read are kept, so their problems are reported too.
func parseQuery(r *http.Request, known ...string) *query {
	q := &query{}
	values, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		q.fail("query", "is not a valid URL query string")
		q.malformed = true
	}
	q.values = values
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	slices.Sort(names)
	unknown := "is not a parameter of this endpoint, which takes none"
	if len(known) > 0 {
		unknown = "is not a parameter of this endpoint; known parameters: " + strings.Join(known, ", ")
	}
	for _, name := range names {
		switch {
		case !slices.Contains(known, name):
			q.fail(name, unknown)
		case len(values[name]) > 1:
			q.fail(name, "must be given at most once")
		}
	}
	return q
}

func (q *query) fail(name, detail string) {
	q.errs = append(q.errs, paramError{Parameter: name, Detail: detail})
}

// failed reports whether name, or the query string as a whole, already has
// a problem, so checks that depend on its value must be skipped.
func (q *query) failed(name string) bool {
	for _, e := range q.errs {
		if e.Parameter == name || e.Parameter == "query" {
			return true
		}
	}
	return false
}

// raw returns a parameter's value; present is false when it is absent or was
// already reported as unknown or repeated.
func (q *query) raw(name string) (value string, present bool) {
	v, ok := q.values[name]
	if !ok || len(v) != 1 {
		return "", false
	}
	return v[0], true
}

// code reads a currency code; required codes must be present.
func (q *query) code(name string, required bool) (currency.Code, bool) {
	s, ok := q.raw(name)
	if !ok {
		// A repeated parameter was reported already; it is not missing.
		if required && len(q.values[name]) == 0 && !q.malformed {
			q.fail(name, "is required: a three-letter ISO 4217 code such as USD")
		}
		return "", false
	}
	code, err := currency.ParseCode(s)
	switch {
	case err == nil:
		return code, true
	case errors.Is(err, currency.ErrMalformedCode):
		q.fail(name, "must be a three-letter ISO 4217 code such as USD")
	case errors.Is(err, currency.ErrUnsupportedCode):
		q.fail(name, err.Error()+"; GET /currencies lists the supported codes")
	default:
		q.fail(name, err.Error())
	}
	return "", false
}

// codes reads a comma-separated list of currency codes.
func (q *query) codes(name string) []currency.Code {
	s, ok := q.raw(name)
	if !ok {
		return nil
	}
	var out []currency.Code
	for part := range strings.SplitSeq(s, ",") {
		code, err := currency.ParseCode(part)
		if err != nil {
			if errors.Is(err, currency.ErrMalformedCode) {
				err = fmt.Errorf("%q is not a three-letter ISO 4217 code", part)
			}
			q.fail(name, err.Error())
			continue
		}
		if !slices.Contains(out, code) {
			out = append(out, code)
		}
	}
	return out
}

// amount reads a non-negative decimal amount, 1 when absent.
func (q *query) amount(name string) apd.Decimal {
	s, ok := q.raw(name)
	if !ok {
		return *apd.New(1, 0)
	}
	d, err := currency.ParseAmount(s)
	if err != nil {
		q.fail(name, err.Error())
	}
	return d
}

// date reads an optional publication date between the first ECB
// publication and today. "Today" is taken at UTC+14, the earliest time zone,
// so no client anywhere is refused its own current date.
func (q *query) date(name string, now time.Time) (currency.Date, bool) {
	s, ok := q.raw(name)
	if !ok {
		return 0, false
	}
	d, err := currency.ParseDate(s)
	switch {
	case err != nil:
		q.fail(name, err.Error())
	case d < currency.FirstDate:
		q.fail(name, "must not be before "+currency.FirstDate.String()+", the first ECB publication")
	case d > currency.DateOf(now.In(earliestZone)):
		q.fail(name, "must not be in the future")
	default:
		return d, true
	}
	return 0, false
}

var earliestZone = time.FixedZone("UTC+14", 14*3600)
