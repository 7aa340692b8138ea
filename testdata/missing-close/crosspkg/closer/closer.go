// Package closer has helpers that take over, or only use, what they are
// given; other packages learn which from facts (go vet) or summaries (the
// command line).
package closer

import (
	"io"
	"os"
)

// Drain reads r to the end and closes it.
func Drain(r io.ReadCloser) error {
	defer r.Close()
	_, err := io.Copy(io.Discard, r)
	return err
}

// Size only looks at the file: it stays the caller's to close.
func Size(f *os.File) (int64, error) {
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}
