package ownership

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/ast/edge"
)

// A resource stored in a field of a local struct variable that never
// leaves the function (var st state; st.f = f) has not moved: the field is
// followed as one more variable that holds it, and s.f.Close() releases
// it. The variable must be used only through its fields: passed, returned,
// assigned whole, its address taken or a method called on it, it may
// carry the resource anywhere, and the store is a hand-off.

// A fieldKey names one field of one local variable.
type fieldKey struct {
	root  *types.Var
	field *types.Var
}

// localField returns the variable that stands for the field sel selects,
// when sel is a field of a local struct variable used only through its
// fields; nil otherwise.
func (f *follower) localField(sel *ast.SelectorExpr) *types.Var {
	id, ok := ast.Unparen(sel.X).(*ast.Ident)
	if !ok {
		return nil
	}
	root, ok := f.info.Uses[id].(*types.Var)
	if !ok || !f.declaredInside(root) || root.IsField() {
		return nil
	}
	if _, ok := root.Type().Underlying().(*types.Struct); !ok {
		return nil
	}
	s := f.info.Selections[sel]
	if s == nil || s.Kind() != types.FieldVal || len(s.Index()) != 1 {
		return nil
	}
	field := s.Obj().(*types.Var)
	key := fieldKey{root, field}
	if v, ok := f.fields[key]; ok {
		return v
	}
	var v *types.Var
	if f.onlyThroughFields(root) {
		// It dies with the struct variable: same position.
		v = types.NewVar(root.Pos(), root.Pkg(), root.Name()+"."+field.Name(), field.Type())
	}
	if f.fields == nil {
		f.fields, f.fieldOf = map[fieldKey]*types.Var{}, map[*types.Var]fieldKey{}
	}
	f.fields[key] = v
	if v != nil {
		f.fieldOf[v] = key
	}
	return v
}

// onlyThroughFields reports whether every use of root in the function
// selects one of its fields.
func (f *follower) onlyThroughFields(root *types.Var) bool {
	for c := range f.fn.Preorder((*ast.Ident)(nil)) {
		id := c.Node().(*ast.Ident)
		if f.info.Uses[id] != root {
			continue
		}
		if c.ParentEdgeKind() != edge.SelectorExpr_X {
			return false
		}
		if s := f.info.Selections[c.Parent().Node().(*ast.SelectorExpr)]; s == nil || s.Kind() != types.FieldVal {
			return false
		}
	}
	return true
}

// followField classifies every use of the field that v stands for, as
// followVar does for a variable: def is the selector of the store that
// gave it the value.
func (f *follower) followField(v *types.Var, def *ast.SelectorExpr, r role) {
	if f.seen == nil {
		f.seen, f.roles = map[*types.Var]bool{}, map[*types.Var]role{}
	}
	if f.seen[v] {
		return
	}
	f.seen[v], f.roles[v] = true, r
	f.best.Vars = append(f.best.Vars, v)
	key := f.fieldOf[v]
	outer := f.via
	defer func() { f.via = outer }()
	for c := range f.fn.Preorder((*ast.SelectorExpr)(nil)) {
		sel := c.Node().(*ast.SelectorExpr)
		if sel == def || !f.selects(sel, key) {
			continue
		}
		f.via = v
		f.best.fieldUses = append(f.best.fieldUses, sel.Pos())
		if ek, _ := c.ParentEdge(); ek == edge.AssignStmt_Lhs {
			f.best.events = append(f.best.events, event{pos: sel.Sel.Pos(), kill: true, to: v})
			continue
		}
		f.use(c, r)
	}
}

// selects reports whether sel is the field of key.
func (f *follower) selects(sel *ast.SelectorExpr, key fieldKey) bool {
	id, ok := ast.Unparen(sel.X).(*ast.Ident)
	if !ok || f.info.Uses[id] != key.root {
		return false
	}
	s := f.info.Selections[sel]
	return s != nil && s.Obj() == key.field
}

// fieldUse reports whether n is a selector of a followed field.
func (j Judgement) fieldUse(n ast.Node) bool {
	sel, ok := n.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	for _, p := range j.fieldUses {
		if p == sel.Pos() {
			return true
		}
	}
	return false
}
