// Resources that leak on some paths only get a close on those paths only.
package paths

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
)

// BlobReader streams a blob: on success it keeps the body for later reads,
// but a bad Content-Range inside the 2xx branch, or a non-2xx status,
// returns with the body open, pinning the connection.
type BlobReader struct {
	body io.ReadCloser
	size int64
}

func (b *BlobReader) Open(c *http.Client, req *http.Request) error {
	resp, err := c.Do(req) // want `resp.Body \(response body from \(\*http.Client\).Do\) is left open at the return on line 29, the return on line 32 and the return on line 37$`
	if err != nil {
		return err
	}
	if resp.StatusCode/100 == 2 {
		size, err := strconv.ParseInt(resp.Header.Get("Content-Length"), 10, 64)
		if err != nil {
			return fmt.Errorf("bad length: %w", err)
		}
		if resp.Header.Get("Content-Range") == "" && resp.StatusCode == http.StatusPartialContent {
			return errors.New("partial content without a range")
		}
		b.body, b.size = resp.Body, size
		return nil
	}
	return fmt.Errorf("unexpected status %s", resp.Status)
}

// One case of a switch returns early.
func Kind(path string) (string, error) {
	f, err := os.Open(path) // want `f \(file from os.Open\) is left open at the return on line 53$`
	if err != nil {
		return "", err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return "", err
	}
	switch {
	case st.IsDir():
		return "dir", nil
	case st.Size() == 0:
		f.Close()
		return "empty", nil
	}
	f.Close()
	return "file", nil
}

// Open on every path through a loop: closed where each iteration ends,
// including before continue and return, never with a defer.
func Count(paths []string) (int, error) {
	n := 0
	for _, p := range paths {
		f, err := os.Open(p) // want `f \(file from os.Open\) is never closed$`
		if err != nil {
			return n, err
		}
		st, err := f.Stat()
		if err != nil {
			return n, err
		}
		if st.IsDir() {
			continue
		}
		n++
	}
	return n, nil
}

// A labeled continue leaves the inner loop's scope; an unlabeled break
// inside a switch does not leave the loop body.
func Scan(groups [][]string) int {
	found := 0
outer:
	for _, g := range groups {
		for _, p := range g {
			f, err := os.Open(p) // want `never closed$`
			if err != nil {
				continue outer
			}
			switch b := make([]byte, 1); {
			case len(p) > 10:
				break
			default:
				f.Read(b)
			}
			if found > 3 {
				continue outer
			}
			found++
		}
	}
	return found
}

// Closed on one branch, and both branches return through the same
// statement: a close there would close twice. Reported, not fixed.
func Mixed(path string, quick bool) error {
	f, err := os.Open(path) // want `left open at the return on line 119 \(no automatic fix: at the return on line 119 it is open on some paths and already closed or handed on on others\)`
	if err != nil {
		return err
	}
	if quick {
		f.Close()
	}
	return nil
}

// The leaking return still reads the file: a close before it would break
// the read. Reported, not fixed.
func Reads(path string, keep map[string]*os.File) ([]byte, error) {
	f, err := os.Open(path) // want `no automatic fix: the return on line 133 still reads it`
	if err != nil {
		return nil, err
	}
	if len(path) > 3 {
		keep[path] = f
		return nil, nil
	}
	return io.ReadAll(f)
}

// goto is not followed. Reported, not fixed.
func Goto(path string) {
	f, err := os.Open(path) // want `no automatic fix: the function uses goto`
	if err != nil {
		return
	}
	if len(path) > 1 {
		goto done
	}
	f.Stat()
done:
	return
}

// Closed on every path by hand, through every kind of branch.
func EveryPath(paths []string) error {
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		if len(p) == 1 {
			f.Close()
			continue
		}
		if len(p) == 2 {
			f.Close()
			break
		}
		f.Close()
	}
	return nil
}

type profiler interface{ Start(io.Writer) error }

// The profiler may keep the file: closed on its error path only, and
// otherwise left to run. Never a close at the end of the block.
func StartProfile(p profiler, path string) {
	f, err := os.Create(path)
	if err != nil {
		return
	}
	if err := p.Start(f); err != nil {
		f.Close()
		return
	}
}

// A retry assigns the outer variable inside the error branch: the body is
// closed after the branch, for both attempts.
func Retry(c *http.Client, u string) ([]byte, error) {
	resp, err := c.Get(u)
	if err != nil {
		resp, err = c.Get(u)
		if err != nil {
			return nil, err
		}
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// A closure opens into a variable of its enclosing function.
func Captured(path string) error {
	var d *os.File
	open := func() error {
		var err error
		d, err = os.Open(path)
		if err != nil {
			return err
		}
		return nil
	}
	if err := open(); err != nil {
		return err
	}
	defer d.Close()
	_, err := d.Readdirnames(-1)
	return err
}

// Where the response is nil there is nothing to close: the defensive
// branch gets no close, which would dereference nil.
func NilGuard(c *http.Client, u string) (int, error) {
	resp, err := c.Get(u)
	if err != nil {
		return 0, err
	}
	if resp == nil {
		return 0, errors.New("no response")
	}
	defer resp.Body.Close()
	return resp.StatusCode, nil
}

// The error dropped: a file is nil-safe, so it is closed at the leaking
// exit as it is, with no nil check.
func SizeUnchecked(p string, quick bool) int64 {
	f, _ := os.Open(p) // want `f \(file from os.Open\) is left open at the return on line 237$`
	if quick {
		return 0
	}
	st, _ := f.Stat()
	f.Close()
	return st.Size()
}
