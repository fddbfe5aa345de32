package currency

import (
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/cockroachdb/apd/v3"
)

func dec(t *testing.T, s string) *apd.Decimal {
	t.Helper()
	d, _, err := apd.NewFromString(s)
	if err != nil {
		t.Fatalf("apd.NewFromString(%q) error = %v", s, err)
	}
	return d
}

func TestDivideRoundHalfUp(t *testing.T) {
	kwd, ok := MinorUnits("KWD")
	if !ok || kwd != 3 {
		t.Fatalf("MinorUnits(KWD) = %d, %t, want 3, true", kwd, ok)
	}
	bhd, _ := MinorUnits("BHD")
	jpy, _ := MinorUnits("JPY")
	tests := []struct {
		a, b, c string
		places  int
		want    string
	}{
		// Three places, as for KWD and BHD.
		{"0.0005", "1", "1", kwd, "0.001"},
		{"0.0015", "1", "1", kwd, "0.002"},
		{"0.0025", "1", "1", kwd, "0.003"}, // half-even would give 0.002
		{"0.00249999", "1", "1", kwd, "0.002"},
		{"0.00250001", "1", "1", kwd, "0.003"},
		{"1", "1", "16", kwd, "0.063"}, // 0.0625; half-even 0.062
		{"1", "1", "3", kwd, "0.333"},
		{"2", "1", "3", kwd, "0.667"},
		{"100", "0.3051", "1.1252", bhd, "27.115"},  // 27.11518...
		{"100", "0.30515", "1.1252", bhd, "27.120"}, // 27.11962..., trailing zero kept
		{"0.01", "0.25", "1", bhd, "0.003"},         // 0.0025
		{"0", "0.3051", "1.1252", kwd, "0.000"},
		// Two places.
		{"1", "1", "8", 2, "0.13"}, // 0.125; half-even 0.12
		{"0.01", "1.5", "1", 2, "0.02"},
		{"0.03", "1.5", "1", 2, "0.05"},
		{"100", "1", "1.1252", 2, "88.87"},
		{"0.0000000001", "1", "1", 2, "0.00"},
		// No places, as for JPY.
		{"1", "1.5", "1", jpy, "2"},
		{"3", "1.5", "1", jpy, "5"}, // 4.5; half-even 4
		{"2.5", "1", "1", jpy, "3"},
		{"0.4999999999", "1", "1", jpy, "0"},
		{"7", "1", "2", jpy, "4"}, // 3.5
		// Four places, which ISO 4217 has for CLF and UYW.
		{"1", "1", "32", 4, "0.0313"}, // 0.03125
		// Exponents on the inputs that ParseAmount never produces.
		{"1E+2", "1", "1", 2, "100.00"},
		{"5E-1", "1", "1", 0, "1"},
	}
	for _, tt := range tests {
		got, err := divideRoundHalfUp(dec(t, tt.a), dec(t, tt.b), dec(t, tt.c), tt.places)
		if err != nil {
			t.Errorf("divideRoundHalfUp(%s, %s, %s, %d) error = %v", tt.a, tt.b, tt.c, tt.places, err)
			continue
		}
		if got := got.Text('f'); got != tt.want {
			t.Errorf("divideRoundHalfUp(%s, %s, %s, %d) = %s, want %s", tt.a, tt.b, tt.c, tt.places, got, tt.want)
		}
		if got, want := got.Exponent, int32(-tt.places); got != want {
			t.Errorf("divideRoundHalfUp(%s, %s, %s, %d) exponent = %d, want %d", tt.a, tt.b, tt.c, tt.places, got, want)
		}
	}
}

// TestDivideRoundHalfUpMatchesBigRat checks random operands of every size
// ParseAmount and ParseRate allow against math/big, for 0 to 4 places.
func TestDivideRoundHalfUpMatchesBigRat(t *testing.T) {
	rng := rand.New(rand.NewPCG(1103, 97))
	number := func(intDigits, fracDigits int) string {
		b := []byte{byte('1' + rng.IntN(9))}
		for range intDigits - 1 {
			b = append(b, byte('0'+rng.IntN(10)))
		}
		if fracDigits > 0 {
			b = append(b, '.')
			for range fracDigits {
				b = append(b, byte('0'+rng.IntN(10)))
			}
		}
		return string(b)
	}
	for range 5000 {
		a := number(1+rng.IntN(MaxAmountIntegerDigits), rng.IntN(MaxAmountDecimalPlaces+1))
		b := number(1+rng.IntN(7), rng.IntN(7))
		c := number(1+rng.IntN(7), rng.IntN(7))
		places := rng.IntN(5)
		got, err := divideRoundHalfUp(dec(t, a), dec(t, b), dec(t, c), places)
		if err != nil {
			t.Fatalf("divideRoundHalfUp(%s, %s, %s, %d) error = %v", a, b, c, places, err)
		}
		x, _ := new(big.Rat).SetString(a)
		y, _ := new(big.Rat).SetString(b)
		z, _ := new(big.Rat).SetString(c)
		x.Mul(x, y).Quo(x, z)
		// FloatString rounds halves away from zero: half-up for x ≥ 0.
		want := x.FloatString(places)
		if got := got.Text('f'); got != want {
			t.Fatalf("divideRoundHalfUp(%s, %s, %s, %d) = %s, want %s", a, b, c, places, got, want)
		}
	}
}

// TestDivideRoundHalfUpLimits checks the largest operands ParseAmount and
// ParseRate let through stay exact rather than hitting the Inexact trap.
func TestDivideRoundHalfUpLimits(t *testing.T) {
	maxAmount := strings.Repeat("9", MaxAmountIntegerDigits) + "." + strings.Repeat("9", MaxAmountDecimalPlaces)
	rates := []string{"9223372036854775807", "0.000000000000000001", "0.922337203685477580"}
	for _, b := range rates {
		for _, c := range rates {
			for places := range 5 {
				got, err := divideRoundHalfUp(dec(t, maxAmount), dec(t, b), dec(t, c), places)
				if err != nil {
					t.Errorf("divideRoundHalfUp(%s, %s, %s, %d) error = %v", maxAmount, b, c, places, err)
					continue
				}
				x, _ := new(big.Rat).SetString(maxAmount)
				y, _ := new(big.Rat).SetString(b)
				z, _ := new(big.Rat).SetString(c)
				if want := x.Mul(x, y).Quo(x, z).FloatString(places); got.Text('f') != want {
					t.Errorf("divideRoundHalfUp(%s, %s, %s, %d) = %s, want %s", maxAmount, b, c, places, got.Text('f'), want)
				}
			}
		}
	}
}
