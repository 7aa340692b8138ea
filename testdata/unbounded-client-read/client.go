// Clients that read response bodies whole.
package client

import (
	"io"
	"net/http"
)

func Fetch(c *http.Client, u string) ([]byte, error) {
	resp, err := c.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body) // want `resp.Body is read whole with no limit on its size$`
}

func Bounded(c *http.Client, u string) ([]byte, error) {
	resp, err := c.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	resp.Body = http.MaxBytesReader(nil, resp.Body, 1<<20)
	return io.ReadAll(resp.Body)
}
