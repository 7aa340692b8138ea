// Leaks leakfix reports but cannot fix safely, and results thrown away.
package unknown

import (
	"io"
	"net"
	"net/http"
	"os"
	"testing"
)

// A function value: what it does with the file cannot be known.
var process = func(f *os.File) error { return f.Close() }

func Helper(path string) error {
	f, err := os.Open(path) // want `never closed here \(no automatic fix: it is passed to process on line 20, which may close or keep it\)`
	if err != nil {
		return err
	}
	return process(f)
}

func Closure(path string) func() []byte {
	f, err := os.Open(path) // want `no automatic fix: it is captured by a function literal`
	if err != nil {
		return nil
	}
	return func() []byte {
		b, _ := io.ReadAll(f)
		return b
	}
}

func Reassigned(a, b string) error {
	f, err := os.Open(a) // want `f \(file from os.Open\) is left open at line 40, which overwrites it$`
	if err != nil {
		return err
	}
	f.Stat()
	f, err = os.Open(b) // want `f \(file from os.Open\) is never closed$`
	if err != nil {
		return err
	}
	f.Stat()
	return nil
}

func InLoop(paths []string) error {
	for _, p := range paths {
		f, err := os.Open(p) // want `f \(file from os.Open\) is never closed$`
		if err != nil {
			return err
		}
		io.Copy(io.Discard, f)
	}
	return nil
}

func Discarded(path string) {
	os.Open(path) // want `the file from os.Open is never closed$`
}

func BlankResult(path string) error {
	_, err := os.Open(path) // want `the file from os.Open is never closed$`
	return err
}

func Unchecked(path string) []byte {
	f, err := os.Open(path) // want `f \(file from os.Open\) is never closed$`
	b, _ := io.ReadAll(f)
	if err != nil {
		return nil
	}
	return b
}

func LoggedOnly(path string) []byte {
	f, err := os.Open(path) // want `no automatic fix: its error is not checked right after`
	if err != nil {
		println(err.Error())
	}
	b, _ := io.ReadAll(f)
	return b
}

func IfInit(path string) {
	if f, err := os.Open(path); err == nil { // want `f \(file from os.Open\) is never closed$`
		f.Stat()
	}
}

// The value is needed only where the check fails (nats-server's monitor
// tests): the test ends there, so nothing is worth reporting.
func IfInitFatal(t *testing.T, url string) {
	if resp, err := http.Get(url); err == nil {
		t.Fatalf("expected an error, got %v", resp.Status)
	}
}

// The function closes or returns the connection where it can judge it;
// the return after the doubtful call is said, since nothing shows that
// handshake keeps the connection when it fails.
var handshake func(net.Conn) error

func DialChecked(addr string) (net.Conn, error) {
	c, err := net.Dial("tcp", addr) // want `c \(connection from net.Dial\) may be left open at the return on line 111 \(no automatic fix: it is passed to handshake on line 110, which may close or keep it\)$`
	if err != nil {
		return nil, err
	}
	if err := handshake(c); err != nil {
		return nil, err
	}
	return c, nil
}
