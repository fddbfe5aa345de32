// Package minimal is the ceiling loadbench measures the service against: a
// plain Go JSON handler that answers every request with a fixed body of the
// same shape, size and Content-Type as the service's answer on that path,
// encoded anew each time, and does nothing else (no routing library, no
// validation, no logging, no arithmetic, no caching headers).
package minimal

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// ContentType is the service's Content-Type for JSON, so both send the same.
const ContentType = "application/json; charset=utf-8"

type conversion struct {
	From      string  `json:"from"`
	To        string  `json:"to"`
	Amount    float64 `json:"amount"`
	Rate      float64 `json:"rate"`
	Converted float64 `json:"converted"`
	Date      string  `json:"date"`
	Source    string  `json:"source"`
	Stale     bool    `json:"stale"`
	Timestamp string  `json:"timestamp"`
}

type table struct {
	Base      string             `json:"base"`
	Date      string             `json:"date"`
	Source    string             `json:"source"`
	Stale     bool               `json:"stale"`
	Timestamp string             `json:"timestamp"`
	Rates     map[string]float64 `json:"rates"`
}

type health struct {
	Status string `json:"status"`
}

// Handler answers /rates with a 33-currency rates table (about 770 bytes,
// like the service's), /health with a status, and every other path with one
// conversion (about 170 bytes, like /convert). The query is ignored.
func Handler() http.Handler {
	convert := conversion{
		From: "USD", To: "JPY", Amount: 100, Rate: 145.183078564, Converted: 14518,
		Date: "2025-05-09", Source: "snapshot", Stale: true, Timestamp: "2025-05-09T14:00:00Z",
	}
	rates := table{
		Base: "USD", Date: "2010-05-05", Source: "snapshot", Timestamp: "2010-05-05T14:00:00Z",
		Rates: map[string]float64{
			"AUD": 1.1025998143, "BGN": 1.5133085732, "BRL": 1.76926648097, "CAD": 1.0275456515,
			"CHF": 1.10840297122, "CNY": 6.82629216961, "CZK": 20.0232126277, "DKK": 5.75882079851,
			"EEK": 12.1066233364, "EUR": 0.773754255648, "GBP": 0.661637264005, "HKD": 7.76648096565,
			"HRK": 5.6132002476, "HUF": 214.198390591, "IDR": 9145.12534819, "INR": 44.9396471681,
			"JPY": 94.9086969978, "KRW": 1124.42742185, "LTL": 2.6716186939, "LVL": 0.546812132467,
			"MXN": 12.5958681523, "MYR": 3.23050139276, "NOK": 6.04805013928, "NZD": 1.39384091613,
			"PHP": 45.0154750851, "PLN": 3.11977715877, "RON": 3.22756112659, "RUB": 29.7980501393,
			"SEK": 7.46046115754, "SGD": 1.38532961931, "THB": 32.3351903435, "TRY": 1.51702259362,
			"ZAR": 7.60082017951,
		},
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body any = convert
		switch r.URL.Path {
		case "/rates":
			body = rates
		case "/health":
			body = health{Status: "healthy"}
		}
		w.Header().Set("Content-Type", ContentType)
		_ = json.NewEncoder(w).Encode(body)
	})
}

// ServiceHeaders is the minimal handler's conversion sent with the headers
// the service sends on a /convert answer and the minimal handler does not:
// a request ID, an entity tag, Cache-Control, X-Rates-Stale, nosniff, the
// two CORS headers and an explicit Content-Length, nine header map entries
// in all, as the service's. The values are fixed, of the service's lengths;
// nothing computes them. It is not the baseline: it measures what that
// header set alone costs net/http and the client, the part of the gap to
// the minimal handler that no handler sending those headers can close.
func ServiceHeaders() http.Handler {
	convert := conversion{
		From: "USD", To: "JPY", Amount: 100, Rate: 145.183078564, Converted: 14518,
		Date: "2025-05-09", Source: "snapshot", Stale: true, Timestamp: "2025-05-09T14:00:00Z",
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := json.Marshal(convert)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		body = append(body, '\n')
		// Shared value slices, assigned without canonicalizing: the cheapest
		// way to set them, so what remains is net/http's own cost.
		h := w.Header()
		h["Content-Type"] = headerJSON
		h["Etag"] = headerETag
		h["Cache-Control"] = headerCache
		h["X-Rates-Stale"] = headerStale
		h["X-Request-Id"] = headerID
		h["X-Content-Type-Options"] = headerNosniff
		h["Access-Control-Allow-Origin"] = headerOrigin
		h["Access-Control-Expose-Headers"] = headerExposed
		h["Content-Length"] = []string{strconv.Itoa(len(body))}
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	})
}

// The service's values on a /convert answer, as it sends them.
var (
	headerJSON    = []string{ContentType}
	headerETag    = []string{`"ac6f5306b8387c6e2dcbd91dcd6eef52"`}
	headerCache   = []string{"public, max-age=60, stale-while-revalidate=60"}
	headerStale   = []string{"true"}
	headerID      = []string{"915aa24a4622e52331bb93af5b5cb148"}
	headerNosniff = []string{"nosniff"}
	headerOrigin  = []string{"*"}
	headerExposed = []string{"ETag, X-Request-Id, X-Rates-Stale"}
)
