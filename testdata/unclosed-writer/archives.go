// Compressing and archiving writers whose trailer is never written, in the
// shapes real code writes them.
package archives

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
)

// The gzip footer is never written: readers of the file fail with
// "unexpected EOF".
func Compress(name string, data []byte) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	defer f.Close()
	zw := gzip.NewWriter(f) // want `zw \(compressing writer from gzip.NewWriter\) is never closed: its output is never finished, and readers of it fail$`
	if _, err := zw.Write(data); err != nil {
		return err
	}
	return nil
}

// Into a buffer the return reads: the close goes before it.
func Gzip(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf) // want `never closed`
	if _, err := zw.Write(data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// A level that may be refused: the writer is live after the check.
func Deflate(w io.Writer, data []byte, level int) error {
	zw, err := zlib.NewWriterLevel(w, level) // want `never closed`
	if err != nil {
		return err
	}
	_, err = zw.Write(data)
	return err
}

// The tar writer is closed, the gzip writer under it is not: its Close
// does not close what it writes to.
func Archive(out io.Writer, name string, data []byte) error {
	gz := gzip.NewWriter(out) // want `gz \(compressing writer from gzip.NewWriter\) is never closed`
	tw := tar.NewWriter(gz)
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data))}); err != nil {
		return err
	}
	if _, err := tw.Write(data); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return nil
}

// A zip's central directory, on a function that returns nothing.
func ZipTo(out io.Writer, files map[string][]byte) {
	zw := zip.NewWriter(out) // want `never closed`
	for name, data := range files {
		w, err := zw.Create(name)
		if err != nil {
			return
		}
		w.Write(data)
	}
}

// The request reads the buffer's length when it is made: a Close at the
// return would come after it, and is the author's to place.
func Upload(url string, data []byte) (*http.Request, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body) // want `never closed.*no automatic fix: body is used on line \d+, where mw may still hold writes, so a release at the exit would come too late`
	part, err := mw.CreateFormFile("file", "data.bin")
	if err != nil {
		return nil, err
	}
	part.Write(data)
	req, err := http.NewRequest(http.MethodPost, url, &body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req, nil
}

// Negatives.

func Closed(w io.Writer, data []byte) error {
	zw := gzip.NewWriter(w)
	if _, err := zw.Write(data); err != nil {
		zw.Close()
		return err
	}
	return zw.Close()
}

func DeferredClose(name string, data []byte) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	defer zw.Close()
	w, err := zw.Create("data")
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// closeQuietly is the program's own helper.
func closeQuietly(c io.Closer) {
	if err := c.Close(); err != nil {
		println(err.Error())
	}
}

func ClosedByHelper(w io.Writer, data []byte) {
	zw := gzip.NewWriter(w)
	zw.Write(data)
	closeQuietly(zw)
}

func Returned(w io.Writer) io.WriteCloser {
	zw := gzip.NewWriter(w)
	return zw
}

type Tarball struct{ tw *tar.Writer }

func Stored(w io.Writer) *Tarball {
	tw := tar.NewWriter(w)
	return &Tarball{tw: tw}
}

func Form(data []byte) (*bytes.Buffer, string, error) {
	body := &bytes.Buffer{}
	mw := multipart.NewWriter(body)
	part, err := mw.CreateFormFile("file", "f")
	if err != nil {
		return nil, "", err
	}
	part.Write(data)
	if err := mw.Close(); err != nil {
		return nil, "", err
	}
	return body, mw.FormDataContentType(), nil
}

// The closing boundary spelled by hand, after a file streamed between the
// parts (goreleaser's S3 upload): Boundary hands the trailer over.
func Streamed(url string, fields map[string]string, file io.Reader) (*http.Request, error) {
	var head bytes.Buffer
	writer := multipart.NewWriter(&head)
	for k, v := range fields {
		if err := writer.WriteField(k, v); err != nil {
			return nil, err
		}
	}
	if _, err := writer.CreateFormFile("file", "data"); err != nil {
		return nil, err
	}
	tail := "\r\n--" + writer.Boundary() + "--\r\n"
	req, err := http.NewRequest(http.MethodPost, url, io.MultiReader(bytes.NewReader(head.Bytes()), file, strings.NewReader(tail)))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", writer.FormDataContentType())
	return req, nil
}
