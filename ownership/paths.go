package ownership

import (
	"cmp"
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ast/inspector"
)

// An Exit is a place where control leaves the scope of the variable that
// holds a resource: a return, a break or continue that leaves the scope,
// or the end of the scope's statement list.
type Exit struct {
	// Stmt is the return, break or continue statement; nil for falling off
	// the end of the scope.
	Stmt ast.Stmt
	// Open is set when some path reaches the exit with the resource
	// neither closed nor handed on; Released when some path reaches it
	// after the resource was. Both may be set.
	Open, Released bool
}

// Paths is where a resource goes from the point where it is live (after
// its error check) to every exit from its scope.
type Paths struct {
	// Scope is the *ast.BlockStmt, *ast.CaseClause or *ast.CommClause whose
	// statement list holds the acquisition and declares its variable.
	Scope ast.Node
	// Exits are in source order; the end of the scope, if reachable,
	// comes last.
	Exits []*Exit
	// InLoop is set when the scope is inside a loop of its function, so
	// that its end is the end of an iteration.
	InLoop bool
	// Unfollowed names control flow the analysis does not follow (goto,
	// fallthrough), or is "" when every path was followed.
	Unfollowed string
}

// OpenExits returns the exits that some path reaches with the resource
// still open.
func (p *Paths) OpenExits() []*Exit {
	var out []*Exit
	for _, e := range p.Exits {
		if e.Open {
			out = append(out, e)
		}
	}
	return out
}

// FollowPaths follows the resource of a along every path from the
// statement live (the acquisition, its error check or the defers right
// after it) to the exits from its scope. A path releases the resource at
// the first statement that holds one of the judgement's releases (a close,
// or a hand-on such as a store or a return of the value).
//
// The walk is over the syntax tree, not a control-flow graph: Go's control
// flow is structured but for goto, a path carries a single bit (open or
// released) that only ever goes from open to released, and fixes must be
// placed at statements (before this return, at the end of this block),
// which the syntax tree keeps and a graph's blocks do not.
func FollowPaths(info *types.Info, a *Acquisition, live ast.Stmt, j Judgement) *Paths {
	p, _ := FollowPathsFrom(info, a, live, j)
	return p
}

// FollowPathsFrom is FollowPaths from any statement of the acquisition's
// block; it reports false when from is not one, or when the acquisition
// does not declare its variable (which may then outlive the block).
func FollowPathsFrom(info *types.Info, a *Acquisition, from ast.Stmt, j Judgement) (*Paths, bool) {
	if !a.Declares {
		return nil, false
	}
	stmt, _ := a.stmtCursor()
	scope := stmt.Parent()
	list := StmtList(scope.Node())
	start := slices.Index(list, from)
	if start < 0 {
		return nil, false
	}
	p := &Paths{Scope: scope.Node(), InLoop: InLoopOf(scope, a.Func)}
	w := &walker{info: info, releases: j.Releases, exits: map[ast.Stmt]*Exit{}, paths: p, vars: map[types.Object]bool{}}
	for _, v := range j.Vars {
		w.vars[v] = true
	}
	if end := w.list(list[start+1:], open); end != 0 {
		w.exit(nil, end)
	}
	for _, e := range w.exits {
		p.Exits = append(p.Exits, e)
	}
	slices.SortFunc(p.Exits, func(x, y *Exit) int {
		switch {
		case x.Stmt == nil:
			return 1
		case y.Stmt == nil:
			return -1
		}
		return cmp.Compare(x.Stmt.Pos(), y.Stmt.Pos())
	})
	return p, true
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

// InLoop reports whether the acquisition is inside a loop of its function.
func InLoop(a *Acquisition) bool { return InLoopOf(a.Cursor, a.Func) }

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

// Loop returns the innermost loop of its function that the acquisition is
// in.
func Loop(a *Acquisition) (inspector.Cursor, bool) {
	for e := range a.Cursor.Enclosing((*ast.ForStmt)(nil), (*ast.RangeStmt)(nil), (*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		switch e.Node().(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			return e, true
		}
		break
	}
	return inspector.Cursor{}, false
}

// InLoopOf reports whether c is inside a for or range statement of the
// function fn.
func InLoopOf(c, fn inspector.Cursor) bool {
	for e := range c.Enclosing((*ast.ForStmt)(nil), (*ast.RangeStmt)(nil), (*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		switch e.Node().(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			return true
		default:
			return false
		}
	}
	return false
}

// A state is the set of conditions paths reach a point in: the resource
// still open, or already released.
type state uint8

const (
	open state = 1 << iota
	released
)

// A target is a statement that break or continue statements inside the
// scope may jump to.
type target struct {
	stmt              ast.Stmt
	label             string
	loop              bool
	breaks, continues state
}

type walker struct {
	info     *types.Info
	releases []token.Pos
	exits    map[ast.Stmt]*Exit
	paths    *Paths
	targets  []*target
	label    string // of the labeled statement being entered
	vars     map[types.Object]bool
}

func (w *walker) exit(s ast.Stmt, st state) {
	e := w.exits[s]
	if e == nil {
		e = &Exit{Stmt: s}
		w.exits[s] = e
	}
	e.Open = e.Open || st&open != 0
	e.Released = e.Released || st&released != 0
}

// apply moves the open paths to released when n holds a release.
func (w *walker) apply(n ast.Node, st state) state {
	if n == nil || st&open == 0 {
		return st
	}
	for _, pos := range w.releases {
		if n.Pos() <= pos && pos < n.End() {
			return st&^open | released
		}
	}
	return st
}

func (w *walker) list(stmts []ast.Stmt, st state) state {
	for _, s := range stmts {
		st = w.stmt(s, st)
	}
	return st
}

// stmt returns the states in which control flows from s to the statement
// after it (0 when it never does).
func (w *walker) stmt(s ast.Stmt, in state) state {
	if in == 0 {
		return 0
	}
	label := w.label
	w.label = ""
	switch s := s.(type) {
	case *ast.ReturnStmt:
		w.exit(s, w.apply(s, in))
		return 0

	case *ast.BranchStmt:
		switch s.Tok {
		case token.GOTO, token.FALLTHROUGH:
			w.paths.Unfollowed = s.Tok.String()
			return 0
		}
		t := w.target(s)
		switch {
		case t == nil:
			w.exit(s, in) // it leaves the scope
		case s.Tok == token.BREAK:
			t.breaks |= in
		default:
			t.continues |= in
		}
		return 0

	case *ast.LabeledStmt:
		w.label = s.Label.Name
		return w.stmt(s.Stmt, in)

	case *ast.BlockStmt:
		return w.list(s.List, in)

	case *ast.IfStmt:
		st := w.apply(s.Cond, w.apply(s.Init, in))
		// In a branch where the resource's variable is nil there is
		// nothing to release.
		thenSt, elseSt := st, st
		switch w.nilTest(s.Cond) {
		case token.EQL:
			thenSt = w.nothingOpen(st)
		case token.NEQ:
			elseSt = w.nothingOpen(st)
		}
		out := w.list(s.Body.List, thenSt)
		if s.Else != nil {
			return out | w.stmt(s.Else, elseSt)
		}
		return out | elseSt

	case *ast.ForStmt:
		t := w.push(s, label, true)
		defer w.pop()
		entry := w.apply(s.Init, in)
		for {
			head := w.apply(s.Cond, entry)
			next := entry | w.apply(s.Post, w.list(s.Body.List, head)|t.continues)
			if next == entry {
				break
			}
			entry = next
		}
		out := t.breaks
		if s.Cond != nil {
			out |= w.apply(s.Cond, entry)
		}
		return out

	case *ast.RangeStmt:
		t := w.push(s, label, true)
		defer w.pop()
		entry := w.apply(s.X, in)
		for {
			next := entry | w.list(s.Body.List, entry) | t.continues
			if next == entry {
				break
			}
			entry = next
		}
		return entry | t.breaks

	case *ast.SwitchStmt:
		t := w.push(s, label, false)
		defer w.pop()
		return w.clauses(s.Body, w.apply(s.Tag, w.apply(s.Init, in)), t)

	case *ast.TypeSwitchStmt:
		t := w.push(s, label, false)
		defer w.pop()
		return w.clauses(s.Body, w.apply(s.Assign, w.apply(s.Init, in)), t)

	case *ast.SelectStmt:
		t := w.push(s, label, false)
		defer w.pop()
		out := t.breaks
		for _, c := range s.Body.List {
			cc := c.(*ast.CommClause)
			out |= w.list(cc.Body, w.apply(cc.Comm, in))
		}
		return out | t.breaks

	case *ast.ExprStmt:
		if Terminates(w.info, s) {
			return 0 // a panic or exit: a deferred close is the only kind that would run
		}
		return w.apply(s, in)
	}
	// Assignments, declarations, defer, go, send, inc/dec: simple statements.
	return w.apply(s, in)
}

// nilTest returns token.EQL for a condition "v == nil" and token.NEQ for
// "v != nil", v holding the resource, and token.ILLEGAL otherwise.
func (w *walker) nilTest(cond ast.Expr) token.Token {
	b, ok := ast.Unparen(cond).(*ast.BinaryExpr)
	if !ok || b.Op != token.EQL && b.Op != token.NEQ {
		return token.ILLEGAL
	}
	isNil := func(e ast.Expr) bool {
		id, ok := ast.Unparen(e).(*ast.Ident)
		return ok && w.info.Uses[id] == types.Universe.Lookup("nil")
	}
	holds := func(e ast.Expr) bool {
		id, ok := ast.Unparen(e).(*ast.Ident)
		return ok && w.vars[w.info.Uses[id]]
	}
	if holds(b.X) && isNil(b.Y) || isNil(b.X) && holds(b.Y) {
		return b.Op
	}
	return token.ILLEGAL
}

// nothingOpen is st with the open paths counted as released: where the
// variable is nil, nothing leaks.
func (w *walker) nothingOpen(st state) state {
	if st&open != 0 {
		return st&^open | released
	}
	return st
}

// clauses walks the case clauses of a switch.
func (w *walker) clauses(body *ast.BlockStmt, in state, t *target) state {
	out := state(0)
	hasDefault := false
	for _, c := range body.List {
		cc := c.(*ast.CaseClause)
		st := in
		for _, e := range cc.List {
			st = w.apply(e, st)
		}
		hasDefault = hasDefault || cc.List == nil
		out |= w.list(cc.Body, st)
	}
	if !hasDefault {
		out |= in
	}
	return out | t.breaks
}

func (w *walker) push(s ast.Stmt, label string, loop bool) *target {
	t := &target{stmt: s, label: label, loop: loop}
	w.targets = append(w.targets, t)
	return t
}

func (w *walker) pop() { w.targets = w.targets[:len(w.targets)-1] }

// target finds the statement inside the scope that a break or continue
// jumps to, or nil when it leaves the scope.
func (w *walker) target(s *ast.BranchStmt) *target {
	for i := len(w.targets) - 1; i >= 0; i-- {
		t := w.targets[i]
		switch {
		case s.Label != nil:
			if t.label == s.Label.Name {
				return t
			}
		case s.Tok == token.CONTINUE:
			if t.loop {
				return t
			}
		default:
			return t
		}
	}
	return nil
}
