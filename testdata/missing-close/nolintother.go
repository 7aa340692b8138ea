// A //nolint for other linters silences none of leakfix's findings, and a
// //nolint:bodyclose above a function silences missing-close only there.
package nolintother

import (
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
