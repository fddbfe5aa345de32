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
	ErrAmountSyntax    = errors.New("must be a plain decimal number such as 100 or 99.95")
	ErrAmountNegative  = errors.New("must not be negative")
	ErrAmountTooLarge  = errors.New("must have at most 15 digits before the decimal point")
	ErrAmountPrecision = errors.New("must have at most 10 digits after the decimal point")
)

// ParseAmount reads a non-negative amount written as plain decimal digits with
// an optional fraction ("100", "0.5", "12.30"). Exponents, signs, spaces,
// thousands separators, NaN and infinities are refused rather than guessed at.
// The digits are kept exactly, trailing zeros included.
func ParseAmount(s string) (apd.Decimal, error) {
	var d apd.Decimal
	negative := strings.HasPrefix(s, "-")
	intPart, frac, hasPoint := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	if !allDigits(intPart) || !allDigits(frac) || intPart == "" || (hasPoint && frac == "") {
		return d, ErrAmountSyntax
	}
	if negative {
		return d, ErrAmountNegative
	}
	if len(strings.TrimLeft(intPart, "0")) > MaxAmountIntegerDigits {
		return d, ErrAmountTooLarge
	}
	if len(frac) > MaxAmountDecimalPlaces {
		return d, ErrAmountPrecision
	}
	if _, _, err := d.SetString(s); err != nil {
		return d, ErrAmountSyntax
	}
	return d, nil
}

func allDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
