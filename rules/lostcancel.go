package rules

import "github.com/leakfix/leakfix/ownership"

// LostCancel finds context cancel funcs that are not called on every path.
var LostCancel = &Rule{
	Name:    "lost-cancel",
	Summary: "the cancel func of context.WithCancel, WithTimeout or WithDeadline is not called on every path",
	Doc: `The cancel func returned by context.WithCancel, WithTimeout, WithDeadline
and their Cause variants, when some path neither calls it nor hands it on
(returned, stored, passed to a function that calls or keeps it). Until it is
called, the context and its timer stay registered with the parent context.
go vet's lostcancel check reports this; leakfix also fixes it.

Fix: "defer cancel()" ("defer cancel(nil)" for WithCancelCause) right after
the call, when it is never called and not in a loop.

A cancel func handed to an object (&watcher{cancel: cancel}, a
constructor of the package that keeps it in a field, s.cancel = cancel) is
the object's to call: it is reported when no function of the package reads
that field, since nothing can call it then, and when the type's methods are
not in the analysed packages, since that cannot be shown.

Reported without a fix: a cancel func called on some paths only, or
acquired in a loop, since calling it earlier than the function's return
could cancel a context still in use by a goroutine, a connection or a
response body that the cancel func's own uses do not show; a discarded
cancel func (ctx, _ := context.WithCancel(parent)); and the shapes
missing-close cannot fix.

Example:

	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel() // added
	return client.Ping(ctx)`,
	Run: func(pass *Pass) { runReleases(pass, func(k *ownership.Kind) bool { return k.Func }) },
}
