package ownership

import (
	"cmp"
	"go/ast"
	"go/token"
	"go/types"
	"maps"
	"slices"

	"github.com/leakfix/leakfix/internal/syntax"
	"golang.org/x/tools/go/ast/inspector"
)

// An Exit is a place where the function can lose the resource: a return,
// a break or continue that leaves the scope of the variables holding it,
// the end of a block that declares the last of them, or an assignment
// that overwrites the last of them.
type Exit struct {
	// Stmt is the return, break or continue statement, or the statement
	// that overwrites the last variable holding the resource; nil for
	// falling off the end of Scope.
	Stmt ast.Stmt
	// Scope is the block, case clause or comm clause whose end the exit
	// is, when Stmt is nil.
	Scope ast.Node
	// Overwrite is set when Stmt assigns another value to the last
	// variable that held the resource.
	Overwrite bool
	// After is set when the exit is right after Stmt, an if statement
	// whose init declares the last variable holding the resource.
	After bool
	// Open is set when some path reaches the exit with the resource
	// neither closed nor handed on; Released when some path reaches it
	// after the resource was; Doubted when some path reaches it after a
	// use leakfix cannot judge; MaybeNil when some path reaches it where
	// the acquisition failed, and the variable may be nil. Several may be
	// set.
	Open, Released, Doubted, MaybeNil bool
	// Aliased is set when, on some path open there, the acquisition's own
	// variable no longer holds the resource (only an alias does).
	Aliased bool
	// HandedOn is set when some path reaches it after the resource was
	// handed on (returned, stored, sent), not closed: Released is set too.
	HandedOn bool
	// Unchecked is set when some path reaches it open without having
	// checked that the acquisition succeeded: the value may be nil.
	Unchecked bool
	// MaySucceed is set, for a resource the caller owns only where the
	// call failed (Acquirer.OnFailure), when some path reaches the exit
	// open without having checked that the call failed: on success the
	// resource is another's.
	MaySucceed bool
}

// Paths is where a resource goes from its acquisition to every exit of
// its function.
type Paths struct {
	// Exits are in source order; ends of blocks come after the statements
	// in them.
	Exits []*Exit
	// InLoop is set when the acquisition is inside a loop of its function.
	InLoop bool
	// Unfollowed names control flow the analysis does not follow (goto,
	// fallthrough), or is "" when every path was followed.
	Unfollowed string
	// Doubt is the first use, reached on a path where the resource is
	// open, that may close or keep it (as a clause: "it is passed to
	// process"), at DoubtAt; "" when there is none.
	Doubt   string
	DoubtAt token.Pos
	// released is set when some path releases it or hands it on.
	released bool
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

// DoubtfulExits returns the exits that paths reach only after a use
// leakfix cannot judge (Doubt), with the resource neither closed nor
// handed on since. None when some exit after that use is reached after a
// close but no hand-off: closing it on the error path of the doubtful
// call ("if err := p.Start(f); err != nil { f.Close() }") shows that the
// callee keeps it when it succeeds.
func (p *Paths) DoubtfulExits() []*Exit {
	var out []*Exit
	for _, e := range p.Exits {
		switch {
		case e.Released && !e.HandedOn && e.pos() > p.DoubtAt:
			return nil
		case e.Doubted && !e.Released && !e.Open:
			out = append(out, e)
		}
	}
	return out
}

// pos is where the exit is: its statement, or the end of its scope.
func (e *Exit) pos() token.Pos {
	if e.Stmt != nil {
		return e.Stmt.Pos()
	}
	return e.Scope.End()
}

// Released reports whether some path releases the resource or hands it
// on.
func (p *Paths) Released() bool { return p.released }

// Doubted reports whether some path passes the resource where leakfix
// cannot judge what becomes of it.
func (p *Paths) Doubted() bool { return p.Doubt != "" }

// FollowPaths follows the resource of a along every path of its function,
// from the acquisition to every exit. A path releases the resource at a
// close or hand-off only where the variable the use goes through holds
// the resource on that path: "body := resp.Body" makes body hold it,
// "body, err = gzip.NewReader(body)" keeps it held, and any other
// assignment to a variable ends its hold. In the branch of "if err !=
// nil" on the acquisition's error, and of "if v == nil" on a variable
// holding it, nothing is open.
//
// The walk is over the syntax tree, not a control-flow graph: Go's control
// flow is structured but for goto, and fixes must be placed at statements
// (before this return, at the end of this block), which the syntax tree
// keeps and a graph's blocks do not. A path carries a small fact: whether
// the resource is open, which variables hold it, and whether the
// acquisition's error variable still holds its error.
func FollowPaths(info *types.Info, a *Acquisition, j Judgement) (*Paths, bool) {
	if a.Var == nil || a.Stmt == nil {
		return nil, false
	}
	stmt, ok := a.stmtCursor()
	if !ok && !a.inIfInit() {
		return nil, false // not where a statement goes, nor an if's init
	}
	_, body := syntax.FuncParts(a.Func.Node())
	if body == nil {
		return nil, false
	}
	p := &Paths{InLoop: syntax.InLoop(stmt)}
	w := &walker{info: info, sums: j.sums, a: a, events: j.events, exits: map[exitKey]*Exit{}, paths: p, bits: map[*types.Var]uint64{}}
	for _, v := range append([]*types.Var{a.Var}, j.Vars...) {
		if _, ok := w.bits[v]; !ok && len(w.bits) < 64 {
			w.bits[v] = 1 << len(w.bits)
		}
	}
	if len(w.bits) < len(j.Vars) {
		p.Unfollowed = "more variables holding it than leakfix follows"
		return p, true
	}
	w.errKills = errAssignments(info, a)
	w.flag, w.flagSet = acquiredFlag(info, a, stmt)
	end := w.block(body, body.List, state{{}: true})
	w.exitAll(nil, body, end)
	for _, e := range w.exits {
		p.Exits = append(p.Exits, e)
	}
	slices.SortFunc(p.Exits, func(x, y *Exit) int { return cmp.Compare(x.Pos(), y.Pos()) })
	return p, true
}

// Pos is where the exit is: the start of its statement, the end of an
// if statement it follows, or the end of its block.
func (e *Exit) Pos() token.Pos {
	if e.After {
		return e.Stmt.End()
	}
	if e.Stmt != nil {
		return e.Stmt.Pos()
	}
	return e.Scope.End()
}

// errAssignments returns the positions where the acquisition's error
// variable is assigned again, past which "err != nil" says nothing of the
// resource.
func errAssignments(info *types.Info, a *Acquisition) []token.Pos {
	if a.Err == nil {
		return nil
	}
	var out []token.Pos
	_, body := syntax.FuncParts(a.Func.Node())
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			if n == a.Stmt {
				return true
			}
			for _, lhs := range n.Lhs {
				if id, ok := lhs.(*ast.Ident); ok && info.ObjectOf(id) == a.Err {
					out = append(out, id.Pos())
				}
			}
		}
		return true
	})
	return out
}

// A status is where one path stands with the resource.
type status uint8

const (
	// unacquired: before the acquisition, or where it failed and the
	// variable holds nil.
	unacquired status = iota
	open
	// released: closed; handed: handed on to someone else.
	released
	handed
	// doubted: passed where leakfix cannot tell what becomes of it.
	doubted
	// gone: the last variable holding it went out of scope or was
	// overwritten, at an exit already recorded.
	gone
)

// A fact is what one path knows at a point.
type fact struct {
	st status
	// acquired is set once the path has run the acquisition.
	acquired bool
	// holders has a bit for each variable that holds the resource.
	holders uint64
	// errPaired: the acquisition's error variable still holds its error.
	errPaired bool
	// checked: the path has passed a check that the acquisition did not
	// fail (err == nil, v != nil).
	checked bool
	// flagged: the path has set the flag that says the function acquired
	// it (didOpen = true).
	flagged bool
	// failed: the path has passed a check that the acquisition failed
	// (err != nil), for a resource the caller owns only then.
	failed bool
}

// A state is the set of facts the paths reaching a point carry.
type state map[fact]bool

func (s state) union(t state) state {
	if len(t) == 0 {
		return s
	}
	if len(s) == 0 {
		return t
	}
	out := maps.Clone(s)
	maps.Copy(out, t)
	return out
}

// each returns the state made of f applied to every fact of s.
func (s state) each(f func(fact) fact) state {
	out := state{}
	for x := range s {
		y := f(x)
		if y.st != open && y.st != doubted {
			y.holders, y.errPaired, y.checked, y.flagged, y.failed = 0, false, false, false, false // nothing more happens to it
		}
		out[y] = true
	}
	return out
}

// filter returns the facts of s that keep says are possible.
func (s state) filter(keep func(fact) bool) state {
	out := state{}
	for f := range s {
		if keep(f) {
			out[f] = true
		}
	}
	return out
}

// acquiredFlag finds a flag that says whether the function acquired the
// resource: a local bool variable, set to true by a statement of the
// acquisition's block after it, and assigned nowhere else but where it is
// declared (to false, or its zero value).
func acquiredFlag(info *types.Info, a *Acquisition, stmt inspector.Cursor) (*types.Var, ast.Stmt) {
	if !syntax.InStmtList(stmt) {
		return nil, nil
	}
	var flag *types.Var
	var set ast.Stmt
	for c, more := stmt.NextSibling(); more; c, more = c.NextSibling() {
		as, ok := c.Node().(*ast.AssignStmt)
		if !ok || as.Tok != token.ASSIGN || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
			continue
		}
		id, ok := as.Lhs[0].(*ast.Ident)
		v, isVar := info.ObjectOf(id).(*types.Var)
		if !ok || !isVar || !types.Identical(v.Type(), types.Typ[types.Bool]) {
			continue
		}
		if tv := info.Types[as.Rhs[0]]; tv.Value == nil || tv.Value.String() != "true" {
			continue
		}
		flag, set = v, as
		break
	}
	if flag == nil {
		return nil, nil
	}
	// Assigned nowhere else but where it is declared, to false.
	_, body := syntax.FuncParts(a.Func.Node())
	ok := true
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, lhs := range n.Lhs {
				id, isIdent := lhs.(*ast.Ident)
				if !isIdent || info.ObjectOf(id) != flag || n == set {
					continue
				}
				if info.Defs[id] == nil || len(n.Rhs) != len(n.Lhs) {
					ok = false
				} else if tv := info.Types[n.Rhs[i]]; tv.Value == nil || tv.Value.String() != "false" {
					ok = false
				}
			}
		case *ast.UnaryExpr:
			if id, isIdent := n.X.(*ast.Ident); isIdent && n.Op == token.AND && info.Uses[id] == flag {
				ok = false
			}
		}
		return ok
	})
	if !ok || flag.Pos() > a.Stmt.Pos() {
		return nil, nil // or declared after it
	}
	return flag, set
}

// A target is a statement that break or continue statements may jump to.
type target struct {
	stmt              ast.Stmt
	label             string
	loop              bool
	breaks, continues state
}

type exitKey struct {
	stmt  ast.Stmt
	scope ast.Node
	after bool // right after stmt
}

type walker struct {
	info     *types.Info
	sums     Summaries
	a        *Acquisition
	events   []event
	errKills []token.Pos
	// flag is a local bool that the function sets right after the
	// acquisition, at flagSet, and never otherwise, so that "if flag"
	// says whether it acquired the resource (nats-server's didOpen).
	flag    *types.Var
	flagSet ast.Stmt
	bits    map[*types.Var]uint64
	exits   map[exitKey]*Exit
	paths   *Paths
	targets []*target
	label   string   // of the labeled statement being entered
	cur     ast.Stmt // the statement of a statement list being walked
}

func (w *walker) bit(v *types.Var) uint64 { return w.bits[v] }

// record notes that the facts of st reach the exit. Paths that have not
// acquired the resource count only where an acquired one reaches it too:
// there, the variable may be nil or hold another value.
func (w *walker) record(k exitKey, st state, overwrite bool) {
	reached := false
	for f := range st {
		reached = reached || f.acquired && f.st != gone
	}
	if !reached {
		return
	}
	e := w.exits[k]
	if e == nil {
		e = &Exit{Stmt: k.stmt, Scope: k.scope, Overwrite: overwrite, After: k.after}
		w.exits[k] = e
	}
	for f := range st {
		switch f.st {
		case open:
			e.Open = true
			e.Aliased = e.Aliased || f.holders&w.bit(w.a.Var) == 0
			e.Unchecked = e.Unchecked || !f.checked
			e.MaySucceed = e.MaySucceed || w.a.Acquirer.OnFailure && !f.failed
		case released:
			e.Released = true
		case handed:
			e.Released, e.HandedOn = true, true
		case doubted:
			e.Doubted = true
		case unacquired:
			e.MaybeNil = true
		}
	}
}

// exitAll records the facts of st at an exit where every variable dies:
// a return, or the end of the function.
func (w *walker) exitAll(s ast.Stmt, scope ast.Node, st state) {
	w.record(exitKey{stmt: s, scope: scope}, st, false)
}

// drop ends the hold of the variables declared in scope (those whose
// scope is inside the node), for the facts of st leaving it; where the
// last holder goes, the resource is lost at the exit k.
func (w *walker) drop(st state, inside ast.Node, k exitKey) state {
	var dying uint64
	for v, b := range w.bits {
		if inside.Pos() <= v.Pos() && v.Pos() < inside.End() {
			dying |= b
		}
	}
	if dying == 0 {
		return st
	}
	var lost state
	out := st.each(func(f fact) fact {
		if f.st == open && f.holders&dying != 0 {
			g := f
			f.holders &^= dying
			if f.holders == 0 {
				if lost == nil {
					lost = state{}
				}
				lost[g] = true
				f.st = gone
			}
		}
		return f
	})
	if len(lost) > 0 {
		// A release placed here runs on every path through here: those
		// where the resource is released already, or not acquired, count.
		for f := range st {
			if f.st != open {
				lost[f] = true
			}
		}
		w.record(k, lost, false)
	}
	return out
}

// apply runs the events inside n on each fact of st: first the uses, on
// the facts where the variable they go through holds the resource, then
// the assignments; and the acquisition itself when n is its statement.
func (w *walker) apply(n ast.Node, st state) state {
	if n == nil {
		return st
	}
	lo, hi := n.Pos(), n.End()
	first, _ := slices.BinarySearchFunc(w.events, lo, func(e event, p token.Pos) int { return cmp.Compare(e.pos, p) })
	var evs []event
	for i := first; i < len(w.events) && w.events[i].pos < hi; i++ {
		evs = append(evs, w.events[i])
	}
	acquires := n == ast.Node(w.a.Stmt)
	killsErr := slices.ContainsFunc(w.errKills, func(p token.Pos) bool { return lo <= p && p < hi })
	flags := w.flagSet != nil && n == ast.Node(w.flagSet)
	if len(evs) == 0 && !acquires && !killsErr && !flags {
		return st
	}
	var overwritten state
	out := st.each(func(f fact) fact {
		pre := f.holders
		holds := func(v *types.Var) bool { return v == nil || pre&w.bit(v) != 0 }
		for _, e := range evs {
			if e.gen || e.kill || f.st != open && f.st != doubted || !holds(e.via) {
				continue
			}
			switch e.verdict {
			case Closed, HandedOn:
				// Also after a doubtful use: releasing it later shows
				// the function still owned it.
				f.st = released
				if e.verdict == HandedOn {
					f.st = handed
				}
				w.paths.released = true
			case Unknown:
				f.st = doubted
				if w.paths.Doubt == "" {
					w.paths.Doubt, w.paths.DoubtAt = e.reason, e.pos
				}
			}
		}
		if f.st == open || f.st == doubted {
			for _, e := range evs {
				switch {
				case e.gen && holds(e.via):
					f.holders |= w.bit(e.to)
				case e.gen, e.kill:
					f.holders &^= w.bit(e.to)
				}
			}
			if acquires {
				f.holders &^= w.bit(w.a.Var)
			}
			if f.holders == 0 {
				// The last variable holding it now holds another value.
				if overwritten == nil {
					overwritten = state{}
				}
				g := f
				g.holders = pre
				overwritten[g] = true
				f.st = gone
			}
		}
		if killsErr {
			f.errPaired = false
		}
		if flags && f.st == open {
			f.flagged = true
		}
		if acquires {
			f = fact{st: open, acquired: true, holders: w.bit(w.a.Var), errPaired: w.a.Err != nil, checked: w.a.Acquirer.NonNil}
		}
		return f
	})
	if len(overwritten) > 0 {
		if w.cur == nil {
			w.paths.Unfollowed = "an assignment leakfix cannot put code before"
		} else {
			// Where the variable may still be nil, or the resource is
			// released already, no release can go before the assignment.
			for f := range st {
				if f.st != open {
					overwritten[f] = true
				}
			}
			w.record(exitKey{stmt: w.cur}, overwritten, true)
		}
	}
	return out
}

// block walks the statement list of a block, case clause or comm clause,
// and ends the hold of the variables it declares where control falls off
// its end.
func (w *walker) block(scope ast.Node, stmts []ast.Stmt, st state) state {
	for _, s := range stmts {
		st = w.stmt(s, st)
	}
	return w.drop(st, scope, exitKey{scope: scope})
}

// stmt returns the facts with which control flows from s to the
// statement after it (empty when it never does).
func (w *walker) stmt(s ast.Stmt, in state) state {
	if len(in) == 0 {
		return nil
	}
	label := w.label
	w.label = ""
	outer := w.cur
	w.cur = s
	defer func() { w.cur = outer }()
	switch s := s.(type) {
	case *ast.ReturnStmt:
		w.exitAll(s, nil, w.apply(s, in))
		return nil

	case *ast.BranchStmt:
		switch s.Tok {
		case token.GOTO, token.FALLTHROUGH:
			w.paths.Unfollowed = s.Tok.String()
			return nil
		}
		t := w.target(s)
		if t == nil {
			w.paths.Unfollowed = "a branch leakfix cannot resolve"
			return nil
		}
		// Leaving the statements between here and the target ends the
		// hold of the variables declared in them.
		var inside ast.Node = t.stmt
		if s.Tok == token.CONTINUE {
			inside = syntax.LoopBody(t.stmt)
		}
		st := w.drop(in, inside, exitKey{stmt: s})
		if s.Tok == token.BREAK {
			t.breaks = t.breaks.union(st)
		} else {
			t.continues = t.continues.union(st)
		}
		return nil

	case *ast.LabeledStmt:
		w.label = s.Label.Name
		return w.stmt(s.Stmt, in)

	case *ast.BlockStmt:
		return w.block(s, s.List, in)

	case *ast.IfStmt:
		st := w.apply(s.Cond, w.apply(s.Init, in))
		thenSt, elseSt := w.branches(s.Cond, st)
		// Variables of the init die with the statement: at the end of
		// each branch, where nothing after can use them any more.
		dieAfter := func(st state, branch ast.Stmt) state {
			if s.Init == nil {
				return st
			}
			if b, ok := branch.(*ast.BlockStmt); ok {
				return w.drop(st, s.Init, exitKey{scope: b})
			}
			return w.drop(st, s.Init, exitKey{stmt: s, after: true})
		}
		out := dieAfter(w.block(s.Body, s.Body.List, thenSt), s.Body)
		if s.Else != nil {
			return out.union(dieAfter(w.stmt(s.Else, elseSt), s.Else))
		}
		return out.union(dieAfter(elseSt, nil))

	case *ast.ForStmt:
		t := w.push(s, label, true)
		defer w.pop()
		entry := w.apply(s.Init, in)
		for {
			head := w.apply(s.Cond, entry)
			body := w.block(s.Body, s.Body.List, head).union(t.continues)
			w.cur = nil // code cannot go before a post statement
			next := entry.union(w.apply(s.Post, body))
			w.cur = s
			if len(next) == len(entry) {
				break
			}
			entry = next
		}
		out := t.breaks
		if s.Cond != nil {
			out = out.union(w.apply(s.Cond, entry))
		}
		return out

	case *ast.RangeStmt:
		t := w.push(s, label, true)
		defer w.pop()
		entry := w.apply(s.X, in)
		for {
			next := entry.union(w.block(s.Body, s.Body.List, entry)).union(t.continues)
			if len(next) == len(entry) {
				break
			}
			entry = next
		}
		return entry.union(t.breaks)

	case *ast.SwitchStmt:
		t := w.push(s, label, false)
		defer w.pop()
		st := w.apply(s.Tag, w.apply(s.Init, in))
		if s.Tag == nil {
			return w.conditions(s.Body, st, t)
		}
		return w.clauses(s.Body, st, t)

	case *ast.TypeSwitchStmt:
		t := w.push(s, label, false)
		defer w.pop()
		return w.clauses(s.Body, w.apply(s.Assign, w.apply(s.Init, in)), t)

	case *ast.SelectStmt:
		t := w.push(s, label, false)
		defer w.pop()
		var out state
		for _, c := range s.Body.List {
			cc := c.(*ast.CommClause)
			out = out.union(w.block(cc, cc.Body, w.apply(cc.Comm, in)))
		}
		return out.union(t.breaks)

	case *ast.ExprStmt:
		if syntax.Terminates(w.info, s) {
			return nil // a panic or exit: a deferred close is the only kind that would run
		}
		st := w.apply(s, in)
		if w.a.Err != nil && ChecksError(w.info, s, w.a.Err, w.sums) {
			// require.NoError(t, err): past it, the acquisition succeeded.
			st = st.each(w.succeeded)
		}
		return st
	}
	// Assignments, declarations, defer, go, send, inc/dec: simple statements.
	return w.apply(s, in)
}

// branches splits st between the two branches of an if on cond: where the
// acquisition's error is not nil, or a variable holding the resource is
// nil, nothing is open.
func (w *walker) branches(cond ast.Expr, st state) (thenSt, elseSt state) {
	if id, ok := ast.Unparen(cond).(*ast.Ident); ok && w.flag != nil && w.info.Uses[id] == w.flag {
		// if didOpen: false on no path that set it; true on none that
		// did not.
		return st.filter(func(f fact) bool { return f.flagged || f.st != open }),
			st.filter(func(f fact) bool { return !f.flagged })
	}
	switch c := ast.Unparen(cond).(type) {
	case *ast.UnaryExpr:
		if c.Op == token.NOT {
			t, e := w.branches(c.X, st)
			return e, t
		}
		return st, st
	case *ast.CallExpr:
		// os.IsNotExist(err), errors.Is(err, ...): true only when err is
		// not nil; assert.NoError(t, err): true only when it is nil.
		name := syntax.CalleeName(w.info, c)
		if w.a.Err == nil || !impliesError[name] && !assertsNoError[name] || !slices.ContainsFunc(c.Args, func(e ast.Expr) bool {
			id, ok := ast.Unparen(e).(*ast.Ident)
			return ok && w.info.Uses[id] == w.a.Err
		}) {
			return st, st
		}
		nilSide := st.each(w.failed)
		if assertsNoError[name] {
			return st.each(w.succeeded), nilSide
		}
		return nilSide, st
	case *ast.BinaryExpr:
		switch c.Op {
		case token.LAND:
			tx, ex := w.branches(c.X, st)
			ty, ey := w.branches(c.Y, tx)
			return ty, ex.union(ey)
		case token.LOR:
			tx, ex := w.branches(c.X, st)
			ty, ey := w.branches(c.Y, ex)
			return tx.union(ty), ey
		}
	}
	b, ok := ast.Unparen(cond).(*ast.BinaryExpr)
	if !ok || b.Op != token.EQL && b.Op != token.NEQ {
		return st, st
	}
	x, y := ast.Unparen(b.X), ast.Unparen(b.Y)
	if syntax.IsNil(w.info, x) {
		x, y = y, x
	}
	if sel, ok := x.(*ast.SelectorExpr); ok && w.a.Acquirer.Kind.Field != "" && sel.Sel.Name == w.a.Acquirer.Kind.Field {
		x = ast.Unparen(sel.X) // resp.Body != nil says what resp != nil does
	}
	id, ok := x.(*ast.Ident)
	if !ok || !syntax.IsNil(w.info, y) {
		return st, st
	}
	v, _ := w.info.Uses[id].(*types.Var)
	isErr := v != nil && v == w.a.Err
	bit := w.bit(v)
	if v == nil || !isErr && bit == 0 {
		return st, st
	}
	// nilSide is the state where the tested variable says the resource
	// is not there: err != nil, or v == nil.
	nothing := func(f fact) fact {
		if isErr {
			return w.failed(f)
		}
		if f.st == open && f.holders&bit != 0 {
			f.st = unacquired
		}
		return f
	}
	something := func(f fact) fact {
		if isErr {
			return w.succeeded(f)
		}
		if f.st == open && f.holders&bit != 0 {
			f.checked = true
		}
		return f
	}
	nilSide, valueSide := st.each(nothing), st.each(something)
	if isErr == (b.Op == token.NEQ) {
		return nilSide, valueSide
	}
	return valueSide, nilSide
}

// failed is f where the acquisition's error is known not to be nil: for
// most acquirers, nothing was acquired; for one whose resource is the
// caller's only when it fails (a handshake's response), it stays open,
// and may be nil.
func (w *walker) failed(f fact) fact {
	switch {
	case f.st != open || !f.errPaired:
	case w.a.Acquirer.OnFailure:
		f.failed = true
	default:
		f.st = unacquired
	}
	return f
}

// succeeded is f where the acquisition's error is known to be nil: the
// value is there; or, for a resource the caller owns only on failure, it
// belongs to what the call returned beside it (the connection).
func (w *walker) succeeded(f fact) fact {
	switch {
	case f.st != open || !f.errPaired:
	case w.a.Acquirer.OnFailure:
		f.st = handed
	default:
		f.checked = true
	}
	return f
}

// assertsNoError lists the checks that report whether their error
// argument is nil: "if !assert.NoError(t, err) { return }".
var assertsNoError = map[string]bool{
	"github.com/stretchr/testify/assert.NoError":               true,
	"github.com/stretchr/testify/assert.Nil":                   true,
	"(*github.com/stretchr/testify/assert.Assertions).NoError": true,
	"(*github.com/stretchr/testify/assert.Assertions).Nil":     true,
}

// impliesError lists predicates on an error that hold only for a non-nil
// error.
var impliesError = map[string]bool{
	"os.IsNotExist": true, "os.IsExist": true, "os.IsPermission": true, "os.IsTimeout": true,
	"errors.Is": true, "errors.As": true,
}

// clauses walks the case clauses of a switch.
func (w *walker) clauses(body *ast.BlockStmt, in state, t *target) state {
	var out state
	hasDefault := false
	for _, c := range body.List {
		cc := c.(*ast.CaseClause)
		st := in
		for _, e := range cc.List {
			st = w.apply(e, st)
		}
		hasDefault = hasDefault || cc.List == nil
		out = out.union(w.block(cc, cc.Body, st))
	}
	if !hasDefault {
		out = out.union(in)
	}
	return out.union(t.breaks)
}

// conditions walks the case clauses of a switch without a tag, each
// entered where its conditions hold and the earlier ones' do not.
func (w *walker) conditions(body *ast.BlockStmt, in state, t *target) state {
	var out, deflt state
	var deflClause *ast.CaseClause
	rest := in
	for _, c := range body.List {
		cc := c.(*ast.CaseClause)
		if cc.List == nil {
			deflClause = cc
			continue
		}
		var enter state
		for _, e := range cc.List {
			rest = w.apply(e, rest)
			th, el := w.branches(e, rest)
			enter, rest = enter.union(th), el
		}
		out = out.union(w.block(cc, cc.Body, enter))
	}
	if deflClause != nil {
		deflt = w.block(deflClause, deflClause.Body, rest)
	} else {
		deflt = rest
	}
	return out.union(deflt).union(t.breaks)
}

func (w *walker) push(s ast.Stmt, label string, loop bool) *target {
	t := &target{stmt: s, label: label, loop: loop}
	w.targets = append(w.targets, t)
	return t
}

func (w *walker) pop() { w.targets = w.targets[:len(w.targets)-1] }

// target finds the statement that a break or continue jumps to.
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
