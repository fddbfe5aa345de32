package currency_test

import (
	"math/rand/v2"
	"testing"

	"github.com/cockroachdb/apd/v3"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
)

func mustDecimal(t *testing.T, s string) *apd.Decimal {
	t.Helper()
	d, _, err := apd.NewFromString(s)
	if err != nil {
		t.Fatalf("NewFromString(%q): %v", s, err)
	}
	return d
}

// TestPercentChange holds values worked out with Python's decimal module:
// (Decimal(to) - Decimal(from)) / Decimal(from) * 100 at 100 digits, then
// quantize(Decimal("0.0001"), ROUND_HALF_EVEN).
func TestPercentChange(t *testing.T) {
	tests := []struct {
		from, to, change, pct string
	}{
		{"1.0921", "1.0946", "0.0025", "0.2289"},
		{"1.13", "1.125", "-0.005", "-0.4425"},
		{"8", "8.0001", "0.0001", "0.0012"},   // a tie: 0.00125 goes to the even 2
		{"8", "8.0003", "0.0003", "0.0038"},   // a tie: 0.00375 goes to the even 8
		{"8", "7.9999", "-0.0001", "-0.0012"}, // ties go to even below zero too
		{"1", "1.0000001", "0.0000001", "0.0000"},
		{"1", "0.9999999", "-0.0000001", "0.0000"}, // Python says -0.0000: we never print a negative zero
		{"0.0000645278", "0.0000700001", "0.0000054723", "8.4805"},
		{"1.125", "1.125", "0", "0.0000"},
		{"163.01", "0.846", "-162.164", "-99.4810"},
		{"0.5", "1.5", "1", "200.0000"},
		{"3", "1", "-2", "-66.6667"},
	}
	for _, tt := range tests {
		from, to := mustDecimal(t, tt.from), mustDecimal(t, tt.to)
		change, err := currency.Change(from, to)
		if err != nil {
			t.Fatalf("Change(%s, %s): %v", tt.from, tt.to, err)
		}
		if got := change.Text('f'); got != tt.change {
			t.Errorf("Change(%s, %s) = %s, want %s", tt.from, tt.to, got, tt.change)
		}
		pct, err := currency.PercentChange(from, to, 4)
		if err != nil {
			t.Fatalf("PercentChange(%s, %s): %v", tt.from, tt.to, err)
		}
		if got := pct.Text('f'); got != tt.pct {
			t.Errorf("PercentChange(%s, %s, 4) = %s, want %s", tt.from, tt.to, got, tt.pct)
		}
	}
}

func TestPercentChangeRefusesNonPositiveFrom(t *testing.T) {
	for _, from := range []string{"0", "-1", "NaN", "Infinity"} {
		if got, err := currency.PercentChange(mustDecimal(t, from), mustDecimal(t, "1"), 4); err == nil {
			t.Errorf("PercentChange(%s, 1) = %s, want an error", from, got.Text('f'))
		}
	}
}

// TestPercentChangeMatchesAPDQuantize compares the integer rounding with
// apd's own: a 60-digit quotient quantized half-even. The quotient of two
// 12-digit rates is either exact within 60 digits or far from a tie, so one
// rounding and two agree on every pair of rates like those the service
// shows.
func TestPercentChangeMatchesAPDQuantize(t *testing.T) {
	ctx := apd.BaseContext.WithPrecision(60)
	ctx.Rounding = apd.RoundHalfEven
	rng := rand.New(rand.NewPCG(11, 2))
	hundred := apd.New(100, 0)
	for range 20000 {
		// Rates of 1 to 12 significant digits from 1e-6 to 1e6, and pairs
		// close together, as day-to-day rates are.
		from := apd.New(rng.Int64N(999_999_999_999)+1, int32(rng.IntN(13)-12))
		to := apd.New(rng.Int64N(999_999_999_999)+1, int32(rng.IntN(13)-12))
		if rng.IntN(2) == 0 {
			_, _ = ctx.Add(to, from, apd.New(rng.Int64N(2001)-1000, from.Exponent))
			if to.Sign() <= 0 {
				continue
			}
		}
		var diff, want apd.Decimal
		_, _ = ctx.Sub(&diff, to, from)
		_, _ = ctx.Quo(&want, &diff, from)
		_, _ = ctx.Mul(&want, &want, hundred)
		_, _ = ctx.Quantize(&want, &want, -4)
		if want.IsZero() {
			want.Negative = false
		}
		got, err := currency.PercentChange(from, to, 4)
		if err != nil {
			t.Fatalf("PercentChange(%s, %s): %v", from, to, err)
		}
		if got.Cmp(&want) != 0 || got.Text('f') != want.Text('f') {
			t.Fatalf("PercentChange(%s, %s, 4) = %s, apd says %s", from, to, got.Text('f'), want.Text('f'))
		}
	}
}
