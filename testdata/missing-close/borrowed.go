// Resources lent to standard functions that only write to them or read
// from them during the call (a request written to a connection, a
// template executed into a file, a PEM block encoded into it), and
// functions that keep what they are given: a CPU profile writes to its
// file until it is stopped, and a response read from a connection reads
// its body on from it.
package borrowed

import (
	"bufio"
	"encoding/pem"
	"errors"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"text/template"
)

// A websocket client's dial: the upgrade request written to the
// connection, which leaks when the write fails.
func Upgrade(addr string, req *http.Request) (net.Conn, error) {
	c, err := net.Dial("tcp", addr) // want `c \(connection from net.Dial\) is left open at the return on line 28$`
	if err != nil {
		return nil, err
	}
	if err := req.Write(c); err != nil {
		return nil, err
	}
	return c, nil
}

// The same, with the connection declared first and assigned.
func UpgradeVar(addr string, req *http.Request) (net.Conn, error) {
	var conn net.Conn
	var err error
	conn, err = net.Dial("tcp", addr) // want `conn \(connection from net.Dial\) is left open at the return on line 42$`
	if err != nil {
		return nil, err
	}
	if err = req.Write(conn); err != nil {
		return nil, err
	}
	return conn, nil
}

// A PEM block encoded into a file closed only on success.
func WritePEM(path string, b *pem.Block) error {
	f, err := os.Create(path) // want `f \(file from os.Create\) is left open at the return on line 54$`
	if err != nil {
		return err
	}
	if err := pem.Encode(f, b); err != nil {
		return err
	}
	return f.Close()
}

// A template executed into a file that is never closed.
func Render(path string, t *template.Template, data any) error {
	f, err := os.Create(path) // want `f \(file from os.Create\) is never closed$`
	if err != nil {
		return err
	}
	return t.Execute(f, data)
}

// The profile writes to f until pprof.StopCPUProfile: no close here.
func StartProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	return pprof.StartCPUProfile(f)
}

var errBadHandshake = errors.New("bad handshake")

// The response returned on a failed handshake reads its body from c:
// closing c there would cut off a caller reading it.
func Handshake(addr string, req *http.Request) (net.Conn, *http.Response, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	if err := req.Write(c); err != nil {
		c.Close()
		return nil, nil, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), req)
	if err != nil {
		c.Close()
		return nil, nil, err
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		return nil, resp, errBadHandshake
	}
	return c, resp, nil
}
