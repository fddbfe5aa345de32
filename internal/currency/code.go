// Package currency is the domain of the service: currency codes, amounts,
// euro reference rates by publication date, and conversion between them.
// It knows nothing about HTTP or about where the rates come from.
package currency

import (
	"errors"
	"fmt"

	iso4217 "github.com/bojanz/currency"
)

// Code is an upper-case ISO 4217 alphabetic currency code.
type Code string

// EUR is the base of every ECB reference rate.
const EUR Code = "EUR"

// Currency describes one currency the service can convert.
type Currency struct {
	Code       Code
	Name       string
	MinorUnits int // ISO 4217 minor units: the decimal places of converted amounts
}

// Errors returned when a currency code is not usable.
var (
	ErrMalformedCode   = errors.New("not a three-letter currency code")
	ErrUnknownCode     = errors.New("not an ISO 4217 currency code")
	ErrUnsupportedCode = errors.New("not published by the ECB")
)

// catalog lists every currency the ECB has published a euro reference rate
// for since 1999, plus the euro itself. Neither ISO 4217 data library in Go
// carries English names, so the names are the ECB's own; minor units come
// from ISO 4217 (see MinorUnits).
var catalog = []struct {
	code Code
	name string
}{
	{"AUD", "Australian dollar"},
	{"BGN", "Bulgarian lev"},
	{"BRL", "Brazilian real"},
	{"CAD", "Canadian dollar"},
	{"CHF", "Swiss franc"},
	{"CNY", "Chinese yuan renminbi"},
	{"CYP", "Cyprus pound"},
	{"CZK", "Czech koruna"},
	{"DKK", "Danish krone"},
	{"EEK", "Estonian kroon"},
	{"EUR", "Euro"},
	{"GBP", "Pound sterling"},
	{"HKD", "Hong Kong dollar"},
	{"HRK", "Croatian kuna"},
	{"HUF", "Hungarian forint"},
	{"IDR", "Indonesian rupiah"},
	{"ILS", "Israeli shekel"},
	{"INR", "Indian rupee"},
	{"ISK", "Icelandic krona"},
	{"JPY", "Japanese yen"},
	{"KRW", "South Korean won"},
	{"LTL", "Lithuanian litas"},
	{"LVL", "Latvian lats"},
	{"MTL", "Maltese lira"},
	{"MXN", "Mexican peso"},
	{"MYR", "Malaysian ringgit"},
	{"NOK", "Norwegian krone"},
	{"NZD", "New Zealand dollar"},
	{"PHP", "Philippine peso"},
	{"PLN", "Polish zloty"},
	{"ROL", "Romanian leu (old)"},
	{"RON", "Romanian leu"},
	{"RUB", "Russian rouble"},
	{"SEK", "Swedish krona"},
	{"SGD", "Singapore dollar"},
	{"SIT", "Slovenian tolar"},
	{"SKK", "Slovak koruna"},
	{"THB", "Thai baht"},
	{"TRL", "Turkish lira (old)"},
	{"TRY", "Turkish lira"},
	{"USD", "US dollar"},
	{"ZAR", "South African rand"},
}

// withdrawnMinorUnits holds ISO 4217 list A.3 (historic denominations) for
// the ECB currencies that were replaced after 1999, since current ISO 4217
// data no longer lists them.
var withdrawnMinorUnits = map[Code]int{
	"BGN": 2, "CYP": 2, "EEK": 2, "HRK": 2, "LTL": 2, "LVL": 2,
	"MTL": 2, "ROL": 2, "SIT": 2, "SKK": 2, "TRL": 0,
}

// index maps each supported code to its position in catalog; tables store
// rates in that order.
var index = func() map[Code]int {
	m := make(map[Code]int, len(catalog))
	for i, c := range catalog {
		m[c.code] = i
	}
	return m
}()

// ParseCode reads a currency code case-insensitively and checks that the
// service supports it. The error says whether the code is malformed, not an
// ISO 4217 code at all, or an ISO code without ECB rates.
func ParseCode(s string) (Code, error) {
	if len(s) != 3 {
		return "", ErrMalformedCode
	}
	var b [3]byte
	for i := range 3 {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z':
		case 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		default:
			return "", ErrMalformedCode
		}
		b[i] = c
	}
	code := Code(b[:])
	if _, ok := index[code]; ok {
		return code, nil
	}
	if iso4217.IsValid(string(code)) {
		return code, fmt.Errorf("%s is %w", code, ErrUnsupportedCode)
	}
	return code, fmt.Errorf("%s is %w", code, ErrUnknownCode)
}

// WellFormedCode reports whether s is a code as the rate sources write one:
// exactly three upper-case ASCII letters. Unlike ParseCode it neither folds
// case nor checks that the service supports the code, since a feed may
// carry currencies the service leaves out.
func WellFormedCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := range 3 {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// MinorUnits returns the ISO 4217 minor units of any current or withdrawn
// code, so rounding works for currencies the ECB does not publish (KWD: 3).
func MinorUnits(code Code) (int, bool) {
	if d, ok := iso4217.GetDigits(string(code)); ok {
		return int(d), true
	}
	d, ok := withdrawnMinorUnits[code]
	return d, ok
}

// Currencies returns every supported currency, sorted by code.
func Currencies() []Currency {
	out := make([]Currency, 0, len(catalog))
	for _, c := range catalog {
		units, _ := MinorUnits(c.code)
		out = append(out, Currency{Code: c.code, Name: c.name, MinorUnits: units})
	}
	return out
}

// Supported reports whether the service has a rate series for code.
func Supported(code Code) bool {
	_, ok := index[code]
	return ok
}
