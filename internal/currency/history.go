package currency

import (
	"errors"
	"fmt"
	"slices"
	"sort"
)

// Day is the set of euro reference rates published on one date, as a source
// delivers it.
type Day struct {
	Date   Date
	Source string // who delivered it: "ecb", "frankfurter", "snapshot"
	Rates  map[Code]Rate
}

// ErrNoRate means a currency has no rate on the date asked for.
var ErrNoRate = errors.New("no ECB rate")

// History holds every publication the service knows, oldest first. It is
// immutable: Merge returns a new History, so readers never need a lock.
type History struct {
	dates   []Date
	sources []string // the Source of each date
	rates   []Rate   // len(dates) rows of len(catalog) rates, in catalog order
	spans   []span   // first and last publication of each catalog currency
}

type span struct{ first, last Date }

// NewHistory builds a history from days in any order. Codes the service does
// not support are left out and returned, so the caller can log them.
func NewHistory(days []Day) (*History, []Code) {
	return (&History{}).Merge(days)
}

// Merge returns a history with days added; a day already held is replaced,
// since the newest delivery of a publication wins.
func (h *History) Merge(days []Day) (*History, []Code) {
	type entry struct {
		source string
		rates  []Rate
	}
	byDate := make(map[Date]entry, len(h.dates)+len(days))
	for i, d := range h.dates {
		byDate[d] = entry{h.sources[i], h.row(i)}
	}
	var ignored []Code
	for _, day := range days {
		row := make([]Rate, len(catalog))
		supported := 0
		for code, r := range day.Rates {
			i, ok := index[code]
			switch {
			case code == EUR: // the base: one euro is one euro
			case !ok:
				if !slices.Contains(ignored, code) {
					ignored = append(ignored, code)
				}
			case !r.IsZero():
				row[i] = r
				supported++
			}
		}
		// A day with no usable rate would become "the newest publication"
		// and fail every conversion on it; it is not a publication.
		if supported > 0 {
			byDate[day.Date] = entry{day.Source, row}
		}
	}
	out := &History{dates: make([]Date, 0, len(byDate))}
	for d := range byDate {
		out.dates = append(out.dates, d)
	}
	slices.Sort(out.dates)
	out.sources = make([]string, 0, len(out.dates))
	out.rates = make([]Rate, 0, len(out.dates)*len(catalog))
	for _, d := range out.dates {
		out.sources = append(out.sources, byDate[d].source)
		out.rates = append(out.rates, byDate[d].rates...)
	}
	out.spans = make([]span, len(catalog))
	for i := range out.dates {
		for c, r := range out.row(i) {
			if r.IsZero() {
				continue
			}
			if out.spans[c].first == 0 {
				out.spans[c].first = out.dates[i]
			}
			out.spans[c].last = out.dates[i]
		}
	}
	slices.Sort(ignored)
	return out, ignored
}

func (h *History) row(i int) []Rate {
	return h.rates[i*len(catalog) : (i+1)*len(catalog) : (i+1)*len(catalog)]
}

// Len returns the number of publications held.
func (h *History) Len() int { return len(h.dates) }

// Latest returns the newest publication date held, or 0 when empty.
func (h *History) Latest() Date {
	if len(h.dates) == 0 {
		return 0
	}
	return h.dates[len(h.dates)-1]
}

// Oldest returns the oldest publication date held, or 0 when empty.
func (h *History) Oldest() Date {
	if len(h.dates) == 0 {
		return 0
	}
	return h.dates[0]
}

// On returns the table in force on date: the newest publication on or before
// it, so weekends and TARGET holidays resolve to the previous business day.
// It reports false when date precedes every publication held.
func (h *History) On(date Date) (Table, bool) {
	i := sort.Search(len(h.dates), func(i int) bool { return h.dates[i] > date })
	if i == 0 {
		return Table{}, false
	}
	return Table{Date: h.dates[i-1], Source: h.sources[i-1], rates: h.row(i - 1), history: h}, true
}

// Span returns the first and last publication that carried code; the euro
// spans the whole history.
func (h *History) Span(code Code) (first, last Date, ok bool) {
	if code == EUR {
		return h.Oldest(), h.Latest(), len(h.dates) > 0
	}
	i, ok := index[code]
	if !ok || h.spans[i].first == 0 {
		return 0, 0, false
	}
	return h.spans[i].first, h.spans[i].last, true
}

// Table is the set of euro reference rates of one publication.
type Table struct {
	Date    Date
	Source  string
	rates   []Rate
	history *History
}

// Rate returns the units of code per euro; the euro's own rate is 1.
func (t Table) Rate(code Code) (Rate, error) {
	if code == EUR {
		return Rate{coef: 1}, nil
	}
	if i, ok := index[code]; ok && !t.rates[i].IsZero() {
		return t.rates[i], nil
	}
	if first, last, ok := t.history.Span(code); ok {
		if first <= t.Date && t.Date <= last {
			return Rate{}, fmt.Errorf("%w for %s on %s: the ECB did not publish one that day", ErrNoRate, code, t.Date)
		}
		return Rate{}, fmt.Errorf("%w for %s on %s (published from %s to %s)", ErrNoRate, code, t.Date, first, last)
	}
	return Rate{}, fmt.Errorf("%w for %s on %s", ErrNoRate, code, t.Date)
}

// Codes returns the currencies with a rate in t, the euro included, in order.
func (t Table) Codes() []Code {
	out := []Code{}
	for i, c := range catalog {
		if c.code == EUR || !t.rates[i].IsZero() {
			out = append(out, c.code)
		}
	}
	return out
}
