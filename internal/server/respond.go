package server

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/cockroachdb/apd/v3"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
	"github.com/currency-convertor-ecs/currency-api/internal/rates"
)

// Cache-Control values that do not depend on the rates.
const (
	cacheNoStore = "no-store"
	cacheDocs    = "public, max-age=3600"
)

// cacheControl is the Cache-Control header of an answer, the lifetime the
// store chose. The two lifetimes most answers get are formatted once, as
// shared header values.
func cacheControl(a rates.Answer) []string {
	switch {
	case a.Final && a.MaxAge == rates.MaxAgeFinal:
		return headerFinal
	case a.MaxAge == rates.MaxAgeBehind && a.Revalidate == rates.MaxAgeBehind:
		return headerBehind
	}
	v := "public, max-age=" + strconv.FormatInt(int64(a.MaxAge/time.Second), 10)
	if a.Revalidate > 0 {
		v += ", stale-while-revalidate=" + strconv.FormatInt(int64(a.Revalidate/time.Second), 10)
	}
	return []string{v}
}

var (
	cacheFinal  = "public, max-age=" + strconv.Itoa(int(rates.MaxAgeFinal/time.Second))
	cacheBehind = "public, max-age=" + strconv.Itoa(int(rates.MaxAgeBehind/time.Second)) +
		", stale-while-revalidate=" + strconv.Itoa(int(rates.MaxAgeBehind/time.Second))
)

// Header values shared by every response that carries them. net/http only
// reads a header's []string, so one slice can serve every response; it is
// never appended to in place (cap 1 makes any append copy).
var (
	headerJSON      = []string{"application/json; charset=utf-8"}
	headerTrue      = []string{"true"}
	headerFalse     = []string{"false"}
	headerNoStore   = []string{cacheNoStore}
	headerDocs      = []string{cacheDocs}
	headerFinal     = []string{cacheFinal}
	headerBehind    = []string{cacheBehind}
	headerNosniff   = []string{"nosniff"}
	headerAnyOrigin = []string{"*"}
)

// respond sends a JSON body answered from the rates: their staleness, and
// the cache lifetime the store chose.
func respond(w http.ResponseWriter, r *http.Request, body []byte, a rates.Answer) error {
	h := w.Header()
	if a.Stale {
		h[staleHeader] = headerTrue
	} else {
		h[staleHeader] = headerFalse
	}
	writeBody(w, r, headerJSON, body, cacheControl(a))
	return nil
}

// respondJSON encodes v with encoding/json, for the answers off the hot path.
func respondJSON(w http.ResponseWriter, r *http.Request, v any, cache string) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	writeBody(w, r, headerJSON, append(body, '\n'), []string{cache})
	return nil
}

// writeBody sends body with a strong ETag over its exact bytes, and answers
// 304 Not Modified when the client already holds them. It is shared by JSON
// and the docs page.
func writeBody(w http.ResponseWriter, r *http.Request, contentType []string, body []byte, cacheControl []string) {
	// The entity tag and the length share one string and one slice of
	// header values: two allocations for the two headers.
	sum := sha256.Sum256(body)
	var buf [2 + 32 + 20]byte
	b := append(buf[:0], '"')
	b = hex.AppendEncode(b, sum[:16])
	b = append(b, '"')
	b = strconv.AppendInt(b, int64(len(body)), 10)
	s := string(b)
	etag, length := s[:34], s[34:]
	values := []string{etag, length}
	h := w.Header()
	h["Cache-Control"] = cacheControl
	h["Etag"] = values[0:1:1]
	if matchesETag(r.Header["If-None-Match"], etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h["Content-Type"] = contentType
	h["Content-Length"] = values[1:2:2]
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// matchesETag applies If-None-Match (RFC 9110 §13.1.2): "*" or any listed
// entity tag equal to etag under weak comparison. A malformed header matches
// nothing, so the client simply gets the full response.
func matchesETag(headers []string, etag string) bool {
	for _, header := range headers {
		for candidate := range strings.SplitSeq(header, ",") {
			candidate = strings.TrimSpace(candidate)
			if candidate == "*" || strings.TrimPrefix(candidate, "W/") == etag {
				return true
			}
		}
	}
	return false
}

// jsonObject writes one JSON object member by member into a pooled buffer:
// the hot handlers' bodies are a handful of strings, exact decimals and a
// date, and reflection over a struct (encoding/json) cost more than the
// conversion itself. TestJSONObjectMatchesEncodingJSON checks its output
// against encoding/json.
type jsonObject struct {
	buf   *[]byte
	first bool
}

var bodyPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

func newJSONObject() jsonObject {
	buf := bodyPool.Get().(*[]byte)
	*buf = append((*buf)[:0], '{')
	return jsonObject{buf: buf, first: true}
}

// free returns the buffer to the pool; the body must not be used after.
func (o jsonObject) free() {
	if cap(*o.buf) <= 64<<10 { // a huge body once must not stay pinned
		bodyPool.Put(o.buf)
	}
}

// separate starts a member, for one written by hand.
func (o *jsonObject) separate() {
	if !o.first {
		*o.buf = append(*o.buf, ',')
	}
	o.first = false
}

func (o *jsonObject) key(k string) {
	o.separate()
	*o.buf = appendJSONString(*o.buf, k)
	*o.buf = append(*o.buf, ':')
}

func (o *jsonObject) integer(k string, v int64) {
	o.key(k)
	*o.buf = strconv.AppendInt(*o.buf, v, 10)
}

// milliseconds writes d in milliseconds, exactly, to the microsecond.
func (o *jsonObject) milliseconds(k string, d time.Duration) {
	o.key(k)
	us := d.Microseconds()
	if us < 0 {
		*o.buf = append(*o.buf, '-')
		us = -us
	}
	*o.buf = strconv.AppendInt(*o.buf, us/1000, 10)
	frac := us % 1000
	*o.buf = append(*o.buf, '.', byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10))
}

func (o *jsonObject) str(k, v string) {
	o.key(k)
	*o.buf = appendJSONString(*o.buf, v)
}

// decimal writes an exact decimal as a JSON number with all its digits.
func (o *jsonObject) decimal(k string, d *apd.Decimal) {
	o.key(k)
	*o.buf = d.Append(*o.buf, 'f')
}

// number writes text, already a valid JSON number, as it is.
func (o *jsonObject) number(k, text string) {
	o.key(k)
	*o.buf = append(*o.buf, text...)
}

func (o *jsonObject) boolean(k string, v bool) {
	o.key(k)
	*o.buf = strconv.AppendBool(*o.buf, v)
}

// date writes d as a YYYY-MM-DD string.
func (o *jsonObject) date(k string, d currency.Date) {
	o.key(k)
	*o.buf = append(*o.buf, '"')
	*o.buf, _ = d.AppendText(*o.buf)
	*o.buf = append(*o.buf, '"')
}

// timestamp writes t in UTC as RFC 3339, with nanoseconds when nanos is
// set ("2025-05-09T14:00:00Z", "2025-05-09T14:00:00.123456789Z"). It is on
// every response and every access line, where time.Format's layout parsing
// cost more than the rest of the line.
func (o *jsonObject) timestamp(k string, t time.Time, nanos bool) {
	o.key(k)
	// The date and the clock from whole seconds since the epoch, without
	// time.Time's calendar arithmetic (t.UTC().Date(), t.Clock()).
	secs := t.Unix()
	days := secs / 86400
	if secs%86400 < 0 {
		days--
	}
	sod := int(secs - days*86400)
	b := append(*o.buf, '"')
	b, _ = currency.Date(days).AppendText(b)
	b = append(b, 'T')
	b = appendDigits(b, sod/3600, 2)
	b = append(b, ':')
	b = appendDigits(b, sod/60%60, 2)
	b = append(b, ':')
	b = appendDigits(b, sod%60, 2)
	if nanos {
		b = append(b, '.')
		b = appendDigits(b, t.Nanosecond(), 9)
	}
	*o.buf = append(b, 'Z', '"')
}

// appendDigits appends v, at least 0, as exactly n decimal digits.
func appendDigits(b []byte, v, n int) []byte {
	for i := n - 1; i >= 0; i-- {
		b = append(b, 0)
	}
	for i := len(b) - 1; i >= len(b)-n; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return b
}

// object starts a nested object; close it before writing to o again.
func (o *jsonObject) object(k string) jsonObject {
	o.key(k)
	*o.buf = append(*o.buf, '{')
	return jsonObject{buf: o.buf, first: true}
}

// close ends a nested object.
func (o *jsonObject) close() { *o.buf = append(*o.buf, '}') }

// end ends the outermost object with a newline, as every JSON body here
// ends, and returns the body.
func (o *jsonObject) end() []byte {
	*o.buf = append(*o.buf, '}', '\n')
	return *o.buf
}

// appendJSONString quotes s as encoding/json does with HTML escaping off:
// quotes, backslashes and control characters escaped, invalid UTF-8
// replaced by U+FFFD, U+2028 and U+2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	// Almost every string here (keys, codes, IDs, paths) is plain ASCII
	// that needs no escape: find the first byte that might, with one table
	// load per byte, and copy everything before it at once.
	i := 0
	for i < len(s) && jsonPlain[s[i]] {
		i++
	}
	if i == len(s) {
		b = append(b, s...)
		return append(b, '"')
	}
	start := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// jsonPlain marks the bytes appendJSONString copies as they are: printable
// ASCII other than the quote and the backslash.
var jsonPlain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()
