package rules

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/dave/dst"

	"github.com/leakfix/leakfix/fix"
	"github.com/leakfix/leakfix/internal/syntax"
	"github.com/leakfix/leakfix/ownership"
)

// releaseDiscarded plans the release of a resource whose caller throws it
// away (a reverse proxy's "_, _ = t.RoundTrip(req)", a touch's
// "os.Create(p)"): no one can read it, so it is released right where it
// is acquired, when the call succeeds. The call keeps its place:
//
//	t.RoundTrip(req)            → if resp, err := t.RoundTrip(req); err == nil { resp.Body.Close() }
//	_, err := t.RoundTrip(req)  → resp, err := t.RoundTrip(req)
//	                              if err == nil { resp.Body.Close() }
//
// and a handshake's response, the caller's only where the call fails, is
// released there (err != nil && resp != nil). nil, with the reason, where
// the statement has no such form: no error result, an assignment with =,
// a statement that is not in a block.
func releaseDiscarded(pass *Pass, a *ownership.Acquisition) (*fix.Fix, string) {
	k := a.Acquirer.Kind
	switch {
	case k.Func || k.Queues || a.Acquirer.OnReceiver:
		return nil, "the result is discarded"
	case a.Acquirer.NoFix != "":
		return nil, "the result is discarded, and " + a.Acquirer.NoFix
	case k.NoFix != "":
		return nil, "the result is discarded, and " + k.NoFix
	}
	if why := commitsOnClose(pass, a); why != "" {
		return nil, "the result is discarded, and " + why
	}
	results, _ := pass.Info.TypeOf(a.Call).(*types.Tuple)
	if results == nil || results.Len() < 2 || !syntax.IsError(results.At(results.Len()-1).Type()) {
		return nil, "the result is discarded, and the call has no error to check before a release"
	}
	if !inStmtList(a) {
		return nil, "the result is discarded in a statement leakfix cannot add to"
	}
	fn := a.Func.Node()
	name := freshName(pass, fn, discardName(k))
	released := &dst.ExprStmt{X: releaseCallOn(name, k)}
	released.Decs.Before, released.Decs.After = dst.NewLine, dst.NewLine
	body := &dst.BlockStmt{List: []dst.Stmt{released}}
	succeeded := func(errName string) dst.Expr {
		if a.Acquirer.OnFailure {
			return &dst.BinaryExpr{
				X:  &dst.BinaryExpr{X: dst.NewIdent(errName), Op: token.NEQ, Y: dst.NewIdent("nil")},
				Op: token.LAND,
				Y:  &dst.BinaryExpr{X: dst.NewIdent(name), Op: token.NEQ, Y: dst.NewIdent("nil")},
			}
		}
		return &dst.BinaryExpr{X: dst.NewIdent(errName), Op: token.EQL, Y: dst.NewIdent("nil")}
	}
	fx := &fix.Fix{Message: "release the discarded result", Sites: []fix.Site{{Pos: a.Stmt.Pos(), End: a.Stmt.End()}}}
	as, isAssign := a.Stmt.(*ast.AssignStmt)
	if !isAssign || allBlank(as.Lhs) {
		// A statement of its own: the call moves into an if's init,
		// naming the resource and the error.
		fx.Edit = func(e *fix.Editor) error {
			call, err := e.Dst(a.Call)
			if err != nil {
				return err
			}
			var lhs []dst.Expr
			for i := range results.Len() {
				switch i {
				case a.Acquirer.Result:
					lhs = append(lhs, dst.NewIdent(name))
				case results.Len() - 1:
					lhs = append(lhs, dst.NewIdent("err"))
				default:
					lhs = append(lhs, dst.NewIdent("_"))
				}
			}
			return e.Replace(a.Stmt, &dst.IfStmt{
				Init: &dst.AssignStmt{Lhs: lhs, Tok: token.DEFINE, Rhs: []dst.Expr{call.(dst.Expr)}},
				Cond: succeeded("err"),
				Body: body,
			})
		}
		return fx, ""
	}
	errID, ok := as.Lhs[len(as.Lhs)-1].(*ast.Ident)
	if as.Tok != token.DEFINE || !ok || errID.Name == "_" || a.Err == nil {
		return nil, "the result is discarded, and its assignment cannot declare a variable for it"
	}
	blank := as.Lhs[a.Acquirer.Result]
	fx.Edit = func(e *fix.Editor) error {
		d, err := e.Dst(blank)
		if err != nil {
			return err
		}
		d.(*dst.Ident).Name = name
		return e.InsertAfter(as, &dst.IfStmt{Cond: succeeded(errID.Name), Body: body})
	}
	return fx, ""
}

// discardName is the name a discarded resource of kind k gets.
func discardName(k *ownership.Kind) string {
	switch k {
	case ownership.ResponseBody:
		return "resp"
	case ownership.File:
		return "f"
	case ownership.Conn:
		return "conn"
	case ownership.Tx:
		return "tx"
	}
	return "c"
}

// inStmtList reports whether a's statement is in a statement list (a
// block, a case or comm clause), where another can go after it.
func inStmtList(a *ownership.Acquisition) bool {
	c := a.Cursor.Parent()
	_, ok := c.Node().(ast.Stmt)
	return ok && syntax.InStmtList(c)
}

func allBlank(exprs []ast.Expr) bool {
	for _, e := range exprs {
		if id, ok := e.(*ast.Ident); !ok || id.Name != "_" {
			return false
		}
	}
	return true
}
