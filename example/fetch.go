package leaky

import (
	"fmt"
	"io"
	"net/http"
)

// Fetch downloads a document. On a non-200 status it returns early and the
// body stays open, pinning the connection.
func Fetch(c *http.Client, url string) ([]byte, error) {
	resp, err := c.Get(url)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch %s: %s", url, resp.Status)
	}
	return io.ReadAll(resp.Body)
}

// BlobReader streams a blob lazily: it keeps the response body open on
// purpose, for later reads. leakfix leaves it alone.
type BlobReader struct {
	body io.ReadCloser
}

// Open starts the download.
func (b *BlobReader) Open(c *http.Client, url string) error {
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	b.body = resp.Body
	return nil
}

// Read reads from the blob.
func (b *BlobReader) Read(p []byte) (int, error) { return b.body.Read(p) }

// Close closes the blob.
func (b *BlobReader) Close() error { return b.body.Close() }
