// Defers that close the writer under a buffered or compressing writer
// before the writer itself is flushed or closed.
package order

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"io"
	"os"
)

func Gzip(name string, data []byte) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	zw := gzip.NewWriter(f)
	defer zw.Close() // want `zw is closed after f is closed: the defer on line \d+ runs first, so what zw still holds goes to a closed writer`
	defer f.Close()
	_, err = zw.Write(data)
	return err
}

// A deferred literal that closes the file counts as its close.
func Buffered(name string, lines []string) {
	f, err := os.Create(name)
	if err != nil {
		return
	}
	w := bufio.NewWriter(f)
	defer w.Flush() // want `w is flushed after f is closed`
	defer func() {
		if err := f.Close(); err != nil {
			println(err.Error())
		}
	}()
	for _, l := range lines {
		w.WriteString(l)
	}
}

// tar over gzip: the gzip writer is closed before the tar writer writes
// its end blocks.
func Tarball(out io.Writer, name string, data []byte) error {
	gz := gzip.NewWriter(out)
	tw := tar.NewWriter(gz)
	defer tw.Close() // want `tw is closed after gz is closed`
	defer gz.Close()
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(data))}); err != nil {
		return err
	}
	_, err := tw.Write(data)
	return err
}

// A return between the two defers: moving the writer's defer down would
// leave it unregistered on that path.
func Between(name string, data []byte, skip bool) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	zw := gzip.NewWriter(f)
	defer zw.Close() // want `zw is closed after f is closed.*no automatic fix: line \d+, between the two defers, may leave the function`
	if skip {
		return nil
	}
	defer f.Close()
	_, err = zw.Write(data)
	return err
}

// Negatives: the right order.

func Right(name string, data []byte) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	defer f.Close()
	zw := gzip.NewWriter(f)
	defer zw.Close()
	_, err = zw.Write(data)
	return err
}

// Explicit: the file is closed, then the writer is flushed into it.
func Explicit(name string, lines []string) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for _, l := range lines {
		w.WriteString(l)
	}
	cerr := f.Close()
	if err := w.Flush(); err != nil { // want `w is flushed after f is closed on line \d+, so what w still holds goes to a closed writer`
		return err
	}
	return cerr
}

// In the return itself: reported only.
func ExplicitReturn(name string, data []byte) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	zw := gzip.NewWriter(f)
	zw.Write(data)
	f.Close()
	return zw.Close() // want `zw is closed after f is closed on line \d+.*no automatic fix: it is released in the return on line \d+`
}

// A statement of its own: it moves up.
func ExplicitStatement(name string, lines []string) {
	f, err := os.Create(name)
	if err != nil {
		return
	}
	w := bufio.NewWriter(f)
	for _, l := range lines {
		w.WriteString(l)
	}
	f.Close()
	w.Flush() // want `w is flushed after f is closed on line \d+`
}

// A defer inside an if closes the file when the function returns, not
// where the if is: caddy's storage export.
func Conditional(name string, data []byte) error {
	var f *os.File
	if name == "-" {
		f = os.Stdout
	} else {
		var err error
		f, err = os.Create(name)
		if err != nil {
			return err
		}
		defer f.Close()
	}
	tw := tar.NewWriter(f)
	if err := tw.WriteHeader(&tar.Header{Name: "data", Mode: 0o600, Size: int64(len(data))}); err != nil {
		return err
	}
	if _, err := tw.Write(data); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return nil
}
