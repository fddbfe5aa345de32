package server

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
)

// maxAgeStale is the cache lifetime of answers from stale rates: short, so
// clients see fresh rates soon after the upstream recovers.
const maxAgeStale = 60 * time.Second

// maxAgeCurrent caps the lifetime of answers from the newest rates.
const maxAgeCurrent = time.Hour

// staleHeader tells clients, and caches in between, whether the rates behind
// a response are older than the ECB's schedule says they should be.
const staleHeader = "X-Rates-Stale"

// lookup is the publication chosen for a request, with how long the answer
// may be cached and whether it is stale.
type lookup struct {
	table        currency.Table
	stale        bool
	cacheControl string
}

// resolve picks the table for an optional date. An answer about a date up to
// the newest publication held is final; anything later follows the newest
// rates and is stale when they are.
func (cfg Config) resolve(date currency.Date, dated bool, now time.Time) (lookup, bool) {
	history := cfg.Rates.History()
	if !dated || date > history.Latest() {
		date = history.Latest()
		table, ok := history.On(date)
		stale := cfg.Rates.Freshness(now).Stale
		return lookup{table: table, stale: stale, cacheControl: cfg.currentCacheControl(now, stale)}, ok
	}
	table, ok := history.On(date)
	return lookup{table: table, cacheControl: cacheFinal}, ok
}

// currentCacheControl lets the newest rates be cached until the next
// publication is due (capped), or briefly when they are stale.
func (cfg Config) currentCacheControl(now time.Time, stale bool) string {
	age := maxAgeStale
	if !stale {
		due := currency.NextPublication(now.Add(-cfg.Grace)).Add(cfg.Grace)
		age = min(due.Sub(now), maxAgeCurrent)
	}
	return "public, max-age=" + strconv.Itoa(int(age/time.Second))
}

// noRates answers the impossible case of an empty history: the embedded
// snapshot always holds rates, so this is a server fault.
func noRates(w http.ResponseWriter, r *http.Request) {
	writeProblem(w, r, plainProblem(http.StatusServiceUnavailable, "no exchange rates are loaded"))
}

func publishedAt(d currency.Date) string {
	return currency.PublicationTime(d).UTC().Format(time.RFC3339)
}

func handleConvert(cfg Config) http.Handler {
	type response struct {
		From      currency.Code `json:"from"`
		To        currency.Code `json:"to"`
		Amount    json.Number   `json:"amount"`
		Rate      json.Number   `json:"rate"`
		Converted json.Number   `json:"converted"`
		Date      currency.Date `json:"date"`
		Source    string        `json:"source"`
		Stale     bool          `json:"stale"`
		Timestamp string        `json:"timestamp"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := cfg.Now()
		q := parseQuery(r, "from", "to", "amount", "date")
		from, fromOK := q.code("from", true)
		to, toOK := q.code("to", true)
		amount := q.amount("amount")
		date, dated := q.date("date", now)
		// Which currencies have a rate depends on the date; check them
		// whenever the date is known, so every problem is reported at once.
		if q.failed("date") {
			writeProblem(w, r, invalidRequest(q.errs))
			return
		}
		found, ok := cfg.resolve(date, dated, now)
		if !ok {
			noRates(w, r)
			return
		}
		if _, err := found.table.Rate(from); fromOK && err != nil {
			q.fail("from", err.Error())
		}
		if _, err := found.table.Rate(to); toOK && err != nil {
			q.fail("to", err.Error())
		}
		if len(q.errs) > 0 {
			writeProblem(w, r, invalidRequest(q.errs))
			return
		}
		c, err := found.table.Convert(from, to, amount)
		if err != nil {
			cfg.Logger.Error("convert", "error", err, "request_id", requestIDFrom(r.Context()))
			writeProblem(w, r, internalError())
			return
		}
		w.Header().Set(staleHeader, strconv.FormatBool(found.stale))
		respond(w, r, cfg.Logger, response{
			From:      c.From,
			To:        c.To,
			Amount:    number(&c.Amount),
			Rate:      number(&c.Rate),
			Converted: number(&c.Converted),
			Date:      c.Date,
			Source:    found.table.Source,
			Stale:     found.stale,
			Timestamp: publishedAt(c.Date),
		}, found.cacheControl)
	})
}

func handleRates(cfg Config) http.Handler {
	type response struct {
		Base      currency.Code                 `json:"base"`
		Date      currency.Date                 `json:"date"`
		Source    string                        `json:"source"`
		Stale     bool                          `json:"stale"`
		Timestamp string                        `json:"timestamp"`
		Rates     map[currency.Code]json.Number `json:"rates"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := cfg.Now()
		q := parseQuery(r, "base", "symbols", "date")
		base, baseOK := currency.EUR, true
		if _, present := q.raw("base"); present {
			base, baseOK = q.code("base", true)
		}
		symbols := q.codes("symbols")
		date, dated := q.date("date", now)
		if q.failed("date") {
			writeProblem(w, r, invalidRequest(q.errs))
			return
		}
		found, tableOK := cfg.resolve(date, dated, now)
		if !tableOK {
			noRates(w, r)
			return
		}
		if _, err := found.table.Rate(base); baseOK && err != nil {
			q.fail("base", err.Error())
		}
		if symbols == nil {
			symbols = found.table.Codes()
		} else {
			for _, code := range symbols {
				if _, err := found.table.Rate(code); err != nil {
					q.fail("symbols", err.Error())
				}
			}
		}
		if len(q.errs) > 0 {
			writeProblem(w, r, invalidRequest(q.errs))
			return
		}
		out := make(map[currency.Code]json.Number, len(symbols))
		for _, code := range symbols {
			if code == base {
				continue
			}
			rate, err := found.table.CrossRate(base, code)
			if err != nil {
				cfg.Logger.Error("cross rate", "error", err, "request_id", requestIDFrom(r.Context()))
				writeProblem(w, r, internalError())
				return
			}
			out[code] = number(&rate)
		}
		w.Header().Set(staleHeader, strconv.FormatBool(found.stale))
		respond(w, r, cfg.Logger, response{
			Base:      base,
			Date:      found.table.Date,
			Source:    found.table.Source,
			Stale:     found.stale,
			Timestamp: publishedAt(found.table.Date),
			Rates:     out,
		}, found.cacheControl)
	})
}

func handleCurrencies(cfg Config) http.Handler {
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
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := cfg.Now()
		q := parseQuery(r)
		if len(q.errs) > 0 {
			writeProblem(w, r, invalidRequest(q.errs))
			return
		}
		history := cfg.Rates.History()
		var out response
		for _, c := range currency.Currencies() {
			first, last, ok := history.Span(c.Code)
			if !ok {
				continue
			}
			out.Currencies = append(out.Currencies, entry{c.Code, c.Name, c.MinorUnits, first, last})
		}
		stale := cfg.Rates.Freshness(now).Stale
		w.Header().Set(staleHeader, strconv.FormatBool(stale))
		respond(w, r, cfg.Logger, out, cfg.currentCacheControl(now, stale))
	})
}

func handleHealth(cfg Config) http.Handler {
	type ratesStatus struct {
		Date       currency.Date `json:"date"`
		Source     string        `json:"source"`
		Stale      bool          `json:"stale"`
		Expected   currency.Date `json:"expected"`
		AgeSeconds int64         `json:"age_seconds"`
	}
	type response struct {
		Status    string      `json:"status"`
		HostIP    string      `json:"host_ip"`
		Timestamp string      `json:"timestamp"`
		Version   string      `json:"version"`
		Rates     ratesStatus `json:"rates"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := cfg.Now()
		fresh := cfg.Rates.Freshness(now)
		table, _ := cfg.Rates.History().On(fresh.Latest)
		w.Header().Set(staleHeader, strconv.FormatBool(fresh.Stale))
		// Health reflects the process, not the upstream: stale rates are
		// still served, so the task stays healthy and says why it is stale.
		respond(w, r, cfg.Logger, response{
			Status:    "healthy",
			HostIP:    cfg.HostIP(),
			Timestamp: now.UTC().Format(time.RFC3339),
			Version:   cfg.Version,
			Rates: ratesStatus{
				Date:       fresh.Latest,
				Source:     table.Source,
				Stale:      fresh.Stale,
				Expected:   fresh.Expected,
				AgeSeconds: int64(fresh.Age / time.Second),
			},
		}, cacheNoStore)
	})
}
