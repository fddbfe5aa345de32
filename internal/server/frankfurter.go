package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cockroachdb/apd/v3"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
	"github.com/currency-convertor-ecs/currency-api/internal/rates"
)

// The Frankfurter v1 API (api.frankfurter.dev/v1, and the same paths
// unprefixed on api.frankfurter.app), so its clients work here unchanged:
//
//	/v1/latest, /v1/{date}, /v1/{start}..{end}, /v1/{start}.., /v1/currencies
//
// with from|base, to|symbols and amount. Shapes, field names, date
// semantics and error statuses are Frankfurter's; the values are exact
// (Table.Quote), where Frankfurter rounds them into magnitude bands.

// frankfurterRoutes are the Frankfurter routes with literal paths. The date
// paths (/v1/{date}, /{start}..{end}, ...) cannot be mux patterns beside
// routes.go's method-less ones; frankfurterFallback, on routes.go's
// catch-all "/", serves them.
func frankfurterRoutes(cfg Config) []route {
	f := &frankfurter{logger: cfg.Logger, store: cfg.Rates, now: cfg.Now}
	return []route{
		{"/latest", f.serve(f.latest)},
		{"/v1/latest", f.serve(f.latest)},
		{"/v1/current", f.serve(f.latest)},
		{"/v1/currencies", f.serve(f.currencies)},
	}
}

// frankfurterFallback serves Frankfurter's date paths, /{date},
// /{start}..{end} and /{start}.. (api.frankfurter.app) and the same under
// /v1/, and hands every other request to next. It serves the
// catch-all "/" pattern of routes.go: a GET /{x} route cannot be registered
// beside the method-less /health, /convert, ... patterns (the mux refuses
// them as conflicting), and the method-less /v1/{segment} beside GET
// /v1/{segment} answers 405 to a POST /v1/anything, where an unknown path
// must get 404. Here only a date path gets 405 for another method.
func frankfurterFallback(cfg Config, next http.Handler) http.Handler {
	f := &frankfurter{logger: cfg.Logger, store: cfg.Rates, now: cfg.Now}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		segment, v1 := strings.CutPrefix(r.URL.Path, "/v1/")
		if !v1 {
			segment = strings.TrimPrefix(r.URL.Path, "/")
		}
		if strings.Contains(segment, "/") || !datePath(segment) {
			next.ServeHTTP(w, r)
			return
		}
		// The mux matched "/"; the access line and its metrics name the
		// route the way the spec does, not "unmatched".
		r.Pattern = "/{dates}"
		if v1 {
			r.Pattern = "/v1/{dates}"
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			handleMethodNotAllowed().ServeHTTP(w, r)
			return
		}
		f.serveDatePath(w, r, segment)
	})
}

type frankfurter struct {
	logger *slog.Logger
	store  Rates
	now    func() time.Time
}

func (f *frankfurter) serveDatePath(w http.ResponseWriter, r *http.Request, segment string) {
	start, end, isRange := strings.Cut(segment, "..")
	if !isRange {
		f.serve(func(w http.ResponseWriter, r *http.Request) error { return f.day(w, r, start) }).ServeHTTP(w, r)
		return
	}
	f.serve(func(w http.ResponseWriter, r *http.Request) error { return f.series(w, r, start, end) }).ServeHTTP(w, r)
}

// datePath reports whether segment has the shape of Frankfurter's date
// routes: YYYY-MM-DD, YYYY-MM-DD..YYYY-MM-DD or YYYY-MM-DD.. . Whether the
// dates exist is checked later, so 2024-02-30 gets Frankfurter's 422, not
// a 404 as an unknown path.
func datePath(segment string) bool {
	start, end, isRange := strings.Cut(segment, "..")
	return dateShaped(start) && (!isRange || end == "" || dateShaped(end))
}

func dateShaped(s string) bool {
	if len(s) != len(currency.DateLayout) {
		return false
	}
	for i := range len(s) {
		if (i == 4 || i == 7) != (s[i] == '-') || (s[i] != '-' && (s[i] < '0' || s[i] > '9')) {
			return false
		}
	}
	return true
}

// frankfurterError is an error answered in Frankfurter's shape,
// {"message": "..."}, with its statuses: 422 for input it cannot read (a
// date, an amount, the query string), 404 for input that names nothing it
// has (a currency, a date before the first publication or in the future).
// Every problem found is in the message, so a client fixes them at once.
type frankfurterError struct {
	status   int
	problems []string
}

func (e *frankfurterError) Error() string { return strings.Join(e.problems, "; ") }

// problems collects a request's problems with their status.
type problems struct {
	unreadable []string // 422
	missing    []string // 404
}

func (p *problems) invalid(msg string)  { p.unreadable = append(p.unreadable, msg) }
func (p *problems) notFound(msg string) { p.missing = append(p.missing, msg) }

// err returns every problem as one error: 422 when any input could not be
// read, since a 404 about the rest would send the client the wrong way.
func (p *problems) err() error {
	switch {
	case len(p.unreadable) > 0:
		return &frankfurterError{http.StatusUnprocessableEntity, append(p.unreadable, p.missing...)}
	case len(p.missing) > 0:
		return &frankfurterError{http.StatusNotFound, p.missing}
	}
	return nil
}

// serve answers a handler's error in Frankfurter's shape. A server fault is
// logged here, once, and answered without detail.
func (f *frankfurter) serve(h apiHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		var fe *frankfurterError
		switch {
		case errors.As(err, &fe):
		case errors.Is(err, errNoRates):
			f.logger.Error("no rates", "error", err, "request_id", requestIDOf(w))
			fe = &frankfurterError{http.StatusServiceUnavailable, []string{errNoRates.Error()}}
		default:
			f.logger.Error("internal error", "error", err, "request_id", requestIDOf(w))
			fe = &frankfurterError{http.StatusInternalServerError, []string{"internal error"}}
		}
		writeFrankfurterError(w, r, fe)
	})
}

// writeFrankfurterError sends {"message": ...} as Frankfurter does, as
// application/json; errors are never cached.
func writeFrankfurterError(w http.ResponseWriter, r *http.Request, e *frankfurterError) {
	body, err := json.Marshal(struct {
		Message string `json:"message"`
	}{e.Error()})
	if err != nil {
		body = []byte(`{"message":"internal error"}`) // a string always marshals
	}
	body = append(body, '\n')
	h := w.Header()
	h.Del("ETag")
	h["Content-Type"] = headerJSON
	h["Cache-Control"] = headerNoStore
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// frankfurterQuery is a request's amount, base and targets.
type frankfurterQuery struct {
	amount  apd.Decimal
	base    currency.Code
	symbols []currency.Code // nil: every currency of each publication
	baseOK  bool            // base was read; its rate is still to be checked
}

// frankfurterParams are the parameters the Frankfurter routes read.
var frankfurterParams = []string{"amount", "base", "from", "symbols", "to"}

// frankfurterQueryErrors reports the problems of the query string itself
// (malformed, or one of known given twice: ambiguous). Frankfurter ignores
// parameters it does not know, and so do its routes here: a client's cache
// buster (jQuery's _=<time>) must not turn an answer into an error.
func frankfurterQueryErrors(r *http.Request, p *problems, known ...string) query {
	q := parseQuery(r, known...)
	// A parameter may itself be named "query": only the malformed flag
	// says the query string could not be read, and parseQuery reports that
	// problem first.
	for i, e := range q.errs {
		if (i == 0 && q.malformed) || slices.Contains(known, e.Parameter) {
			p.invalid(e.Parameter + " " + e.Detail)
		}
	}
	return q
}

// parseFrankfurterQuery reads amount, from|base and to|symbols; any other
// parameter is ignored, as Frankfurter does.
func parseFrankfurterQuery(r *http.Request, p *problems) frankfurterQuery {
	q := frankfurterQueryErrors(r, p, frankfurterParams...)
	out := frankfurterQuery{amount: *apd.New(1, 0), base: currency.EUR, baseOK: true}
	if s, ok := q.raw("amount"); ok {
		d, err := currency.ParseAmount(s)
		switch {
		case err != nil:
			p.invalid("invalid amount: " + err.Error())
		case d.IsZero():
			// Frankfurter refuses amounts that are not positive.
			p.invalid("invalid amount: must be greater than zero")
		default:
			out.amount = d
		}
	}
	if s, ok := alias(q, "from", "base"); ok {
		out.base, out.baseOK = parseFrankfurterCode(p, s)
	}
	if s, ok := alias(q, "to", "symbols"); ok {
		out.symbols = []currency.Code{}
		for part := range strings.SplitSeq(s, ",") {
			if code, ok := parseFrankfurterCode(p, part); ok && !slices.Contains(out.symbols, code) {
				out.symbols = append(out.symbols, code)
			}
		}
	}
	return out
}

// alias reads a parameter that has two names: Frankfurter takes either, and
// name when both are given (values_at(:from, :base).compact.first).
func alias(q query, name, other string) (string, bool) {
	if _, n := q.lookup(name); n > 0 {
		return q.raw(name)
	}
	return q.raw(other)
}

// parseFrankfurterCode reads a code, case-insensitively as Frankfurter
// does. A code the ECB does not publish is a 404, as on Frankfurter.
func parseFrankfurterCode(p *problems, s string) (currency.Code, bool) {
	code, err := currency.ParseCode(s)
	switch {
	case err == nil:
		return code, true
	case errors.Is(err, currency.ErrMalformedCode):
		p.notFound(fmt.Sprintf("not found: %q is not a three-letter currency code", s))
	default:
		p.notFound("not found: " + err.Error() + "; GET /v1/currencies lists the codes")
	}
	return "", false
}

// parseFrankfurterDate reads a date of the path. An impossible date is a
// 422, as Frankfurter's "invalid date".
func parseFrankfurterDate(p *problems, s string) (currency.Date, bool) {
	d, err := currency.ParseDate(s)
	if err != nil {
		p.invalid(fmt.Sprintf("invalid date: %s is not a calendar date in the form YYYY-MM-DD", s))
		return 0, false
	}
	return d, true
}

func (f *frankfurter) latest(w http.ResponseWriter, r *http.Request) error {
	return f.answerDay(w, r, 0, true, &problems{})
}

func (f *frankfurter) day(w http.ResponseWriter, r *http.Request, s string) error {
	var p problems
	date, ok := parseFrankfurterDate(&p, s)
	switch {
	case !ok:
	case date < currency.FirstDate:
		p.notFound("not found: there are no ECB rates before " + currency.FirstDate.String())
		ok = false
	case date > todayAnywhere(f.now()):
		p.notFound("not found: " + date.String() + " is in the future")
		ok = false
	}
	return f.answerDay(w, r, date, ok, &p)
}

// answerDay answers the publication in force on date, the newest when 0:
// a weekend or holiday gets the publication before it, and "date" says
// which. Without a usable date there is no table to check the codes
// against, so the problems known so far are the answer.
func (f *frankfurter) answerDay(w http.ResponseWriter, r *http.Request, date currency.Date, dateOK bool, p *problems) error {
	q := parseFrankfurterQuery(r, p)
	if !dateOK || len(p.unreadable) > 0 {
		return p.err()
	}
	found, ok := f.store.Lookup(f.now(), date)
	if !ok {
		if date == 0 {
			return errNoRates
		}
		p.notFound("not found: no ECB rates on or before " + date.String())
		return p.err()
	}
	checkCodes(p, found.Table, q)
	if err := p.err(); err != nil {
		return err
	}
	body := newJSONObject()
	defer body.free()
	body.decimal("amount", &q.amount)
	body.str("base", string(q.base))
	body.date("date", found.Table.Date)
	out := body.object("rates")
	if err := writeQuotes(&out, found.Table, q); err != nil {
		return err
	}
	out.close()
	return respond(w, r, body.end(), found)
}

// checkCodes reports the base and targets without a rate in t.
func checkCodes(p *problems, t currency.Table, q frankfurterQuery) {
	if _, err := t.Rate(q.base); q.baseOK && err != nil {
		p.notFound("not found: " + err.Error())
	}
	for _, code := range q.symbols {
		if _, err := t.Rate(code); err != nil {
			p.notFound("not found: " + err.Error())
		}
	}
}

// targets are the currencies of one publication's rates: the ones asked
// for, or every one published but the base, as Frankfurter lists them. The
// base itself only when asked for: its rate is 1 (Frankfurter v1 refused
// the pair with "bad currency pair"; its #51 asked for the 1).
func targets(t currency.Table, q frankfurterQuery) []currency.Code {
	if q.symbols != nil {
		out := slices.Clone(q.symbols)
		slices.Sort(out)
		return out
	}
	all := t.Codes()
	return slices.DeleteFunc(all, func(c currency.Code) bool { return c == q.base })
}

// writeQuotes writes amount × rate of each target into o, in code order as
// Frankfurter sorts them.
func writeQuotes(o *jsonObject, t currency.Table, q frankfurterQuery) error {
	return writeCodes(o, t, q, targets(t, q))
}

// writeCodes writes amount × rate of each of codes into o.
func writeCodes(o *jsonObject, t currency.Table, q frankfurterQuery, codes []currency.Code) error {
	for _, code := range codes {
		v, err := t.Quote(q.base, code, &q.amount)
		if err != nil {
			return err
		}
		o.decimal(string(code), &v)
	}
	return nil
}

// series answers every publication from the one in force on start to the
// newest on or before end (today when end is empty): a start on a weekend
// begins at the Friday before it, as Frankfurter does. Nothing is sampled,
// but a day without a rate asked for is answered as Frankfurter answers it
// (seriesDays); maxSeriesValues bounds the answer.
func (f *frankfurter) series(w http.ResponseWriter, r *http.Request, startText, endText string) error {
	var p problems
	start, ok := parseFrankfurterDate(&p, startText)
	end := currency.Date(0)
	if endText != "" {
		var endOK bool
		end, endOK = parseFrankfurterDate(&p, endText)
		ok = ok && endOK
	}
	if ok {
		switch {
		case start > todayAnywhere(f.now()):
			p.notFound("not found: the range starts in the future, on " + start.String())
			ok = false
		case end != 0 && end < start:
			p.notFound("not found: the range ends on " + end.String() + ", before it starts on " + start.String())
			ok = false
		case end != 0 && end < currency.FirstDate:
			p.notFound("not found: there are no ECB rates before " + currency.FirstDate.String())
			ok = false
		}
	}
	q := parseFrankfurterQuery(r, &p)
	if !ok || len(p.unreadable) > 0 {
		return p.err()
	}
	// One read of the history: the answer's freshness is that of its end.
	found, held := f.store.Lookup(f.now(), end)
	if !held {
		if end == 0 {
			return errNoRates
		}
		p.notFound("not found: no ECB rates on or before " + end.String())
		return p.err()
	}
	if end == 0 || end > found.History.Latest() {
		end = found.History.Latest()
	}
	// A start after the newest publication (a weekend, today before 16:00)
	// is in force from it: Frankfurter's between starts at the publication
	// on or before start.
	start = min(start, end)
	rng := found.History.Range(start, end)
	if rng.Len() == 0 {
		p.notFound("not found: no ECB rates from " + start.String() + " to " + end.String())
		return p.err()
	}
	if err := p.err(); err != nil {
		return err
	}
	days := seriesDays(rng, q)
	if len(days) == 0 {
		codes := []string{string(q.base)}
		if q.base == currency.EUR {
			codes = nil
		}
		for _, c := range q.symbols {
			if !slices.Contains(codes, string(c)) {
				codes = append(codes, string(c))
			}
		}
		p.notFound("not found: no ECB rates of " + strings.Join(codes, ", ") + " from " + start.String() + " to " + end.String())
		return p.err()
	}
	if err := checkSeriesSize(days); err != nil {
		return err
	}
	return writeSeries(w, r, days, q, found)
}

// seriesDay is one publication of a range and the targets it answers.
type seriesDay struct {
	table currency.Table
	codes []currency.Code
}

// seriesDays are the publications of rng as Frankfurter answers a range: a
// target is left out of a day without its rate, and a day without the
// base's rate, or left with no target, is left out (Frankfurter's rebase
// drops it; a day without rows for the symbols never appears).
func seriesDays(rng currency.Range, q frankfurterQuery) []seriesDay {
	var out []seriesDay
	for t := range rng.All() {
		if !t.Has(q.base) {
			continue
		}
		codes := slices.DeleteFunc(targets(t, q), func(c currency.Code) bool { return !t.Has(c) })
		if len(codes) > 0 {
			out = append(out, seriesDay{t, codes})
		}
	}
	return out
}

// checkSeriesSize keeps the answer within maxSeriesValues.
func checkSeriesSize(days []seriesDay) error {
	values := 0
	for _, d := range days {
		values += len(d.codes)
	}
	if values > maxSeriesValues {
		first, last := days[0].table.Date, days[len(days)-1].table.Date
		return &frankfurterError{http.StatusUnprocessableEntity, []string{fmt.Sprintf(
			"too many rates: %s..%s holds %d publications and %d rates, at most %d are answered at once; "+
				"ask for fewer currencies with symbols, or split the range", first, last, len(days), values, maxSeriesValues)}}
	}
	return nil
}

func writeSeries(w http.ResponseWriter, r *http.Request, days []seriesDay, q frankfurterQuery, found rates.Answer) error {
	body := newJSONObject()
	defer body.free()
	body.decimal("amount", &q.amount)
	body.str("base", string(q.base))
	body.date("start_date", days[0].table.Date)
	body.date("end_date", days[len(days)-1].table.Date)
	out := body.object("rates")
	for _, d := range days {
		day := out.object(d.table.Date.String())
		if err := writeCodes(&day, d.table, q, d.codes); err != nil {
			return err
		}
		day.close()
	}
	out.close()
	return respond(w, r, body.end(), found)
}

// currencies answers {code: name} for the currencies of the newest
// publication, the euro included, as Frankfurter lists the ones it can
// convert today. The names are the ECB's.
func (f *frankfurter) currencies(w http.ResponseWriter, r *http.Request) error {
	var p problems
	frankfurterQueryErrors(r, &p)
	if err := p.err(); err != nil {
		return err
	}
	found, ok := f.store.Lookup(f.now(), 0)
	if !ok {
		return errNoRates
	}
	names := map[currency.Code]string{}
	for _, c := range currency.Currencies() {
		names[c.Code] = c.Name
	}
	body := newJSONObject()
	defer body.free()
	for _, code := range found.Table.Codes() {
		body.str(string(code), names[code])
	}
	return respond(w, r, body.end(), found)
}
