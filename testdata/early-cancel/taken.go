// The package declares a cancelOnClose of its own, without the Close
// that cancels: it is not leakfix's, and the fix would need the name.
package taken

import (
	"context"
	"io"
	"net/http"
	"time"
)

type cancelOnClose struct {
	io.ReadCloser
	cancel func()
}

func Open(ctx context.Context, c *http.Client, req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel() // want `no automatic fix: the package declares a cancelOnClose of its own`
	return c.Do(req.WithContext(ctx))
}
