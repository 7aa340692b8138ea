package leaky

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
)

// Upload saves an uploaded file. Neither the upload nor the file it
// creates is ever closed.
func Upload(w http.ResponseWriter, r *http.Request) {
	src, hdr, err := r.FormFile("file")
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	dst, err := os.Create(filepath.Join(os.TempDir(), filepath.Base(hdr.Filename)))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if _, err := io.Copy(dst, src); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusCreated)
}

// An Archiver stores files somewhere leakfix cannot see.
type Archiver interface {
	Archive(f *os.File) error
}

// Archive opens a file and gives it to an Archiver, which may or may not
// close it: leakfix reports the leak and leaves the code alone.
func Archive(a Archiver, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	return a.Archive(f)
}
