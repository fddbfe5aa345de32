// Command genschema derives a Terraform provider schema (in the format of
// `tofu providers schema -json`) from a cdktf prebuilt provider npm tarball,
// e.g. the output of `npm pack @cdktf/provider-aws@21.22.1`.
//
//	genschema -tarball cdktf-provider-aws-21.22.1.tgz -out schema.json \
//	          -provider registry.opentofu.org/hashicorp/aws -stamp STAMP
//
// The output is written to a temporary file and renamed into place, so an
// interrupted run never leaves a half-written schema for build.sh to trust.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/currency-convertor-ecs/currency-api/infra/tools/provider-stub/internal/cdktf"
	"github.com/currency-convertor-ecs/currency-api/infra/tools/provider-stub/internal/tfschema"
)

func main() {
	tarball := flag.String("tarball", "", "npm tarball of a cdktf prebuilt provider (required)")
	out := flag.String("out", "", "schema JSON to write (required)")
	provider := flag.String("provider", "registry.opentofu.org/hashicorp/aws", "provider address to file the schema under")
	stamp := flag.String("stamp", "", "opaque stamp recorded in the output (build.sh uses it to decide on regeneration)")
	wantVersion := flag.String("want-provider-version", "", "fail unless the package was generated from this provider version")
	flag.Parse()
	if *tarball == "" || *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*tarball, *out, *provider, *stamp, *wantVersion); err != nil {
		fmt.Fprintln(os.Stderr, "genschema:", err)
		os.Exit(1)
	}
}

func run(tarball, out, provider, stamp, wantVersion string) error {
	start := time.Now()
	f, err := os.Open(tarball)
	if err != nil {
		return err
	}
	defer f.Close()
	// Hash while reading: the digest goes into the provenance stamp.
	h := sha256.New()
	pkg, err := cdktf.ReadTarball(io.TeeReader(f, h))
	if err != nil {
		return fmt.Errorf("%s: %w", tarball, err)
	}
	_, _ = io.Copy(h, f) // hash any trailing bytes the gzip reader left
	read := time.Since(start)

	res, err := pkg.Derive()
	if err != nil {
		return err
	}
	// tofu rejects the whole provider if one type's schema breaks its rules;
	// better to fail here, with every offender listed.
	if err := res.Schema.Validate(); err != nil {
		return fmt.Errorf("derived schema would be rejected by tofu:\n%w", err)
	}
	if wantVersion != "" && res.ProviderVersion != wantVersion {
		return fmt.Errorf("%s@%s was generated from provider %s, want %s", pkg.Name, pkg.Version, res.ProviderVersion, wantVersion)
	}

	doc := &tfschema.File{
		FormatVersion: tfschema.FormatVersion,
		Generator: &tfschema.Generator{
			Source:          "npm:" + pkg.Name + "@" + pkg.Version,
			SourceSHA256:    hex.EncodeToString(h.Sum(nil)),
			ProviderVersion: res.ProviderVersion,
			Stamp:           stamp,
			Resources:       len(res.Schema.ResourceSchemas),
			DataSources:     len(res.Schema.DataSourceSchemas),
			Notes:           res.Notes,
		},
		ProviderSchemas: map[string]*tfschema.ProviderSchema{provider: res.Schema},
	}
	data, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), ".schema-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil { // CreateTemp makes it 0600
		return err
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return err
	}

	fmt.Fprintf(os.Stderr, "genschema: %s@%s (hashicorp/aws %s): %d resources, %d data sources, %d bytes -> %s (read %.1fs, total %.1fs)\n",
		pkg.Name, pkg.Version, res.ProviderVersion, len(res.Schema.ResourceSchemas), len(res.Schema.DataSourceSchemas),
		len(data), out, read.Seconds(), time.Since(start).Seconds())
	for _, n := range res.Notes {
		fmt.Fprintln(os.Stderr, "genschema: note:", n)
	}
	return nil
}
