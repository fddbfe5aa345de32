package server

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
)

// staleHeader tells clients, and caches in between, whether the rates behind
// a response are older than the ECB's schedule says they should be.
const staleHeader = "X-Rates-Stale"

func handleConvert(logger *slog.Logger, store Rates, now func() time.Time) http.Handler {
	return serveAPI(logger, func(w http.ResponseWriter, r *http.Request) error {
		at := now()
		q := parseQuery(r, "from", "to", "amount", "date")
		from, fromOK := q.code("from", true)
		to, toOK := q.code("to", true)
		amount := q.amount("amount")
		date := q.date("date", at)
		// Which currencies have a rate depends on the date; check them
		// whenever the date is known, so every problem is reported at once.
		if q.failed("date") {
			return q.err()
		}
		found, ok := store.Lookup(at, date)
		if !ok {
			return errNoRates
		}
		if _, err := found.Table.Rate(from); fromOK && err != nil {
			q.fail("from", err.Error())
		}
		if _, err := found.Table.Rate(to); toOK && err != nil {
			q.fail("to", err.Error())
		}
		if err := q.err(); err != nil {
			return err
		}
		c, err := found.Table.Convert(from, to, amount)
		if err != nil {
			return err
		}
		body := newJSONObject()
		defer body.free()
		body.str("from", string(c.From))
		body.str("to", string(c.To))
		body.decimal("amount", &c.Amount)
		body.decimal("rate", &c.Rate)
		body.decimal("converted", &c.Converted)
		body.date("date", c.Date)
		body.str("source", found.Table.Source)
		body.boolean("stale", found.Stale)
		body.timestamp("timestamp", currency.PublicationTime(c.Date), false)
		return respond(w, r, body.end(), found)
	})
}

func handleRates(logger *slog.Logger, store Rates, now func() time.Time) http.Handler {
	memo := &ratesMemo{}
	return serveAPI(logger, func(w http.ResponseWriter, r *http.Request) error {
		at := now()
		q := parseQuery(r, "base", "symbols", "date")
		base, baseOK := currency.EUR, true
		if _, present := q.raw("base"); present {
			base, baseOK = q.code("base", true)
		}
		symbols := q.codes("symbols")
		date := q.date("date", at)
		if q.failed("date") {
			return q.err()
		}
		found, ok := store.Lookup(at, date)
		if !ok {
			return errNoRates
		}
		if _, err := found.Table.Rate(base); baseOK && err != nil {
			q.fail("base", err.Error())
		}
		for _, code := range symbols {
			if _, err := found.Table.Rate(code); err != nil {
				q.fail("symbols", err.Error())
			}
		}
		if err := q.err(); err != nil {
			return err
		}
		body := newJSONObject()
		defer body.free()
		body.str("base", string(base))
		body.date("date", found.Table.Date)
		body.str("source", found.Table.Source)
		body.boolean("stale", found.Stale)
		body.timestamp("timestamp", currency.PublicationTime(found.Table.Date), false)
		table, err := memo.get(found.Table, base)
		if err != nil {
			return err
		}
		rates := body.object("rates")
		// Keys in code order, as encoding/json writes a map; the memo's
		// table is in that order already.
		for i, code := range table.codes {
			if symbols == nil || slices.Contains(symbols, code) {
				rates.number(string(code), table.texts[i])
			}
		}
		rates.close()
		return respond(w, r, body.end(), found)
	})
}

func handleCurrencies(logger *slog.Logger, store Rates, now func() time.Time) http.Handler {
	type entry struct {
		Code       currency.Code `json:"code"`
		Name       string        `json:"name"`
		MinorUnits int           `json:"minor_units"`
		FirstDate  currency.Date `json:"first_date"`
		LastDate   currency.Date `json:"last_date"`
	}
	type response struct {
		Currencies []entry `json:"currencies"`
	}
	return serveAPI(logger, func(w http.ResponseWriter, r *http.Request) error {
		at := now()
		q := parseQuery(r)
		if err := q.err(); err != nil {
			return err
		}
		// The newest rates decide how long the list may be cached: a new
		// publication can end a withdrawn currency's span.
		found, ok := store.Lookup(at, 0)
		if !ok {
			return errNoRates
		}
		var out response
		for _, c := range currency.Currencies() {
			first, last, ok := found.History.Span(c.Code)
			if !ok {
				continue
			}
			out.Currencies = append(out.Currencies, entry{c.Code, c.Name, c.MinorUnits, first, last})
		}
		body, err := json.Marshal(out)
		if err != nil {
			return err
		}
		return respond(w, r, append(body, '\n'), found)
	})
}

// Snapshot identifies the rates history embedded in the binary.
type Snapshot struct {
	Date   currency.Date `json:"date"`   // its newest publication
	SHA256 string        `json:"sha256"` // hex SHA-256 of its CSV, as the ECB publishes it
}

func handleHealth(logger *slog.Logger, store Rates, now func() time.Time, version string, hostIP func() string, snapshot Snapshot) http.Handler {
	type ratesStatus struct {
		Date       currency.Date `json:"date"`
		Source     string        `json:"source"`
		Stale      bool          `json:"stale"`
		Behind     bool          `json:"behind"`
		Expected   currency.Date `json:"expected"`
		NextDue    string        `json:"next_due"`
		AgeSeconds int64         `json:"age_seconds"`
	}
	type response struct {
		Status    string      `json:"status"`
		HostIP    string      `json:"host_ip"`
		Timestamp string      `json:"timestamp"`
		Version   string      `json:"version"`
		Rates     ratesStatus `json:"rates"`
		Snapshot  Snapshot    `json:"snapshot"`
	}
	return serveAPI(logger, func(w http.ResponseWriter, r *http.Request) error {
		at := now()
		st := store.Status(at)
		w.Header().Set(staleHeader, strconv.FormatBool(st.Stale))
		// Health reflects the process, not the upstream: stale rates are
		// still served, so the task stays healthy and says why it is stale.
		return respondJSON(w, r, response{
			Status:    "healthy",
			HostIP:    hostIP(),
			Timestamp: at.UTC().Format(time.RFC3339),
			Version:   version,
			Rates: ratesStatus{
				Date:       st.Latest,
				Source:     st.Source,
				Stale:      st.Stale,
				Behind:     st.Behind,
				Expected:   st.Expected,
				NextDue:    st.Due.UTC().Format(time.RFC3339),
				AgeSeconds: int64(st.Age / time.Second),
			},
			Snapshot: snapshot,
		}, cacheNoStore)
	})
}
