// Package emf writes CloudWatch Embedded Metric Format records as slog
// attributes: a JSON log line carrying an "_aws" member becomes metrics in
// CloudWatch with no agent and no API calls from the service.
package emf

import (
	"encoding/json"
	"log/slog"
	"strconv"
	"time"
)

// Metric names one metric of a record and its CloudWatch unit.
type Metric struct {
	Name string `json:"Name"`
	Unit string `json:"Unit"`
}

type directive struct {
	Namespace  string     `json:"Namespace"`
	Dimensions [][]string `json:"Dimensions"`
	Metrics    []Metric   `json:"Metrics"`
}

// Record is a prepared metric directive. Its JSON is built once, since the
// access log attaches it to every request.
type Record struct {
	directives json.RawMessage
}

// New prepares a record of metrics in namespace, aggregated by each set of
// dimension names.
func New(namespace string, dimensions [][]string, metrics ...Metric) Record {
	b, err := json.Marshal([]directive{{Namespace: namespace, Dimensions: dimensions, Metrics: metrics}})
	if err != nil {
		// Strings and slices of strings always marshal.
		panic("emf: " + err.Error())
	}
	return Record{directives: b}
}

// Attr returns the "_aws" member that makes a JSON log line an Embedded
// Metric Format record at time t. Each named dimension (a string) and metric
// (a number) must be a top-level member of the same line. CloudWatch Logs
// detects such records in ordinary log events (the json/emf format header
// is optional), so the awslogs driver needs no special option.
func (r Record) Attr(t time.Time) slog.Attr {
	return slog.Group("_aws",
		slog.Int64("Timestamp", t.UnixMilli()),
		slog.Any("CloudWatchMetrics", r.directives),
	)
}

// AppendMember appends the "_aws" member of an Embedded Metric Format record
// at time t, `"_aws":{...}` without a leading comma, to a JSON object being
// written by hand: the same member Attr gives slog, without encoding/json
// re-validating the prepared directive on every request.
func (r Record) AppendMember(b []byte, t time.Time) []byte {
	b = append(b, `"_aws":{"Timestamp":`...)
	b = strconv.AppendInt(b, t.UnixMilli(), 10)
	b = append(b, `,"CloudWatchMetrics":`...)
	b = append(b, r.directives...)
	return append(b, '}')
}
