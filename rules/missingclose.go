package rules

import (
	"fmt"
	"go/ast"
	"go/types"
	"slices"

	"go/token"

	"github.com/dave/dst"
	"github.com/leakfix/leakfix/fix"
	"github.com/leakfix/leakfix/internal/syntax"
	"github.com/leakfix/leakfix/ownership"
	"golang.org/x/tools/go/types/typeutil"
)

// MissingClose finds resources that a function acquires and never releases.
var MissingClose = &Rule{
	Name:    "missing-close",
	Summary: "a file, response body, connection, sql.Rows or other resource that is not closed on every path",
	Doc: `A resource the function acquires and does not close, or hand on, on
every path: a value from os.Open, os.Create, os.OpenFile or os.CreateTemp;
the Body of an HTTP response from (*http.Client).Do, Get, Post, PostForm or
Head or the package-level http.Get, Post, PostForm or Head; a multipart file
from (*multipart.FileHeader).Open or (*http.Request).FormFile; *sql.Rows
from Query or QueryContext, a *sql.Stmt from Prepare, a *sql.Conn from
(*sql.DB).Conn; a net.Conn or net.Listener from net.Dial, net.Listen,
(*net.Dialer).DialContext, tls.Dial and their kin; a *zip.ReadCloser from
zip.OpenReader; the pipes of (*exec.Cmd).StdoutPipe, StderrPipe and
StdinPipe, which only cmd.Wait (or Run, Output, CombinedOutput) releases;
the resources a project declares in its .leakfix.yaml; and what a function
of the program returns that it acquired (func open() (*os.File, error) {
return os.Open(...) }).

Beyond that list, any call whose result can be released is a candidate:
an *http.Response, *sql.Rows, a *sql.Tx from Begin or BeginTx (released by
Commit or Rollback; the fix is "tx.Rollback()" on the paths that do
neither), and any value with a Close method. Whether its caller owns it is
decided by evidence: the callee's body (it returns what it acquired, or a
fresh value it made whose Close does something; the bodies of the
third-party functions the program calls are read from the module cache),
the standard library table (ioutil.TempFile, (http.RoundTripper).RoundTrip,
net's Accept and File methods...), the program's implementations of an
interface method, and for a body not seen, the result's type: a response or
rows returned with an error are fixed, as net/http and database/sql say
the caller closes them; another closer returned with an error is reported,
not fixed, unless the function releases it on some path itself. A
response that a function of the program returns with an error too, beside
a connection it returns on success (a websocket-style handshake), is the
caller's only where the call fails: it is closed on the failing paths
("if resp != nil { resp.Body.Close() }" where the response may be
missing), never with a defer, which would cut the connection its body is
on success.

Each resource is followed along every path from its acquisition to every
exit of its function, through the variables that hold it: aliases (body :=
resp.Body), wrappers (body, err = gzip.NewReader(body)), variables declared
with var and assigned with =; another assignment ends a variable's hold,
and a resource whose last holder is overwritten is lost there. It is
released where it is closed, and handed on where
it is returned (also inside a struct, slice, map or closure), stored where
it outlives the call, sent on a channel, given to a goroutine, registered
as a cleanup (t.Cleanup, a deferred helper, f.Close added to a list), or
passed to a function that closes or keeps it: what a function of the
analysed packages (and of the main module's packages they import) does
with its parameters is learned from its body, a call through an
unexported or internal interface from the program's implementations of
it, a function literal from its body and where it runs, and the standard
library's from a built-in table (bufio.NewReader and json.NewDecoder only
wrap; http.NewRequest takes a body over) and, for a package-level function
that takes it as an io.Writer or io.Reader and returns nothing that could
hold it (pem.Encode), from its signature: it only lends it.

Fix, when the resource is never released: "defer f.Close()" ("defer
resp.Body.Close()") right after the error check that follows the
acquisition, never before it, and after the defers right below that use
it (a deferred os.Remove(f.Name()) then runs after the close); the check
may be testify's require.NoError or a helper of the program that fails the
test on an error. When it is released on some paths only, reassigned, or
acquired in a loop: "f.Close()" right before each return, break or
continue that leaves it open, before an assignment that overwrites it, and
at the end of its block (where a loop iteration ends), never a defer in a
loop. When the result is thrown away ("_, _ = t.RoundTrip(req)", a
touch's "os.Create(p)"), no one can read it: it is named and released
right there when the call succeeds ("if resp, err := t.RoundTrip(req); err
== nil { resp.Body.Close() }"; after "resp, err := c.Get(u)", "if err ==
nil { resp.Body.Close() }").

An error decoder, a function of the package that takes a response, reads
its body and leaves it open, called where the status is an error ("err =
c.handleErrorResp(resp); return"), is reported once, at the decoder, in
place of its callers' findings, and fixed there with "defer
resp.Body.Close()" when every call of it in the package leaves the body
open after it and it is not exported; otherwise the callers keep their own
findings and fixes.

Reported without a fix: a resource passed to a function that may close or
keep it (on the paths through that call, also where other paths release
it: "may be left open at the return on line N"), captured by a closure that may
run at any time, not error-checked where a nil value would panic, held
only by an alias at an exit, or reaching an exit open on some paths and
released on others; a return that still reads it; goto.

Example:

	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close() // added
	return json.NewDecoder(f).Decode(&v)`,
	Run: func(pass *Pass) { runReleases(pass, func(k *ownership.Kind) bool { return !k.Func && !k.Queues }) },
}

// runReleases reports the acquisitions of the kinds the rule covers that
// are not released on every path.
func runReleases(pass *Pass, covers func(*ownership.Kind) bool) {
	var found []released
	for _, a := range pass.acquisitions() {
		if !covers(a.Acquirer.Kind) {
			continue
		}
		if f, ok := missingClose(pass, a); ok {
			found = append(found, released{a, f})
		} else if a.Acquirer.Kind.Func {
			if f, ok := cancelKept(pass, a); ok {
				found = append(found, released{a, f})
			}
		}
	}
	for _, f := range foldBodyReaders(pass, found) {
		pass.Report(f)
	}
}

// missingClose judges one acquisition, and plans its fix.
func missingClose(pass *Pass, a *ownership.Acquisition) (Finding, bool) {
	k := a.Acquirer.Kind
	what, verb := describe(pass.Info, a), releasedVerb(k)
	f := Finding{Pos: a.Call.Pos(), End: a.Call.End(), Message: what + " is never " + verb, Evidence: string(a.Acquirer.Evidence)}
	if k.Queues {
		f.Message += ": " + queuedLoss(k)
	}
	if a.Acquirer.OnFailure {
		f.Message += " when the call fails"
	}
	j := pass.judge(a)
	switch {
	case a.Discarded:
		f.Fix, f.NoFix = releaseDiscarded(pass, a)
		return f, true
	case j.Outlives:
		return f, false // whoever reads the variable is responsible
	case k.Queues && nothingToLose(pass, a, j):
		return f, false
	case a.Var == nil || j.Doubt != "":
		// Not followed along paths: judged by its uses alone.
		switch j.Verdict {
		case ownership.Unknown:
			f.Message = what + " is never " + verb + " here"
			f.NoFix = fmt.Sprintf("%s on line %d, which may close or keep it", j.Reason, pass.Fset.Position(j.At).Line)
			if j.At == a.Call.Pos() {
				f.NoFix = j.Reason // about the acquisition itself
			}
			return f, true
		case ownership.Leaks:
			f.NoFix = "it is not assigned to a variable"
			return f, true
		}
		// Released somewhere, and handled in a way leakfix cannot
		// judge elsewhere: the paths it leaks on, if any, are unknown.
		return f, false
	}
	paths, ok := pass.followPaths(a)
	if !ok {
		f.NoFix = "the acquisition is not a plain statement"
		return f, j.Verdict == ownership.Leaks
	}
	leaks := paths.OpenExits()
	if k.Queues || k.MemoryOnly {
		leaks = mustLand(pass, a, leaks)
	}
	released, doubted := paths.Released(), paths.Doubted()
	switch {
	case len(leaks) == 0 && paths.Doubt != "" && !released:
		f.Message = what + " is never " + verb + " here"
		f.NoFix = fmt.Sprintf("%s on line %d, which may close or keep it", paths.Doubt, pass.Fset.Position(paths.DoubtAt).Line)
		return f, true
	case len(leaks) == 0 && released:
		// Released or handed on where it is judged; an exit reached only
		// after a use leakfix cannot judge is said, not fixed.
		doubtful := paths.DoubtfulExits()
		if len(doubtful) == 0 {
			return f, false
		}
		f.Message = fmt.Sprintf("%s may be left open at %s", what, exitList(pass, doubtful))
		f.NoFix = fmt.Sprintf("%s on line %d, which may close or keep it", paths.Doubt, pass.Fset.Position(paths.DoubtAt).Line)
		return f, true
	case len(leaks) == 0:
		return f, false // released on every path
	case a.Acquirer.Kind.NoFix != "" && released:
		return f, false // released where its design says; not judged further
	case paths.Unfollowed != "":
		f.NoFix = fmt.Sprintf("the function uses %s, which leakfix does not follow", paths.Unfollowed)
		return f, true
	case a.Acquirer.OnFailure:
		f.Message = fmt.Sprintf("%s is left open at %s if the call failed", what, exitList(pass, leaks))
	case released && (k.Func || k.Queues):
		f.Message = fmt.Sprintf("%s is not %s at %s", what, verb, exitList(pass, leaks))
	case released, slices.ContainsFunc(leaks, func(e *ownership.Exit) bool { return e.Overwrite }):
		f.Message = fmt.Sprintf("%s is left open at %s", what, exitList(pass, leaks))
	}
	if why := a.Acquirer.Kind.NoFix; why != "" {
		f.NoFix = why
		return f, true
	}
	if why := unreleasable(a); why != "" {
		f.NoFix = why
		return f, true
	}
	if why := a.Acquirer.NoFix; why != "" && !released {
		// Released on no path: nothing in the function shows that it
		// owns the resource either.
		f.NoFix = why
		return f, true
	}
	if why := commitsOnClose(pass, a); why != "" {
		f.NoFix = why
		return f, true
	}
	if k.Queues {
		f.Fix, f.NoFix = finishQueued(pass, a, j, paths, leaks)
		return f, true
	}
	// A deferred release holds the value it was given: that only an alias
	// holds it at an exit (its own variable's block has ended) is no
	// reason against one, where its own variable is never reassigned.
	// (Not for a resource owned only where the call failed: a deferred
	// release would run on success too.)
	if !released && !doubted && !paths.InLoop && !j.Reassigned.IsValid() && !a.Acquirer.OnFailure && !slices.ContainsFunc(leaks, func(e *ownership.Exit) bool { return e.Overwrite }) {
		live, why := ownership.LiveAfter(pass.Info, a, pass.Summaries)
		if live != nil {
			f.Fix, f.NoFix = newReleaser(pass, a).deferred(ownership.DeferAfter(pass.Info, a, live))
			return f, true
		}
		// No place for a defer (the error checked the other way round,
		// "if err == nil {...}"): a release at each exit may still be
		// right, where every exit follows a check.
		if !a.Acquirer.Kind.Func {
			if f.Fix, _ = closeAtExits(pass, a, j, leaks); f.Fix != nil {
				return f, true
			}
		}
		f.NoFix = why
		return f, true
	}
	if a.Acquirer.Kind.Func {
		f.NoFix = earlyCancel
		return f, true
	}
	if len(leaks) >= manyExits {
		if fx := deferOnError(pass, a, j, paths, leaks); fx != nil {
			f.Fix = fx
			return f, true
		}
	}
	f.Fix, f.NoFix = closeAtExits(pass, a, j, leaks)
	return f, true
}

// manyExits is how many leaking returns make one deferred close on error
// clearer than a close before each.
const manyExits = 4

// deferOnError plans, for a resource left open at many returns that all
// fail, one deferred close that runs when the function returns an error:
//
//	defer func() {
//		if retErr != nil {
//			resp.Body.Close()
//		}
//	}()
//
// naming the error result if it has no name, which is what distribution's
// maintainers merged for its HTTPReadSeeker. It is right only when every
// return the paths reach with the resource open returns a non-nil error,
// and every one they reach with it released or handed on returns nil: nil
// if no such plan holds.
func deferOnError(pass *Pass, a *ownership.Acquisition, j ownership.Judgement, paths *ownership.Paths, leaks []*ownership.Exit) *fix.Fix {
	er := errorResultOf(pass, a.Func.Node())
	if er == nil || a.OpensForWriting(pass.Info) || paths.InLoop || j.Reassigned.IsValid() || a.Acquirer.Kind.Func || a.Acquirer.OnFailure {
		return nil
	}
	if er.obj == nil {
		er.unnamed = freshName(pass, a.Func.Node(), "retErr")
	}
	failing := func(e *ownership.Exit) (bool, bool) {
		ret, ok := e.Stmt.(*ast.ReturnStmt)
		if !ok || len(ret.Results) != er.sig.Results().Len() {
			return false, false // a bare return, or not a return
		}
		last := ret.Results[len(ret.Results)-1]
		return !syntax.IsNil(pass.Info, last), true
	}
	for _, e := range paths.Exits {
		fails, ok := failing(e)
		switch {
		case e.Open && (!ok || !fails || e.Released || e.Doubted || e.MaybeNil || e.Unchecked || e.Aliased || e.Overwrite):
			return nil
		case e.Open && j.NeededBy(pass.Info, e.Stmt):
			return nil
		case !e.Open && (e.HandedOn || e.Doubted) && (!ok || fails):
			// A failing return where it is handed on: the deferred
			// close would release what someone else now holds. (Where
			// it is closed already, closing again is harmless.)
			return nil
		}
	}
	live, _ := ownership.LiveAfter(pass.Info, a, pass.Summaries)
	if live == nil {
		return nil
	}
	after := ownership.DeferAfter(pass.Info, a, live)
	for _, e := range leaks {
		if e.Stmt.Pos() < after.End() {
			return nil
		}
	}
	if !er.reachable(pass, after.End()) {
		return nil
	}
	fx := &fix.Fix{
		Message: "defer a close that runs when the function fails",
		Sites:   []fix.Site{{Pos: after.Pos(), End: after.End()}, er.site()},
	}
	fx.Edit = func(e *fix.Editor) error {
		if err := er.nameResults(e); err != nil {
			return err
		}
		release := &dst.ExprStmt{X: releaseCall(a)}
		release.Decs.Before, release.Decs.After = dst.NewLine, dst.NewLine
		guard := &dst.IfStmt{
			Cond: &dst.BinaryExpr{X: dst.NewIdent(er.name()), Op: token.NEQ, Y: dst.NewIdent("nil")},
			Body: &dst.BlockStmt{List: []dst.Stmt{release}},
		}
		guard.Decs.Before, guard.Decs.After = dst.NewLine, dst.NewLine
		return e.InsertAfter(after, &dst.DeferStmt{Call: syntax.FuncLitCall(guard)})
	}
	return fx
}

// earlyCancel says why a cancel func is only ever fixed with a defer: the
// context it cancels may be used past the place where it would be called
// (by a goroutine, a connection, a response body), which the cancel func's
// own uses do not show.
const earlyCancel = "calling it before the function returns could cancel a context that is still in use"

// closeAtExits closes the resource right before each exit that paths reach
// with it open: a return, a break or continue that leaves its scope, the
// end of its block (the end of a loop iteration), or an assignment that
// overwrites it. Each such exit must be reached only with the resource
// open, through its own variable, after its acquisition was checked, and
// must not read it.
func closeAtExits(pass *Pass, a *ownership.Acquisition, j ownership.Judgement, leaks []*ownership.Exit) (*fix.Fix, string) {
	nilSafe := a.Acquirer.Kind.NilSafe
	for _, e := range leaks {
		switch {
		case e.Released || e.Doubted:
			return nil, fmt.Sprintf("at %s it is open on some paths and already closed or handed on on others", exitName(pass, e))
		case e.MaybeNil:
			return nil, fmt.Sprintf("%s may be nil or hold another value at %s", a.Var.Name(), exitName(pass, e))
		case e.MaySucceed:
			return nil, fmt.Sprintf("at %s the call may have succeeded, and what it returned is then another result's", exitName(pass, e))
		case e.Unchecked && a.Acquirer.OnFailure:
			// Where the call failed it may return no response: the
			// release is guarded by a nil check.
		case e.Unchecked && (!nilSafe || a.Err != nil):
			return nil, fmt.Sprintf("its error is not checked before %s, so it may be nil there", exitName(pass, e))
		case e.Aliased:
			return nil, fmt.Sprintf("at %s only another variable holds it", exitName(pass, e))
		case e.After:
			return nil, fmt.Sprintf("it is lost at %s, where no release can go", exitName(pass, e))
		case e.Stmt != nil && j.NeededBy(pass.Info, e.Stmt) && !splitsReturn(pass, a, e.Stmt):
			return nil, fmt.Sprintf("%s still reads it", exitName(pass, e))
		}
	}
	fx := &fix.Fix{Message: "release it at " + exitList(pass, leaks)}
	r := newReleaser(pass, a)
	var edits []func(*fix.Editor) error
	for _, e := range leaks {
		// Before the statement that overwrites it, the release is as at
		// the end of an iteration.
		// A handshake's response may be missing where the call failed.
		edit, why := r.atExit(e.Stmt, e.Scope, a.Acquirer.OnFailure && e.Unchecked)
		if edit == nil {
			return nil, why
		}
		edits = append(edits, edit)
		if e.Stmt != nil {
			fx.Sites = append(fx.Sites, fix.Site{Pos: e.Stmt.Pos(), End: e.Stmt.End()})
			continue
		}
		list := syntax.StmtList(e.Scope)
		if len(list) == 0 {
			return nil, "its block is empty"
		}
		fx.Sites = append(fx.Sites, fix.Site{Pos: list[len(list)-1].Pos(), End: e.Scope.End()})
	}
	fx.Edit = func(ed *fix.Editor) error {
		for _, edit := range edits {
			if err := edit(ed); err != nil {
				return err
			}
		}
		return nil
	}
	return fx, ""
}

// exitName says where an exit is: "the return on line 12", "the end of the
// loop body".
func exitName(pass *Pass, e *ownership.Exit) string {
	if e.Overwrite {
		return fmt.Sprintf("line %d, which overwrites it", pass.Fset.Position(e.Stmt.Pos()).Line)
	}
	if e.After {
		return fmt.Sprintf("the end of the if statement on line %d", pass.Fset.Position(e.Stmt.Pos()).Line)
	}
	switch s := e.Stmt.(type) {
	case nil:
		return "the end of its block"
	case *ast.ReturnStmt:
		return fmt.Sprintf("the return on line %d", pass.Fset.Position(s.Pos()).Line)
	case *ast.BranchStmt:
		return fmt.Sprintf("the %s on line %d", s.Tok, pass.Fset.Position(s.Pos()).Line)
	}
	return fmt.Sprintf("line %d", pass.Fset.Position(e.Stmt.Pos()).Line)
}

func exitList(pass *Pass, exits []*ownership.Exit) string {
	var names []string
	for _, e := range exits {
		names = append(names, exitName(pass, e))
	}
	return andList(names)
}

// describe names the resource for messages: "the file from os.Open", "the
// body of resp (from (*net/http.Client).Do)".
func describe(info *types.Info, a *ownership.Acquisition) string {
	fn := "its call"
	if f, ok := typeutil.Callee(info, a.Call).(*types.Func); ok {
		fn = shortName(f)
	}
	kind := a.Acquirer.Kind.Name
	if a.Acquirer.Kind == ownership.Closer {
		kind = resultType(info, a)
	}
	switch {
	case a.Var != nil && a.Acquirer.Kind.Field != "":
		return fmt.Sprintf("%s.%s (%s from %s)", a.Var.Name(), a.Acquirer.Kind.Field, kind, fn)
	case a.Var != nil:
		return fmt.Sprintf("%s (%s from %s)", a.Var.Name(), kind, fn)
	}
	return fmt.Sprintf("the %s from %s", kind, fn)
}

// unreleasable says why the variable holding a's resource cannot release
// it: its type, an io.Reader say, has no release method. "" when it can.
func unreleasable(a *ownership.Acquisition) string {
	k := a.Acquirer.Kind
	if k.Func || k.Field != "" || a.Var == nil {
		return ""
	}
	m := k.ReleaseMethod()
	if obj, _, _ := types.LookupFieldOrMethod(a.Var.Type(), true, a.Var.Pkg(), m); obj != nil {
		return ""
	}
	return fmt.Sprintf("%s is %s, which has no %s method", a.Var.Name(), types.TypeString(a.Var.Type(), func(p *types.Package) string { return p.Name() }), m)
}

// commitsOnClose says why a's resource, a write-only writer known only as
// a closer,
// is not closed by a fix: the Close of such a writer may commit what was
// written (an object store's upload, an SMTP message's DATA), which on a
// failing path is worse than the leak. "" for any other resource.
func commitsOnClose(pass *Pass, a *ownership.Acquisition) string {
	if a.Acquirer.Kind != ownership.Closer {
		return ""
	}
	t := pass.Info.TypeOf(a.Call)
	if tuple, ok := t.(*types.Tuple); ok {
		t = tuple.At(a.Acquirer.Result).Type()
	}
	has := func(m string) bool { obj, _, _ := types.LookupFieldOrMethod(t, true, nil, m); return obj != nil }
	if !has("Write") || has("Read") {
		return "" // not a writer, or a stream both ways (a connection, a file)
	}
	return fmt.Sprintf("the Close of a %s may commit what was written, and where it belongs on a failing path is the writer's design", resultType(pass.Info, a))
}

// resultType spells the type of the acquired result as code does:
// "*sftp.File", "io.ReadCloser".
func resultType(info *types.Info, a *ownership.Acquisition) string {
	t := info.TypeOf(a.Call)
	if tuple, ok := t.(*types.Tuple); ok && a.Acquirer.Result < tuple.Len() {
		t = tuple.At(a.Acquirer.Result).Type()
	}
	return types.TypeString(t, func(p *types.Package) string { return p.Name() })
}

// shortName is a function's name as code spells it: "os.Open",
// "(*http.Client).Do".
func shortName(f *types.Func) string {
	sig := f.Signature()
	if recv := sig.Recv(); recv != nil {
		return fmt.Sprintf("(%s).%s", types.TypeString(recv.Type(), func(p *types.Package) string { return p.Name() }), f.Name())
	}
	return f.Pkg().Name() + "." + f.Name()
}

// releaseCall builds a fresh call that releases the resource of a:
// "f.Close()", "resp.Body.Close()", "cancel()", "cancel(nil)".
func releaseCall(a *ownership.Acquisition) *dst.CallExpr {
	return releaseCallOn(a.Var.Name(), a.Acquirer.Kind)
}

// releaseCallOn is the release of a resource of kind k held by the
// variable name.
func releaseCallOn(name string, k *ownership.Kind) *dst.CallExpr {
	var x dst.Expr = dst.NewIdent(name)
	if k.Field != "" {
		x = &dst.SelectorExpr{X: x, Sel: dst.NewIdent(k.Field)}
	}
	if !k.Func {
		x = &dst.SelectorExpr{X: x, Sel: dst.NewIdent(k.ReleaseMethod())}
	}
	call := &dst.CallExpr{Fun: x}
	for _, arg := range k.ReleaseArgs {
		call.Args = append(call.Args, dst.NewIdent(arg))
	}
	return call
}
