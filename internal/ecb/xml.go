package ecb

import (
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"slices"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
)

// The namespaces of the ECB's XML feeds.
const (
	gesmesNS    = "http://www.gesmes.org/xml/2002-08-01"
	eurofxrefNS = "http://www.ecb.int/vocabulary/2002-08-01/eurofxref"
)

// Parse reads an ECB reference rate feed (daily, 90-day or full history):
//
//	<gesmes:Envelope ...>
//	  <Cube>
//	    <Cube time="2025-05-09">
//	      <Cube currency="USD" rate="1.1252"/> ...
//
// It returns the days oldest first, each with Source "ecb" and every
// well-formed currency code, supported by the service or not. Anything
// unexpected is an error, never a partial result: malformed or truncated
// XML, another root element or namespace, a bad date, code or rate, a
// duplicate date or currency (ErrFormat), and a day or a document without
// rates (ErrNoRates).
func Parse(r io.Reader) ([]currency.Day, error) {
	dec := xml.NewDecoder(r)
	var (
		days  []currency.Day
		day   *currency.Day
		depth int // of the element being read; the Envelope is 1
	)
	seen := make(map[currency.Date]bool)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrFormat, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case depth == 1:
				if t.Name != (xml.Name{Space: gesmesNS, Local: "Envelope"}) {
					return nil, fmt.Errorf("%w: root element is %s, want gesmes:Envelope", ErrFormat, describe(t.Name))
				}
			case t.Name.Local != "Cube":
				if depth > 2 {
					return nil, fmt.Errorf("%w: unexpected %s inside Cube", ErrFormat, describe(t.Name))
				}
				// gesmes:subject and gesmes:Sender carry no rates.
				if err := dec.Skip(); err != nil {
					return nil, fmt.Errorf("%w: %w", ErrFormat, err)
				}
				depth--
			case t.Name.Space != eurofxrefNS:
				return nil, fmt.Errorf("%w: Cube in namespace %q, want %q", ErrFormat, t.Name.Space, eurofxrefNS)
			case depth == 3:
				d, err := currency.ParseDate(attr(t, "time"))
				if err != nil {
					return nil, fmt.Errorf("%w: Cube time %q: %w", ErrFormat, attr(t, "time"), err)
				}
				if seen[d] {
					return nil, fmt.Errorf("%w: %s appears twice", ErrFormat, d)
				}
				seen[d] = true
				day = &currency.Day{Date: d, Source: sourceName, Rates: make(map[currency.Code]currency.Rate)}
			case depth == 4:
				if err := addRate(day, attr(t, "currency"), attr(t, "rate")); err != nil {
					return nil, err
				}
			case depth > 4:
				return nil, fmt.Errorf("%w: Cube nested too deep", ErrFormat)
			}
		case xml.EndElement:
			if depth == 3 {
				if len(day.Rates) == 0 {
					return nil, fmt.Errorf("%s: %w", day.Date, ErrNoRates)
				}
				days = append(days, *day)
			}
			depth--
		}
	}
	if len(days) == 0 {
		return nil, fmt.Errorf("%w in the document", ErrNoRates)
	}
	slices.SortFunc(days, byDate)
	return days, nil
}

// addRate adds one currency's rate to day.
func addRate(day *currency.Day, code, rate string) error {
	if !currency.WellFormedCode(code) {
		return fmt.Errorf("%w: %s: currency %q is not three upper-case letters", ErrFormat, day.Date, code)
	}
	c := currency.Code(code)
	if _, dup := day.Rates[c]; dup {
		return fmt.Errorf("%w: %s: %s appears twice", ErrFormat, day.Date, code)
	}
	r, err := currency.ParseRate(rate)
	if err != nil {
		return fmt.Errorf("%w: %s: %s: %w", ErrFormat, day.Date, code, err)
	}
	day.Rates[c] = r
	return nil
}

// attr returns the value of the unqualified attribute name, or "".
func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name == (xml.Name{Local: name}) {
			return a.Value
		}
	}
	return ""
}

// describe names an element for an error message.
func describe(n xml.Name) string {
	if n.Space == "" {
		return "<" + n.Local + ">"
	}
	return fmt.Sprintf("<%s> in namespace %q", n.Local, n.Space)
}

// byDate orders days oldest first.
func byDate(a, b currency.Day) int { return cmp.Compare(a.Date, b.Date) }
