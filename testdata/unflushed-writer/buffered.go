// Buffered writers whose last buffer never reaches the writer under them,
// in the shapes real code writes them.
package buffered

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"text/tabwriter"
)

// The file is closed by a defer registered before the writer is made: the
// flush goes into the successful return, and its error reaches the caller.
func WriteLines(name string, lines []string) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriter(f) // want `w \(buffered writer from bufio.NewWriter\) is never flushed: what is buffered in it never reaches the writer under it$`
	for _, line := range lines {
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err // failing: nothing needs to land
		}
	}
	return nil
}

// A writer given by the caller, declared with var and assigned with =.
func Render(out io.Writer, items []string) error {
	var bw *bufio.Writer
	bw = bufio.NewWriterSize(out, 1<<16) // want `never flushed`
	for _, it := range items {
		bw.WriteString(it)
	}
	return nil
}

// The last statement returns what may be nil: split so that a failure is
// returned as it is, and otherwise the flush's error.
func Encode(out io.Writer, v any) error {
	bw := bufio.NewWriter(out) // want `never flushed`
	return json.NewEncoder(bw).Encode(v)
}

// err may be nil at the return.
func Copy(dst io.Writer, src io.Reader) error {
	bw := bufio.NewWriter(dst) // want `never flushed`
	_, err := io.Copy(bw, src)
	return err
}

// Flushed on one path and not on the other.
func Sometimes(out io.Writer, short bool) error {
	bw := bufio.NewWriter(out) // want `bw \(buffered writer from bufio.NewWriter\) is not flushed at the return on line \d+$`
	bw.WriteString("header\n")
	if short {
		return bw.Flush()
	}
	bw.WriteString("body\n")
	return nil
}

// Other results read the buffer the writer fills: the flush goes before
// the return, not into it.
func Table(rows [][]string) ([]byte, error) {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 8, 1, ' ', 0) // want `never flushed`
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return buf.Bytes(), nil
}

// No error to return: a deferred flush, the writer under it being
// os.Stdout.
func PrintAll(items []string) {
	w := bufio.NewWriter(os.Stdout) // want `never flushed`
	for _, it := range items {
		fmt.Fprintln(w, it)
	}
}

// No error to return, and the return reads the builder: the flush goes
// right before it.
func Format(rows [][]string) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0) // want `never flushed`
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return b.String()
}

// A csv.Writer's Flush returns nothing; its error comes from Error.
func Export(out io.Writer, records [][]string) error {
	cw := csv.NewWriter(out) // want `cw \(csv writer from csv.NewWriter\) is never flushed`
	for _, r := range records {
		if err := cw.Write(r); err != nil {
			return err
		}
	}
	return nil
}

// The file is closed before the return: a flush at the return would be
// too late, and one before the close is the author's to place.
func CloseFirst(name string, data []byte) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f) // want `never flushed.*no automatic fix: f is used on line \d+, where w may still hold writes, so a release at the exit would come too late`
	w.Write(data)
	f.Close()
	return nil
}

// Negatives: each is flushed, or someone else's job.

func Flushed(out io.Writer, s string) error {
	w := bufio.NewWriter(out)
	w.WriteString(s)
	return w.Flush()
}

func DeferredFlush(name string) {
	f, err := os.Create(name)
	if err != nil {
		return
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	defer w.Flush()
	fmt.Fprintln(w, "x")
}

func FlushedInClosure(out io.Writer) (err error) {
	w := bufio.NewWriter(out)
	defer func() {
		if ferr := w.Flush(); ferr != nil && err == nil {
			err = ferr
		}
	}()
	_, err = w.WriteString("x")
	return err
}

// finish is the program's own helper that flushes.
func finish(w *bufio.Writer) error { return w.Flush() }

func FlushedByHelper(out io.Writer) error {
	w := bufio.NewWriter(out)
	w.WriteString("x")
	return finish(w)
}

func Returned(out io.Writer) *bufio.Writer {
	w := bufio.NewWriter(out)
	w.WriteString("header")
	return w
}

type Logger struct{ w *bufio.Writer }

func NewLogger(out io.Writer) *Logger {
	l := &Logger{}
	l.w = bufio.NewWriter(out)
	return l
}

func Stored(out io.Writer) *Logger {
	w := bufio.NewWriter(out)
	return &Logger{w: w}
}

// A bytes.Buffer read after the flush.
func ReadAfterFlush(s string) (string, error) {
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	w.WriteString(s)
	if err := w.Flush(); err != nil {
		return "", err
	}
	return buf.String(), nil
}

func WriteAll(out io.Writer, records [][]string) error {
	cw := csv.NewWriter(out)
	return cw.WriteAll(records)
}

// Flushed after each message in a loop: what the returns leave open
// is written after a flush, which leakfix does not follow.
func Serve(conn io.ReadWriter) {
	r, w := bufio.NewReader(conn), bufio.NewWriter(conn)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		w.WriteString(line)
		w.Flush()
	}
}

// The upload reads the file through something leakfix does not see; a
// flush after it would be too late.
func Snapshot(name string, data []byte, upload func(string) error) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriter(f) // want `never flushed.*no automatic fix: line \d+ calls a function after the last use of w and before the return on line \d+`
	w.Write(data)
	return upload(name)
}

// A function that returns no error gives up after a failed write: the
// flush is deferred, and also runs there, harmlessly.
func Send(conn io.Writer, msgs [][]byte, logf func(string, ...any)) {
	bw := bufio.NewWriter(conn) // want `never flushed`
	for _, m := range msgs {
		if _, err := bw.Write(m); err != nil {
			logf("write: %v", err)
			return
		}
	}
}

// A ReadWriter's Flush is its Writer's.
func Exchange(c net.Conn, msg string) (string, error) {
	rw := bufio.NewReadWriter(bufio.NewReader(c), bufio.NewWriter(c))
	if _, err := rw.WriteString(msg); err != nil {
		return "", err
	}
	if err := rw.Flush(); err != nil {
		return "", err
	}
	return rw.ReadString('\n')
}

// Not flushed, and not assigned to a variable of its own: reported.
func Greet(c net.Conn) (string, error) {
	rw := bufio.NewReadWriter(bufio.NewReader(c), bufio.NewWriter(c)) // want `the buffered writer from bufio.NewWriter is never flushed here \(no automatic fix: it is not assigned to a variable\)`
	rw.WriteString("hello\n")
	return rw.ReadString('\n')
}

// Nothing reads what these write: a fresh buffer no variable holds, a
// local buffer nothing reads afterwards, a writer never written to.
func Discarded(lines []string) int {
	w := bufio.NewWriter(new(bytes.Buffer))
	for _, l := range lines {
		w.WriteString(l)
	}
	return w.Buffered()
}

func Unread(lines []string) int {
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	n := 0
	for _, l := range lines {
		m, _ := w.WriteString(l)
		n += m
	}
	return n
}

func NeverWritten(out io.Writer) int {
	w := bufio.NewWriterSize(out, 4096)
	return w.Available()
}

// A test that gives up after reporting a failed write: nothing needs to
// land there.
func Check(out io.Writer, data []byte, errorf func(string, ...any)) {
	w := bufio.NewWriter(out) // want `never flushed`
	for i := 0; i < 3; i++ {
		if n, err := w.Write(data); err != nil || n != len(data) {
			errorf("write: %d, %v", n, err)
			return
		}
	}
}
