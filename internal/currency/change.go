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
// column of them unbiased. Nothing is rounded before that one rounding
// (quoRound).
func PercentChange(from, to *apd.Decimal, places int) (apd.Decimal, error) {
	var n apd.Decimal
	if from.Form != apd.Finite || from.Sign() <= 0 {
		return n, fmt.Errorf("percent change from %s: not a positive decimal", from)
	}
	if _, err := exact.Sub(&n, to, from); err != nil {
		return n, fmt.Errorf("percent change from %s to %s: %w", from, to, err)
	}
	n.Exponent += 2 // × 100
	q, err := quoRound(&n, from, places, true)
	if err != nil {
		return q, fmt.Errorf("percent change from %s to %s: %w", from, to, err)
	}
	if q.IsZero() {
		q.Negative = false // a change too small to show is 0, not -0
	}
	return q, nil
}
