package rules

import (
	"fmt"
	"go/ast"
	"go/types"
	"slices"

	"github.com/dave/dst"
	"github.com/leakfix/leakfix/fix"
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

Fix: the writer's defer moves to right after the other, when both are in
the same block and nothing between them can return or reassign the
writer; then the writer is released first.

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

// deferredReleases returns the defer statements of fn (not of the
// function literals in it) that release v: "defer v.Close()", or a
// deferred literal that does. With kind nil, any Close releases it; else
// the kind's release methods do.
func deferredReleases(pass *Pass, fn ast.Node, v *types.Var, kind *ownership.Kind) []*ast.DeferStmt {
	releases := func(call *ast.CallExpr) bool {
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok || pass.Info.Uses[identOf(sel.X)] != v {
			return false
		}
		if kind == nil {
			return sel.Sel.Name == "Close"
		}
		return sel.Sel.Name == kind.ReleaseMethod() || slices.Contains(kind.AlsoReleasedBy, sel.Sel.Name)
	}
	_, body := ownership.FuncParts(fn)
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
	if !ok || !ownership.InStmtList(c) {
		return nil, "the defer is not in a statement list"
	}
	list := ownership.StmtList(c.Parent().Node())
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
	fx.Edit = func(e *fix.Editor) error {
		d, err := e.Dst(dw)
		if err != nil {
			return err
		}
		// The comment on the defer's own line moves with it; those
		// above it stay where they are.
		decs := d.Decorations()
		end := decs.End
		decs.End = nil
		if err := e.Delete(dw); err != nil {
			return err
		}
		decs.Start, decs.End = nil, end
		return e.InsertAfter(du, d.(dst.Stmt))
	}
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
