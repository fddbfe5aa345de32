package currency

import "testing"

// The refresher's daily merge adds days after the newest: it must write
// them into the spare capacity of the arrays it already has, not copy the
// whole history, and only the history at the frontier may do so.
func TestMergeAppendsInPlace(t *testing.T) {
	usd := func(s string) map[Code]Rate {
		r, err := ParseRate(s)
		if err != nil {
			t.Fatal(err)
		}
		return map[Code]Rate{"USD": r}
	}
	base, _ := NewHistory([]Day{{Date: NewDate(2025, 5, 7), Source: "snapshot", Rates: usd("1.1")}})
	a, _ := base.Merge([]Day{{Date: NewDate(2025, 5, 8), Source: "ecb", Rates: usd("1.2")}})
	b, _ := a.Merge([]Day{{Date: NewDate(2025, 5, 9), Source: "ecb", Rates: usd("1.3")}})
	if &b.rates[0] != &a.rates[0] || &b.dates[0] != &a.dates[0] || &b.sources[0] != &a.sources[0] {
		t.Error("appending after the newest day copied the history")
	}
	// a is no longer at the frontier: b took the rows after it.
	c, _ := a.Merge([]Day{{Date: NewDate(2025, 5, 9), Source: "frankfurter", Rates: usd("1.4")}})
	if &c.rates[0] == &a.rates[0] {
		t.Error("a second append from the same history shares its arrays")
	}
	if got := b.rates[2*len(catalog)+index["USD"]].String(); got != "1.3" {
		t.Errorf("b's USD on 2025-05-09 = %s after c's merge, want 1.3", got)
	}
}
