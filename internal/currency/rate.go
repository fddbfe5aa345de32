package currency

import (
	"errors"
	"fmt"

	"github.com/cockroachdb/apd/v3"
)

// Rate is one euro reference rate: how many units of a currency one euro
// buys, exactly as published. It is stored as coefficient and exponent, with
// no trailing zeros in the coefficient, so a 26-year history stays small and
// two Rates of the same value are ==; the zero Rate means "no rate".
type Rate struct {
	coef int64
	exp  int32
}

// rateOne is the euro's rate in euros.
var rateOne = Rate{coef: 1}

// ErrMalformedRate means an upstream rate is not a positive finite decimal.
var ErrMalformedRate = errors.New("not a positive decimal rate")

// The limits of a rate, which keep it inside the sizes Convert computes
// exactly: at most maxIntDigits digits before the point and -minExp after,
// and a coefficient that fits an int64. "1e400" is finite but no rate.
const (
	maxIntDigits = 19
	minExp       = -18
)

// apdExpLimit is apd's MaxExponent. ParseRate accepts exactly what
// apd.NewFromString accepted followed by the limits above (a test holds the
// two to each other), and apd refuses an exponent, a fraction or an
// adjusted exponent beyond it even when the value itself would be a rate
// (1 followed by 100001 zeros, then e-100001).
const apdExpLimit = 100000

// ParseRate reads a published rate such as "1.1252" or "18606.59": an
// optional +, digits with at most one point, and an optional exponent (e or
// E, then an optionally signed integer). It allocates nothing unless it
// fails, since the snapshot's 200,000 rates go through it at every start.
func ParseRate(s string) (Rate, error) {
	r, ok, tooLarge := parseRate(s)
	switch {
	case tooLarge:
		return Rate{}, fmt.Errorf("%q has too many digits: %w", s, ErrMalformedRate)
	case !ok:
		return Rate{}, fmt.Errorf("%q: %w", s, ErrMalformedRate)
	}
	return r, nil
}

// parseRate returns the rate s spells; ok is false when s is not a positive
// finite decimal, and tooLarge reports one outside the limits.
func parseRate(s string) (r Rate, ok, tooLarge bool) {
	if len(s) > 0 && s[0] == '+' {
		s = s[1:]
	}
	// The mantissa ends at the first e or E; a '-' sign can only make the
	// rate negative or zero, and fails as a non-digit below.
	mant, exp := s, int64(0)
	for i := 0; i < len(s); i++ {
		if s[i] == 'e' || s[i] == 'E' {
			var ok bool
			if exp, ok = parseExponent(s[i+1:]); !ok || exp > apdExpLimit || exp < -apdExpLimit {
				return Rate{}, false, false
			}
			mant = s[:i]
			break
		}
	}

	// One pass over the mantissa: where its significant digits start and
	// end, how many digits there are after the point, and how many from the
	// first significant digit to the end.
	point := -1
	first, last := -1, -1 // indexes of the first and last non-zero digit
	digits := 0
	for i := 0; i < len(mant); i++ {
		switch c := mant[i]; {
		case c == '.' && point < 0:
			point = i
		case c >= '0' && c <= '9':
			digits++
			if c != '0' {
				if first < 0 {
					first = i
				}
				last = i
			}
		default:
			return Rate{}, false, false
		}
	}
	if digits == 0 {
		return Rate{}, false, false
	}
	frac := 0
	if point >= 0 {
		frac = len(mant) - point - 1
	}
	if frac > apdExpLimit {
		return Rate{}, false, false
	}
	if first < 0 {
		return Rate{}, false, false // zero is no rate
	}
	// nd counts the coefficient's digits, trailing zeros included, and sig
	// its significant ones; the point sits between two of them or not.
	nd := len(mant) - first
	if point > first {
		nd--
	}
	sig := last - first + 1
	if point > first && point < last {
		sig--
	}
	e := exp - int64(frac) // exponent of the unreduced coefficient
	if adj := e + int64(nd) - 1; adj > apdExpLimit || adj < -apdExpLimit {
		return Rate{}, false, false
	}
	e += int64(nd - sig) // the trailing zeros move into the exponent
	if sig > maxIntDigits || e < minExp || int64(sig)+e > maxIntDigits {
		return Rate{}, true, true
	}
	var coef uint64
	for i := first; i <= last; i++ {
		if c := mant[i]; c != '.' {
			coef = coef*10 + uint64(c-'0') // at most 19 digits: fits a uint64
		}
	}
	if coef > 1<<63-1 {
		return Rate{}, true, true
	}
	return Rate{coef: int64(coef), exp: int32(e)}, true, false
}

// parseExponent reads an optionally signed decimal integer, as
// strconv.ParseInt does, and reports false for anything else. A value
// beyond apd's exponent limit comes back as ±(apdExpLimit+1), however many
// digits it has, for the caller to judge: a rate refuses it, an amount
// refuses it by its own limits.
func parseExponent(s string) (int64, bool) {
	neg := false
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" {
		return 0, false
	}
	var v int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		// Saturate: anything past the limit stays just past it.
		if v = v*10 + int64(c-'0'); v > apdExpLimit {
			v = apdExpLimit + 1
		}
	}
	if neg {
		v = -v
	}
	return v, true
}

// Parts returns the rate as coefficient and exponent, its value being
// coef × 10^exp, with no trailing zeros in coef; the zero Rate gives 0, 0.
// It is the cheap form of Decimal for callers that do integer arithmetic.
func (r Rate) Parts() (coef int64, exp int32) { return r.coef, r.exp }

// Decimal returns the rate as an exact decimal.
func (r Rate) Decimal() *apd.Decimal { return apd.New(r.coef, r.exp) }

// IsZero reports whether r is the zero Rate, meaning no rate was published.
func (r Rate) IsZero() bool { return r.coef == 0 }

// String returns the rate in plain decimal notation.
func (r Rate) String() string { return r.Decimal().Text('f') }
