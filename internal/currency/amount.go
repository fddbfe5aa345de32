package currency

import (
	"errors"
	"strings"

	"github.com/cockroachdb/apd/v3"
)

// Limits on the amount a client may ask to convert. Together they keep every
// intermediate product well inside exact decimal arithmetic and reject input
// that can only be a mistake or an attack.
const (
	MaxAmountIntegerDigits = 15 // amounts below one quadrillion
	MaxAmountDecimalPlaces = 10
)

// Errors returned by ParseAmount.
var (
	ErrAmountSyntax    = errors.New("must be a decimal number such as 100, 99.95, .5 or 1e-5")
	ErrAmountNegative  = errors.New("must not be negative")
	ErrAmountTooLarge  = errors.New("must have at most 15 digits before the decimal point")
	ErrAmountPrecision = errors.New("must have at most 10 digits after the decimal point")
)

// ParseAmount reads a non-negative amount written as decimal digits with an
// optional point and an optional exponent, as clients print floats: "100",
// "99.95", ".5", "5.", "100.0", "1e-05", "2.5E+14". The value is the exact
// decimal the text denotes, never a float's: "0.1" is one tenth. It comes
// back without an exponent, with the digits written ("100.0" keeps its
// zero; "1.50e2" is 150). Signs other than a refused minus, spaces,
// separators, hex, NaN and infinities are refused rather than guessed at;
// the limits apply to the value, so "1e15" is too large.
func ParseAmount(s string) (apd.Decimal, error) {
	var d apd.Decimal
	negative := strings.HasPrefix(s, "-")
	mantissa, exponent, hasExponent := strings.Cut(strings.TrimPrefix(s, "-"), "e")
	if !hasExponent {
		mantissa, exponent, hasExponent = strings.Cut(strings.TrimPrefix(s, "-"), "E")
	}
	intPart, frac, _ := strings.Cut(mantissa, ".")
	if !allDigits(intPart) || !allDigits(frac) || intPart+frac == "" {
		return d, ErrAmountSyntax
	}
	exp, ok := amountExponent(exponent, hasExponent)
	if !ok {
		return d, ErrAmountSyntax
	}
	if negative {
		return d, ErrAmountNegative
	}
	digits := strings.TrimLeft(intPart+frac, "0")
	switch {
	case exp > maxExponent && digits != "":
		return d, ErrAmountTooLarge
	case exp > maxExponent:
		exp = 0 // zero, however written
	case exp < -maxExponent:
		return d, ErrAmountPrecision
	}
	// The value is digits × 10^scale.
	scale := exp - len(frac)
	if len(digits)+scale > MaxAmountIntegerDigits {
		return d, ErrAmountTooLarge
	}
	if -scale > MaxAmountDecimalPlaces {
		return d, ErrAmountPrecision
	}
	if digits == "" {
		digits = "0"
	}
	if scale > 0 {
		digits += strings.Repeat("0", scale)
		scale = 0
	}
	if _, _, err := d.SetString(digits); err != nil {
		return apd.Decimal{}, ErrAmountSyntax
	}
	d.Exponent = int32(scale)
	return d, nil
}

// maxExponent is beyond every exponent an amount within the limits needs
// (at most 15 + 10 digits, however many zeros pad the mantissa); larger
// ones are clamped to it before the limits judge the value.
const maxExponent = 9999

// amountExponent reads the exponent after "e" with parseExponent, clamped
// to ±(maxExponent+1), which the limits then refuse: an exponent too large
// to read is a value out of range, not a syntax error.
func amountExponent(s string, present bool) (int, bool) {
	if !present {
		return 0, true
	}
	v, ok := parseExponent(s)
	if !ok {
		return 0, false
	}
	return int(max(min(v, maxExponent+1), -maxExponent-1)), true
}

func allDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
