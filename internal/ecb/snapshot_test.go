package ecb_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
	"github.com/currency-convertor-ecs/currency-api/internal/ecb"
)

// sharedCSV is the ECB history the snapshot is generated from; it lives
// outside the repository, so the tests that read it skip without it.
const sharedCSV = "../../../shared/data/ecb/eurofxref-hist.csv"

// committedLast is the newest publication of the snapshot committed to the
// repository. The pipeline may regenerate the snapshot from the ECB before
// it runs the tests (cmd/ratesnapshot), so the tests ask for at least it.
var committedLast = currency.NewDate(2025, time.May, 9)

// embeddedCSV returns the snapshot's CSV, unzipped by the test itself.
func embeddedCSV(t *testing.T) []byte {
	t.Helper()
	gz, err := os.ReadFile("eurofxref-hist.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	csv, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return csv
}

// readSharedCSV returns the shared CSV, or false if it is absent.
func readSharedCSV(t *testing.T) ([]byte, bool) {
	t.Helper()
	b, err := os.ReadFile(sharedCSV)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return b, true
}

func snapshot(t *testing.T) []currency.Day {
	t.Helper()
	days, err := ecb.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	return days
}

func TestSnapshot(t *testing.T) {
	days := snapshot(t)
	checkDays(t, days)

	if got, want := len(days), bytes.Count(bytes.TrimSpace(embeddedCSV(t)), []byte("\n")); got != want {
		t.Errorf("got %d days, want one per data row: %d", got, want)
	}
	for _, d := range days {
		if d.Source != "snapshot" {
			t.Fatalf("Source of %s = %q, want %q", d.Date, d.Source, "snapshot")
		}
	}

	first, last := days[0], days[len(days)-1]
	if got, want := first.Date, currency.NewDate(1999, time.January, 4); got != want {
		t.Errorf("first date = %s, want %s", got, want)
	}
	if last.Date < committedLast {
		t.Errorf("last date = %s, before the committed snapshot's %s", last.Date, committedLast)
	}
	byDate := map[currency.Date]currency.Day{}
	for _, d := range days {
		byDate[d.Date] = d
	}
	spot := []struct {
		date currency.Date
		code currency.Code
		want string // "" for N/A
	}{
		{committedLast, "USD", "1.1252"},
		{committedLast, "IDR", "18606.59"},
		{committedLast, "INR", "96.0755"},
		{committedLast, "CYP", ""},
		{first.Date, "JPY", "133.73"},
		{first.Date, "TRL", "372274"},
		{first.Date, "BGN", ""},
	}
	for _, s := range spot {
		r, ok := byDate[s.date].Rates[s.code]
		switch {
		case s.want == "" && ok:
			t.Errorf("%s on %s = %s, want no rate (N/A)", s.code, s.date, r)
		case s.want != "" && r.String() != s.want:
			t.Errorf("%s on %s = %s, want %s", s.code, s.date, r, s.want)
		}
	}
}

// LoadSnapshot must hold exactly what Snapshot's days hold: the same dates,
// each with Source "snapshot", and the same rate, or none, for every
// currency on every day.
func TestLoadSnapshotMatchesSnapshot(t *testing.T) {
	days := snapshot(t)
	h, info, err := ecb.LoadSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := h.Len(), len(days); got != want {
		t.Fatalf("LoadSnapshot holds %d publications, Snapshot %d", got, want)
	}
	for _, d := range days {
		tbl, ok := h.On(d.Date)
		if !ok || tbl.Date != d.Date {
			t.Fatalf("LoadSnapshot has no publication on %s", d.Date)
		}
		if tbl.Source != "snapshot" {
			t.Fatalf("Source on %s = %q, want snapshot", d.Date, tbl.Source)
		}
		for _, c := range currency.Currencies() {
			got, err := tbl.Rate(c.Code)
			want, ok := d.Rates[c.Code]
			switch {
			case c.Code == currency.EUR:
			case ok && (err != nil || got != want):
				t.Errorf("%s on %s = %v, %v, want %s", c.Code, d.Date, got, err, want)
			case !ok && err == nil:
				t.Errorf("%s on %s = %s, want no rate", c.Code, d.Date, got)
			}
		}
	}
	old, _ := currency.NewHistory(days)
	for _, c := range currency.Currencies() {
		f1, l1, ok1 := h.Span(c.Code)
		f2, l2, ok2 := old.Span(c.Code)
		if f1 != f2 || l1 != l2 || ok1 != ok2 {
			t.Errorf("Span(%s) = %s %s %t, want %s %s %t", c.Code, f1, l1, ok1, f2, l2, ok2)
		}
	}
	if info.First != days[0].Date || info.Last != days[len(days)-1].Date || info.Publications != len(days) {
		t.Errorf("info = %+v, want First %s, Last %s, Publications %d", info, days[0].Date, days[len(days)-1].Date, len(days))
	}
}

// SHA256 is what sha256sum prints for the CSV the snapshot was made from.
func TestLoadSnapshotSHA256(t *testing.T) {
	_, info, err := ecb.LoadSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(embeddedCSV(t))
	if got, want := info.SHA256, hex.EncodeToString(sum[:]); got != want {
		t.Errorf("SHA256 = %s, want %s (sha256 of the unzipped snapshot)", got, want)
	}
}

func TestSnapshotUpToDate(t *testing.T) {
	csv, ok := readSharedCSV(t)
	if !ok {
		t.Skipf("%s is absent: cannot check that eurofxref-hist.csv.gz is up to date", sharedCSV)
	}
	gz, err := os.ReadFile("eurofxref-hist.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	embedded, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if newest, shared := firstDate(t, embedded), firstDate(t, csv); newest > shared {
		t.Skipf("the snapshot (to %s) is newer than %s (to %s): cmd/ratesnapshot updated it from the ECB", newest, sharedCSV, shared)
	}
	if !bytes.Equal(embedded, csv) {
		t.Errorf("eurofxref-hist.csv.gz (%d bytes unzipped) differs from %s (%d bytes): run go generate ./internal/ecb",
			len(embedded), sharedCSV, len(csv))
	}
	if zr.Name != "" || !zr.ModTime.IsZero() {
		t.Errorf("gzip header has name %q and time %v, want neither, so the file is reproducible", zr.Name, zr.ModTime)
	}
}

// firstDate returns the date of the first data row of an ECB CSV, its
// newest.
func firstDate(t *testing.T, csv []byte) currency.Date {
	t.Helper()
	lines := bytes.SplitN(csv, []byte("\n"), 3)
	if len(lines) < 2 {
		t.Fatalf("CSV of %d bytes has no data row", len(csv))
	}
	d, err := currency.ParseDate(string(bytes.SplitN(lines[1], []byte(","), 2)[0]))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestSnapshotCalendar holds the ECB's real record to currency.IsPublicationDay:
// every publication falls on a publication day, and every publication day
// between the first and the last has one, except for the few days below.
func TestSnapshotCalendar(t *testing.T) {
	date := currency.NewDate
	// Published on a day IsPublicationDay rules out: TARGET did not close at
	// Easter in 1999; its current closing days apply from 2000.
	wantExtra := []currency.Date{
		date(1999, time.April, 2), // Good Friday
		date(1999, time.April, 5), // Easter Monday
	}
	// Not published on a day IsPublicationDay allows: TARGET was closed.
	wantMissing := []currency.Date{
		date(1999, time.December, 31), // the changeover to the year 2000
		date(2001, time.December, 31), // the euro cash changeover
	}

	days := snapshot(t)
	held := make(map[currency.Date]bool, len(days))
	var extra, missing []currency.Date
	for _, d := range days {
		held[d.Date] = true
		if !currency.IsPublicationDay(d.Date) {
			extra = append(extra, d.Date)
		}
	}
	for d := days[0].Date; d <= days[len(days)-1].Date; d++ {
		if currency.IsPublicationDay(d) && !held[d] {
			missing = append(missing, d)
		}
	}
	if !slices.Equal(extra, wantExtra) {
		t.Errorf("publications on non-publication days = %v, want %v", extra, wantExtra)
	}
	if !slices.Equal(missing, wantMissing) {
		t.Errorf("publication days without a publication = %v, want %v", missing, wantMissing)
	}
}

func TestSnapshotHistoryOn(t *testing.T) {
	h, _ := currency.NewHistory(snapshot(t))
	date := currency.NewDate
	tests := []struct {
		name string
		on   currency.Date
		want currency.Date // 0: no table
	}{
		{"Friday", date(2025, time.May, 9), date(2025, time.May, 9)},
		{"Saturday", date(2025, time.May, 3), date(2025, time.May, 2)},
		{"1 May", date(2025, time.May, 1), date(2025, time.April, 30)},
		{"Good Friday", date(2025, time.April, 18), date(2025, time.April, 17)},
		{"Easter Monday", date(2025, time.April, 21), date(2025, time.April, 17)},
		{"Christmas Day", date(2024, time.December, 25), date(2024, time.December, 24)},
		{"Boxing Day", date(2024, time.December, 26), date(2024, time.December, 24)},
		{"New Year's Day", date(2025, time.January, 1), date(2024, time.December, 31)},
		{"after the last publication", date(2025, time.May, 12), date(2025, time.May, 9)},
		{"first publication", date(1999, time.January, 4), date(1999, time.January, 4)},
		{"before the first publication", date(1999, time.January, 3), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			table, ok := h.On(tt.on)
			if tt.want == 0 {
				if ok {
					t.Errorf("On(%s) = table of %s, want none", tt.on, table.Date)
				}
				return
			}
			if !ok {
				t.Fatalf("On(%s) found no table, want %s", tt.on, tt.want)
			}
			if table.Date != tt.want {
				t.Errorf("On(%s) = table of %s, want %s", tt.on, table.Date, tt.want)
			}
		})
	}
}
