// Decompressing readers, whose Close releases the decompressor but not
// the reader under it.
package decompress

import (
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"io"
	"os"
)

func ReadGzip(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f) // want `zr \(decompressing reader from gzip.NewReader\) is never closed$`
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

// flate.NewReader returns no error, and is never nil.
func Inflate(r io.Reader) ([]byte, error) {
	fr := flate.NewReader(r) // want `never closed$`
	return io.ReadAll(fr)
}

// Declared in a case clause and read through another variable once the
// clause ends: the deferred close holds the reader itself (prometheus's
// OTLP decoder).
func Decode(body io.Reader, encoding string) ([]byte, error) {
	reader := body
	switch encoding {
	case "gzip":
		gr, err := gzip.NewReader(reader) // want `gr \(decompressing reader from gzip.NewReader\) is never closed$`
		if err != nil {
			return nil, err
		}
		reader = gr
	case "":
	default:
		return nil, errors.New("unsupported encoding")
	}
	return io.ReadAll(reader)
}

// Negatives.

func Closed(r io.Reader) ([]byte, error) {
	zr, err := zlib.NewReader(r)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	return io.ReadAll(zr)
}

func Returned(r io.Reader) (io.ReadCloser, error) {
	return gzip.NewReader(r)
}

type stream struct{ zr *gzip.Reader }

func Stored(r io.Reader) (*stream, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, err
	}
	return &stream{zr: zr}, nil
}
