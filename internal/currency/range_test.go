package currency_test

import (
	"slices"
	"testing"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
)

func TestHistoryRange(t *testing.T) {
	// Thursday, Friday, then Monday: the weekend between has no publication.
	h := newHistory(t,
		day(t, "2024-01-04", "ecb", map[currency.Code]string{"USD": "1.0945"}),
		day(t, "2024-01-05", "ecb", map[currency.Code]string{"USD": "1.0921"}),
		day(t, "2024-01-08", "ecb", map[currency.Code]string{"USD": "1.0946"}),
	)
	tests := []struct {
		name, start, end string
		want             []string
	}{
		{"every publication", "2024-01-04", "2024-01-08", []string{"2024-01-04", "2024-01-05", "2024-01-08"}},
		{"a weekend start begins at the Friday before", "2024-01-06", "2024-01-08", []string{"2024-01-05", "2024-01-08"}},
		{"a weekend end stops at the Friday before", "2024-01-04", "2024-01-07", []string{"2024-01-04", "2024-01-05"}},
		{"inside one weekend: the Friday in force", "2024-01-06", "2024-01-07", []string{"2024-01-05"}},
		{"one day", "2024-01-05", "2024-01-05", []string{"2024-01-05"}},
		{"a start before the first begins at the first", "1999-01-04", "2024-01-04", []string{"2024-01-04"}},
		{"an end after the newest stops at the newest", "2024-01-08", "2030-01-01", []string{"2024-01-08"}},
		{"an end before the first is empty", "1999-01-04", "2024-01-03", nil},
		{"an end before the start is empty", "2024-01-08", "2024-01-04", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.Range(mustDate(t, tt.start), mustDate(t, tt.end))
			var got []string
			for tbl := range r.All() {
				got = append(got, tbl.Date.String())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Range(%s, %s) = %v, want %v", tt.start, tt.end, got, tt.want)
			}
			if r.Len() != len(tt.want) {
				t.Errorf("Range(%s, %s).Len() = %d, want %d", tt.start, tt.end, r.Len(), len(tt.want))
			}
			for i, want := range tt.want {
				tbl := r.Table(i)
				if got := tbl.Date.String(); got != want {
					t.Errorf("Table(%d).Date = %s, want %s", i, got, want)
				}
				// A range's table is the one the history looks up on its date.
				on, _ := h.On(tbl.Date)
				if rate, _ := tbl.Rate("USD"); rate != mustRateOn(t, on, "USD") {
					t.Errorf("Table(%d) USD = %v, want %v as On gives", i, rate, on)
				}
			}
		})
	}
	if got := (&currency.History{}).Range(mustDate(t, "2024-01-01"), mustDate(t, "2024-12-31")).Len(); got != 0 {
		t.Errorf("empty history: Range().Len() = %d, want 0", got)
	}
}

func mustRateOn(t *testing.T, tbl currency.Table, code currency.Code) currency.Rate {
	t.Helper()
	r, err := tbl.Rate(code)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
