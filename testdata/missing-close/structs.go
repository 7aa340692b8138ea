// A resource stored in a field of a local struct that never leaves the
// function has not moved.
package structs

import (
	"io"
	"os"
)

type state struct {
	f    *os.File
	size int64
}

func Size(name string) (int64, error) {
	var st state
	f, err := os.Open(name) // want `f \(file from os.Open\) is never closed$`
	if err != nil {
		return 0, err
	}
	st.f = f
	fi, err := st.f.Stat()
	if err != nil {
		return 0, err
	}
	st.size = fi.Size()
	return st.size, nil
}

// Closed through the field: nothing to report.
func Read(name string) ([]byte, error) {
	var st state
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	st.f = f
	defer st.f.Close()
	return io.ReadAll(st.f)
}

// The struct leaves the function: so does the file.
func Keep(name string) (*state, error) {
	var st state
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	st.f = f
	return &st, nil
}
