// A //nolint for other linters silences none of leakfix's findings, a
// //nolint:bodyclose above a function silences missing-close only there,
// and one on a line silences nothing: go-openai's sendRequestRaw says the
// outer function closes the body, which holds where it is returned, not
// where the status is an error.
package nolintother

import (
	"errors"
	"net/http"
	"os"
)

//nolint:errcheck // not about closing
func OtherLinter(path string) (string, error) {
	f, err := os.Open(path) // want `f \(file from os.Open\) is never closed`
	if err != nil {
		return "", err
	}
	return f.Name(), nil
}

//nolint:bodyclose // a mock
func Mock(rt http.RoundTripper) bool {
	res, err := rt.RoundTrip(&http.Request{})
	return err == nil && res != nil
}

func After(rt http.RoundTripper) (int, error) {
	res, err := rt.RoundTrip(&http.Request{}) // want `res.Body \(response body from \(http.RoundTripper\).RoundTrip\) is never closed`
	if err != nil {
		return 0, err
	}
	return res.StatusCode, nil
}

func Handed(c *http.Client, req *http.Request) (*http.Response, error) {
	resp, err := c.Do(req) //nolint:bodyclose // body should be closed by outer function // want `resp.Body \(response body from \(\*http.Client\).Do\) is left open at the return on line 43`
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 400 {
		return nil, errors.New(resp.Status)
	}
	return resp, nil
}
