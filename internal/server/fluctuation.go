package server

import (
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
)

// fluctuationPlaces is the number of decimal places of change_pct, rounded
// half-even: a hundredth of a basis point, finer than any rate the ECB
// publishes moves in a day.
const fluctuationPlaces = 4

func handleFluctuation(logger *slog.Logger, store Rates, now func() time.Time) http.Handler {
	return serveAPI(logger, func(w http.ResponseWriter, r *http.Request) error {
		at := now()
		q := parseQuery(r, "base", "symbols", "start_date", "end_date")
		s, err := q.seriesRange(store, at)
		if err != nil {
			return err
		}
		symbols := q.fluctuationSymbols(s)
		if err := q.err(); err != nil {
			return err
		}
		first, last := s.first(), s.last()
		body := newJSONObject()
		defer body.free()
		body.str("base", string(s.base))
		body.date("start_date", first.Date)
		body.date("end_date", last.Date)
		body.boolean("stale", s.answer.Stale)
		rates := body.object("rates")
		for _, code := range symbols {
			// Every value comes from the two rates shown, so a client can
			// recompute change and change_pct from the answer alone.
			start, err := first.CrossRate(s.base, code)
			if err != nil {
				return err
			}
			end, err := last.CrossRate(s.base, code)
			if err != nil {
				return err
			}
			change, err := currency.Change(&start, &end)
			if err != nil {
				return err
			}
			pct, err := currency.PercentChange(&start, &end, fluctuationPlaces)
			if err != nil {
				return err
			}
			c := rates.object(string(code))
			c.decimal("start_rate", &start)
			c.decimal("end_rate", &end)
			c.decimal("change", &change)
			c.decimal("change_pct", &pct)
			c.close()
		}
		rates.close()
		return respond(w, r, body.end(), s.answer)
	})
}

// fluctuationSymbols checks base and symbols against the first and last
// publications of the range, the two a fluctuation compares, and returns
// the currencies it holds, in code order: those asked for, the base
// included when asked for (1 on both ends, no change), or every one with a
// rate on both but the base. A currency without a rate on
// either end is refused rather than compared on other days: the answer's
// start_date and end_date hold for every currency in it.
func (q *query) fluctuationSymbols(s seriesRange) []currency.Code {
	first, last := s.first(), s.last()
	check := func(name string, code currency.Code) {
		if _, err := first.Rate(code); err != nil {
			q.fail(name, err.Error())
		} else if _, err := last.Rate(code); err != nil {
			q.fail(name, err.Error())
		}
	}
	if s.baseOK {
		check("base", s.base)
	}
	var out []currency.Code
	if s.asked != nil {
		for _, code := range s.asked {
			check("symbols", code)
			out = append(out, code)
		}
	} else {
		for _, code := range first.Codes() {
			if code != s.base && last.Has(code) {
				out = append(out, code)
			}
		}
	}
	slices.Sort(out) // code order, as encoding/json orders a map's keys
	return out
}
