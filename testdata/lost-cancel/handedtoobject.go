// Cancel funcs handed to an object: its Close (or Stop) must call them.
package handedtoobject

import (
	"context"
	"io"
	"net/http"
	"time"
)

// A stream whose Close closes the body and then cancels: fine.
type stream struct {
	body   io.ReadCloser
	cancel context.CancelFunc
}

func (s *stream) Read(p []byte) (int, error) { return s.body.Read(p) }

func (s *stream) Close() error {
	err := s.body.Close()
	s.cancel()
	return err
}

func newStream(body io.ReadCloser, cancel context.CancelFunc) *stream {
	return &stream{body: body, cancel: cancel}
}

func Open(ctx context.Context, c *http.Client, url string) (io.ReadCloser, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		cancel()
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		cancel()
		return nil, err
	}
	return newStream(resp.Body, cancel), nil
}

// A watcher keeps its cancel and never calls it: Stop only closes the
// channel.
type watcher struct {
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
}

func (w *watcher) Stop() { close(w.done) }

func Watch(parent context.Context) *watcher {
	ctx, cancel := context.WithCancel(parent) // want `cancel \(cancel func from context.WithCancel\) is handed to watcher.cancel, which no method of watcher calls \(no automatic fix: where the cancel belongs \(a Close or Stop of watcher\) is the type's design\)`
	return &watcher{ctx: ctx, cancel: cancel, done: make(chan struct{})}
}

func newWatcher(ctx context.Context, cancel context.CancelFunc) *watcher {
	w := &watcher{ctx: ctx, done: make(chan struct{})}
	w.cancel = cancel
	return w
}

func WatchFor(parent context.Context, d time.Duration) *watcher {
	ctx, cancel := context.WithTimeout(parent, d) // want `cancel \(cancel func from context.WithTimeout\) is handed to newWatcher, which keeps it in watcher.cancel, which no method of watcher calls`
	return newWatcher(ctx, cancel)
}

// Stored in a field that a method reads, through a variable.
type job struct{ stop func() }

func (j *job) Cancel() {
	stop := j.stop
	stop()
}

func Start(parent context.Context) *job {
	_, cancel := context.WithCancel(parent)
	j := &job{}
	j.stop = cancel
	return j
}

// An exported field of an exported type: the package's importers may call
// it, so that nothing here does is no leak that can be shown.
type Session struct {
	Cancel context.CancelFunc
}

func NewSession(parent context.Context) *Session {
	_, cancel := context.WithCancel(parent) // want `cancel \(cancel func from context.WithCancel\) is handed to Session.Cancel, and whether a method of Session calls it is not known \(no automatic fix: Cancel is exported, and the importers of handedtoobject may call it\)$`
	return &Session{Cancel: cancel}
}
