// Command ratesnapshot shows and refreshes the ECB history the service
// embeds (internal/ecb/eurofxref-hist.csv.gz), so that the pipeline can
// build each image with the history as of its build day and label the
// image with what it holds.
//
//	ratesnapshot info [-gz PATH] [-field first|last|publications|sha256]
//	ratesnapshot update [-gz PATH] [-timeout 60s] SOURCE
//
// info prints the snapshot's first and last publication, how many it holds
// and the SHA-256 of the CSV unzipped (what sha256sum prints for the ECB's
// eurofxref-hist.csv); with -field, only that value.
//
// update reads the ECB's eurofxref-hist.zip from SOURCE, an http(s) URL
// (such as https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip) or
// a file, checks it as the service's ECB client does (one eurofxref-hist.csv
// inside, size caps, every row well formed) and replaces the snapshot only
// when the ECB's history ends later and starts no later than the snapshot.
// It writes the gzip reproducibly (best compression, no name, no time), so
// the same CSV always gives the same bytes and the same binary. It exits 0
// when it replaced the snapshot or kept it as the newer one, and non-zero
// on any failure, leaving the snapshot as it was.
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/currency-convertor-ecs/currency-api/internal/atomicfile"
	"github.com/currency-convertor-ecs/currency-api/internal/ecb"
)

// defaultGz is the snapshot, relative to the repository root the pipeline
// runs in.
const defaultGz = "internal/ecb/eurofxref-hist.csv.gz"

func main() {
	if err := run(context.Background(), os.Args, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "ratesnapshot:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) < 2 {
		return errors.New("usage: ratesnapshot info|update [flags]")
	}
	switch args[1] {
	case "info":
		return info(args[2:], stdout)
	case "update":
		return update(ctx, args[2:], stdout)
	default:
		return fmt.Errorf("unknown command %q: want info or update", args[1])
	}
}

func info(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("info", flag.ContinueOnError)
	gz := fs.String("gz", defaultGz, "the gzipped snapshot")
	field := fs.String("field", "", "print only this: first, last, publications or sha256")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("info takes no arguments, got %q", fs.Args())
	}
	si, err := readSnapshot(*gz)
	if err != nil {
		return err
	}
	switch *field {
	case "":
		_, err = fmt.Fprintf(stdout, "file: %s\nfirst: %s\nlast: %s\npublications: %d\nsha256: %s\n", *gz, si.First, si.Last, si.Publications, si.SHA256)
	case "first":
		_, err = fmt.Fprintln(stdout, si.First)
	case "last":
		_, err = fmt.Fprintln(stdout, si.Last)
	case "publications":
		_, err = fmt.Fprintln(stdout, si.Publications)
	case "sha256":
		_, err = fmt.Fprintln(stdout, si.SHA256)
	default:
		return fmt.Errorf("-field %q: want first, last, publications or sha256", *field)
	}
	return err
}

// readSnapshot reads and checks the gzipped CSV at path.
func readSnapshot(path string) (ecb.SnapshotInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return ecb.SnapshotInfo{}, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return ecb.SnapshotInfo{}, fmt.Errorf("%s: %w", path, err)
	}
	_, si, err := ecb.LoadCSV(zr)
	if err != nil {
		return ecb.SnapshotInfo{}, fmt.Errorf("%s: %w", path, err)
	}
	return si, nil
}

func update(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("update", flag.ContinueOnError)
	gz := fs.String("gz", defaultGz, "the gzipped snapshot to replace")
	timeout := fs.Duration("timeout", time.Minute, "bound on the download, connect to last byte")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: ratesnapshot update [-gz PATH] [-timeout D] URL|FILE")
	}
	source := fs.Arg(0)
	old, err := readSnapshot(*gz)
	if err != nil {
		return fmt.Errorf("the current snapshot: %w", err)
	}
	zipped, err := load(ctx, source, *timeout)
	if err != nil {
		return err
	}
	csv, err := ecb.UnzipHistory(zipped)
	if err != nil {
		return fmt.Errorf("%s: %w", source, err)
	}
	_, si, err := ecb.LoadCSV(bytes.NewReader(csv))
	if err != nil {
		return fmt.Errorf("%s: %w", source, err)
	}
	switch {
	case si.Last <= old.Last:
		_, err := fmt.Fprintf(stdout, "kept %s (to %s, sha256 %s): %s ends on %s, no later\n", *gz, old.Last, old.SHA256, source, si.Last)
		return err
	case si.First > old.First:
		return fmt.Errorf("%s starts on %s, after the snapshot's %s: it would lose publications", source, si.First, old.First)
	}
	if err := writeGzip(*gz, csv); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "updated %s from %s: %s to %s, %d publications (was to %s, %d), sha256 %s\n",
		*gz, source, si.First, si.Last, si.Publications, old.Last, old.Publications, si.SHA256)
	return err
}

// load returns the body at an http(s) URL, or the file at a path, reading
// at most the cap the service's ECB client puts on the same feed.
func load(ctx context.Context, source string, timeout time.Duration) ([]byte, error) {
	var r io.Reader
	if strings.HasPrefix(source, "https://") || strings.HasPrefix(source, "http://") {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, source, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", "application/zip")
		resp, err := (&http.Client{Timeout: timeout}).Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("GET %s: status %s", source, resp.Status)
		}
		r = resp.Body
	} else {
		f, err := os.Open(source)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	body, err := io.ReadAll(io.LimitReader(r, ecb.HistoryMaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	if len(body) > ecb.HistoryMaxBytes {
		return nil, fmt.Errorf("%s: %w: over %d bytes", source, ecb.ErrTooLarge, ecb.HistoryMaxBytes)
	}
	return body, nil
}

// writeGzip replaces path with csv gzipped reproducibly: best compression
// and a header with no name and no time. It writes it whole or not at all
// (atomicfile), so a failure leaves the old snapshot whole.
func writeGzip(path string, csv []byte) error {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := zw.Write(csv); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return atomicfile.Write(path, buf.Bytes())
}
