package ecb

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
)

// notAvailable marks a currency the ECB did not quote on a date.
const notAvailable = "N/A"

// ParseCSV reads the ECB's history in CSV form (eurofxref-hist.csv): a
// header "Date,USD,JPY,...," whose trailing comma leaves an empty last
// column, then one row per publication, with "N/A" where a currency was not
// quoted. It returns the days oldest first, each with Source "ecb", leaving
// N/A currencies out. A malformed header or row, a duplicate date (ErrFormat),
// a row or a file without rates (ErrNoRates) is an error naming the line.
func ParseCSV(r io.Reader) ([]currency.Day, error) {
	return parseCSV(r, sourceName)
}

func parseCSV(r io.Reader, source string) ([]currency.Day, error) {
	var (
		codes []currency.Code
		days  []currency.Day
	)
	var seen dateSet
	err := readCSV(r,
		func(c []currency.Code) { codes = c },
		func(line int, d currency.Date, rates []currency.Rate) error {
			if !seen.add(d) {
				return fmt.Errorf("line %d: %w: %s appears twice", line, ErrFormat, d)
			}
			day := currency.Day{Date: d, Source: source, Rates: make(map[currency.Code]currency.Rate, len(codes))}
			for i, r := range rates {
				if !r.IsZero() {
					day.Rates[codes[i]] = r
				}
			}
			days = append(days, day)
			return nil
		})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(days, byDate)
	return days, nil
}

// buildCSV reads the ECB's CSV history, as ParseCSV does, straight into a
// History: one row of rates per line, no Day and no map. With presize, the
// first row's date sizes the history (see below); only for a file trusted
// to start with its newest date, as the embedded snapshot is, since a
// first date far in the future would reserve memory for nothing.
func buildCSV(r io.Reader, source string, presize bool) (*currency.History, error) {
	var (
		b     *currency.HistoryBuilder
		seen  dateSet
		first = true
	)
	err := readCSV(r,
		func(codes []currency.Code) { b = currency.NewHistoryBuilder(codes) },
		func(line int, d currency.Date, rates []currency.Rate) error {
			if first && presize && d >= currency.FirstDate {
				// The ECB's file is newest first, so its first row bounds
				// the rest: at most one publication per weekday since the
				// first, which spares growing the history as it is read.
				n := int(d-currency.FirstDate)/7*5 + 5
				b.Grow(n)
				seen.dates = make([]currency.Date, 0, n)
			}
			first = false
			// Every row counts, even one the history leaves out for having
			// no supported rate, so the errors are ParseCSV's.
			if !seen.add(d) {
				return fmt.Errorf("line %d: %w: %s appears twice", line, ErrFormat, d)
			}
			if err := b.Add(d, source, rates); err != nil {
				return fmt.Errorf("line %d: %w: %w", line, ErrFormat, err)
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	h, _, err := b.History()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	if h.Len() == 0 {
		return nil, fmt.Errorf("%w: no rate of a supported currency in the file", ErrNoRates)
	}
	return h, nil
}

// dateSet tells whether a date was seen before. While dates come in one
// order, rising or falling as the ECB's files do, a repeat can only be the
// date just before, so it keeps a slice; from the first date out of order
// on it keeps a map.
type dateSet struct {
	dates []currency.Date // in the order added, until the order breaks
	order int             // 1 rising, -1 falling, 0 not known yet
	seen  map[currency.Date]bool
}

// add adds d and reports whether it was new.
func (s *dateSet) add(d currency.Date) bool {
	if s.seen != nil {
		if s.seen[d] {
			return false
		}
		s.seen[d] = true
		return true
	}
	if n := len(s.dates); n > 0 {
		prev := s.dates[n-1]
		dir := 1
		if d < prev {
			dir = -1
		}
		switch {
		case d == prev:
			return false
		case s.order == 0 || s.order == dir:
			s.order = dir
		default:
			s.seen = make(map[currency.Date]bool, 2*n)
			for _, x := range s.dates {
				s.seen[x] = true
			}
			s.dates = nil
			return s.add(d)
		}
	}
	s.dates = append(s.dates, d)
	return true
}

// readCSV reads the ECB's CSV history: it passes header the codes of the
// rate columns (the ECB's trailing empty column left out), then row each
// data row's line, date and rates in the order of those codes, the zero
// Rate for N/A. The rates slice is reused from row to row. An error from
// row stops the read and is returned as it is.
func readCSV(r io.Reader, header func([]currency.Code), row func(line int, d currency.Date, rates []currency.Rate) error) error {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	fields, err := cr.Read()
	if err != nil {
		return csvError(err)
	}
	codes, trailing, err := parseHeader(fields)
	if err != nil {
		return fmt.Errorf("line 1: %w: %w", ErrFormat, err)
	}
	header(codes)
	rates := make([]currency.Rate, len(codes))
	rows := 0
	for {
		fields, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return csvError(err)
		}
		line, _ := cr.FieldPos(0)
		d, err := parseRow(fields, codes, trailing, rates)
		if err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
		if err := row(line, d, rates); err != nil {
			return err
		}
		rows++
	}
	if rows == 0 {
		return fmt.Errorf("%w in the file", ErrNoRates)
	}
	return nil
}

// parseHeader returns the currency of each column after Date, and whether
// the ECB's trailing empty column is there.
func parseHeader(header []string) (codes []currency.Code, trailing bool, err error) {
	if header[0] != "Date" {
		return nil, false, fmt.Errorf("first column is %q, want Date", header[0])
	}
	codes = make([]currency.Code, 0, len(header)-1)
	for i, h := range header[1:] {
		last := i == len(header)-2
		switch {
		case h == "" && last:
			return codes, true, nil
		case !currency.WellFormedCode(h):
			return nil, false, fmt.Errorf("column %d: %q is not a currency code", i+2, h)
		case slices.Contains(codes, currency.Code(h)):
			return nil, false, fmt.Errorf("column %d: %s appears twice", i+2, h)
		}
		codes = append(codes, currency.Code(h))
	}
	return codes, false, nil
}

// parseRow reads one publication into rates, in the order of codes;
// csv.Reader has already checked that it has as many fields as the header.
func parseRow(fields []string, codes []currency.Code, trailing bool, rates []currency.Rate) (currency.Date, error) {
	d, err := currency.ParseDate(fields[0])
	if err != nil {
		return 0, fmt.Errorf("%w: date %q: %w", ErrFormat, fields[0], err)
	}
	if trailing {
		if v := fields[len(fields)-1]; v != "" {
			return 0, fmt.Errorf("%w: %s: value %q in the unnamed last column", ErrFormat, d, v)
		}
	}
	quoted := 0
	for i, code := range codes {
		v := fields[i+1]
		if v == notAvailable {
			rates[i] = currency.Rate{}
			continue
		}
		r, err := currency.ParseRate(v)
		if err != nil {
			return 0, fmt.Errorf("%w: %s: %s: %w", ErrFormat, d, code, err)
		}
		rates[i] = r
		quoted++
	}
	if quoted == 0 {
		return 0, fmt.Errorf("%s: %w", d, ErrNoRates)
	}
	return d, nil
}

// csvError wraps an error from csv.Reader, which already names the line.
func csvError(err error) error {
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: empty file", ErrFormat)
	}
	return fmt.Errorf("%w: %w", ErrFormat, err)
}
