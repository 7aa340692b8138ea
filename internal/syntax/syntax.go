// Package syntax answers the general questions leakfix's analysis and
// rules ask of type-checked Go code, none of them about who owns what:
// the parts of a function and the function around a node, the statement
// list a statement stands in, the loop around it, whether control flows
// past a statement, what a call calls, whether an expression is nil, what
// a type is, whether a package is the standard library's; and it builds
// the small pieces of dst syntax that fixes insert.
package syntax

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// FuncParts returns the type and body of a function declaration or
// literal.
func FuncParts(n ast.Node) (*ast.FuncType, *ast.BlockStmt) {
	switch fn := n.(type) {
	case *ast.FuncDecl:
		return fn.Type, fn.Body
	case *ast.FuncLit:
		return fn.Type, fn.Body
	}
	return nil, nil
}

// EnclosingFunc returns the innermost function declaration or literal
// that holds the node at c (c itself, when it is one).
func EnclosingFunc(c inspector.Cursor) (inspector.Cursor, bool) {
	for fn := range c.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		return fn, true
	}
	return inspector.Cursor{}, false
}

// FuncDeclOf is the declaration of fn among the files below root, or nil
// when it is declared elsewhere: found by the position of its name.
func FuncDeclOf(root inspector.Cursor, info *types.Info, fn *types.Func) *ast.FuncDecl {
	c, ok := root.FindByPos(fn.Pos(), fn.Pos())
	if !ok {
		return nil
	}
	for d := range c.Enclosing((*ast.FuncDecl)(nil)) {
		if fd := d.Node().(*ast.FuncDecl); info.Defs[fd.Name] == fn {
			return fd
		}
	}
	return nil
}

// StmtList returns the statement list of a block, case clause or comm
// clause.
func StmtList(n ast.Node) []ast.Stmt {
	switch n := n.(type) {
	case *ast.BlockStmt:
		return n.List
	case *ast.CaseClause:
		return n.Body
	case *ast.CommClause:
		return n.Body
	}
	return nil
}

// InStmtList reports whether the node at c stands directly in the statement
// list of a block, case clause or comm clause: where statements can be
// inserted before and after it.
func InStmtList(c inspector.Cursor) bool {
	switch c.ParentEdgeKind() {
	case edge.BlockStmt_List, edge.CaseClause_Body, edge.CommClause_Body:
		return true
	}
	return false
}

// Loop returns the innermost for or range statement that holds the node
// at c (c itself, when it is one) inside c's own function: a loop around
// the function literal c is in does not count.
func Loop(c inspector.Cursor) (inspector.Cursor, bool) {
	for e := range c.Enclosing((*ast.ForStmt)(nil), (*ast.RangeStmt)(nil), (*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		switch e.Node().(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			return e, true
		}
		break
	}
	return inspector.Cursor{}, false
}

// InLoop reports whether the node at c is inside a for or range statement
// of its own function (see Loop).
func InLoop(c inspector.Cursor) bool {
	_, ok := Loop(c)
	return ok
}

// LoopBody is the body of a for or range statement, or nil.
func LoopBody(s ast.Node) *ast.BlockStmt {
	switch s := s.(type) {
	case *ast.ForStmt:
		return s.Body
	case *ast.RangeStmt:
		return s.Body
	}
	return nil
}

// noReturn lists functions that never return to their caller.
var noReturn = map[string]bool{
	"os.Exit": true, "runtime.Goexit": true,
	"log.Fatal": true, "log.Fatalf": true, "log.Fatalln": true,
	"log.Panic": true, "log.Panicf": true, "log.Panicln": true,
	"(*log.Logger).Fatal": true, "(*log.Logger).Fatalf": true, "(*log.Logger).Fatalln": true,
	"(*log.Logger).Panic": true, "(*log.Logger).Panicf": true, "(*log.Logger).Panicln": true,
	"(*testing.common).Fatal": true, "(*testing.common).Fatalf": true, "(*testing.common).FailNow": true,
	"(testing.TB).Fatal": true, "(testing.TB).Fatalf": true, "(testing.TB).FailNow": true,
	"(testing.TB).Skip": true, "(testing.TB).Skipf": true, "(testing.TB).SkipNow": true,
	"(*testing.common).Skip": true, "(*testing.common).Skipf": true, "(*testing.common).SkipNow": true,
}

// Terminates reports whether control never flows past s to the statement
// after it: a return, a branch, a panic or a call that never returns.
func Terminates(info *types.Info, s ast.Stmt) bool {
	switch s := s.(type) {
	case *ast.ReturnStmt:
		return true
	case *ast.BranchStmt:
		return s.Tok != token.FALLTHROUGH
	case *ast.BlockStmt:
		return len(s.List) > 0 && Terminates(info, s.List[len(s.List)-1])
	case *ast.ExprStmt:
		call, ok := ast.Unparen(s.X).(*ast.CallExpr)
		if !ok {
			return false
		}
		if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
			if b, ok := info.Uses[id].(*types.Builtin); ok && b.Name() == "panic" {
				return true
			}
		}
		fn, ok := typeutil.Callee(info, call).(*types.Func)
		return ok && noReturn[fn.FullName()]
	}
	return false
}

// CalleeName is the full name of the function or method call calls, or "".
func CalleeName(info *types.Info, call *ast.CallExpr) string {
	if fn, ok := typeutil.Callee(info, call).(*types.Func); ok {
		return fn.FullName()
	}
	return ""
}

// IsNil reports whether e is the predeclared nil.
func IsNil(info *types.Info, e ast.Expr) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && info.Uses[id] == types.Universe.Lookup("nil")
}

// Uses reports whether v appears in n.
func Uses(info *types.Info, n ast.Node, v *types.Var) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && info.Uses[id] == v {
			found = true
		}
		return !found
	})
	return found
}
