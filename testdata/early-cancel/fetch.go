// Responses made with a context that a deferred cancel ends on return.
package fetch

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Open returns the response for the caller to read: the deferred cancel
// would fail every read with "context canceled".
func Open(ctx context.Context, c *http.Client, url string) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel() // want `the deferred cancel\(\) ends the context of resp.Body \(response body from \(\*http.Client\).Do\) when the function returns, but the response leaves the function`
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("%s: %s", url, resp.Status)
	}
	return resp, nil
}

type Stream struct{ body io.ReadCloser }

// The body is stored, and the defer sits in an if: it still runs at return.
func (s *Stream) Start(ctx context.Context, c *http.Client, req *http.Request, limit bool) error {
	ctx, cancel := context.WithCancel(ctx)
	if limit {
		defer cancel() // want `the deferred cancel\(\) ends the context`
	}
	resp, err := c.Do(req.WithContext(ctx))
	if err != nil {
		return err
	}
	s.body = resp.Body
	return nil
}

// Read whole before the function returns: the deferred cancel is right.
func Get(ctx context.Context, c *http.Client, url string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// The cancel is called by hand too: not certain, reported only.
func Both(ctx context.Context, c *http.Client, req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // want `no automatic fix: cancel is used elsewhere too`
	resp, err := c.Do(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	return resp, nil
}
