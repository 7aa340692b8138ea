package rules

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"github.com/dave/dst"
	"github.com/leakfix/leakfix/fix"
	"github.com/leakfix/leakfix/internal/syntax"
	"github.com/leakfix/leakfix/ownership"
	"golang.org/x/tools/go/ast/inspector"
)

// DeferInLoop finds resources acquired in a loop and released by a defer.
var DeferInLoop = &Rule{
	Name:    "defer-in-loop",
	Summary: "a resource acquired in a loop and released by a defer, which holds it until the function returns",
	Doc: `A defer runs when the function returns, not when the loop iteration ends:
"defer f.Close()" in a loop body keeps every file of every iteration open
until then, and a long loop runs out of descriptors, connections or pooled
database connections.

Fix, when nothing after the loop can tell when the resources are
released: nothing runs between the loop and the function's return (the
loop ends the function, or a return that calls nothing follows it), or
the code after the loop reads nothing of them (every variable that holds
one is the loop's own, none is handed on, and what outer variables take
from them is copied: numbers, strings, errors), and no comment above the
defer explains it. Then, when the loop body has no return, break, continue, goto or label that
would leave it, and no other defer, the body moves into a function literal
called on each iteration, so the defer runs where the iteration ends.
Otherwise the defer goes, and the resource is released right before each
return, break or continue that leaves its block and at the block's end,
as missing-close does in loops (a file opened for writing returns its
Close error).

Reported without a fix: a loop followed by code that may rely on every
resource being held until the function returns (a reader over one kept
for after the loop, or a comment above the defer that says why it is
there, as for a check of the connection pool).

Left alone: a resource that is also closed or handed on elsewhere (kept in
a slice for after the loop, say); one that is never used, only acquired and
released, since holding all of them at once is then the point (a test that
keeps N pooled connections busy); and context cancel funcs, whose deferred
call in a loop may keep a context alive for goroutines the loop starts.

Example:

	for _, name := range names {
		func() { // added
			f, err := os.Open(name)
			...
			defer f.Close()
			...
		}()
	}`,
	Run: runDeferInLoop,
}

func runDeferInLoop(pass *Pass) {
	for _, a := range pass.acquisitions() {
		loop, ok := syntax.Loop(a.Cursor)
		if !ok || a.Var == nil || a.Acquirer.Kind.Func {
			// A deferred cancel in a loop may be meant to keep its
			// context alive for goroutines started in the loop.
			continue
		}
		j := pass.judge(a)
		if j.Verdict != ownership.Closed || j.Doubt != "" || j.Reassigned.IsValid() || j.InPlace == 0 {
			// Released elsewhere too, or only held: holding every
			// iteration's resource at once may be the point.
			continue
		}
		d, ok := releasingDefer(a, j, loop)
		if !ok {
			continue
		}
		f := Finding{
			Pos: d.Pos(), End: d.End(),
			Message:  fmt.Sprintf("%s is released by a defer in a loop, which holds it until the function returns", describe(pass.Info, a)),
			Evidence: string(a.Acquirer.Evidence),
		}
		switch body := syntax.LoopBody(loop.Node()); {
		case !lastBeforeReturn(loop, a.Func) && !unusedAfter(pass, j, loop, d):
			f.NoFix = "code after the loop may rely on every iteration's resource being held until the function returns"
		case wrappable(pass, body, d):
			f.Fix = wrapBody(body)
		default:
			f.Fix, f.NoFix = explicitRelease(pass, a, j, d)
		}
		pass.Report(f)
	}
}

// releasingDefer finds the defer statement, in loop and in the acquiring
// function itself, that holds every release of the resource.
func releasingDefer(a *ownership.Acquisition, j ownership.Judgement, loop inspector.Cursor) (*ast.DeferStmt, bool) {
	for c := range loop.Preorder((*ast.DeferStmt)(nil)) {
		d := c.Node().(*ast.DeferStmt)
		if fn, _ := syntax.EnclosingFunc(c); fn != a.Func {
			continue
		}
		if len(j.Releases) > 0 && !slices.ContainsFunc(j.Releases, func(p token.Pos) bool { return p < d.Pos() || p >= d.End() }) {
			return d, true
		}
	}
	return nil, false
}

// unusedAfter reports whether the code after the loop cannot rely on the
// resources it acquired: every variable that holds one is the loop's own,
// none is handed on, no variable of the function outside the loop takes
// from them anything but a copied value (a number, a string, an error) that
// is read after the loop, and no comment above the defer says why it is
// there (net/http's transport_test holds its bodies on purpose, and says
// so).
func unusedAfter(pass *Pass, j ownership.Judgement, loop inspector.Cursor, d *ast.DeferStmt) bool {
	body := syntax.LoopBody(loop.Node())
	inside := func(p token.Pos) bool { return body.Pos() <= p && p < body.End() }
	if len(j.HandOffs) > 0 || slices.ContainsFunc(j.Vars, func(v *types.Var) bool { return !inside(v.Pos()) }) {
		return false
	}
	if commented(pass, d) {
		return false
	}
	derived := map[types.Object]bool{}
	ast.Inspect(body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok {
			return true
		}
		for i, lhs := range as.Lhs {
			id, ok := ast.Unparen(lhs).(*ast.Ident)
			if !ok {
				continue
			}
			v, ok := pass.Info.ObjectOf(id).(*types.Var)
			if !ok || inside(v.Pos()) || copied(v.Type()) {
				continue
			}
			rhs := as.Rhs[0]
			if len(as.Rhs) == len(as.Lhs) {
				rhs = as.Rhs[i]
			}
			if j.NeededBy(pass.Info, rhs) {
				derived[v] = true
			}
		}
		return true
	})
	fn, _ := syntax.EnclosingFunc(loop)
	used := false
	for c := range fn.Preorder((*ast.Ident)(nil)) {
		if id := c.Node().(*ast.Ident); id.Pos() >= loop.Node().End() && derived[pass.Info.Uses[id]] {
			used = true
		}
	}
	return !used
}

// copied reports whether a value of type t carries nothing of a resource:
// a number, string or boolean, or an error.
func copied(t types.Type) bool {
	if syntax.IsError(t) {
		return true
	}
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&(types.IsNumeric|types.IsString|types.IsBoolean) != 0
}

// commented reports whether a comment ends on the line above the defer:
// an explanation of why it is there.
func commented(pass *Pass, d *ast.DeferStmt) bool {
	line := pass.Fset.Position(d.Pos()).Line
	for _, f := range pass.Files {
		if f.FileStart > d.Pos() || d.Pos() >= f.FileEnd {
			continue
		}
		for _, cg := range f.Comments {
			if pass.Fset.Position(cg.End()).Line == line-1 {
				return true
			}
		}
	}
	return false
}

// lastBeforeReturn reports whether nothing can run between the end of the
// loop and the function's return, so that nothing can tell when the
// resources were released: the loop ends the function's body, or is
// followed by a return whose results call nothing.
func lastBeforeReturn(loop, fn inspector.Cursor) bool {
	parent := loop.Parent()
	if _, body := syntax.FuncParts(fn.Node()); parent.Node() != body {
		return false
	}
	next, ok := loop.NextSibling()
	if !ok {
		return true
	}
	ret, ok := next.Node().(*ast.ReturnStmt)
	if !ok {
		return false
	}
	calls := false
	ast.Inspect(ret, func(n ast.Node) bool {
		_, isCall := n.(*ast.CallExpr)
		calls = calls || isCall
		return !calls
	})
	return !calls
}

// wrappable reports whether moving body into a function literal changes
// nothing but when its defers run: no return, no goto, no label, no break
// or continue that leaves the body, no defer other than d, no recover.
func wrappable(pass *Pass, body *ast.BlockStmt, d *ast.DeferStmt) bool {
	ok := true
	var inner []ast.Node // loops, switches and selects inside the body
	ast.Inspect(body, func(n ast.Node) bool {
		if !ok {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false // its returns and defers are its own
		case *ast.ReturnStmt, *ast.LabeledStmt:
			ok = false
		case *ast.DeferStmt:
			ok = n == d
		case *ast.BranchStmt:
			ok = n.Tok != token.GOTO && n.Label == nil && breaksInside(n, inner)
		case *ast.CallExpr:
			if id, isIdent := ast.Unparen(n.Fun).(*ast.Ident); isIdent {
				if b, isBuiltin := pass.Info.Uses[id].(*types.Builtin); isBuiltin && b.Name() == "recover" {
					ok = false
				}
			}
		case *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
			inner = append(inner, n)
		}
		return true
	})
	return ok
}

// breaksInside reports whether an unlabeled break or continue targets a
// statement inside the body: one of the inner statements enclosing it (a
// continue needs a loop).
func breaksInside(b *ast.BranchStmt, inner []ast.Node) bool {
	for _, n := range inner {
		if n.Pos() > b.Pos() || b.End() > n.End() {
			continue
		}
		switch n.(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			return true
		default:
			if b.Tok == token.BREAK {
				return true
			}
		}
	}
	return false
}

// wrapBody moves the loop body into a function literal called in its place.
func wrapBody(body *ast.BlockStmt) *fix.Fix {
	return &fix.Fix{
		Message: "run the loop body in a function literal, so the defer runs at the end of each iteration",
		Sites:   []fix.Site{{Pos: body.Pos(), End: body.End()}},
		Edit: func(e *fix.Editor) error {
			d, err := e.Dst(body)
			if err != nil {
				return err
			}
			block := d.(*dst.BlockStmt)
			call := &dst.ExprStmt{X: syntax.FuncLitCall(block.List...)}
			call.Decs.Before, call.Decs.After = dst.NewLine, dst.NewLine
			block.List = []dst.Stmt{call}
			return nil
		},
	}
}

// explicitRelease removes the defer and releases the resource at every
// exit of its scope after it instead.
func explicitRelease(pass *Pass, a *ownership.Acquisition, j ownership.Judgement, d *ast.DeferStmt) (*fix.Fix, string) {
	if !a.Declares {
		return nil, "it is assigned to a variable declared outside its block"
	}
	if !releasesOnly(pass, a, d) {
		// The release that replaces it would drop the rest.
		return nil, fmt.Sprintf("the deferred %s may do more than release it", types.ExprString(d.Call.Fun))
	}
	withoutDefer := j.Without(d)
	paths, ok := ownership.FollowPaths(pass.Info, a, withoutDefer)
	if !ok {
		return nil, "the acquisition is not a plain statement"
	}
	if paths.Unfollowed != "" {
		return nil, fmt.Sprintf("the function uses %s, which leakfix does not follow", paths.Unfollowed)
	}
	leaks := paths.OpenExits()
	if len(leaks) == 0 {
		// Without the defer, another use releases it on every path: a
		// helper whose summary says it closes it, maybe on some paths
		// only. Not certain enough to remove the defer.
		return nil, "other uses may release it too, on paths leakfix cannot tell"
	}
	fx, why := closeAtExits(pass, a, withoutDefer, leaks)
	if fx == nil {
		return nil, why
	}
	edit := fx.Edit
	fx.Message = "release it at each exit of the iteration instead of deferring"
	fx.Sites = append(fx.Sites, fix.Site{Pos: d.Pos(), End: d.End()})
	fx.Edit = func(e *fix.Editor) error {
		if err := e.Delete(d); err != nil {
			return err
		}
		return edit(e)
	}
	return fx, ""
}

// releasesOnly reports whether the deferred call is the resource's own
// release, as x.Close() or x.Body.Close(), and not a helper that may do
// more with it.
func releasesOnly(pass *Pass, a *ownership.Acquisition, d *ast.DeferStmt) bool {
	sel, ok := ast.Unparen(d.Call.Fun).(*ast.SelectorExpr)
	if !ok || len(d.Call.Args) > 0 {
		return false
	}
	x := ast.Unparen(sel.X)
	for {
		inner, ok := x.(*ast.SelectorExpr)
		if !ok {
			break
		}
		x = ast.Unparen(inner.X)
	}
	id, ok := x.(*ast.Ident)
	return ok && pass.Info.Uses[id] == a.Var
}
