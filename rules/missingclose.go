package rules

import (
	"fmt"
	"go/ast"
	"go/types"

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
		j := ownership.Judge(pass.Info, a, pass.Summaries)
		what := describe(pass.Info, a)
		switch j.Verdict {
		case ownership.Closed, ownership.HandedOn:
			continue
		case ownership.Unknown:
			pass.Report(Finding{
				Pos: a.Call.Pos(), End: a.Call.End(),
				Message: fmt.Sprintf("%s is never closed here", what),
				NoFix:   fmt.Sprintf("%s on line %d, which may close or keep it", j.Reason, pass.Fset.Position(j.At).Line),
			})
			continue
		}
		f := Finding{Pos: a.Call.Pos(), End: a.Call.End(), Message: fmt.Sprintf("%s is never closed", what)}
		if a.Discarded {
			f.NoFix = "the result is discarded"
		} else if after, why := ownership.ReleaseAfter(pass.Info, a); after == nil {
			f.NoFix = why
		} else {
			f.Fix = deferClose(a, after)
		}
		pass.Report(f)
	}
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

// deferClose inserts "defer x.Close()" (or "defer x.Body.Close()") after the
// given statement.
func deferClose(a *ownership.Acquisition, after ast.Stmt) *fix.Fix {
	name, field := a.Var.Name(), a.Acquirer.Kind.Field
	text := name
	if field != "" {
		text += "." + field
	}
	return &fix.Fix{
		Message: fmt.Sprintf("defer %s.Close()", text),
		Sites:   []fix.Site{{Pos: after.Pos(), End: after.End()}},
		Edit: func(e *fix.Editor) error {
			var x dst.Expr = dst.NewIdent(name)
			if field != "" {
				x = &dst.SelectorExpr{X: x, Sel: dst.NewIdent(field)}
			}
			return e.InsertAfter(after, &dst.DeferStmt{Call: &dst.CallExpr{
				Fun: &dst.SelectorExpr{X: x, Sel: dst.NewIdent("Close")},
			}})
		},
	}
}
