package ownership

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/leakfix/leakfix/internal/syntax"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

// Function literals are judged by what their bodies do and by where they
// run. A literal called where it is written, deferred or run as a
// goroutine runs its uses of the resource there. A literal assigned to a
// local variable that is only ever called (closeIt := func() {
// resp.Body.Close() }; closeIt()) runs them at each call, and one never
// called runs none. A literal that escapes (returned, stored, passed on)
// may run at any time.

// callsBeforeReturning lists standard functions that call the function
// they are given only before they return.
var callsBeforeReturning = map[string]bool{
	"path/filepath.Walk": true, "path/filepath.WalkDir": true, "io/fs.WalkDir": true,
	"sort.Slice": true, "sort.SliceStable": true, "sort.Search": true,
	"slices.SortFunc": true, "slices.SortStableFunc": true, "slices.IndexFunc": true,
	"slices.ContainsFunc": true, "slices.DeleteFunc": true,
	"strings.Map": true, "strings.FieldsFunc": true, "strings.IndexFunc": true,
	"(*sync.Once).Do": true, "(*testing.T).Run": true, "(*testing.B).Run": true,
}

// A literalRun says where the uses inside a function literal run.
type literalRun int

const (
	notNested literalRun = iota // the use is not inside a literal
	runsHere                    // called where it is written, or deferred
	runsAsGoroutine
	runsAtCalls // assigned to a local variable that is only called
	escapes     // may run at any time
)

// literalOf says where the use at c runs, and for runsAtCalls the
// positions of the calls.
func (f *follower) literalOf(c inspector.Cursor) (literalRun, []token.Pos) {
	var outermost inspector.Cursor
	nested := false
	for lit := range c.Enclosing((*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		if lit == f.fn {
			break
		}
		outermost, nested = lit, true
	}
	if !nested {
		return notNested, nil
	}
	switch ek, _ := outermost.ParentEdge(); ek {
	case edge.CallExpr_Fun:
		if outermost.Parent().ParentEdgeKind() == edge.GoStmt_Call {
			return runsAsGoroutine, nil
		}
		return runsHere, nil
	case edge.CallExpr_Args:
		// filepath.WalkDir(root, func(...) error {...}): called before
		// the call returns.
		if callsBeforeReturning[syntax.CalleeName(f.info, outermost.Parent().Node().(*ast.CallExpr))] {
			return runsHere, nil
		}
	case edge.AssignStmt_Rhs, edge.ValueSpec_Values:
		v, discarded := f.boundVar(outermost)
		if discarded {
			return runsAtCalls, nil // _ = func() {...}: never runs
		}
		if v == nil {
			return escapes, nil
		}
		calls, ok := f.callsOf(v)
		if !ok {
			return escapes, nil
		}
		return runsAtCalls, calls
	}
	return escapes, nil
}

// boundVar is the local variable that the literal at lit is assigned to
// where it is declared, or discarded for "_ = func() {...}".
func (f *follower) boundVar(lit inspector.Cursor) (v *types.Var, discarded bool) {
	var lhs ast.Expr
	i := lit.ParentEdgeIndex()
	switch p := lit.Parent().Node().(type) {
	case *ast.AssignStmt:
		if len(p.Lhs) != len(p.Rhs) {
			return nil, false
		}
		lhs = p.Lhs[i]
	case *ast.ValueSpec:
		if len(p.Names) != len(p.Values) {
			return nil, false
		}
		lhs = p.Names[i]
	}
	id, ok := lhs.(*ast.Ident)
	switch {
	case !ok:
		return nil, false
	case id.Name == "_":
		return nil, true
	}
	v, _ = f.info.Defs[id].(*types.Var)
	if v == nil || !f.declaredInside(v) {
		return nil, false
	}
	return v, false
}

// callsOf returns the positions of the calls of v, a local variable that
// holds a function literal, when every use of v is a direct call of it
// (also deferred) and v is never assigned again.
func (f *follower) callsOf(v *types.Var) ([]token.Pos, bool) {
	var calls []token.Pos
	for c := range f.fn.Preorder((*ast.Ident)(nil)) {
		id := c.Node().(*ast.Ident)
		if f.info.Uses[id] != v {
			continue
		}
		if c.ParentEdgeKind() != edge.CallExpr_Fun || c.Parent().ParentEdgeKind() == edge.GoStmt_Call {
			return nil, false
		}
		calls = append(calls, c.Parent().Node().Pos())
	}
	return calls, true
}

// literalEffect is what the function literal lit does with its parameter
// at index param: takes it (closes or keeps it), consumes it, or 0 when
// that cannot be told.
func (f *follower) literalEffect(lit *ast.FuncLit, param int) argEffect {
	sig, ok := f.info.TypeOf(lit).(*types.Signature)
	if !ok || param >= sig.Params().Len() {
		return 0
	}
	p := sig.Params().At(param)
	if p.Name() == "" || p.Name() == "_" {
		return consumes // unnamed: the body cannot use it
	}
	litCursor, ok := f.fn.FindNode(lit)
	if !ok {
		return 0
	}
	sub := &follower{fset: f.fset, info: f.info, fn: litCursor, kind: kindOf(p.Type()), summaries: f.summaries, best: Judgement{Verdict: Leaks}}
	sub.followVar(p, nil, holder)
	switch sub.best.Verdict {
	case Closed:
		if len(sub.best.HandOffs) == 0 {
			return closes
		}
		return takes
	case HandedOn:
		return takes
	case Leaks:
		return consumes
	}
	return 0
}

// literalCallee is the function literal call calls: written in place, or
// held by a local variable assigned once from it.
func (f *follower) literalCallee(call *ast.CallExpr) *ast.FuncLit {
	switch fun := ast.Unparen(call.Fun).(type) {
	case *ast.FuncLit:
		return fun
	case *ast.Ident:
		v, ok := f.info.Uses[fun].(*types.Var)
		if !ok || !f.declaredInside(v) {
			return nil
		}
		var lit *ast.FuncLit
		for c := range f.fn.Preorder((*ast.Ident)(nil)) {
			id := c.Node().(*ast.Ident)
			if f.info.ObjectOf(id) != v {
				continue
			}
			switch c.ParentEdgeKind() {
			case edge.AssignStmt_Lhs, edge.ValueSpec_Names:
				if lit != nil {
					return nil // assigned more than once
				}
				lit, _ = valueOf(c).(*ast.FuncLit)
				if lit == nil {
					return nil
				}
			}
		}
		return lit
	}
	return nil
}

// valueOf is the value assigned to the identifier at c, the target of an
// assignment or declaration with as many values as targets.
func valueOf(c inspector.Cursor) ast.Expr {
	i := c.ParentEdgeIndex()
	switch p := c.Parent().Node().(type) {
	case *ast.AssignStmt:
		if len(p.Lhs) == len(p.Rhs) {
			return p.Rhs[i]
		}
	case *ast.ValueSpec:
		if len(p.Names) == len(p.Values) {
			return p.Values[i]
		}
	}
	return nil
}
