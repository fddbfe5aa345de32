package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
	"github.com/currency-convertor-ecs/currency-api/internal/rates"
)

// seriesRoutes are the time-series routes of our own API.
func seriesRoutes(cfg Config) []route {
	return []route{
		{"/timeseries", handleTimeseries(cfg.Logger, cfg.Rates, cfg.Now, cfg.Version)},
		{"/fluctuation", handleFluctuation(cfg.Logger, cfg.Rates, cfg.Now)},
	}
}

// seriesRange is a request for the publications between two dates, read
// and looked up: what /timeseries and /fluctuation share.
type seriesRange struct {
	answer rates.Answer   // the store's answer for the end date: freshness and cache lifetime
	pubs   currency.Range // every publication from the one in force on start_date to the one on end_date
	base   currency.Code
	baseOK bool            // base was read without a problem
	asked  []currency.Code // the symbols parameter, nil when absent
	ended  bool            // end_date was given
}

// seriesRange reads base, symbols, start_date and end_date and looks the
// range up with one read of the history: the answer for end_date (the
// newest publication when absent) carries the history the range is taken
// from, so the freshness and the publications cannot disagree. Problems with
// base and symbols stay in q for the caller, which checks them against the
// range; problems with the dates end the request here, since without them
// there is no range to check anything against.
func (q *query) seriesRange(store Rates, at time.Time) (seriesRange, error) {
	s := seriesRange{base: currency.EUR, baseOK: true}
	if _, present := q.raw("base"); present {
		s.base, s.baseOK = q.code("base", true)
	}
	s.asked = q.codes("symbols")
	start := q.requiredDate("start_date", at)
	_, s.ended = q.raw("end_date")
	end := q.date("end_date", at)
	if start != 0 && end != 0 && end < start {
		q.fail("end_date", "must not be before start_date, "+start.String())
	}
	if q.failed("start_date") || q.failed("end_date") {
		return s, q.err()
	}
	answer, ok := store.Lookup(at, end)
	if !ok {
		return s, errNoRates
	}
	if end == 0 {
		// A start after the newest publication (today, before 16:00 CET)
		// is a range of one: the newest, the publication in force on it.
		end = max(answer.Table.Date, start)
	}
	s.answer = answer
	s.pubs = answer.History.Range(start, end)
	if s.pubs.Len() == 0 {
		// Dates start at the first ECB publication, which the embedded
		// history holds: only an empty history gets here.
		return s, errNoRates
	}
	return s, nil
}

// requiredDate reads a date that must be given.
func (q *query) requiredDate(name string, now time.Time) currency.Date {
	if _, n := q.lookup(name); n == 0 {
		if !q.malformed {
			q.fail(name, "is required: a date YYYY-MM-DD from "+currency.FirstDate.String()+" to today")
		}
		return 0
	}
	return q.date(name, now)
}

// first and last are the range's first and last publications.
func (s seriesRange) first() currency.Table { return s.pubs.Table(0) }
func (s seriesRange) last() currency.Table  { return s.pubs.Table(s.pubs.Len() - 1) }

// noRateIn explains why code has no rate anywhere in s.
func (s seriesRange) noRateIn(code currency.Code) string {
	msg := fmt.Sprintf("%s for %s from %s to %s", currency.ErrNoRate, code, s.first().Date, s.last().Date)
	if first, last, ok := s.answer.History.Span(code); ok {
		if first <= s.last().Date && s.first().Date <= last {
			return msg + ": the ECB published none in that time"
		}
		return msg + fmt.Sprintf(" (published from %s to %s)", first, last)
	}
	return msg
}

// seriesSymbols checks base and symbols against every publication of the
// range, and returns the currencies a time series holds, in code order:
// those asked for, the base included when asked for (its rate is 1 on every
// publication where it has one, as /convert answers a same-currency pair),
// or without symbols every one with a rate somewhere in the range but the
// base, as /rates leaves it out. A currency asked for must have a rate on
// at least one publication of the range; on the others it is simply
// absent, as the ECB published nothing for it.
func (q *query) seriesSymbols(s seriesRange) []currency.Code {
	present := s.pubs.Codes()
	if s.baseOK && !slices.Contains(present, s.base) {
		q.fail("base", s.noRateIn(s.base))
	}
	var out []currency.Code
	if s.asked != nil {
		for _, code := range s.asked {
			if !slices.Contains(present, code) {
				q.fail("symbols", s.noRateIn(code))
			}
		}
		out = slices.Clone(s.asked)
	} else {
		out = make([]currency.Code, 0, len(present))
		for _, code := range present {
			if code != s.base {
				out = append(out, code)
			}
		}
	}
	slices.Sort(out)
	if values := s.pubs.Len() * len(out); values > maxSeriesValues {
		perAnswer := maxSeriesValues / len(out)
		// The detail names what was asked: a request without end_date or
		// symbols got their defaults.
		to, which, fewer := "to the newest publication", "every currency published in the range", "ask for a few currencies with symbols"
		if s.ended {
			to = "to end_date"
		}
		if s.asked != nil {
			which, fewer = "the currencies in symbols", "ask for fewer symbols"
		}
		q.fail("start_date", fmt.Sprintf(
			"from start_date %s %s, for %s, is %d publications × %d currencies = %d values, more than the %d one answer holds: "+
				"split the range into parts of at most %d publications (the first from %s to %s), or %s",
			s.first().Date, to, which, s.pubs.Len(), len(out), values, maxSeriesValues, perAnswer, s.first().Date, s.pubs.Table(perAnswer-1).Date, fewer))
	}
	return out
}

// seriesFormat reads format: false for JSON, its default, true for CSV. The
// format is a parameter, not Accept: CloudFront's cache key holds every
// query string but no Accept header, so a negotiated body would be served
// from the cache to a client that asked for the other one.
func (q *query) seriesFormat() (csv bool) {
	s, ok := q.raw("format")
	if !ok {
		return false
	}
	switch s {
	case "json":
		return false
	case "csv":
		return true
	}
	q.fail("format", "must be json or csv")
	return false
}

// seriesChunk is how much of a time series is computed before it is
// written: the whole answer is never held, however long the range.
const seriesChunk = 32 << 10

var (
	headerCSV = []string{"text/csv; charset=utf-8"}
	csvCRLF   = "\r\n" // RFC 4180 ends lines with CRLF
)

func handleTimeseries(logger *slog.Logger, store Rates, now func() time.Time, version string) http.Handler {
	return serveAPI(logger, func(w http.ResponseWriter, r *http.Request) error {
		at := now()
		q := parseQuery(r, "base", "symbols", "start_date", "end_date", "format")
		csv := q.seriesFormat()
		s, err := q.seriesRange(store, at)
		if err != nil {
			return err
		}
		symbols := q.seriesSymbols(s)
		if err := q.err(); err != nil {
			return err
		}

		// Everything that decides the body is known before it is computed,
		// so its entity tag is too: a publication held never changes (see
		// History.Merge), so the range's first and last dates and its count
		// stand for its rates, and the version for the code that formats
		// them.
		etag := seriesETag(version, csv, s, symbols)
		h := w.Header()
		if s.answer.Stale {
			h[staleHeader] = headerTrue
		} else {
			h[staleHeader] = headerFalse
		}
		h["Cache-Control"] = cacheControl(s.answer)
		h["Etag"] = []string{etag}
		if matchesETag(r.Header["If-None-Match"], etag) {
			w.WriteHeader(http.StatusNotModified)
			return nil
		}
		if csv {
			h["Content-Type"] = headerCSV
			h["Content-Disposition"] = []string{fmt.Sprintf(`attachment; filename="timeseries-%s-%s-%s.csv"`, s.base, s.first().Date, s.last().Date)}
		} else {
			h["Content-Type"] = headerJSON
		}
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodHead {
			return nil
		}
		out := &chunkWriter{ctx: r.Context(), w: w, buf: make([]byte, 0, seriesChunk+4096)}
		if csv {
			writeSeriesCSV(out, s, symbols)
		} else {
			writeSeriesJSON(out, s, symbols)
		}
		out.flush()
		// The status is sent: a failure now can only end the body early.
		// It is logged once, and the connection reset: returning would let
		// net/http end the chunked body cleanly, so a short CSV would look
		// complete. recoverPanics and net/http pass ErrAbortHandler on
		// without logging it again, and the access line is still written.
		if out.err != nil {
			logger.Warn("stream aborted", "route", "/timeseries", "error", out.err,
				"bytes_written", out.written, "request_id", requestIDOf(w))
			panic(http.ErrAbortHandler)
		}
		return nil
	})
}

// seriesETag is the strong entity tag of a time series, a hash of what
// decides its bytes.
func seriesETag(version string, csv bool, s seriesRange, symbols []currency.Code) string {
	b := make([]byte, 0, 256)
	b = append(b, "timeseries\n"...)
	b = append(b, version...)
	b = append(b, '\n')
	b = strconv.AppendBool(b, csv)
	b = append(b, '\n')
	b = append(b, s.base...)
	b = append(b, '\n')
	for _, code := range symbols {
		b = append(b, code...)
		b = append(b, ',')
	}
	b = append(b, '\n')
	b, _ = s.first().Date.AppendText(b)
	b = append(b, '\n')
	b, _ = s.last().Date.AppendText(b)
	b = append(b, '\n')
	b = strconv.AppendInt(b, int64(s.pubs.Len()), 10)
	b = append(b, '\n')
	b = strconv.AppendBool(b, s.answer.Stale)
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

// chunkWriter collects a body and writes it in chunks of about
// seriesChunk bytes. The first failure, of a write or of the request's
// context (the client gone), is kept, and everything after it dropped.
type chunkWriter struct {
	ctx     context.Context
	w       io.Writer
	buf     []byte
	written int64
	err     error
}

// full writes the buffer when it holds a chunk, and reports whether the
// body must stop.
func (c *chunkWriter) full() bool {
	if len(c.buf) >= seriesChunk {
		c.flush()
	}
	return c.err != nil
}

func (c *chunkWriter) flush() {
	if c.err == nil && len(c.buf) > 0 {
		if c.err = c.ctx.Err(); c.err == nil {
			var n int
			n, c.err = c.w.Write(c.buf)
			c.written += int64(n)
		}
	}
	c.buf = c.buf[:0]
}

// appendCrossRate appends the rate of code against base on t as /rates
// writes it, and reports false when t has no rate for either.
func appendCrossRate(b []byte, t currency.Table, base, code currency.Code) ([]byte, bool, error) {
	if !t.Has(code) || !t.Has(base) {
		return b, false, nil
	}
	rate, err := t.CrossRate(base, code)
	if err != nil {
		return b, false, err
	}
	return rate.Append(b, 'f'), true, nil
}

// writeSeriesJSON writes {"base","start_date","end_date","stale","rates"},
// rates keyed by publication date in date order, each day's currencies in
// code order, as encoding/json orders a map. A day lists the currencies
// with a rate that day: the ECB published none for a withdrawn currency
// after its withdrawal or during a gap (ISK, 2008 to 2018), and a day
// without a rate for the base is an empty object, so every publication of
// the range is a key.
func writeSeriesJSON(out *chunkWriter, s seriesRange, symbols []currency.Code) {
	b := append(out.buf, `{"base":"`...)
	b = append(b, s.base...)
	b = append(b, `","start_date":"`...)
	b, _ = s.first().Date.AppendText(b)
	b = append(b, `","end_date":"`...)
	b, _ = s.last().Date.AppendText(b)
	b = append(b, `","stale":`...)
	b = strconv.AppendBool(b, s.answer.Stale)
	b = append(b, `,"rates":{`...)
	out.buf = b
	for i := range s.pubs.Len() {
		t := s.pubs.Table(i)
		b := out.buf
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b, _ = t.Date.AppendText(b)
		b = append(b, `":{`...)
		n := 0
		for _, code := range symbols {
			mark := len(b)
			if n > 0 {
				b = append(b, ',')
			}
			b = append(b, '"')
			b = append(b, code...)
			b = append(b, `":`...)
			var ok bool
			var err error
			if b, ok, err = appendCrossRate(b, t, s.base, code); err != nil {
				out.buf, out.err = b, err
				return
			}
			if !ok {
				b = b[:mark]
				continue
			}
			n++
		}
		out.buf = append(b, '}')
		if out.full() {
			return
		}
	}
	out.buf = append(out.buf, "}}\n"...)
}

// writeSeriesCSV writes the series wide, as a spreadsheet charts it: a
// header "date" then the currencies, then one line per publication, oldest
// first, with an empty cell where the ECB published no rate. No field needs
// quoting: dates, codes and plain decimals have no comma, quote or line
// break.
func writeSeriesCSV(out *chunkWriter, s seriesRange, symbols []currency.Code) {
	b := append(out.buf, "date"...)
	for _, code := range symbols {
		b = append(b, ',')
		b = append(b, code...)
	}
	out.buf = append(b, csvCRLF...)
	for i := range s.pubs.Len() {
		t := s.pubs.Table(i)
		b, _ := t.Date.AppendText(out.buf)
		for _, code := range symbols {
			b = append(b, ',')
			var err error
			if b, _, err = appendCrossRate(b, t, s.base, code); err != nil {
				out.buf, out.err = b, err
				return
			}
		}
		out.buf = append(b, csvCRLF...)
		if out.full() {
			return
		}
	}
}
