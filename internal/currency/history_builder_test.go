package currency_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
)

// builderColumns and builderRows are publications as a CSV delivers them: a header of codes,
// then one row of rates per date ("" for none).
var builderColumns = []currency.Code{"USD", "XYZ", "EUR", "JPY", "CYP"}

var builderRows = []struct {
	date  string
	rates []string
}{
	{"2007-12-28", []string{"1.4688", "", "1", "166.57", "0.585274"}},
	{"2007-12-31", []string{"1.4721", "7", "", "164.93", "0.585274"}},
	{"2008-01-02", []string{"1.4789", "", "", "", ""}},
	{"2008-01-03", []string{"", "9", "", "", ""}}, // only unsupported: no publication
	{"2008-01-04", []string{"1.4757", "", "", "163.25", ""}},
}

// buildFrom adds builderRows in the order given by order and returns the
// history.
func buildFrom(t *testing.T, order []int) (*currency.History, []currency.Code) {
	t.Helper()
	b := currency.NewHistoryBuilder(builderColumns)
	b.Grow(len(order))
	for _, i := range order {
		row := builderRows[i]
		rates := make([]currency.Rate, len(row.rates))
		for j, s := range row.rates {
			if s != "" {
				rates[j] = mustRate(t, s)
			}
		}
		if err := b.Add(mustDate(t, row.date), "snapshot", rates); err != nil {
			t.Fatalf("Add(%s) error = %v", row.date, err)
		}
	}
	h, ignored, err := b.History()
	if err != nil {
		t.Fatalf("History() error = %v", err)
	}
	return h, ignored
}

// The builder must give what NewHistory gives for the same publications,
// in rising, falling or no order.
func TestHistoryBuilderMatchesNewHistory(t *testing.T) {
	var days []currency.Day
	for _, row := range builderRows {
		rates := map[currency.Code]string{}
		for j, s := range row.rates {
			if s != "" {
				rates[builderColumns[j]] = s
			}
		}
		days = append(days, day(t, row.date, "snapshot", rates))
	}
	all, wantIgnored := currency.NewHistory(days)
	if got := all.Len(); got != 4 {
		t.Fatalf("NewHistory holds %d publications, want 4", got)
	}
	for name, order := range map[string][]int{
		"rising":   {0, 1, 2, 3, 4},
		"falling":  {4, 3, 2, 1, 0},
		"no order": {2, 0, 4, 3, 1},
		"one":      {1},
	} {
		t.Run(name, func(t *testing.T) {
			want := all
			if len(order) == 1 {
				want, _ = currency.NewHistory([]currency.Day{days[order[0]]})
			}
			got, ignored := buildFrom(t, order)
			if !slices.Equal(ignored, wantIgnored) {
				t.Errorf("ignored = %v, want %v", ignored, wantIgnored)
			}
			if g, w := historyText(t, got), historyText(t, want); !slices.Equal(g, w) {
				t.Errorf("built %q, want %q", g, w)
			}
			for _, code := range []currency.Code{"USD", "JPY", "CYP", "EUR", "GBP"} {
				f1, l1, ok1 := got.Span(code)
				f2, l2, ok2 := want.Span(code)
				if f1 != f2 || l1 != l2 || ok1 != ok2 {
					t.Errorf("Span(%s) = %s %s %t, want %s %s %t", code, f1, l1, ok1, f2, l2, ok2)
				}
			}
		})
	}
}

func TestHistoryBuilderDuplicates(t *testing.T) {
	usd := []currency.Rate{mustRate(t, "1.1"), {}, {}, {}, {}}
	b := currency.NewHistoryBuilder(builderColumns)
	for _, d := range []string{"2025-05-07", "2025-05-09"} {
		if err := b.Add(mustDate(t, d), "ecb", usd); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Add(mustDate(t, "2025-05-09"), "ecb", usd); !errors.Is(err, currency.ErrDuplicateDate) {
		t.Errorf("Add of the date added last: error = %v, want %v", err, currency.ErrDuplicateDate)
	}
	if err := b.Add(mustDate(t, "2025-05-08"), "ecb", usd); err != nil {
		t.Fatal(err)
	}
	if err := b.Add(mustDate(t, "2025-05-07"), "ecb", usd); err != nil {
		t.Fatalf("Add of an earlier date is checked at the end, got %v now", err)
	}
	if h, _, err := b.History(); !errors.Is(err, currency.ErrDuplicateDate) {
		t.Errorf("History() = %v, %v, want %v", h, err, currency.ErrDuplicateDate)
	}
	if err := b.Add(mustDate(t, "2025-05-07"), "ecb", usd[:2]); err == nil {
		t.Error("Add with fewer rates than columns: no error")
	}
}

// History hands the storage over; what the builder builds next is its own,
// and a merge into the history built leaves the builder's next one alone.
func TestHistoryBuilderReuse(t *testing.T) {
	first, _ := buildFrom(t, []int{0, 1})
	merged, _ := first.Merge([]currency.Day{day(t, "2008-01-02", "ecb", map[currency.Code]string{"USD": "1.4789"})})
	second, _ := buildFrom(t, []int{4})
	if got, want := historyText(t, second), []string{"2008-01-04 snapshot EUR=1 JPY=163.25 USD=1.4757"}; !slices.Equal(got, want) {
		t.Errorf("second build = %q, want %q", got, want)
	}
	if got, want := merged.Len(), 3; got != want {
		t.Errorf("merged Len() = %d, want %d", got, want)
	}
	if got, want := first.Len(), 2; got != want {
		t.Errorf("first Len() after a merge = %d, want %d", got, want)
	}
}
