// Response bodies that are never closed, with net/http imported under
// another name.
package http

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	nethttp "net/http"
	"net/url"
	"strings"
)

func Get(u string) ([]byte, error) {
	resp, err := nethttp.Get(u) // want `resp.Body \(response body from http.Get\) is never closed$`
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", u, err)
	}
	if resp.StatusCode != nethttp.StatusOK {
		return nil, fmt.Errorf("status %s", resp.Status)
	}
	return io.ReadAll(resp.Body)
}

func Do(ctx context.Context, c *nethttp.Client, u string, v any) error {
	req, err := nethttp.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req) // want `resp.Body \(response body from \(\*http.Client\).Do\)`
	if err != nil {
		return err
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

func Post(c *nethttp.Client, u string) (int, error) {
	r, err := c.Post(u, "text/plain", strings.NewReader("hi")) // want `r.Body`
	if err != nil {
		return 0, err
	}
	return r.StatusCode, nil
}

func Form(u string) (string, error) {
	resp, err := nethttp.PostForm(u, url.Values{"a": {"b"}}) // want `resp.Body`
	if err != nil {
		return "", err
	}
	return resp.Header.Get("Content-Type"), nil
}

func Head(u string) (int64, error) {
	resp, err := nethttp.Head(u) // want `resp.Body`
	if err != nil {
		return 0, err
	}
	return resp.ContentLength, nil
}

// With its error discarded the response may be nil, and a deferred
// resp.Body.Close() would panic: reported, not fixed.
func Unchecked(u string) int {
	resp, _ := nethttp.Get(u) // want `no automatic fix: its error is not checked, so it may be nil`
	return resp.StatusCode
}
