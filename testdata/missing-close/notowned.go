// Values a call returns with an error that its caller does not own, or
// hands on: a getter's field, os.Stdout from a helper, a pool's value
// that goes back with Put, a cached file handed to many callers, and a
// constructor's value stored in a field. None is reported; the file stays
// byte for byte as it is.
package notowned

import (
	"errors"
	"net"
	"os"
	"sync"
)

// A client that keeps its connection.
type Client struct{ conn net.Conn }

func (c *Client) Conn() (net.Conn, error) {
	if c.conn == nil {
		return nil, errors.New("not connected")
	}
	return c.conn, nil
}

func ping(c *Client) error {
	conn, err := c.Conn()
	if err != nil {
		return err
	}
	_, err = conn.Write([]byte("ping"))
	return err
}

// Standard output, or a file the caller must close: whether the caller
// owns the result depends on the path, so it is not an acquirer.
func output(path string) (*os.File, error) {
	if path == "-" {
		return os.Stdout, nil
	}
	return os.Create(path)
}

func stdout() (*os.File, error) { return os.Stdout, nil }

func report(msg string) error {
	out, err := stdout()
	if err != nil {
		return err
	}
	_, err = out.WriteString(msg)
	return err
}

// A pool: what Get hands out goes back with Put.
type connPool struct {
	mu   sync.Mutex
	free []net.Conn
}

func (p *connPool) Get() (net.Conn, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.free) == 0 {
		return nil, errors.New("pool is empty")
	}
	c := p.free[len(p.free)-1]
	p.free = p.free[:len(p.free)-1]
	return c, nil
}

func (p *connPool) Put(c net.Conn) {
	p.mu.Lock()
	p.free = append(p.free, c)
	p.mu.Unlock()
}

func send(p *connPool, msg []byte) error {
	c, err := p.Get()
	if err != nil {
		return err
	}
	defer p.Put(c)
	_, err = c.Write(msg)
	return err
}

// A cache that opens each file once and hands it to every caller.
type fileCache struct {
	mu    sync.Mutex
	files map[string]*os.File
}

func (c *fileCache) Open(name string) (*os.File, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f, ok := c.files[name]; ok {
		return f, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	c.files[name] = f
	return f, nil
}

func readAt(c *fileCache, name string, off int64) ([]byte, error) {
	f, err := c.Open(name)
	if err != nil {
		return nil, err
	}
	buf := make([]byte, 512)
	n, err := f.ReadAt(buf, off)
	return buf[:n], err
}

// A constructor's connection, stored in the server that uses it.
type conn struct{ nc net.Conn }

func (c *conn) Close() error { return c.nc.Close() }

func dialConn(addr string) (*conn, error) {
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &conn{nc: nc}, nil
}

type server struct{ upstream *conn }

func (s *server) connect(addr string) error {
	c, err := dialConn(addr)
	if err != nil {
		return err
	}
	s.upstream = c
	return nil
}
