package rules

import (
	"fmt"
	"go/ast"
	"go/types"
	"slices"

	"github.com/leakfix/leakfix/fix"
	"github.com/leakfix/leakfix/internal/syntax"
	"github.com/leakfix/leakfix/ownership"
)

// CloseOrder finds a writer's deferred release that runs after the
// deferred close of what it writes to.
var CloseOrder = &Rule{
	Name:    "close-order",
	Summary: "a buffered or compressing writer flushed or closed after the file or writer under it is closed",
	Doc: `Deferred calls run last first: in

	defer zw.Close()
	defer f.Close()

f is closed before zw writes the gzip footer to it, and the footer's write
error is dropped. Reported for the writers unflushed-writer and
unclosed-writer cover (bufio, csv, tabwriter, gzip, zlib, flate, lzw, zip,
tar, multipart) when the writer under one of them, held by a variable, is
released by a defer registered after the writer's own.

Also reported: a statement that flushes or closes the writer after an
earlier statement of the same block closed the writer under it ("f.Close()"
then "w.Flush()").

Fix: the writer's defer moves to right after the other, when both are in
the same block and nothing between them can return or reassign the
writer; then the writer is released first. A release statement after the
close moves up to right before it, when it is a statement of its own (not
a return) and nothing between them uses either.

Example:

	defer f.Close()
	defer zw.Close() // moved below f's`,
	Run: runCloseOrder,
}

func runCloseOrder(pass *Pass) {
	for _, a := range pass.acquisitions() {
		if !a.Acquirer.Kind.Queues || a.Var == nil {
			continue
		}
		under := underlyingVar(pass.Info, a)
		if under == nil || under == a.Var {
			continue
		}
		explicitOrder(pass, a, under)
		own := deferredReleases(pass, a.Func.Node(), a.Var, a.Acquirer.Kind)
		other := deferredReleases(pass, a.Func.Node(), under, nil)
		for _, dw := range own {
			i := slices.IndexFunc(other, func(du *ast.DeferStmt) bool { return du.Pos() > dw.Pos() })
			if i < 0 {
				continue
			}
			du := other[i]
			f := Finding{
				Pos: dw.Pos(), End: dw.End(),
				Message: fmt.Sprintf("%s is %s after %s is closed: the defer on line %d runs first, so what %s still holds goes to a closed writer",
					a.Var.Name(), releasedVerb(a.Acquirer.Kind), under.Name(), pass.Fset.Position(du.Pos()).Line, a.Var.Name()),
			}
			f.Fix, f.NoFix = moveDefer(pass, a, under, dw, du)
			pass.Report(f)
			break
		}
	}
}

// explicitOrder reports a statement that releases the writer of a after
// an earlier statement of the same block closed under, the writer under
// it: "f.Close()" then "w.Flush()". The fix moves the writer's release
// statement up to right before the close, when it is a statement of its
// own and nothing between the two uses either.
func explicitOrder(pass *Pass, a *ownership.Acquisition, under *types.Var) {
	releasesIn := func(s ast.Stmt, v *types.Var, kind *ownership.Kind) bool {
		found := false
		ast.Inspect(s, func(n ast.Node) bool {
			switch n.(type) {
			case *ast.FuncLit, *ast.DeferStmt:
				return false // runs elsewhere, or later
			}
			if call, ok := n.(*ast.CallExpr); ok && releaseOf(pass.Info, call, v, kind) {
				found = true
			}
			return !found
		})
		return found
	}
	for c := range a.Func.Preorder((*ast.BlockStmt)(nil), (*ast.CaseClause)(nil), (*ast.CommClause)(nil)) {
		list := syntax.StmtList(c.Node())
		for i, closing := range list {
			if !releasesIn(closing, under, nil) || releasesIn(closing, a.Var, a.Acquirer.Kind) {
				continue
			}
			j := slices.IndexFunc(list[i+1:], func(s ast.Stmt) bool { return releasesIn(s, a.Var, a.Acquirer.Kind) })
			if j < 0 {
				continue
			}
			late := list[i+1+j]
			f := Finding{
				Pos: late.Pos(), End: late.End(),
				Message: fmt.Sprintf("%s is %s after %s is closed on line %d, so what %s still holds goes to a closed writer",
					a.Var.Name(), releasedVerb(a.Acquirer.Kind), under.Name(), pass.Fset.Position(closing.Pos()).Line, a.Var.Name()),
			}
			f.Fix, f.NoFix = moveUp(pass, a, under, list[i:i+2+j])
			pass.Report(f)
			return
		}
	}
}

// moveUp plans moving the last statement of stmts to before the first.
func moveUp(pass *Pass, a *ownership.Acquisition, under *types.Var, stmts []ast.Stmt) (*fix.Fix, string) {
	first, late := stmts[0], stmts[len(stmts)-1]
	if _, ok := late.(*ast.ReturnStmt); ok {
		return nil, fmt.Sprintf("it is released in the return on line %d", pass.Fset.Position(late.Pos()).Line)
	}
	if leaves(late) {
		return nil, fmt.Sprintf("line %d may return, and above the close it would leave %s open", pass.Fset.Position(late.Pos()).Line, under.Name())
	}
	for _, s := range stmts[1 : len(stmts)-1] {
		if syntax.Uses(pass.Info, s, a.Var) || syntax.Uses(pass.Info, s, under) || leaves(s) {
			return nil, fmt.Sprintf("line %d, between the close and the release, uses them or may leave", pass.Fset.Position(s.Pos()).Line)
		}
	}
	fx := &fix.Fix{
		Message: fmt.Sprintf("release it before %s is closed", under.Name()),
		Sites:   []fix.Site{{Pos: first.Pos(), End: late.End()}},
	}
	fx.Edit = func(e *fix.Editor) error { return e.Move(late, first, true) }
	return fx, ""
}

// releaseOf reports whether call releases v: "v.Close()", or with kind
// set, a call of one of the kind's release methods on v.
func releaseOf(info *types.Info, call *ast.CallExpr, v *types.Var, kind *ownership.Kind) bool {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || info.Uses[identOf(sel.X)] != v {
		return false
	}
	if kind == nil {
		return sel.Sel.Name == "Close"
	}
	return sel.Sel.Name == kind.ReleaseMethod() || slices.Contains(kind.AlsoReleasedBy, sel.Sel.Name)
}

// deferredReleases returns the defer statements of fn (not of the
// function literals in it) that release v: "defer v.Close()", or a
// deferred literal that does. With kind nil, any Close releases it; else
// the kind's release methods do.
func deferredReleases(pass *Pass, fn ast.Node, v *types.Var, kind *ownership.Kind) []*ast.DeferStmt {
	releases := func(call *ast.CallExpr) bool { return releaseOf(pass.Info, call, v, kind) }
	_, body := syntax.FuncParts(fn)
	var out []*ast.DeferStmt
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.DeferStmt:
			found := releases(n.Call)
			if lit, ok := ast.Unparen(n.Call.Fun).(*ast.FuncLit); ok && !found {
				ast.Inspect(lit.Body, func(m ast.Node) bool {
					if call, ok := m.(*ast.CallExpr); ok && releases(call) {
						found = true
					}
					return !found
				})
			}
			if found {
				out = append(out, n)
			}
			return false
		}
		return true
	})
	return out
}

// moveDefer plans moving dw to right after du, which must be in the same
// statement list with nothing between that leaves it or reassigns the
// writer: then the writer's defer is registered on the same paths, after.
func moveDefer(pass *Pass, a *ownership.Acquisition, under *types.Var, dw, du *ast.DeferStmt) (*fix.Fix, string) {
	c, ok := a.Func.FindNode(dw)
	if !ok || !syntax.InStmtList(c) {
		return nil, "the defer is not in a statement list"
	}
	list := syntax.StmtList(c.Parent().Node())
	i, j := slices.Index(list, ast.Stmt(dw)), slices.Index(list, ast.Stmt(du))
	if i < 0 || j < 0 {
		return nil, fmt.Sprintf("the defer on line %d is in another block", pass.Fset.Position(du.Pos()).Line)
	}
	for _, s := range list[i+1 : j] {
		if leaves(s) {
			return nil, fmt.Sprintf("line %d, between the two defers, may leave the function", pass.Fset.Position(s.Pos()).Line)
		}
		if assigns(pass.Info, s, a.Var) {
			return nil, fmt.Sprintf("line %d, between the two defers, assigns %s", pass.Fset.Position(s.Pos()).Line, a.Var.Name())
		}
	}
	fx := &fix.Fix{
		Message: fmt.Sprintf("defer it after %s's close, so that it runs first", under.Name()),
		Sites:   []fix.Site{{Pos: dw.Pos(), End: du.End()}},
	}
	fx.Edit = func(e *fix.Editor) error { return e.Move(dw, du, false) }
	return fx, ""
}

// leaves reports whether s may leave the function or its block: a return,
// a branch, a label, or a call of panic.
func leaves(s ast.Stmt) bool {
	found := false
	ast.Inspect(s, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt, *ast.BranchStmt, *ast.LabeledStmt:
			found = true
		case *ast.CallExpr:
			if id, ok := ast.Unparen(n.Fun).(*ast.Ident); ok && id.Name == "panic" {
				found = true
			}
		}
		return !found
	})
	return found
}

// assigns reports whether s assigns v.
func assigns(info *types.Info, s ast.Stmt, v *types.Var) bool {
	found := false
	ast.Inspect(s, func(n ast.Node) bool {
		if as, ok := n.(*ast.AssignStmt); ok {
			for _, lhs := range as.Lhs {
				if id := identOf(lhs); id != nil && info.ObjectOf(id) == v {
					found = true
				}
			}
		}
		return !found
	})
	return found
}
