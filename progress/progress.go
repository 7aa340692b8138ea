// Package progress shows how far a long run is on one line of a terminal
// ("leakfix: 120/340 packages, 3 findings"), redrawn in place and erased
// when the run is done, so that nothing of it stays in the output. It shows
// nothing at all when its writer is not a terminal (a pipe, a file, CI's
// log), and nothing on a run short enough not to need it.
package progress

import (
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"
)

const (
	// delay is how long a run goes before the line shows: a quick run
	// should not flicker.
	delay = 500 * time.Millisecond
	// interval is the least time between two redraws.
	interval = 100 * time.Millisecond
)

// A Line is a progress line. Its methods may be called from several
// goroutines; a nil or disabled Line does nothing.
type Line struct {
	mu      sync.Mutex
	w       io.Writer
	width   func() int // the terminal's width in columns, 0 if unknown
	start   time.Time
	drawn   time.Time // when the line was last drawn, zero if it is not shown
	text    string    // what the line should say
	showing string    // what it says now
	timer   *time.Timer
	closed  bool
}

// New returns a line on w, enabled when w is a terminal (and TERM is not
// "dumb").
func New(w io.Writer) *Line {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("TERM") == "dumb" || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return newLine(w, func() int {
		width, _, err := term.GetSize(int(f.Fd()))
		if err != nil {
			return 0
		}
		return width
	})
}

func newLine(w io.Writer, width func() int) *Line {
	return &Line{w: w, width: width, start: time.Now()}
}

// Set says what the line should show. It is drawn once the run has gone on
// long enough, at most every interval; the last text set is always drawn
// in the end, unless Clear comes first.
func (l *Line) Set(text string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return
	}
	l.text = text
	l.schedule()
}

// schedule draws the line now if it may, or else arranges to draw it as
// soon as it may.
func (l *Line) schedule() {
	if l.timer != nil {
		return // a redraw is coming, and will show the newest text
	}
	next := l.start.Add(delay)
	if !l.drawn.IsZero() {
		next = l.drawn.Add(interval)
	}
	if wait := time.Until(next); wait > 0 {
		l.timer = time.AfterFunc(wait, func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			l.timer = nil
			if !l.closed {
				l.draw()
			}
		})
		return
	}
	l.draw()
}

func (l *Line) draw() {
	text := l.text
	if w := l.width(); w > 1 && len(text) >= w {
		text = text[:w-1] // a wrapped line could not be erased
	}
	if text == l.showing {
		return
	}
	io.WriteString(l.w, "\r"+text+"\x1b[K")
	l.showing = text
	l.drawn = time.Now()
}

// Clear erases the line, for good: later calls to Set show nothing.
func (l *Line) Clear() {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	l.erase()
}

func (l *Line) erase() {
	if l.timer != nil {
		l.timer.Stop()
		l.timer = nil
	}
	if l.showing != "" {
		io.WriteString(l.w, "\r\x1b[K")
		l.showing = ""
	}
}

// Interrupting wraps a function that writes lines to the same terminal, so
// that the progress line is erased before each of them (and drawn again
// below by the next Set) instead of being run into.
func (l *Line) Interrupting(logf func(format string, args ...any)) func(format string, args ...any) {
	if l == nil {
		return logf
	}
	return func(format string, args ...any) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.erase()
		logf(format, args...)
		if !l.closed && l.text != "" {
			l.schedule()
		}
	}
}
