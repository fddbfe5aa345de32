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
	params []param
	errs   []paramError
	// malformed is set when some part of the query string could not be
	// read: a parameter missing from params may be in that part, so it is
	// not reported as missing.
	malformed bool
}

// param is one name of the query string, its first value and how many
// times it was given.
type param struct {
	name, value string
	count       int
}

// maxInlineParams covers every valid request: no endpoint takes more.
const maxInlineParams = 4

// parseQuery splits the query string and rejects malformed escapes, unknown
// parameters (a typo must not silently become a default) and repetitions.
// The parts that can be read are kept, so their problems are reported too.
// It reads the query string as url.ParseQuery does (pairs split on "&",
// a ";" refused, "+" and %-escapes decoded) without building url.Values:
// this runs on every request.
func parseQuery(r *http.Request, known ...string) query {
	q := query{params: make([]param, 0, maxInlineParams)}
	for rest := r.URL.RawQuery; rest != ""; {
		var pair string
		pair, rest, _ = strings.Cut(rest, "&")
		if pair == "" {
			continue
		}
		if strings.Contains(pair, ";") {
			q.malformed = true
			continue
		}
		name, value, _ := strings.Cut(pair, "=")
		name, okName := unescape(name)
		value, okValue := unescape(value)
		if !okName || !okValue {
			q.malformed = true
			continue
		}
		q.add(name, value)
	}
	if q.malformed {
		q.fail("query", "is not a valid URL query string")
	}
	if len(q.params) == 0 {
		return q
	}
	// Problems are reported in name order, whatever order they came in.
	var bad []param
	for _, p := range q.params {
		if !slices.Contains(known, p.name) || p.count > 1 {
			bad = append(bad, p)
		}
	}
	slices.SortFunc(bad, func(a, b param) int { return strings.Compare(a.name, b.name) })
	for _, p := range bad {
		switch {
		case !slices.Contains(known, p.name) && len(known) == 0:
			q.fail(p.name, "is not a parameter of this endpoint, which takes none")
		case !slices.Contains(known, p.name):
			q.fail(p.name, "is not a parameter of this endpoint; known parameters: "+strings.Join(known, ", "))
		default:
			q.fail(p.name, "must be given at most once")
		}
	}
	return q
}

// unescape decodes a query component, and only allocates when it has to.
func unescape(s string) (string, bool) {
	plain := true
	for i := 0; i < len(s) && plain; i++ {
		plain = s[i] != '%' && s[i] != '+'
	}
	if plain {
		return s, true
	}
	out, err := url.QueryUnescape(s)
	return out, err == nil
}

func (q *query) add(name, value string) {
	for i := range q.params {
		if q.params[i].name == name {
			q.params[i].count++
			return
		}
	}
	q.params = append(q.params, param{name: name, value: value, count: 1})
}

func (q *query) fail(name, detail string) {
	q.errs = append(q.errs, paramError{Parameter: name, Detail: detail})
}

// err returns every problem found so far as one error, or nil.
func (q *query) err() error {
	if len(q.errs) == 0 {
		return nil
	}
	return &invalidParams{errs: q.errs}
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

// lookup returns how many times name was given, and its first value.
func (q *query) lookup(name string) (value string, count int) {
	for _, p := range q.params {
		if p.name == name {
			return p.value, p.count
		}
	}
	return "", 0
}

// raw returns a parameter's value; present is false when it is absent or was
// already reported as repeated.
func (q *query) raw(name string) (value string, present bool) {
	v, n := q.lookup(name)
	return v, n == 1
}

// code reads a currency code; required codes must be present.
func (q *query) code(name string, required bool) (currency.Code, bool) {
	s, n := q.lookup(name)
	if n != 1 {
		// A repeated parameter was reported already; it is not missing.
		if required && n == 0 && !q.malformed {
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
// publication and today, and returns 0 when it is absent or invalid.
// "Today" is taken at UTC+14, the earliest time zone, so no client anywhere
// is refused its own current date.
func (q *query) date(name string, now time.Time) currency.Date {
	s, ok := q.raw(name)
	if !ok {
		return 0
	}
	d, err := currency.ParseDate(s)
	switch {
	case err != nil:
		q.fail(name, err.Error())
	case d < currency.FirstDate:
		q.fail(name, "must not be before "+currency.FirstDate.String()+", the first ECB publication")
	case d > todayAnywhere(now):
		q.fail(name, "must not be in the future")
	default:
		return d
	}
	return 0
}

// todayAnywhere is the newest date a client anywhere may call today: the
// date at UTC+14, the earliest time zone.
func todayAnywhere(now time.Time) currency.Date { return currency.DateOf(now.In(earliestZone)) }

var earliestZone = time.FixedZone("UTC+14", 14*3600)
