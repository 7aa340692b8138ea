// Calls through an interface, judged by the implementations the program
// has when it cannot have others.
package interfaces

import (
	"io"
	"os"
)

// uploader is unexported, and no exported API takes it: its only
// implementation, which reads the file, is all there is.
type uploader interface{ upload(f *os.File) error }

type copier struct{ w io.Writer }

func (c copier) upload(f *os.File) error {
	_, err := io.Copy(c.w, f)
	return err
}

type Client struct{ up uploader }

func NewClient(w io.Writer) *Client { return &Client{up: copier{w}} }

func (c *Client) Send(name string) error {
	f, err := os.Open(name) // want `f \(file from os.Open\) is never closed$`
	if err != nil {
		return err
	}
	return c.up.upload(f)
}

// profiler is unexported, but Run takes one: another package can hand in
// an implementation that keeps the file (testing.MainStart's testDeps).
type profiler interface{ start(f *os.File) error }

type noProfiler struct{}

func (noProfiler) start(*os.File) error { return nil }

func Run(p profiler, name string) error {
	f, err := os.Create(name) // want `never closed here \(no automatic fix: it is passed to p.start on line 46, which may close or keep it\)`
	if err != nil {
		return err
	}
	return p.start(f)
}

// An exported interface: anyone may implement it.
type Sink interface{ Take(f *os.File) error }

func Give(s Sink, name string) error {
	f, err := os.Open(name) // want `never closed here \(no automatic fix: it is passed to s.Take`
	if err != nil {
		return err
	}
	return s.Take(f)
}
