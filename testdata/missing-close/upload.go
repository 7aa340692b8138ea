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

// The temporary files of a form read from a multipart.Reader stay on disk
// until RemoveAll.
func Form(r *multipart.Reader) (int, error) {
	form, err := r.ReadForm(32 << 20) // want `form \(multipart form from \(\*multipart.Reader\).ReadForm\) is never released$`
	if err != nil {
		return 0, err
	}
	return len(form.File), nil
}

// A server's parsed form needs no RemoveAll: net/http removes its files
// after the handler returns.
func Parsed(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Write([]byte(r.FormValue("name")))
}
