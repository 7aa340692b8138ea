// A websocket-style handshake: the dialer returns, beside the connection,
// the server's response, also when the handshake fails. Where it fails,
// the response is the caller's to close (its body holds the connection
// that was refused); where it succeeds, the body is the connection, which
// a close would cut. The fix closes it on the failing paths only, with a
// nil check where the call may have failed before any response.
package handshake

import (
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
)

var ErrBadHandshake = errors.New("bad handshake")

type Dialer struct{ Client *http.Client }

// Dial asks u to switch protocols. On success the response's body is the
// connection; on a refusal the response comes back with ErrBadHandshake.
func (d *Dialer) Dial(u string) (io.ReadWriteCloser, *http.Response, error) {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "websocket")
	resp, err := d.Client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		return nil, resp, ErrBadHandshake
	}
	rwc, ok := resp.Body.(io.ReadWriteCloser)
	if !ok {
		resp.Body.Close()
		return nil, nil, errors.New("body is not writable")
	}
	return rwc, resp, nil
}

// The refusal's status read where the response is known to be there.
func Connect(d *Dialer, u string) (io.ReadWriteCloser, error) {
	conn, resp, err := d.Dial(u) // want `resp.Body \(response body from \(\*handshake.Dialer\).Dial\) is left open at the return on line 50 if the call failed$`
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("handshake: %s", resp.Status)
		}
		return nil, err
	}
	return conn, nil
}

// The error alone: the response may be nil, so its close is guarded.
func ConnectErr(d *Dialer, u string) (io.ReadWriteCloser, error) {
	var resp *http.Response
	var conn io.ReadWriteCloser
	var err error
	conn, resp, err = d.Dial(u) // want `resp.Body \(response body from \(\*handshake.Dialer\).Dial\) is left open at the return on line 64 if the call failed$`
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", u, err)
	}
	log.Printf("connected: %s", resp.Status)
	return conn, nil
}

// errors.Is on the dial's error, retried in a loop.
func ConnectRetry(d *Dialer, u string, tries int) (io.ReadWriteCloser, error) {
	for range tries {
		conn, resp, err := d.Dial(u) // want `resp.Body \(response body from \(\*handshake.Dialer\).Dial\) is left open at the continue on line 75 and the return on line 78 if the call failed$`
		if errors.Is(err, ErrBadHandshake) && resp.StatusCode == http.StatusServiceUnavailable {
			continue
		}
		if err != nil {
			return nil, err
		}
		return conn, nil
	}
	return nil, errors.New("no more tries")
}

// Closed where it failed already: untouched.
func ConnectClosed(d *Dialer, u string) (io.ReadWriteCloser, error) {
	conn, resp, err := d.Dial(u)
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		return nil, err
	}
	return conn, nil
}

// The success's response is the connection: reading its header and
// handing on the connection leaves nothing to close.
func Subprotocol(d *Dialer, u string) (io.ReadWriteCloser, string, error) {
	conn, resp, err := d.Dial(u)
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		return nil, "", err
	}
	return conn, resp.Header.Get("Sec-WebSocket-Protocol"), nil
}

// The response discarded: named, and closed where the call failed, the
// only place it is the caller's.
func ConnectDiscarded(d *Dialer, u string) (io.ReadWriteCloser, error) {
	conn, _, err := d.Dial(u) // want `the response body from \(\*handshake.Dialer\).Dial is never closed when the call fails$`
	if err != nil {
		return nil, err
	}
	return conn, nil
}

// The error is not checked before the return: the call may have
// succeeded there, and the body is then the connection. Reported only.
func ConnectUnchecked(d *Dialer, u string) (io.ReadWriteCloser, error) {
	conn, resp, err := d.Dial(u) // want `resp.Body \(response body from \(\*handshake.Dialer\).Dial\) is left open at the return on line 125 if the call failed \(no automatic fix: at the return on line 125 the call may have succeeded, and what it returned is then another result's\)$`
	log.Printf("dial: %v", resp != nil)
	return conn, err
}

// A dialer that closes a refusal's body and hands back a stand-in, as
// gorilla/websocket hands back a copy: it acquires no response it
// returns, and its callers have nothing to close.
func (d *Dialer) DialDrained(u string) (io.ReadWriteCloser, *http.Response, error) {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return nil, nil, err
	}
	resp, err := d.Client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		resp.Body.Close()
		resp.Body = http.NoBody
		return nil, resp, ErrBadHandshake
	}
	rwc, ok := resp.Body.(io.ReadWriteCloser)
	if !ok {
		resp.Body.Close()
		return nil, nil, errors.New("body is not writable")
	}
	return rwc, resp, nil
}

func ConnectDrained(d *Dialer, u string) (io.ReadWriteCloser, error) {
	conn, resp, err := d.DialDrained(u)
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("handshake: %s", resp.Status)
		}
		return nil, err
	}
	return conn, nil
}
