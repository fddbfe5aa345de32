package currency

import (
	"cmp"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sort"
	"sync"
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
	// frontier is shared by the histories whose slices share backing
	// arrays: the one that ends where the arrays' used part ends may append
	// into their spare capacity, which no other history can see.
	frontier *frontier
}

type span struct{ first, last Date }

// frontier counts the rows of a set of backing arrays that some history
// uses.
type frontier struct {
	mu   sync.Mutex
	used int
}

// claim reserves n rows after the first from, and reports false when
// another history already uses rows past from.
func (f *frontier) claim(from, n int) bool {
	if f == nil {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.used != from {
		return false
	}
	f.used = from + n
	return true
}

// headroomRows is the spare capacity a history is given when Merge has to
// copy it: about a year of publications, so the daily merges of the next
// year append in place instead of copying the whole history each time.
const headroomRows = 256

// NewHistory builds a history from days in any order. Codes the service does
// not support are left out and returned, so the caller can log them.
func NewHistory(days []Day) (*History, []Code) {
	return (&History{}).Merge(days)
}

// Merge returns a history with the publications of days added, and the codes
// in days the service does not support. A publication already held is never
// replaced, whoever delivers the date again and whatever it says: a table
// served once is served the same (rates and Source) for as long as the
// process runs, so a final answer cached by a client never changes. Merge
// therefore only fills dates not held; when days holds one date twice, the
// first wins. A day without a single supported rate is not a publication and
// is left out.
//
// Adding days newer than every one held, the refresher's daily case, costs
// the new rows only, not a copy of the history.
func (h *History) Merge(days []Day) (*History, []Code) {
	ignored := unsupportedCodes(days)
	add := h.newRows(days)
	if len(add.dates) == 0 {
		return h, ignored
	}
	var out *History
	if add.dates[0] > h.Latest() {
		out = h.appendRows(add)
	} else {
		out = h.insertRows(add)
	}
	out.spans = slices.Clone(h.spans)
	if out.spans == nil {
		out.spans = make([]span, len(catalog))
	}
	for i, d := range add.dates {
		widenSpans(out.spans, d, add.row(i))
	}
	return out, ignored
}

// rows is a run of publications in History's layout, not yet a History.
type rows struct {
	dates   []Date
	sources []string
	rates   []Rate
}

func (r *rows) row(i int) []Rate {
	n := len(catalog)
	return r.rates[i*n : (i+1)*n : (i+1)*n]
}

// newRows returns the publications of days whose dates h does not hold,
// oldest first, each date once (the first delivery of it).
func (h *History) newRows(days []Day) rows {
	var pick []int // indexes into days
	for i, d := range days {
		if !h.holds(d.Date) && hasSupportedRate(d.Rates) {
			pick = append(pick, i)
		}
	}
	// Stable, so the first delivery of a date comes first and wins.
	slices.SortStableFunc(pick, func(a, b int) int { return cmp.Compare(days[a].Date, days[b].Date) })
	pick = slices.CompactFunc(pick, func(a, b int) bool { return days[a].Date == days[b].Date })
	out := rows{
		dates:   make([]Date, len(pick)),
		sources: make([]string, len(pick)),
		rates:   make([]Rate, len(pick)*len(catalog)),
	}
	for j, i := range pick {
		out.dates[j], out.sources[j] = days[i].Date, days[i].Source
		row := out.row(j)
		for code, r := range days[i].Rates {
			if c, ok := index[code]; ok && code != EUR {
				row[c] = r
			}
		}
	}
	return out
}

// holds reports whether h has a publication on d.
func (h *History) holds(d Date) bool {
	_, found := slices.BinarySearch(h.dates, d)
	return found
}

// hasSupportedRate reports whether rates has a rate the service can use: a
// day without one would become "the newest publication" and fail every
// conversion on it.
func hasSupportedRate(rates map[Code]Rate) bool {
	for code, r := range rates {
		if _, ok := index[code]; ok && code != EUR && !r.IsZero() {
			return true
		}
	}
	return false
}

// unsupportedCodes returns the codes in days the service does not support,
// sorted, each once; the euro is the base, not an unsupported code.
func unsupportedCodes(days []Day) []Code {
	var out []Code
	for _, d := range days {
		for code := range d.Rates {
			if _, ok := index[code]; !ok && code != EUR && !slices.Contains(out, code) {
				out = append(out, code)
			}
		}
	}
	slices.Sort(out)
	return out
}

// appendRows returns h followed by add, whose dates are all after h's. When
// h ends at its arrays' frontier and they have room, the rows are written
// into their spare capacity, beyond every existing history's length, so no
// reader of h or of any other history sees a change.
func (h *History) appendRows(add rows) *History {
	n, k, w := len(h.dates), len(add.dates), len(catalog)
	if cap(h.dates)-n >= k && cap(h.sources)-n >= k && cap(h.rates)-n*w >= k*w && h.frontier.claim(n, k) {
		return &History{
			dates:    append(h.dates, add.dates...),
			sources:  append(h.sources, add.sources...),
			rates:    append(h.rates, add.rates...),
			frontier: h.frontier,
		}
	}
	out := h.grown(n + k)
	out.dates = append(append(out.dates, h.dates...), add.dates...)
	out.sources = append(append(out.sources, h.sources...), add.sources...)
	out.rates = append(append(out.rates, h.rates...), add.rates...)
	return out
}

// insertRows returns h with add, whose dates h does not hold, merged in
// date order: a gap is filled, so the history is copied.
func (h *History) insertRows(add rows) *History {
	out := h.grown(len(h.dates) + len(add.dates))
	i, j := 0, 0
	for i < len(h.dates) || j < len(add.dates) {
		if j == len(add.dates) || (i < len(h.dates) && h.dates[i] < add.dates[j]) {
			out.dates = append(out.dates, h.dates[i])
			out.sources = append(out.sources, h.sources[i])
			out.rates = append(out.rates, h.row(i)...)
			i++
			continue
		}
		out.dates = append(out.dates, add.dates[j])
		out.sources = append(out.sources, add.sources[j])
		out.rates = append(out.rates, add.row(j)...)
		j++
	}
	return out
}

// grown returns an empty history with its own arrays, room for n rows and
// headroomRows more, and a frontier at the n rows it will hold.
func (h *History) grown(n int) *History {
	c := n + headroomRows
	return &History{
		dates:    make([]Date, 0, c),
		sources:  make([]string, 0, c),
		rates:    make([]Rate, 0, c*len(catalog)),
		frontier: &frontier{used: n},
	}
}

// widenSpans extends the span of every currency with a rate in row to d.
func widenSpans(spans []span, d Date, row []Rate) {
	for c, r := range row {
		if r.IsZero() {
			continue
		}
		if spans[c].first == 0 || d < spans[c].first {
			spans[c].first = d
		}
		if d > spans[c].last {
			spans[c].last = d
		}
	}
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
	if !ok || len(h.spans) == 0 || h.spans[i].first == 0 {
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
		return rateOne, nil
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

// Range is a run of consecutive publications of one history, oldest first.
type Range struct {
	history *History
	lo, hi  int // rows [lo, hi) of history
}

// Range returns the publications from the one in force on start to the one
// in force on end: a start on a weekend or TARGET holiday begins at the
// publication before it, as a table looked up on that day would. A start
// before the first publication held begins at the first. The range is empty
// when end precedes start or every publication held.
func (h *History) Range(start, end Date) Range {
	after := func(d Date) int { return sort.Search(len(h.dates), func(i int) bool { return h.dates[i] > d }) }
	lo, hi := max(after(start)-1, 0), after(end)
	if end < start || hi <= lo {
		return Range{history: h}
	}
	return Range{history: h, lo: lo, hi: hi}
}

// Len returns the number of publications in r.
func (r Range) Len() int { return r.hi - r.lo }

// Table returns the i-th publication of r, 0 the oldest.
func (r Range) Table(i int) Table {
	j := r.lo + i
	h := r.history
	return Table{Date: h.dates[j], Source: h.sources[j], rates: h.row(j), history: h}
}

// All yields the publications of r, oldest first.
func (r Range) All() iter.Seq[Table] {
	return func(yield func(Table) bool) {
		for i := range r.Len() {
			if !yield(r.Table(i)) {
				return
			}
		}
	}
}
