// The package has leakfix's cancelOnClose from an earlier run: a new fix
// uses it and declares nothing.
package reused

import (
	"context"
	"io"
	"net/http"
	"time"
)

func Open(ctx context.Context, c *http.Client, req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel() // want `the deferred cancel\(\) ends the context`
	return c.Do(req.WithContext(ctx))
}

// cancelOnClose is an HTTP response body that cancels the context of its
// request when it is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel func()
}

// Close closes the body, then cancels the context.
func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
