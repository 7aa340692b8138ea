package twofiles

import (
	"context"
	"net/http"
	"time"
)

func Fetch(ctx context.Context, c *http.Client, req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel() // want `the deferred cancel\(\) ends the context of the response body`
	return c.Do(req.WithContext(ctx))
}
