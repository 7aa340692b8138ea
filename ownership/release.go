package ownership

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"github.com/leakfix/leakfix/internal/syntax"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

// LiveAfter returns the statement after which the resource is live: the
// error check that directly follows the acquisition (before it, on the
// failed path, the value may be nil), or the acquiring statement itself
// when there is no error to check and closing a failed acquisition is
// harmless. When there is no such statement, it returns nil and says why.
func LiveAfter(info *types.Info, a *Acquisition, sums Summaries) (ast.Stmt, string) {
	stmt, ok := a.stmtCursor()
	if !ok {
		return nil, "the acquisition is not a plain statement"
	}
	if a.Err == nil {
		if a.Acquirer.Kind.NilSafe || a.Acquirer.NonNil {
			return a.Stmt, ""
		}
		return nil, "its error is not checked, so it may be nil"
	}
	next, ok := stmt.NextSibling()
	if !ok {
		return nil, "its error is not checked right after it is acquired"
	}
	if s, ok := next.Node().(ast.Stmt); ok && ChecksError(info, s, a.Err, sums) {
		return s, ""
	}
	check, ok := next.Node().(*ast.IfStmt)
	if !ok || !isErrCheck(info, check, a.Err) && !isAssertCheck(info, check, a.Err) {
		return nil, "its error is not checked right after it is acquired"
	}
	return check, ""
}

// isAssertCheck reports whether s is "if !assert.NoError(t, err) {
// ...; return }": the test goes on only where err is nil.
func isAssertCheck(info *types.Info, s *ast.IfStmt, err *types.Var) bool {
	not, ok := ast.Unparen(s.Cond).(*ast.UnaryExpr)
	if !ok || not.Op != token.NOT || s.Init != nil || s.Else != nil || len(s.Body.List) == 0 {
		return false
	}
	call, ok := ast.Unparen(not.X).(*ast.CallExpr)
	if !ok || !assertsNoError[syntax.CalleeName(info, call)] {
		return false
	}
	return slices.ContainsFunc(call.Args, func(e ast.Expr) bool {
		id, ok := ast.Unparen(e).(*ast.Ident)
		return ok && info.Uses[id] == err
	}) && syntax.Terminates(info, s.Body.List[len(s.Body.List)-1])
}

// failsOnError lists the functions that end the test when their error
// argument is not nil.
var failsOnError = map[string]bool{
	"github.com/stretchr/testify/require.NoError":                true,
	"github.com/stretchr/testify/require.NoErrorf":               true,
	"github.com/stretchr/testify/require.Nil":                    true,
	"github.com/stretchr/testify/require.Nilf":                   true,
	"(*github.com/stretchr/testify/require.Assertions).NoError":  true,
	"(*github.com/stretchr/testify/require.Assertions).NoErrorf": true,
	"(*github.com/stretchr/testify/require.Assertions).Nil":      true,
	"gotest.tools/v3/assert.NilError":                            true,
	"github.com/go-quicktest/qt.Assert":                          false,
}

// ChecksError reports whether s is a call that ends the test or the
// program unless err is nil, with err as an argument:
// require.NoError(t, err), or a function of the program whose summary
// says so (nats-server's require_NoError, restic's rtest.OK).
func ChecksError(info *types.Info, s ast.Stmt, err *types.Var, sums Summaries) bool {
	es, ok := s.(*ast.ExprStmt)
	if !ok {
		return false
	}
	call, ok := ast.Unparen(es.X).(*ast.CallExpr)
	if !ok {
		return false
	}
	known := failsOnError[syntax.CalleeName(info, call)]
	for i, arg := range call.Args {
		id, ok := ast.Unparen(arg).(*ast.Ident)
		if !ok || info.Uses[id] != err {
			continue
		}
		if known {
			return true
		}
		if sum, param, ok := Lookup(sums, info, call, i); ok && slices.Contains(sum.FailsOnError, param) {
			return true
		}
	}
	return false
}

// failsOnErrorParams returns the error parameters of the function that it
// ends the test or the program on when they are not nil: a statement "if
// err != nil { ...; t.Fatal(...) }" in its body.
func failsOnErrorParams(info *types.Info, params []*types.Var, body *ast.BlockStmt) []int {
	var out []int
	for i, p := range params {
		if !syntax.IsError(p.Type()) {
			continue
		}
		for _, s := range body.List {
			if is, ok := s.(*ast.IfStmt); ok && isErrCheck(info, is, p) && !returns(is.Body) {
				out = append(out, i)
				break
			}
		}
	}
	return out
}

// returns reports whether a return statement ends the block: a check that
// returns does not end the test.
func returns(b *ast.BlockStmt) bool {
	_, ok := b.List[len(b.List)-1].(*ast.ReturnStmt)
	return ok
}

// DeferAfter returns where a deferred release of the resource belongs:
// after live, and after the defers right below it that use the resource,
// so that the release runs before them.
func DeferAfter(info *types.Info, a *Acquisition, live ast.Stmt) ast.Stmt {
	stmt, _ := a.stmtCursor()
	c, ok := stmt.Parent().FindNode(live)
	if !ok {
		return live
	}
	return afterDefersOf(info, c, a.Var)
}

// afterDefersOf skips the defer statements right after c that use v, such
// as "defer os.Remove(f.Name())": deferred after them, the close runs
// before them.
func afterDefersOf(info *types.Info, c inspector.Cursor, v *types.Var) ast.Stmt {
	for {
		next, ok := c.NextSibling()
		if !ok {
			break
		}
		d, ok := next.Node().(*ast.DeferStmt)
		if !ok || !syntax.Uses(info, d, v) {
			break
		}
		c = next
	}
	return c.Node().(ast.Stmt)
}

// stmtCursor returns the cursor of the acquiring statement when it stands
// directly in a statement list.
func (a *Acquisition) stmtCursor() (inspector.Cursor, bool) {
	if a.Stmt == nil {
		return inspector.Cursor{}, false
	}
	for c := range a.Cursor.Enclosing() {
		if c.Node() == a.Stmt {
			return c, syntax.InStmtList(c)
		}
	}
	return inspector.Cursor{}, false
}

// inIfInit reports whether the acquiring statement is the init of an if
// statement.
func (a *Acquisition) inIfInit() bool {
	for c := range a.Cursor.Enclosing() {
		if c.Node() == a.Stmt {
			return c.ParentEdgeKind() == edge.IfStmt_Init
		}
	}
	return false
}

// isErrCheck reports whether s is "if err != nil { ...; return }": no init,
// no else, and a body that never falls through.
func isErrCheck(info *types.Info, s *ast.IfStmt, err *types.Var) bool {
	if s.Init != nil || s.Else != nil {
		return false
	}
	cond, ok := ast.Unparen(s.Cond).(*ast.BinaryExpr)
	if !ok || cond.Op != token.NEQ {
		return false
	}
	isErr := func(e ast.Expr) bool {
		id, ok := ast.Unparen(e).(*ast.Ident)
		return ok && info.ObjectOf(id) == err
	}
	if !(isErr(cond.X) && syntax.IsNil(info, cond.Y) || syntax.IsNil(info, cond.X) && isErr(cond.Y)) {
		return false
	}
	return len(s.Body.List) > 0 && syntax.Terminates(info, s.Body.List[len(s.Body.List)-1])
}
