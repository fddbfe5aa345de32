package server

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/cockroachdb/apd/v3"
)

// Cache-Control values shared by several handlers.
const (
	cacheNoStore = "no-store"
	// cacheFinal is for answers that can no longer change: rates of a past
	// publication. One day matches the CloudFront maximum TTL.
	cacheFinal = "public, max-age=86400"
	cacheDocs  = "public, max-age=3600"
)

// respond writes v as JSON with a strong ETag over the exact bytes sent, and
// answers 304 Not Modified when the client already holds them.
func respond(w http.ResponseWriter, r *http.Request, logger *slog.Logger, v any, cacheControl string) {
	body, err := json.Marshal(v)
	if err != nil {
		logger.Error("encode response", "error", err, "request_id", requestIDFrom(r.Context()))
		writeProblem(w, r, internalError())
		return
	}
	writeBody(w, r, "application/json; charset=utf-8", append(body, '\n'), cacheControl)
}

// writeBody sends body with validators; shared by JSON and the docs page.
func writeBody(w http.ResponseWriter, r *http.Request, contentType string, body []byte, cacheControl string) {
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	h := w.Header()
	h.Set("Cache-Control", cacheControl)
	h.Set("ETag", etag)
	if matchesETag(r.Header.Values("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
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

// number writes an exact decimal as a JSON number with all its digits.
func number(d *apd.Decimal) json.Number {
	return json.Number(d.Text('f'))
}
