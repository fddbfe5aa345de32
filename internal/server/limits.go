package server

// maxSeriesValues bounds one time-series answer (ours and Frankfurter's
// ranges): publications × currencies. 100,000 values is every publication
// since 1999 of 14 currencies, or every currency for about twelve years: a
// body of a few MB, computed in a fraction of a second, so an uncached
// request cannot tie a task up. Larger asks get a 400 that says how to
// split them.
const maxSeriesValues = 100_000
