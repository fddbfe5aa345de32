// Package ecb reads the European Central Bank's euro foreign exchange
// reference rates: the XML feeds the ECB publishes every TARGET business day
// around 16:00 CET, and an embedded snapshot of the full history in the
// ECB's CSV format.
//
// Source: European Central Bank, https://www.ecb.europa.eu/stats/eurofxref/.
// The ECB allows free reuse of these statistics provided the source is
// acknowledged; the service credits the ECB wherever it shows the rates.
package ecb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
)

// DefaultURL is where the ECB publishes its reference rate feeds.
const DefaultURL = "https://www.ecb.europa.eu/stats/eurofxref/"

// The ECB's feeds, relative to the base URL.
const (
	DailyFeed   = "eurofxref-daily.xml"    // the newest publication
	RecentFeed  = "eurofxref-hist-90d.xml" // the last 90 calendar days
	HistoryFeed = "eurofxref-hist.xml"     // every publication since 1999
)

// Caps on the size of each feed's body, decompressed. The real feeds are
// about 2 KiB, 130 KiB and 7 MiB; anything beyond the cap is refused with
// ErrTooLarge rather than read.
const (
	DailyMaxBytes   = 1 << 20  // 1 MiB
	RecentMaxBytes  = 4 << 20  // 4 MiB
	HistoryMaxBytes = 64 << 20 // 64 MiB
)

// RecentReach is how many days back from today the recent feed is trusted
// to reach: it covers 90 calendar days, and the margin absorbs the time
// between its publications.
const RecentReach = 85

// Errors returned by Fetch, Parse and ParseCSV, wrapped with context.
var (
	ErrStatus   = errors.New("unexpected HTTP status")
	ErrTooLarge = errors.New("response body too large")
	ErrFormat   = errors.New("malformed ECB rates")
	ErrNoRates  = errors.New("no rates")
)

// sourceName labels the days fetched from the ECB.
const sourceName = "ecb"

// snippetBytes bounds how much of an error response goes into the error.
const snippetBytes = 200

// Client fetches reference rates from the ECB's XML feeds.
type Client struct {
	baseURL string
	hc      *http.Client
	now     func() time.Time
}

// New returns a client for the feeds under baseURL (DefaultURL when empty,
// with or without a trailing slash). A nil hc means http.DefaultClient and
// a nil now means time.Now; now decides which feed reaches far enough back.
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
	return &Client{baseURL: strings.TrimSuffix(baseURL, "/") + "/", hc: hc, now: now}
}

// Name returns "ecb".
func (c *Client) Name() string { return sourceName }

// Fetch returns the publications after the given date, using the smallest
// feed that leaves no gap: the daily feed when it is at most the first
// publication day after after, else the 90-day feed when after is within
// RecentReach days of today (UTC), else the full history. It returns the
// whole feed it chose, oldest first, so it may include days on or before
// after. If the 90-day feed turns out not to reach back far enough, it falls
// back to the full history.
func (c *Client) Fetch(ctx context.Context, after currency.Date) ([]currency.Day, error) {
	next := max(nextPublication(after), currency.FirstDate)
	days, err := c.get(ctx, DailyFeed, DailyMaxBytes)
	if err != nil || days[len(days)-1].Date <= next {
		return days, err
	}
	if after >= currency.DateOf(c.now().UTC()).AddDays(-RecentReach) {
		days, err := c.get(ctx, RecentFeed, RecentMaxBytes)
		if err != nil || days[0].Date <= next {
			return days, err
		}
	}
	days, err = c.get(ctx, HistoryFeed, HistoryMaxBytes)
	if err == nil && days[0].Date > next {
		return nil, fmt.Errorf("%s starts on %s, after %s: %w", HistoryFeed, days[0].Date, next, ErrFormat)
	}
	return days, err
}

// nextPublication returns the first publication day after d.
func nextPublication(d currency.Date) currency.Date {
	d++
	for !currency.IsPublicationDay(d) {
		d++
	}
	return d
}

// get fetches and parses one feed, reading at most limit bytes of it.
func (c *Client) get(ctx context.Context, feed string, limit int64) ([]currency.Day, error) {
	url := c.baseURL + feed
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/xml, text/xml")
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		snippet, _ := io.ReadAll(io.LimitReader(resp.Body, snippetBytes))
		return nil, fmt.Errorf("GET %s: %w %d: %q", url, ErrStatus, resp.StatusCode, bytes.TrimSpace(snippet))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: read body: %w", url, err)
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("GET %s: %w: over %d bytes", url, ErrTooLarge, limit)
	}
	days, err := Parse(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", url, err)
	}
	return days, nil
}
