package currency

import (
	"errors"
	"fmt"

	"github.com/cockroachdb/apd/v3"
)

// Rate is one euro reference rate: how many units of a currency one euro
// buys, exactly as published. It is stored as coefficient and exponent so a
// 26-year history stays small; the zero Rate means "no rate".
type Rate struct {
	coef int64
	exp  int32
}

// rateOne is the euro's rate in euros.
var rateOne = Rate{coef: 1}

// ErrMalformedRate means an upstream rate is not a positive finite decimal.
var ErrMalformedRate = errors.New("not a positive decimal rate")

// ParseRate reads a published rate such as "1.1252" or "18606.59".
func ParseRate(s string) (Rate, error) {
	d, _, err := apd.NewFromString(s)
	if err != nil || d.Form != apd.Finite || d.Sign() <= 0 {
		return Rate{}, fmt.Errorf("%q: %w", s, ErrMalformedRate)
	}
	d.Reduce(d)
	// At most 19 digits before the point and 18 after keep a rate inside
	// the sizes Convert computes exactly; "1e400" is finite but no rate.
	if !d.Coeff.IsInt64() || d.Exponent < -18 || d.NumDigits()+int64(d.Exponent) > 19 {
		return Rate{}, fmt.Errorf("%q has too many digits: %w", s, ErrMalformedRate)
	}
	return Rate{coef: d.Coeff.Int64(), exp: d.Exponent}, nil
}

// Decimal returns the rate as an exact decimal.
func (r Rate) Decimal() *apd.Decimal { return apd.New(r.coef, r.exp) }

// IsZero reports whether r is the zero Rate, meaning no rate was published.
func (r Rate) IsZero() bool { return r.coef == 0 }

// String returns the rate in plain decimal notation.
func (r Rate) String() string { return r.Decimal().Text('f') }
