package currency

import (
	"fmt"

	"github.com/cockroachdb/apd/v3"
)

// Quote returns amount × (to per EUR ÷ from per EUR) on the rates of t: the
// product is exact and the quotient is rounded once, half-even, at whichever
// keeps more digits: RateDigits significant digits, or the ISO 4217 minor
// units of to (so a large amount keeps its cents); trailing zeros removed.
// With amount 1 it is CrossRate. It is the value of a rate table scaled by
// an amount, as Frankfurter-style answers give it; Convert, which rounds
// half-up to the target's minor units, is the one for money paid out.
func (t Table) Quote(from, to Code, amount *apd.Decimal) (apd.Decimal, error) {
	var q apd.Decimal
	switch {
	case amount.Form != apd.Finite:
		return q, fmt.Errorf("quote %s: %w", amount.String(), ErrAmountSyntax)
	case amount.Sign() < 0:
		return q, fmt.Errorf("quote %s: %w", amount.String(), ErrAmountNegative)
	}
	fromRate, toRate, err := t.pair(from, to)
	if err != nil {
		return q, err
	}
	var f, x, n apd.Decimal
	// Rounding the product first would round twice; the amount limits keep
	// it well inside the exact context's digits.
	if _, err := exact.Mul(&n, amount, toRate.set(&x)); err != nil {
		return q, fmt.Errorf("quote %s %s in %s: %w", amount.String(), from, to, err)
	}
	fromRate.set(&f)
	// Where the one rounding falls depends on the quotient's magnitude: a
	// truncated quotient has it, as truncating never carries into the next
	// power of ten.
	var lead apd.Decimal
	truncate := display
	truncate.Rounding = apd.RoundDown
	if _, err := truncate.Quo(&lead, &n, &f); err != nil {
		return q, fmt.Errorf("quote %s %s in %s: %w", amount.String(), from, to, err)
	}
	ctx := display
	if units, ok := MinorUnits(to); ok {
		magnitude := int64(lead.Exponent) + int64(lead.NumDigits()) // digits before the point
		if digits := magnitude + int64(units); digits > int64(ctx.Precision) {
			ctx.Precision = uint32(digits)
		}
	}
	if _, err := ctx.Quo(&q, &n, &f); err != nil {
		return q, fmt.Errorf("quote %s %s in %s: %w", amount.String(), from, to, err)
	}
	q.Reduce(&q)
	return q, nil
}
