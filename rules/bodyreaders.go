package rules

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/types"
	"maps"
	"slices"
	"strings"

	"github.com/dave/dst"
	"github.com/leakfix/leakfix/fix"
	"github.com/leakfix/leakfix/internal/syntax"
	"github.com/leakfix/leakfix/ownership"
	"golang.org/x/tools/go/types/typeutil"
)

// Responses left open after an error decoder: a function of the package
// that takes the response, reads its body, and never closes it, called on
// the paths where the status is an error ("err = c.handleErrorResp(resp);
// return"). The fix belongs in that function, not at each caller: the
// findings of the callers whose every leak follows such a call are folded
// into one finding at the function, fixed there ("defer resp.Body.Close()"
// as its first statement) when every call of it in the program leaves the
// body open after it. Otherwise the function is reported, and the callers
// keep their own findings and fixes.

// A released is a finding of missing-close with the acquisition it is
// about.
type released struct {
	a *ownership.Acquisition
	f Finding
}

// readerCall is a caller's acquisition whose every leak follows a call of
// the same body reader: calls are those calls, each passing the response
// as the reader's parameter param.
type readerCall struct {
	released
	calls []*ast.CallExpr
	param int
}

// foldBodyReaders returns the findings to report: found, with the
// findings of the callers of each body reader folded into one at it.
func foldBodyReaders(pass *Pass, found []released) []Finding {
	byReader := map[*types.Func][]readerCall{}
	for _, r := range found {
		if r.a.Acquirer.Kind != ownership.ResponseBody || r.a.Var == nil {
			continue
		}
		if h, rc, ok := leaksAfterReader(pass, r); ok {
			byReader[h] = append(byReader[h], rc)
		}
	}
	folded := map[*ownership.Acquisition]bool{}
	var out []Finding
	readers := slices.SortedFunc(maps.Keys(byReader), func(a, b *types.Func) int { return cmp.Compare(a.Pos(), b.Pos()) })
	for _, h := range readers {
		f, ok, fold := bodyReaderFinding(pass, h, byReader[h])
		if !ok {
			continue
		}
		out = append(out, f)
		if fold {
			for _, c := range byReader[h] {
				folded[c.a] = true
			}
		}
	}
	for _, r := range found {
		if !folded[r.a] {
			out = append(out, r.f)
		}
	}
	return out
}

// leaksAfterReader returns the body reader that every exit where r's
// response is left open follows: the exit returns its result ("return
// h(resp)") or comes right after a statement that calls it, with the
// response as the same parameter each time.
func leaksAfterReader(pass *Pass, r released) (*types.Func, readerCall, bool) {
	a := r.a
	j := pass.judge(a)
	if j.Doubt != "" {
		return nil, readerCall{}, false
	}
	paths, ok := pass.followPaths(a)
	if !ok {
		return nil, readerCall{}, false
	}
	leaks := paths.OpenExits()
	if len(leaks) == 0 {
		return nil, readerCall{}, false
	}
	var reader *types.Func
	rc := readerCall{released: r}
	for _, e := range leaks {
		if e.Stmt == nil {
			return nil, readerCall{}, false
		}
		h, call, param, ok := readerCallBefore(pass, a, e.Stmt)
		if !ok || reader != nil && (h != reader || param != rc.param) {
			return nil, readerCall{}, false
		}
		reader, rc.param = h, param
		if !slices.Contains(rc.calls, call) {
			rc.calls = append(rc.calls, call)
		}
	}
	return reader, rc, true
}

// readerCallBefore finds the call, in exit, in the statement right before
// it in its block, or in the condition of the if whose body it begins, of
// a function of the package that takes a's
// response and only reads it.
//
// Only calls the statements make themselves count, not those in a block or
// function literal inside them: "if bad { err = h(resp) }; return err"
// reaches the return without the call.
func readerCallBefore(pass *Pass, a *ownership.Acquisition, exit ast.Stmt) (*types.Func, *ast.CallExpr, int, bool) {
	stmts := []ast.Stmt{exit}
	if c, ok := a.Func.FindNode(exit); ok {
		list := syntax.StmtList(c.Parent().Node())
		i := slices.Index(list, exit)
		switch ifs, isIf := c.Parent().Parent().Node().(*ast.IfStmt); {
		case i > 0:
			stmts = append(stmts, list[i-1])
		case i == 0 && isIf && ifs.Body == c.Parent().Node():
			// if err := h(resp); err != nil { return err }
			stmts = append(stmts, &ast.ExprStmt{X: ifs.Cond})
			if ifs.Init != nil {
				stmts = append(stmts, ifs.Init)
			}
		}
	}
	for _, s := range stmts {
		var found *types.Func
		var at *ast.CallExpr
		param := -1
		ast.Inspect(s, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BlockStmt, *ast.FuncLit:
				return false
			case *ast.CallExpr:
				h, _ := typeutil.Callee(pass.Info, n).(*types.Func)
				if h == nil || h.Pkg() != pass.Types {
					break
				}
				for i, arg := range n.Args {
					if isVar(pass.Info, arg, a.Var) && readsBody(pass, h, i) {
						found, at, param = h, n, i
					}
				}
			}
			return found == nil
		})
		if found != nil {
			return found, at, param, true
		}
	}
	return nil, nil, -1, false
}

// readsBody reports whether the function h leaves its parameter param, a
// response, to its caller (its summary borrows it) and reads its Body.
func readsBody(pass *Pass, h *types.Func, param int) bool {
	params := h.Signature().Params()
	if param >= params.Len() {
		return false
	}
	if ptr, ok := params.At(param).Type().(*types.Pointer); !ok || !syntax.IsNamed(ptr.Elem(), "net/http", "Response") {
		return false
	}
	sum, ok := pass.Summaries.Summary(h)
	if !ok || !slices.Contains(sum.Borrows, param) {
		return false
	}
	decl := pass.funcDecl(h)
	if decl == nil || decl.Body == nil {
		return false
	}
	p := params.At(param)
	reads := false
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		if e, ok := n.(ast.Expr); ok && isBodyOf(pass.Info, e, p) {
			reads = true
		}
		return !reads
	})
	return reads
}

// bodyReaderFinding is the finding at the body reader h, whose callers in
// calls leave its response open after calling it. fold says whether the
// callers' findings are folded into it: when it is fixed, since every
// call of h leaves the body open after it.
func bodyReaderFinding(pass *Pass, h *types.Func, calls []readerCall) (f Finding, ok, fold bool) {
	decl := pass.funcDecl(h)
	if decl == nil {
		return Finding{}, false, false
	}
	p := h.Signature().Params().At(calls[0].param)
	var lines []string
	leaving := map[*ast.CallExpr]bool{}
	samePlace := true
	for _, c := range calls {
		samePlace = samePlace && c.param == calls[0].param
		for _, call := range c.calls {
			leaving[call] = true
			lines = append(lines, fmt.Sprint(pass.Fset.Position(call.Pos()).Line))
		}
	}
	n := len(leaving)
	f = Finding{Pos: decl.Name.Pos(), End: decl.Name.End(),
		Message: fmt.Sprintf("%s reads %s.Body and never closes it, and the %s on %s %s it open after the call",
			h.Name(), p.Name(), plural(n, "call", "calls"), plural(n, "line", "lines")+" "+andList(lines), plural(n, "leaves", "leave"))}
	var other *ast.CallExpr
	for c := range pass.Inspector.Root().Preorder((*ast.CallExpr)(nil)) {
		call := c.Node().(*ast.CallExpr)
		if typeutil.Callee(pass.Info, call) == h && !leaving[call] {
			other = call
			break
		}
	}
	switch {
	case !samePlace:
		f.NoFix = fmt.Sprintf("its callers pass the response as different parameters of %s", h.Name())
		return f, true, false
	case other != nil:
		f.NoFix = fmt.Sprintf("the call on line %d does not leave it open after the call", pass.Fset.Position(other.Pos()).Line)
		return f, true, false
	case h.Exported() && pass.Types.Name() != "main":
		f.NoFix = fmt.Sprintf("%s is exported, and its callers in other packages are not seen", h.Name())
		return f, true, false
	}
	first := decl.Body.List
	f.Fix = &fix.Fix{
		Message: fmt.Sprintf("close %s.Body in %s", p.Name(), h.Name()),
		Sites:   []fix.Site{{Pos: decl.Body.Lbrace, End: decl.Body.Lbrace + 1}},
		Edit: func(e *fix.Editor) error {
			d := &dst.DeferStmt{Call: releaseCallOn(p.Name(), ownership.ResponseBody)}
			d.Decs.Before, d.Decs.After = dst.NewLine, dst.NewLine
			if len(first) == 0 {
				return e.Append(decl.Body, d)
			}
			return e.InsertBefore(first[0], d)
		},
	}
	return f, true, true
}

// funcDecl is the declaration of fn among the package's files, or nil.
func (p *Pass) funcDecl(fn *types.Func) *ast.FuncDecl {
	return syntax.FuncDeclOf(p.Inspector.Root(), p.Info, fn)
}

// andList joins "a", "b", "c" as "a, b and c".
func andList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
