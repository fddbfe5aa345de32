package currency

import (
	"fmt"

	"github.com/cockroachdb/apd/v3"
)

// RateDigits is the number of significant digits of a displayed cross rate:
// twice what the ECB publishes (five or six), so that the rate shown never
// hides a difference in the published ones.
const RateDigits = 12

// exact performs arithmetic that must not round: with the amount limits, every
// product and remainder below has under 50 digits, and the Inexact trap turns
// any rounding into an error instead of a silent loss.
var exact = apd.Context{
	Precision:   100,
	MaxExponent: apd.MaxExponent,
	MinExponent: apd.MinExponent,
	Traps:       apd.DefaultTraps | apd.Inexact,
}

// display rounds cross rates for display.
var display = apd.Context{
	Precision:   RateDigits,
	MaxExponent: apd.MaxExponent,
	MinExponent: apd.MinExponent,
	Rounding:    apd.RoundHalfEven,
	Traps:       apd.DefaultTraps,
}

// Conversion is the result of converting an amount on one publication.
type Conversion struct {
	From, To  Code
	Amount    apd.Decimal
	Rate      apd.Decimal // units of To per unit of From, RateDigits significant digits
	Converted apd.Decimal // rounded half-up to To's minor units
	Date      Date
}

// CrossRate returns the units of to per unit of from, computed through the
// euro (to per EUR divided by from per EUR) and rounded to RateDigits
// significant digits, half-even, trailing zeros removed.
func (t Table) CrossRate(from, to Code) (apd.Decimal, error) {
	fromRate, toRate, err := t.pair(from, to)
	if err != nil {
		return apd.Decimal{}, err
	}
	var f, x apd.Decimal
	return crossRate(from, to, fromRate.set(&f), toRate.set(&x))
}

// crossRate divides the two euro rates for display.
func crossRate(from, to Code, fromRate, toRate *apd.Decimal) (apd.Decimal, error) {
	var r apd.Decimal
	if _, err := display.Quo(&r, toRate, fromRate); err != nil {
		return r, fmt.Errorf("cross rate %s/%s: %w", from, to, err)
	}
	r.Reduce(&r)
	return r, nil
}

// set stores r in d, which lives on the caller's stack: Decimal() would
// allocate each of the four operands of a conversion.
func (r Rate) set(d *apd.Decimal) *apd.Decimal { return d.SetFinite(r.coef, r.exp) }

// Convert converts amount from one currency to another with the rates of t.
//
// The converted amount is amount × (to per EUR) ÷ (from per EUR), computed
// exactly and rounded once, half-up, to the target currency's ISO 4217 minor
// units: the rule of Council Regulation (EC) No 1103/97 for euro conversions.
// The displayed rate is rounded separately and is not used for the amount.
func (t Table) Convert(from, to Code, amount apd.Decimal) (Conversion, error) {
	c := Conversion{From: from, To: to, Amount: amount, Date: t.Date}
	switch {
	case amount.Form != apd.Finite:
		return c, fmt.Errorf("convert %s: %w", amount.String(), ErrAmountSyntax)
	case amount.Sign() < 0:
		return c, fmt.Errorf("convert %s: %w", amount.String(), ErrAmountNegative)
	}
	fromRate, toRate, err := t.pair(from, to)
	if err != nil {
		return c, err
	}
	units, ok := MinorUnits(to)
	if !ok {
		return c, fmt.Errorf("no minor units for %s", to)
	}
	var f, x apd.Decimal
	fromDec, toDec := fromRate.set(&f), toRate.set(&x)
	if c.Converted, err = divideRoundHalfUp(&amount, toDec, fromDec, units); err != nil {
		return c, fmt.Errorf("convert %s to %s: %w", from, to, err)
	}
	if c.Rate, err = crossRate(from, to, fromDec, toDec); err != nil {
		return c, err
	}
	return c, nil
}

func (t Table) pair(from, to Code) (Rate, Rate, error) {
	fromRate, err := t.Rate(from)
	if err != nil {
		return Rate{}, Rate{}, err
	}
	toRate, err := t.Rate(to)
	if err != nil {
		return Rate{}, Rate{}, err
	}
	return fromRate, toRate, nil
}

var decimalOne = apd.New(1, 0)

// divideRoundHalfUp returns a × b ÷ c rounded half-up to places decimal
// places, for non-negative a and positive b, c, with no intermediate
// rounding at all (quoRound).
func divideRoundHalfUp(a, b, c *apd.Decimal, places int) (apd.Decimal, error) {
	var n apd.Decimal
	if _, err := exact.Mul(&n, a, b); err != nil {
		return n, err
	}
	return quoRound(&n, c, places, false)
}

// quoRound returns n ÷ c rounded once to places decimal places, for a
// positive c: a tie goes away from zero, or to the even neighbour when
// halfEven. It works on integers: with m = n × 10^places, q = m ÷ c
// truncated toward zero and r = m − q × c, q moves one away from zero when
// 2|r| > c, or when 2|r| = c and the tie is not broken toward q (q odd, or
// not halfEven); nothing is rounded before that. The result has exactly
// places decimal places.
func quoRound(n, c *apd.Decimal, places int, halfEven bool) (apd.Decimal, error) {
	var m, q, qc, r, twice apd.Decimal
	m.Set(n)
	m.Exponent += int32(places)
	if _, err := exact.QuoInteger(&q, &m, c); err != nil {
		return q, err
	}
	if _, err := exact.Mul(&qc, &q, c); err != nil {
		return q, err
	}
	if _, err := exact.Sub(&r, &m, &qc); err != nil {
		return q, err
	}
	r.Abs(&r)
	if _, err := exact.Add(&twice, &r, &r); err != nil {
		return q, err
	}
	// q is an integer; at exponent 0 its parity is its last digit's, and
	// shifting the exponent back gives exactly places digits.
	if _, err := exact.Quantize(&q, &q, 0); err != nil {
		return q, err
	}
	if cmp := twice.Cmp(c); cmp > 0 || (cmp == 0 && (!halfEven || isOdd(&q))) {
		step := decimalOne
		if m.Negative {
			step = decimalMinusOne
		}
		if _, err := exact.Add(&q, &q, step); err != nil {
			return q, err
		}
	}
	q.Exponent -= int32(places)
	return q, nil
}

var decimalMinusOne = apd.New(-1, 0)

// isOdd reports whether the integer d, at exponent 0, is odd.
func isOdd(d *apd.Decimal) bool {
	var last apd.BigInt
	last.Rem(&d.Coeff, apd.NewBigInt(2))
	return last.Sign() != 0
}
