// Package leaky leaks a file (missing-close, on by default) and reads a
// response body with no limit (unbounded-client-read, off by default).
package leaky

import (
	"io"
	"net/http"
	"os"
)

func Size(path string) (int64, error) {
	f, err := os.Open(path) // want `^missing-close: f \(file from os.Open\) is never closed$`
	if err != nil {
		return 0, err
	}
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

func Fetch(c *http.Client, u string) ([]byte, error) {
	resp, err := c.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body) // want `^unbounded-client-read: resp.Body is read whole with no limit on its size$`
}
