package currency_test

import (
	"errors"
	"testing"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
)

// mustRate parses a published rate or fails the test.
func mustRate(t *testing.T, s string) currency.Rate {
	t.Helper()
	r, err := currency.ParseRate(s)
	if err != nil {
		t.Fatalf("ParseRate(%q) error = %v", s, err)
	}
	return r
}

func TestParseRate(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"1.1252", "1.1252"},
		{"18606.59", "18606.59"},
		{"0.0001", "0.0001"},
		{"163.36", "163.36"},
		{"1", "1"},
		{"100", "100"},
		{"1.10", "1.1"}, // the value is kept exactly, not its spelling
		{"0000.5000", "0.5"},
		{"1959200", "1959200"}, // old Turkish lira: the largest ECB rate ever
		{"9223372036854775807", "9223372036854775807"},
		{"0.000000000000000001", "0.000000000000000001"},
		// apd's syntax, which ParseRate keeps: a leading +, a bare point
		// on either side, an exponent.
		{"+1.5", "1.5"},
		{".5", "0.5"},
		{"5.", "5"},
		{"1E2", "100"},
		{"1.5e-3", "0.0015"},
		{"15e-1", "1.5"},
		{"1e18", "1000000000000000000"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			r := mustRate(t, tt.in)
			if r.IsZero() {
				t.Errorf("ParseRate(%q).IsZero() = true", tt.in)
			}
			if got, want := r.String(), tt.want; got != want {
				t.Errorf("ParseRate(%q).String() = %s, want %s", tt.in, got, want)
			}
			if got, want := r.Decimal().Text('f'), tt.want; got != want {
				t.Errorf("ParseRate(%q).Decimal() = %s, want %s", tt.in, got, want)
			}
			// String must read back as the same rate.
			if got, want := mustRate(t, r.String()), r; got != want {
				t.Errorf("ParseRate(%q) = %v, want %v", r.String(), got, want)
			}
		})
	}
}

func TestParseRateInvalid(t *testing.T) {
	for _, in := range []string{
		"", "0", "0.0000", "-0", "-1", "-1.1252", "abc", "1.2.3", " 1.5", "1.5 ", "1,5", "0x10",
		"NaN", "Inf", "-Inf", "Infinity",
		"1e400",                 // finite, but no exchange rate has 401 digits
		"1e19",                  // 20 digits before the point
		"99999999999999999999",  // coefficient beyond int64
		"1.1234567890123456789", // 20 significant digits
		"0.0000000000000000001", // 19 decimal places
		"1e-400",
		"1e-19", // 19 decimal places
		".", "e5", "1e", "1e+", "1e1.5", "1..2", "--1", "+-1", "++1", "1_000",
		"١", // an Arabic-Indic digit one
	} {
		r, err := currency.ParseRate(in)
		if !errors.Is(err, currency.ErrMalformedRate) {
			t.Errorf("ParseRate(%q) = %v, %v, want %v", in, r, err, currency.ErrMalformedRate)
			continue
		}
		if !r.IsZero() {
			t.Errorf("ParseRate(%q) = %v with an error, want the zero Rate", in, r)
		}
	}
}

func TestRateZero(t *testing.T) {
	var r currency.Rate
	if !r.IsZero() {
		t.Error("Rate{}.IsZero() = false")
	}
	if got, want := r.String(), "0"; got != want {
		t.Errorf("Rate{}.String() = %s, want %s", got, want)
	}
}
