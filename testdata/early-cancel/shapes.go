// The shapes real code writes the cancel-before-read bug in.
package shapes

import (
	"context"
	"io"
	"net/http"
	"time"
)

type Client struct{ hc *http.Client }

// The response is returned as it is made.
func (c *Client) Direct(ctx context.Context, url string) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel() // want `the deferred cancel\(\) ends the context of the response body from \(\*http.Client\).Do`
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return c.hc.Do(req)
}

type Result struct {
	Status int
	Body   io.Reader
}

// Declared with var and assigned with =, the request cloned with the
// context, the body stored in a field of the returned struct.
func (c *Client) Fields(ctx context.Context, req *http.Request, timeout time.Duration) (r *Result, err error) {
	var (
		rsp    *http.Response
		cancel context.CancelFunc
	)
	r = &Result{}
	ctx, cancel = context.WithTimeout(ctx, timeout)
	defer cancel() // want `the deferred cancel\(\) ends the context of rsp.Body`
	req = req.Clone(ctx)
	rsp, err = c.hc.Do(req)
	if err != nil {
		return
	}
	r.Status = rsp.StatusCode
	r.Body = rsp.Body
	return
}

// A helper of the program drains and closes the body: the cancel is right.
func (c *Client) Save(ctx context.Context, req *http.Request) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	resp, err := c.hc.Do(req.WithContext(ctx))
	if err != nil {
		return err
	}
	return drainAndClose(resp)
}

func drainAndClose(resp *http.Response) error {
	_, err := io.Copy(io.Discard, resp.Body)
	if cerr := resp.Body.Close(); err == nil {
		err = cerr
	}
	return err
}

// do is a helper of the program that returns the response of the request
// it is given.
func (c *Client) do(req *http.Request) (*http.Response, error) {
	req.Header.Set("User-Agent", "shapes")
	return c.hc.Do(req)
}

// The response comes from the helper, and is returned.
func (c *Client) ViaHelper(ctx context.Context, req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel() // want `the deferred cancel\(\) ends the context of resp.Body \(response body from \(\*shapes.Client\).do\)`
	resp, err := c.do(req.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	return resp, nil
}
