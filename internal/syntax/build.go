package syntax

import "github.com/dave/dst"

// FuncLitCall is "func() { body }()": a call of a function literal that
// takes and returns nothing, as a deferred release or a loop body run on
// its own needs.
func FuncLitCall(body ...dst.Stmt) *dst.CallExpr {
	return &dst.CallExpr{Fun: &dst.FuncLit{
		Type: &dst.FuncType{Func: true, Params: &dst.FieldList{Opening: true, Closing: true}},
		Body: &dst.BlockStmt{List: body},
	}}
}
