// Results thrown away: no one can read them, so they are released where
// they are acquired, when the call succeeds (a handshake's response, where
// it fails). Where the statement has no room for that, reported.
package discarded

import (
	"database/sql"
	"net"
	"net/http"
	"os"
)

// A reverse proxy warming its upstream.
func Warm(t http.RoundTripper, req *http.Request) {
	_, _ = t.RoundTrip(req) // want `the response body from \(http.RoundTripper\).RoundTrip is never closed$`
}

// The error kept, the response dropped.
func Ping(c *http.Client, u string) error {
	_, err := c.Get(u) // want `the response body from \(\*http.Client\).Get is never closed$`
	return err
}

// A touch.
func Touch(p string) {
	os.Create(p) // want `the file from os.Create is never closed$`
}

// The name the fix picks is not taken.
func Reachable(addr string) bool {
	conn := "unused"
	_ = conn
	_, err := net.Dial("tcp", addr) // want `the connection from net.Dial is never closed$`
	return err == nil
}

// A transaction begun for nothing is rolled back.
func Begin(db *sql.DB) error {
	_, err := db.Begin() // want `the transaction from \(\*sql.DB\).Begin is never released$`
	return err
}

// In an if's init: no statement can go after it there.
func InIf(t http.RoundTripper, req *http.Request) error {
	if _, err := t.RoundTrip(req); err != nil { // want `no automatic fix: the result is discarded in a statement leakfix cannot add to`
		return err
	}
	return nil
}

// Assigned with =: no variable can be declared for it there.
func Assigned(c *http.Client, u string) (err error) {
	_, err = c.Get(u) // want `no automatic fix: the result is discarded, and its assignment cannot declare a variable for it`
	return err
}

// Declared with var: the declaration is left as it is.
func Declared(c *http.Client, u string) error {
	var _, err = c.Get(u) // want `no automatic fix: the result is discarded in a statement leakfix cannot add to`
	return err
}
