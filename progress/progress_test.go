package progress

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the line's timer goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestNotATerminal(t *testing.T) {
	if New(&bytes.Buffer{}) != nil {
		t.Error("a line on a buffer")
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	l := New(f)
	if l != nil {
		t.Error("a line on a regular file")
	}
	// A nil line does nothing, and logs pass straight through.
	l.Set("x")
	logged := false
	l.Interrupting(func(string, ...any) { logged = true })("note")
	l.Clear()
	if !logged {
		t.Error("the log function was not called")
	}
}

func TestQuickRunShowsNothing(t *testing.T) {
	var out syncBuffer
	l := newLine(&out, func() int { return 80 })
	l.Set("leakfix: 1/2 packages, 0 findings")
	l.Clear()
	time.Sleep(delay + interval)
	if out.String() != "" {
		t.Errorf("a quick run wrote %q", out.String())
	}
}

func TestLongRun(t *testing.T) {
	var out syncBuffer
	l := newLine(&out, func() int { return 20 })
	l.Set("leakfix: loading packages")
	time.Sleep(delay + interval)
	// On a loaded machine the line's timer may fire late: wait for it,
	// then hold the line to what it drew.
	drawn(&out, func(s string) bool { return s != "" })
	if got, want := out.String(), "\rleakfix: loading pa\x1b[K"; got != want {
		t.Fatalf("after the delay: %q, want %q (cut to the width)", got, want)
	}
	var logged string
	l.Interrupting(func(format string, _ ...any) { logged = out.String() })("note")
	if !strings.HasSuffix(logged, "\r\x1b[K") {
		t.Errorf("the line was not erased before a note: %q", logged)
	}
	l.Set("3/3")
	time.Sleep(2 * interval)
	drawn(&out, func(s string) bool { return strings.Contains(s, "3/3") })
	l.Clear()
	got := out.String()
	if !strings.Contains(got, "\r3/3\x1b[K") || !strings.HasSuffix(got, "\r\x1b[K") {
		t.Errorf("want the last text drawn, then erased: %q", got)
	}
	l.Set("after")
	time.Sleep(2 * interval)
	if out.String() != got {
		t.Errorf("drawn after Clear: %q", out.String())
	}
}

// drawn waits, up to ten seconds, for the output to satisfy ok: a timer
// due after the time slept may fire late on a loaded machine.
func drawn(out *syncBuffer, ok func(string) bool) {
	for deadline := time.Now().Add(10 * time.Second); !ok(out.String()) && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
}
