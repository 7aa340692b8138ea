// Cancel funcs not called on every path.
package cancel

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

func Ping(ctx context.Context, c *http.Client, u string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second) // want `cancel \(cancel func from context.WithTimeout\) is never called$`
	_ = cancel                                           // vet's lostcancel would say so, too
	req, err := http.NewRequestWithContext(ctx, "HEAD", u, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

func Cause(ctx context.Context) error {
	ctx, cancel := context.WithCancelCause(ctx) // want `never called$`
	_ = cancel
	<-ctx.Done()
	return context.Cause(ctx)
}

// Called on the happy path only: the early return leaks the timer, but a
// call before it could cut short a context still in use. Reported only.
func Partial(ctx context.Context, ok bool) error {
	ctx, cancel := context.WithDeadline(ctx, time.Now().Add(time.Minute)) // want `cancel \(cancel func from context.WithDeadline\) is not called at the return on line 38 \(no automatic fix: calling it before the function returns could cancel a context that is still in use\)$`
	if !ok {
		return errors.New("not ok")
	}
	<-ctx.Done()
	cancel()
	return nil
}

// In a loop: reported only.
func Each(ctx context.Context, n int) {
	for i := 0; i < n; i++ {
		ctx, cancel := context.WithCancel(ctx) // want `is not called at the continue on line 50 and the end of its block \(no automatic fix: calling it before`
		if i == 3 {
			continue
		}
		go func() { <-ctx.Done() }()
		if i == 5 {
			cancel()
			break
		}
	}
}

func Discarded(ctx context.Context) context.Context {
	ctx, _ = context.WithCancel(ctx) // want `no automatic fix: the result is discarded`
	return ctx
}

// Handed on: returned, stored, registered as a cleanup, called by a helper.
func Returned(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithCancel(ctx)
}

type server struct{ stop context.CancelFunc }

func (s *server) Stop() { s.stop() }

func (s *server) Start(ctx context.Context) context.Context {
	ctx, cancel := context.WithCancel(ctx)
	s.stop = cancel
	return ctx
}

func Cleanup(t *testing.T) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return ctx
}

func stop(cancel context.CancelFunc) { cancel() }

func Helper(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	defer stop(cancel)
	<-ctx.Done()
}

func Deferred(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	<-ctx.Done()
}

// A timer calls the cancel (helm's and restic's tests): nothing to report.
func Timed(ctx context.Context, d time.Duration) {
	ctx, cancel := context.WithCancel(ctx)
	time.AfterFunc(d, cancel)
	<-ctx.Done()
}
