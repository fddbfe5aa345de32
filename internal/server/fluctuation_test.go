package server_test

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"testing"

	"github.com/cockroachdb/apd/v3"
)

// fluctuationEntry is one currency of a /fluctuation answer, numbers as
// their exact text.
type fluctuationEntry struct {
	StartRate json.Number `json:"start_rate"`
	EndRate   json.Number `json:"end_rate"`
	Change    json.Number `json:"change"`
	ChangePct json.Number `json:"change_pct"`
}

type fluctuationBody struct {
	Base      string                      `json:"base"`
	StartDate string                      `json:"start_date"`
	EndDate   string                      `json:"end_date"`
	Stale     bool                        `json:"stale"`
	Rates     map[string]fluctuationEntry `json:"rates"`
}

func getFluctuation(t testing.TB, h http.Handler, target string) (fluctuationBody, http.Header) {
	t.Helper()
	rec := get(t, h, target)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s = %d: %s", target, rec.Code, rec.Body)
	}
	decodeNumbers(t, rec.Body.Bytes())
	dec := json.NewDecoder(rec.Body)
	dec.UseNumber()
	dec.DisallowUnknownFields()
	var out fluctuationBody
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("GET %s: %v in %s", target, err, rec.Body)
	}
	return out, rec.Header()
}

// TestFluctuationValues: the numbers of Python's decimal module, worked out
// by hand from the test history: Context(prec=12,
// rounding=ROUND_HALF_EVEN).divide for the two rates, their exact
// difference, and (end - start) / start * 100 quantized to 0.0001 with
// ROUND_HALF_EVEN.
func TestFluctuationValues(t *testing.T) {
	h, _ := newHandler(t)
	got, _ := getFluctuation(t, h, "/fluctuation?base=USD&symbols=JPY,EUR,GBP&start_date=2020-03-13&end_date=2025-05-09")
	want := fluctuationBody{
		Base: "USD", StartDate: "2020-03-13", EndDate: "2025-05-09",
		Rates: map[string]fluctuationEntry{
			"EUR": {"0.900576368876", "0.888888888889", "-0.011687479987", "-1.2978"},
			"GBP": {"0.805547550432", "0.752", "-0.053547550432", "-6.6473"},
			"JPY": {"107.492795389", "144.897777778", "37.404982389", "34.7977"},
		},
	}
	if got.Base != want.Base || got.StartDate != want.StartDate || got.EndDate != want.EndDate || got.Stale {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if len(got.Rates) != len(want.Rates) {
		t.Errorf("rates %v, want %v", got.Rates, want.Rates)
	}
	for code, w := range want.Rates {
		if g := got.Rates[code]; g != w {
			t.Errorf("%s = %+v, want %+v", code, g, w)
		}
	}
}

// TestFluctuationAgreesWithRates: start_rate and end_rate are /rates on the
// first and last publications of the range, and change and change_pct
// follow from them in apd, exactly and rounded half-even.
func TestFluctuationAgreesWithRates(t *testing.T) {
	h, _ := newHandler(t, withSnapshot(t))
	// A Saturday start: the range begins at Friday 2024-01-05.
	got, _ := getFluctuation(t, h, "/fluctuation?base=GBP&start_date=2024-01-06&end_date=2024-12-31")
	if got.StartDate != "2024-01-05" || got.EndDate != "2024-12-31" {
		t.Errorf("start_date, end_date = %s, %s; want 2024-01-05, 2024-12-31", got.StartDate, got.EndDate)
	}
	start, end := seriesRatesOn(t, h, "GBP", "2024-01-05"), seriesRatesOn(t, h, "GBP", "2024-12-31")
	var codes []string
	for code := range end {
		if _, ok := start[code]; ok {
			codes = append(codes, code)
		}
	}
	if len(got.Rates) != len(codes) || len(codes) < 29 {
		t.Errorf("%d currencies, want the %d with a rate on both days", len(got.Rates), len(codes))
	}
	ctx := apd.BaseContext.WithPrecision(50)
	ctx.Rounding = apd.RoundHalfEven
	for _, code := range codes {
		g := got.Rates[code]
		if g.StartRate != start[code].(json.Number) || g.EndRate != end[code].(json.Number) {
			t.Errorf("%s: rates %s, %s; /rates says %s, %s", code, g.StartRate, g.EndRate, start[code], end[code])
		}
		var change, pct apd.Decimal
		_, _ = ctx.Sub(&change, seriesDecimal(t, string(g.EndRate)), seriesDecimal(t, string(g.StartRate)))
		if !seriesSameDecimal(t, change.String(), string(g.Change)) {
			t.Errorf("%s: change %s, apd says %s", code, g.Change, change.String())
		}
		_, _ = ctx.Quo(&pct, &change, seriesDecimal(t, string(g.StartRate)))
		_, _ = ctx.Mul(&pct, &pct, apd.New(100, 0))
		_, _ = ctx.Quantize(&pct, &pct, -4)
		if pct.IsZero() {
			pct.Negative = false
		}
		if pct.Text('f') != string(g.ChangePct) {
			t.Errorf("%s: change_pct %s, apd says %s", code, g.ChangePct, pct.Text('f'))
		}
	}
	// Python's decimal module, by hand, from the ECB file's GBP and USD
	// (0.8621, 1.0921 on 2024-01-05; 0.82918, 1.0389 on 2024-12-31).
	if g, want := got.Rates["USD"], (fluctuationEntry{"1.26679039555", "1.25292457609", "-0.01386581946", "-1.0946"}); g != want {
		t.Errorf("USD = %+v, want %+v", g, want)
	}
}

func TestFluctuationEdges(t *testing.T) {
	h, _ := newHandler(t)
	// One publication: nothing changed.
	got, _ := getFluctuation(t, h, "/fluctuation?symbols=USD&start_date=2020-03-14&end_date=2020-03-15")
	if want := (fluctuationEntry{"1.1104", "1.1104", "0", "0.0000"}); got.Rates["USD"] != want || got.StartDate != "2020-03-13" || got.EndDate != "2020-03-13" {
		t.Errorf("one publication: %+v, want USD %+v on 2020-03-13", got, want)
	}
	// The default leaves out a currency without a rate on an end, and the
	// base; the newest publication ends a range without end_date.
	got, _ = getFluctuation(t, h, "/fluctuation?base=GBP&start_date=2007-12-31")
	var codes []string
	for code := range got.Rates {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	if want := []string{"EUR", "JPY", "USD"}; !slices.Equal(codes, want) || got.EndDate != "2025-05-09" {
		t.Errorf("default symbols %v to %s, want %v to 2025-05-09", codes, got.EndDate, want)
	}
	// The base asked for is 1 on both ends, and nothing changed.
	for _, target := range []string{
		"/fluctuation?base=GBP&symbols=GBP&start_date=2020-03-13",
		"/fluctuation?base=EUR&symbols=EUR&start_date=2007-12-31&end_date=2025-05-09",
		"/fluctuation?base=usd&symbols=USD,usd&start_date=1999-01-04",
	} {
		got, _ := getFluctuation(t, h, target)
		want := map[string]fluctuationEntry{got.Base: {"1", "1", "0", "0.0000"}}
		if !maps.Equal(got.Rates, want) {
			t.Errorf("%s: rates %v, want %v", target, got.Rates, want)
		}
	}
	if got, _ := getFluctuation(t, h, "/fluctuation?base=GBP&symbols=USD,GBP&start_date=2025-05-08"); len(got.Rates) != 2 || got.Rates["GBP"].StartRate != "1" || got.Rates["USD"].StartRate != "1.33632923368" {
		t.Errorf("symbols=USD,GBP with base GBP: %v, want GBP at 1 beside USD", got.Rates)
	}

	for _, tt := range []struct {
		query string
		want  []paramError
	}{
		{"symbols=CYP,USD&start_date=2007-12-31&end_date=2020-03-13",
			[]paramError{{"symbols", "no ECB rate for CYP on 2020-03-13 (published from 1999-01-04 to 2007-12-31)"}}},
		{"base=CYP&start_date=2020-03-13",
			[]paramError{{"base", "no ECB rate for CYP on 2020-03-13 (published from 1999-01-04 to 2007-12-31)"}}},
		{"", []paramError{{"start_date", "is required: a date YYYY-MM-DD from 1999-01-04 to today"}}},
		{"start_date=2020-03-16&end_date=2020-03-13", []paramError{{"end_date", "must not be before start_date, 2020-03-16"}}},
		{"start_date=2020-03-13&format=csv", []paramError{{"format", "is not a parameter of this endpoint; known parameters: base, symbols, start_date, end_date"}}},
	} {
		p := checkProblem(t, get(t, h, "/fluctuation?"+tt.query), http.StatusBadRequest)
		if !slices.Equal(p.Errors, tt.want) {
			t.Errorf("%s: errors %+v, want %+v", tt.query, p.Errors, tt.want)
		}
	}
}

func TestFluctuationCaching(t *testing.T) {
	h, _ := newHandler(t)
	stale, _ := newHandler(t, withStale(t))
	for _, tt := range []struct {
		h            http.Handler
		target, peer string
	}{
		{h, "/fluctuation?start_date=2020-03-13&end_date=2025-05-08", "/rates?date=2025-05-08"},
		{h, "/fluctuation?start_date=2020-03-13", "/rates"},
		{stale, "/fluctuation?start_date=2020-03-13", "/rates"},
	} {
		rec, peer := get(t, tt.h, tt.target), get(t, tt.h, tt.peer)
		for _, name := range []string{"Cache-Control", "X-Rates-Stale"} {
			if got, want := rec.Header().Get(name), peer.Header().Get(name); got != want || got == "" {
				t.Errorf("%s: %s = %q, %s has %q", tt.target, name, got, tt.peer, want)
			}
		}
		if got, want := decodeNumbers(t, rec.Body.Bytes())["stale"], peer.Header().Get("X-Rates-Stale") == "true"; got != want {
			t.Errorf("%s: stale = %v, want %v", tt.target, got, want)
		}
		etag := rec.Header().Get("ETag")
		if nm := get(t, tt.h, tt.target, "If-None-Match", etag); nm.Code != http.StatusNotModified || nm.Body.Len() != 0 || etag == "" {
			t.Errorf("%s If-None-Match %s: %d with %d bytes, want 304 and none", tt.target, etag, nm.Code, nm.Body.Len())
		}
		if head := serve(t, tt.h, http.MethodHead, tt.target); head.Code != http.StatusOK || head.Body.Len() != 0 || head.Header().Get("ETag") != etag {
			t.Errorf("HEAD %s: %d, %d bytes, ETag %q; want 200, none, %q", tt.target, head.Code, head.Body.Len(), head.Header().Get("ETag"), etag)
		}
	}
}
