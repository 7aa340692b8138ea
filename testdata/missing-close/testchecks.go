// Checks that end the test on an error, written as the program's own
// helpers (nats-server's require_NoError, restic's rtest.OK): the close goes
// after them.
package testchecks

import (
	"net/http"
	"os"
	"testing"
)

func requireNoError(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

func OpenChecked(t *testing.T, name string) {
	f, err := os.Open(name) // want `f \(file from os.Open\) is never closed$`
	requireNoError(t, err)
	f.Stat()
}

func GetChecked(t *testing.T, c *http.Client, url string) {
	resp, err := c.Get(url) // want `resp.Body \(response body from \(\*http.Client\).Get\) is never closed$`
	requireNoError(t, err)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status %s", resp.Status)
	}
}

// A check that returns does not end the test: no fix.
func logError(t testing.TB, err error) {
	if err != nil {
		t.Log(err)
		return
	}
}

func GetLogged(t *testing.T, c *http.Client, url string) {
	resp, err := c.Get(url) // want `no automatic fix: its error is not checked`
	logError(t, err)
	t.Log(resp.Status)
}

// The error checked the other way round: released where it is used.
func Inverted(c *http.Client, url string) (int, error) {
	resp, err := c.Get(url) // want `resp.Body \(response body from \(\*http.Client\).Get\) is never closed$`
	if err == nil {
		status := resp.StatusCode
		return status, nil
	}
	return 0, err
}
