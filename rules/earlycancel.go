package rules

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"github.com/dave/dst"
	"github.com/leakfix/leakfix/fix"
	"github.com/leakfix/leakfix/internal/syntax"
	"github.com/leakfix/leakfix/ownership"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

// EarlyCancel finds deferred cancels that cut off a response the function
// hands on.
var EarlyCancel = &Rule{
	Name:    "early-cancel",
	Summary: "a deferred cancel ends the context of a response that the function returns or hands on",
	Doc: `A function derives a context with context.WithTimeout, WithDeadline or
WithCancel, defers its cancel, makes a request with that context, and lets
the *http.Response (or its Body) leave the function: returned, stored,
sent, handed to a goroutine. The deferred cancel fires on return, and the
caller's read of the body fails with "context canceled". A defer inside an
if still runs at the function's return.

Fix: the cancel is tied to closing the body on the path where the response
leaves, and still runs at return on every other path (request errors,
early returns):

	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer func() { // was: defer cancel()
		if cancel != nil {
			cancel()
		}
	}()
	...
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	cancel = nil // closing the body cancels the context now
	return resp, nil

The deadline keeps applying while the caller reads the body, and go vet's
lostcancel check stays satisfied. cancelOnClose, a ReadCloser that closes
the body and then cancels, is declared once per package, at the end of the
first file (by name) that the package's early-cancel fixes edit, a file
that is not a test's when some fix is not in one; every fix of the package
carries that same declaration, so each compiles alone, and applied
together they declare it once. A second run, or a package that has it,
reuses it; a package that declares something else by that name gets no
fix.

Reported without a fix: a shape leakfix does not recognise with certainty
(the cancel func used elsewhere too, a WithCancelCause cancel, a response
handed on in a loop or in a way leakfix cannot judge).`,
	Run: runEarlyCancel,
}

const bodyWrapper = "cancelOnClose"

func runEarlyCancel(pass *Pass) {
	acqs := pass.acquisitions()
	for _, c := range acqs {
		if !c.Acquirer.Kind.Func || c.Var == nil {
			continue
		}
		ctx := derivedContext(pass.Info, c)
		d, ok := deferredCall(pass, c)
		if ctx == nil || !ok {
			continue
		}
		for _, r := range acqs {
			if r.Acquirer.Kind != ownership.ResponseBody || r.Func != c.Func || !madeWith(pass, r, ctx, c.Stmt) {
				continue
			}
			if r.Var == nil {
				// return client.Do(req): the response leaves as it is made.
				if ret, ok := directReturn(pass, r); ok {
					f := Finding{
						Pos: d.Pos(), End: d.End(),
						Message: fmt.Sprintf("the deferred %s() ends the context of %s when the function returns, but the response leaves the function: reading its body then fails with \"context canceled\"",
							c.Var.Name(), describe(pass.Info, r)),
					}
					f.Fix, f.NoFix = splitReturn(pass, c, d, ret)
					pass.Report(f)
				}
				continue
			}
			j := pass.judge(r)
			if len(j.HandOffs) == 0 {
				continue // read before the function returns: the cancel is right
			}
			f := Finding{
				Pos: d.Pos(), End: d.End(),
				Message: fmt.Sprintf("the deferred %s() ends the context of %s when the function returns, but the response leaves the function: reading its body then fails with \"context canceled\"",
					c.Var.Name(), describe(pass.Info, r)),
			}
			f.Fix, f.NoFix = tieCancelToBody(pass, c, d, r, j)
			pass.Report(f)
		}
	}
}

// derivedContext is the context variable of ctx, cancel := context.WithX(...).
func derivedContext(info *types.Info, c *ownership.Acquisition) *types.Var {
	as, ok := c.Stmt.(*ast.AssignStmt)
	if !ok || len(as.Lhs) != 2 {
		return nil
	}
	id, ok := as.Lhs[0].(*ast.Ident)
	if !ok {
		return nil
	}
	v, _ := info.ObjectOf(id).(*types.Var)
	return v
}

// deferredCall finds "defer cancel()" in the acquiring function itself.
func deferredCall(pass *Pass, c *ownership.Acquisition) (*ast.DeferStmt, bool) {
	for dc := range c.Func.Preorder((*ast.DeferStmt)(nil)) {
		if fn, _ := syntax.EnclosingFunc(dc); fn != c.Func {
			continue
		}
		d := dc.Node().(*ast.DeferStmt)
		if isVar(pass.Info, d.Call.Fun, c.Var) {
			return d, true
		}
	}
	return nil, false
}

// madeWith reports whether the response r comes from a request that
// carries ctx, the context derived by the statement derived: client.Do, or
// a helper of the program that returns client.Do of its request, given a
// request built or rebound with ctx after it (http.NewRequestWithContext,
// req.WithContext, req.Clone), assigned with := or =, or passed directly
// (client.Do(req.WithContext(ctx))). The calls are matched by their go/types
// objects.
func madeWith(pass *Pass, r *ownership.Acquisition, ctx *types.Var, derived ast.Stmt) bool {
	reqArg, ok := r.RequestArg()
	if !ok {
		return false
	}
	switch arg := ast.Unparen(reqArg).(type) {
	case *ast.CallExpr:
		return carries(pass.Info, arg, ctx)
	case *ast.Ident:
		req, ok := pass.Info.Uses[arg].(*types.Var)
		if !ok {
			return false
		}
		// Some assignment to req between the derivation and the call
		// gives it a request with ctx.
		made := false
		for c := range r.Func.Preorder((*ast.AssignStmt)(nil), (*ast.ValueSpec)(nil)) {
			n := c.Node()
			if n.Pos() < derived.End() || n.End() > r.Call.Pos() {
				continue
			}
			if fn, _ := syntax.EnclosingFunc(c); fn != r.Func {
				continue
			}
			for lhs, rhs := range assignedPairs(n) {
				id, ok := lhs.(*ast.Ident)
				call, isCall := ast.Unparen(rhs).(*ast.CallExpr)
				made = made || ok && isCall && pass.Info.ObjectOf(id) == req && carries(pass.Info, call, ctx)
			}
		}
		return made
	}
	return false
}

// carries reports whether call makes a request with ctx.
func carries(info *types.Info, call *ast.CallExpr, ctx *types.Var) bool {
	switch syntax.CalleeName(info, call) {
	case "(*net/http.Request).WithContext", "(*net/http.Request).Clone", "net/http.NewRequestWithContext":
		return len(call.Args) > 0 && isVar(info, call.Args[0], ctx)
	}
	return false
}

// assignedPairs yields each target of an assignment or declaration with
// the expression that gives it its value (the first result of a call
// that returns several).
func assignedPairs(n ast.Node) func(func(ast.Expr, ast.Expr) bool) {
	return func(yield func(ast.Expr, ast.Expr) bool) {
		var lhs, rhs []ast.Expr
		switch n := n.(type) {
		case *ast.AssignStmt:
			lhs, rhs = n.Lhs, n.Rhs
		case *ast.ValueSpec:
			for _, id := range n.Names {
				lhs = append(lhs, id)
			}
			rhs = n.Values
		}
		for i, l := range lhs {
			switch {
			case len(rhs) == len(lhs):
				if !yield(l, rhs[i]) {
					return
				}
			case len(rhs) == 1 && i == 0:
				if !yield(l, rhs[0]) {
					return
				}
			}
		}
	}
}

// tieCancelToBody plans the fix: the deferred cancel runs only while the
// function still owns the context, and on each path where the response
// leaves, its body takes the cancel over.
func tieCancelToBody(pass *Pass, c *ownership.Acquisition, d *ast.DeferStmt, r *ownership.Acquisition, j ownership.Judgement) (*fix.Fix, string) {
	switch {
	case len(c.Acquirer.Kind.ReleaseArgs) > 0:
		return nil, "a cancel func that takes a cause is not tied to a body by leakfix"
	case j.Doubt != "" || j.Reassigned.IsValid():
		return nil, "the response is also used in a way leakfix cannot judge"
	case !onlyUsedIn(pass, c, d):
		return nil, fmt.Sprintf("%s is used elsewhere too", c.Var.Name())
	}
	live, why := ownership.LiveAfter(pass.Info, r, pass.Summaries)
	if live == nil {
		return nil, "the response's " + strings.TrimPrefix(why, "its ")
	}
	var handOffs []ast.Stmt
	for _, pos := range j.HandOffs {
		s, ok := stmtAt(pass, r, pos)
		switch {
		case !ok:
			return nil, "the response leaves the function in an expression leakfix cannot put code before"
		case s.Pos() < live.End():
			return nil, "the response may leave the function before its error is checked"
		case inLoop(r.Func, s):
			return nil, "the response leaves the function from a loop"
		}
		handOffs = append(handOffs, s)
	}
	fx, why := tieFix(pass, d)
	if fx == nil {
		return nil, why
	}
	for _, s := range handOffs {
		fx.Sites = append(fx.Sites, fix.Site{Pos: s.Pos(), End: s.End()})
	}
	cancel, resp := c.Var.Name(), r.Var.Name()
	// Where the cancel func is declared in a block the hand-offs are not
	// in (ctx, cancel := ... inside an if), a variable of the function
	// carries it to them: "var cancelRequest func()" before the statement
	// that holds the block.
	var hoist ast.Stmt
	for _, s := range handOffs {
		if !visible(pass, c.Var, s.Pos()) {
			hoist = topLevel(c)
		}
	}
	if hoist != nil {
		for _, s := range handOffs {
			if s.Pos() < hoist.End() {
				return nil, fmt.Sprintf("the response leaves the function inside the statement that declares %s", cancel)
			}
		}
		fx.Sites = append(fx.Sites, fix.Site{Pos: hoist.Pos(), End: hoist.Pos()})
		carrier := freshName(pass, c.Func.Node(), "cancelRequest")
		fx.Edit = func(e *fix.Editor) error {
			decl := &dst.DeclStmt{Decl: &dst.GenDecl{Tok: token.VAR, Specs: []dst.Spec{&dst.ValueSpec{
				Names: []*dst.Ident{dst.NewIdent(carrier)},
				Type:  &dst.FuncType{Func: true, Params: &dst.FieldList{Opening: true, Closing: true}},
			}}}}
			decl.Decs.End.Append("// the request's cancel, until a response body takes it over")
			if err := e.InsertBefore(hoist, decl); err != nil {
				return err
			}
			take := &dst.AssignStmt{Lhs: []dst.Expr{dst.NewIdent(carrier)}, Tok: token.ASSIGN, Rhs: []dst.Expr{dst.NewIdent(cancel)}}
			if err := e.InsertBefore(d, take); err != nil {
				return err
			}
			dd, err := e.Dst(d)
			if err != nil {
				return err
			}
			dd.(*dst.DeferStmt).Call = guardedCall(carrier)
			for _, s := range handOffs {
				guard := &dst.IfStmt{
					Cond: &dst.BinaryExpr{X: dst.NewIdent(carrier), Op: token.NEQ, Y: dst.NewIdent("nil")},
					Body: &dst.BlockStmt{List: bodyTakesCancel(resp, carrier)},
				}
				if err := e.InsertBefore(s, guard); err != nil {
					return err
				}
			}
			return nil
		}
		return fx, ""
	}
	fx.Edit = func(e *fix.Editor) error {
		dd, err := e.Dst(d)
		if err != nil {
			return err
		}
		dd.(*dst.DeferStmt).Call = guardedCall(cancel)
		for _, s := range handOffs {
			if err := e.InsertBefore(s, bodyTakesCancel(resp, cancel)...); err != nil {
				return err
			}
		}
		return nil
	}
	return fx, ""
}

// directReturn finds "return client.Do(req)", the acquisition as the only
// result of a function that returns (*http.Response, error).
func directReturn(pass *Pass, r *ownership.Acquisition) (*ast.ReturnStmt, bool) {
	if r.Cursor.ParentEdgeKind() != edge.ReturnStmt_Results {
		return nil, false
	}
	ret := r.Cursor.Parent().Node().(*ast.ReturnStmt)
	er := errorResultOf(pass, r.Func.Node())
	if len(ret.Results) != 1 || er == nil || er.sig.Results().Len() != 2 {
		return nil, false
	}
	return ret, true
}

// splitReturn plans the fix of "return client.Do(req)": the response is
// taken into a variable, its body takes the cancel over, and it is
// returned.
func splitReturn(pass *Pass, c *ownership.Acquisition, d *ast.DeferStmt, ret *ast.ReturnStmt) (*fix.Fix, string) {
	switch {
	case len(c.Acquirer.Kind.ReleaseArgs) > 0:
		return nil, "a cancel func that takes a cause is not tied to a body by leakfix"
	case !onlyUsedIn(pass, c, d):
		return nil, fmt.Sprintf("%s is used elsewhere too", c.Var.Name())
	case !visible(pass, c.Var, ret.Pos()):
		return nil, fmt.Sprintf("%s is not in scope where the response is returned", c.Var.Name())
	case inLoop(c.Func, ret):
		return nil, "the response leaves the function from a loop"
	}
	if _, ok := stmtAt(pass, &ownership.Acquisition{Func: c.Func}, ret.Pos()); !ok {
		return nil, "the response leaves the function in a statement leakfix cannot put code before"
	}
	fx, why := tieFix(pass, d)
	if fx == nil {
		return nil, why
	}
	fx.Sites = append(fx.Sites, fix.Site{Pos: ret.Pos(), End: ret.End()})
	cancel := c.Var.Name()
	resp, errName := freshName(pass, c.Func.Node(), "resp"), "err"
	if scope := pass.Types.Scope().Innermost(ret.Pos()); scope != nil {
		// err may be reused or shadowed, since the fix returns right
		// after; but not if it names something else.
		if _, obj := scope.LookupParent("err", ret.Pos()); obj != nil && !(isVariable(obj) && syntax.IsError(obj.Type())) {
			errName = freshName(pass, c.Func.Node(), "err")
		}
	}
	fx.Edit = func(e *fix.Editor) error {
		dd, err := e.Dst(d)
		if err != nil {
			return err
		}
		dd.(*dst.DeferStmt).Call = guardedCall(cancel)
		dr, err := e.Dst(ret)
		if err != nil {
			return err
		}
		call := dr.(*dst.ReturnStmt).Results[0]
		dr.(*dst.ReturnStmt).Results = nil
		take := &dst.AssignStmt{Lhs: []dst.Expr{dst.NewIdent(resp), dst.NewIdent(errName)}, Tok: token.DEFINE, Rhs: []dst.Expr{call}}
		failed := &dst.ReturnStmt{Results: []dst.Expr{dst.NewIdent("nil"), dst.NewIdent(errName)}}
		failed.Decs.Before, failed.Decs.After = dst.NewLine, dst.NewLine
		check := &dst.IfStmt{
			Cond: &dst.BinaryExpr{X: dst.NewIdent(errName), Op: token.NEQ, Y: dst.NewIdent("nil")},
			Body: &dst.BlockStmt{List: []dst.Stmt{failed}},
		}
		stmts := append([]dst.Stmt{take, check}, bodyTakesCancel(resp, cancel)...)
		if err := e.InsertBefore(ret, stmts...); err != nil {
			return err
		}
		dr.(*dst.ReturnStmt).Results = []dst.Expr{dst.NewIdent(resp), dst.NewIdent("nil")}
		return nil
	}
	return fx, ""
}

func isVariable(obj types.Object) bool {
	_, ok := obj.(*types.Var)
	return ok
}

// tieFix starts the fix that ties the cancel of the deferred call d to a
// response body: its sites, and the cancelOnClose the package needs.
func tieFix(pass *Pass, d *ast.DeferStmt) (*fix.Fix, string) {
	shared, why := wrapperDecl(pass, strings.HasSuffix(pass.Fset.File(d.Pos()).Name(), "_test.go"))
	if why != "" {
		return nil, why
	}
	return &fix.Fix{
		Message: "close the body to cancel the context, instead of cancelling at return",
		Sites:   []fix.Site{{Pos: d.Pos(), End: d.End()}},
		Shared:  shared,
	}, ""
}

// visible reports whether v's name refers to v at pos.
func visible(pass *Pass, v *types.Var, pos token.Pos) bool {
	scope := pass.Types.Scope().Innermost(pos)
	if scope == nil {
		return false
	}
	_, obj := scope.LookupParent(v.Name(), pos)
	return obj == v
}

// topLevel is the statement of its function's body that holds the
// acquisition.
func topLevel(a *ownership.Acquisition) ast.Stmt {
	_, body := syntax.FuncParts(a.Func.Node())
	for _, s := range body.List {
		if s.Pos() <= a.Call.Pos() && a.Call.End() <= s.End() {
			return s
		}
	}
	return nil
}

// freshName is base, or base with a number, such that no identifier of fn
// is spelled so.
func freshName(pass *Pass, fn ast.Node, base string) string {
	used := map[string]bool{}
	ast.Inspect(fn, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			used[id.Name] = true
		}
		return true
	})
	name := base
	for i := 2; used[name] || pass.Types.Scope().Lookup(name) != nil; i++ {
		name = fmt.Sprintf("%s%d", base, i)
	}
	return name
}

// inLoop reports whether the statement s of fn is in one of fn's loops.
func inLoop(fn inspector.Cursor, s ast.Stmt) bool {
	c, ok := fn.FindNode(s)
	return !ok || syntax.InLoop(c)
}

// onlyUsedIn reports whether the cancel func is used only by the defer.
func onlyUsedIn(pass *Pass, c *ownership.Acquisition, d *ast.DeferStmt) bool {
	for ic := range c.Func.Preorder((*ast.Ident)(nil)) {
		id := ic.Node().(*ast.Ident)
		if id != c.Ident && pass.Info.Uses[id] == c.Var && (id.Pos() < d.Pos() || id.Pos() >= d.End()) {
			return false
		}
	}
	return true
}

// stmtAt returns the statement, in a statement list, that holds pos.
func stmtAt(pass *Pass, r *ownership.Acquisition, pos token.Pos) (ast.Stmt, bool) {
	c, ok := r.Func.FindByPos(pos, pos+1)
	if !ok {
		return nil, false
	}
	for s := range c.Enclosing() {
		if st, ok := s.Node().(ast.Stmt); ok && syntax.InStmtList(s) {
			if fn, _ := syntax.EnclosingFunc(s); fn != r.Func {
				return nil, false // inside a function literal
			}
			return st, true
		}
	}
	return nil, false
}

// guardedCall is "func() { if cancel != nil { cancel() } }()".
func guardedCall(cancel string) *dst.CallExpr {
	call := &dst.ExprStmt{X: &dst.CallExpr{Fun: dst.NewIdent(cancel)}}
	call.Decs.Before, call.Decs.After = dst.NewLine, dst.NewLine
	guard := &dst.IfStmt{
		Cond: &dst.BinaryExpr{X: dst.NewIdent(cancel), Op: token.NEQ, Y: dst.NewIdent("nil")},
		Body: &dst.BlockStmt{List: []dst.Stmt{call}},
	}
	guard.Decs.Before, guard.Decs.After = dst.NewLine, dst.NewLine
	return syntax.FuncLitCall(guard)
}

// bodyTakesCancel is
//
//	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
//	cancel = nil // closing the body cancels the context now
func bodyTakesCancel(resp, cancel string) []dst.Stmt {
	body := func() dst.Expr { return &dst.SelectorExpr{X: dst.NewIdent(resp), Sel: dst.NewIdent("Body")} }
	wrap := &dst.AssignStmt{
		Lhs: []dst.Expr{body()},
		Tok: token.ASSIGN,
		Rhs: []dst.Expr{&dst.UnaryExpr{Op: token.AND, X: &dst.CompositeLit{
			Type: dst.NewIdent(bodyWrapper),
			Elts: []dst.Expr{
				&dst.KeyValueExpr{Key: dst.NewIdent("ReadCloser"), Value: body()},
				&dst.KeyValueExpr{Key: dst.NewIdent("cancel"), Value: dst.NewIdent(cancel)},
			},
		}}},
	}
	handed := &dst.AssignStmt{Lhs: []dst.Expr{dst.NewIdent(cancel)}, Tok: token.ASSIGN, Rhs: []dst.Expr{dst.NewIdent("nil")}}
	handed.Decs.End.Append("// closing the body cancels the context now")
	return []dst.Stmt{wrap, handed}
}

// wrapperDecl returns the declaration of cancelOnClose that a fix in a
// test file (forTest) or not needs, or none when the package has it
// already (from an earlier fix). Run places it in a file of the package.
func wrapperDecl(pass *Pass, forTest bool) (*fix.Shared, string) {
	if obj := pass.Types.Scope().Lookup(bodyWrapper); obj != nil {
		declared := pass.Fset.File(obj.Pos()).Name()
		if !isOurWrapper(obj) || strings.HasSuffix(declared, "_test.go") && !forTest {
			return nil, fmt.Sprintf("the package declares a %s of its own", bodyWrapper)
		}
		return nil, ""
	}
	return &fix.Shared{Name: bodyWrapper, Source: wrapperSource}, ""
}

// isOurWrapper reports whether obj is the cancelOnClose an earlier fix
// added: a struct of an embedded io.ReadCloser and a cancel func(), with
// a Close method of its own (the embedded one would never cancel).
func isOurWrapper(obj types.Object) bool {
	st, ok := obj.Type().Underlying().(*types.Struct)
	if _, isType := obj.(*types.TypeName); !isType || !ok || st.NumFields() != 2 {
		return false
	}
	rc, cancel := st.Field(0), st.Field(1)
	sig, ok := cancel.Type().Underlying().(*types.Signature)
	closer := types.NewMethodSet(types.NewPointer(obj.Type())).Lookup(obj.Pkg(), "Close")
	return rc.Embedded() && syntax.IsNamed(rc.Type(), "io", "ReadCloser") && cancel.Name() == "cancel" && ok && sig.Params().Len() == 0 && sig.Results().Len() == 0 &&
		closer != nil && len(closer.Index()) == 1
}

// wrapperSource is the declaration of cancelOnClose, for a file that
// imports io by the name importName gives.
func wrapperSource(importName func(string) string) string {
	return fmt.Sprintf(`// cancelOnClose is an HTTP response body that cancels the context of its
// request when it is closed.
//
// leakfix added it for functions that make a request with a context they
// cancel when they return, but hand the response on: cancelling at return
// would fail the caller's reads of the body with "context canceled". With
// the cancel tied to Close, the context's deadline keeps applying while the
// caller reads, and closing the body releases the context.
type cancelOnClose struct {
	%s.ReadCloser
	cancel func()
}

// Close closes the body, then cancels the context.
func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
`, importName("io"))
}
