// Resources recognised by what they are, not by a list of functions: from
// a third-party library (whose body leakfix learns from its source), a
// RoundTripper, a transaction, an interface of the program whose
// implementations open what they return, or an opener whose body is not
// seen at all.
package bytype

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"io/ioutil"
	"net/http"
	"os"

	"example.com/remote"
)

func readRemote(c *remote.Client, path string) ([]byte, error) {
	f, err := c.OpenFile(path, os.O_RDONLY) // want `f \(\*remote.File from \(\*remote.Client\).OpenFile\) is never closed$`
	if err != nil {
		return nil, err
	}
	return io.ReadAll(f)
}

func readRemoteVar(c *remote.Client, path string) (data []byte, err error) {
	var f *remote.File
	f, err = c.OpenFile(path, os.O_RDONLY) // want `f \(\*remote.File from \(\*remote.Client\).OpenFile\) is never closed$`
	if err != nil {
		return nil, err
	}
	return io.ReadAll(f)
}

// The client keeps its current file: not the caller's to close.
func readCurrent(c *remote.Client) ([]byte, error) {
	f, err := c.Current()
	if err != nil {
		return nil, err
	}
	return io.ReadAll(f)
}

// CloseQuietly's body says it closes what it is given.
func readQuietly(c *remote.Client, path string) ([]byte, error) {
	f, err := c.OpenFile(path, os.O_RDONLY)
	if err != nil {
		return nil, err
	}
	defer remote.CloseQuietly(f)
	return io.ReadAll(f)
}

func readLocal(path string) ([]byte, error) {
	rc, err := remote.Local(path) // want `rc \(file from remote.Local\) is never closed$`
	if err != nil {
		return nil, err
	}
	return io.ReadAll(rc)
}

// Nothing shows an FS's Open gives its caller what it opened, but its
// shape: reported, not fixed.
func readFS(fs remote.FS, name string) ([]byte, error) {
	rc, err := fs.Open(name) // want `rc \(io.ReadCloser from \(remote.FS\).Open\) is never closed \(no automatic fix: the body of \(example.com/remote.FS\).Open is not analysed`
	if err != nil {
		return nil, err
	}
	return io.ReadAll(rc)
}

// Closed on one path: the function owns it, and the other is fixed.
func readFSSome(fs remote.FS, name string, peek bool) ([]byte, error) {
	rc, err := fs.Open(name) // want `rc \(io.ReadCloser from \(remote.FS\).Open\) is left open at the return on line 87$`
	if err != nil {
		return nil, err
	}
	if peek {
		b := make([]byte, 1)
		_, err := rc.Read(b)
		rc.Close()
		return b, err
	}
	data, err := io.ReadAll(rc)
	return data, err
}

// A reverse proxy's transport.
type proxy struct{ next http.RoundTripper }

func (p *proxy) status(req *http.Request) (int, error) {
	resp, err := p.next.RoundTrip(req) // want `resp.Body \(response body from \(http.RoundTripper\).RoundTrip\) is never closed`
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

func (p *proxy) ping(req *http.Request) {
	_, _ = p.next.RoundTrip(req) // want `the response body from \(http.RoundTripper\).RoundTrip is never closed$`
}

// Handed on: the caller closes it.
func (p *proxy) RoundTrip(req *http.Request) (*http.Response, error) {
	var rsp *http.Response
	var err error
	rsp, err = p.next.RoundTrip(req)
	return rsp, err
}

func scratch() (string, error) {
	f, err := ioutil.TempFile("", "scratch") // want `f \(file from ioutil.TempFile\) is never closed`
	if err != nil {
		return "", err
	}
	_, err = f.WriteString("x")
	return f.Name(), err
}

func transfer(db *sql.DB, from, to int) error {
	tx, err := db.Begin() // want `tx \(transaction from \(\*sql.DB\).Begin\) is left open at the return on line 128$`
	if err != nil {
		return err
	}
	if _, err := tx.Exec("UPDATE a SET n = n - 1 WHERE id = ?", from); err != nil {
		return err
	}
	return tx.Commit()
}

// A storage driver: the program's implementations of Reader all return
// what they opened.
type Driver interface {
	Reader(path string) (io.ReadCloser, error)
}

type diskDriver struct{ root string }

func (d diskDriver) Reader(path string) (io.ReadCloser, error) {
	return os.Open(d.root + "/" + path)
}

func size(d Driver, path string) (int, error) {
	r, err := d.Reader(path) // want `r \(file from \(bytype.Driver\).Reader\) is never closed$`
	if err != nil {
		return 0, err
	}
	b, err := io.ReadAll(r)
	return len(b), err
}

// One implementation keeps what it returns: they disagree.
type Source interface {
	Stream() (io.ReadCloser, error)
}

type fileSource struct{ name string }

func (s fileSource) Stream() (io.ReadCloser, error) { return os.Open(s.name) }

type sharedSource struct{ rc io.ReadCloser }

func (s sharedSource) Stream() (io.ReadCloser, error) { return s.rc, nil }

func drain(s Source) error {
	rc, err := s.Stream() // want `rc \(file from \(bytype.Source\).Stream\) is never closed \(no automatic fix: the implementations of \(example.com/cases/bytype.Source\).Stream disagree`
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, rc)
	return err
}

// An accessor, with no error: not followed.
type pool struct{ conn io.ReadWriteCloser }

func (p *pool) Conn() io.ReadWriteCloser { return p.conn }

func hello(p *pool) error {
	_, err := p.Conn().Write([]byte("hello"))
	return err
}

// A stand-in whose Close only sets a field releases nothing.
type fakeConn struct{ closed bool }

func (c *fakeConn) Close() error {
	c.closed = true
	return nil
}

func newFakeConn() (*fakeConn, error) { return &fakeConn{}, nil }

func useFake() (bool, error) {
	c, err := newFakeConn()
	if err != nil {
		return false, err
	}
	return c.closed, nil
}

// A wrapper of what it is given: whose Close that releases is the
// caller's design, not the wrapper's.
type counting struct {
	io.ReadCloser
	n int
}

func count(rc io.ReadCloser) (*counting, error) { return &counting{ReadCloser: rc}, nil }

func countAll(rc io.ReadCloser) (int, error) {
	c, err := count(rc)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, c)
	return c.n, err
}

// Closing an upload on the failing path would commit half of it.
func upload(c *remote.Client, name string, parts [][]byte) error {
	u, err := c.Create(name) // want `u \(\*remote.Upload from \(\*remote.Client\).Create\) is left open at the return on line 230 \(no automatic fix: the Close of a \*remote.Upload may commit what was written, and where it belongs on a failing path is the writer's design\)`
	if err != nil {
		return err
	}
	for _, p := range parts {
		if _, err := u.Write(p); err != nil {
			return err
		}
	}
	return u.Close()
}

// A helper that returns the body it got, once the status is checked.
func openURL(url string) (io.ReadCloser, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, errors.New(resp.Status)
	}
	return resp.Body, nil
}

func fetchSize(url string) (int, error) {
	rc, err := openURL(url) // want `rc \(io.ReadCloser from bytype.openURL\) is never closed$`
	if err != nil {
		return 0, err
	}
	b, err := io.ReadAll(rc)
	return len(b), err
}

// One that closes the body and returns the response for its status: the
// caller has nothing to close.
func headOf(url string) (*http.Response, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	return resp, nil
}

func statusOf(url string) (int, error) {
	resp, err := headOf(url)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

// The logs of many pods streamed one after the other (client-go's
// Stream, opened in a loop): each stream is closed where its iteration
// ends, and at the return inside the loop.
func copyLogs(ctx context.Context, reqs []*remote.Request, w io.Writer) error {
	for _, r := range reqs {
		s, err := r.Stream(ctx) // want `s \(io.ReadCloser from \(\*remote.Request\).Stream\) is never closed$`
		if err != nil {
			return err
		}
		if _, err := io.Copy(w, s); err != nil {
			return err
		}
	}
	return nil
}

// The project's own file type, made around the file its constructor
// opened: the caller owns it, as it would the file.
type countedFile struct {
	f     *os.File
	reads int
}

func (c *countedFile) Close() error { return c.f.Close() }

func openCounted(path string) (*countedFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return &countedFile{f: f}, nil
}

func firstByte(path string) (byte, error) {
	c, err := openCounted(path) // want `c \(\*bytype.countedFile from bytype.openCounted\) is never closed$`
	if err != nil {
		return 0, err
	}
	b := make([]byte, 1)
	_, err = c.f.Read(b)
	return b[0], err
}
