// Resources that leave the function: someone else closes them. No finding,
// no change.
package handedon

import (
	"io"
	"net/http"
	"os"
	"testing"
)

type Store struct {
	f     *os.File
	files map[string]*os.File
	body  io.ReadCloser
}

var global *os.File

func Returned(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return f, nil
}

func ReturnedInStruct(path string) (*Store, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return &Store{f: f}, nil
}

func NamedResult(path string) (f *os.File, err error) {
	f, err = os.Open(path)
	return
}

func (s *Store) Field(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	s.f = f
	return nil
}

func (s *Store) Map(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	s.files[path] = f
	return nil
}

func Global(path string) {
	f, _ := os.Open(path)
	global = f
}

func Appended(paths []string) []*os.File {
	var out []*os.File
	f, err := os.Open(paths[0])
	if err == nil {
		out = append(out, f)
	}
	return out
}

func Sent(path string, ch chan<- *os.File) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	ch <- f
}

func Goroutine(path string) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	go func() {
		io.Copy(io.Discard, f)
		f.Close()
	}()
}

func GoroutineArg(path string, consume func(*os.File)) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	go consume(f)
}

// A lazy reader keeps the body open for later reads: closing it here would
// break every read after the function returns.
func (s *Store) Lazy(u string) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	s.body = resp.Body
	return nil
}

func Cleanup(t *testing.T, path string) *os.File {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func CloserList(paths []string) (closers []func() error) {
	f, err := os.Open(paths[0])
	if err != nil {
		return nil
	}
	closers = append(closers, f.Close)
	return closers
}

// net/http closes a request's body.
func RequestBody(path, u string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	req, err := http.NewRequest("PUT", u, f)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

type lineSource struct{ read func([]byte) (int, error) }

// A method value carries the file with it.
func (s *lineSource) MethodValue(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	s.read = f.Read
	return nil
}

func ReturnedInSlice(paths []string) ([]*os.File, error) {
	f, err := os.Open(paths[0])
	if err != nil {
		return nil, err
	}
	return []*os.File{f}, nil
}

func ReturnedInMap(path string) (map[string]io.Closer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return map[string]io.Closer{path: f}, nil
}

// The returned closure closes the file when the caller is done.
func ReturnedClosure(path string) (func() error, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return func() error { return f.Close() }, nil
}

// A named result is returned by the bare return.
func BareNamed(path string) (f *os.File, err error) {
	f, err = os.Open(path)
	if err != nil {
		return
	}
	return
}
