package rules

import (
	"fmt"
	"go/ast"
	"go/types"
	"strings"

	"github.com/dave/dst"
	"github.com/leakfix/leakfix/fix"
	"github.com/leakfix/leakfix/ownership"
	"golang.org/x/tools/go/types/typeutil"
)

// MissingClose finds resources that a function acquires and never releases.
var MissingClose = &Rule{
	Name:    "missing-close",
	Summary: "a file, response body, multipart file or sql.Rows that is never closed",
	Doc: `A value from os.Open, os.Create, os.OpenFile or os.CreateTemp; the Body of
an HTTP response from (*http.Client).Do, Get, Post, PostForm or Head or the
package-level http.Get, Post, PostForm or Head; a multipart file from
(*multipart.FileHeader).Open or (*http.Request).FormFile; or *sql.Rows from
Query or QueryContext on *sql.DB, *sql.Conn, *sql.Tx or *sql.Stmt, that the
function never closes and never hands on.

Fix: "defer f.Close()" ("defer resp.Body.Close()") right after the error
check that follows the acquisition, never before it, or right after the
acquiring statement when there is no error to check and closing a failed
acquisition is harmless (an *os.File).

Not a leak, and left alone: a resource that is returned, stored in a field,
global or container, sent on a channel, handed to a goroutine, or passed to
a function that takes it over (net/http closes a request's body).

Reported without a fix: a resource passed to a function that may close or
keep it, captured by a closure, reassigned, or acquired in a loop or with
no error check, where a deferred close might be wrong.

Example:

	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close() // added
	return json.NewDecoder(f).Decode(&v)`,
	Run: runMissingClose,
}

func runMissingClose(pass *Pass) {
	for _, a := range ownership.Find(pass.Info, pass.Inspector.Root()) {
		if f, ok := missingClose(pass, a); ok {
			pass.Report(f)
		}
	}
}

// missingClose judges one acquisition, and plans its fix.
func missingClose(pass *Pass, a *ownership.Acquisition) (Finding, bool) {
	what := describe(pass.Info, a)
	f := Finding{Pos: a.Call.Pos(), End: a.Call.End(), Message: what + " is never closed"}
	j := ownership.Judge(pass.Info, a, pass.Summaries)
	switch {
	case a.Discarded:
		f.NoFix = "the result is discarded"
		return f, true
	case j.Verdict == ownership.Unknown:
		f.Message = what + " is never closed here"
		f.NoFix = fmt.Sprintf("%s on line %d, which may close or keep it", j.Reason, pass.Fset.Position(j.At).Line)
		return f, true
	}
	released := j.Verdict != ownership.Leaks
	if j.Doubt != "" {
		// Released somewhere, and handled in a way leakfix cannot judge
		// elsewhere: the paths it leaks on, if any, are unknown.
		return f, false
	}
	if a.Var == nil {
		f.NoFix = "it is not assigned to a variable"
		return f, !released
	}
	if j.Reassigned.IsValid() {
		f.NoFix = fmt.Sprintf("it is reassigned on line %d", pass.Fset.Position(j.Reassigned).Line)
		return f, !released
	}
	live, why := ownership.LiveAfter(pass.Info, a)
	if live == nil {
		// Where it is released, the paths cannot be followed from a
		// known start: say nothing rather than guess.
		f.NoFix = why
		return f, !released
	}
	if pass.Info.Defs[a.Ident] != a.Var {
		// Assigned to a variable declared elsewhere, which may outlive
		// the block and hold the resource past its end.
		if released || ownership.InLoop(a) {
			f.NoFix = "it is assigned to a variable declared outside its block"
			return f, !released
		}
		f.Fix = deferClose(a, ownership.DeferAfter(pass.Info, a, live))
		return f, true
	}
	paths := ownership.FollowPaths(pass.Info, a, live, j)
	leaks := paths.OpenExits()
	switch {
	case len(leaks) == 0:
		return f, false // released on every path
	case paths.Unfollowed != "":
		f.NoFix = fmt.Sprintf("the function uses %s, which leakfix does not follow", paths.Unfollowed)
		return f, !released
	case released:
		f.Message = fmt.Sprintf("%s is left open at %s", what, exitList(pass, leaks))
	}
	if !released && !paths.InLoop {
		f.Fix = deferClose(a, ownership.DeferAfter(pass.Info, a, live))
		return f, true
	}
	f.Fix, f.NoFix = closeAtExits(pass, a, j, paths, leaks)
	return f, true
}

// closeAtExits closes the resource right before each exit that paths reach
// with it open: a return, a break or continue that leaves its scope, or the
// end of its scope (the end of a loop iteration). Each such exit must be
// reached only with the resource open, and must not read it.
func closeAtExits(pass *Pass, a *ownership.Acquisition, j ownership.Judgement, paths *ownership.Paths, leaks []*ownership.Exit) (*fix.Fix, string) {
	for _, e := range leaks {
		switch {
		case e.Released:
			return nil, fmt.Sprintf("at %s it is open on some paths and already closed or handed on on others", exitName(pass, e))
		case e.Stmt != nil && j.NeededBy(pass.Info, e.Stmt):
			return nil, fmt.Sprintf("%s still reads it", exitName(pass, e))
		}
	}
	closer := closeText(a)
	fx := &fix.Fix{Message: "close it at " + exitList(pass, leaks)}
	for _, e := range leaks {
		if e.Stmt != nil {
			fx.Sites = append(fx.Sites, fix.Site{Pos: e.Stmt.Pos(), End: e.Stmt.End()})
			continue
		}
		list := stmtsOf(paths.Scope)
		fx.Sites = append(fx.Sites, fix.Site{Pos: list[len(list)-1].Pos(), End: paths.Scope.End()})
	}
	fx.Edit = func(ed *fix.Editor) error {
		for _, e := range leaks {
			var err error
			if e.Stmt != nil {
				err = ed.InsertBefore(e.Stmt, closeCall(closer))
			} else {
				err = ed.Append(paths.Scope, closeCall(closer))
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
	return fx, ""
}

func stmtsOf(scope ast.Node) []ast.Stmt {
	switch n := scope.(type) {
	case *ast.BlockStmt:
		return n.List
	case *ast.CaseClause:
		return n.Body
	case *ast.CommClause:
		return n.Body
	}
	return nil
}

// exitName says where an exit is: "the return on line 12", "the end of the
// loop body".
func exitName(pass *Pass, e *ownership.Exit) string {
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
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// describe names the resource for messages: "the file from os.Open", "the
// body of resp (from (*net/http.Client).Do)".
func describe(info *types.Info, a *ownership.Acquisition) string {
	fn := "its call"
	if f, ok := typeutil.Callee(info, a.Call).(*types.Func); ok {
		fn = shortName(f)
	}
	switch {
	case a.Var != nil && a.Acquirer.Kind.Field != "":
		return fmt.Sprintf("%s.%s (%s from %s)", a.Var.Name(), a.Acquirer.Kind.Field, a.Acquirer.Kind.Name, fn)
	case a.Var != nil:
		return fmt.Sprintf("%s (%s from %s)", a.Var.Name(), a.Acquirer.Kind.Name, fn)
	}
	return fmt.Sprintf("the %s from %s", a.Acquirer.Kind.Name, fn)
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

// closeText is the expression whose Close releases the resource: "f",
// "resp.Body".
func closeText(a *ownership.Acquisition) []string {
	if field := a.Acquirer.Kind.Field; field != "" {
		return []string{a.Var.Name(), field}
	}
	return []string{a.Var.Name()}
}

// closeCall builds a fresh "x.Close()" call for the expression path.
func closeCall(path []string) *dst.ExprStmt {
	var x dst.Expr = dst.NewIdent(path[0])
	for _, sel := range path[1:] {
		x = &dst.SelectorExpr{X: x, Sel: dst.NewIdent(sel)}
	}
	return &dst.ExprStmt{X: &dst.CallExpr{Fun: &dst.SelectorExpr{X: x, Sel: dst.NewIdent("Close")}}}
}

// deferClose inserts "defer x.Close()" (or "defer x.Body.Close()") after the
// given statement.
func deferClose(a *ownership.Acquisition, after ast.Stmt) *fix.Fix {
	closer := closeText(a)
	return &fix.Fix{
		Message: fmt.Sprintf("defer %s.Close()", strings.Join(closer, ".")),
		Sites:   []fix.Site{{Pos: after.Pos(), End: after.End()}},
		Edit: func(e *fix.Editor) error {
			return e.InsertAfter(after, &dst.DeferStmt{Call: closeCall(closer).X.(*dst.CallExpr)})
		},
	}
}
