// What a helper does with a resource is learned from its body.
package helpers

import (
	"io"
	"net/http"
	"os"
)

func drainAndClose(rc io.ReadCloser) {
	io.Copy(io.Discard, rc)
	rc.Close()
}

// closeVia closes through another helper: learned too.
func closeVia(c io.Closer) error { return closeIt(c) }

func closeIt(c io.Closer) error { return c.Close() }

type keeper struct{ files []*os.File }

func (k *keeper) keep(f *os.File) { k.files = append(k.files, f) }

// stat only looks at the file: it stays the caller's to close.
func stat(f *os.File) (int64, error) {
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

func Drained(u string) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	drainAndClose(resp.Body)
	return nil
}

func Indirect(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	return closeVia(f)
}

func Kept(k *keeper, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	k.keep(f)
	return nil
}

// Only borrowed by stat: the caller leaks it, and the fix is safe.
func Borrowed(path string) (int64, error) {
	f, err := os.Open(path) // want `f \(file from os.Open\) is never closed$`
	if err != nil {
		return 0, err
	}
	return stat(f)
}
