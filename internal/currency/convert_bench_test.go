package currency_test

import (
	"testing"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
)

// BenchmarkConvert measures the money path alone: one exact conversion with
// half-up rounding and the displayed cross rate.
func BenchmarkConvert(b *testing.B) {
	usd, _ := currency.ParseRate("1.1252")
	jpy, _ := currency.ParseRate("163.36")
	history, _ := currency.NewHistory([]currency.Day{{
		Date:  currency.NewDate(2025, 5, 9),
		Rates: map[currency.Code]currency.Rate{"USD": usd, "JPY": jpy},
	}})
	table, _ := history.On(history.Latest())
	amount, err := currency.ParseAmount("2500.75")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := table.Convert("USD", "JPY", amount); err != nil {
			b.Fatal(err)
		}
	}
}
