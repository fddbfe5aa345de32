package currency_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
)

func TestParseCode(t *testing.T) {
	tests := []struct {
		in      string
		want    currency.Code
		wantErr error
	}{
		{in: "USD", want: "USD"},
		{in: "usd", want: "USD"},
		{in: "uSd", want: "USD"},
		{in: "eur", want: "EUR"},
		{in: "EUR", want: "EUR"},
		{in: "jpy", want: "JPY"},
		{in: "CYP", want: "CYP"}, // withdrawn, but the ECB published it
		{in: "trl", want: "TRL"},

		{in: "", wantErr: currency.ErrMalformedCode},
		{in: "US", wantErr: currency.ErrMalformedCode},
		{in: "USDX", wantErr: currency.ErrMalformedCode},
		{in: "U$D", wantErr: currency.ErrMalformedCode},
		{in: "US1", wantErr: currency.ErrMalformedCode},
		{in: "U D", wantErr: currency.ErrMalformedCode},
		{in: " USD", wantErr: currency.ErrMalformedCode},
		{in: "USD\n", wantErr: currency.ErrMalformedCode},
		{in: "\x00SD", wantErr: currency.ErrMalformedCode},
		{in: "U\u0405D", wantErr: currency.ErrMalformedCode},           // Cyrillic capital DZE looks like S
		{in: "\uff35\uff33\uff24", wantErr: currency.ErrMalformedCode}, // full-width USD
		{in: "\uff35SD", wantErr: currency.ErrMalformedCode},           // one full-width letter
		{in: "U\u00e9", wantErr: currency.ErrMalformedCode},            // three bytes, two runes
		{in: "\u212aWD", wantErr: currency.ErrMalformedCode},           // Kelvin sign folds to K in Unicode
		{in: "\xff\xfe\xfd", wantErr: currency.ErrMalformedCode},       // invalid UTF-8

		{in: "ABC", wantErr: currency.ErrUnknownCode},
		{in: "xyz", wantErr: currency.ErrUnknownCode},
		{in: "KWD", wantErr: currency.ErrUnsupportedCode},
		{in: "bhd", wantErr: currency.ErrUnsupportedCode},
		{in: "ARS", wantErr: currency.ErrUnsupportedCode},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := currency.ParseCode(tt.in)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("ParseCode(%q) error = %v, want %v", tt.in, err, tt.wantErr)
				}
				if tt.wantErr != currency.ErrMalformedCode {
					if code := strings.ToUpper(tt.in); !strings.Contains(err.Error(), code) {
						t.Errorf("ParseCode(%q) error = %q, want it to name %s", tt.in, err, code)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseCode(%q) error = %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseCode(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestParseCodeErrorsAreDistinct guards against one sentinel wrapping
// another, which would make the table above pass for the wrong reason.
func TestParseCodeErrorsAreDistinct(t *testing.T) {
	_, unknown := currency.ParseCode("ABC")
	_, unsupported := currency.ParseCode("KWD")
	if errors.Is(unknown, currency.ErrUnsupportedCode) {
		t.Errorf("ParseCode(ABC) error %v is ErrUnsupportedCode", unknown)
	}
	if errors.Is(unsupported, currency.ErrUnknownCode) {
		t.Errorf("ParseCode(KWD) error %v is ErrUnknownCode", unsupported)
	}
}

func TestParseCodeAcceptsEverySupportedCode(t *testing.T) {
	for _, c := range currency.Currencies() {
		for _, in := range []string{string(c.Code), strings.ToLower(string(c.Code))} {
			got, err := currency.ParseCode(in)
			if err != nil {
				t.Errorf("ParseCode(%q) error = %v", in, err)
				continue
			}
			if got != c.Code {
				t.Errorf("ParseCode(%q) = %q, want %q", in, got, c.Code)
			}
		}
	}
}

func TestMinorUnits(t *testing.T) {
	tests := []struct {
		code   currency.Code
		want   int
		wantOK bool
	}{
		{"JPY", 0, true},
		{"KRW", 0, true},
		{"ISK", 0, true},
		{"KWD", 3, true},
		{"BHD", 3, true},
		{"USD", 2, true},
		{"EUR", 2, true},
		{"HUF", 2, true},
		{"IDR", 2, true},
		{"TRL", 0, true}, // withdrawn: ISO 4217 list A.3
		{"CYP", 2, true},
		{"BGN", 2, true},
		{"ROL", 2, true},
		{"ABC", 0, false},
		{"usd", 0, false}, // codes are upper case by construction
		{"", 0, false},
	}
	for _, tt := range tests {
		got, ok := currency.MinorUnits(tt.code)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("MinorUnits(%q) = %d, %t, want %d, %t", tt.code, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestCurrencies(t *testing.T) {
	cs := currency.Currencies()
	if len(cs) == 0 {
		t.Fatal("Currencies() is empty")
	}
	if !slices.IsSortedFunc(cs, func(a, b currency.Currency) int { return strings.Compare(string(a.Code), string(b.Code)) }) {
		t.Errorf("Currencies() is not sorted by code: %v", cs)
	}
	seen := map[currency.Code]bool{}
	for _, c := range cs {
		if seen[c.Code] {
			t.Errorf("Currencies() lists %s twice", c.Code)
		}
		seen[c.Code] = true
		if c.Name == "" {
			t.Errorf("Currencies(): %s has no name", c.Code)
		}
		units, ok := currency.MinorUnits(c.Code)
		if !ok {
			t.Errorf("MinorUnits(%s) unknown", c.Code)
		}
		if got, want := c.MinorUnits, units; got != want {
			t.Errorf("Currencies(): %s MinorUnits = %d, want %d", c.Code, got, want)
		}
		if !currency.Supported(c.Code) {
			t.Errorf("Supported(%s) = false for a listed currency", c.Code)
		}
	}
	for _, code := range []currency.Code{"EUR", "USD", "JPY", "GBP", "IDR", "TRL", "CYP"} {
		if !seen[code] {
			t.Errorf("Currencies() lacks %s", code)
		}
	}
}

func TestCurrenciesReturnsACopy(t *testing.T) {
	cs := currency.Currencies()
	cs[0].Name = "changed"
	if got := currency.Currencies()[0].Name; got == "changed" {
		t.Error("Currencies() shares its backing array with the caller")
	}
}

func TestSupported(t *testing.T) {
	tests := []struct {
		code currency.Code
		want bool
	}{
		{"EUR", true},
		{"USD", true},
		{"SKK", true},
		{"KWD", false},
		{"ABC", false},
		{"usd", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := currency.Supported(tt.code); got != tt.want {
			t.Errorf("Supported(%q) = %t, want %t", tt.code, got, tt.want)
		}
	}
}

func TestWellFormedCode(t *testing.T) {
	for s, want := range map[string]bool{
		"USD": true, "XYZ": true, "KWD": true, "AAA": true, "ZZZ": true,
		"usd": false, "UsD": false, "US": false, "USDD": false, "": false,
		"U$D": false, "US1": false, "@AA": false, "[AA": false, "ÜSD": false,
	} {
		if got := currency.WellFormedCode(s); got != want {
			t.Errorf("WellFormedCode(%q) = %t, want %t", s, got, want)
		}
	}
}
