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
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, csvError(err)
	}
	codes, err := parseHeader(header)
	if err != nil {
		return nil, fmt.Errorf("line 1: %w: %w", ErrFormat, err)
	}
	var days []currency.Day
	seen := make(map[currency.Date]bool)
	for {
		row, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		day, err := parseRow(row, codes, source)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if seen[day.Date] {
			return nil, fmt.Errorf("line %d: %w: %s appears twice", line, ErrFormat, day.Date)
		}
		seen[day.Date] = true
		days = append(days, day)
	}
	if len(days) == 0 {
		return nil, fmt.Errorf("%w in the file", ErrNoRates)
	}
	slices.SortFunc(days, byDate)
	return days, nil
}

// parseHeader returns the currency of each column after Date; the ECB's
// trailing empty column, if present, gets the empty code.
func parseHeader(header []string) ([]currency.Code, error) {
	if header[0] != "Date" {
		return nil, fmt.Errorf("first column is %q, want Date", header[0])
	}
	codes := make([]currency.Code, 0, len(header)-1)
	for i, h := range header[1:] {
		last := i == len(header)-2
		switch {
		case h == "" && last:
		case !validCode(h):
			return nil, fmt.Errorf("column %d: %q is not a currency code", i+2, h)
		case slices.Contains(codes, currency.Code(h)):
			return nil, fmt.Errorf("column %d: %s appears twice", i+2, h)
		}
		codes = append(codes, currency.Code(h))
	}
	return codes, nil
}

// parseRow reads one publication; csv.Reader has already checked that it
// has as many fields as the header.
func parseRow(row []string, codes []currency.Code, source string) (currency.Day, error) {
	d, err := currency.ParseDate(row[0])
	if err != nil {
		return currency.Day{}, fmt.Errorf("%w: date %q: %w", ErrFormat, row[0], err)
	}
	day := currency.Day{Date: d, Source: source, Rates: make(map[currency.Code]currency.Rate, len(codes))}
	for i, v := range row[1:] {
		code := codes[i]
		switch {
		case code == "":
			if v != "" {
				return day, fmt.Errorf("%w: %s: value %q in the unnamed last column", ErrFormat, d, v)
			}
		case v == notAvailable:
		default:
			r, err := currency.ParseRate(v)
			if err != nil {
				return day, fmt.Errorf("%w: %s: %s: %w", ErrFormat, d, code, err)
			}
			day.Rates[code] = r
		}
	}
	if len(day.Rates) == 0 {
		return day, fmt.Errorf("%s: %w", d, ErrNoRates)
	}
	return day, nil
}

// csvError wraps an error from csv.Reader, which already names the line.
func csvError(err error) error {
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: empty file", ErrFormat)
	}
	return fmt.Errorf("%w: %w", ErrFormat, err)
}
