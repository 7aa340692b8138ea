package rules

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strconv"
	"strings"

	"github.com/dave/dst"
	"github.com/leakfix/leakfix/fix"
	"github.com/leakfix/leakfix/internal/syntax"
	"github.com/leakfix/leakfix/ownership"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// UnboundedRead finds handlers that read a request body whole, unbounded.
var UnboundedRead = &Rule{
	Name:    "unbounded-read",
	Summary: "a handler reads a request body whole with no limit on its size",
	Doc: `A function that has an http.ResponseWriter and reads its *http.Request's
Body whole, with io.ReadAll, ioutil.ReadAll, json.NewDecoder(r.Body).Decode,
xml.NewDecoder(r.Body).Decode or r.ParseMultipartForm, with no limit on the
body before the read: a client that sends a huge body makes the server read
it all (into memory, or to disk for a multipart form).

Fix: "r.Body = http.MaxBytesReader(w, r.Body, 32 << 20)" before the
statement that holds the first read, so that an oversized body fails the
read with an error, which the handler's own error path answers. The limit
is 32 MiB (net/http's own default for multipart memory) unless
--max-body-bytes or max-body-bytes in .leakfix.yaml says otherwise.

Left alone: handlers in _test.go files, which face no hostile client and
may send large bodies on purpose; a body already limited (r.Body assigned before the read,
io.LimitReader around it, or a helper of the analysed packages that
assigns r.Body). Reported without a fix: r passed before the read to a
function leakfix cannot see into, which may limit it.`,
	Run: func(pass *Pass) { runUnboundedServer(pass) },
}

// A bodyRead is a read of a whole body.
type bodyRead struct {
	call   *ast.CallExpr
	cursor inspector.Cursor
}

// wholeReads are the functions that read the whole of their argument;
// decoders read as much of it as the value needs, which a hostile body
// makes everything.
var wholeReads = map[string]bool{
	"io.ReadAll": true, "io/ioutil.ReadAll": true,
	"encoding/json.NewDecoder": true, "encoding/xml.NewDecoder": true,
}

func runUnboundedServer(pass *Pass) {
	for fn := range pass.Inspector.Root().Preorder((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		if inTestFile(pass, fn.Node()) {
			continue
		}
		ftype, body := syntax.FuncParts(fn.Node())
		if body == nil {
			continue
		}
		w, r := handlerParams(pass.Info, ftype)
		if w == nil || r == nil {
			continue
		}
		first, helper, ok := firstUnboundedRead(pass, fn, r, func(call *ast.CallExpr) bool {
			if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && sel.Sel.Name == "ParseMultipartForm" {
				return isVar(pass.Info, sel.X, r)
			}
			return false
		})
		if !ok {
			continue
		}
		f := Finding{
			Pos: first.call.Pos(), End: first.call.End(),
			Message: fmt.Sprintf("%s.Body is read whole with no limit on its size", r.Name()),
		}
		switch {
		case helper != "":
			f.NoFix = fmt.Sprintf("%s is given to %s first, which may limit it", r.Name(), helper)
		case errorDiscarded(pass.Info, first.cursor):
			// With a limit, an oversized body would be cut short and the
			// handler would go on with the part it got.
			f.NoFix = "the read's error is discarded, so a limit would silently truncate the body"
		default:
			f.Fix, f.NoFix = limitBefore(pass, first.cursor, fn, r, w)
		}
		pass.Report(f)
	}
}

// inTestFile reports whether n is in a _test.go file: a test's handlers and
// clients face no hostile peer, and a test may send large bodies on
// purpose.
func inTestFile(pass *Pass, n ast.Node) bool {
	return strings.HasSuffix(pass.Fset.Position(n.Pos()).Filename, "_test.go")
}

// firstUnboundedRead finds, in fn, the first read of v.Body whole, unless
// the body is limited before it. other recognises reads that are calls on
// v itself (r.ParseMultipartForm). helper names a function that v is given
// to before the read and that leakfix cannot see into.
func firstUnboundedRead(pass *Pass, fn inspector.Cursor, v *types.Var, other func(*ast.CallExpr) bool) (first bodyRead, helper string, ok bool) {
	for c := range fn.Preorder((*ast.CallExpr)(nil), (*ast.AssignStmt)(nil)) {
		if enc, _ := syntax.EnclosingFunc(c); enc != fn {
			continue // a nested function literal runs who knows when
		}
		switch n := c.Node().(type) {
		case *ast.AssignStmt:
			for _, lhs := range n.Lhs {
				if isBodyOf(pass.Info, lhs, v) {
					return bodyRead{}, "", false // limited, or replaced
				}
			}
		case *ast.CallExpr:
			switch {
			case other(n):
				return bodyRead{n, c}, helper, true
			case wholeReads[syntax.CalleeName(pass.Info, n)] && len(n.Args) > 0 && isBodyOf(pass.Info, n.Args[0], v):
				return bodyRead{n, c}, helper, true
			}
			for i, arg := range n.Args {
				if !isVar(pass.Info, arg, v) || helper != "" {
					continue
				}
				switch limits := limitsBody(pass, n, i); {
				case limits == yes:
					return bodyRead{}, "", false
				case limits == unknown:
					helper = types.ExprString(n.Fun)
				}
			}
		}
	}
	return bodyRead{}, "", false
}

type tristate int

const (
	no tristate = iota
	yes
	unknown
)

// limitsBody says whether the function call calls replaces the Body of
// the request it is given as its argument arg: known from the summaries of
// the analysed packages' functions, and for net/http's, which never do.
func limitsBody(pass *Pass, call *ast.CallExpr, arg int) tristate {
	if fn, ok := typeutil.Callee(pass.Info, call).(*types.Func); ok && fn.Pkg() != nil && fn.Pkg().Path() == "net/http" {
		return no // http.Error, (*Request).Context...
	}
	sum, param, ok := ownership.Lookup(pass.Summaries, pass.Info, call, arg)
	switch {
	case !ok:
		return unknown
	case slices.Contains(sum.LimitsBody, param):
		return yes
	}
	return no
}

// limitBefore inserts "v.Body = http.MaxBytesReader(w, v.Body, N)" before
// the statement, in fn's body or in the block of v's acquisition, that
// holds the read at c.
func limitBefore(pass *Pass, read inspector.Cursor, fn inspector.Cursor, v *types.Var, w *types.Var) (*fix.Fix, string) {
	stmt, ok := stmtInScopeOf(read, v)
	if !ok {
		return nil, "the read is not in a statement leakfix can put a limit before"
	}
	n := pass.maxBodyBytes()
	fx := &fix.Fix{
		Message: fmt.Sprintf("limit %s.Body to %d bytes", v.Name(), n),
		Sites:   []fix.Site{{Pos: stmt.Pos(), End: stmt.End()}},
		Edit: func(e *fix.Editor) error {
			httpName := e.ImportName("net/http")
			var wExpr dst.Expr = dst.NewIdent("nil")
			if w != nil {
				wExpr = dst.NewIdent(w.Name())
			}
			body := func() dst.Expr { return &dst.SelectorExpr{X: dst.NewIdent(v.Name()), Sel: dst.NewIdent("Body")} }
			limit := &dst.AssignStmt{
				Lhs: []dst.Expr{body()},
				Tok: token.ASSIGN,
				Rhs: []dst.Expr{&dst.CallExpr{
					Fun:  &dst.SelectorExpr{X: dst.NewIdent(httpName), Sel: dst.NewIdent("MaxBytesReader")},
					Args: []dst.Expr{wExpr, body(), sizeExpr(n)},
				}},
			}
			return e.InsertBefore(stmt, limit)
		},
	}
	return fx, ""
}

// stmtInScopeOf returns the statement holding c that stands in the
// statement list where v is declared (a function's body for a parameter).
func stmtInScopeOf(c inspector.Cursor, v *types.Var) (ast.Stmt, bool) {
	for s := range c.Enclosing() {
		stmt, ok := s.Node().(ast.Stmt)
		if !ok || !syntax.InStmtList(s) {
			continue
		}
		list := s.Parent().Node()
		if v.Parent() != nil && list.Pos() <= v.Pos() && v.Pos() < list.End() || isFuncBody(s.Parent()) && isParamOf(s.Parent().Parent().Node(), v) {
			return stmt, true
		}
	}
	return nil, false
}

func isFuncBody(c inspector.Cursor) bool {
	ek := c.ParentEdgeKind()
	return ek == edge.FuncDecl_Body || ek == edge.FuncLit_Body
}

func isParamOf(fn ast.Node, v *types.Var) bool {
	ftype, _ := syntax.FuncParts(fn)
	return ftype != nil && ftype.Params.Pos() <= v.Pos() && v.Pos() < ftype.Params.End()
}

// sizeExpr writes n readably: 32 << 20 rather than 33554432.
func sizeExpr(n int64) dst.Expr {
	for _, shift := range []int{30, 20, 10} {
		if n >= 1<<shift && n%(1<<shift) == 0 {
			return &dst.BinaryExpr{
				X:  &dst.BasicLit{Kind: token.INT, Value: strconv.FormatInt(n>>shift, 10)},
				Op: token.SHL,
				Y:  &dst.BasicLit{Kind: token.INT, Value: strconv.Itoa(shift)},
			}
		}
	}
	return &dst.BasicLit{Kind: token.INT, Value: strconv.FormatInt(n, 10)}
}

// handlerParams finds a handler's http.ResponseWriter and *http.Request
// parameters.
func handlerParams(info *types.Info, ftype *ast.FuncType) (w, r *types.Var) {
	for _, field := range ftype.Params.List {
		t := info.TypeOf(field.Type)
		for _, name := range field.Names {
			v, _ := info.Defs[name].(*types.Var)
			switch {
			case v == nil:
			case syntax.IsNamed(t, "net/http", "ResponseWriter"):
				w = v
			case syntax.IsPointerTo(t, "net/http", "Request"):
				r = v
			}
		}
	}
	return w, r
}

func isVar(info *types.Info, e ast.Expr, v *types.Var) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && info.Uses[id] == v
}

// isBodyOf reports whether e is v.Body.
func isBodyOf(info *types.Info, e ast.Expr, v *types.Var) bool {
	sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Body" && isVar(info, sel.X, v)
}

// errorDiscarded reports whether the read at c assigns its error result
// to _ ("b, _ := io.ReadAll(r.Body)"), or is a statement of its own.
func errorDiscarded(info *types.Info, c inspector.Cursor) bool {
	call := c.Node().(*ast.CallExpr)
	if _, ok := info.TypeOf(call).(*types.Tuple); !ok {
		return false
	}
	switch p := c.Parent().Node().(type) {
	case *ast.AssignStmt:
		id, ok := p.Lhs[len(p.Lhs)-1].(*ast.Ident)
		return len(p.Rhs) == 1 && ok && id.Name == "_"
	case *ast.ExprStmt:
		return true
	}
	return false
}
