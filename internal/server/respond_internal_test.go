package server

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/cockroachdb/apd/v3"

	"github.com/currency-convertor-ecs/currency-api/internal/currency"
)

// encodingJSON is what encoding/json writes for v with HTML escaping off,
// as slog's JSON handler and the service's other bodies write strings.
func encodingJSON(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestJSONObjectMatchesEncodingJSON holds the hand-written encoder to
// encoding/json: strings of random bytes (control characters, quotes,
// invalid UTF-8, U+2028), and a /convert body with every kind of member.
func TestJSONObjectMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 1))
	alphabet := []string{"a", "Z", "0", " ", `"`, `\`, "/", "<", "&", "\n", "\r", "\t", "\x00", "\x1f", "\x7f",
		"é", "€", "\u2028", "\u2029", "\xff", "\xc3", "\xe2\x82", "\xed\xa0\x80", "\U0001F4B6"}
	for range 20000 {
		var s string
		for range rng.IntN(12) {
			s += alphabet[rng.IntN(len(alphabet))]
		}
		o := newJSONObject()
		o.str(s, s)
		got := o.end()
		want := encodingJSON(t, map[string]string{s: s})
		if !bytes.Equal(got, want) {
			t.Fatalf("string %q:\n got %s\nwant %s", s, got, want)
		}
		o.free()
	}

	amount, _, _ := apd.NewFromString("2500.7500")
	rate, _, _ := apd.NewFromString("0.000123456789012")
	date := currency.NewDate(2024, time.December, 24)
	at := time.Date(2024, time.December, 24, 15, 0, 0, 0, time.FixedZone("CET", 3600))
	o := newJSONObject()
	o.str("from", "GBP")
	o.decimal("amount", amount)
	o.decimal("rate", rate)
	o.date("date", date)
	o.boolean("stale", true)
	o.integer("status", -42)
	o.milliseconds("took", 1500*time.Microsecond)
	o.timestamp("timestamp", at, false)
	nested := o.object("rates")
	nested.decimal("USD", rate)
	nested.close()
	got := o.end()
	want := encodingJSON(t, struct {
		From      string                 `json:"from"`
		Amount    json.Number            `json:"amount"`
		Rate      json.Number            `json:"rate"`
		Date      currency.Date          `json:"date"`
		Stale     bool                   `json:"stale"`
		Status    int                    `json:"status"`
		Took      json.Number            `json:"took"`
		Timestamp string                 `json:"timestamp"`
		Rates     map[string]json.Number `json:"rates"`
	}{"GBP", "2500.7500", "0.000123456789012", date, true, -42, "1.500", "2024-12-24T14:00:00Z", map[string]json.Number{"USD": "0.000123456789012"}})
	if !bytes.Equal(got, want) {
		t.Errorf("object:\n got %s\nwant %s", got, want)
	}
	o.free()
}

// TestTimestampMatchesTimeFormat holds the hand-written timestamps to the
// time package's RFC 3339 layouts, in and out of the four-digit years.
func TestTimestampMatchesTimeFormat(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	zones := []*time.Location{time.UTC, time.FixedZone("CET", 3600), time.FixedZone("-0930", -34200)}
	for i := range 20000 {
		at := time.Unix(rng.Int64N(253402300800)-62135596800, rng.Int64N(1e9)).In(zones[i%len(zones)])
		if i%5 == 0 {
			at = at.Truncate(time.Second)
		}
		for _, nanos := range []bool{false, true} {
			o := newJSONObject()
			o.timestamp("t", at, nanos)
			got := string(o.end())
			layout := "2006-01-02T15:04:05Z"
			if nanos {
				layout = "2006-01-02T15:04:05.000000000Z"
			}
			if want := `{"t":"` + at.UTC().Format(layout) + `"}` + "\n"; got != want {
				t.Fatalf("timestamp(%v, %t) = %s, want %s", at, nanos, got, want)
			}
			o.free()
		}
	}
}
