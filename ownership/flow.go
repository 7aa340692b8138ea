package ownership

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"github.com/leakfix/leakfix/internal/syntax"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// An Acquisition is one call that acquires a resource.
type Acquisition struct {
	Call     *ast.CallExpr
	Acquirer *Acquirer
	// Cursor is at the call.
	Cursor inspector.Cursor
	// Func is the innermost function (an *ast.FuncDecl or *ast.FuncLit)
	// that holds the call: the one responsible for the resource.
	Func inspector.Cursor
	// Stmt is the statement that holds the call, when the resource is
	// assigned to a variable or discarded; nil otherwise.
	Stmt ast.Stmt
	// Var is the variable the resource is assigned to; nil when it is
	// discarded or not assigned to a variable.
	Var *types.Var
	// Ident names Var where the acquisition assigns it.
	Ident *ast.Ident
	// Declares is set when the acquisition declares Var (f, err :=
	// os.Open(...)), so that Var lives in the acquisition's block and no
	// longer: the paths from it end where that block does.
	Declares bool
	// Target is where the acquisition assigns the resource, when that is
	// not a variable (s.f, m[k]).
	Target ast.Expr
	// Err is the variable the call's error result is assigned to, if any.
	Err *types.Var
	// Discarded is set when the resource is thrown away unused (a call
	// statement, or assigned to _).
	Discarded bool
}

// Find returns the acquisitions in the files under root: calls of the
// functions of table, and of the functions whose summaries in sums (nil
// for none) say they return a resource they acquired.
func Find(fset *token.FileSet, info *types.Info, root inspector.Cursor, table Acquirers, sums Summaries) []*Acquisition {
	var out []*Acquisition
	for c := range root.Preorder((*ast.CallExpr)(nil)) {
		call := c.Node().(*ast.CallExpr)
		acq, ok := table.Of(fset, info, call, sums)
		if !ok {
			continue
		}
		a := &Acquisition{Call: call, Acquirer: acq, Cursor: c}
		fn, inFunc := syntax.EnclosingFunc(c)
		if !inFunc {
			continue // a package-level var initializer: no function owns it
		}
		a.Func = fn
		a.bind(info)
		out = append(out, a)
	}
	return out
}

// bind finds where the acquired value and its error go.
func (a *Acquisition) bind(info *types.Info) {
	if a.Acquirer.OnReceiver {
		// cmd.StdoutPipe(): cmd holds the resource.
		if sel, ok := ast.Unparen(a.Call.Fun).(*ast.SelectorExpr); ok {
			if id, ok := ast.Unparen(sel.X).(*ast.Ident); ok {
				a.Var, _ = info.Uses[id].(*types.Var)
			}
		}
		if a.Var == nil {
			a.Target = a.Call.Fun // held by something other than a variable
		}
		if ek, _ := a.Cursor.ParentEdge(); ek == edge.AssignStmt_Rhs {
			as := a.Cursor.Parent().Node().(*ast.AssignStmt)
			a.Stmt = as
			if id, ok := as.Lhs[len(as.Lhs)-1].(*ast.Ident); ok && len(as.Lhs) == 2 && id.Name != "_" {
				a.Err, _ = info.ObjectOf(id).(*types.Var)
			}
		}
		return
	}
	parent := a.Cursor.Parent()
	ek, _ := a.Cursor.ParentEdge()
	var lhs []ast.Expr
	switch ek {
	case edge.ExprStmt_X:
		a.Stmt, a.Discarded = parent.Node().(ast.Stmt), true
		return
	case edge.AssignStmt_Rhs:
		as := parent.Node().(*ast.AssignStmt)
		if len(as.Rhs) != 1 {
			return
		}
		a.Stmt, lhs = as, as.Lhs
	case edge.ValueSpec_Values:
		vs := parent.Node().(*ast.ValueSpec)
		if len(vs.Values) != 1 {
			return
		}
		if ds, ok := parent.Parent().Parent().Node().(*ast.DeclStmt); ok {
			a.Stmt = ds
		}
		for _, n := range vs.Names {
			lhs = append(lhs, n)
		}
	default:
		return
	}
	results := info.TypeOf(a.Call)
	if tuple, ok := results.(*types.Tuple); ok && tuple.Len() == len(lhs) {
		last := tuple.At(tuple.Len() - 1)
		if syntax.IsError(last.Type()) {
			if id, ok := lhs[len(lhs)-1].(*ast.Ident); ok && id.Name != "_" {
				a.Err, _ = info.ObjectOf(id).(*types.Var)
			}
		}
	}
	if a.Acquirer.Result >= len(lhs) {
		return
	}
	switch target := ast.Unparen(lhs[a.Acquirer.Result]).(type) {
	case *ast.Ident:
		if target.Name == "_" {
			a.Discarded = true
			return
		}
		if v, ok := info.ObjectOf(target).(*types.Var); ok {
			a.Var, a.Ident, a.Declares = v, target, info.Defs[target] == v
		}
	default:
		a.Target = target
	}
}

// A Verdict says who is responsible for an acquired resource.
type Verdict int

const (
	// Leaks: the function neither closes the resource nor hands it on,
	// and every use of it is understood.
	Leaks Verdict = iota
	// Closed: the function closes it (on at least one path).
	Closed
	// HandedOn: someone else becomes responsible for it: it is returned,
	// stored where it outlives the call, sent, or given to a goroutine.
	HandedOn
	// Unknown: a use that may close or keep the resource, and cannot be
	// judged: passed to a function outside the built-in table, captured by
	// a closure, reassigned...
	Unknown
)

// A Judgement is the verdict on one acquisition, with the use that decided
// it.
type Judgement struct {
	Verdict Verdict
	Reason  string    // what the deciding use does, as a clause: "it is passed to process"
	At      token.Pos // the deciding use
	// Releases are the positions of the uses that close the resource or
	// hand it on: the path analysis needs each one, not only the first.
	Releases []token.Pos
	// HandOffs are the releases that hand the resource on (returned,
	// stored, sent, given to a goroutine), not close it.
	HandOffs []token.Pos
	// Vars are the variables that hold the resource or a reader over it.
	Vars []*types.Var
	// Doubt is the first use that cannot be judged (as a clause: "it is
	// passed to process"), at DoubtAt; "" when every use was understood.
	// The verdict may still be Closed or HandedOn through other uses, but
	// no fix may rely on the paths when the fate of the value at the
	// doubtful use is unknown.
	Doubt   string
	DoubtAt token.Pos
	// InPlace counts the uses that read, write or inspect the resource
	// where it is, without releasing it. A resource with none is only
	// held, which may be the point (keeping a port or a pooled connection
	// taken).
	InPlace int
	// Reassigned is the first assignment of another value to the
	// acquisition's own variable, or token.NoPos. A deferred release
	// through that variable would release the other value.
	Reassigned token.Pos
	sums       Summaries // what the judgement knew of other functions
	// Outlives is set when the acquisition assigns a variable that
	// outlives the function (a named result, a global, a variable of an
	// enclosing function): whoever reads it is responsible.
	Outlives bool
	// fieldUses are the positions of the selectors of local struct fields
	// that hold the resource (st.f): reads of it, as its variables' are.
	fieldUses []token.Pos
	// events are the uses, in source order, that the path analysis
	// replays on each path: a release or hand-off counts on a path only
	// where the variable it goes through still holds the resource there.
	events []event
}

// An event is one use of the resource, through one of the variables that
// may hold it, as the path analysis replays it.
type event struct {
	pos token.Pos
	via *types.Var // the variable the use goes through; nil for none
	// what the use does: Closed, HandedOn, or Unknown (a use that may
	// close or keep it); gen and kill events assign variables.
	verdict Verdict
	reason  string
	// gen: the variable to is assigned a value derived from the resource
	// (an alias, its Body, a reader over it), in role; kill: to is
	// assigned some other value, and no longer holds the resource.
	gen, kill bool
	to        *types.Var
	role      role
}

// validAfterRelease reports whether the use at c reads what stays valid
// once the resource is released: a file's Name, the fields of an HTTP
// response other than its Body.
func (f *follower) validAfterRelease(c inspector.Cursor, r role) bool {
	if c.ParentEdgeKind() != edge.SelectorExpr_X || r != holder {
		return false
	}
	sel := c.Parent().Node().(*ast.SelectorExpr)
	switch f.kind {
	case File:
		return sel.Sel.Name == "Name"
	case ResponseBody:
		return sel.Sel.Name != "Body"
	}
	return false
}

// NeededBy reports whether evaluating n uses the resource: a read through
// it or a wrapper over it, but not the fields of an HTTP response other
// than its body (resp.StatusCode), nor a file's Name, which stay valid
// after a close.
func (j Judgement) NeededBy(info *types.Info, n ast.Node) bool {
	needed := false
	assigned := map[ast.Node]bool{} // the variables an assignment overwrites are not read
	if as, ok := n.(*ast.AssignStmt); ok && as.Tok == token.ASSIGN {
		for _, lhs := range as.Lhs {
			assigned[ast.Unparen(lhs)] = true
		}
	}
	ast.Inspect(n, func(n ast.Node) bool {
		if needed || assigned[n] {
			return false
		}
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && j.holds(info.Uses[id]) {
				switch t := info.TypeOf(id); {
				case syntax.IsPointerTo(t, "net/http", "Response") && sel.Sel.Name != "Body",
					syntax.IsPointerTo(t, "os", "File") && sel.Sel.Name == "Name":
					return false
				}
			}
		}
		if id, ok := n.(*ast.Ident); ok && j.holds(info.Uses[id]) || j.fieldUse(n) {
			needed = true
		}
		return true
	})
	return needed
}

func (j Judgement) holds(obj types.Object) bool {
	v, ok := obj.(*types.Var)
	return ok && slices.Contains(j.Vars, v)
}

// Judge follows the acquired value through its function and decides who is
// responsible for it. Closing wins over handing on, which wins over unknown.
// sums tells what functions outside the standard library do with what they
// are given (nil when nothing is known).
func Judge(fset *token.FileSet, info *types.Info, a *Acquisition, sums Summaries) Judgement {
	f := &follower{fset: fset, info: info, fn: a.Func, kind: a.Acquirer.Kind, summaries: sums, best: Judgement{Verdict: Leaks}}
	switch {
	case a.Discarded:
		return Judgement{Verdict: Leaks, Reason: "discarded", At: a.Call.Pos()}
	case a.Target != nil:
		f.assigned(a.Target, a.Call, holder)
		return f.best
	case a.Var == nil && a.Stmt == nil:
		// Used where it is made: return os.Open(name), f(os.Open(name)).
		f.use(a.Cursor, holder)
		if f.best.Verdict == Leaks {
			return Judgement{Verdict: Unknown, Reason: "it is not assigned to a variable", At: a.Call.Pos()}
		}
		return f.best
	case a.Var == nil:
		return Judgement{Verdict: Unknown, Reason: "it is not assigned to a variable", At: a.Call.Pos()}
	}
	if !f.declaredInside(a.Var) {
		return Judgement{Verdict: HandedOn, Reason: fmt.Sprintf("assigned to %s, which outlives the call", a.Var.Name()), At: a.Ident.Pos(), Outlives: true}
	}
	f.followVar(a.Var, a.Ident, holder)
	f.finish(a.Var, a.Ident)
	f.best.sums = sums
	return f.best
}

// A role says what a tracked value is with respect to the resource.
type role int

const (
	holder  role = iota // the acquired value (for a response, the *Response)
	closer              // the value whose Close releases it (resp.Body)
	wrapper             // a reader or writer over it, whose Close does not release it
)

type follower struct {
	notes     int // how many uses were noted as anything but in place
	fset      *token.FileSet
	info      *types.Info
	fn        inspector.Cursor
	kind      *Kind
	summaries Summaries // may be nil
	best      Judgement
	seen      map[*types.Var]bool
	roles     map[*types.Var]role
	// fields are the fields of local struct variables that hold the
	// resource, each stood for by a variable of its own (nil: not
	// followed); fieldOf maps those variables back.
	fields  map[fieldKey]*types.Var
	fieldOf map[*types.Var]fieldKey
	// via is the variable whose use is being classified.
	via *types.Var
	// relocate, when set, holds the positions of the calls of a local
	// function literal whose body holds the use: the use happens there.
	relocate *[]token.Pos
	// global is set while classifying a use whose effect cannot be tied
	// to a place on a path (a capture by a closure that may run at any
	// time, the address taken).
	global bool
}

func (f *follower) note(v Verdict, at ast.Node, format string, args ...any) {
	if f.relocate != nil {
		// A use inside a literal that runs where its variable is called.
		calls := *f.relocate
		f.relocate = nil
		for _, pos := range calls {
			f.note(v, &ast.Ident{NamePos: pos}, format, args...)
		}
		f.relocate = &calls
		if len(calls) == 0 {
			f.notes++ // noted, though it never runs
		}
		return
	}
	f.notes++
	reason := fmt.Sprintf(format, args...)
	switch {
	case v == Closed || v == HandedOn:
		f.best.Releases = append(f.best.Releases, at.Pos())
		if v == HandedOn {
			f.best.HandOffs = append(f.best.HandOffs, at.Pos())
		}
	case v == Unknown && f.global && f.best.Doubt == "":
		f.best.Doubt, f.best.DoubtAt = reason, at.Pos()
	}
	if v != Leaks && !(v == Unknown && f.global) {
		f.best.events = append(f.best.events, event{pos: at.Pos(), via: f.via, verdict: v, reason: reason})
	}
	rank := map[Verdict]int{Leaks: 0, Unknown: 1, HandedOn: 2, Closed: 3}
	if rank[v] > rank[f.best.Verdict] {
		f.best.Verdict, f.best.Reason, f.best.At = v, reason, at.Pos()
	}
}

// declaredInside reports whether v is a local variable of f's function
// (not a named result, not a variable of an enclosing function).
func (f *follower) declaredInside(v *types.Var) bool {
	ftype, body := syntax.FuncParts(f.fn.Node())
	if ftype.Params != nil && ftype.Params.Pos() <= v.Pos() && v.Pos() < ftype.Params.End() {
		return true
	}
	return body != nil && body.Pos() <= v.Pos() && v.Pos() < body.End()
}

// followVar classifies every use of v, a variable that holds the value in
// the given role. def is the identifier of the assignment that gave v the
// value. Other assignments to v are kill events, unless they assign a
// value derived from the resource (body, err = gzip.NewReader(body)),
// which the use on their right records as a gen event.
func (f *follower) followVar(v *types.Var, def *ast.Ident, r role) {
	if f.seen == nil {
		f.seen = map[*types.Var]bool{}
		f.roles = map[*types.Var]role{}
	}
	if f.seen[v] {
		if f.roles[v] != r && r != holder {
			// A variable that holds the closer on some paths and a
			// wrapper on others: a Close through it may not release it.
			f.mixed(v)
		}
		return
	}
	f.seen[v], f.roles[v] = true, r
	f.best.Vars = append(f.best.Vars, v)
	outer := f.via
	defer func() { f.via = outer }()
	for c := range f.fn.Preorder((*ast.Ident)(nil)) {
		id := c.Node().(*ast.Ident)
		if id == def || f.info.Uses[id] != v {
			continue // not a use: another object, or v's declaration
		}
		f.via = v
		switch ek, _ := c.ParentEdge(); ek {
		case edge.AssignStmt_Lhs, edge.ValueSpec_Names:
			f.best.events = append(f.best.events, event{pos: id.Pos(), kill: true, to: v})
			continue
		case edge.RangeStmt_Key, edge.RangeStmt_Value:
			f.global = true
			f.note(Unknown, id, "it is reassigned by a range loop")
			f.global = false
			continue
		}
		f.use(c, r)
	}
}

// mixed notes that v holds the resource in more than one role, so that a
// Close through it cannot be judged.
func (f *follower) mixed(v *types.Var) {
	for _, e := range f.best.events {
		if e.via == v && e.verdict == Closed {
			f.global = true
			f.note(Unknown, ast.NewIdent(v.Name()), "%s holds it and a wrapper of it on different paths", v.Name())
			f.global = false
			return
		}
	}
}

// finish resolves the events once every use is classified: an assignment
// to a holder that a gen event records is no kill, and the first kill of
// the acquisition's own variable is where it is reassigned, but for the
// acquisition's own assignment at def (gr, err := gzip.NewReader(reader),
// where reader comes to hold gr later: outside a loop, only later).
func (f *follower) finish(own *types.Var, def *ast.Ident) {
	gens := map[token.Pos]bool{}
	for _, e := range f.best.events {
		if e.gen {
			gens[e.pos] = true
		}
	}
	f.best.events = slices.DeleteFunc(f.best.events, func(e event) bool { return e.kill && gens[e.pos] })
	slices.SortStableFunc(f.best.events, func(x, y event) int { return cmp.Compare(x.pos, y.pos) })
	for _, e := range f.best.events {
		if (e.kill || e.gen) && e.to == own && own != nil && (def == nil || e.pos != def.Pos()) {
			f.best.Reassigned = e.pos
			break
		}
	}
}

// use classifies one use of the value: c is at an expression that
// evaluates to it, in role r.
func (f *follower) use(c inspector.Cursor, r role) {
	before, notes := f.best.Verdict, f.notes
	switch run, calls := f.literalOf(c); run {
	case runsAtCalls:
		// The use happens at each call of the literal's variable, or
		// never.
		outer := f.relocate
		f.relocate = &calls
		f.useInPlace(c, r)
		f.relocate = outer
	case runsAsGoroutine:
		f.useInPlace(c, r)
		if f.best.Verdict == before && before != Closed {
			f.note(HandedOn, c.Node(), "captured by a goroutine")
		}
	case escapes:
		// Unless it closes the value, the closure may run after the
		// function returns; but a use that stays valid after a close
		// (f.Name(), resp.StatusCode) is no reason to keep it open.
		f.useInPlace(c, r)
		if f.best.Verdict == before && before != Closed && !f.validAfterRelease(c, r) {
			f.global = true
			f.note(Unknown, c.Node(), "it is captured by a function literal")
			f.global = false
		}
	default:
		f.useInPlace(c, r)
	}
	if f.notes == notes {
		f.best.InPlace++
	}
}

func (f *follower) useInPlace(c inspector.Cursor, r role) {
	parent := c.Parent()
	ek, _ := c.ParentEdge()
	switch ek {
	case edge.ParenExpr_X:
		f.useInPlace(parent, r)

	case edge.SelectorExpr_X:
		sel := parent.Node().(*ast.SelectorExpr)
		called := parent.ParentEdgeKind() == edge.CallExpr_Fun
		switch {
		case r == holder && f.kind.Field != "":
			if sel.Sel.Name != f.kind.Field {
				return // other fields and methods (resp.StatusCode) are in-place uses
			}
			if parent.ParentEdgeKind() == edge.AssignStmt_Lhs {
				f.note(Unknown, sel, "its %s is replaced", f.kind.Field)
				return
			}
			f.useInPlace(parent, closer)
		case (sel.Sel.Name == f.kind.ReleaseMethod() || slices.Contains(f.kind.AlsoReleasedBy, sel.Sel.Name)) && r != wrapper:
			if called {
				f.note(Closed, sel, "closed")
			} else {
				f.note(HandedOn, sel, "its %s method is passed on as a value", sel.Sel.Name)
			}
		case called && r != holder && stdlibArgs[syntax.CalleeName(f.info, parent.Parent().Node().(*ast.CallExpr))] == wraps:
			// r.IOReadCloser(): a reader over the receiver.
			f.useWrapper(parent.Parent(), wrapper)
		case !called && f.info.Selections[sel] != nil && f.info.Selections[sel].Kind() == types.MethodVal:
			// A method value (f.Read) carries the value with it.
			f.useInPlace(parent, r)
		}

	case edge.CallExpr_Args:
		f.passed(parent, c, r)

	case edge.CallExpr_Fun:
		if f.kind.Func {
			f.note(Closed, c.Node(), "called") // cancel()
		} else {
			f.note(Unknown, c.Node(), "it is used in a way leakfix does not follow")
		}

	case edge.TypeAssertExpr_X, edge.StarExpr_X:
		// The same value, seen through an interface, or copied from
		// where it points (return *res carries the body).
		f.useInPlace(parent, r)

	case edge.AssignStmt_Rhs:
		as := parent.Node().(*ast.AssignStmt)
		if _, ok := c.Node().(*ast.TypeAssertExpr); ok && len(as.Lhs) == 2 && len(as.Rhs) == 1 {
			f.assigned(as.Lhs[0], c.Node(), r) // v, ok := x.(T)
			return
		}
		if len(as.Lhs) != len(as.Rhs) {
			f.note(Unknown, c.Node(), "it is assigned in a way leakfix does not follow")
			return
		}
		f.assigned(as.Lhs[c.ParentEdgeIndex()], c.Node(), r)

	case edge.ValueSpec_Values:
		vs := parent.Node().(*ast.ValueSpec)
		if len(vs.Names) != len(vs.Values) {
			f.note(Unknown, c.Node(), "it is assigned in a way leakfix does not follow")
			return
		}
		f.assigned(vs.Names[c.ParentEdgeIndex()], c.Node(), r)

	case edge.ReturnStmt_Results:
		f.note(HandedOn, c.Node(), "returned")
	case edge.CompositeLit_Elts, edge.KeyValueExpr_Value:
		f.note(HandedOn, c.Node(), "stored in a composite value")
	case edge.SendStmt_Value:
		f.note(HandedOn, c.Node(), "sent on a channel")
	case edge.BinaryExpr_X, edge.BinaryExpr_Y:
		// A comparison, such as f != nil.
	case edge.UnaryExpr_X:
		f.global = true
		f.note(Unknown, c.Node(), "its address is taken")
		f.global = false
	default:
		f.note(Unknown, c.Node(), "it is used in a way leakfix does not follow")
	}
}

// passed judges the value passed, in role r, as an argument to call.
func (f *follower) passed(call inspector.Cursor, arg inspector.Cursor, r role) {
	ce := call.Node().(*ast.CallExpr)
	if tv, ok := f.info.Types[ce.Fun]; ok && tv.IsType() {
		f.note(Unknown, arg.Node(), "it is converted to %s", types.ExprString(ce.Fun))
		return
	}
	switch call.ParentEdgeKind() {
	case edge.GoStmt_Call:
		f.note(HandedOn, arg.Node(), "passed to a goroutine")
		return
	}
	if lit := f.literalCallee(ce); lit != nil {
		switch f.literalEffect(lit, arg.ParentEdgeIndex()) {
		case takes, closes:
			f.note(Closed, arg.Node(), "passed to a function literal that closes or keeps it")
		case consumes:
		default:
			f.note(Unknown, arg.Node(), "it is passed to a function literal")
		}
		return
	}
	if call.ParentEdgeKind() == edge.DeferStmt_Call {
		if f.learned(ce, arg.ParentEdgeIndex()) == consumes {
			return // a deferred helper that only reads it
		}
		f.note(Closed, arg.Node(), "passed to deferred %s", types.ExprString(ce.Fun))
		return
	}
	if id, ok := ast.Unparen(ce.Fun).(*ast.Ident); ok {
		if _, ok := f.info.Uses[id].(*types.Builtin); ok && id.Name == "append" {
			f.note(HandedOn, arg.Node(), "appended to a slice")
			return
		}
	}
	switch stdlibEffect(f.info, ce, arg.ParentEdgeIndex()) {
	case consumes:
	case wraps:
		f.useWrapper(call, wrapper)
	case embeds:
		f.useWrapper(call, r)
	case takes:
		f.note(HandedOn, arg.Node(), "passed to %s, which takes it over", types.ExprString(ce.Fun))
	default:
		switch f.learned(ce, arg.ParentEdgeIndex()) {
		case closes:
			f.note(Closed, arg.Node(), "passed to %s, which closes it", types.ExprString(ce.Fun))
		case takes:
			f.note(HandedOn, arg.Node(), "passed to %s, which closes or keeps it", types.ExprString(ce.Fun))
		case consumes:
		default:
			f.note(Unknown, arg.Node(), "it is passed to %s", types.ExprString(ce.Fun))
		}
	}
}

// learned returns what the summary of call's callee says it does with its
// argument at index arg: takes it over, consumes it in place, or 0 when
// nothing is known.
func (f *follower) learned(call *ast.CallExpr, arg int) argEffect {
	sum, param, ok := Lookup(f.summaries, f.info, call, arg)
	switch {
	case !ok:
		if fn, ok := typeutil.Callee(f.info, call).(*types.Func); ok {
			_, param, ok := Lookup(SummaryMap{Key(fn): {}}, f.info, call, arg)
			if ok {
				return f.implementationsEffect(fn, param)
			}
		}
		return 0
	case slices.Contains(sum.Closes, param):
		return closes
	case slices.Contains(sum.Takes, param):
		return takes
	case slices.Contains(sum.Borrows, param):
		return consumes
	}
	return 0
}

// useWrapper follows the result of a wrapping call (bufio.NewReader(f)),
// in role r.
func (f *follower) useWrapper(call inspector.Cursor, r role) {
	ek, _ := call.ParentEdge()
	if ek != edge.AssignStmt_Rhs && ek != edge.ValueSpec_Values {
		f.useInPlace(call, r)
		return
	}
	// r, err := gzip.NewReader(f): the reader is the first result.
	var lhs ast.Expr
	switch p := call.Parent().Node().(type) {
	case *ast.AssignStmt:
		lhs = p.Lhs[0]
	case *ast.ValueSpec:
		lhs = p.Names[0]
	}
	f.assigned(lhs, call.Node(), r)
}

// assigned judges the value stored to lhs.
func (f *follower) assigned(lhs ast.Expr, value ast.Node, r role) {
	id, ok := ast.Unparen(lhs).(*ast.Ident)
	if !ok {
		if sel, ok := ast.Unparen(lhs).(*ast.SelectorExpr); ok {
			if v := f.localField(sel); v != nil {
				// st.f = f, st a local struct used only through its
				// fields: the field holds it now too.
				f.best.events = append(f.best.events, event{pos: sel.Sel.Pos(), gen: true, via: f.via, to: v, role: r})
				f.followField(v, sel, r)
				return
			}
		}
		f.note(HandedOn, value, "stored in %s", types.ExprString(lhs))
		return
	}
	if id.Name == "_" {
		return
	}
	v, ok := f.info.ObjectOf(id).(*types.Var)
	if !ok || !f.declaredInside(v) {
		f.note(HandedOn, value, "stored in %s, which outlives the call", id.Name)
		return
	}
	// The path analysis gives v the resource where this assignment runs,
	// on the paths where the variable it comes from holds it.
	f.best.events = append(f.best.events, event{pos: id.Pos(), gen: true, via: f.via, to: v, role: r})
	f.followVar(v, id, r)
}

// Without is the judgement with the uses inside n left out: what the paths
// would be if n released nothing (a defer that a fix removes).
func (j Judgement) Without(n ast.Node) Judgement {
	inside := func(p token.Pos) bool { return n.Pos() <= p && p < n.End() }
	j.Releases = slices.DeleteFunc(slices.Clone(j.Releases), inside)
	j.HandOffs = slices.DeleteFunc(slices.Clone(j.HandOffs), inside)
	j.events = slices.DeleteFunc(slices.Clone(j.events), func(e event) bool { return !e.gen && !e.kill && inside(e.pos) })
	return j
}
