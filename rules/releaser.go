package rules

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/dave/dst"
	"github.com/leakfix/leakfix/fix"
	"github.com/leakfix/leakfix/internal/syntax"
	"github.com/leakfix/leakfix/ownership"
)

// A releaser plans how a fix releases one resource at each place: a plain
// close for most, but for a file opened for writing or a writer that
// queues its writes, in a function that returns an error, a release whose
// error reaches the caller. A deferred f.Close() that drops its error can
// lose written data silently.
type releaser struct {
	pass *Pass
	a    *ownership.Acquisition
	// result is the function's error result, when the close's error must
	// be folded into it; nil for a plain close.
	result *errorResult
}

func newReleaser(pass *Pass, a *ownership.Acquisition) *releaser {
	r := &releaser{pass: pass, a: a}
	if a.OpensForWriting(pass.Info) || a.Acquirer.Kind.Queues {
		r.result = errorResultOf(pass, a.Func.Node())
	}
	return r
}

// errorResult is the last result of a function, of type error.
type errorResult struct {
	ftype *ast.FuncType
	sig   *types.Signature
	scope *types.Scope // the function's scope, which holds its results
	obj   *types.Var   // the result variable, nil when it is unnamed
	// unnamed is the name the fix gives the result when it has none:
	// "err" unless set.
	unnamed string
}

func errorResultOf(pass *Pass, fn ast.Node) *errorResult {
	ftype, _ := syntax.FuncParts(fn)
	sig, ok := pass.Info.TypeOf(ftype).(*types.Signature)
	if !ok {
		if fd, ok := fn.(*ast.FuncDecl); ok {
			sig = pass.Info.Defs[fd.Name].(*types.Func).Signature()
		}
	}
	if sig == nil || sig.Results().Len() == 0 {
		return nil
	}
	last := sig.Results().At(sig.Results().Len() - 1)
	if !syntax.IsError(last.Type()) {
		return nil
	}
	er := &errorResult{ftype: ftype, sig: sig, scope: pass.Info.Scopes[ftype]}
	if last.Name() != "" && last.Name() != "_" {
		er.obj = last
	}
	return er
}

// name is the error result's name, once the fix has named it.
func (er *errorResult) name() string {
	if er.obj != nil {
		return er.obj.Name()
	}
	if er.unnamed != "" {
		return er.unnamed
	}
	return "err"
}

// reachable reports whether, at pos, the error result's name refers to the
// result (once named), not to a variable that shadows it.
func (er *errorResult) reachable(pass *Pass, pos token.Pos) bool {
	scope := pass.Types.Scope().Innermost(pos)
	if scope == nil {
		return false
	}
	_, obj := scope.LookupParent(er.name(), pos)
	if er.obj != nil {
		return obj == er.obj
	}
	// Unnamed yet: a variable of that name at the function's top level
	// becomes the result; one in an inner block would shadow it.
	return obj == nil || obj.Parent() == er.scope
}

// deferred plans "defer f.Close()" after the statement after, or, for a
// written file, a deferred close that sets the error result.
func (r *releaser) deferred(after ast.Stmt) (*fix.Fix, string) {
	fx := &fix.Fix{Message: "defer the release", Sites: []fix.Site{{Pos: after.Pos(), End: after.End()}}}
	if r.result == nil {
		fx.Edit = func(e *fix.Editor) error {
			return e.InsertAfter(after, &dst.DeferStmt{Call: releaseCall(r.a)})
		}
		return fx, ""
	}
	if !r.result.reachable(r.pass, after.End()) {
		return nil, fmt.Sprintf("it is written, and its Close error cannot reach the function's %s result, which a variable shadows there", r.result.name())
	}
	fx.Message = "defer the close, returning its error"
	fx.Sites = append(fx.Sites, r.result.site())
	fx.Edit = func(e *fix.Editor) error {
		if err := r.result.nameResults(e); err != nil {
			return err
		}
		call := syntax.FuncLitCall(append(r.releaseFirst(), r.foldStmt())...)
		return e.InsertAfter(after, &dst.DeferStmt{Call: call})
	}
	return fx, ""
}

// errCall is the call whose error says whether the release failed: the
// release itself ("w.Flush()"), or for a kind whose release returns no
// error, the method that reports it ("w.Error()").
func (r *releaser) errCall() *dst.CallExpr {
	k := r.a.Acquirer.Kind
	if k.ErrorOf == "" {
		return releaseCall(r.a)
	}
	return &dst.CallExpr{Fun: &dst.SelectorExpr{X: dst.NewIdent(r.a.Var.Name()), Sel: dst.NewIdent(k.ErrorOf)}}
}

// releaseFirst is the release as a statement of its own, when its error
// is reported by another method that errCall calls after it.
func (r *releaser) releaseFirst() []dst.Stmt {
	if r.a.Acquirer.Kind.ErrorOf == "" {
		return nil
	}
	s := &dst.ExprStmt{X: releaseCall(r.a)}
	s.Decs.Before, s.Decs.After = dst.NewLine, dst.NewLine
	return []dst.Stmt{s}
}

// foldStmt is "if cerr := f.Close(); cerr != nil && err == nil { err = cerr }".
func (r *releaser) foldStmt() dst.Stmt {
	errName := r.result.name()
	set := &dst.AssignStmt{Lhs: []dst.Expr{dst.NewIdent(errName)}, Tok: token.ASSIGN, Rhs: []dst.Expr{dst.NewIdent("cerr")}}
	set.Decs.Before, set.Decs.After = dst.NewLine, dst.NewLine
	s := &dst.IfStmt{
		Init: &dst.AssignStmt{Lhs: []dst.Expr{dst.NewIdent("cerr")}, Tok: token.DEFINE, Rhs: []dst.Expr{r.errCall()}},
		Cond: &dst.BinaryExpr{
			X:  &dst.BinaryExpr{X: dst.NewIdent("cerr"), Op: token.NEQ, Y: dst.NewIdent("nil")},
			Op: token.LAND,
			Y:  &dst.BinaryExpr{X: dst.NewIdent(errName), Op: token.EQL, Y: dst.NewIdent("nil")},
		},
		Body: &dst.BlockStmt{List: []dst.Stmt{set}},
	}
	s.Decs.Before, s.Decs.After = dst.NewLine, dst.NewLine
	return s
}

// site is the function's result list, which the fix may name.
func (er *errorResult) site() fix.Site {
	return fix.Site{Pos: er.ftype.Results.Pos(), End: er.ftype.Results.End()}
}

// nameResults names the function's results, when they are not: "_" for
// all but the error, so that the deferred close can set it.
func (er *errorResult) nameResults(e *fix.Editor) error {
	if er.obj != nil {
		return nil
	}
	d, err := e.Dst(er.ftype)
	if err != nil {
		return err
	}
	results := d.(*dst.FuncType).Results
	results.Opening, results.Closing = true, true
	for i, field := range results.List {
		name := "_"
		if i == len(results.List)-1 {
			name = er.name()
		}
		if len(field.Names) == 0 {
			field.Names = []*dst.Ident{dst.NewIdent(name)}
		} else if i == len(results.List)-1 {
			field.Names[len(field.Names)-1] = dst.NewIdent(name)
		}
	}
	return nil
}

// atExit plans the release at one exit of the resource's scope: stmt is a
// return, break or continue statement, or nil for the end of scope. A
// guarded release is made only where the variable is not nil (a failed
// call's response, which may be missing).
func (r *releaser) atExit(stmt ast.Stmt, scope ast.Node, guarded bool) (func(*fix.Editor) error, string) {
	var plain dst.Stmt = &dst.ExprStmt{X: releaseCall(r.a)}
	if guarded {
		// if resp != nil { resp.Body.Close() }
		plain.Decorations().Before, plain.Decorations().After = dst.NewLine, dst.NewLine
		plain = &dst.IfStmt{
			Cond: &dst.BinaryExpr{X: dst.NewIdent(r.a.Var.Name()), Op: token.NEQ, Y: dst.NewIdent("nil")},
			Body: &dst.BlockStmt{List: []dst.Stmt{plain}},
		}
	}
	ret, isReturn := stmt.(*ast.ReturnStmt)
	switch {
	case r.result == nil:
		// a plain close
	case isReturn && len(ret.Results) == 0:
		// A bare return of named results: fold the error into the
		// result before it.
		if !r.result.reachable(r.pass, ret.Pos()) {
			return nil, "it is written, and its Close error cannot reach the function's error result there"
		}
		return func(e *fix.Editor) error { return e.InsertBefore(ret, append(r.releaseFirst(), r.foldStmt())...) }, ""
	case isReturn && len(ret.Results) == 1 && syntax.IsNil(r.pass.Info, ret.Results[0]),
		isReturn && !r.a.Acquirer.Kind.Queues && syntax.IsNil(r.pass.Info, ret.Results[len(ret.Results)-1]):
		// A successful return: return the release's error instead of
		// nil. (A queued writer's other results may read what it writes
		// to, before a release in the same return would run.)
		return func(e *fix.Editor) error {
			d, err := e.Dst(ret)
			if err != nil {
				return err
			}
			results := d.(*dst.ReturnStmt).Results
			results[len(results)-1] = r.errCall()
			return e.InsertBefore(ret, r.releaseFirst()...)
		}, ""
	case isReturn && r.a.Acquirer.Kind.Queues && len(ret.Results) == 1:
		// "return err" or "return encode(w)", which may succeed: return
		// a failure as it is, then the release's error.
		return r.splitReturn(ret), ""
	case isReturn && r.a.Acquirer.Kind.Queues && !syntax.IsNil(r.pass.Info, ret.Results[len(ret.Results)-1]):
		return nil, fmt.Sprintf("leakfix cannot tell whether %s fails", exitName(r.pass, &ownership.Exit{Stmt: ret}))
	case isReturn && r.a.Acquirer.Kind.Queues:
		// "return buf.Bytes(), nil": on a release error, return it
		// instead; else return as before, what the release wrote
		// included.
		check, why := r.checked(ret)
		if check == nil {
			return nil, why
		}
		return func(e *fix.Editor) error { return e.InsertBefore(ret, append(r.releaseFirst(), check)...) }, ""
	case isReturn:
		// Already failing: the close's error would only hide the first.
	default:
		// The end of an iteration, a break or continue: on a release
		// error, return it.
		check, why := r.checked(stmt)
		if check == nil {
			return nil, why
		}
		stmts := append(r.releaseFirst(), check)
		if stmt == nil {
			return func(e *fix.Editor) error { return e.Append(scope, stmts...) }, ""
		}
		return func(e *fix.Editor) error { return e.InsertBefore(stmt, stmts...) }, ""
	}
	if stmt == nil {
		return func(e *fix.Editor) error { return e.Append(scope, plain) }, ""
	}
	return func(e *fix.Editor) error { return e.InsertBefore(stmt, plain) }, ""
}

// checked is "if err := f.Close(); err != nil { return ..., err }", with
// the zero values of the other results, to go before stmt.
func (r *releaser) checked(stmt ast.Stmt) (dst.Stmt, string) {
	zeros, ok := r.zeroResults()
	if !ok {
		why := fmt.Sprintf("leakfix cannot spell the zero values the function would return with its %s error", r.a.Acquirer.Kind.ReleaseMethod())
		if !r.a.Acquirer.Kind.Queues {
			why = "it is written, and " + why
		}
		return nil, why
	}
	check := &dst.IfStmt{
		Init: &dst.AssignStmt{Lhs: []dst.Expr{dst.NewIdent("err")}, Tok: token.DEFINE, Rhs: []dst.Expr{r.errCall()}},
		Cond: &dst.BinaryExpr{X: dst.NewIdent("err"), Op: token.NEQ, Y: dst.NewIdent("nil")},
		Body: &dst.BlockStmt{List: []dst.Stmt{&dst.ReturnStmt{Results: append(zeros, dst.NewIdent("err"))}}},
	}
	check.Body.List[0].Decorations().Before, check.Body.List[0].Decorations().After = dst.NewLine, dst.NewLine
	return check, ""
}

// splitReturn turns "return X", where X may be nil, into "if err := X;
// err != nil { return err }" ("if err != nil { return err }" when X is a
// variable) and "return w.Flush()".
func (r *releaser) splitReturn(ret *ast.ReturnStmt) func(*fix.Editor) error {
	return func(e *fix.Editor) error {
		d, err := e.Dst(ret)
		if err != nil {
			return err
		}
		dret := d.(*dst.ReturnStmt)
		x := dret.Results[0]
		name := "err"
		var init dst.Stmt
		if id, ok := x.(*dst.Ident); ok {
			name = id.Name
		} else {
			init = &dst.AssignStmt{Lhs: []dst.Expr{dst.NewIdent(name)}, Tok: token.DEFINE, Rhs: []dst.Expr{x}}
		}
		fail := &dst.ReturnStmt{Results: []dst.Expr{dst.NewIdent(name)}}
		fail.Decs.Before, fail.Decs.After = dst.NewLine, dst.NewLine
		check := &dst.IfStmt{
			Init: init,
			Cond: &dst.BinaryExpr{X: dst.NewIdent(name), Op: token.NEQ, Y: dst.NewIdent("nil")},
			Body: &dst.BlockStmt{List: []dst.Stmt{fail}},
		}
		check.Decs.Before = dret.Decs.Before
		check.Decs.Start = dret.Decs.Start
		dret.Decs.Before, dret.Decs.Start = dst.NewLine, nil
		dret.Results = []dst.Expr{r.errCall()}
		return e.InsertBefore(ret, append([]dst.Stmt{check}, r.releaseFirst()...)...)
	}
}

// zeroResults spells the zero values of the results before the error, for
// the types whose zero value needs no name: numbers, strings, booleans and
// nil-able types.
func (r *releaser) zeroResults() ([]dst.Expr, bool) {
	res := r.result.sig.Results()
	var out []dst.Expr
	for i := range res.Len() - 1 {
		var zero string
		switch t := res.At(i).Type().Underlying().(type) {
		case *types.Basic:
			switch {
			case t.Info()&types.IsNumeric != 0:
				zero = "0"
			case t.Info()&types.IsString != 0:
				zero = `""`
			case t.Info()&types.IsBoolean != 0:
				zero = "false"
			}
		case *types.Pointer, *types.Slice, *types.Map, *types.Chan, *types.Signature, *types.Interface:
			zero = "nil"
		}
		if _, isParam := types.Unalias(res.At(i).Type()).(*types.TypeParam); zero == "" || isParam {
			return nil, false // a struct, an array, a type parameter
		}
		out = append(out, dst.NewIdent(zero))
	}
	return out, true
}
