package rewrite

import (
	"io/fs"
	"os"
	"path/filepath"
)

// CreateFile adds a new file at path with data, atomically and only if
// nothing is there: the data goes to a temporary file in the same directory,
// which is synced and then hard-linked to path, so that a reader sees the
// whole file or none, and an existing file is never overwritten.
func CreateFile(path string, data []byte) error {
	fail := func(err error) error {
		return &fs.PathError{Op: "create", Path: path, Err: writeStripPathError(err)}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".leakfix-*.tmp")
	if err != nil {
		return fail(err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fail(err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		return fail(err)
	}
	return nil
}
