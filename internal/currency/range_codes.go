package currency

// Has reports whether t has a rate for code; the euro always has one. It is
// the cheap form of Rate for a caller that only needs to know, over many
// tables: Rate builds an error message for every missing rate.
func (t Table) Has(code Code) bool {
	if code == EUR {
		return true
	}
	i, ok := index[code]
	return ok && !t.rates[i].IsZero()
}

// Codes returns the currencies with a rate on at least one publication of r,
// the euro included, in code order; none when r is empty. A currency's span
// cannot tell this: ISK spans 1999 to today with no rate from 2008 to 2018.
func (r Range) Codes() []Code {
	if r.Len() == 0 {
		return nil
	}
	seen := make([]bool, len(catalog))
	for j := r.lo; j < r.hi; j++ {
		for c, rate := range r.history.row(j) {
			if !rate.IsZero() {
				seen[c] = true
			}
		}
	}
	out := []Code{}
	for i, c := range catalog {
		if seen[i] || c.code == EUR {
			out = append(out, c.code)
		}
	}
	return out
}
