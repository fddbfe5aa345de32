package currency_test

import (
	"errors"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/cockroachdb/apd/v3"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
)

// roundQuoteHalfEven rounds a positive x once, half to even, at whichever
// keeps more digits: digits significant digits, or minorUnits decimal
// places. It writes the result as a plain decimal without trailing zeros,
// with big.Int arithmetic only: an implementation independent of apd to
// check Quote against.
func roundQuoteHalfEven(x *big.Rat, digits, minorUnits int) string {
	ten := big.NewInt(10)
	// Find e with 10^(digits-1) ≤ x·10^-e < 10^digits.
	e := 0
	scaled := new(big.Rat).Set(x)
	low := new(big.Rat).SetInt(new(big.Int).Exp(ten, big.NewInt(int64(digits-1)), nil))
	high := new(big.Rat).SetInt(new(big.Int).Exp(ten, big.NewInt(int64(digits)), nil))
	for scaled.Cmp(low) < 0 {
		scaled.Mul(scaled, big.NewRat(10, 1))
		e--
	}
	for scaled.Cmp(high) >= 0 {
		scaled.Quo(scaled, big.NewRat(10, 1))
		e++
	}
	// The minor units keep more digits: round at 10^-minorUnits instead.
	for e > -minorUnits {
		scaled.Mul(scaled, big.NewRat(10, 1))
		e--
	}
	q, r := new(big.Int).QuoRem(scaled.Num(), scaled.Denom(), new(big.Int))
	twice := new(big.Int).Mul(r, big.NewInt(2))
	switch c := twice.Cmp(scaled.Denom()); {
	case c > 0, c == 0 && q.Bit(0) == 1:
		q.Add(q, big.NewInt(1))
	}
	// q·10^e as plain text.
	s := q.String()
	for e < 0 && strings.HasSuffix(s, "0") {
		s = s[:len(s)-1]
		e++
	}
	if e >= 0 {
		return s + strings.Repeat("0", e)
	}
	if len(s) <= -e {
		s = strings.Repeat("0", -e-len(s)+1) + s
	}
	return strings.TrimRight(s[:len(s)+e]+"."+s[len(s)+e:], ".")
}

// minorUnits is MinorUnits of a code the tests use.
func minorUnits(t *testing.T, code currency.Code) int {
	t.Helper()
	mu, ok := currency.MinorUnits(code)
	if !ok {
		t.Fatalf("MinorUnits(%s) unknown", code)
	}
	return mu
}

func TestQuote(t *testing.T) {
	tbl := tableOf(t, published)
	tests := []struct {
		from, to currency.Code
		amount   string
		want     string
	}{
		{"EUR", "USD", "1", "1.1252"},             // the published rate itself
		{"EUR", "USD", "100", "112.52"},           // trailing zeros dropped
		{"EUR", "EUR", "19.95", "19.95"},          // same currency: rate 1
		{"USD", "USD", "1", "1"},                  // same currency, not the euro
		{"GBP", "CHF", "1", "1.10923675829"},      // 0.9403 / 0.8477, 12 digits
		{"GBP", "CHF", "100", "110.923675829"},    // one rounding of the product, not 100 × the rounded rate
		{"USD", "IDR", "1e3", "16536251.3331"},    // 18606.59 / 1.1252 × 1000
		{"IDR", "JPY", "0.5", "0.00438984252354"}, // small values keep 12 significant digits
		{"EUR", "JPY", "999999999999999.9999999999", "163360000000000000"},
		// Large amounts keep the target's minor units where 12 significant
		// digits would drop them, as Convert does (Python's decimal module:
		// (a*to/from).quantize(Decimal(10)**-units, ROUND_HALF_EVEN)).
		{"IDR", "JPY", "999999999999999.999999", "8779685047072"},  // 8779685047072.032..., 12 digits: 8779685047070
		{"IDR", "USD", "999999999999999.999999", "60473197936.86"}, // 60473197936.860..., 12 digits: 60473197936.9
		{"EUR", "USD", "999999999999.99", "1125199999999.99"},      // 1125199999999.988748, 12 digits: 1125200000000
		{"GBP", "USD", "1e14", "132735637607644.21"},               // 132735637607644.2137..., 12 digits: 132735637608000
	}
	for _, tt := range tests {
		amount := mustAmount(t, tt.amount)
		got, err := tbl.Quote(tt.from, tt.to, &amount)
		if err != nil {
			t.Errorf("Quote(%s, %s, %s) error = %v", tt.from, tt.to, tt.amount, err)
			continue
		}
		if got.Text('f') != tt.want {
			t.Errorf("Quote(%s, %s, %s) = %s, want %s", tt.from, tt.to, tt.amount, got.Text('f'), tt.want)
		}
		// The hand-worked value agrees with the independent rounding.
		exact := new(big.Rat).Mul(decRat(t, &amount), exactRate(t, published, tt.from, tt.to))
		if ref := roundQuoteHalfEven(exact, currency.RateDigits, minorUnits(t, tt.to)); ref != tt.want {
			t.Errorf("reference rounding of %s %s in %s = %s, want %s", tt.amount, tt.from, tt.to, ref, tt.want)
		}
	}
}

// TestQuoteHalfEven uses rates whose quotients land exactly on a tie at the
// last digit kept, where half-even and half-up differ: the twelfth
// significant digit, or the target's minor unit when that keeps more (USD
// 2, JPY 0). Python's decimal module agrees on every row.
func TestQuoteHalfEven(t *testing.T) {
	tbl := tableOf(t, map[currency.Code]string{"USD": "1", "JPY": "1", "GBP": "2"})
	for _, tt := range []struct {
		to           currency.Code
		amount, want string
	}{
		{"USD", "2000000.00001", "1000000"},                   // 1000000.000005 → even at 12 digits
		{"USD", "2000000.00003", "1000000.00002"},             // 1000000.000015 → even at 12 digits
		{"USD", "200000000001", "100000000000.5"},             // exact at cents
		{"USD", "200000000000.01", "100000000000"},            // 100000000000.005 → even at cents
		{"USD", "200000000000.03", "100000000000.02"},         // 100000000000.015 → even at cents
		{"USD", "200000000000.0100000002", "100000000000.01"}, // just past the tie: up
		{"JPY", "2000000000001", "1000000000000"},             // 1000000000000.5 → even at yen
		{"JPY", "2000000000003", "1000000000002"},             // 1000000000001.5 → even at yen
		{"JPY", "20000000001", "10000000000.5"},               // 12 digits keep more than yen
	} {
		amount := mustAmount(t, tt.amount)
		got, err := tbl.Quote("GBP", tt.to, &amount)
		if err != nil {
			t.Fatalf("Quote(%s) error = %v", tt.amount, err)
		}
		if got.Text('f') != tt.want {
			t.Errorf("Quote(GBP, %s, %s) = %s, want %s", tt.to, tt.amount, got.Text('f'), tt.want)
		}
	}
}

// TestQuoteMatchesBigRat compares random quotes with exact fractions
// rounded by roundSignificantHalfEven.
func TestQuoteMatchesBigRat(t *testing.T) {
	tbl := tableOf(t, published)
	codes := []currency.Code{"EUR", "USD", "JPY", "GBP", "IDR", "ISK", "CHF", "KRW", "HUF"}
	rng := rand.New(rand.NewPCG(11, 1))
	for range 3000 {
		from, to := codes[rng.IntN(len(codes))], codes[rng.IntN(len(codes))]
		s := randomAmount(rng)
		amount := mustAmount(t, s)
		if amount.IsZero() {
			continue
		}
		got, err := tbl.Quote(from, to, &amount)
		if err != nil {
			t.Fatalf("Quote(%s, %s, %s) error = %v", from, to, s, err)
		}
		exact := new(big.Rat).Mul(decRat(t, &amount), exactRate(t, published, from, to))
		if want := roundQuoteHalfEven(exact, currency.RateDigits, minorUnits(t, to)); got.Text('f') != want {
			t.Fatalf("Quote(%s, %s, %s) = %s, want %s", from, to, s, got.Text('f'), want)
		}
	}
}

// TestQuoteOneIsCrossRate: with amount 1 a quote is the cross rate /rates
// shows.
func TestQuoteOneIsCrossRate(t *testing.T) {
	tbl := tableOf(t, published)
	one := apd.New(1, 0)
	for from := range published {
		for to := range published {
			q, err := tbl.Quote(from, to, one)
			if err != nil {
				t.Fatal(err)
			}
			cross, err := tbl.CrossRate(from, to)
			if err != nil {
				t.Fatal(err)
			}
			if q.Text('f') != cross.Text('f') {
				t.Errorf("Quote(%s, %s, 1) = %s, CrossRate = %s", from, to, q.Text('f'), cross.Text('f'))
			}
		}
	}
}

func TestQuoteErrors(t *testing.T) {
	tbl := tableOf(t, published)
	one := apd.New(1, 0)
	if _, err := tbl.Quote("EUR", "CYP", one); !errors.Is(err, currency.ErrNoRate) {
		t.Errorf("Quote(EUR, CYP) error = %v, want ErrNoRate", err)
	}
	if _, err := tbl.Quote("EUR", "USD", apd.New(-1, 0)); !errors.Is(err, currency.ErrAmountNegative) {
		t.Errorf("Quote(-1) error = %v, want ErrAmountNegative", err)
	}
	nan := apd.Decimal{Form: apd.NaN}
	if _, err := tbl.Quote("EUR", "USD", &nan); !errors.Is(err, currency.ErrAmountSyntax) {
		t.Errorf("Quote(NaN) error = %v, want ErrAmountSyntax", err)
	}
}
