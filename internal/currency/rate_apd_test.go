package currency_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/cockroachdb/apd/v3"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
)

// apdRate is how ParseRate read a rate before it had its own parser, kept
// as the reference it must agree with: apd's decimal syntax, a positive
// finite value, reduced, with at most 19 digits before the point, 18 after,
// and a coefficient inside int64. Its parser is not ours, so agreement on
// many inputs checks ours against an independent reading of decimals.
func apdRate(s string) (coef int64, exp int32, ok bool) {
	d, _, err := apd.NewFromString(s)
	if err != nil || d.Form != apd.Finite || d.Sign() <= 0 {
		return 0, 0, false
	}
	d.Reduce(d)
	if !d.Coeff.IsInt64() || d.Exponent < -18 || d.NumDigits()+int64(d.Exponent) > 19 {
		return 0, 0, false
	}
	return d.Coeff.Int64(), d.Exponent, true
}

// checkAgainstAPD fails when ParseRate and apdRate disagree on s: one
// accepts and the other refuses, or they read different values.
func checkAgainstAPD(t *testing.T, s string) {
	t.Helper()
	wantCoef, wantExp, wantOK := apdRate(s)
	r, err := currency.ParseRate(s)
	gotCoef, gotExp := r.Parts()
	switch {
	case wantOK && err != nil:
		t.Errorf("ParseRate(%.60q) error = %v, apd reads %de%d", s, err, wantCoef, wantExp)
	case !wantOK && err == nil:
		t.Errorf("ParseRate(%.60q) = %de%d, apd refuses it", s, gotCoef, gotExp)
	case wantOK && (gotCoef != wantCoef || gotExp != wantExp):
		t.Errorf("ParseRate(%.60q) = %de%d, apd reads %de%d", s, gotCoef, gotExp, wantCoef, wantExp)
	}
}

// Every combination of the parts of a decimal that sit near a rule: signs,
// leading and trailing zeros, the int64 and 19-digit limits, 18 decimals,
// exponents near the rate limits and apd's own, and malformed pieces.
func TestParseRateMatchesAPDCombinations(t *testing.T) {
	signs := []string{"", "+", "-", "++", "+-"}
	ints := []string{
		"", "0", "00", "1", "9", "10", "100", "0001", "1959200", "18606",
		"922337203685477580", "9223372036854775807", "9223372036854775808",
		"9999999999999999999", "10000000000000000000", "18446744073709551616",
		"1" + strings.Repeat("0", 18), "1" + strings.Repeat("0", 19), "x", "1_0", " 1",
	}
	points := []string{"", ".", ".."}
	fracs := []string{
		"", "0", "5", "50", "0001", "1252", "123456789012345678", "1234567890123456789",
		strings.Repeat("0", 17) + "1", strings.Repeat("0", 18) + "1", strings.Repeat("0", 30), "5 ",
	}
	exps := []string{
		"", "e", "E", "e0", "e+0", "e-0", "e1", "E+1", "e-1", "e2", "e-2", "e18", "e19", "e-18", "e-19",
		"e400", "e-400", "e100000", "e-100000", "e100001", "e-100001", "e2147483647", "e2147483648",
		"e" + strings.Repeat("0", 25) + "3", "e+", "e--1", "e1.5", "e1e1", "e 1", "ee1",
	}
	n := 0
	for _, sign := range signs {
		for _, i := range ints {
			for _, p := range points {
				for _, f := range fracs {
					for _, e := range exps {
						checkAgainstAPD(t, sign+i+p+f+e)
						n++
					}
				}
			}
		}
	}
	t.Logf("%d inputs", n)
}

// Inputs at apd's limit of 100000 on the exponent, on the digits after the
// point and on the adjusted exponent, where the value may be a fine rate
// that apd still refuses; and the words apd reads as no number. Leading
// zeros after the point keep the coefficient small, so apd answers fast.
func TestParseRateMatchesAPDExtremes(t *testing.T) {
	zeros := func(n int) string { return strings.Repeat("0", n) }
	inputs := []string{
		"0." + zeros(99998) + "15e99999",  // 100000 decimals: 1.5
		"0." + zeros(99999) + "15e100000", // 100001 decimals: refused
		"0." + zeros(99998) + "15e100000", // exponent 100000: 15
		"0." + zeros(99999) + "1e100001",  // exponent 100001: 10, refused
		"1" + zeros(100001) + "e-100001",  // exponent -100001: 1, refused
		"1." + zeros(100001),              // 100001 decimals: 1, refused
		zeros(200000) + "1.5",
		"0." + zeros(99999) + "1",
		"NaN", "nan", "sNaN", "nan1", "Inf", "inf", "Infinity", "-Infinity", "+inf",
		"İnf", "1İ", "1\u212a", "1\xff", "1e\xff", "\xef\xbc\x91", // the last is a full-width 1
	}
	// apd needs seconds to reduce a coefficient with 100000 trailing zeros.
	if !testing.Short() {
		inputs = append(inputs, "1"+zeros(100000)+"e-100000") // exponent -100000: 1
	}
	for _, s := range inputs {
		checkAgainstAPD(t, s)
	}
}

// Random strings over the characters a decimal is made of, from a fixed
// seed so a failure reproduces.
func TestParseRateMatchesAPDRandom(t *testing.T) {
	const alphabet = "0000011112223456789..eE+-"
	rng := rand.New(rand.NewPCG(10, 2025))
	var b strings.Builder
	for range 200_000 {
		b.Reset()
		for range 1 + rng.IntN(24) {
			b.WriteByte(alphabet[rng.IntN(len(alphabet))])
		}
		checkAgainstAPD(t, b.String())
	}
}

// The ECB's published rates themselves have shapes like these; the fuzzer
// goes on from them (make fuzz-smoke runs it within a budget).
func FuzzParseRateMatchesAPD(f *testing.F) {
	for _, s := range []string{"1.1252", "18606.59", "0.0001", "1959200", "1.10", "0000.5000", "1e-18", "9223372036854775807", "1e19", "-1", ".5", "5.", "+1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkAgainstAPD(t, s)
	})
}
