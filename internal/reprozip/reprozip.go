// Package reprozip writes zip archives that depend only on their entries:
// deflated, every entry at one fixed time, no extra fields, modes as given.
// The pipeline's source bundle and the rotation Lambda's package are built
// with it, so the same files give the same bytes and the same hash.
package reprozip

import (
	"archive/zip"
	"bytes"
	"io/fs"
)

// Entry is one file of an archive.
type Entry struct {
	Name string // slash-separated, relative
	Mode fs.FileMode
	Data []byte
}

// msdosEpoch is 1980-01-01 00:00:00, the earliest time a zip entry can hold,
// as MS-DOS date and time fields: every entry gets it, so the archive does
// not depend on when or where it was built.
const (
	msdosEpochDate = 1<<5 | 1 // year 0 (1980), month 1, day 1
	msdosEpochTime = 0
)

// Write returns the archive of entries, in the order given.
func Write(entries []Entry) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		fh := &zip.FileHeader{Name: e.Name, Method: zip.Deflate}
		// The MS-DOS fields, not Modified: Modified would add an extended
		// timestamp extra field to every entry.
		fh.ModifiedDate = msdosEpochDate //lint:ignore SA1019 see above
		fh.ModifiedTime = msdosEpochTime //lint:ignore SA1019 see above
		fh.SetMode(e.Mode)
		w, err := zw.CreateHeader(fh)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(e.Data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
