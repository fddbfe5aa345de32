// Package frankfurter reads euro reference rates from Frankfurter
// (https://frankfurter.dev), an open-source JSON API over the European
// Central Bank's reference rates, which the seed application used as its
// upstream. The data is the ECB's: free to reuse with the ECB acknowledged
// as the source.
//
// Frankfurter does not pass the ECB's figures on exactly: it rounds each
// rate into a band by magnitude, so IDR 18606.59 arrives as 18607 and INR
// 96.0755 as 96.08 (2025-05-09). Its days are therefore second-best, and the
// history keeps them only where it holds nothing: currency.History.Merge
// never replaces a publication it holds, so a Frankfurter day fills a gap
// (a date the embedded snapshot or the ECB did not supply) and never
// overwrites the exact rates of a day already held; once held, a
// Frankfurter day is likewise never replaced by a later delivery.
package frankfurter

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
)

// DefaultURL is the base of Frankfurter's v1 API.
const DefaultURL = "https://api.frankfurter.dev/v1"

// MaxBytes caps a response body, after any gzip transfer encoding is undone.
// A time series since 1999 is about 4 MiB; a body beyond the cap is refused
// with ErrTooLarge after reading one byte more than it.
const MaxBytes = 8 << 20 // 8 MiB

// Errors returned by Fetch, wrapped with context.
var (
	ErrStatus   = errors.New("unexpected HTTP status")         // the upstream answered other than 200 OK
	ErrTooLarge = errors.New("response body too large")        // the body exceeded its cap
	ErrFormat   = errors.New("malformed Frankfurter response") // the body is not what the upstream should send
	ErrNoRates  = errors.New("no rates")                       // a day, or the whole response, has no rates
)

// sourceName labels the days fetched from Frankfurter.
const sourceName = "frankfurter"

// snippetBytes bounds how much of an error response goes into the error.
const snippetBytes = 200

// Client fetches reference rates from the Frankfurter API.
type Client struct {
	baseURL string
	hc      *http.Client
	now     func() time.Time
}

// New returns a client for the API at baseURL (DefaultURL when empty, with
// or without a trailing slash). A nil hc means http.DefaultClient and a nil
// now means time.Now.
func New(baseURL string, hc *http.Client, now func() time.Time) *Client {
	if baseURL == "" {
		baseURL = DefaultURL
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	if now == nil {
		now = time.Now
	}
	return &Client{baseURL: strings.TrimSuffix(baseURL, "/"), hc: hc, now: now}
}

// Name returns "frankfurter".
func (c *Client) Name() string { return sourceName }

// Fetch returns the publications from the day after after to the latest,
// asking for the time series GET {base}/{after+1}..?base=EUR. Frankfurter
// starts a series on the publication in force on its first day, so the
// result usually holds one day on or before after as well. When after+1 is
// later than today (UTC), which Frankfurter answers with 404, Fetch asks
// for GET {base}/latest?base=EUR instead.
//
// A series whose rates object is empty means nothing was published in the
// range and gives no days and no error; an empty latest publication is
// ErrNoRates, as is any day without rates.
func (c *Client) Fetch(ctx context.Context, after currency.Date) ([]currency.Day, error) {
	start := after.AddDays(1)
	if start > currency.DateOf(c.now().UTC()) {
		return c.fetch(ctx, "/latest?base=EUR", &latest{})
	}
	return c.fetch(ctx, "/"+start.String()+"..?base=EUR", &series{})
}

// response is a decoded API response.
type response interface {
	days() ([]currency.Day, error)
}

// fetch gets path, decodes it into resp and returns its days.
func (c *Client) fetch(ctx context.Context, path string, resp response) ([]currency.Day, error) {
	url := c.baseURL + path
	if err := c.get(ctx, url, resp); err != nil {
		return nil, err
	}
	days, err := resp.days()
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", url, err)
	}
	return days, nil
}

// get fetches url and decodes the JSON body into v, reading at most
// MaxBytes of it.
func (c *Client) get(ctx context.Context, url string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		snippet, _ := io.ReadAll(io.LimitReader(resp.Body, snippetBytes))
		return fmt.Errorf("GET %s: %w %d: %q", url, ErrStatus, resp.StatusCode, bytes.TrimSpace(snippet))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBytes+1))
	if err != nil {
		return fmt.Errorf("GET %s: read body: %w", url, err)
	}
	if len(body) > MaxBytes {
		return fmt.Errorf("GET %s: %w: over %d bytes", url, ErrTooLarge, MaxBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("GET %s: %w: %w", url, ErrFormat, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("GET %s: %w: data after the JSON object", url, ErrFormat)
	}
	return nil
}

// header is what every response starts with.
type header struct {
	Amount json.Number `json:"amount"`
	Base   string      `json:"base"`
}

// check verifies that the rates are per one euro.
func (h header) check() error {
	if h.Base != string(currency.EUR) {
		return fmt.Errorf("%w: base is %q, want EUR", ErrFormat, h.Base)
	}
	one, _ := currency.ParseRate("1")
	if a, err := currency.ParseRate(h.Amount.String()); err != nil || a != one {
		return fmt.Errorf("%w: amount is %q, want 1", ErrFormat, h.Amount)
	}
	return nil
}

// latest is the response of GET /latest.
type latest struct {
	header
	Date  string                 `json:"date"`
	Rates map[string]json.Number `json:"rates"`
}

func (l latest) days() ([]currency.Day, error) {
	if err := l.check(); err != nil {
		return nil, err
	}
	day, err := newDay(l.Date, l.Rates)
	if err != nil {
		return nil, err
	}
	return []currency.Day{day}, nil
}

// series is the response of GET /{start}..: rates by date.
type series struct {
	header
	Rates map[string]map[string]json.Number `json:"rates"`
}

func (s series) days() ([]currency.Day, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if s.Rates == nil {
		return nil, fmt.Errorf("%w: no rates field", ErrFormat)
	}
	days := make([]currency.Day, 0, len(s.Rates))
	for date, rates := range s.Rates {
		day, err := newDay(date, rates)
		if err != nil {
			return nil, err
		}
		days = append(days, day)
	}
	slices.SortFunc(days, func(a, b currency.Day) int { return cmp.Compare(a.Date, b.Date) })
	return days, nil
}

// newDay reads one publication's date and rates.
func newDay(date string, rates map[string]json.Number) (currency.Day, error) {
	d, err := currency.ParseDate(date)
	if err != nil {
		return currency.Day{}, fmt.Errorf("%w: date %q: %w", ErrFormat, date, err)
	}
	if len(rates) == 0 {
		return currency.Day{}, fmt.Errorf("%s: %w", d, ErrNoRates)
	}
	day := currency.Day{Date: d, Source: sourceName, Rates: make(map[currency.Code]currency.Rate, len(rates))}
	for code, num := range rates {
		if !currency.WellFormedCode(code) {
			return day, fmt.Errorf("%w: %s: currency %q is not three upper-case letters", ErrFormat, d, code)
		}
		r, err := currency.ParseRate(num.String())
		if err != nil {
			return day, fmt.Errorf("%w: %s: %s: %w", ErrFormat, d, code, err)
		}
		day.Rates[currency.Code(code)] = r
	}
	return day, nil
}
