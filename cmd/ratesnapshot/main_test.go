package main

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Two small histories in the ECB's layout, newest first: newer has one
// publication more than older.
const (
	older = "Date,USD,JPY,\n2025-05-08,1.1297,163.45,\n1999-01-04,1.1789,133.73,\n"
	newer = "Date,USD,JPY,\n2025-05-09,1.1252,163.36,\n2025-05-08,1.1297,163.45,\n1999-01-04,1.1789,133.73,\n"
)

// writeSnapshot writes csv gzipped into a new directory and returns its path.
func writeSnapshot(t *testing.T, csv string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	io.WriteString(zw, csv)
	zw.Close()
	path := filepath.Join(t.TempDir(), "eurofxref-hist.csv.gz")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// zipOf returns the ECB's zip layout around csv.
func zipOf(t *testing.T, name, csv string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, csv)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// serve starts a server answering every request with status and body.
func serve(t *testing.T, status int, body []byte) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/eurofxref-hist.zip"
}

func runCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(t.Context(), append([]string{"ratesnapshot"}, args...), &out)
	return out.String(), err
}

// gunzip returns the CSV in the gzip at path and checks the header carries
// nothing that changes from one run to the next.
func gunzip(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if zr.Name != "" || !zr.ModTime.IsZero() {
		t.Errorf("gzip header has name %q and time %v, want neither", zr.Name, zr.ModTime)
	}
	csv, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(csv)
}

func TestInfo(t *testing.T) {
	gz := writeSnapshot(t, newer)
	sum := sha256.Sum256([]byte(newer))
	for field, want := range map[string]string{
		"first":        "1999-01-04\n",
		"last":         "2025-05-09\n",
		"publications": "3\n",
		"sha256":       hex.EncodeToString(sum[:]) + "\n",
	} {
		if got, err := runCmd(t, "info", "-gz", gz, "-field", field); err != nil || got != want {
			t.Errorf("info -field %s = %q, %v, want %q", field, got, err, want)
		}
	}
	out, err := runCmd(t, "info", "-gz", gz)
	if err != nil || !strings.Contains(out, "last: 2025-05-09\n") || !strings.Contains(out, hex.EncodeToString(sum[:])) {
		t.Errorf("info = %q, %v, want the last date and the sha256", out, err)
	}
	if _, err := runCmd(t, "info", "-gz", gz, "-field", "size"); err == nil {
		t.Error("info -field size: no error")
	}
	if _, err := runCmd(t, "info", "-gz", filepath.Join(t.TempDir(), "absent.gz")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("info of a missing file: error = %v, want %v", err, fs.ErrNotExist)
	}
}

func TestUpdate(t *testing.T) {
	gz := writeSnapshot(t, older)
	out, err := runCmd(t, "update", "-gz", gz, serve(t, http.StatusOK, zipOf(t, "eurofxref-hist.csv", newer)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "updated") || !strings.Contains(out, "2025-05-09") {
		t.Errorf("update said %q, want it to say it updated to 2025-05-09", out)
	}
	if got := gunzip(t, gz); got != newer {
		t.Errorf("the snapshot holds %q, want the ECB's CSV %q", got, newer)
	}
	if got, _ := runCmd(t, "info", "-gz", gz, "-field", "last"); got != "2025-05-09\n" {
		t.Errorf("info -field last after the update = %q", got)
	}

	// Same CSV, same bytes: from a file this time, into another snapshot.
	zipFile := filepath.Join(t.TempDir(), "eurofxref-hist.zip")
	os.WriteFile(zipFile, zipOf(t, "eurofxref-hist.csv", newer), 0o644)
	gz2 := writeSnapshot(t, older)
	if _, err := runCmd(t, "update", "-gz", gz2, zipFile); err != nil {
		t.Fatal(err)
	}
	b1, _ := os.ReadFile(gz)
	b2, _ := os.ReadFile(gz2)
	if !bytes.Equal(b1, b2) {
		t.Error("two updates from the same CSV wrote different bytes")
	}
	if entries, _ := os.ReadDir(filepath.Dir(gz)); len(entries) != 1 {
		t.Errorf("the snapshot's directory holds %d files after the update, want 1 (no temporary left)", len(entries))
	}
}

// The committed snapshot is what update writes for the CSV it was made
// from, so a build that refreshes it changes it only when the ECB's data
// changed.
func TestUpdateWritesTheCommittedBytes(t *testing.T) {
	csv, err := os.ReadFile("../../../shared/data/ecb/eurofxref-hist.csv")
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip("the shared ECB CSV is absent")
	}
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("../../" + defaultGz)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "out.gz")
	if err := writeGzip(path, csv); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if gunzip(t, "../../"+defaultGz) != string(csv) {
		t.Skip("the committed snapshot was not made from the shared CSV")
	}
	if !bytes.Equal(got, committed) {
		t.Errorf("writeGzip of the shared CSV gives %d bytes that differ from the committed %d", len(got), len(committed))
	}
}

// Whatever goes wrong, the snapshot stays as it was and update says why.
func TestUpdateKeepsSnapshot(t *testing.T) {
	stall := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}))
	t.Cleanup(stall.Close)
	tests := []struct {
		name, source string
		args         []string
		wantErr      string // "" for none: kept as the newer one
	}{
		{"not newer", serve(t, http.StatusOK, zipOf(t, "eurofxref-hist.csv", older)), nil, ""},
		{"older", serve(t, http.StatusOK, zipOf(t, "eurofxref-hist.csv", "Date,USD,\n2025-05-07,1.13,\n1999-01-04,1.1789,\n")), nil, ""},
		{"starts later", serve(t, http.StatusOK, zipOf(t, "eurofxref-hist.csv", "Date,USD,\n2025-05-09,1.1252,\n")), nil, "starts on 2025-05-09"},
		{"unavailable", serve(t, http.StatusServiceUnavailable, []byte("busy")), nil, "503"},
		{"not a zip", serve(t, http.StatusOK, []byte(newer)), nil, "not a zip"},
		{"other file", serve(t, http.StatusOK, zipOf(t, "rates.csv", newer)), nil, "rates.csv"},
		{"bad row", serve(t, http.StatusOK, zipOf(t, "eurofxref-hist.csv", strings.Replace(newer, "1.1252", "1,1252", 1))), nil, "line 2"},
		{"too large", serve(t, http.StatusOK, make([]byte, 8<<20+1)), nil, "too large"},
		{"timeout", stall.URL, []string{"-timeout", "200ms"}, "deadline exceeded"},
		{"no such file", filepath.Join(t.TempDir(), "absent.zip"), nil, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gz := writeSnapshot(t, older)
			before, _ := os.ReadFile(gz)
			out, err := runCmd(t, append(append([]string{"update", "-gz", gz}, tt.args...), tt.source)...)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("update error = %v, want it to keep the newer snapshot", err)
			case tt.wantErr == "" && !strings.Contains(out, "kept"):
				t.Errorf("update said %q, want it to say it kept the snapshot", out)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("update error = %v, want one containing %q", err, tt.wantErr)
			}
			if after, _ := os.ReadFile(gz); !bytes.Equal(after, before) {
				t.Error("the snapshot changed")
			}
		})
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"fetch"}, {"update"}, {"info", "extra"}} {
		if _, err := runCmd(t, args...); err == nil {
			t.Errorf("ratesnapshot %v: no error", args)
		}
	}
}
