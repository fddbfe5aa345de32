package currency

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
)

// ErrDuplicateDate means a publication date was added to a HistoryBuilder
// twice.
var ErrDuplicateDate = errors.New("publication date appears twice")

// HistoryBuilder builds a History from publications added one at a time,
// straight into the History's layout: no map per day and no second copy,
// so reading a 26-year file costs little more than the history it makes.
// Dates may come in any order; rising or falling order (the ECB's CSV is
// newest first) costs nothing more.
type HistoryBuilder struct {
	cols    []int // catalog position of each column, -1 for one left out
	ignored []Code
	h       History
	rising  bool // every date added so far is after the one before
	falling bool // every date added so far is before the one before
}

// NewHistoryBuilder returns a builder of publications whose rates come in
// the order of columns. Columns of codes the service does not support are
// left out (History reports them), as is a column of EUR, the base.
func NewHistoryBuilder(columns []Code) *HistoryBuilder {
	b := &HistoryBuilder{cols: make([]int, len(columns)), rising: true, falling: true}
	for i, code := range columns {
		c, ok := index[code]
		switch {
		case code == EUR:
			c = -1
		case !ok:
			c = -1
			if !slices.Contains(b.ignored, code) {
				b.ignored = append(b.ignored, code)
			}
		}
		b.cols[i] = c
	}
	slices.Sort(b.ignored)
	return b
}

// Grow makes room for n more publications, so a caller that knows about how
// many are coming spares the builder the copies of growing by appending.
func (b *HistoryBuilder) Grow(n int) {
	b.h.dates = slices.Grow(b.h.dates, n)
	b.h.sources = slices.Grow(b.h.sources, n)
	b.h.rates = slices.Grow(b.h.rates, n*len(catalog))
}

// Add adds the publication of date delivered by source; rates[i] is the
// rate of column i, the zero Rate where there is none. Like Merge, it
// leaves out a day without a single supported rate. A date added twice is
// ErrDuplicateDate, here when it repeats the date added last and otherwise
// from History.
func (b *HistoryBuilder) Add(date Date, source string, rates []Rate) error {
	if len(rates) != len(b.cols) {
		return fmt.Errorf("%s: %d rates for %d columns", date, len(rates), len(b.cols))
	}
	start := len(b.h.rates)
	b.h.rates = append(b.h.rates, make([]Rate, len(catalog))...)
	row := b.h.rates[start:]
	supported := false
	for i, r := range rates {
		if c := b.cols[i]; c >= 0 && !r.IsZero() {
			row[c] = r
			supported = true
		}
	}
	if !supported {
		b.h.rates = b.h.rates[:start]
		return nil
	}
	if n := len(b.h.dates); n > 0 {
		switch last := b.h.dates[n-1]; {
		case date == last:
			b.h.rates = b.h.rates[:start]
			return fmt.Errorf("%w: %s", ErrDuplicateDate, date)
		case date < last:
			b.rising = false
		default:
			b.falling = false
		}
	}
	b.h.dates = append(b.h.dates, date)
	b.h.sources = append(b.h.sources, source)
	return nil
}

// History returns the history built, and the codes of the columns left out
// as unsupported. It hands the builder's storage over to the history, so the
// builder starts empty again afterwards.
func (b *HistoryBuilder) History() (*History, []Code, error) {
	h, rising, falling := b.h, b.rising, b.falling
	b.h, b.rising, b.falling = History{}, true, true
	switch {
	case rising || len(h.dates) < 2:
	case falling:
		h.reverse()
	default:
		h = h.sorted()
		for i := 1; i < len(h.dates); i++ {
			if h.dates[i] == h.dates[i-1] {
				return nil, nil, fmt.Errorf("%w: %s", ErrDuplicateDate, h.dates[i])
			}
		}
	}
	h.spans = make([]span, len(catalog))
	for i, d := range h.dates {
		widenSpans(h.spans, d, h.row(i))
	}
	// The first Merge may append into the capacity left over.
	h.frontier = &frontier{used: len(h.dates)}
	return &h, slices.Clone(b.ignored), nil
}

// reverse turns h's rows, newest first, into oldest first, in place.
func (h *History) reverse() {
	slices.Reverse(h.dates)
	slices.Reverse(h.sources)
	tmp := make([]Rate, len(catalog))
	for i, j := 0, len(h.dates)-1; i < j; i, j = i+1, j-1 {
		a, b := h.row(i), h.row(j)
		copy(tmp, a)
		copy(a, b)
		copy(b, tmp)
	}
}

// sorted returns h's rows oldest first, in new storage.
func (h *History) sorted() History {
	order := make([]int, len(h.dates))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(h.dates[a], h.dates[b]) })
	out := History{
		dates:   make([]Date, 0, len(order)),
		sources: make([]string, 0, len(order)),
		rates:   make([]Rate, 0, len(h.rates)),
	}
	for _, i := range order {
		out.dates = append(out.dates, h.dates[i])
		out.sources = append(out.sources, h.sources[i])
		out.rates = append(out.rates, h.row(i)...)
	}
	return out
}
