package currency

import (
	"fmt"

	"github.com/cockroachdb/apd/v3"
)

// Change returns to − from exactly, with trailing zeros removed as displayed
// rates have them removed: a change between two shown rates is one a reader
// can check by hand.
func Change(from, to *apd.Decimal) (apd.Decimal, error) {
	var d apd.Decimal
	if _, err := exact.Sub(&d, to, from); err != nil {
		return d, fmt.Errorf("change %s to %s: %w", from, to, err)
	}
	d.Reduce(&d)
	return d, nil
}

// PercentChange returns (to − from) ÷ from × 100 rounded once, half-even, to
// places decimal places, for a positive from. A percentage is the one value
// of a fluctuation that is not exact; half-even (banker's rounding) keeps a
// column of them unbiased. It works on integers, as divideRoundHalfUp does:
// with n = (to − from) × 100 × 10^places, q = n ÷ from truncated and
// r = n − q × from, q moves one away from zero when 2|r| > from, or when
// 2|r| = from and q is odd; nothing is rounded before that.
func PercentChange(from, to *apd.Decimal, places int) (apd.Decimal, error) {
	var n, q, qf, r, twice apd.Decimal
	if from.Form != apd.Finite || from.Sign() <= 0 {
		return q, fmt.Errorf("percent change from %s: not a positive decimal", from)
	}
	if _, err := exact.Sub(&n, to, from); err != nil {
		return q, fmt.Errorf("percent change from %s to %s: %w", from, to, err)
	}
	n.Exponent += int32(2 + places)
	if _, err := exact.QuoInteger(&q, &n, from); err != nil {
		return q, fmt.Errorf("percent change from %s to %s: %w", from, to, err)
	}
	if _, err := exact.Mul(&qf, &q, from); err != nil {
		return q, err
	}
	if _, err := exact.Sub(&r, &n, &qf); err != nil {
		return q, err
	}
	r.Abs(&r)
	if _, err := exact.Add(&twice, &r, &r); err != nil {
		return q, err
	}
	c := twice.Cmp(from)
	if c > 0 || (c == 0 && isOdd(&q)) {
		step := decimalOne
		if n.Negative {
			step = apd.New(-1, 0)
		}
		if _, err := exact.Add(&q, &q, step); err != nil {
			return q, err
		}
	}
	q.Exponent -= int32(places)
	if q.IsZero() {
		q.Negative = false // a change too small to show is 0, not -0
	}
	return q, nil
}

// isOdd reports whether the integer d is odd.
func isOdd(d *apd.Decimal) bool {
	if d.Exponent > 0 {
		return false // a multiple of ten
	}
	var r apd.Decimal
	_, err := exact.Rem(&r, d, apd.New(2, 0))
	return err == nil && !r.IsZero()
}
