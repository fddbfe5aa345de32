// Package ecb reads the European Central Bank's euro foreign exchange
// reference rates, which the ECB publishes every TARGET business day around
// 16:00 CET: the XML feeds of the newest publication and of the last 90
// days, for small gaps; the full history as a zip holding one CSV file
// (eurofxref-hist.zip with eurofxref-hist.csv), for large ones; and an
// embedded snapshot of that CSV, so the service answers without the network.
//
// Source: © European Central Bank, https://www.ecb.europa.eu/stats/eurofxref/.
// The ECB allows free reuse of these statistics provided the source is
// acknowledged, so whatever shows rates from this package must credit the ECB.
package ecb

import (
	"archive/zip"
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
	HistoryFeed = "eurofxref-hist.zip"     // every publication since 1999: a zip of HistoryFile
	HistoryFile = "eurofxref-hist.csv"     // the one file in HistoryFeed, in the CSV form ParseCSV reads
)

// Caps on the size of each feed's body, after any gzip transfer encoding is
// undone, and on HistoryFile once unzipped. The real feeds are about 2 KiB,
// 100 KiB and 0.6 MiB, and HistoryFile 1.8 MiB, growing ~70 KiB a year; a
// body or file beyond its cap is refused with ErrTooLarge as soon as one
// byte more is read, so a zip bomb costs at most HistoryFileMaxBytes of
// inflating.
const (
	DailyMaxBytes       = 1 << 20  // 1 MiB
	RecentMaxBytes      = 4 << 20  // 4 MiB
	HistoryMaxBytes     = 8 << 20  // 8 MiB of zip
	HistoryFileMaxBytes = 32 << 20 // 32 MiB of CSV
)

// RecentReach is how many days back from today the 90-day feed is trusted
// to reach: it covers the 90 calendar days up to its newest publication,
// which may be a few days old.
const RecentReach = 85

// Errors returned by Fetch, Parse and ParseCSV, wrapped with context.
var (
	ErrStatus   = errors.New("unexpected HTTP status")  // the upstream answered other than 200 OK
	ErrTooLarge = errors.New("response body too large") // the body exceeded its cap
	ErrFormat   = errors.New("malformed ECB rates")     // the data is not a well-formed feed or CSV
	ErrNoRates  = errors.New("no rates")                // a day, or the whole feed, has no rates
)

// sourceName labels the days fetched from the ECB.
const sourceName = "ecb"

// snippetBytes bounds how much of an error response goes into the error.
const snippetBytes = 200

// Client fetches reference rates from the ECB's feeds.
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

// Fetch returns the publications after the given date using the smallest
// feed that leaves no gap after it:
//
//   - the daily feed, when its publication is no later than the first
//     publication day after after, so nothing can be missing before it;
//   - else the 90-day feed, when after is at most RecentReach days before
//     today (UTC) and the feed does reach back to that first publication day;
//   - else the full history, HistoryFeed.
//
// It returns the whole feed it chose, oldest first, so the result may hold
// days on or before after too; merging them again changes nothing.
func (c *Client) Fetch(ctx context.Context, after currency.Date) ([]currency.Day, error) {
	next := max(currency.NextPublicationDay(after), currency.FirstDate)
	daily, err := c.get(ctx, DailyFeed, DailyMaxBytes, xmlAccept, Parse)
	if err != nil || daily[len(daily)-1].Date <= next {
		return daily, err
	}
	if after >= currency.DateOf(c.now().UTC()).AddDays(-RecentReach) {
		recent, err := c.get(ctx, RecentFeed, RecentMaxBytes, xmlAccept, Parse)
		if err != nil || recent[0].Date <= next {
			return recent, err
		}
	}
	history, err := c.get(ctx, HistoryFeed, HistoryMaxBytes, "application/zip", parseHistoryZip)
	if err == nil && history[0].Date > next {
		return nil, fmt.Errorf("%w: %s starts on %s, after %s", ErrFormat, HistoryFeed, history[0].Date, next)
	}
	return history, err
}

// xmlAccept is the Accept header of the XML feeds.
const xmlAccept = "application/xml, text/xml"

// get fetches one feed and parses it with parse, reading at most limit
// bytes of it.
func (c *Client) get(ctx context.Context, feed string, limit int64, accept string, parse func(io.Reader) ([]currency.Day, error)) ([]currency.Day, error) {
	url := c.baseURL + feed
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", accept)
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		snippet, _ := io.ReadAll(io.LimitReader(resp.Body, snippetBytes))
		return nil, fmt.Errorf("GET %s: %w %d: %q", url, ErrStatus, resp.StatusCode, bytes.TrimSpace(snippet))
	}
	// The parser streams, so memory follows the rates parsed, not the body:
	// a hostile upstream costs at most limit bytes of reading, never of heap.
	capped := &cappedReader{r: resp.Body, left: limit}
	days, err := parse(capped)
	if capped.exceeded {
		return nil, fmt.Errorf("GET %s: %w: over %d bytes", url, ErrTooLarge, limit)
	}
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", url, err)
	}
	return days, nil
}

// parseHistoryZip reads HistoryFeed (see UnzipHistory) into days. A zip
// must be read from its end, so the capped body is read whole first.
func parseHistoryZip(r io.Reader) ([]currency.Day, error) {
	body, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	csv, err := UnzipHistory(body)
	if err != nil {
		return nil, err
	}
	days, err := parseCSV(bytes.NewReader(csv), sourceName)
	if err != nil {
		return nil, fmt.Errorf("%s in %s: %w", HistoryFile, HistoryFeed, err)
	}
	return days, nil
}

// UnzipHistory returns the CSV inside HistoryFeed: a zip archive holding
// exactly one file, HistoryFile, which ParseCSV or LoadCSV then reads. The
// file is inflated through a cap of HistoryFileMaxBytes whatever size the
// archive claims for it (ErrTooLarge); any other layout, or a bad CRC-32, is
// ErrFormat.
func UnzipHistory(zipped []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(zipped), int64(len(zipped)))
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not a zip archive: %w", ErrFormat, HistoryFeed, err)
	}
	if len(zr.File) != 1 || zr.File[0].Name != HistoryFile {
		names := make([]string, len(zr.File))
		for i, f := range zr.File {
			names[i] = f.Name
		}
		return nil, fmt.Errorf("%w: %s holds %q, want only %s", ErrFormat, HistoryFeed, names, HistoryFile)
	}
	f := zr.File[0]
	if f.UncompressedSize64 > HistoryFileMaxBytes {
		return nil, fmt.Errorf("%w: %s in %s is %d bytes unzipped, over %d", ErrTooLarge, HistoryFile, HistoryFeed, f.UncompressedSize64, HistoryFileMaxBytes)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: %s in %s: %w", ErrFormat, HistoryFile, HistoryFeed, err)
	}
	defer rc.Close()
	// Reading to the end makes archive/zip check the CRC-32 and the size.
	capped := &cappedReader{r: rc, left: HistoryFileMaxBytes}
	csv, err := io.ReadAll(capped)
	if capped.exceeded {
		return nil, fmt.Errorf("%w: %s in %s is over %d bytes unzipped", ErrTooLarge, HistoryFile, HistoryFeed, HistoryFileMaxBytes)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s in %s: %w", ErrFormat, HistoryFile, HistoryFeed, err)
	}
	return csv, nil
}

// cappedReader reads at most left bytes and fails once the body goes on
// beyond them, remembering that it did.
type cappedReader struct {
	r        io.Reader
	left     int64
	exceeded bool
}

func (c *cappedReader) Read(p []byte) (int, error) {
	if c.left < 0 {
		return 0, ErrTooLarge
	}
	// Ask for one byte more than allowed, so a body of exactly the cap ends
	// cleanly and a longer one is caught.
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		c.exceeded = true
		return n, ErrTooLarge
	}
	return n, err
}
