// Uploaded files from a multipart form, never closed.
package upload

import (
	"io"
	"mime/multipart"
	"net/http"
	"os"
)

func Handle(w http.ResponseWriter, r *http.Request) {
	file, hdr, err := r.FormFile("upload") // want `file \(multipart file from \(\*http.Request\).FormFile\)`
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	dst, err := os.Create(hdr.Filename) // want `dst \(file from os.Create\)`
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	io.Copy(dst, file)
}

func Size(fh *multipart.FileHeader) (int64, error) {
	f, err := fh.Open() // want `f \(multipart file from \(\*multipart.FileHeader\).Open\)`
	if err != nil {
		return 0, err
	}
	return io.Copy(io.Discard, f)
}
