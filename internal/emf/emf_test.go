package emf_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/currency-convertor-ecs/currency-api/internal/emf"
)

// A log line carrying the attribute is a valid EMF document: _aws with a
// millisecond timestamp and one directive naming members of the same line.
func TestAttrMakesAnEMFRecord(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	rec := emf.New("CurrencyAPI", [][]string{{"route"}}, emf.Metric{Name: "requests", Unit: "Count"})
	at := time.Date(2025, 5, 9, 14, 0, 0, 0, time.UTC)
	logger.Info("request", "route", "/convert", "requests", 1, rec.Attr(at))

	var line struct {
		Route    string `json:"route"`
		Requests int    `json:"requests"`
		AWS      struct {
			Timestamp         int64
			CloudWatchMetrics []struct {
				Namespace  string
				Dimensions [][]string
				Metrics    []struct{ Name, Unit string }
			}
		} `json:"_aws"`
	}
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("log line %q: %v", buf.String(), err)
	}
	if got, want := line.AWS.Timestamp, at.UnixMilli(); got != want {
		t.Errorf("Timestamp = %d, want %d", got, want)
	}
	if len(line.AWS.CloudWatchMetrics) != 1 {
		t.Fatalf("CloudWatchMetrics = %+v, want one directive", line.AWS.CloudWatchMetrics)
	}
	d := line.AWS.CloudWatchMetrics[0]
	if d.Namespace != "CurrencyAPI" {
		t.Errorf("Namespace = %q", d.Namespace)
	}
	if diff := cmp.Diff([][]string{{"route"}}, d.Dimensions); diff != "" {
		t.Errorf("Dimensions (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]struct{ Name, Unit string }{{"requests", "Count"}}, d.Metrics); diff != "" {
		t.Errorf("Metrics (-want +got):\n%s", diff)
	}
	if line.Route != "/convert" || line.Requests != 1 {
		t.Errorf("members route=%q requests=%d, want the dimension and metric on the line", line.Route, line.Requests)
	}
}

// AppendMember writes the same _aws member as Attr does through slog's JSON
// handler: the two lines decode to the same value.
func TestAppendMemberMatchesAttr(t *testing.T) {
	rec := emf.New("CurrencyAPI", [][]string{{"route", "status_class"}, {"route"}},
		emf.Metric{Name: "requests", Unit: "Count"}, emf.Metric{Name: "latency_ms", Unit: "Milliseconds"})
	at := time.Date(2025, 5, 9, 14, 0, 0, 123456789, time.UTC)
	var viaSlog bytes.Buffer
	slog.New(slog.NewJSONHandler(&viaSlog, nil)).Info("x", rec.Attr(at))
	var fromSlog struct {
		AWS any `json:"_aws"`
	}
	if err := json.Unmarshal(viaSlog.Bytes(), &fromSlog); err != nil {
		t.Fatal(err)
	}
	line := append(rec.AppendMember([]byte("{"), at), '}')
	var appended struct {
		AWS any `json:"_aws"`
	}
	if err := json.Unmarshal(line, &appended); err != nil {
		t.Fatalf("AppendMember wrote %s: %v", line, err)
	}
	if diff := cmp.Diff(fromSlog.AWS, appended.AWS); diff != "" {
		t.Errorf("AppendMember differs from Attr (-slog +appended):\n%s", diff)
	}
}
