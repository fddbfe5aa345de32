package currency_test

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
)

// day builds a publication from code/rate pairs written as strings.
func day(t *testing.T, date, source string, rates map[currency.Code]string) currency.Day {
	t.Helper()
	d := currency.Day{Date: mustDate(t, date), Source: source, Rates: make(map[currency.Code]currency.Rate, len(rates))}
	for code, s := range rates {
		d.Rates[code] = mustRate(t, s)
	}
	return d
}

// newHistory builds a history and fails on any ignored code.
func newHistory(t *testing.T, days ...currency.Day) *currency.History {
	t.Helper()
	h, ignored := currency.NewHistory(days)
	if len(ignored) > 0 {
		t.Fatalf("NewHistory ignored %v", ignored)
	}
	return h
}

// tableOn returns the table in force on date or fails the test.
func tableOn(t *testing.T, h *currency.History, date string) currency.Table {
	t.Helper()
	tbl, ok := h.On(mustDate(t, date))
	if !ok {
		t.Fatalf("On(%s) = false", date)
	}
	return tbl
}

// rateString returns the rate of code in tbl, or fails the test.
func rateString(t *testing.T, tbl currency.Table, code currency.Code) string {
	t.Helper()
	r, err := tbl.Rate(code)
	if err != nil {
		t.Fatalf("Table(%s).Rate(%s) error = %v", tbl.Date, code, err)
	}
	return r.String()
}

func TestNewHistoryEmpty(t *testing.T) {
	h, ignored := currency.NewHistory(nil)
	if got, want := h.Len(), 0; got != want {
		t.Errorf("Len() = %d, want %d", got, want)
	}
	if len(ignored) != 0 {
		t.Errorf("ignored = %v, want none", ignored)
	}
	if got, want := h.Latest(), currency.Date(0); got != want {
		t.Errorf("Latest() = %v, want %v", got, want)
	}
	if got, want := h.Oldest(), currency.Date(0); got != want {
		t.Errorf("Oldest() = %v, want %v", got, want)
	}
	if _, ok := h.On(mustDate(t, "2025-06-02")); ok {
		t.Error("On() = true on an empty history")
	}
	if _, _, ok := h.Span(currency.EUR); ok {
		t.Error("Span(EUR) = true on an empty history")
	}
	if _, _, ok := h.Span("USD"); ok {
		t.Error("Span(USD) = true on an empty history")
	}
}

func TestNewHistory(t *testing.T) {
	h, ignored := currency.NewHistory([]currency.Day{
		day(t, "2025-06-04", "ecb", map[currency.Code]string{"USD": "1.1404", "JPY": "164.07"}),
		day(t, "2025-06-02", "snapshot", map[currency.Code]string{"USD": "1.1444", "XYZ": "2", "KWD": "0.35"}),
		day(t, "2025-06-03", "ecb", map[currency.Code]string{"USD": "1.1376", "EUR": "1", "ABC": "3", "KWD": "0.34"}),
	})
	// EUR is the base, not an unsupported code: it is dropped without a report.
	if got, want := ignored, []currency.Code{"ABC", "KWD", "XYZ"}; !slices.Equal(got, want) {
		t.Errorf("ignored = %v, want %v (sorted, each once)", got, want)
	}
	if got, want := h.Len(), 3; got != want {
		t.Errorf("Len() = %d, want %d", got, want)
	}
	if got, want := h.Oldest().String(), "2025-06-02"; got != want {
		t.Errorf("Oldest() = %s, want %s", got, want)
	}
	if got, want := h.Latest().String(), "2025-06-04"; got != want {
		t.Errorf("Latest() = %s, want %s", got, want)
	}
	tests := []struct {
		date, source, usd string
	}{
		{"2025-06-02", "snapshot", "1.1444"},
		{"2025-06-03", "ecb", "1.1376"},
		{"2025-06-04", "ecb", "1.1404"},
	}
	for _, tt := range tests {
		tbl := tableOn(t, h, tt.date)
		if got, want := tbl.Date.String(), tt.date; got != want {
			t.Errorf("On(%s).Date = %s, want %s", tt.date, got, want)
		}
		if got, want := tbl.Source, tt.source; got != want {
			t.Errorf("On(%s).Source = %s, want %s", tt.date, got, want)
		}
		if got, want := rateString(t, tbl, "USD"), tt.usd; got != want {
			t.Errorf("On(%s).Rate(USD) = %s, want %s", tt.date, got, want)
		}
		if got, want := rateString(t, tbl, currency.EUR), "1"; got != want {
			t.Errorf("On(%s).Rate(EUR) = %s, want %s", tt.date, got, want)
		}
	}
	if _, err := tableOn(t, h, "2025-06-02").Rate("KWD"); !errors.Is(err, currency.ErrNoRate) {
		t.Errorf("Rate(KWD) error = %v, want %v", err, currency.ErrNoRate)
	}
}

func TestNewHistoryDoesNotAliasInput(t *testing.T) {
	d := day(t, "2025-06-02", "ecb", map[currency.Code]string{"USD": "1.1444"})
	h := newHistory(t, d)
	d.Rates["USD"] = mustRate(t, "9")
	d.Rates["GBP"] = mustRate(t, "9")
	tbl := tableOn(t, h, "2025-06-02")
	if got, want := rateString(t, tbl, "USD"), "1.1444"; got != want {
		t.Errorf("Rate(USD) after changing the input = %s, want %s", got, want)
	}
	if _, err := tbl.Rate("GBP"); !errors.Is(err, currency.ErrNoRate) {
		t.Errorf("Rate(GBP) after changing the input: error = %v, want %v", err, currency.ErrNoRate)
	}
}

func TestHistoryOn(t *testing.T) {
	// Friday and the Tuesday after a Monday holiday-like gap.
	h := newHistory(t,
		day(t, "2025-06-06", "ecb", map[currency.Code]string{"USD": "1.1445"}),
		day(t, "2025-06-10", "ecb", map[currency.Code]string{"USD": "1.1420"}),
	)
	tests := []struct {
		date   string
		want   string // date of the table in force, "" for none
		source string
	}{
		{"1999-01-04", "", ""},
		{"2025-06-05", "", ""},
		{"2025-06-06", "2025-06-06", "ecb"},
		{"2025-06-07", "2025-06-06", "ecb"},
		{"2025-06-08", "2025-06-06", "ecb"},
		{"2025-06-09", "2025-06-06", "ecb"},
		{"2025-06-10", "2025-06-10", "ecb"},
		{"2025-06-11", "2025-06-10", "ecb"},
		{"2030-01-01", "2025-06-10", "ecb"},
	}
	for _, tt := range tests {
		tbl, ok := h.On(mustDate(t, tt.date))
		if tt.want == "" {
			if ok {
				t.Errorf("On(%s) = %s, true, want false", tt.date, tbl.Date)
			}
			continue
		}
		if !ok {
			t.Errorf("On(%s) = false, want %s", tt.date, tt.want)
			continue
		}
		if got, want := tbl.Date.String(), tt.want; got != want {
			t.Errorf("On(%s).Date = %s, want %s", tt.date, got, want)
		}
	}
}

func TestHistoryMerge(t *testing.T) {
	original := newHistory(t,
		day(t, "2025-06-02", "snapshot", map[currency.Code]string{"USD": "1.1444", "GBP": "0.8440"}),
		day(t, "2025-06-03", "snapshot", map[currency.Code]string{"USD": "1.1376", "GBP": "0.8420"}),
	)
	before := tableOn(t, original, "2025-06-03")

	merged, ignored := original.Merge([]currency.Day{
		day(t, "2025-06-04", "ecb", map[currency.Code]string{"USD": "1.1404", "JPY": "164.07"}),
		day(t, "2025-06-03", "ecb", map[currency.Code]string{"USD": "1.1380"}), // a later delivery of a held day
		day(t, "2025-06-05", "ecb", map[currency.Code]string{"USD": "1.1410", "KWD": "0.35"}),
	})
	if got, want := ignored, []currency.Code{"KWD"}; !slices.Equal(got, want) {
		t.Errorf("Merge ignored = %v, want %v", got, want)
	}
	if got, want := merged.Len(), 4; got != want {
		t.Errorf("merged Len() = %d, want %d", got, want)
	}
	if got, want := merged.Oldest().String(), "2025-06-02"; got != want {
		t.Errorf("merged Oldest() = %s, want %s", got, want)
	}
	if got, want := merged.Latest().String(), "2025-06-05"; got != want {
		t.Errorf("merged Latest() = %s, want %s", got, want)
	}

	// A held day is never replaced: what was served for it stays served.
	held := tableOn(t, merged, "2025-06-03")
	if got, want := held.Source, "snapshot"; got != want {
		t.Errorf("held day Source = %s, want %s", got, want)
	}
	if got, want := rateString(t, held, "USD"), "1.1376"; got != want {
		t.Errorf("held day Rate(USD) = %s, want %s", got, want)
	}
	if got, want := rateString(t, held, "GBP"), "0.842"; got != want {
		t.Errorf("held day Rate(GBP) = %s, want %s", got, want)
	}
	if got, want := rateString(t, tableOn(t, merged, "2025-06-02"), "GBP"), "0.844"; got != want {
		t.Errorf("kept day Rate(GBP) = %s, want %s", got, want)
	}
	if got, want := rateString(t, tableOn(t, merged, "2025-06-04"), "JPY"), "164.07"; got != want {
		t.Errorf("new day Rate(JPY) = %s, want %s", got, want)
	}
	if got, want := tableOn(t, merged, "2025-06-05").Source, "ecb"; got != want {
		t.Errorf("new day Source = %s, want %s", got, want)
	}

	// The original and the tables taken from it are untouched.
	if got, want := original.Len(), 2; got != want {
		t.Errorf("original Len() after Merge = %d, want %d", got, want)
	}
	if got, want := original.Latest().String(), "2025-06-03"; got != want {
		t.Errorf("original Latest() after Merge = %s, want %s", got, want)
	}
	after := tableOn(t, original, "2025-06-03")
	for _, tbl := range []currency.Table{before, after} {
		if got, want := tbl.Source, "snapshot"; got != want {
			t.Errorf("original table Source after Merge = %s, want %s", got, want)
		}
		if got, want := rateString(t, tbl, "USD"), "1.1376"; got != want {
			t.Errorf("original table Rate(USD) after Merge = %s, want %s", got, want)
		}
		if got, want := rateString(t, tbl, "GBP"), "0.842"; got != want {
			t.Errorf("original table Rate(GBP) after Merge = %s, want %s", got, want)
		}
	}
	if _, _, ok := original.Span("JPY"); ok {
		t.Error("original Span(JPY) = true after Merge")
	}
}

// tableText renders every rate of a table with its date and source, so two
// tables compare as what a client would be served from them.
func tableText(t *testing.T, tbl currency.Table) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(tbl.Date.String() + " " + tbl.Source)
	for _, code := range tbl.Codes() {
		b.WriteString(" " + string(code) + "=" + rateString(t, tbl, code))
	}
	return b.String()
}

// Issue 10: a past publication already served must not change its Source
// label or its rates when the ECB delivers the same date again, or a "final"
// cached answer changes body and ETag.
func TestMergeKeepsHeldSnapshotDay(t *testing.T) {
	h := newHistory(t,
		day(t, "2025-05-08", "snapshot", map[currency.Code]string{"USD": "1.1297", "JPY": "163.45"}),
		day(t, "2025-05-09", "snapshot", map[currency.Code]string{"USD": "1.1252", "JPY": "163.36"}),
	)
	want := tableText(t, tableOn(t, h, "2025-05-09"))
	merged, _ := h.Merge([]currency.Day{
		day(t, "2025-05-09", "ecb", map[currency.Code]string{"USD": "1.1253", "GBP": "0.8477"}),
	})
	if got := tableText(t, tableOn(t, merged, "2025-05-09")); got != want {
		t.Errorf("held day after merging an ecb delivery = %q, want %q", got, want)
	}
	if got, want := merged.Len(), 2; got != want {
		t.Errorf("Len() = %d, want %d", got, want)
	}
	if _, _, ok := merged.Span("GBP"); ok {
		t.Error("Span(GBP) = true: a rate of the refused delivery got in")
	}
}

// Issue 10: Frankfurter rounds the ECB's rates into magnitude bands (IDR
// 18606.59 -> 18607, INR 96.0755 -> 96.08); merging its copy of a held day
// must keep the exact values.
func TestMergeKeepsExactOverFrankfurterRounding(t *testing.T) {
	h := newHistory(t,
		day(t, "2025-05-09", "snapshot", map[currency.Code]string{"IDR": "18606.59", "INR": "96.0755", "USD": "1.1252"}),
	)
	merged, _ := h.Merge([]currency.Day{
		day(t, "2025-05-09", "frankfurter", map[currency.Code]string{"IDR": "18607", "INR": "96.08", "USD": "1.1252"}),
	})
	tbl := tableOn(t, merged, "2025-05-09")
	for code, want := range map[currency.Code]string{"IDR": "18606.59", "INR": "96.0755", "USD": "1.1252"} {
		if got := rateString(t, tbl, code); got != want {
			t.Errorf("Rate(%s) after merging Frankfurter's copy = %s, want %s", code, got, want)
		}
	}
	if got, want := tbl.Source, "snapshot"; got != want {
		t.Errorf("Source after merging Frankfurter's copy = %s, want %s", got, want)
	}
}

// Issue 10: Frankfurter's days fill dates not held, in a gap or after the
// newest.
func TestMergeAddsFrankfurterDayNotHeld(t *testing.T) {
	h := newHistory(t,
		day(t, "2025-05-07", "snapshot", map[currency.Code]string{"IDR": "18630.5"}),
		day(t, "2025-05-09", "snapshot", map[currency.Code]string{"IDR": "18606.59"}),
	)
	merged, _ := h.Merge([]currency.Day{
		day(t, "2025-05-12", "frankfurter", map[currency.Code]string{"IDR": "18582"}),
		day(t, "2025-05-08", "frankfurter", map[currency.Code]string{"IDR": "18642"}),
	})
	if got, want := merged.Len(), 4; got != want {
		t.Fatalf("Len() = %d, want %d", got, want)
	}
	tests := []struct{ date, source, idr string }{
		{"2025-05-07", "snapshot", "18630.5"},
		{"2025-05-08", "frankfurter", "18642"},
		{"2025-05-09", "snapshot", "18606.59"},
		{"2025-05-12", "frankfurter", "18582"},
	}
	for _, tt := range tests {
		tbl := tableOn(t, merged, tt.date)
		if got, want := tbl.Date.String()+" "+tbl.Source+" "+rateString(t, tbl, "IDR"), tt.date+" "+tt.source+" "+tt.idr; got != want {
			t.Errorf("On(%s) = %s, want %s", tt.date, got, want)
		}
	}
	if first, last, _ := merged.Span("IDR"); first.String() != "2025-05-07" || last.String() != "2025-05-12" {
		t.Errorf("Span(IDR) = %s..%s, want 2025-05-07..2025-05-12", first, last)
	}
}

func TestHistoryMergeNothing(t *testing.T) {
	h := newHistory(t, day(t, "2025-06-02", "ecb", map[currency.Code]string{"USD": "1.1444"}))
	merged, ignored := h.Merge(nil)
	if len(ignored) != 0 {
		t.Errorf("Merge(nil) ignored = %v", ignored)
	}
	if got, want := merged.Len(), 1; got != want {
		t.Errorf("Merge(nil).Len() = %d, want %d", got, want)
	}
	if got, want := rateString(t, tableOn(t, merged, "2025-06-02"), "USD"), "1.1444"; got != want {
		t.Errorf("Merge(nil) Rate(USD) = %s, want %s", got, want)
	}
}

func TestHistorySpan(t *testing.T) {
	h := newHistory(t,
		day(t, "2007-12-28", "snapshot", map[currency.Code]string{"USD": "1.4688", "CYP": "0.585274"}),
		day(t, "2007-12-31", "snapshot", map[currency.Code]string{"USD": "1.4721", "CYP": "0.585274"}),
		day(t, "2008-01-02", "snapshot", map[currency.Code]string{"USD": "1.4789"}),
		day(t, "2008-01-03", "snapshot", map[currency.Code]string{"USD": "1.4757", "ISK": "91.60"}),
	)
	tests := []struct {
		code        currency.Code
		first, last string
		ok          bool
	}{
		{"EUR", "2007-12-28", "2008-01-03", true},
		{"USD", "2007-12-28", "2008-01-03", true},
		{"CYP", "2007-12-28", "2007-12-31", true},
		{"ISK", "2008-01-03", "2008-01-03", true},
		{"GBP", "", "", false}, // supported, never published here
		{"KWD", "", "", false},
		{"ABC", "", "", false},
	}
	for _, tt := range tests {
		first, last, ok := h.Span(tt.code)
		if ok != tt.ok {
			t.Errorf("Span(%s) ok = %t, want %t", tt.code, ok, tt.ok)
			continue
		}
		if !ok {
			continue
		}
		if got, want := first.String()+" "+last.String(), tt.first+" "+tt.last; got != want {
			t.Errorf("Span(%s) = %s, want %s", tt.code, got, want)
		}
	}
}

func TestTableRateErrors(t *testing.T) {
	h := newHistory(t,
		day(t, "2007-12-28", "snapshot", map[currency.Code]string{"USD": "1.4688", "CYP": "0.585274"}),
		day(t, "2007-12-31", "snapshot", map[currency.Code]string{"USD": "1.4721", "CYP": "0.585274"}),
		day(t, "2008-01-02", "snapshot", map[currency.Code]string{"USD": "1.4789"}),
	)
	tbl := tableOn(t, h, "2008-01-05")
	tests := []struct {
		code currency.Code
		want []string // fragments of the message
	}{
		{"CYP", []string{"CYP", "2008-01-02", "2007-12-28", "2007-12-31"}},
		{"GBP", []string{"GBP", "2008-01-02"}},
		{"KWD", []string{"KWD", "2008-01-02"}},
	}
	for _, tt := range tests {
		r, err := tbl.Rate(tt.code)
		if !errors.Is(err, currency.ErrNoRate) {
			t.Errorf("Rate(%s) = %v, %v, want %v", tt.code, r, err, currency.ErrNoRate)
			continue
		}
		if !r.IsZero() {
			t.Errorf("Rate(%s) = %v with an error, want the zero Rate", tt.code, r)
		}
		for _, frag := range tt.want {
			if !strings.Contains(err.Error(), frag) {
				t.Errorf("Rate(%s) error = %q, want it to contain %q", tt.code, err, frag)
			}
		}
	}
	if got, want := rateString(t, tableOn(t, h, "2007-12-31"), "CYP"), "0.585274"; got != want {
		t.Errorf("Rate(CYP) on 2007-12-31 = %s, want %s", got, want)
	}
}

// A currency inside its published span but missing on one day gets a
// message that does not suggest the date is outside the span.
func TestTableRateGap(t *testing.T) {
	h := newHistory(t,
		day(t, "2008-10-08", "snapshot", map[currency.Code]string{"USD": "1.3735", "ISK": "305"}),
		day(t, "2008-10-09", "snapshot", map[currency.Code]string{"USD": "1.3694"}),
		day(t, "2018-01-02", "snapshot", map[currency.Code]string{"USD": "1.2065", "ISK": "124.9"}),
	)
	_, err := tableOn(t, h, "2009-01-02").Rate("ISK")
	if !errors.Is(err, currency.ErrNoRate) {
		t.Fatalf("Rate(ISK) error = %v, want %v", err, currency.ErrNoRate)
	}
	if got, want := err.Error(), "no ECB rate for ISK on 2008-10-09: the ECB did not publish one that day"; got != want {
		t.Errorf("Rate(ISK) error = %q, want %q", got, want)
	}
}

// A day without a single supported rate is not a publication: it must not
// become the newest date, where every conversion would fail.
func TestMergeDropsDaysWithoutRates(t *testing.T) {
	h := newHistory(t, day(t, "2025-06-02", "ecb", map[currency.Code]string{"USD": "1.1444"}))
	merged, ignored := h.Merge([]currency.Day{
		day(t, "2025-06-03", "ecb", map[currency.Code]string{"KWD": "0.35"}),
		{Date: mustDate(t, "2025-06-04"), Source: "ecb"},
	})
	if got, want := merged.Latest().String(), "2025-06-02"; got != want {
		t.Errorf("Latest() = %s, want %s", got, want)
	}
	if got, want := merged.Len(), 1; got != want {
		t.Errorf("Len() = %d, want %d", got, want)
	}
	if got, want := ignored, []currency.Code{"KWD"}; !slices.Equal(got, want) {
		t.Errorf("ignored = %v, want %v", got, want)
	}
}

func TestTableCodes(t *testing.T) {
	h := newHistory(t,
		day(t, "2025-06-02", "ecb", map[currency.Code]string{"ZAR": "20.3", "USD": "1.1444", "AUD": "1.77", "JPY": "163.36"}),
		day(t, "2025-06-03", "ecb", map[currency.Code]string{"GBP": "0.842"}),
	)
	tests := []struct {
		date string
		want []currency.Code
	}{
		{"2025-06-02", []currency.Code{"AUD", "EUR", "JPY", "USD", "ZAR"}},
		{"2025-06-03", []currency.Code{"EUR", "GBP"}},
	}
	for _, tt := range tests {
		if got := tableOn(t, h, tt.date).Codes(); !slices.Equal(got, tt.want) {
			t.Errorf("On(%s).Codes() = %v, want %v", tt.date, got, tt.want)
		}
	}
}

// Two deliveries of one new date in one merge: the first is kept, as if
// they had come in two merges.
func TestMergeFirstDeliveryWins(t *testing.T) {
	h := newHistory(t, day(t, "2025-05-08", "snapshot", map[currency.Code]string{"USD": "1.1297"}))
	merged, _ := h.Merge([]currency.Day{
		day(t, "2025-05-09", "ecb", map[currency.Code]string{"USD": "1.1252"}),
		day(t, "2025-05-09", "frankfurter", map[currency.Code]string{"USD": "1.13"}),
	})
	if got, want := tableText(t, tableOn(t, merged, "2025-05-09")), "2025-05-09 ecb EUR=1 USD=1.1252"; got != want {
		t.Errorf("On(2025-05-09) = %q, want %q", got, want)
	}
}

// Merges append into spare capacity when they can; a second merge from the
// same history, or a merge from an older one, must not see or overwrite
// the rows another merge appended.
func TestMergeBranches(t *testing.T) {
	base := newHistory(t, day(t, "2025-05-07", "snapshot", map[currency.Code]string{"USD": "1.1"}))
	// grow base once so it has spare capacity and a frontier
	base, _ = base.Merge([]currency.Day{day(t, "2025-05-08", "ecb", map[currency.Code]string{"USD": "1.2"})})
	a, _ := base.Merge([]currency.Day{day(t, "2025-05-09", "ecb", map[currency.Code]string{"USD": "1.3"})})
	b, _ := base.Merge([]currency.Day{day(t, "2025-05-09", "frankfurter", map[currency.Code]string{"USD": "1.4", "JPY": "160"})})
	a2, _ := a.Merge([]currency.Day{day(t, "2025-05-12", "ecb", map[currency.Code]string{"USD": "1.5"})})
	gap, _ := a2.Merge([]currency.Day{day(t, "2025-05-06", "ecb", map[currency.Code]string{"USD": "1.0"})})

	tests := []struct {
		name string
		h    *currency.History
		want []string
	}{
		{"base", base, []string{"2025-05-07 snapshot EUR=1 USD=1.1", "2025-05-08 ecb EUR=1 USD=1.2"}},
		{"a", a, []string{"2025-05-07 snapshot EUR=1 USD=1.1", "2025-05-08 ecb EUR=1 USD=1.2", "2025-05-09 ecb EUR=1 USD=1.3"}},
		{"b", b, []string{"2025-05-07 snapshot EUR=1 USD=1.1", "2025-05-08 ecb EUR=1 USD=1.2", "2025-05-09 frankfurter EUR=1 JPY=160 USD=1.4"}},
		{"a2", a2, []string{"2025-05-07 snapshot EUR=1 USD=1.1", "2025-05-08 ecb EUR=1 USD=1.2", "2025-05-09 ecb EUR=1 USD=1.3", "2025-05-12 ecb EUR=1 USD=1.5"}},
		{"gap", gap, []string{"2025-05-06 ecb EUR=1 USD=1", "2025-05-07 snapshot EUR=1 USD=1.1", "2025-05-08 ecb EUR=1 USD=1.2", "2025-05-09 ecb EUR=1 USD=1.3", "2025-05-12 ecb EUR=1 USD=1.5"}},
	}
	for _, tt := range tests {
		if got := historyText(t, tt.h); !slices.Equal(got, tt.want) {
			t.Errorf("%s = %q, want %q", tt.name, got, tt.want)
		}
	}
	if _, _, ok := a2.Span("JPY"); ok {
		t.Error("a2.Span(JPY) = true: b's row leaked into a's line")
	}
}

// Concurrent merges from one history each get their own result (run with
// -race: the in-place append must not race with readers or other merges).
func TestMergeConcurrent(t *testing.T) {
	base := newHistory(t, day(t, "2025-05-07", "snapshot", map[currency.Code]string{"USD": "1.1"}))
	base, _ = base.Merge([]currency.Day{day(t, "2025-05-08", "ecb", map[currency.Code]string{"USD": "1.2"})})
	const n = 8
	results := make([]*currency.History, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			rate, _ := currency.ParseRate(strconv.Itoa(i + 1))
			results[i], _ = base.Merge([]currency.Day{{Date: mustDate(t, "2025-05-09"), Source: "ecb", Rates: map[currency.Code]currency.Rate{"USD": rate}}})
			historyText(t, base)
		})
	}
	wg.Wait()
	for i, h := range results {
		if got, want := rateString(t, tableOn(t, h, "2025-05-09"), "USD"), strconv.Itoa(i+1); got != want {
			t.Errorf("merge %d: Rate(USD) on 2025-05-09 = %s, want %s", i, got, want)
		}
	}
}

// historyText renders every publication of h with tableText.
func historyText(t *testing.T, h *currency.History) []string {
	t.Helper()
	var out []string
	for d := h.Oldest(); d != 0 && d <= h.Latest(); d++ {
		if tbl, ok := h.On(d); ok && tbl.Date == d {
			out = append(out, tableText(t, tbl))
		}
	}
	return out
}
