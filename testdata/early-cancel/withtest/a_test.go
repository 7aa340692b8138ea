package withtest

import (
	"context"
	"net/http"
	"time"
)

func openForTest(ctx context.Context, c *http.Client, req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel() // want `the deferred cancel\(\) ends the context`
	return c.Do(req.WithContext(ctx))
}
