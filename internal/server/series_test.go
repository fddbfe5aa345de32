package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/cockroachdb/apd/v3"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
	"github.com/currency-convertor-ecs/currency-api/internal/server"
)

// timeseriesDay is one publication of a /timeseries body, its members in the
// order they were written.
type timeseriesDay struct {
	date   string
	codes  []string
	values []json.Number
}

// timeseriesBody is a /timeseries JSON body read token by token, so the order
// of its members is checked too, not only their values.
type timeseriesBody struct {
	base, start, end string
	stale            bool
	days             []timeseriesDay
}

// rate returns the value of code on date, and whether the body has one.
func (b timeseriesBody) rate(date, code string) (json.Number, bool) {
	for _, d := range b.days {
		if d.date == date {
			if i := slices.Index(d.codes, code); i >= 0 {
				return d.values[i], true
			}
		}
	}
	return "", false
}

func (b timeseriesBody) dates() []string {
	var out []string
	for _, d := range b.days {
		out = append(out, d.date)
	}
	return out
}

// decodeTimeseries reads a /timeseries body with encoding/json's tokenizer
// (numbers kept as text) and checks its layout: the five members in order,
// dates strictly ascending, each day's codes strictly ascending, every
// value a positive number.
func decodeTimeseries(t testing.TB, body []byte) timeseriesBody {
	t.Helper()
	decodeNumbers(t, body) // one JSON object and nothing after it
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	next := func() json.Token {
		t.Helper()
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("body %.200q: %v", body, err)
		}
		return tok
	}
	str := func(what string) string {
		t.Helper()
		s, ok := next().(string)
		if !ok {
			t.Fatalf("%s is not a string in %.200q", what, body)
		}
		return s
	}
	expectKey := func(want string) {
		t.Helper()
		if got := str("key"); got != want {
			t.Fatalf("member %q where %q belongs, in %.200q", got, want, body)
		}
	}
	delim := func(want json.Delim) {
		t.Helper()
		if got := next(); got != want {
			t.Fatalf("token %v where %v belongs, in %.200q", got, want, body)
		}
	}
	var out timeseriesBody
	delim('{')
	expectKey("base")
	out.base = str("base")
	expectKey("start_date")
	out.start = str("start_date")
	expectKey("end_date")
	out.end = str("end_date")
	expectKey("stale")
	stale, ok := next().(bool)
	if !ok {
		t.Fatalf("stale is not a boolean in %.200q", body)
	}
	out.stale = stale
	expectKey("rates")
	delim('{')
	for dec.More() {
		day := timeseriesDay{date: str("date")}
		if _, err := currency.ParseDate(day.date); err != nil {
			t.Fatalf("rates key %q is not a date", day.date)
		}
		if n := len(out.days); n > 0 && out.days[n-1].date >= day.date {
			t.Fatalf("date %s after %s: not in ascending order", day.date, out.days[n-1].date)
		}
		delim('{')
		for dec.More() {
			code := str("code")
			if n := len(day.codes); n > 0 && day.codes[n-1] >= code {
				t.Fatalf("%s: code %s after %s: not in code order", day.date, code, day.codes[n-1])
			}
			v, ok := next().(json.Number)
			if !ok {
				t.Fatalf("%s %s is not a number", day.date, code)
			}
			if d := seriesDecimal(t, string(v)); d.Sign() <= 0 {
				t.Fatalf("%s %s = %s, not positive", day.date, code, v)
			}
			day.codes = append(day.codes, code)
			day.values = append(day.values, v)
		}
		delim('}')
		out.days = append(out.days, day)
	}
	delim('}')
	delim('}')
	if dec.More() {
		t.Fatalf("members after rates in %.200q", body)
	}
	return out
}

// seriesDecimal parses s with apd, which the service's own parsers are not.
func seriesDecimal(t testing.TB, s string) *apd.Decimal {
	t.Helper()
	d, _, err := apd.NewFromString(s)
	if err != nil {
		t.Fatalf("apd.NewFromString(%q): %v", s, err)
	}
	return d
}

// seriesSameDecimal reports whether two decimal texts denote the same number.
func seriesSameDecimal(t testing.TB, a, b string) bool {
	t.Helper()
	return seriesDecimal(t, a).Cmp(seriesDecimal(t, b)) == 0
}

// seriesRatesOn returns /rates for base on date: the peer whose numbers a time
// series must repeat digit for digit.
func seriesRatesOn(t testing.TB, h http.Handler, base, date string) map[string]any {
	t.Helper()
	rec := get(t, h, "/rates?base="+base+"&date="+date)
	if rec.Code != http.StatusOK {
		t.Fatalf("/rates?base=%s&date=%s = %d: %s", base, date, rec.Code, rec.Body)
	}
	return decodeNumbers(t, rec.Body.Bytes())["rates"].(map[string]any)
}

func getTimeseries(t testing.TB, h http.Handler, target string) timeseriesBody {
	t.Helper()
	rec := get(t, h, target)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s = %d: %s", target, rec.Code, rec.Body)
	}
	if got, want := rec.Header().Get("Content-Type"), "application/json; charset=utf-8"; got != want {
		t.Errorf("GET %s Content-Type = %q, want %q", target, got, want)
	}
	return decodeTimeseries(t, rec.Body.Bytes())
}

func TestTimeseriesRepeatsRatesOnEveryPublication(t *testing.T) {
	h, _ := newHandler(t)
	got := getTimeseries(t, h, "/timeseries?base=USD&symbols=GBP,EUR,JPY,USD&start_date=2020-03-13&end_date=2025-05-09")
	if got.base != "USD" || got.start != "2020-03-13" || got.end != "2025-05-09" || got.stale {
		t.Errorf("base, start_date, end_date, stale = %s, %s, %s, %v; want USD, 2020-03-13, 2025-05-09, false", got.base, got.start, got.end, got.stale)
	}
	if want := []string{"2020-03-13", "2020-03-16", "2025-05-08", "2025-05-09"}; !slices.Equal(got.dates(), want) {
		t.Fatalf("dates = %v, want %v", got.dates(), want)
	}
	for _, day := range got.days {
		// The base, asked for, is 1; all are in code order whatever order
		// symbols listed them in.
		if want := []string{"EUR", "GBP", "JPY", "USD"}; !slices.Equal(day.codes, want) {
			t.Errorf("%s: codes %v, want %v", day.date, day.codes, want)
		}
		peer := seriesRatesOn(t, h, "USD", day.date)
		peer["USD"] = json.Number("1") // /rates leaves its base out
		for i, code := range day.codes {
			if want := peer[code].(json.Number); day.values[i] != want {
				t.Errorf("%s %s = %s, /rates says %s", day.date, code, day.values[i], want)
			}
		}
	}
	// Worked out with Python's decimal module: Context(prec=12,
	// rounding=ROUND_HALF_EVEN).divide(Decimal("1"), Decimal("1.1104")).
	if v, _ := got.rate("2020-03-13", "EUR"); v != "0.900576368876" {
		t.Errorf("2020-03-13 EUR = %s, want 0.900576368876", v)
	}
	if v, _ := got.rate("2025-05-09", "GBP"); v != "0.752" {
		t.Errorf("2025-05-09 GBP = %s, want 0.752 (0.846 / 1.125)", v)
	}
}

// TestSeriesBaseAsSymbol: a base asked for in symbols is answered at rate
// 1 on every publication where the base has a rate, as /convert answers a
// same-currency pair; without symbols it stays out, as /rates leaves it out.
func TestSeriesBaseAsSymbol(t *testing.T) {
	h, _ := newHandler(t)
	for _, tt := range []struct {
		target string
		want   map[string][]string // date -> codes with rate 1
	}{
		{"/timeseries?start_date=2020-03-13&end_date=2020-03-16&base=USD&symbols=USD",
			map[string][]string{"2020-03-13": {"USD"}, "2020-03-16": {"USD"}}},
		{"/timeseries?start_date=2020-03-13&end_date=2020-03-16&symbols=EUR",
			map[string][]string{"2020-03-13": {"EUR"}, "2020-03-16": {"EUR"}}},
		// CYP, withdrawn after 2007: 1 while it was published, then days
		// without a rate for the base, empty as before.
		{"/timeseries?start_date=2007-12-28&end_date=2020-03-13&base=cyp&symbols=CYP",
			map[string][]string{"2007-12-28": {"CYP"}, "2007-12-31": {"CYP"}, "2020-03-13": nil}},
	} {
		got := getTimeseries(t, h, tt.target)
		if len(got.days) != len(tt.want) {
			t.Errorf("%s: dates %v, want %d", tt.target, got.dates(), len(tt.want))
		}
		for _, day := range got.days {
			want, ok := tt.want[day.date]
			if !ok || !slices.Equal(day.codes, want) {
				t.Errorf("%s: %s codes %v, want %v", tt.target, day.date, day.codes, want)
				continue
			}
			for i, v := range day.values {
				if v != "1" {
					t.Errorf("%s: %s %s = %s, want 1", tt.target, day.date, day.codes[i], v)
				}
			}
		}
	}
	rec := get(t, h, "/timeseries?format=csv&base=GBP&symbols=USD,GBP&start_date=2025-05-08&end_date=2025-05-09")
	if got, want := rec.Body.String(), "date,GBP,USD\r\n2025-05-08,1,1.33632923368\r\n2025-05-09,1,1.32978723404\r\n"; got != want {
		t.Errorf("CSV = %q, want %q", got, want)
	}
	// Without symbols the base stays out.
	got := getTimeseries(t, h, "/timeseries?start_date=2025-05-09&base=USD")
	if len(got.days) != 1 || !slices.Equal(got.days[0].codes, []string{"EUR", "GBP", "JPY"}) {
		t.Errorf("no symbols: days %+v, want EUR, GBP, JPY on 2025-05-09", got.days)
	}
}

func TestTimeseriesDefaultsAndDateSemantics(t *testing.T) {
	h, _ := newHandler(t)
	tests := []struct {
		name, query string
		start, end  string
		dates       []string
		codes       []string // of the first day
	}{
		{"base EUR, every currency with a rate in the range, newest end", "start_date=2025-05-08",
			"2025-05-08", "2025-05-09", []string{"2025-05-08", "2025-05-09"}, []string{"GBP", "JPY", "USD"}},
		{"a Saturday start begins at the Friday before", "start_date=2020-03-14&end_date=2020-03-16&symbols=USD",
			"2020-03-13", "2020-03-16", []string{"2020-03-13", "2020-03-16"}, []string{"USD"}},
		{"a weekend range is the Friday in force", "start_date=2020-03-14&end_date=2020-03-15&symbols=USD",
			"2020-03-13", "2020-03-13", []string{"2020-03-13"}, []string{"USD"}},
		{"an end in the future of the rates stops at the newest", "start_date=2025-05-09&end_date=2025-05-12&symbols=USD",
			"2025-05-09", "2025-05-09", []string{"2025-05-09"}, []string{"USD"}},
		{"a withdrawn currency is in the default while it has a rate in the range", "start_date=2007-12-31&end_date=2020-03-13",
			"2007-12-31", "2020-03-13", []string{"2007-12-31", "2020-03-13"}, []string{"CYP", "GBP", "JPY", "USD"}},
		{"symbols of only the base: the base at 1", "base=GBP&symbols=GBP&start_date=2025-05-08",
			"2025-05-08", "2025-05-09", []string{"2025-05-08", "2025-05-09"}, []string{"GBP"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := getTimeseries(t, h, "/timeseries?"+tt.query)
			if got.start != tt.start || got.end != tt.end {
				t.Errorf("start_date, end_date = %s, %s; want %s, %s", got.start, got.end, tt.start, tt.end)
			}
			if !slices.Equal(got.dates(), tt.dates) {
				t.Fatalf("dates = %v, want %v", got.dates(), tt.dates)
			}
			if !slices.Equal(got.days[0].codes, tt.codes) {
				t.Errorf("codes = %v, want %v", got.days[0].codes, tt.codes)
			}
		})
	}
}

// TestTimeseriesMissingRates: a currency, or the base, without a rate on
// some publications of the range is left out of those days, and the days
// stay; one without a rate anywhere in the range is a 400.
func TestTimeseriesMissingRates(t *testing.T) {
	h, _ := newHandler(t)
	got := getTimeseries(t, h, "/timeseries?symbols=CYP,USD&start_date=2007-12-28&end_date=2020-03-16")
	want := map[string][]string{
		"2007-12-28": {"CYP", "USD"}, "2007-12-31": {"CYP", "USD"},
		"2020-03-13": {"USD"}, "2020-03-16": {"USD"},
	}
	if len(got.days) != len(want) {
		t.Fatalf("dates = %v, want the 4 of %v", got.dates(), want)
	}
	for _, d := range got.days {
		if !slices.Equal(d.codes, want[d.date]) {
			t.Errorf("%s: codes %v, want %v", d.date, d.codes, want[d.date])
		}
	}
	// The base withdrawn: the days after it are empty objects.
	got = getTimeseries(t, h, "/timeseries?base=CYP&symbols=USD&start_date=2007-12-31&end_date=2020-03-13")
	if !slices.Equal(got.dates(), []string{"2007-12-31", "2020-03-13"}) || len(got.days[0].codes) != 1 || len(got.days[1].codes) != 0 {
		t.Errorf("base CYP: days %+v, want a USD rate on 2007-12-31 and none on 2020-03-13", got.days)
	}
	// 1.4721 / 0.585274 at 12 digits, half-even (Python's decimal module).
	if v, _ := got.rate("2007-12-31", "USD"); v != "2.51523218185" {
		t.Errorf("base CYP 2007-12-31 USD = %s, want 2.51523218185", v)
	}

	for _, tt := range []struct{ query, param, detail string }{
		{"symbols=CYP,USD&start_date=2020-03-13", "symbols", "no ECB rate for CYP from 2020-03-13 to 2025-05-09 (published from 1999-01-04 to 2007-12-31)"},
		{"base=CYP&start_date=2020-03-13", "base", "no ECB rate for CYP from 2020-03-13 to 2025-05-09 (published from 1999-01-04 to 2007-12-31)"},
	} {
		p := checkProblem(t, get(t, h, "/timeseries?"+tt.query), http.StatusBadRequest)
		if want := []paramError{{tt.param, tt.detail}}; !slices.Equal(p.Errors, want) {
			t.Errorf("%s: errors %+v, want %+v", tt.query, p.Errors, want)
		}
	}
}

// TestTimeseriesSnapshotGaps runs on the real history: ISK had no rate from
// 2008-12-10 to 2018-01-31, CYP none after 2007-12-31.
func TestTimeseriesSnapshotGaps(t *testing.T) {
	h, _ := newHandler(t, withSnapshot(t))
	got := getTimeseries(t, h, "/timeseries?symbols=ISK,USD&start_date=2008-12-08&end_date=2008-12-11")
	want := map[string][]string{"2008-12-08": {"ISK", "USD"}, "2008-12-09": {"ISK", "USD"}, "2008-12-10": {"USD"}, "2008-12-11": {"USD"}}
	if len(got.days) != 4 {
		t.Fatalf("dates = %v, want 2008-12-08 to 2008-12-11", got.dates())
	}
	for _, d := range got.days {
		if !slices.Equal(d.codes, want[d.date]) {
			t.Errorf("%s: codes %v, want %v", d.date, d.codes, want[d.date])
		}
	}
	p := checkProblem(t, get(t, h, "/timeseries?symbols=ISK&start_date=2010-01-04&end_date=2010-12-31"), http.StatusBadRequest)
	if want := []paramError{{"symbols", "no ECB rate for ISK from 2010-01-04 to 2010-12-31: the ECB published none in that time"}}; !slices.Equal(p.Errors, want) {
		t.Errorf("errors %+v, want %+v", p.Errors, want)
	}
}

// TestTimeseriesSnapshotEveryPublication: a year of every currency against
// the euro is every row of the ECB's file for that year, each value the
// one the ECB printed.
func TestTimeseriesSnapshotEveryPublication(t *testing.T) {
	h, _ := newHandler(t, withSnapshot(t))
	ecbRows, err := ecbCSV()
	if err != nil {
		t.Fatal(err)
	}
	var ecbDates []string
	for d := range ecbRows {
		if strings.HasPrefix(d, "2020-") {
			ecbDates = append(ecbDates, d)
		}
	}
	slices.Sort(ecbDates)
	if len(ecbDates) != 257 {
		t.Fatalf("the ECB file has %d publications in 2020, want 257", len(ecbDates))
	}
	hist, _ := snapshotHistory()
	if n := hist.Range(date(t, "2020-01-02"), date(t, "2020-12-31")).Len(); n != 257 {
		t.Errorf("History.Range(2020-01-02, 2020-12-31).Len() = %d, want 257", n)
	}
	// 2020-01-01 is a TARGET holiday: a range starting on it begins at the
	// publication in force, 2019-12-31, as /rates?date=2020-01-01 does.
	got := getTimeseries(t, h, "/timeseries?start_date=2020-01-01&end_date=2020-12-31")
	if want := append([]string{"2019-12-31"}, ecbDates...); !slices.Equal(got.dates(), want) {
		t.Fatalf("dates: %d from %s to %s, want the %d of the ECB file from 2019-12-31", len(got.days), got.start, got.end, len(want))
	}
	values := 0
	for _, d := range got.days {
		row := ecbRows[d.date]
		var codes []string
		for code := range row {
			codes = append(codes, code)
		}
		slices.Sort(codes)
		if !slices.Equal(d.codes, codes) {
			t.Errorf("%s: codes %v, the ECB file has %v", d.date, d.codes, codes)
			continue
		}
		for i, code := range d.codes {
			if !seriesSameDecimal(t, string(d.values[i]), row[code]) {
				t.Errorf("%s %s = %s, the ECB published %s", d.date, code, d.values[i], row[code])
			}
			values++
		}
	}
	if values < 257*30 {
		t.Errorf("compared %d values, want at least 30 currencies a day", values)
	}
}

func TestTimeseriesBadRequests(t *testing.T) {
	h, _ := newHandler(t)
	tests := []struct {
		query  string
		params []string
	}{
		{"", []string{"start_date"}},
		{"end_date=2020-03-16", []string{"start_date"}},
		{"start_date=2020-3-1", []string{"start_date"}},
		{"start_date=1998-12-31", []string{"start_date"}},
		{"start_date=2099-01-01", []string{"start_date"}},
		{"start_date=2020-03-16&end_date=2020-03-13", []string{"end_date"}},
		{"start_date=2020-03-13&end_date=2099-01-01", []string{"end_date"}},
		{"start_date=2020-03-13&base=XYZ", []string{"base"}},
		{"start_date=2020-03-13&base=", []string{"base"}},
		{"start_date=2020-03-13&symbols=US,KWD", []string{"symbols", "symbols"}},
		{"start_date=2020-03-13&symbols=", []string{"symbols"}},
		{"start_date=2020-03-13&format=xml", []string{"format"}},
		{"start_date=2020-03-13&format=CSV", []string{"format"}},
		{"start_date=2020-03-13&date=2020-03-13", []string{"date"}},
		{"start_date=2020-03-13&start_date=2020-03-16", []string{"start_date"}},
		{"start_date=%zz", []string{"query"}},
		// Every problem at once, the dates' included.
		{"base=XYZ&symbols=US&start_date=1990-01-01&format=pdf", []string{"base", "format", "start_date", "symbols"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			p := checkProblem(t, get(t, h, "/timeseries?"+tt.query), http.StatusBadRequest)
			var params []string
			for _, e := range p.Errors {
				params = append(params, e.Parameter)
			}
			slices.Sort(params)
			if !slices.Equal(params, tt.params) {
				t.Errorf("problems %+v, want one each for %v", p.Errors, tt.params)
			}
		})
	}
}

func TestTimeseriesCSV(t *testing.T) {
	h, _ := newHandler(t)
	const q = "base=USD&symbols=CYP,GBP,EUR&start_date=2007-12-28&end_date=2020-03-16"
	rec := get(t, h, "/timeseries?format=csv&"+q)
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d: %s", rec.Code, rec.Body)
	}
	if got, want := rec.Header().Get("Content-Type"), "text/csv; charset=utf-8"; got != want {
		t.Errorf("Content-Type = %q, want %q", got, want)
	}
	if got, want := rec.Header().Get("Content-Disposition"), `attachment; filename="timeseries-USD-2007-12-28-2020-03-16.csv"`; got != want {
		t.Errorf("Content-Disposition = %q, want %q", got, want)
	}
	raw := rec.Body.String()
	if !strings.HasSuffix(raw, "\r\n") || strings.Count(raw, "\r\n") != strings.Count(raw, "\n") {
		t.Errorf("lines do not all end in CRLF (RFC 4180): %q", raw)
	}
	r := csv.NewReader(strings.NewReader(raw))
	r.FieldsPerRecord = 4
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("encoding/csv: %v in %q", err, raw)
	}
	if want := []string{"date", "CYP", "EUR", "GBP"}; !slices.Equal(rows[0], want) {
		t.Errorf("header %v, want %v", rows[0], want)
	}
	// Every cell is the JSON answer's value, empty where it has none.
	js := getTimeseries(t, h, "/timeseries?"+q)
	if len(rows)-1 != len(js.days) {
		t.Fatalf("%d rows, the JSON answer has %d days", len(rows)-1, len(js.days))
	}
	for i, row := range rows[1:] {
		if row[0] != js.days[i].date {
			t.Errorf("row %d date %s, JSON day %s", i, row[0], js.days[i].date)
		}
		for j, code := range rows[0][1:] {
			v, ok := js.rate(row[0], code)
			if row[j+1] != string(v) || (row[j+1] == "") == ok {
				t.Errorf("%s %s: cell %q, JSON %q (present %v)", row[0], code, row[j+1], v, ok)
			}
		}
	}
	if rows[3][1] != "" || rows[1][1] == "" {
		t.Errorf("CYP cells %q on 2007-12-28 and %q on 2020-03-13: want a rate, then none", rows[1][1], rows[3][1])
	}
	// HEAD sends the same headers and no body.
	head := serve(t, h, http.MethodHead, "/timeseries?format=csv&"+q)
	if head.Code != http.StatusOK || head.Body.Len() != 0 {
		t.Errorf("HEAD: status %d, %d body bytes; want 200 and none", head.Code, head.Body.Len())
	}
	for _, name := range []string{"Content-Type", "Content-Disposition", "ETag", "Cache-Control", "X-Rates-Stale"} {
		if got, want := head.Header().Get(name), rec.Header().Get(name); got != want {
			t.Errorf("HEAD %s = %q, GET has %q", name, got, want)
		}
	}
}

func TestTimeseriesCachingAndETag(t *testing.T) {
	h, _ := newHandler(t)
	stale, _ := newHandler(t, withStale(t))
	otherVersion, _ := newHandler(t, func(cfg *server.Config) { cfg.Version = "1.2.4-test" })
	const base = "/timeseries?base=USD&symbols=EUR,GBP&start_date=2020-03-13&end_date=2025-05-08"
	first := get(t, h, base)
	etag := first.Header().Get("ETag")
	if len(etag) != 34 || etag[0] != '"' || etag[33] != '"' {
		t.Fatalf("ETag = %q, want a strong tag of 32 hex digits", etag)
	}
	if again := get(t, h, base); again.Header().Get("ETag") != etag || again.Body.String() != first.Body.String() {
		t.Errorf("a second request: ETag %q, want %q, and the same body", again.Header().Get("ETag"), etag)
	}
	// The tag differs whenever the body differs, and only then.
	tests := []struct {
		name   string
		h      http.Handler
		target string
		same   bool
	}{
		{"base", h, strings.Replace(base, "base=USD", "base=GBP", 1), false},
		{"symbols", h, strings.Replace(base, "EUR,GBP", "EUR", 1), false},
		{"symbols in another order", h, strings.Replace(base, "EUR,GBP", "GBP,EUR", 1), true},
		{"start", h, strings.Replace(base, "2020-03-13", "2020-03-16", 1), false},
		{"a start resolving to the same publication", h, strings.Replace(base, "2020-03-13", "2020-03-15", 1), true},
		{"end", h, strings.Replace(base, "2025-05-08", "2025-05-09", 1), false},
		{"format", h, base + "&format=csv", false},
		{"the default format named", h, base + "&format=json", true},
		{"version", otherVersion, base, false},
		// The same range of the newest rates, once they are stale.
		{"stale", stale, strings.Replace(base, "&end_date=2025-05-08", "", 1), false},
	}
	fresh := get(t, h, strings.Replace(base, "&end_date=2025-05-08", "", 1))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := get(t, tt.h, tt.target)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			ref := first
			if tt.name == "stale" {
				ref = fresh
			}
			if sameTag, sameBody := rec.Header().Get("ETag") == ref.Header().Get("ETag"), rec.Body.String() == ref.Body.String(); sameTag != tt.same || (tt.name != "version" && sameBody != tt.same) {
				t.Errorf("same ETag %v, same body %v; want %v", sameTag, sameBody, tt.same)
			}
		})
	}
	// If-None-Match: 304 with the tag and the cache lifetime, no body.
	for _, inm := range []string{etag, `"x", ` + etag, "W/" + etag, "*"} {
		rec := get(t, h, base, "If-None-Match", inm)
		if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
			t.Errorf("If-None-Match %s: status %d, %d bytes; want 304, none", inm, rec.Code, rec.Body.Len())
		}
		if rec.Header().Get("ETag") != etag || rec.Header().Get("Cache-Control") != first.Header().Get("Cache-Control") {
			t.Errorf("304 headers %v", rec.Header())
		}
	}
	if rec := get(t, h, base, "If-None-Match", `"other"`); rec.Code != http.StatusOK {
		t.Errorf("another tag: status %d, want 200", rec.Code)
	}
	// Cache-Control and X-Rates-Stale are those of /rates on the end date.
	for _, tt := range []struct {
		h            http.Handler
		series, peer string
	}{
		{h, base, "/rates?date=2025-05-08"},
		{h, "/timeseries?start_date=2025-05-08", "/rates"},
		{h, "/timeseries?start_date=2025-05-08&end_date=2025-05-12", "/rates?date=2025-05-12"},
		{stale, "/timeseries?start_date=2025-05-08", "/rates"},
		{stale, base, "/rates?date=2025-05-08"},
	} {
		s, p := get(t, tt.h, tt.series), get(t, tt.h, tt.peer)
		for _, name := range []string{"Cache-Control", "X-Rates-Stale"} {
			if got, want := s.Header().Get(name), p.Header().Get(name); got != want || got == "" {
				t.Errorf("%s: %s = %q, %s has %q", tt.series, name, got, tt.peer, want)
			}
		}
		if got, want := decodeTimeseries(t, s.Body.Bytes()).stale, p.Header().Get("X-Rates-Stale") == "true"; got != want {
			t.Errorf("%s: stale = %v, want %v", tt.series, got, want)
		}
	}
}

// seriesLimitRange returns the dates of the newest n publications of the real
// history.
func seriesLimitRange(t *testing.T, n int) (start, end string) {
	t.Helper()
	hist, _ := snapshotHistory()
	all := hist.Range(currency.FirstDate, hist.Latest())
	return all.Table(all.Len() - n).Date.String(), hist.Latest().String()
}

// TestTimeseriesLimit: maxSeriesValues (100,000) values pass, one
// publication more fails with a 400 that says how to split the request.
func TestTimeseriesLimit(t *testing.T) {
	h, _ := newHandler(t, withSnapshot(t))
	// The first 20 were published on each of the 5000 publications since
	// 2005-10-26; MXN and INR (from 2008 and 2009) on each of the 4000.
	const sym25 = "AUD,BGN,CAD,CHF,CNY,CZK,DKK,GBP,HKD,HUF,IDR,JPY,KRW,MYR,NOK,NZD,PHP,PLN,RON,SEK,SGD,THB,USD,MXN,INR"
	for _, tt := range []struct{ pubs, syms int }{{4000, 25}, {5000, 20}} {
		symbols := strings.Join(strings.Split(sym25, ",")[:tt.syms], ",")
		start, end := seriesLimitRange(t, tt.pubs)
		t.Run(fmt.Sprintf("%d×%d", tt.pubs, tt.syms), func(t *testing.T) {
			got := getTimeseries(t, h, "/timeseries?symbols="+symbols+"&start_date="+start+"&end_date="+end)
			values := 0
			for _, d := range got.days {
				values += len(d.values)
			}
			if len(got.days) != tt.pubs || values != 100_000 {
				t.Errorf("%d days, %d values; want %d and exactly the limit, 100000", len(got.days), values, tt.pubs)
			}
		})
		over, _ := seriesLimitRange(t, tt.pubs+1)
		t.Run(fmt.Sprintf("%d×%d", tt.pubs+1, tt.syms), func(t *testing.T) {
			for _, format := range []string{"json", "csv"} {
				p := checkProblem(t, get(t, h, "/timeseries?format="+format+"&symbols="+symbols+"&start_date="+over+"&end_date="+end), http.StatusBadRequest)
				if len(p.Errors) != 1 || p.Errors[0].Parameter != "start_date" {
					t.Fatalf("errors %+v, want one for start_date", p.Errors)
				}
				d := p.Errors[0].Detail
				asked := fmt.Sprintf("%d publications × %d currencies = %d values", tt.pubs+1, tt.syms, (tt.pubs+1)*tt.syms)
				split := fmt.Sprintf("at most %d publications (the first from %s to ", tt.pubs, over)
				for _, want := range []string{asked, "100000", split, "fewer symbols"} {
					if !strings.Contains(d, want) {
						t.Errorf("detail %q does not say %q", d, want)
					}
				}
			}
		})
	}
	// Every currency over the whole history is far over, and refused
	// before anything is computed; the detail names only what was given.
	for _, tt := range []struct{ query, prefix, advice string }{
		{"start_date=1999-01-04", "from start_date 1999-01-04 to the newest publication, for every currency published in the range, is 6747 publications × ",
			"or ask for a few currencies with symbols"},
		{"start_date=1999-01-04&end_date=2025-05-09", "from start_date 1999-01-04 to end_date, for every currency published in the range, is 6747 publications × ",
			"or ask for a few currencies with symbols"},
		{"start_date=1999-01-04&symbols=" + sym25, "from start_date 1999-01-04 to the newest publication, for the currencies in symbols, is 6747 publications × 25 currencies",
			"or ask for fewer symbols"},
		{"start_date=1999-01-04&end_date=2025-05-09&symbols=" + sym25, "from start_date 1999-01-04 to end_date, for the currencies in symbols, is 6747 publications × 25 currencies",
			"or ask for fewer symbols"},
	} {
		p := checkProblem(t, get(t, h, "/timeseries?"+tt.query), http.StatusBadRequest)
		if len(p.Errors) != 1 || !strings.HasPrefix(p.Errors[0].Detail, tt.prefix) || !strings.HasSuffix(p.Errors[0].Detail, tt.advice) {
			t.Errorf("%.60s: errors %+v, want the limit, starting %q and ending %q", tt.query, p.Errors, tt.prefix, tt.advice)
		}
	}
}

// seriesWriter is a ResponseWriter that keeps every Write's size, and can
// fail from a given Write on.
type seriesWriter struct {
	header  http.Header
	status  int
	writes  []int
	body    bytes.Buffer
	failAt  int // the Write (1-based) that fails, and every one after; 0 never
	flushes int
}

func (w *seriesWriter) Header() http.Header  { return w.header }
func (w *seriesWriter) WriteHeader(code int) { w.status = code }
func (w *seriesWriter) Flush()               { w.flushes++ }
func (w *seriesWriter) Write(b []byte) (int, error) {
	w.writes = append(w.writes, len(b))
	if w.failAt > 0 && len(w.writes) >= w.failAt {
		return 0, errors.New("connection reset by peer")
	}
	return w.body.Write(b)
}

// TestTimeseriesStreams: a long answer reaches the writer in many bounded
// writes, so the service never holds the whole body, and a failed write
// aborts it.
func TestTimeseriesStreams(t *testing.T) {
	h, logs := newHandler(t, withSnapshot(t))
	const target = "/timeseries?symbols=USD,JPY,GBP,CHF,AUD,CAD,SEK,NOK,DKK,HKD,SGD,KRW,NZD,ZAR&start_date=1999-01-04"
	for _, format := range []string{"json", "csv"} {
		w := &seriesWriter{header: http.Header{}}
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target+"&format="+format, nil))
		if w.status != http.StatusOK {
			t.Fatalf("%s: status %d: %.300s", format, w.status, w.body.String())
		}
		if w.body.Len() < 512<<10 || len(w.writes) < 10 {
			t.Errorf("%s: %d bytes in %d writes; want over 512 KiB in many", format, w.body.Len(), len(w.writes))
		}
		if m := slices.Max(w.writes); m > 64<<10 {
			t.Errorf("%s: a write of %d bytes; want each at most 64 KiB", format, m)
		}
		if w.header.Get("Content-Length") != "" {
			t.Errorf("%s: Content-Length %s on a streamed body", format, w.header.Get("Content-Length"))
		}
		if format == "json" {
			got := decodeTimeseries(t, w.body.Bytes())
			if len(got.days) != 6747 {
				t.Errorf("%d days, want all 6747 publications", len(got.days))
			}
		} else {
			rows, err := csv.NewReader(&w.body).ReadAll()
			if err != nil || len(rows) != 6748 {
				t.Errorf("csv: %d rows, %v; want a header and 6747", len(rows), err)
			}
		}
	}

	// The client goes away after the first chunk: no more writes, one log
	// line, and the handler aborts with http.ErrAbortHandler, so net/http
	// resets the connection instead of ending the body cleanly.
	w := &seriesWriter{header: http.Header{}, failAt: 2}
	func() {
		defer func() {
			if v := recover(); v != http.ErrAbortHandler {
				t.Errorf("after a failed write: panic %v, want http.ErrAbortHandler", v)
			}
		}()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target, nil))
	}()
	if w.status != http.StatusOK || len(w.writes) != 2 {
		t.Errorf("after a failed write: status %d, %d writes; want 200 and a stop at the failure", w.status, len(w.writes))
	}
	var aborted []map[string]any
	for _, line := range logs.lines(t) {
		if line["msg"] == "stream aborted" {
			aborted = append(aborted, line)
		}
		if line["level"] == "ERROR" {
			t.Errorf("error logged: %v", line)
		}
	}
	if len(aborted) != 1 || !strings.Contains(fmt.Sprint(aborted[0]["error"]), "connection reset") {
		t.Errorf("log lines for the abort: %v, want one naming the write error", aborted)
	}

	// The request's context ends (the client gone before a write fails).
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	w = &seriesWriter{header: http.Header{}}
	func() {
		defer func() {
			if v := recover(); v != http.ErrAbortHandler {
				t.Errorf("a cancelled request: panic %v, want http.ErrAbortHandler", v)
			}
		}()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target, nil).WithContext(ctx))
	}()
	if len(w.writes) != 0 {
		t.Errorf("a cancelled request got %d writes; want none", len(w.writes))
	}
}

// TestTimeseriesMemoryBounded: serving a 2 MB answer allocates a fraction
// of it, so no whole-body buffer exists: a buffered body alone would cost
// its size, and about as much again in the growth of its buffer.
func TestTimeseriesMemoryBounded(t *testing.T) {
	h, _ := newHandler(t, withSnapshot(t))
	const target = "/timeseries?symbols=USD,JPY,GBP,CHF,AUD,CAD,SEK,NOK,DKK,HKD,SGD,KRW,NZD,ZAR&start_date=1999-01-04"
	w := &seriesWriter{header: http.Header{}}
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target, nil))
	size := w.body.Len()
	if size < 1<<20 {
		t.Fatalf("body of %d bytes: not a big answer", size)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	const runs = 3
	for range runs {
		h.ServeHTTP(&seriesDiscard{header: http.Header{}}, httptest.NewRequest(http.MethodGet, target, nil))
	}
	runtime.ReadMemStats(&after)
	perRequest := (after.TotalAlloc - before.TotalAlloc) / runs
	t.Logf("%d bytes of body, %d bytes allocated per request", size, perRequest)
	if perRequest > uint64(size)/4 {
		t.Errorf("a request allocates %d bytes for a %d-byte body: more than a quarter of it", perRequest, size)
	}
}

type seriesDiscard struct{ header http.Header }

func (w *seriesDiscard) Header() http.Header         { return w.header }
func (w *seriesDiscard) WriteHeader(int)             {}
func (w *seriesDiscard) Write(b []byte) (int, error) { return len(b), nil }

// TestSeriesOddInputs: whatever the query, the answer is a 200 or a
// problem 400, never a 5xx, a panic or a silent default.
func TestSeriesOddInputs(t *testing.T) {
	h, _ := newHandler(t)
	tests := []struct {
		query  string
		status int
	}{
		{"start_date=2025-05-13", 200}, // today at UTC+14, after the newest publication: the one in force
		{"start_date=2025-05-14", 400}, // tomorrow everywhere
		{"start_date=1999-01-04&end_date=1999-01-04", 200},
		{"start_date=2020-03-13&symbols=usd,Gbp", 200},
		{"start_date=2020-03-13&symbols=USD,USD,USD", 200},
		{"start_date=2020-03-13&symbols=USD,,GBP", 400},
		{"start_date=2020-03-13&symbols=USD%2CGBP", 200},
		{"start_date=2020-03-13&symbols=+USD", 400},
		{"start_date=2020-03-13&symbols=" + strings.Repeat("USD,", 500) + "USD", 200},
		{"start_date=2020-03-13&base=EUR&symbols=EUR", 200},
		{"start_date=20200313", 400},
		{"start_date=2020-02-30", 400},
		{"start_date=2020-03-13T00:00:00Z", 400},
		{"start_date=+2020-03-13", 400},
		{"start_date=2020-03-13&end_date=", 400},
		{"start_date=", 400},
		{"start_date=2020-03-13;end_date=2020-03-16", 400},
		{"start_date=2020-03-13&format=", 400},
		{"start_date=2020-03-13&format=json&format=csv", 400},
	}
	for _, path := range []string{"/timeseries", "/fluctuation"} {
		for _, tt := range tests {
			if path == "/fluctuation" && strings.Contains(tt.query, "format") {
				continue
			}
			rec := get(t, h, path+"?"+tt.query)
			if tt.status == http.StatusBadRequest {
				checkProblem(t, rec, http.StatusBadRequest)
				continue
			}
			if rec.Code != tt.status {
				t.Errorf("%s?%.80s = %d, want %d: %s", path, tt.query, rec.Code, tt.status, rec.Body)
			}
		}
	}
	// A start after the newest publication, without an end: the newest,
	// in force on it, as /rates?date= gives it.
	if got := getTimeseries(t, h, "/timeseries?start_date=2025-05-13&symbols=USD"); got.start != "2025-05-09" || got.end != "2025-05-09" || len(got.days) != 1 {
		t.Errorf("start_date=2025-05-13: %s to %s, %d days; want 2025-05-09 alone", got.start, got.end, len(got.days))
	}
	// The same currency given in every spelling is answered once.
	got := getTimeseries(t, h, "/timeseries?start_date=2020-03-13&end_date=2020-03-13&symbols=usd,USD,Usd")
	if len(got.days) != 1 || !slices.Equal(got.days[0].codes, []string{"USD"}) {
		t.Errorf("days %+v, want USD once on 2020-03-13", got.days)
	}
}

// TestTimeseriesETagFollowsTheHistory: two tasks with the same history
// agree on the tag, and a publication merged into the middle of a range (a
// gap filled) changes it, since the range's count is part of it.
func TestTimeseriesETagFollowsTheHistory(t *testing.T) {
	store := testStore(t)
	h, _ := newHandler(t, func(cfg *server.Config) { cfg.Rates = store })
	other, _ := newHandler(t)
	const target = "/timeseries?symbols=USD&start_date=2007-12-28&end_date=2020-03-16"
	before := get(t, h, target)
	if got, want := get(t, other, target).Header().Get("ETag"), before.Header().Get("ETag"); got != want {
		t.Errorf("another task's ETag %s, want %s", got, want)
	}
	if added, _ := store.Merge([]currency.Day{day(t, "2010-06-01", "ecb", "USD", "1.2250")}); added != 1 {
		t.Fatalf("Merge added %d publications, want 1", added)
	}
	after := get(t, h, target)
	if after.Header().Get("ETag") == before.Header().Get("ETag") {
		t.Errorf("ETag %s unchanged after a publication was added inside the range", after.Header().Get("ETag"))
	}
	if v, ok := decodeTimeseries(t, after.Body.Bytes()).rate("2010-06-01", "USD"); !ok || v != "1.225" {
		t.Errorf("2010-06-01 USD = %q (present %v), want 1.225", v, ok)
	}
	if rec := get(t, h, target, "If-None-Match", before.Header().Get("ETag")); rec.Code != http.StatusOK {
		t.Errorf("the old tag: status %d, want 200 and the new body", rec.Code)
	}
}

// failingWriter passes the first write of a body through, flushed to the
// client, and fails every later one, as a connection that breaks mid-body.
type failingWriter struct {
	http.ResponseWriter
	writes int
}

func (w *failingWriter) Write(b []byte) (int, error) {
	if w.writes++; w.writes > 1 {
		return 0, errors.New("write: connection reset by peer")
	}
	n, err := w.ResponseWriter.Write(b)
	_ = http.NewResponseController(w.ResponseWriter).Flush()
	return n, err
}

// TestTimeseriesAbortedStreamIsNotComplete: a time series that fails after
// its status was sent resets the connection, so a client reading it sees
// an error, not a clean end of a short body; the failure is logged once,
// as a warning, with one access line, and net/http logs no panic.
func TestTimeseriesAbortedStreamIsNotComplete(t *testing.T) {
	h, logs := newHandler(t, withSnapshot(t))
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(&failingWriter{ResponseWriter: w}, r)
	}))
	var serverLog bytes.Buffer
	ts.Config.ErrorLog = log.New(&serverLog, "", 0)
	ts.Start()
	defer ts.Close()

	for _, format := range []string{"json", "csv"} {
		res, err := ts.Client().Get(ts.URL + "/timeseries?symbols=USD,GBP,JPY&start_date=1999-01-04&end_date=2025-05-09&format=" + format)
		if err != nil {
			t.Fatalf("%s: GET: %v", format, err)
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: status = %d, want %d", format, res.StatusCode, http.StatusOK)
		}
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("%s: reading the body: %v after %d bytes, want %v", format, err, len(body), io.ErrUnexpectedEOF)
		}
	}
	ts.Close() // every handler has returned
	if s := serverLog.String(); s != "" {
		t.Errorf("net/http logged %q, want nothing", s)
	}
	var access, aborted int
	for _, line := range logs.lines(t) {
		switch line["msg"] {
		case "request":
			access++
			if line["status"] != json.Number("200") {
				t.Errorf("access line status %v, want 200", line["status"])
			}
		case "stream aborted":
			aborted++
		case "handler panic":
			t.Errorf("logged a handler panic: %v", line)
		}
	}
	if access != 2 || aborted != 2 {
		t.Errorf("%d access lines and %d stream aborted warnings for 2 requests, want 2 and 2", access, aborted)
	}
}
