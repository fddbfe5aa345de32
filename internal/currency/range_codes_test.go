package currency_test

import (
	"slices"
	"testing"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
)

func TestRangeCodesAndTableHas(t *testing.T) {
	// ISK has a gap, as it had from 2008 to 2018; CYP is withdrawn.
	h := newHistory(t,
		day(t, "2007-12-28", "ecb", map[currency.Code]string{"USD": "1.4552", "ISK": "91.9", "CYP": "0.585274"}),
		day(t, "2007-12-31", "ecb", map[currency.Code]string{"USD": "1.4721", "CYP": "0.585274"}),
		day(t, "2008-01-02", "ecb", map[currency.Code]string{"USD": "1.4759"}),
		day(t, "2018-01-02", "ecb", map[currency.Code]string{"USD": "1.2065", "ISK": "124.9"}),
	)
	tests := []struct {
		start, end string
		want       []currency.Code
	}{
		{"2007-12-28", "2018-01-02", []currency.Code{"CYP", "EUR", "ISK", "USD"}},
		{"2007-12-31", "2008-01-02", []currency.Code{"CYP", "EUR", "USD"}},
		{"2008-01-01", "2017-12-31", []currency.Code{"CYP", "EUR", "USD"}}, // starts on 2007-12-31, in force on New Year's Day
		{"2008-01-02", "2017-12-31", []currency.Code{"EUR", "USD"}},
		{"2018-01-02", "2018-01-02", []currency.Code{"EUR", "ISK", "USD"}},
		{"2018-01-02", "2007-12-28", nil},
	}
	for _, tt := range tests {
		r := h.Range(mustDate(t, tt.start), mustDate(t, tt.end))
		if got := r.Codes(); !slices.Equal(got, tt.want) {
			t.Errorf("Range(%s, %s).Codes() = %v, want %v", tt.start, tt.end, got, tt.want)
		}
		// Has agrees with Rate on every table of the range, for every code.
		for tbl := range r.All() {
			for _, c := range currency.Currencies() {
				_, err := tbl.Rate(c.Code)
				if got, want := tbl.Has(c.Code), err == nil; got != want {
					t.Errorf("%s: Has(%s) = %v, want %v (Rate error %v)", tbl.Date, c.Code, got, want, err)
				}
			}
		}
	}
	tbl, _ := h.On(mustDate(t, "2008-01-02"))
	if tbl.Has("XYZ") {
		t.Errorf("Has(XYZ) = true for a code the service does not know")
	}
}
