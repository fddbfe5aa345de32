package ecb_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
	"github.com/currency-convertor-ecs/currency-api/internal/ecb"
)

// The seed corpora are in testdata/fuzz/FuzzParse and testdata/fuzz/FuzzParseCSV.

func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		days, err := ecb.Parse(bytes.NewReader(data))
		checkResult(t, days, err)
	})
}

func FuzzParseCSV(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		days, err := ecb.ParseCSV(bytes.NewReader(data))
		checkResult(t, days, err)
		checkLoadCSV(t, data)
	})
}

// checkResult holds a parser to its contract: an error is one of the
// package's parse errors and comes without days; a success has days.
func checkResult(t *testing.T, days []currency.Day, err error) {
	t.Helper()
	if err != nil {
		if !errors.Is(err, ecb.ErrFormat) && !errors.Is(err, ecb.ErrNoRates) {
			t.Fatalf("error %v is neither ErrFormat nor ErrNoRates", err)
		}
		if days != nil {
			t.Fatalf("%d days returned with error %v", len(days), err)
		}
		return
	}
	if len(days) == 0 {
		t.Fatal("no days and no error")
	}
	checkDays(t, days)
}

// checkDays checks that days are oldest first, each on a valid date and
// with at least one well-formed rate.
func checkDays(t *testing.T, days []currency.Day) {
	t.Helper()
	for i, d := range days {
		if i > 0 && d.Date <= days[i-1].Date {
			t.Fatalf("day %d: %s is not after %s", i, d.Date, days[i-1].Date)
		}
		if back, err := currency.ParseDate(d.Date.String()); err != nil || back != d.Date {
			t.Fatalf("day %d: date %s does not read back: %v", i, d.Date, err)
		}
		if len(d.Rates) == 0 {
			t.Fatalf("%s: no rates", d.Date)
		}
		for code, r := range d.Rates {
			if !upperLetters(string(code)) {
				t.Fatalf("%s: code %q is not three upper-case letters", d.Date, code)
			}
			if r.IsZero() {
				t.Fatalf("%s: %s has the zero rate", d.Date, code)
			}
			if back, err := currency.ParseRate(r.String()); err != nil || back != r {
				t.Fatalf("%s: %s rate %s does not read back: %v", d.Date, code, r, err)
			}
		}
	}
}

func upperLetters(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, c := range []byte(s) {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}
