package rules

import (
	"fmt"
	"go/ast"
	"go/types"

	"github.com/leakfix/leakfix/ownership"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// A cancel func handed to an object ("return &watcher{ctx: ctx, cancel:
// cancel}", "return newStream(ctx, cancel, body)", "s.cancel = cancel")
// is the object's to call, when it is closed or stopped. Where the object
// keeps it in a field that none of its type's methods ever reads, nothing
// calls it: the context and its timer stay registered until the deadline
// fires, or forever. Where the methods are not seen, that cannot be
// shown either way, and it is reported as such.

// cancelKept reports a's cancel func where it is handed to a field that
// no method of the field's type reads.
func cancelKept(pass *Pass, a *ownership.Acquisition) (Finding, bool) {
	j := pass.judge(a)
	if j.Verdict != ownership.HandedOn || j.Doubt != "" || a.Var == nil {
		return Finding{}, false
	}
	for _, pos := range j.HandOffs {
		c, ok := a.Func.FindByPos(pos, pos+1)
		if !ok {
			continue
		}
		named, field, via, ok := keptInField(pass, c, a.Var)
		if !ok {
			continue
		}
		what := describe(pass.Info, a)
		where := fmt.Sprintf("%s.%s", named.Obj().Name(), field.Name())
		if via != "" {
			where = via + ", which keeps it in " + where
		}
		read, unseen := fieldRead(pass, field)
		switch {
		case read:
			continue
		case unseen != "":
			return Finding{Pos: a.Call.Pos(), End: a.Call.End(),
				Message: fmt.Sprintf("%s is handed to %s, and whether a method of %s calls it is not known", what, where, named.Obj().Name()),
				NoFix:   unseen}, true
		}
		return Finding{Pos: a.Call.Pos(), End: a.Call.End(),
			Message: fmt.Sprintf("%s is handed to %s, which no method of %s calls", what, where, named.Obj().Name()),
			NoFix:   fmt.Sprintf("where the cancel belongs (a Close or Stop of %s) is the type's design", named.Obj().Name())}, true
	}
	return Finding{}, false
}

// keptInField finds, from the use of v at c, the struct field that keeps
// it: a field of a composite literal (&T{cancel: cancel}), an assignment
// to a field (s.cancel = cancel), or either in the body of a function of
// the package that v is passed to (its name is via).
func keptInField(pass *Pass, c inspector.Cursor, v *types.Var) (named *types.Named, field *types.Var, via string, ok bool) {
	id, isIdent := c.Node().(*ast.Ident)
	if !isIdent || pass.Info.Uses[id] != v {
		return nil, nil, "", false
	}
	if named, field, ok := fieldOf(pass.Info, c); ok {
		return named, field, "", true
	}
	ek, arg := c.ParentEdge()
	if ek != edge.CallExpr_Args {
		return nil, nil, "", false
	}
	call := c.Parent().Node().(*ast.CallExpr)
	h, _ := typeutil.Callee(pass.Info, call).(*types.Func)
	if h == nil {
		return nil, nil, "", false
	}
	decl := pass.funcDecl(h)
	if decl == nil || decl.Body == nil {
		return nil, nil, "", false
	}
	params := h.Signature().Params()
	if arg >= params.Len() || h.Signature().Variadic() && arg >= params.Len()-1 {
		return nil, nil, "", false
	}
	p := params.At(arg)
	dc, ok := pass.Inspector.Root().FindNode(decl)
	if !ok {
		return nil, nil, "", false
	}
	for u := range dc.Preorder((*ast.Ident)(nil)) {
		if pass.Info.Uses[u.Node().(*ast.Ident)] != p {
			continue
		}
		if named, field, ok := fieldOf(pass.Info, u); ok {
			return named, field, h.Name(), true
		}
	}
	return nil, nil, "", false
}

// fieldOf reports the named struct type and the field (maybe promoted
// from a struct it embeds) that the value at c is put in: &T{field:
// value}, or x.field = value.
func fieldOf(info *types.Info, c inspector.Cursor) (*types.Named, *types.Var, bool) {
	switch ek, _ := c.ParentEdge(); ek {
	case edge.KeyValueExpr_Value:
		kv := c.Parent().Node().(*ast.KeyValueExpr)
		lit, ok := c.Parent().Parent().Node().(*ast.CompositeLit)
		key, isIdent := kv.Key.(*ast.Ident)
		if !ok || !isIdent {
			return nil, nil, false
		}
		named, ok := namedStruct(info.TypeOf(lit))
		field, isVar := info.Uses[key].(*types.Var)
		return named, field, ok && isVar
	case edge.AssignStmt_Rhs:
		as := c.Parent().Node().(*ast.AssignStmt)
		if len(as.Lhs) != len(as.Rhs) {
			return nil, nil, false
		}
		_, i := c.ParentEdge()
		sel, ok := as.Lhs[i].(*ast.SelectorExpr)
		if !ok {
			return nil, nil, false
		}
		s, ok := info.Selections[sel]
		if !ok || s.Kind() != types.FieldVal {
			return nil, nil, false
		}
		named, ok := namedStruct(info.TypeOf(sel.X))
		return named, s.Obj().(*types.Var), ok
	}
	return nil, nil, false
}

func namedStruct(t types.Type) (*types.Named, bool) {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return nil, false
	}
	_, isStruct := n.Underlying().(*types.Struct)
	return n, isStruct
}

// fieldRead reports whether some function of the package reads field
// other than by assigning it (a method's "s.cancel()", "defer s.cancel()",
// "cancel := s.cancel"); unseen says why reads of it may be elsewhere:
// the field is another package's, or exported (outside a main package,
// the package's importers may call it).
func fieldRead(pass *Pass, field *types.Var) (read bool, unseen string) {
	switch {
	case field.Pkg() != pass.Types:
		return false, fmt.Sprintf("the methods of the type that holds %s are not in the analysed packages", field.Name())
	case field.Exported() && pass.Types.Name() != "main":
		return false, fmt.Sprintf("%s is exported, and the importers of %s may call it", field.Name(), pass.Types.Name())
	}
	for c := range pass.Inspector.Root().Preorder((*ast.SelectorExpr)(nil)) {
		sel := c.Node().(*ast.SelectorExpr)
		if sel.Sel.Name != field.Name() {
			continue
		}
		if s, ok := pass.Info.Selections[sel]; !ok || s.Obj() != field {
			continue
		}
		if ek, _ := c.ParentEdge(); ek == edge.AssignStmt_Lhs {
			continue
		}
		return true, ""
	}
	return false, ""
}
