// Two files of one package hand responses on: cancelOnClose is declared
// once, at the end of a.go (the first of them by name), which gets the
// import of io it needs; the fix in b.go carries that same declaration.
package twofiles

import (
	"context"
	"net/http"
	"time"
)

func Open(ctx context.Context, c *http.Client, url string) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel() // want `the deferred cancel\(\) ends the context of resp.Body`
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	return resp, nil
}
