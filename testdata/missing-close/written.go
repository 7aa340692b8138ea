// Files opened for writing: the Close error must reach the caller, or
// written data can be lost silently.
package written

import (
	"errors"
	"os"
)

type Record struct{ Data []byte }

// Already named: the deferred close sets the named result.
func Named(path string, data []byte) (n int, err error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o644) // want `never closed$`
	if err != nil {
		return 0, err
	}
	return f.Write(data)
}

// Opened read-only by a constant flag: a plain close.
func ReadOnly(path string) error {
	f, err := os.OpenFile(path, os.O_RDONLY, 0) // want `never closed$`
	if err != nil {
		return err
	}
	_, err = f.Stat()
	return err
}

// Kept on success, closed on failure: the successful return hands the
// Close error back, the failing one closes first.
func Partial(path string, data []byte, keep map[string]*os.File) (int, error) {
	f, err := os.Create(path) // want `left open at the return on line 40 and the return on line 43$`
	if err != nil {
		return 0, err
	}
	n, err := f.Write(data)
	if err != nil {
		return 0, err
	}
	if len(data) == 0 {
		return n, nil
	}
	keep[path] = f
	return n, nil
}

// Written in a loop: each iteration's close error is returned.
func Each(paths []string, data []byte) (int, error) {
	for i, p := range paths {
		f, err := os.Create(p) // want `never closed$`
		if err != nil {
			return i, err
		}
		if _, err := f.Write(data); err != nil {
			return i, err
		}
	}
	return len(paths), nil
}

// A bare return with named results: the error is folded in before it.
func Bare(path string, keep bool, files *[]*os.File) (err error) {
	f, err := os.Create(path) // want `left open at the return on line 71$`
	if err != nil {
		return
	}
	if !keep {
		_, err = f.WriteString("x")
		return
	}
	*files = append(*files, f)
	return nil
}

// An err declared in the branch would shadow the result at the close.
func Shadowed(path string, ok bool) error {
	if ok {
		f, err := os.Create(path) // want `no automatic fix: it is written, and its Close error cannot reach the function's err result`
		if err != nil {
			return err
		}
		_, err = f.WriteString("x")
		return err
	}
	return errors.New("not ok")
}

// The zero value of a struct result has no name-free spelling.
func Struct(paths []string) (Record, error) {
	for _, p := range paths {
		f, err := os.Create(p) // want `no automatic fix: it is written, and leakfix cannot spell the zero values`
		if err != nil {
			return Record{}, err
		}
		f.WriteString("x")
	}
	return Record{}, nil
}

// No error to return: a plain close.
func NoError(path string) {
	f, err := os.Create(path) // want `never closed$`
	if err != nil {
		return
	}
	f.WriteString("x")
}

// The zero values are chosen by the results' types, not their spelling: a
// named slice, a map, an instance of a generic slice type and a named
// number have them (nil, nil, nil, 0).
type Names []string

type Page[T any] []T

type Size int64

func Kinds(paths []string) (Names, map[string]int, Page[int], Size, error) {
	for _, p := range paths {
		f, err := os.Create(p) // want `never closed$`
		if err != nil {
			return nil, nil, nil, 0, err
		}
		f.WriteString("x")
	}
	return nil, nil, nil, 0, nil
}

// A type parameter's zero value has no name-free spelling either.
func Generic[T any](paths []string) (T, error) {
	var zero T
	for _, p := range paths {
		f, err := os.Create(p) // want `no automatic fix: it is written, and leakfix cannot spell the zero values`
		if err != nil {
			return zero, err
		}
		f.WriteString("x")
	}
	return zero, nil
}
