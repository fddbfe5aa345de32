package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
)

// refNameAnnotation is how an OCI layout's index.json names its entries
// (umoci unpack --image DIR:NAME, skopeo oci:DIR:NAME).
const refNameAnnotation = "org.opencontainers.image.ref.name"

// writeLayout writes idx to dir as an OCI image layout whose index.json
// holds one entry, idx, named ref. A dir that is not empty must be an
// earlier layout (it has an oci-layout file): it is replaced, so the layout
// holds this build's blobs only. Anything else is refused rather than
// deleted.
func writeLayout(dir, ref string, idx v1.ImageIndex) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("-layout: %w", err)
	case len(entries) > 0:
		if _, err := os.Stat(filepath.Join(dir, "oci-layout")); err != nil {
			return fmt.Errorf("-layout %s: not empty and not an OCI layout (no oci-layout file): refusing to replace it", dir)
		}
		if err := os.RemoveAll(dir); err != nil {
			return fmt.Errorf("-layout: replace %s: %w", dir, err)
		}
	}
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return fmt.Errorf("-layout: %w", err)
	}
	if err := p.AppendIndex(idx, layout.WithAnnotations(map[string]string{refNameAnnotation: ref})); err != nil {
		return fmt.Errorf("-layout: write the index: %w", err)
	}
	return nil
}
