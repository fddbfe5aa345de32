// Package cdktf derives a Terraform provider schema from a cdktf prebuilt
// provider package (e.g. the npm package @cdktf/provider-aws), reading its
// .jsii assembly and generated JavaScript straight from the npm tarball.
package cdktf

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strings"
)

// Package is the parsed content of a cdktf provider npm tarball.
type Package struct {
	Name    string // npm package name, from package.json
	Version string // npm package version
	jsii    *jsiiAssembly
	js      map[string]*jsDir // by lib/ directory name
}

// ReadTarball reads a gzipped npm tarball (as written by `npm pack`) in one
// streaming pass; nothing is unpacked to disk.
func ReadTarball(r io.Reader) (*Package, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("gunzip: %w", err)
	}
	defer gz.Close()
	p := &Package{js: map[string]*jsDir{}}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("tar: %w", err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		// npm tarballs put everything under "package/".
		name := strings.TrimPrefix(h.Name, "package/")
		switch {
		case name == "package.json":
			var pj struct{ Name, Version string }
			if err := json.NewDecoder(tr).Decode(&pj); err != nil {
				return nil, fmt.Errorf("package.json: %w", err)
			}
			p.Name, p.Version = pj.Name, pj.Version
		case name == ".jsii":
			if p.jsii, err = decodeJSII(tr); err != nil {
				return nil, fmt.Errorf(".jsii: %w", err)
			}
		case strings.HasPrefix(name, "lib/") && path.Ext(name) == ".js":
			parts := strings.Split(name, "/")
			if len(parts) < 3 { // lib/index.js: just re-exports
				continue
			}
			d := p.js[parts[1]]
			if d == nil {
				d = newJSDir()
				p.js[parts[1]] = d
			}
			if err := parseJS(tr, d); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
		}
	}
	if p.jsii == nil {
		return nil, fmt.Errorf("no .jsii assembly in the tarball")
	}
	if len(p.js) == 0 {
		return nil, fmt.Errorf("no lib/*/index.js in the tarball")
	}
	return p, nil
}
