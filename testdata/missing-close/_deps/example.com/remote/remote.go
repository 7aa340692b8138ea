// Package remote stands in for third-party libraries whose source is not
// loaded with the program's: an SFTP client, a storage abstraction, a
// connection pool.
package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
)

// A Client opens remote files, as github.com/pkg/sftp's does.
type Client struct{ cur *File }

// A File is a remote file; its Close releases the remote handle.
type File struct {
	handle string
	c      *Client
}

func (f *File) Read(p []byte) (int, error) { return 0, io.EOF }

func (f *File) Close() error {
	if f.handle == "" {
		return errors.New("closed twice")
	}
	return f.c.closeHandle(f.handle)
}

func (c *Client) closeHandle(handle string) error { return nil }

// OpenFile returns a fresh file that only its caller holds.
func (c *Client) OpenFile(path string, flags int) (*File, error) {
	if path == "" {
		return nil, errors.New("no path")
	}
	return c.open(path, flags)
}

func (c *Client) open(path string, flags int) (*File, error) {
	return &File{handle: path, c: c}, nil
}

// Current returns the file the client keeps: its caller does not own it.
func (c *Client) Current() (*File, error) {
	if c.cur == nil {
		return nil, errors.New("none")
	}
	return c.cur, nil
}

// Local opens a file on the local disk.
func Local(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// CloseQuietly closes c and drops its error.
func CloseQuietly(c io.Closer) { _ = c.Close() }

// An FS is a filesystem abstraction; its implementations are elsewhere.
type FS interface {
	Open(name string) (io.ReadCloser, error)
}

// An Upload is an object store's writer: its Close commits the object.
type Upload struct {
	name string
	c    *Client
}

func (u *Upload) Write(p []byte) (int, error) { return len(p), nil }

func (u *Upload) Close() error { return u.c.commit(u.name) }

func (c *Client) commit(name string) error { return nil }

// Create starts an upload that only its caller holds.
func (c *Client) Create(name string) (*Upload, error) {
	return &Upload{name: name, c: c}, nil
}

// A Request streams a resource's body, as client-go's rest.Request does:
// the body of a success is the caller's; a failure's is closed here, by a
// defer on that path only.
type Request struct {
	c   *http.Client
	url string
}

func (r *Request) Stream(ctx context.Context) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := r.c.Do(req)
	if err != nil {
		return nil, err
	}
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return resp.Body, nil
	default:
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return nil, fmt.Errorf("%s: %s", resp.Status, b)
	}
}
