package currency_test

import (
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/cockroachdb/apd/v3"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
)

// published is an ECB-like publication; the expected values in the tests
// below were worked out from these strings by hand and with exact fractions.
var published = map[currency.Code]string{
	"USD": "1.1252",
	"JPY": "163.36",
	"GBP": "0.8477",
	"IDR": "18606.59", // the largest current rate
	"ISK": "142.10",
	"CHF": "0.9403",
	"KRW": "1568.22",
	"HUF": "403.35",
}

// ties has rates chosen so that conversions land exactly on half a minor
// unit, where half-up, half-even and truncation all differ.
var ties = map[currency.Code]string{
	"USD": "1.5",
	"JPY": "1.5",
	"GBP": "0.8",
	"CHF": "1.6",
	"ISK": "2.5",
}

// extreme has the largest and smallest rates ParseRate accepts, to prove
// that Convert stays exact at the edges of its inputs.
var extreme = map[currency.Code]string{
	"USD": "9223372036854775807",
	"JPY": "0.000000000000000001",
	"GBP": "1234567890.123456789",
	"IDR": "0.123456789012345678",
	"KRW": "999999999999999999",
	"CHF": "1",
}

// tableOf returns the table of a single publication of rates.
func tableOf(t *testing.T, rates map[currency.Code]string) currency.Table {
	t.Helper()
	h := newHistory(t, day(t, "2025-06-02", "test", rates))
	return tableOn(t, h, "2025-06-02")
}

// mustAmount parses an amount or fails the test.
func mustAmount(t *testing.T, s string) apd.Decimal {
	t.Helper()
	d, err := currency.ParseAmount(s)
	if err != nil {
		t.Fatalf("ParseAmount(%q) error = %v", s, err)
	}
	return d
}

// rat reads a plain decimal string exactly.
func rat(t *testing.T, s string) *big.Rat {
	t.Helper()
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		t.Fatalf("big.Rat SetString(%q) failed", s)
	}
	return r
}

// roundHalfUp formats a non-negative x with places decimals, rounding half
// up, using only integer arithmetic: ⌊(2·num·10^places + den) ÷ 2·den⌋.
func roundHalfUp(x *big.Rat, places int) string {
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(places)), nil)
	num := new(big.Int).Mul(x.Num(), scale)
	num.Mul(num, big.NewInt(2))
	num.Add(num, x.Denom())
	den := new(big.Int).Mul(x.Denom(), big.NewInt(2))
	s := new(big.Int).Quo(num, den).String()
	if places == 0 {
		return s
	}
	if len(s) <= places {
		s = strings.Repeat("0", places-len(s)+1) + s
	}
	return s[:len(s)-places] + "." + s[len(s)-places:]
}

// exactRate is to-per-EUR ÷ from-per-EUR as an exact fraction.
func exactRate(t *testing.T, rates map[currency.Code]string, from, to currency.Code) *big.Rat {
	t.Helper()
	get := func(c currency.Code) *big.Rat {
		if c == currency.EUR {
			return big.NewRat(1, 1)
		}
		return rat(t, rates[c])
	}
	return new(big.Rat).Quo(get(to), get(from))
}

// decRat converts an apd decimal to an exact fraction through its plain text.
func decRat(t *testing.T, d *apd.Decimal) *big.Rat {
	t.Helper()
	return rat(t, d.Text('f'))
}

// relDiff returns |a − b| ÷ |b|.
func relDiff(a, b *big.Rat) *big.Rat {
	d := new(big.Rat).Sub(a, b)
	d.Abs(d)
	return d.Quo(d, new(big.Rat).Abs(b))
}

func TestConvert(t *testing.T) {
	tests := []struct {
		name      string
		rates     map[currency.Code]string
		from, to  currency.Code
		amount    string
		converted string
		rate      string
	}{
		{"from EUR", published, "EUR", "USD", "100", "112.52", "1.1252"},
		{"to EUR", published, "USD", "EUR", "100", "88.87", "0.888730892286"},        // 88.8730892...
		{"to zero places", published, "USD", "JPY", "100", "14518", "145.183078564"}, // 14518.3078...
		{"cross", published, "USD", "GBP", "100", "75.34", "0.753377177391"},         // 75.3377...
		{"cross back", published, "GBP", "USD", "100", "132.74", "1.32735637608"},    // 132.7356...
		{"from zero places", published, "JPY", "IDR", "1", "113.90", "113.899302155"},
		{"to ISK", published, "GBP", "ISK", "250", "41908", "167.630057803"}, // 41907.514...
		{"to KRW", published, "CHF", "KRW", "1234.56", "2058983", "1667.78687653"},
		{"HUF to JPY", published, "HUF", "JPY", "5000", "2025", "0.405008057518"},
		{"ISK to USD", published, "ISK", "USD", "10000", "79.18", "0.00791836734694"},
		{"KRW to HUF", published, "KRW", "HUF", "1", "0.26", "0.257202433332"},
		{"rate with a trailing zero dropped", published, "GBP", "JPY", "19.99", "3852", "192.70968503"},
		{"EUR to ISK half below", published, "EUR", "ISK", "0.5", "71", "142.1"}, // 71.05

		{"same currency", published, "EUR", "EUR", "12.345", "12.35", "1"},
		{"same currency tie", published, "USD", "USD", "0.005", "0.01", "1"},
		{"same currency zero places", published, "JPY", "JPY", "0.5", "1", "1"},
		{"same currency zero places below", published, "JPY", "JPY", "1234.4999", "1234", "1"},
		{"same currency keeps places", published, "GBP", "GBP", "7", "7.00", "1"},
		{"same currency without a rate", map[currency.Code]string{"USD": "1.5"}, "EUR", "EUR", "1", "1.00", "1"},

		{"zero", published, "EUR", "USD", "0", "0.00", "1.1252"},
		{"zero to zero places", published, "USD", "JPY", "0", "0", "145.183078564"},
		{"zero with places", published, "USD", "GBP", "0.0000000000", "0.00", "0.753377177391"},
		{"tiny", published, "EUR", "USD", "0.0000000001", "0.00", "1.1252"},
		{"tiny up", published, "USD", "IDR", "0.0000000001", "0.00", "16536.2513331"},
		{"tiny down", published, "IDR", "EUR", "0.0000000001", "0.00", "0.0000537443991618"},
		{"below half a cent", published, "EUR", "USD", "0.004", "0.00", "1.1252"},       // 0.0045008
		{"above half a cent", published, "EUR", "USD", "0.0045", "0.01", "1.1252"},      // 0.0050634
		{"tiny cross rate", published, "IDR", "GBP", "1", "0.00", "0.0000455591271695"}, // 12 digits

		{"largest amount", published, "EUR", "IDR", "999999999999999.9999999999", "18606590000000000000.00", "18606.59"},
		{"largest amount down", published, "IDR", "GBP", "999999999999999.9999999999", "45559127169.46", "0.0000455591271695"},

		// Half-up at exactly half a minor unit, where half-even would
		// round the other way in the cases marked.
		{"tie multiply", ties, "EUR", "USD", "0.01", "0.02", "1.5"},                   // 0.015
		{"tie multiply, odd", ties, "EUR", "USD", "0.03", "0.05", "1.5"},              // 0.045; half-even 0.04
		{"just below tie", ties, "EUR", "USD", "0.0299999999", "0.04", "1.5"},         // 0.04499999985
		{"just above tie", ties, "EUR", "USD", "0.0300000001", "0.05", "1.5"},         // 0.04500000015
		{"tie zero places", ties, "EUR", "JPY", "1", "2", "1.5"},                      // 1.5
		{"tie zero places, even", ties, "EUR", "JPY", "3", "5", "1.5"},                // 4.5; half-even 4
		{"below tie zero places", ties, "EUR", "JPY", "2.9999999999", "4", "1.5"},     // 4.49999999985
		{"tie divide", ties, "CHF", "EUR", "0.04", "0.03", "0.625"},                   // 0.025; half-even 0.02
		{"tie cross", ties, "CHF", "GBP", "0.05", "0.03", "0.5"},                      // 0.025; half-even 0.02
		{"tie cross zero places", ties, "CHF", "JPY", "4.8", "5", "0.9375"},           // 4.5; half-even 4
		{"tie ISK", ties, "EUR", "ISK", "1", "3", "2.5"},                              // 2.5; half-even 2
		{"below tie ISK", ties, "EUR", "ISK", "0.5", "1", "2.5"},                      // 1.25
		{"tie repeating cross rate", ties, "USD", "ISK", "2.7", "5", "1.66666666667"}, // 4.5 exactly
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tbl := tableOf(t, tt.rates)
			amount := mustAmount(t, tt.amount)
			c, err := tbl.Convert(tt.from, tt.to, amount)
			if err != nil {
				t.Fatalf("Convert(%s, %s, %s) error = %v", tt.from, tt.to, tt.amount, err)
			}
			if got, want := c.Converted.Text('f'), tt.converted; got != want {
				t.Errorf("Convert(%s, %s, %s).Converted = %s, want %s", tt.from, tt.to, tt.amount, got, want)
			}
			if got, want := c.Rate.Text('f'), tt.rate; got != want {
				t.Errorf("Convert(%s, %s, %s).Rate = %s, want %s", tt.from, tt.to, tt.amount, got, want)
			}
			if got, want := c.From, tt.from; got != want {
				t.Errorf("From = %s, want %s", got, want)
			}
			if got, want := c.To, tt.to; got != want {
				t.Errorf("To = %s, want %s", got, want)
			}
			if got, want := c.Amount.Text('f'), amount.Text('f'); got != want {
				t.Errorf("Amount = %s, want %s", got, want)
			}
			if got, want := c.Date, tbl.Date; got != want {
				t.Errorf("Date = %s, want %s", got, want)
			}
			// The hand-worked answer agrees with the independent one.
			want := new(big.Rat).Mul(rat(t, tt.amount), exactRate(t, tt.rates, tt.from, tt.to))
			units, _ := currency.MinorUnits(tt.to)
			if got := roundHalfUp(want, units); got != tt.converted {
				t.Errorf("test data: big.Rat gives %s, table says %s", got, tt.converted)
			}
		})
	}
}

func TestConvertDoesNotChangeAmount(t *testing.T) {
	tbl := tableOf(t, published)
	amount := mustAmount(t, "1234.5678")
	if _, err := tbl.Convert("USD", "JPY", amount); err != nil {
		t.Fatalf("Convert error = %v", err)
	}
	if got, want := amount.Text('f'), "1234.5678"; got != want {
		t.Errorf("amount after Convert = %s, want %s", got, want)
	}
}

func TestConvertErrors(t *testing.T) {
	tbl := tableOf(t, published)
	tests := []struct {
		from, to currency.Code
		missing  currency.Code
	}{
		{"KWD", "USD", "KWD"},
		{"USD", "KWD", "KWD"},
		{"BHD", "EUR", "BHD"},
		{"EUR", "CYP", "CYP"}, // supported, but not on this date
		{"CYP", "JPY", "CYP"},
		{"ABC", "EUR", "ABC"},
	}
	for _, tt := range tests {
		_, err := tbl.Convert(tt.from, tt.to, mustAmount(t, "1"))
		if !errors.Is(err, currency.ErrNoRate) {
			t.Errorf("Convert(%s, %s) error = %v, want %v", tt.from, tt.to, err, currency.ErrNoRate)
			continue
		}
		if !strings.Contains(err.Error(), string(tt.missing)) {
			t.Errorf("Convert(%s, %s) error = %q, want it to name %s", tt.from, tt.to, err, tt.missing)
		}
		if _, err := tbl.CrossRate(tt.from, tt.to); !errors.Is(err, currency.ErrNoRate) {
			t.Errorf("CrossRate(%s, %s) error = %v, want %v", tt.from, tt.to, err, currency.ErrNoRate)
		}
	}
}

// Convert refuses what ParseAmount would: the money path never rounds a
// negative or non-finite amount, whoever calls it.
func TestConvertRefusesBadAmounts(t *testing.T) {
	tbl := tableOf(t, published)
	for s, want := range map[string]error{"-0.015": currency.ErrAmountNegative, "NaN": currency.ErrAmountSyntax, "Infinity": currency.ErrAmountSyntax} {
		var amount apd.Decimal
		if _, _, err := amount.SetString(s); err != nil {
			t.Fatal(err)
		}
		if _, err := tbl.Convert("EUR", "USD", amount); !errors.Is(err, want) {
			t.Errorf("Convert(%s) error = %v, want %v", s, err, want)
		}
	}
}

// TestConvertLargestAmounts converts the largest amount ParseAmount accepts
// between every pair of the fixtures, including the extreme rates, and checks
// every digit against math/big.
func TestConvertLargestAmounts(t *testing.T) {
	for _, amount := range []string{"999999999999999.9999999999", "999999999999999", "0.0000000001", "123456789012345.6789012345"} {
		for name, rates := range map[string]map[currency.Code]string{"published": published, "extreme": extreme} {
			tbl := tableOf(t, rates)
			codes := tbl.Codes()
			for _, from := range codes {
				for _, to := range codes {
					c, err := tbl.Convert(from, to, mustAmount(t, amount))
					if err != nil {
						t.Errorf("%s: Convert(%s, %s, %s) error = %v", name, from, to, amount, err)
						continue
					}
					units, _ := currency.MinorUnits(to)
					want := roundHalfUp(new(big.Rat).Mul(rat(t, amount), exactRate(t, rates, from, to)), units)
					if got := c.Converted.Text('f'); got != want {
						t.Errorf("%s: Convert(%s, %s, %s) = %s, want %s", name, from, to, amount, got, want)
					}
				}
			}
		}
	}
}

// TestConvertMatchesBigRat is the exactness proof: over many random amounts
// and currency pairs, Convert agrees digit for digit with an independent
// computation in math/big, rounded half-up to the target's minor units.
func TestConvertMatchesBigRat(t *testing.T) {
	rng := rand.New(rand.NewPCG(20250602, 1103))
	fixtures := []map[currency.Code]string{published, ties, extreme}
	tables := make([]currency.Table, len(fixtures))
	for i, rates := range fixtures {
		tables[i] = tableOf(t, rates)
	}
	onTie := 0
	for range 20000 {
		i := rng.IntN(len(fixtures))
		rates, tbl := fixtures[i], tables[i]
		codes := tbl.Codes()
		from, to := codes[rng.IntN(len(codes))], codes[rng.IntN(len(codes))]
		amount := randomAmount(rng)

		c, err := tbl.Convert(from, to, mustAmount(t, amount))
		if err != nil {
			t.Fatalf("Convert(%s, %s, %s) error = %v", from, to, amount, err)
		}
		units, _ := currency.MinorUnits(to)
		exact := new(big.Rat).Mul(rat(t, amount), exactRate(t, rates, from, to))
		if got, want := c.Converted.Text('f'), roundHalfUp(exact, units); got != want {
			t.Fatalf("Convert(%s, %s, %s) = %s, want %s (exact %s)", from, to, amount, got, want, exact.FloatString(units+6))
		}
		if got, want := c.Converted.Exponent, int32(-units); got != want {
			t.Errorf("Convert(%s, %s, %s) exponent = %d, want %d", from, to, amount, got, want)
		}
		// Count exact ties so the test proves it reached them.
		scaled := new(big.Rat).Mul(exact, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(units)), nil)))
		scaled.Sub(scaled, new(big.Rat).SetFrac(new(big.Int).Quo(scaled.Num(), scaled.Denom()), big.NewInt(1)))
		if scaled.Cmp(big.NewRat(1, 2)) == 0 {
			onTie++
		}
	}
	if onTie < 100 {
		t.Errorf("only %d random conversions landed on a tie; the test does not exercise rounding", onTie)
	}
}

// randomAmount returns a valid amount with 0 to 15 integer digits and 0 to
// 10 decimals, biased towards few decimals so that ties are common.
func randomAmount(rng *rand.Rand) string {
	digits := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + rng.IntN(10))
		}
		return string(b)
	}
	s := digits(1 + rng.IntN(currency.MaxAmountIntegerDigits))
	switch rng.IntN(3) {
	case 0:
		// no fraction
	case 1:
		s += "." + digits(1+rng.IntN(3))
	default:
		s += "." + digits(1+rng.IntN(currency.MaxAmountDecimalPlaces))
	}
	return s
}

// TestCrossRate checks the displayed rate against the exact quotient for
// every pair: at most RateDigits significant digits, correctly rounded, and
// never fewer than six significant digits unless the quotient is exact.
func TestCrossRate(t *testing.T) {
	for _, fx := range []struct {
		rates map[currency.Code]string
		// realistic rates have few digits, so their quotients never
		// round to a power of ten; 18 nines do, correctly.
		realistic bool
	}{{published, true}, {ties, true}, {extreme, false}} {
		rates := fx.rates
		tbl := tableOf(t, rates)
		for _, from := range tbl.Codes() {
			for _, to := range tbl.Codes() {
				r, err := tbl.CrossRate(from, to)
				if err != nil {
					t.Errorf("CrossRate(%s, %s) error = %v", from, to, err)
					continue
				}
				exact := exactRate(t, rates, from, to)
				got := decRat(t, &r)
				digits := r.NumDigits()
				if digits > currency.RateDigits {
					t.Errorf("CrossRate(%s, %s) = %s has %d digits, want at most %d", from, to, r.Text('f'), digits, currency.RateDigits)
				}
				// Half a unit in the 12th significant digit is at most 5e-12 relative.
				if d := relDiff(got, exact); d.Cmp(big.NewRat(5, 1e12)) > 0 {
					t.Errorf("CrossRate(%s, %s) = %s, relative error %s over 5e-12", from, to, r.Text('f'), d.FloatString(15))
				}
				if fx.realistic && got.Cmp(exact) != 0 && digits < 6 {
					t.Errorf("CrossRate(%s, %s) = %s has only %d significant digits", from, to, r.Text('f'), digits)
				}
			}
		}
	}
}

func TestCrossRateTiny(t *testing.T) {
	tbl := tableOf(t, published)
	r, err := tbl.CrossRate("IDR", "GBP")
	if err != nil {
		t.Fatalf("CrossRate(IDR, GBP) error = %v", err)
	}
	if got, want := r.Text('f'), "0.0000455591271695"; got != want {
		t.Errorf("CrossRate(IDR, GBP) = %s, want %s", got, want)
	}
	if got, want := r.NumDigits(), int64(currency.RateDigits); got != want {
		t.Errorf("CrossRate(IDR, GBP) has %d significant digits, want %d", got, want)
	}
}

func TestCrossRateIdentities(t *testing.T) {
	tbl := tableOf(t, published)
	one := big.NewRat(1, 1)
	cross := func(from, to currency.Code) *big.Rat {
		t.Helper()
		r, err := tbl.CrossRate(from, to)
		if err != nil {
			t.Fatalf("CrossRate(%s, %s) error = %v", from, to, err)
		}
		return decRat(t, &r)
	}
	codes := tbl.Codes()
	for _, a := range codes {
		// The euro's rates are the published ones, to the digit.
		r, err := tbl.CrossRate(currency.EUR, a)
		if err != nil {
			t.Fatalf("CrossRate(EUR, %s) error = %v", a, err)
		}
		if got, want := r.Text('f'), rateString(t, tbl, a); got != want {
			t.Errorf("CrossRate(EUR, %s) = %s, want the published %s", a, got, want)
		}
		if got := cross(a, a); got.Cmp(one) != 0 {
			t.Errorf("CrossRate(%s, %s) = %s, want 1", a, a, got.FloatString(12))
		}
		for _, b := range codes {
			// Two roundings of at most 5e-12 each.
			product := new(big.Rat).Mul(cross(a, b), cross(b, a))
			if d := relDiff(product, one); d.Cmp(big.NewRat(1, 1e11)) > 0 {
				t.Errorf("CrossRate(%s, %s) × CrossRate(%s, %s) = %s, off 1 by %s", a, b, b, a, product.FloatString(15), d.FloatString(15))
			}
			for _, c := range codes {
				// Three roundings.
				chained := new(big.Rat).Mul(cross(a, b), cross(b, c))
				if d := relDiff(chained, cross(a, c)); d.Cmp(big.NewRat(15, 1e12)) > 0 {
					t.Errorf("CrossRate(%s, %s) × CrossRate(%s, %s) differs from CrossRate(%s, %s) by %s relative", a, b, b, c, a, c, d.FloatString(15))
				}
			}
		}
	}
}

func ExampleTable_Convert() {
	h, _ := currency.NewHistory([]currency.Day{{
		Date:  currency.NewDate(2025, 6, 2),
		Rates: map[currency.Code]currency.Rate{"USD": mustParseRate("1.1252"), "JPY": mustParseRate("163.36")},
	}})
	tbl, _ := h.On(currency.NewDate(2025, 6, 2))
	amount, _ := currency.ParseAmount("100")
	c, _ := tbl.Convert("USD", "JPY", amount)
	fmt.Println(c.Converted.Text('f'), c.Rate.Text('f'))
	// Output: 14518 145.183078564
}

func mustParseRate(s string) currency.Rate {
	r, err := currency.ParseRate(s)
	if err != nil {
		panic(err)
	}
	return r
}
