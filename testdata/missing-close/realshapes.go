// Shapes met in real repositories (caddy, docker/cli, nats-server), each
// where an earlier version of leakfix placed a close wrongly.
package realshapes

import (
	"compress/flate"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Closed by hand, not deferred, since the function blocks after it
// (caddy's pingback): the error return gets a close of its own; no defer.
func Pingback(addr string, msg []byte, wait chan struct{}) error {
	conn, err := net.Dial("tcp", addr) // want `conn \(connection from net.Dial\) is left open at the return on line 27$`
	if err != nil {
		return err
	}
	if _, err := conn.Write(msg); err != nil {
		return err
	}
	conn.Close()
	<-wait
	return nil
}

// The error switched on (docker/cli's dockerignore): no close in the
// cases where the file is nil.
func ReadIgnore(dir string) ([]string, error) {
	f, err := os.Open(filepath.Join(dir, ".ignore"))
	switch {
	case os.IsNotExist(err):
		return nil, nil
	case err != nil:
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return []string{st.Name()}, nil
}

// A condition that holds only on an error (nats-server's filestore): the
// file is nil in its branch, and closed everywhere else.
func Sync(name string) error {
	var fd *os.File
	var err error
	fd, err = os.OpenFile(name, os.O_RDWR, 0)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	if fd != nil {
		if err = fd.Sync(); err != nil {
			fd.Close()
			return err
		}
		fd.Close()
	}
	return nil
}

type redialer struct{ conn net.Conn }

// Stored on one path, left open on another, both through the end of the
// block (caddy's netwriter): no close at the end of the block, which the
// stored connection reaches too.
func (r *redialer) Redial(addr string, b []byte) error {
	if r.conn == nil {
		conn, err := net.Dial("tcp", addr) // want `no automatic fix: at the end of its block it is open on some paths and already closed or handed on on others`
		if err != nil {
			return err
		}
		if _, err = conn.Write(b); err == nil {
			r.conn = conn
		}
	}
	return nil
}

type lazyReader struct {
	client *http.Client
	url    string
	offset int64
	rc     io.Reader
}

// distribution's HTTPReadSeeker.reader: the body stays open on success,
// stored through an alias and a decoder; it leaks on the many error returns
// of the 2xx branch. One deferred close on error, as its maintainers merged.
func (r *lazyReader) reader() (io.Reader, error) {
	req, err := http.NewRequest(http.MethodGet, r.url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := r.client.Do(req) // want `resp.Body \(response body from \(\*http.Client\).Do\) is left open at the return on line 111, the return on line 115, the return on line 119, the return on line 128 and the return on line 134$`
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 399 {
		if r.offset > 0 {
			if resp.StatusCode != http.StatusPartialContent {
				return nil, errors.New("wrong status for a range")
			}
			contentRange := resp.Header.Get("Content-Range")
			if contentRange == "" {
				return nil, errors.New("no Content-Range")
			}
			start, err := strconv.ParseInt(strings.TrimPrefix(contentRange, "bytes "), 10, 64)
			if err != nil {
				return nil, fmt.Errorf("bad Content-Range %q: %w", contentRange, err)
			}
			_ = start
		}
		var body io.Reader = resp.Body
		switch resp.Header.Get("Content-Encoding") {
		case "gzip":
			body, err = gzip.NewReader(body)
			if err != nil {
				return nil, err
			}
		case "deflate":
			body = flate.NewReader(body)
		case "":
		default:
			return nil, errors.New("unsupported encoding")
		}
		r.rc = body
	} else {
		defer resp.Body.Close()
		return nil, fmt.Errorf("unexpected status %v", resp.Status)
	}
	return r.rc, nil
}
