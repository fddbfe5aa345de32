package ecb_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
	"github.com/currency-convertor-ecs/currency-api/internal/ecb"
)

func TestParseCSV(t *testing.T) {
	const file = "Date,USD,JPY,CYP,\n" +
		"2025-05-09,1.1252,163.36,N/A,\n" +
		"1999-01-04,1.1789,133.73,0.58231,\n"
	days, err := ecb.ParseCSV(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(days), 2; got != want {
		t.Fatalf("got %d days, want %d", got, want)
	}
	first, last := days[0], days[1]
	if got, want := first.Date, currency.NewDate(1999, time.January, 4); got != want {
		t.Errorf("first date = %s, want %s", got, want)
	}
	if got, want := last.Date, currency.NewDate(2025, time.May, 9); got != want {
		t.Errorf("last date = %s, want %s", got, want)
	}
	if got, want := first.Source, "ecb"; got != want {
		t.Errorf("Source = %q, want %q", got, want)
	}
	if got, want := first.Rates["CYP"].String(), "0.58231"; got != want {
		t.Errorf("CYP on %s = %s, want %s", first.Date, got, want)
	}
	if got, want := last.Rates["JPY"].String(), "163.36"; got != want {
		t.Errorf("JPY on %s = %s, want %s", last.Date, got, want)
	}
	if r, ok := last.Rates["CYP"]; ok {
		t.Errorf("CYP on %s = %s, want no rate for N/A", last.Date, r)
	}
	if got, want := len(last.Rates), 2; got != want {
		t.Errorf("got %d rates on %s, want %d", got, last.Date, want)
	}
}

func TestParseCSVWithoutTrailingComma(t *testing.T) {
	days, err := ecb.ParseCSV(strings.NewReader("Date,USD\r\n2025-05-09,1.1252\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := days[0].Rates["USD"].String(), "1.1252"; got != want {
		t.Errorf("USD = %s, want %s", got, want)
	}
}

func TestParseCSVErrors(t *testing.T) {
	tests := []struct {
		name, file string
		want       error
		line       string // the line the error must name
	}{
		{"empty", "", ecb.ErrFormat, ""},
		{"header only", "Date,USD,\n", ecb.ErrNoRates, ""},
		{"no Date column", "Day,USD,\n2025-05-09,1.1252,\n", ecb.ErrFormat, "line 1"},
		{"bad code", "Date,usd,\n2025-05-09,1.1252,\n", ecb.ErrFormat, "line 1"},
		{"empty code", "Date,,USD,\n2025-05-09,1,1.1252,\n", ecb.ErrFormat, "line 1"},
		{"duplicate code", "Date,USD,USD,\n2025-05-09,1.1252,1.1252,\n", ecb.ErrFormat, "line 1"},
		{"short row", "Date,USD,JPY,\n2025-05-09,1.1252,\n", ecb.ErrFormat, "line 2"},
		{"long row", "Date,USD,\n2025-05-09,1.1252,163.36,\n", ecb.ErrFormat, "line 2"},
		{"value in last column", "Date,USD,\n2025-05-09,1.1252,163.36\n", ecb.ErrFormat, "line 2"},
		{"bad date", "Date,USD,\n2025-05-09,1.1252,\n09/05/2025,1.1252,\n", ecb.ErrFormat, "line 3"},
		{"bad rate", "Date,USD,\n2025-05-09,1;1252,\n", ecb.ErrFormat, "line 2"},
		{"empty rate", "Date,USD,\n2025-05-09,,\n", ecb.ErrFormat, "line 2"},
		{"negative rate", "Date,USD,\n2025-05-09,-1.1252,\n", ecb.ErrFormat, "line 2"},
		{"row without rates", "Date,USD,JPY,\n2025-05-09,1.1252,163.36,\n2025-05-08,N/A,N/A,\n", ecb.ErrNoRates, "line 3"},
		{"duplicate date", "Date,USD,\n2025-05-09,1.1252,\n2025-05-09,1.1297,\n", ecb.ErrFormat, "line 3"},
		{"bare quote", "Date,USD,\n2025-05-09,1.12\"52,\n", ecb.ErrFormat, "line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			days, err := ecb.ParseCSV(strings.NewReader(tt.file))
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParseCSV() error = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.line) {
				t.Errorf("ParseCSV() error = %q, want it to name %s", err, tt.line)
			}
			if days != nil {
				t.Errorf("ParseCSV() returned %d days with the error, want none", len(days))
			}
			// LoadCSV reads by the same rules, into a history.
			h, _, err := ecb.LoadCSV(strings.NewReader(tt.file))
			if !errors.Is(err, tt.want) {
				t.Fatalf("LoadCSV() error = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.line) {
				t.Errorf("LoadCSV() error = %q, want it to name %s", err, tt.line)
			}
			if h != nil {
				t.Errorf("LoadCSV() returned a history of %d with the error, want none", h.Len())
			}
		})
	}
}

// checkLoadCSV holds LoadCSV to ParseCSV on one file: both fail, or
// LoadCSV's history is NewHistory of ParseCSV's days, with Source "ecb";
// a file whose rates are all of unsupported currencies is ErrNoRates.
func checkLoadCSV(t *testing.T, file []byte) {
	t.Helper()
	days, perr := ecb.ParseCSV(bytes.NewReader(file))
	h, info, lerr := ecb.LoadCSV(bytes.NewReader(file))
	if perr != nil {
		if lerr == nil {
			t.Fatalf("ParseCSV() error = %v, LoadCSV() none", perr)
		}
		return
	}
	want, _ := currency.NewHistory(days)
	if want.Len() == 0 {
		if !errors.Is(lerr, ecb.ErrNoRates) {
			t.Fatalf("LoadCSV() error = %v for a file without supported rates, want %v", lerr, ecb.ErrNoRates)
		}
		return
	}
	if lerr != nil {
		t.Fatalf("LoadCSV() error = %v, ParseCSV() none", lerr)
	}
	if h.Len() != want.Len() || info.Publications != want.Len() || info.First != want.Oldest() || info.Last != want.Latest() {
		t.Fatalf("LoadCSV() holds %d (%+v), NewHistory(ParseCSV()) %d from %s to %s", h.Len(), info, want.Len(), want.Oldest(), want.Latest())
	}
	for _, d := range days {
		got, ok1 := h.On(d.Date)
		exp, ok2 := want.On(d.Date)
		if ok1 != ok2 || got.Date != exp.Date {
			t.Fatalf("On(%s) = %s %t, want %s %t", d.Date, got.Date, ok1, exp.Date, ok2)
		}
		if !ok1 {
			continue
		}
		if got.Source != "ecb" {
			t.Fatalf("On(%s).Source = %q, want ecb", d.Date, got.Source)
		}
		for _, c := range currency.Currencies() {
			r1, err1 := got.Rate(c.Code)
			r2, err2 := exp.Rate(c.Code)
			if r1 != r2 || (err1 == nil) != (err2 == nil) {
				t.Fatalf("%s on %s = %v, %v, want %v, %v", c.Code, d.Date, r1, err1, r2, err2)
			}
		}
	}
	sum := sha256.Sum256(file)
	if got, want := info.SHA256, hex.EncodeToString(sum[:]); got != want {
		t.Errorf("SHA256 = %s, want %s", got, want)
	}
}

func TestLoadCSV(t *testing.T) {
	for name, file := range map[string]string{
		"ecb layout":          "Date,USD,JPY,CYP,\n2025-05-09,1.1252,163.36,N/A,\n1999-01-04,1.1789,133.73,0.58231,\n",
		"rising":              "Date,USD,JPY\n1999-01-04,1.1789,133.73\n2025-05-09,1.1252,163.36\n",
		"no order":            "Date,USD\n2025-05-08,1.1297\n2025-05-09,1.1252\n2025-05-07,1.1357\n",
		"unsupported codes":   "Date,USD,XYZ,EUR\n2025-05-09,1.1252,7,1\n2025-05-08,N/A,7,1\n",
		"only unsupported":    "Date,XYZ\n2025-05-09,7\n",
		"repeat out of order": "Date,USD\n2025-05-08,1.1297\n2025-05-09,1.1252\n2025-05-08,1.1297\n",
		"repeat of a row without supported rates": "Date,USD,XYZ\n2025-05-09,N/A,1\n2025-05-08,1.1,1\n2025-05-09,N/A,1\n",
		"quoted": "Date,USD\n\"2025-05-09\",\"1.1252\"\n",
	} {
		t.Run(name, func(t *testing.T) { checkLoadCSV(t, []byte(file)) })
	}
}
