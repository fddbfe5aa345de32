package currency_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in   string
		want string // Text('f') of the result
	}{
		{"0", "0"},
		{"1", "1"},
		{"100", "100"},
		{"0.5", "0.5"},
		{"12.30", "12.30"},
		{"000123.4500", "123.4500"},
		{"0.0000000001", "0.0000000001"},
		{"0.0000000000", "0.0000000000"},
		{"999999999999999", "999999999999999"},
		{"100000000000000", "100000000000000"},
		{"1.0123456789", "1.0123456789"},
		{"999999999999999.9999999999", "999999999999999.9999999999"},
		{"0000000000000001", "1"}, // leading zeros are not digits of the value
		{strings.Repeat("0", 1000) + "7.25", "7.25"},
		// As Python and JavaScript print floats: the exact decimal each
		// denotes, written out without an exponent.
		{"1e3", "1000"},
		{"1E3", "1000"},
		{"1e+3", "1000"},
		{"1.5e-2", "0.015"},
		{"1e-05", "0.00001"},
		{"1e-10", "0.0000000001"},
		{"2.5e+14", "250000000000000"},
		{"9.99999999999999e14", "999999999999999"},
		{"1.50e2", "150"},
		{"1.500e2", "150.0"},
		{"0.005e3", "5"},
		{"12345e-4", "1.2345"},
		{".5", "0.5"},
		{"5.", "5"},
		{"100.0", "100.0"},
		{"0e5", "0"},
		{"0.0e-9", "0.0000000000"},
		{"1e-0000000000000000001", "0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := currency.ParseAmount(tt.in)
			if err != nil {
				t.Fatalf("ParseAmount(%q) error = %v", tt.in, err)
			}
			if got.Negative {
				t.Errorf("ParseAmount(%q) is negative", tt.in)
			}
			if got, want := got.Text('f'), tt.want; got != want {
				t.Errorf("ParseAmount(%q) = %s, want %s", tt.in, got, want)
			}
		})
	}
}

func TestParseAmountInvalid(t *testing.T) {
	tests := []struct {
		name, in string
		want     error
	}{
		{"empty", "", currency.ErrAmountSyntax},
		{"negative", "-1", currency.ErrAmountNegative},
		{"negative fraction", "-0.5", currency.ErrAmountNegative},
		{"negative zero", "-0", currency.ErrAmountNegative},
		{"lone minus", "-", currency.ErrAmountSyntax},
		{"double minus", "--1", currency.ErrAmountSyntax},
		{"minus garbage", "-abc", currency.ErrAmountSyntax},
		{"exponent without digits", "1e", currency.ErrAmountSyntax},
		{"exponent sign without digits", "1e+", currency.ErrAmountSyntax},
		{"exponent without mantissa", "e3", currency.ErrAmountSyntax},
		{"point and exponent only", ".e3", currency.ErrAmountSyntax},
		{"fractional exponent", "1e3.5", currency.ErrAmountSyntax},
		{"two exponents", "1e3e3", currency.ErrAmountSyntax},
		{"exponent with space", "1e 3", currency.ErrAmountSyntax},
		{"negative with exponent", "-1e3", currency.ErrAmountNegative},
		{"exponent too large", "1e+21", currency.ErrAmountTooLarge},
		{"exponent to 16 digits", "1e15", currency.ErrAmountTooLarge},
		{"exponent to 11 decimals", "1e-11", currency.ErrAmountPrecision},
		{"huge exponent", "1e999999999999999999999", currency.ErrAmountTooLarge},
		{"huge negative exponent", "1e-999999999999999999999", currency.ErrAmountPrecision},
		{"zero with 11 decimals", "0e-11", currency.ErrAmountPrecision},
		{"float max", "1.7976931348623157e+308", currency.ErrAmountTooLarge},
		{"NaN", "NaN", currency.ErrAmountSyntax},
		{"Inf", "Inf", currency.ErrAmountSyntax},
		{"Infinity", "Infinity", currency.ErrAmountSyntax},
		{"plus", "+1", currency.ErrAmountSyntax},
		{"leading space", " 1", currency.ErrAmountSyntax},
		{"trailing space", "1 ", currency.ErrAmountSyntax},
		{"thousands comma", "1,000", currency.ErrAmountSyntax},
		{"decimal comma", "1,5", currency.ErrAmountSyntax},
		{"underscore", "1_000", currency.ErrAmountSyntax},
		{"lone point", ".", currency.ErrAmountSyntax},
		{"negative lone point", "-.", currency.ErrAmountSyntax},
		{"hex float", "0x1p3", currency.ErrAmountSyntax},
		{"Python inf", "inf", currency.ErrAmountSyntax},
		{"Python nan", "nan", currency.ErrAmountSyntax},
		{"two points", "1.2.3", currency.ErrAmountSyntax},
		{"hex", "0x10", currency.ErrAmountSyntax},
		{"letters", "abc", currency.ErrAmountSyntax},
		{"Arabic-Indic digits", "\u0661\u0662\u0663", currency.ErrAmountSyntax},
		{"full-width digits", "\uff11\uff12", currency.ErrAmountSyntax},
		{"NUL", "1\x00", currency.ErrAmountSyntax},
		{"16 integer digits", "1000000000000000", currency.ErrAmountTooLarge},
		{"16 nines", "9999999999999999.5", currency.ErrAmountTooLarge},
		{"11 decimals", "0.00000000001", currency.ErrAmountPrecision},
		{"11 zero decimals", "1.00000000000", currency.ErrAmountPrecision},
		{"very long integer", strings.Repeat("9", 100000), currency.ErrAmountTooLarge},
		{"very long fraction", "1." + strings.Repeat("0", 100000), currency.ErrAmountPrecision},
		{"very long garbage", strings.Repeat("1", 100000) + "x", currency.ErrAmountSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := currency.ParseAmount(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParseAmount(%.40q) error = %v, want %v", tt.in, err, tt.want)
			}
			if !got.IsZero() {
				t.Errorf("ParseAmount(%.40q) = %s with an error, want zero", tt.in, got.Text('f'))
			}
		})
	}
}
