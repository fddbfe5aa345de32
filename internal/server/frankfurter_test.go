package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"math/big"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The Frankfurter routes are tested on the real embedded ECB snapshot
// (newest publication 2025-05-09, the Friday before testNow), and checked
// against the ECB's CSV as encoding/csv reads it, the documented behaviour
// of Frankfurter v1 (frankfurter.dev/v1 and its source), our own /rates,
// and values worked out with Python's decimal module.

func frCSVDay(t *testing.T, date string) map[string]string {
	t.Helper()
	days, err := ecbCSV()
	if err != nil {
		t.Fatalf("read the ECB CSV: %v", err)
	}
	day, ok := days[date]
	if !ok {
		t.Fatalf("the ECB CSV has no publication on %s", date)
	}
	return day
}

// frCSVDates are the publication dates of the CSV from start to end, sorted.
func frCSVDates(t *testing.T, start, end string) []string {
	t.Helper()
	days, err := ecbCSV()
	if err != nil {
		t.Fatalf("read the ECB CSV: %v", err)
	}
	var out []string
	for d := range days {
		if start <= d && d <= end {
			out = append(out, d)
		}
	}
	slices.Sort(out)
	return out
}

// frDay is Frankfurter's answer for one date.
type frDay struct {
	Amount json.Number            `json:"amount"`
	Base   string                 `json:"base"`
	Date   string                 `json:"date"`
	Rates  map[string]json.Number `json:"rates"`
}

// frSeries is Frankfurter's answer for a range.
type frSeries struct {
	Amount    json.Number                       `json:"amount"`
	Base      string                            `json:"base"`
	StartDate string                            `json:"start_date"`
	EndDate   string                            `json:"end_date"`
	Rates     map[string]map[string]json.Number `json:"rates"`
}

// frDecode decodes a 200 JSON answer into v, refusing unknown members,
// numbers kept as their text.
func frDecode(t *testing.T, rec *httptest.ResponseRecorder, v any) {
	t.Helper()
	if got, want := rec.Code, http.StatusOK; got != want {
		t.Fatalf("status = %d, want %d; body %s", got, want, rec.Body)
	}
	if got, want := rec.Header().Get("Content-Type"), "application/json; charset=utf-8"; got != want {
		t.Errorf("Content-Type = %q, want %q", got, want)
	}
	dec := json.NewDecoder(bytes.NewReader(rec.Body.Bytes()))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("body %s: %v", rec.Body, err)
	}
	if dec.More() {
		t.Fatalf("body %s has data after the JSON object", rec.Body)
	}
}

func frGetDay(t *testing.T, h http.Handler, target string) frDay {
	t.Helper()
	var d frDay
	frDecode(t, get(t, h, target), &d)
	return d
}

func frGetSeries(t *testing.T, h http.Handler, target string) frSeries {
	t.Helper()
	var s frSeries
	frDecode(t, get(t, h, target), &s)
	return s
}

// frNumbersEqual compares JSON numbers by value: the ECB writes 1.0395 and
// 36.6474 with its own digits, we write exact decimals without trailing
// zeros.
func frNumbersEqual(t *testing.T, got map[string]json.Number, want map[string]string) {
	t.Helper()
	if diff := cmp.Diff(slices.Sorted(maps.Keys(want)), slices.Sorted(maps.Keys(got))); diff != "" {
		t.Errorf("currencies differ (-want +got):\n%s", diff)
	}
	for code, w := range want {
		g, ok := got[code]
		if !ok {
			continue
		}
		if frRat(t, string(g)).Cmp(frRat(t, w)) != 0 {
			t.Errorf("%s = %s, want %s", code, g, w)
		}
	}
}

// frRat reads a decimal's text exactly, with math/big.
func frRat(t *testing.T, s string) *big.Rat {
	t.Helper()
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		t.Fatalf("%q is not a decimal", s)
	}
	return r
}

// frRoundHalfUp writes a non-negative x with places decimals, half up:
// ⌊(2·num·10^places + den) ÷ 2·den⌋, integers only.
func frRoundHalfUp(x *big.Rat, places int) string {
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(places)), nil)
	num := new(big.Int).Mul(x.Num(), scale)
	num.Mul(num, big.NewInt(2)).Add(num, x.Denom())
	s := new(big.Int).Quo(num, new(big.Int).Mul(x.Denom(), big.NewInt(2))).String()
	if len(s) <= places {
		s = strings.Repeat("0", places-len(s)+1) + s
	}
	return s[:len(s)-places] + "." + s[len(s)-places:]
}

func TestFrankfurterLatestIsTheNewestPublication(t *testing.T) {
	h, _ := newHandler(t, withSnapshot(t))
	want := frCSVDay(t, "2025-05-09")
	for _, target := range []string{"/v1/latest", "/latest", "/v1/current"} {
		t.Run(target, func(t *testing.T) {
			d := frGetDay(t, h, target)
			if d.Amount != "1" || d.Base != "EUR" || d.Date != "2025-05-09" {
				t.Errorf("amount, base, date = %s, %s, %s; want 1, EUR, 2025-05-09", d.Amount, d.Base, d.Date)
			}
			// With the euro as base and amount 1, every rate is the ECB's.
			frNumbersEqual(t, d.Rates, want)
		})
	}
}

func TestFrankfurterBodyIsFrankfurtersShape(t *testing.T) {
	h, _ := newHandler(t, withSnapshot(t))
	// Members in Frankfurter's order, rates sorted by code.
	rec := get(t, h, "/v1/2024-12-24?from=GBP&to=USD,CHF&amount=100")
	if got, want := rec.Body.String(), `{"amount":100,"base":"GBP","date":"2024-12-24","rates":{"CHF":113.012499245,"USD":125.535897591}}`+"\n"; got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
	rec = get(t, h, "/v1/2024-12-24..2024-12-27?to=USD")
	if got, want := rec.Body.String(), `{"amount":1,"base":"EUR","start_date":"2024-12-24","end_date":"2024-12-27","rates":{"2024-12-24":{"USD":1.0395},"2024-12-27":{"USD":1.0435}}}`+"\n"; got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
}

// TestFrankfurterExactValues: 100 GBP in CHF on 2024-12-24 is
// 100 × 0.9358 ÷ 0.82805 = 113.0124992452... (Python's decimal module
// agrees on every digit below); Frankfurter answers 113.02, having rounded
// 100 × 0.82805 to 82.80 first.
func TestFrankfurterExactValues(t *testing.T) {
	h, _ := newHandler(t, withSnapshot(t))
	d := frGetDay(t, h, "/v1/2024-12-24?from=GBP&to=CHF,USD,EUR,JPY&amount=100")
	// decimal.Context(prec=12, rounding=ROUND_HALF_EVEN).divide(100*to, from)
	want := map[string]string{"CHF": "113.012499245", "USD": "125.535897591", "EUR": "120.765654248", "JPY": "19714.993056"}
	for code, w := range want {
		if got := string(d.Rates[code]); got != w {
			t.Errorf("100 GBP in %s = %s, want %s", code, got, w)
		}
	}
	// Rounded at cents, as a client shows it: 113.01, not Frankfurter's 113.02.
	if got, want := frRoundHalfUp(frRat(t, string(d.Rates["CHF"])), 2), "113.01"; got != want {
		t.Errorf("100 GBP in CHF at cents = %s, want %s", got, want)
	}
	d = frGetDay(t, h, "/v1/2024-12-24?from=USD&to=JPY&amount=0.5")
	if got, want := string(d.Rates["JPY"]), "78.5233285233"; got != want {
		t.Errorf("0.5 USD in JPY = %s, want %s", got, want)
	}
}

// TestFrankfurterRatesMatchOurRates: with amount 1 every value is the cross
// rate /rates shows for the same base and date.
func TestFrankfurterRatesMatchOurRates(t *testing.T) {
	h, _ := newHandler(t, withSnapshot(t))
	for _, base := range []string{"EUR", "GBP", "JPY", "IDR"} {
		for _, date := range []string{"2024-12-24", "2008-06-02", "2025-05-09"} {
			d := frGetDay(t, h, "/v1/"+date+"?base="+base)
			ours := decodeNumbers(t, get(t, h, "/rates?base="+base+"&date="+date).Body.Bytes())
			want := map[string]string{}
			for code, v := range ours["rates"].(map[string]any) {
				if code != base {
					want[code] = string(v.(json.Number))
				}
			}
			frNumbersEqual(t, d.Rates, want)
		}
	}
}

func TestFrankfurterParameterAliases(t *testing.T) {
	h, _ := newHandler(t, withSnapshot(t))
	pairs := [][2]string{
		{"/v1/2024-12-24?from=GBP&to=USD,CHF", "/v1/2024-12-24?base=GBP&symbols=USD,CHF"},
		{"/v1/2024-12-24?from=GBP&to=USD,CHF", "/v1/2024-12-24?from=gbp&symbols=chf,usd"},
		{"/v1/latest?from=USD&symbols=JPY&amount=10", "/latest?base=USD&to=JPY&amount=10"},
		{"/v1/2024-12-02..2024-12-06?from=USD&to=GBP", "/v1/2024-12-02..2024-12-06?base=USD&symbols=GBP"},
	}
	for _, p := range pairs {
		a, b := get(t, h, p[0]), get(t, h, p[1])
		if a.Code != http.StatusOK || a.Body.String() != b.Body.String() {
			t.Errorf("%s = %d %s\n%s = %d %s\nwant the same 200", p[0], a.Code, a.Body, p[1], b.Code, b.Body)
		}
	}
	d := frGetDay(t, h, "/v1/2024-12-24?base=GBP&symbols=USD,CHF")
	if d.Base != "GBP" || len(d.Rates) != 2 {
		t.Errorf("base %s, rates %v; want GBP and two rates", d.Base, d.Rates)
	}
}

func TestFrankfurterManyTargets(t *testing.T) {
	h, _ := newHandler(t, withSnapshot(t))
	d := frGetDay(t, h, "/v1/2024-12-24?from=USD&to=ZAR,GBP,JPY,CHF,AUD,EUR,gbp")
	if got, want := slices.Sorted(maps.Keys(d.Rates)), []string{"AUD", "CHF", "EUR", "GBP", "JPY", "ZAR"}; !slices.Equal(got, want) {
		t.Errorf("rates of %v, want %v", got, want)
	}
	// Without targets: every currency published that day but the base,
	// the euro included, as Frankfurter lists them.
	d = frGetDay(t, h, "/v1/2024-12-24?from=USD")
	want := frCSVDay(t, "2024-12-24")
	if _, ok := d.Rates["USD"]; ok {
		t.Errorf("rates include the base USD: %v", d.Rates)
	}
	if _, ok := d.Rates["EUR"]; !ok || len(d.Rates) != len(want) {
		t.Errorf("%d rates with EUR %v, want the %d published but USD, and EUR", len(d.Rates), ok, len(want))
	}
}

// TestFrankfurterSameCurrency: the rate of a currency in itself is 1, as
// Frankfurter's #51 asked (v1 answered 422 "bad currency pair").
func TestFrankfurterSameCurrency(t *testing.T) {
	h, _ := newHandler(t, withSnapshot(t))
	tests := []struct {
		target string
		want   map[string]string
	}{
		{"/v1/2024-10-02?amount=10&from=EUR&to=EUR", map[string]string{"EUR": "10"}},
		{"/v1/latest?amount=19.95&from=USD&to=USD", map[string]string{"USD": "19.95"}},
		{"/v1/2024-12-24?from=USD&to=USD,EUR", map[string]string{"USD": "1", "EUR": "0.962000962001"}},
	}
	for _, tt := range tests {
		d := frGetDay(t, h, tt.target)
		got := map[string]string{}
		for k, v := range d.Rates {
			got[k] = string(v)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s rates (-want +got):\n%s", tt.target, diff)
		}
	}
	s := frGetSeries(t, h, "/v1/2024-12-23..2024-12-24?from=GBP&to=GBP")
	for date, r := range s.Rates {
		if r["GBP"] != "1" || len(r) != 1 {
			t.Errorf("%s rates %v, want GBP 1", date, r)
		}
	}
}

// TestFrankfurterAmounts: amounts as clients print floats, echoed as the
// exact decimal they denote.
func TestFrankfurterAmounts(t *testing.T) {
	h, _ := newHandler(t, withSnapshot(t))
	tests := []struct{ amount, echo, usd string }{
		{"10", "10", "10.395"},
		{"1e3", "1000", "1039.5"},
		{"1E%2B2", "100", "103.95"}, // "+" escaped, or it is a space
		{".5", "0.5", "0.51975"},
		{"5.", "5", "5.1975"},
		{"100.0", "100.0", "103.95"},
		{"1e-05", "0.00001", "0.000010395"},
		{"999999999999999.9999999999", "999999999999999.9999999999", "1039500000000000"},
	}
	for _, tt := range tests {
		d := frGetDay(t, h, "/v1/2024-12-24?to=USD&amount="+tt.amount)
		if string(d.Amount) != tt.echo || string(d.Rates["USD"]) != tt.usd {
			t.Errorf("amount=%s: amount %s, USD %s; want %s, %s", tt.amount, d.Amount, d.Rates["USD"], tt.echo, tt.usd)
		}
	}
}

func TestFrankfurterWeekendsAndHolidays(t *testing.T) {
	h, _ := newHandler(t, withSnapshot(t))
	for date, want := range map[string]string{
		"2024-12-24": "2024-12-24",
		"2024-12-25": "2024-12-24", // Christmas, a TARGET holiday
		"2024-12-26": "2024-12-24",
		"2024-12-28": "2024-12-27", // Saturday
		"2025-01-01": "2024-12-31",
		"2010-01-01": "2009-12-31", // Frankfurter's own "works around holidays" case
		"1999-01-04": "1999-01-04",
		"2025-05-11": "2025-05-09", // the Sunday before testNow
	} {
		d := frGetDay(t, h, "/v1/"+date)
		if d.Date != want {
			t.Errorf("/v1/%s date = %s, want %s", date, d.Date, want)
		}
		frNumbersEqual(t, d.Rates, frCSVDay(t, want))
	}
}

func TestFrankfurterRange(t *testing.T) {
	h, _ := newHandler(t, withSnapshot(t))
	tests := []struct {
		target, start, end string
	}{
		{"/v1/2024-12-02..2024-12-06", "2024-12-02", "2024-12-06"},
		// A start on a holiday or weekend begins at the publication before it.
		{"/v1/2024-12-25..2024-12-31", "2024-12-24", "2024-12-31"},
		{"/v1/2024-12-28..2025-01-03", "2024-12-27", "2025-01-03"},
		// An end on a weekend ends at the Friday.
		{"/v1/2024-12-02..2024-12-08", "2024-12-02", "2024-12-06"},
		// Open-ended: up to the newest publication.
		{"/v1/2025-04-28..", "2025-04-28", "2025-05-09"},
		// An end after the newest publication, even in the future, is cut.
		{"/v1/2025-05-01..2031-01-01", "2025-04-30", "2025-05-09"},
		// A start before the first publication begins at the first.
		{"/v1/1998-12-01..1999-01-08", "1999-01-04", "1999-01-08"},
		{"/v1/2024-12-25..2024-12-26", "2024-12-24", "2024-12-24"},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			s := frGetSeries(t, h, tt.target)
			if s.StartDate != tt.start || s.EndDate != tt.end || s.Amount != "1" || s.Base != "EUR" {
				t.Errorf("amount %s base %s start %s end %s; want 1 EUR %s %s", s.Amount, s.Base, s.StartDate, s.EndDate, tt.start, tt.end)
			}
			// Every publication, none sampled, each with the ECB's rates.
			if diff := cmp.Diff(frCSVDates(t, tt.start, tt.end), slices.Sorted(maps.Keys(s.Rates))); diff != "" {
				t.Errorf("dates (-ECB +got):\n%s", diff)
			}
			for date, r := range s.Rates {
				frNumbersEqual(t, r, frCSVDay(t, date))
			}
		})
	}
}

// TestFrankfurterRangeMatchesDays: each day of a range is the answer for
// that day alone.
func TestFrankfurterRangeMatchesDays(t *testing.T) {
	h, _ := newHandler(t, withSnapshot(t))
	s := frGetSeries(t, h, "/v1/2024-12-20..2024-12-31?from=GBP&to=CHF,USD,JPY&amount=100")
	if s.Amount != "100" || s.Base != "GBP" || len(s.Rates) != 6 {
		t.Fatalf("amount %s base %s, %d days; want 100 GBP, 6 days", s.Amount, s.Base, len(s.Rates))
	}
	for date, r := range s.Rates {
		d := frGetDay(t, h, "/v1/"+date+"?from=GBP&to=CHF,USD,JPY&amount=100")
		if diff := cmp.Diff(d.Rates, r); diff != "" {
			t.Errorf("%s in the range differs from the day (-day +range):\n%s", date, diff)
		}
	}
	if got, want := string(s.Rates["2024-12-24"]["CHF"]), "113.012499245"; got != want {
		t.Errorf("100 GBP in CHF on 2024-12-24 = %s, want %s", got, want)
	}
}

// TestFrankfurterRangeLimit: every publication since 1999 of every
// currency is beyond maxSeriesValues (100,000); of one currency it is not.
func TestFrankfurterRangeLimit(t *testing.T) {
	h, _ := newHandler(t, withSnapshot(t))
	msg := checkFrankfurterError(t, get(t, h, "/v1/1999-01-04..2025-05-09"), http.StatusUnprocessableEntity)
	for _, want := range []string{"too many rates", "6747 publications", "100000", "symbols"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not say %q", msg, want)
		}
	}
	s := frGetSeries(t, h, "/v1/1999-01-04..?symbols=USD")
	if got, want := len(s.Rates), len(frCSVDates(t, "1999-01-04", "2025-05-09")); got != want {
		t.Errorf("%d days, want %d", got, want)
	}
	if s.Rates["1999-01-04"]["USD"] != "1.1789" || s.Rates["2025-05-09"]["USD"] != "1.1252" {
		t.Errorf("USD on the first and last day = %s, %s", s.Rates["1999-01-04"]["USD"], s.Rates["2025-05-09"]["USD"])
	}
}

// checkFrankfurterError asserts rec is Frankfurter's error, exactly
// {"message": "..."} as application/json, uncacheable, and returns the
// message.
func checkFrankfurterError(t *testing.T, rec *httptest.ResponseRecorder, status int) string {
	t.Helper()
	if got, want := rec.Code, status; got != want {
		t.Fatalf("status = %d, want %d; body %s", got, want, rec.Body)
	}
	if got, want := rec.Header().Get("Content-Type"), "application/json; charset=utf-8"; got != want {
		t.Errorf("Content-Type = %q, want %q", got, want)
	}
	if got, want := rec.Header().Get("Cache-Control"), "no-store"; got != want {
		t.Errorf("Cache-Control = %q, want %q", got, want)
	}
	if got := rec.Header().Get("ETag"); got != "" {
		t.Errorf("ETag = %q on an error, want none", got)
	}
	var body struct {
		Message string `json:"message"`
	}
	dec := json.NewDecoder(bytes.NewReader(rec.Body.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		t.Fatalf("error body %q: %v", rec.Body, err)
	}
	if body.Message == "" {
		t.Errorf("error body %q has no message", rec.Body)
	}
	return body.Message
}

func TestFrankfurterErrors(t *testing.T) {
	h, _ := newHandler(t, withSnapshot(t))
	tests := []struct {
		target string
		status int
		want   []string // each in the message
	}{
		// Unreadable input: 422, as Frankfurter's "invalid date", "invalid amount".
		{"/v1/2010-31-01", 422, []string{"invalid date", "2010-31-01"}},
		{"/v1/2024-02-30", 422, []string{"invalid date"}},
		{"/v1/2024-02-30..2024-03-01", 422, []string{"invalid date", "2024-02-30"}},
		{"/v1/2024-01-01..2024-99-01", 422, []string{"invalid date", "2024-99-01"}},
		{"/v1/latest?amount=0", 422, []string{"invalid amount", "greater than zero"}},
		{"/v1/latest?amount=-1", 422, []string{"invalid amount", "negative"}},
		{"/v1/latest?amount=abc", 422, []string{"invalid amount"}},
		{"/v1/latest?amount=NaN", 422, []string{"invalid amount"}},
		{"/v1/latest?amount=1,5", 422, []string{"invalid amount"}},
		{"/v1/latest?amount=0x10", 422, []string{"invalid amount"}},
		{"/v1/latest?amount=1e15", 422, []string{"invalid amount", "15 digits"}},
		{"/v1/latest?amount=", 422, []string{"invalid amount"}},
		{"/v1/latest?amount=1&amount=2", 422, []string{"amount must be given at most once"}},
		{"/v1/latest?from=%zz", 422, []string{"not a valid URL query string"}},
		{"/v1/latest?to=USD&to=GBP", 422, []string{"to must be given at most once"}},
		{"/v1/2024-12-24?_=1&x=%zz", 422, []string{"not a valid URL query string"}},
		{"/v1/currencies?x=%zz", 422, []string{"not a valid URL query string"}},
		// A 422 carries the 404s found with it.
		{"/v1/2024-02-30?amount=0&to=XY", 422, []string{"invalid date", "invalid amount", `"XY" is not a three-letter`}},
		// Nothing to answer: 404, as Frankfurter's "not found".
		{"/v1/1999-01-01", 404, []string{"not found", "before 1999-01-04"}},
		{"/v1/2030-01-01", 404, []string{"not found", "future"}},
		{"/v1/2030-01-01..", 404, []string{"not found", "future"}},
		{"/v1/2030-01-01..2030-02-01", 404, []string{"not found", "future"}},
		{"/v1/2024-12-31..2024-12-01", 404, []string{"not found", "before it starts"}},
		{"/v1/1990-01-01..1998-12-31", 404, []string{"not found", "before 1999-01-04"}},
		{"/v1/latest?base=UAH", 404, []string{"not found", "UAH is not published by the ECB"}},
		{"/v1/latest?base=XYZ", 404, []string{"not found", "XYZ is not an ISO 4217"}},
		{"/v1/latest?to=USD,KWD", 404, []string{"not found", "KWD"}},
		{"/v1/latest?to=", 404, []string{"not found", `"" is not a three-letter`}},
		{"/v1/latest?base=USD?callback=?", 404, []string{"not found"}},
		{"/latest?from=CYP", 404, []string{"not found", "CYP on 2025-05-09", "1999-01-04 to 2007-12-31"}},
		{"/v1/2020-03-16?from=GBP&to=CYP,HRK", 404, []string{"not found", "CYP on 2020-03-16"}},
		{"/v1/2008-01-02..2008-01-31?to=CYP", 404, []string{"not found", "CYP", "2008-01-02", "2008-01-31"}},
		{"/v1/2008-01-02..?from=MTL&to=USD", 404, []string{"not found", "MTL"}},
		{"/v1/2024-12-24?to=XX,KWD&from=CYP", 404, []string{`"XX"`, "KWD", "CYP on 2024-12-24"}},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			msg := checkFrankfurterError(t, get(t, h, tt.target), tt.status)
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q does not say %q", msg, w)
				}
			}
		})
	}
}

// TestFrankfurterUnknownPathsAreOurs: a segment under /v1/ that is none of
// Frankfurter's gets exactly what any unknown path gets: our 404 problem.
func TestFrankfurterUnknownPathsAreOurs(t *testing.T) {
	h, _ := newHandler(t, withSnapshot(t))
	want := checkProblem(t, get(t, h, "/nope"), http.StatusNotFound)
	for _, target := range []string{
		"/v1/foo", "/v1/", "/v1", "/v1/latest/", "/v1/latest/x", "/v1/2024-1-1", "/v1/2024-01-01...2024-02-01",
		"/v1/2024-01-01..2024-02", "/v1/..2024-01-01", "/v1/20240101", "/v1/LATEST", "/v1/openapi.json",
		"/v2/rates", "/current", "/2024-01-01x", "/v1/%2F2024-01-01", "/2024-1-1", "/2024-12-24/x", "/v12024-12-24",
	} {
		t.Run(target, func(t *testing.T) {
			got := checkProblem(t, get(t, h, target), http.StatusNotFound)
			if got.Type != want.Type || got.Title != want.Title || got.Detail != want.Detail || got.Errors != nil {
				t.Errorf("problem %+v, want that of an unknown path %+v", got, want)
			}
		})
	}
	// Our own /currencies keeps its shape.
	if _, ok := decodeNumbers(t, get(t, h, "/currencies").Body.Bytes())["currencies"]; !ok {
		t.Error("/currencies lost its currencies list")
	}
}

func TestFrankfurterCurrencies(t *testing.T) {
	h, _ := newHandler(t, withSnapshot(t))
	rec := get(t, h, "/v1/currencies")
	var names map[string]string
	frDecode(t, rec, &names)
	// The currencies of the newest publication and the euro, as Frankfurter
	// lists the ones it converts today; names are the ECB's.
	want := slices.Sorted(maps.Keys(frCSVDay(t, "2025-05-09")))
	want = append(want, "EUR")
	slices.Sort(want)
	if diff := cmp.Diff(want, slices.Sorted(maps.Keys(names))); diff != "" {
		t.Errorf("codes (-ECB +got):\n%s", diff)
	}
	if names["USD"] != "US dollar" || names["EUR"] != "Euro" {
		t.Errorf("USD %q, EUR %q", names["USD"], names["EUR"])
	}
	if _, ok := names["CYP"]; ok {
		t.Error("CYP, withdrawn in 2008, is listed")
	}
	if rec.Header().Get("ETag") == "" || rec.Header().Get("Cache-Control") == "" {
		t.Errorf("headers %v: want an ETag and a Cache-Control", rec.Header())
	}
}

// TestFrankfurterCaching: the same freshness, ETag and 304 as /rates.
func TestFrankfurterCaching(t *testing.T) {
	fresh, _ := newHandler(t, withSnapshot(t))
	stale, _ := newHandler(t, withSnapshot(t), withStale(t))
	tests := []struct {
		name      string
		h         http.Handler
		ours, fra string
		stale     string
	}{
		{"latest", fresh, "/rates", "/v1/latest", "false"},
		{"latest stale", stale, "/rates", "/v1/latest", "true"},
		{"past date", fresh, "/rates?date=2024-12-24", "/v1/2024-12-24", "false"},
		{"range ending in the past", fresh, "/rates?date=2024-12-31", "/v1/2024-12-02..2024-12-31", "false"},
		{"open range", fresh, "/rates", "/v1/2025-05-01..", "false"},
		{"open range stale", stale, "/rates", "/v1/2025-05-01..", "true"},
		{"currencies", fresh, "/rates", "/v1/currencies", "false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ours, rec := get(t, tt.h, tt.ours), get(t, tt.h, tt.fra)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d, body %s", rec.Code, rec.Body)
			}
			if got, want := rec.Header().Get("Cache-Control"), ours.Header().Get("Cache-Control"); got != want || got == "" {
				t.Errorf("Cache-Control = %q, want %q as %s", got, want, tt.ours)
			}
			if got := rec.Header().Get("X-Rates-Stale"); got != tt.stale {
				t.Errorf("X-Rates-Stale = %q, want %q", got, tt.stale)
			}
			etag := rec.Header().Get("ETag")
			if !strings.HasPrefix(etag, `"`) {
				t.Fatalf("ETag = %q, want a strong one", etag)
			}
			again := get(t, tt.h, tt.fra, "If-None-Match", etag)
			if again.Code != http.StatusNotModified || again.Body.Len() != 0 || again.Header().Get("ETag") != etag {
				t.Errorf("If-None-Match: status %d, ETag %q, %d bytes; want 304, %q, none", again.Code, again.Header().Get("ETag"), again.Body.Len(), etag)
			}
			if other := get(t, tt.h, tt.fra, "If-None-Match", `"other"`); other.Code != http.StatusOK {
				t.Errorf("If-None-Match another tag: status %d, want 200", other.Code)
			}
		})
	}
}

func TestFrankfurterHEAD(t *testing.T) {
	h, _ := newHandler(t, withSnapshot(t))
	for _, target := range []string{"/v1/latest", "/latest", "/v1/2024-12-24?from=GBP", "/v1/2024-12-01..2024-12-31", "/v1/currencies", "/2024-12-24", "/2024-12-25..2024-12-31?symbols=USD"} {
		g, hd := get(t, h, target), serve(t, h, http.MethodHead, target)
		if hd.Code != http.StatusOK || hd.Body.Len() != 0 {
			t.Errorf("HEAD %s: status %d, %d bytes; want 200, none", target, hd.Code, hd.Body.Len())
		}
		for _, k := range []string{"ETag", "Content-Length", "Content-Type", "Cache-Control"} {
			if hd.Header().Get(k) != g.Header().Get(k) {
				t.Errorf("HEAD %s %s = %q, GET's %q", target, k, hd.Header().Get(k), g.Header().Get(k))
			}
		}
	}
	hd := serve(t, h, http.MethodHead, "/v1/2024-02-30")
	if hd.Code != http.StatusUnprocessableEntity || hd.Body.Len() != 0 || hd.Header().Get("Content-Length") == "" {
		t.Errorf("HEAD of an error: status %d, %d bytes, Content-Length %q", hd.Code, hd.Body.Len(), hd.Header().Get("Content-Length"))
	}
}

func TestFrankfurterMethodsAndCORS(t *testing.T) {
	h, _ := newHandler(t, withSnapshot(t))
	for _, target := range []string{"/v1/latest", "/latest", "/v1/2024-12-24", "/v1/currencies"} {
		checkProblem(t, serve(t, h, http.MethodPost, target), http.StatusMethodNotAllowed)
	}
	rec := get(t, h, "/v1/latest", "Origin", "https://app.example.com")
	if got, want := rec.Header().Get("Access-Control-Allow-Origin"), "https://app.example.com"; got != want {
		t.Errorf("Access-Control-Allow-Origin = %q, want %q", got, want)
	}
	rec = get(t, h, "/v1/2024-02-30", "Origin", "https://app.example.com")
	if got, want := rec.Header().Get("Access-Control-Allow-Origin"), "https://app.example.com"; got != want {
		t.Errorf("on an error, Access-Control-Allow-Origin = %q, want %q", got, want)
	}
}

// TestFrankfurterBodyReadableByEncodingJSON: every answer decodes with
// encoding/json into numbers (no strings, no NaN).
func TestFrankfurterBodyReadableByEncodingJSON(t *testing.T) {
	h, _ := newHandler(t, withSnapshot(t))
	for _, target := range []string{"/v1/latest?amount=1e-10&from=IDR", "/v1/1999-01-04..1999-02-01?from=JPY&amount=999999999999999"} {
		var v any
		if err := json.NewDecoder(io.NopCloser(get(t, h, target).Body)).Decode(&v); err != nil {
			t.Errorf("%s: %v", target, err)
		}
	}
}

// TestFrankfurterUnprefixed: api.frankfurter.app's paths, without /v1,
// answer exactly as under /v1/.
func TestFrankfurterUnprefixed(t *testing.T) {
	h, _ := newHandler(t, withSnapshot(t))
	for _, path := range []string{
		"/2024-12-24?from=GBP&to=CHF&amount=100", "/2024-12-25", "/2024-12-28..2025-01-03?symbols=USD",
		"/2025-05-01..", "/2010-31-01", "/1999-01-01", "/2024-12-24?base=XYZ",
	} {
		want, got := get(t, h, "/v1"+path), get(t, h, path)
		if got.Code != want.Code || got.Body.String() != want.Body.String() || got.Header().Get("ETag") != want.Header().Get("ETag") {
			t.Errorf("GET %s = %d %s, want /v1%s's %d %s", path, got.Code, got.Body, path, want.Code, want.Body)
		}
	}
	checkProblem(t, serve(t, h, http.MethodPost, "/2024-12-24"), http.StatusMethodNotAllowed)
	for _, target := range []string{"/v1/convert", "/nope", "/v12024-12-24", "/2024-12-24/x"} {
		checkProblem(t, serve(t, h, http.MethodPost, target), http.StatusNotFound)
	}
}

// TestFrankfurterDatePathsNameTheirRoute: the fallback serves the date
// paths, and their access lines name the route as the spec does, so the
// per-route metrics do not count them as unmatched.
func TestFrankfurterDatePathsNameTheirRoute(t *testing.T) {
	for _, tt := range []struct{ target, route string }{
		{"/v1/2024-12-24", "/v1/{dates}"},
		{"/2024-12-24..2024-12-31", "/{dates}"},
		{"/nope", "unmatched"},
	} {
		h, logs := newHandler(t, withSnapshot(t))
		get(t, h, tt.target)
		lines := logs.lines(t)
		if len(lines) != 1 {
			t.Fatalf("GET %s: %d log lines, want 1", tt.target, len(lines))
		}
		if got := lines[0]["route"]; got != tt.route {
			t.Errorf("GET %s: route = %v, want %q", tt.target, got, tt.route)
		}
	}
}

// TestFrankfurterRangeAfterNewest: a range starting after the newest
// publication (a weekend, or today before 16:00) answers that publication,
// as Frankfurter's between takes the publication in force on its start.
func TestFrankfurterRangeAfterNewest(t *testing.T) {
	h, _ := newHandler(t)
	want := `{"amount":1,"base":"EUR","start_date":"2025-05-09","end_date":"2025-05-09","rates":{"2025-05-09":{"USD":1.125}}}` + "\n"
	for _, target := range []string{"/v1/2025-05-10..?symbols=USD", "/v1/2025-05-10..2025-05-11?symbols=USD", "/v1/2025-05-12..?symbols=USD", "/2025-05-11..2025-05-12?symbols=USD"} {
		rec := get(t, h, target)
		if rec.Code != http.StatusOK || rec.Body.String() != want {
			t.Errorf("GET %s = %d %s, want 200 %s", target, rec.Code, rec.Body, want)
		}
	}
}

// TestFrankfurterLargeAmountsKeepMinorUnits: a value rounds at 12
// significant digits or at the target's minor units, whichever keeps more,
// so a large amount loses none of the digits /convert gives it (Python's
// decimal module: 999999999999999.999999 × 163.36 ÷ 18606.59 =
// 8779685047072.032..., × 1.1252 ÷ 18606.59 = 60473197936.860...).
func TestFrankfurterLargeAmountsKeepMinorUnits(t *testing.T) {
	h, _ := newHandler(t, withSnapshot(t))
	const amount = "999999999999999.999999"
	d := frGetDay(t, h, "/v1/2025-05-09?amount="+amount+"&from=IDR&to=JPY,USD")
	for code, want := range map[string]string{"JPY": "8779685047072", "USD": "60473197936.86"} {
		if got := string(d.Rates[code]); got != want {
			t.Errorf("%s IDR in %s = %s, want %s", amount, code, got, want)
		}
		conv := decodeNumbers(t, get(t, h, "/convert?amount="+amount+"&from=IDR&to="+code+"&date=2025-05-09").Body.Bytes())
		if frRat(t, string(d.Rates[code])).Cmp(frRat(t, string(conv["converted"].(json.Number)))) != 0 {
			t.Errorf("%s IDR in %s = %s, /convert says %s", amount, code, d.Rates[code], conv["converted"])
		}
	}
}

// TestFrankfurterIgnoresUnknownParameters: as Frankfurter, the routes read
// only their own parameters, so a cache buster such as jQuery's _=<time>
// changes nothing; from wins over base and to over symbols, as
// Frankfurter's values_at(:from, :base).compact.first.
func TestFrankfurterIgnoresUnknownParameters(t *testing.T) {
	h, _ := newHandler(t, withSnapshot(t))
	for _, p := range [][2]string{
		{"/v1/2024-12-24?_=12345", "/v1/2024-12-24"},
		{"/2024-12-24?_=1&_=2&callback=x", "/2024-12-24"},
		{"/v1/latest?symbol=USD&date=2024-01-02", "/v1/latest"},
		{"/latest?from=GBP&to=USD&x=1", "/latest?from=GBP&to=USD"},
		{"/v1/2024-12-02..2024-12-06?to=USD&_=1", "/v1/2024-12-02..2024-12-06?to=USD"},
		{"/v1/currencies?_=12345&base=USD", "/v1/currencies"},
		{"/v1/latest?query=x", "/v1/latest"},
		{"/v1/currencies?query=1", "/v1/currencies"},
		{"/v1/2024-01-02..2024-01-05?to=USD&query=abc", "/v1/2024-01-02..2024-01-05?to=USD"},
		{"/v1/latest?from=USD&base=GBP", "/v1/latest?from=USD"},
		{"/v1/latest?base=GBP&from=USD", "/v1/latest?from=USD"},
		{"/v1/2024-12-24?to=USD&symbols=GBP", "/v1/2024-12-24?to=USD"},
		{"/v1/2024-12-24..2024-12-27?symbols=GBP&to=USD&base=CHF&from=JPY", "/v1/2024-12-24..2024-12-27?from=JPY&to=USD"},
	} {
		got, want := get(t, h, p[0]), get(t, h, p[1])
		if want.Code != http.StatusOK || got.Code != want.Code || got.Body.String() != want.Body.String() {
			t.Errorf("GET %s = %d %s, want %s's 200 %s (%d)", p[0], got.Code, got.Body, p[1], want.Body, want.Code)
		}
	}
	msg := checkFrankfurterError(t, get(t, h, "/v1/2024-01-01..?amount=0&x=1"), http.StatusUnprocessableEntity)
	if !strings.Contains(msg, "invalid amount") || strings.Contains(msg, "x ") {
		t.Errorf("message %q, want only the invalid amount", msg)
	}
}

// TestFrankfurterRangeDropsDaysWithoutRates: as Frankfurter, a range
// answers the publications it can: a currency asked for is left out of a
// day without its rate, and a day left with no rate, or without the base's,
// is left out (Frankfurter's rebase drops it; a day with no row of the
// symbols asked for never appears). 404 only when no day is left.
func TestFrankfurterRangeDropsDaysWithoutRates(t *testing.T) {
	h, _ := newHandler(t, withSnapshot(t))
	tests := []struct {
		target, start, end string
		base               string   // "" is EUR
		codes              []string // asked for
	}{
		{"/v1/2007-12-03..2008-01-31?to=CYP", "2007-12-03", "2008-01-31", "", []string{"CYP"}}, // CYP ends 2007-12-31
		{"/v1/2008-11-03..2008-12-31?to=ISK", "2008-11-03", "2008-12-31", "", []string{"ISK"}}, // ISK suspended in late 2008
		{"/v1/2007-12-20..2008-01-10?to=USD,CYP", "2007-12-20", "2008-01-10", "", []string{"CYP", "USD"}},
		{"/v1/2007-12-03..2008-01-31?from=MTL&to=USD", "2007-12-03", "2008-01-31", "MTL", []string{"USD"}},
		{"/2007-12-20..2008-01-10?from=USD&to=CYP,EUR", "2007-12-20", "2008-01-10", "USD", []string{"CYP", "EUR"}},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			s := frGetSeries(t, h, tt.target)
			var dates []string
			for _, d := range frCSVDates(t, tt.start, tt.end) {
				day := frCSVDay(t, d)
				if _, ok := day[tt.base]; tt.base != "" && !ok {
					continue
				}
				var codes []string
				for _, c := range tt.codes {
					if _, ok := day[c]; ok || c == "EUR" {
						codes = append(codes, c)
					}
				}
				if len(codes) == 0 {
					continue
				}
				dates = append(dates, d)
				if diff := cmp.Diff(codes, slices.Sorted(maps.Keys(s.Rates[d]))); diff != "" {
					t.Errorf("%s: codes (-want +got):\n%s", d, diff)
				}
			}
			if len(dates) == 0 {
				t.Fatal("the test asks for no day with a rate")
			}
			if diff := cmp.Diff(dates, slices.Sorted(maps.Keys(s.Rates))); diff != "" {
				t.Errorf("dates (-want +got):\n%s", diff)
			}
			if s.StartDate != dates[0] || s.EndDate != dates[len(dates)-1] {
				t.Errorf("start_date %s, end_date %s; want %s, %s", s.StartDate, s.EndDate, dates[0], dates[len(dates)-1])
			}
			if tt.base == "" {
				for d, r := range s.Rates {
					want := map[string]string{}
					for _, c := range tt.codes {
						if v, ok := frCSVDay(t, d)[c]; ok {
							want[c] = v
						}
					}
					frNumbersEqual(t, r, want)
				}
			}
		})
	}
}

// TestFrankfurterEmptyRangeNamesEachCodeOnce: the 404 of a range with no
// publication left names the currencies asked for, each once.
func TestFrankfurterEmptyRangeNamesEachCodeOnce(t *testing.T) {
	h, _ := newHandler(t, withSnapshot(t))
	msg := checkFrankfurterError(t, get(t, h, "/v1/2008-01-02..2008-01-31?from=CYP&to=CYP"), http.StatusNotFound)
	if strings.Count(msg, "CYP") != 1 {
		t.Errorf("message %q, want CYP named once", msg)
	}
}
