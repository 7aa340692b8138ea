package rules

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"github.com/leakfix/leakfix/fix"
	"github.com/leakfix/leakfix/internal/syntax"
	"github.com/leakfix/leakfix/ownership"
)

// UnflushedWriter finds buffered writers whose Flush does not run where
// the function succeeds.
var UnflushedWriter = &Rule{
	Name:    "unflushed-writer",
	Summary: "a bufio.Writer, csv.Writer or tabwriter.Writer that is not flushed before the function succeeds",
	Doc: `A writer from bufio.NewWriter, bufio.NewWriterSize, csv.NewWriter,
tabwriter.NewWriter or (*tabwriter.Writer).Init holds what is written to it
until Flush (for a csv.Writer, also WriteAll); without it the last buffer
never reaches the file or connection under it, and no error says so.

Reported where some path leaves the function, without a Flush, by a
return of nil or no error (a return of a non-nil error loses nothing that
was meant to land), by a break or continue that leaves the writer's scope,
or by the end of its block. A writer flushed on some paths is judged on
the paths that never flush it: writes after a flush are not followed. A
writer returned, stored or handed on is its new owner's job; one passed to
a helper of the program that flushes it is flushed.

Fix: in a function that returns an error, the flush's error reaches the
caller at each such return ("return nil" becomes "return w.Flush()",
"return err" is split into "if err != nil { return err }" and "return
w.Flush()", and other returns get "if err := w.Flush(); err != nil {
return ..., err }" before them). In a function that returns no error,
"defer w.Flush()" right after the writer is made, when the writer under
it is not read or released later in the function; otherwise "w.Flush()"
before each exit.

Not reported: a writer that is never written to, and one whose output no
one can read (over new(bytes.Buffer), io.Discard, or a local buffer that
nothing reads after the writer is made).

Reported without a fix: the writer under it used (closed, read, handed to
http.NewRequest) between the writes and such an exit, a call after the
last write and before the exit (it may read the output through something
leakfix does not see: a closure that opens the file, an upload), a return
that may fail or succeed among several results, returns whose other
results leakfix cannot spell the zero values of, a writer over its own
variable's old value (w = bufio.NewWriter(w)), and the shapes
missing-close cannot fix.

Example:

	w := bufio.NewWriter(f)
	for _, line := range lines {
		fmt.Fprintln(w, line)
	}
	return w.Flush() // was: return nil`,
	Run: func(pass *Pass) {
		runReleases(pass, func(k *ownership.Kind) bool { return k.Queues && k.ReleaseMethod() == "Flush" })
	},
}

// queuedLoss says what is lost when a queued writer is not released.
func queuedLoss(k *ownership.Kind) string {
	if k.ReleaseMethod() == "Flush" {
		return "what is buffered in it never reaches the writer under it"
	}
	return "its output is never finished, and readers of it fail"
}

// mustLand keeps the exits that a queued writer's writes must have
// reached the writer under it by, or where a resource that holds only
// memory must be released: those that succeed. A return of a non-nil
// error loses nothing meant to land; and at an exit that some path
// reaches after a flush, what is open is only what was written since,
// which leakfix does not follow.
func mustLand(pass *Pass, a *ownership.Acquisition, leaks []*ownership.Exit) []*ownership.Exit {
	er := errorResultOf(pass, a.Func.Node())
	var out []*ownership.Exit
	for _, e := range leaks {
		if e.Released && !e.Doubted || e.Overwrite && a.Acquirer.Kind.MemoryOnly {
			continue // (memory that is overwritten is the collector's)
		}
		if e.Stmt != nil && !e.Overwrite && fails(pass, e.Stmt, er) {
			continue
		}
		out = append(out, e)
	}
	return out
}

// fails reports whether the exit s leaves after a failure: in a function
// with an error result, a return of errors.New or fmt.Errorf, of a
// package-level error variable (io.ErrUnexpectedEOF), or of an expression
// of a variable that an enclosing "if v != nil" found not nil (a bare
// return, of the named error result); any return, break or continue
// inside "if err != nil" on an error variable, in a function without one;
// and any exit from an if body that reports the failure (t.Errorf,
// log.Printf).
func fails(pass *Pass, s ast.Stmt, er *errorResult) bool {
	// returned says whether the return's error is, or is made of, v;
	// nil for exits that return no error.
	var returned func(v *types.Var) bool
	if ret, ok := s.(*ast.ReturnStmt); ok && er != nil {
		if len(ret.Results) == 0 {
			if er.obj == nil {
				return false
			}
			returned = func(v *types.Var) bool { return v == er.obj }
		} else {
			if len(ret.Results) != er.sig.Results().Len() {
				return false // a call returning all results
			}
			last := ast.Unparen(ret.Results[len(ret.Results)-1])
			if call, ok := last.(*ast.CallExpr); ok {
				switch syntax.CalleeName(pass.Info, call) {
				case "errors.New", "fmt.Errorf":
					return true
				}
			}
			if v := varOf(pass.Info, last); v != nil && v.Pkg() != nil && v.Parent() == v.Pkg().Scope() {
				return true // a sentinel error
			}
			returned = func(v *types.Var) bool { return syntax.Uses(pass.Info, last, v) }
		}
	}
	c, ok := pass.Inspector.Root().FindNode(s)
	if !ok {
		return false
	}
	for ifc := range c.Enclosing((*ast.IfStmt)(nil), (*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		is, ok := ifc.Node().(*ast.IfStmt)
		if !ok {
			break // the function's own ifs only
		}
		if s.Pos() < is.Body.Pos() || s.End() > is.Body.End() {
			continue // in the else branch
		}
		if reportsFailure(pass.Info, is.Body) {
			return true
		}
		for _, v := range notNil(pass.Info, is.Cond) {
			switch {
			case returned != nil && returned(v),
				returned == nil && syntax.IsError(v.Type()):
				return true
			}
		}
	}
	return false
}

// reportsFailure reports whether the block calls a test's Error or
// Errorf, or a log function, directly: the path it is on has failed.
func reportsFailure(info *types.Info, b *ast.BlockStmt) bool {
	for _, s := range b.List {
		es, ok := s.(*ast.ExprStmt)
		if !ok {
			continue
		}
		call, ok := ast.Unparen(es.X).(*ast.CallExpr)
		if !ok {
			continue
		}
		switch syntax.CalleeName(info, call) {
		case "(*testing.common).Error", "(*testing.common).Errorf", "(testing.TB).Error", "(testing.TB).Errorf",
			"log.Print", "log.Printf", "log.Println", "(*log.Logger).Print", "(*log.Logger).Printf", "(*log.Logger).Println":
			return true
		}
	}
	return false
}

// nothingToLose reports whether no one can read what the writer of a
// writes: it is never written to, or what it writes to is a fresh value
// no variable holds (new(bytes.Buffer), io.Discard), or a local buffer
// nothing reads after the writer is made.
func nothingToLose(pass *Pass, a *ownership.Acquisition, j ownership.Judgement) bool {
	if len(a.Call.Args) == 0 {
		return false
	}
	_, body := syntax.FuncParts(a.Func.Node())
	if !written(pass.Info, body, writerVars(pass.Info, body, j.Vars), a.Call) {
		return true
	}
	arg := ast.Unparen(a.Call.Args[0])
	if u, ok := arg.(*ast.UnaryExpr); ok && u.Op == token.AND {
		arg = ast.Unparen(u.X)
	}
	if syntax.IsNil(pass.Info, arg) {
		return true
	}
	switch arg := arg.(type) {
	case *ast.CallExpr:
		if id, ok := ast.Unparen(arg.Fun).(*ast.Ident); ok && id.Name == "new" {
			return pass.Info.Uses[id] == types.Universe.Lookup("new")
		}
	case *ast.CompositeLit:
		return len(arg.Elts) == 0 // a fresh value that holds nothing
	case *ast.SelectorExpr:
		return syntax.CalleeName(pass.Info, &ast.CallExpr{Fun: arg}) == "" && pass.Info.Uses[arg.Sel] != nil && pass.Info.Uses[arg.Sel].Pkg() != nil &&
			pass.Info.Uses[arg.Sel].Pkg().Path() == "io" && arg.Sel.Name == "Discard"
	}
	under := underlyingVar(pass.Info, a)
	if under == nil || under == a.Var || !isBuffer(under.Type()) || under.Pos() < body.Pos() || under.Pos() > body.End() {
		return false
	}
	read := false
	ast.Inspect(body, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && id.Pos() > a.Call.End() && pass.Info.Uses[id] == under {
			read = true
		}
		return !read
	})
	return !read
}

// isBuffer reports whether t is, or points to, a bytes.Buffer or a
// strings.Builder: memory only the program reads.
func isBuffer(t types.Type) bool {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	return syntax.IsNamed(t, "bytes", "Buffer") || syntax.IsNamed(t, "strings", "Builder")
}

// written reports whether the writer made by call, or one of the
// writer's variables, is written to: given to a call, or the receiver of a
// method that writes (Write..., Create..., Copy, ReadFrom, AddFS, Encode).
func written(info *types.Info, body *ast.BlockStmt, writers map[*types.Var]bool, call *ast.CallExpr) bool {
	isWriter := func(e ast.Expr) bool {
		return ast.Unparen(e) == call || mentionsAny(info, e, writers)
	}
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			for _, arg := range n.Args {
				if isWriter(arg) {
					found = true
				}
			}
			if sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr); ok && isWriter(sel.X) {
				for _, prefix := range []string{"Write", "Create", "Copy", "ReadFrom", "AddFS", "Encode", "Print"} {
					if strings.HasPrefix(sel.Sel.Name, prefix) {
						found = true
					}
				}
			}
		}
		return !found
	})
	return found
}

// varOf is the variable e names (err, io.EOF), or nil.
func varOf(info *types.Info, e ast.Expr) *types.Var {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		v, _ := info.Uses[e].(*types.Var)
		return v
	case *ast.SelectorExpr:
		v, _ := info.Uses[e.Sel].(*types.Var)
		if v != nil && info.Selections[e] == nil {
			return v // a package's variable, not a field
		}
	}
	return nil
}

// notNil returns the variables that cond, when true, says are not nil:
// "err != nil", also as an operand of &&.
func notNil(info *types.Info, cond ast.Expr) []*types.Var {
	switch e := ast.Unparen(cond).(type) {
	case *ast.BinaryExpr:
		switch e.Op {
		case token.LAND:
			return append(notNil(info, e.X), notNil(info, e.Y)...)
		case token.NEQ:
			for _, pair := range [][2]ast.Expr{{e.X, e.Y}, {e.Y, e.X}} {
				id, ok := ast.Unparen(pair[0]).(*ast.Ident)
				if v, isVar := info.Uses[id].(*types.Var); ok && isVar && syntax.IsNil(info, pair[1]) {
					return []*types.Var{v}
				}
			}
		}
	}
	return nil
}

// finishQueued plans the fix of a queued writer left unflushed at leaks:
// a deferred release where the function returns no error and nothing
// after it needs the writer under it, else a release before each exit.
func finishQueued(pass *Pass, a *ownership.Acquisition, j ownership.Judgement, paths *ownership.Paths, leaks []*ownership.Exit) (*fix.Fix, string) {
	under := underlyingVar(pass.Info, a)
	if under == a.Var {
		return nil, fmt.Sprintf("it writes to the value %s held before", under.Name())
	}
	if under != nil {
		if at, ok := usedBefore(pass, a, under, leaks); ok {
			return nil, fmt.Sprintf("%s is used on line %d, where %s may still hold writes, so a release at the exit would come too late", under.Name(), pass.Fset.Position(at).Line, a.Var.Name())
		}
	}
	_, body := syntax.FuncParts(a.Func.Node())
	writers := writerVars(pass.Info, body, j.Vars)
	for _, e := range leaks {
		if at, ok := callAfterWrites(pass, a, writers, e); ok {
			return nil, fmt.Sprintf("line %d calls a function after the last use of %s and before %s, which may read what %s still holds", pass.Fset.Position(at).Line, a.Var.Name(), exitName(pass, e), a.Var.Name())
		}
	}
	plain := !paths.Released() && !paths.Doubted() && !paths.InLoop && !j.Reassigned.IsValid()
	if plain && errorResultOf(pass, a.Func.Node()) == nil {
		if live, _ := ownership.LiveAfter(pass.Info, a, pass.Summaries); live != nil {
			after := ownership.DeferAfter(pass.Info, a, live)
			if deferSafe(pass, a, j, under, after, leaks) {
				return newReleaser(pass, a).deferred(after)
			}
		}
	}
	return closeAtExits(pass, a, j, leaks)
}

// releasedVerb is what releasing a kind is called in messages.
func releasedVerb(k *ownership.Kind) string {
	switch {
	case k.Func:
		return "called"
	case k.ReleaseMethod() == "Flush":
		return "flushed"
	case k.ReleaseMethod() != "Close":
		return "released"
	}
	return "closed"
}

// underlyingVar is the variable of the writer a queued writer writes to:
// f in bufio.NewWriter(f), buf in gzip.NewWriter(&buf), c in
// zip.NewWriter(c.out); nil when it is not held by a variable
// (os.Stdout).
func underlyingVar(info *types.Info, a *ownership.Acquisition) *types.Var {
	if len(a.Call.Args) == 0 {
		return nil
	}
	e := a.Call.Args[0]
	for {
		switch x := ast.Unparen(e).(type) {
		case *ast.UnaryExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		case *ast.SelectorExpr:
			if _, isPkg := info.Uses[identOf(x.X)].(*types.PkgName); isPkg {
				return nil
			}
			e = x.X
		case *ast.Ident:
			v, _ := info.Uses[x].(*types.Var)
			return v
		default:
			return nil
		}
	}
}

func identOf(e ast.Expr) *ast.Ident {
	id, _ := ast.Unparen(e).(*ast.Ident)
	return id
}

// usedBefore finds a use of under, outside the writer's own calls, that
// runs after the acquisition and before one of the exits, other than in
// a defer (which runs after the release would) or in a return (which ends
// its own path): a close of the file, a read of the buffer
// (http.NewRequest(..., &body) takes its length). A release placed at the
// exit would come after it.
func usedBefore(pass *Pass, a *ownership.Acquisition, under *types.Var, leaks []*ownership.Exit) (token.Pos, bool) {
	at, found := token.NoPos, false
	_, body := syntax.FuncParts(a.Func.Node())
	for _, e := range leaks {
		end := e.Pos()
		ast.Inspect(body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.DeferStmt, *ast.ReturnStmt:
				return false
			case *ast.Ident:
				if n.Pos() > a.Call.End() && n.Pos() < end && pass.Info.Uses[n] == under && (!found || n.Pos() < at) {
					at, found = n.Pos(), true
				}
			}
			return true
		})
	}
	return at, found
}

// deferSafe reports whether a deferred release after the statement after
// runs before everything that needs the writer's output: no exit reads
// the writer under it (return buf.Bytes() would read it before the
// deferred flush), and no defer registered later releases it (deferred
// calls run last first).
func deferSafe(pass *Pass, a *ownership.Acquisition, j ownership.Judgement, under *types.Var, after ast.Stmt, leaks []*ownership.Exit) bool {
	for _, e := range leaks {
		if e.Stmt != nil && (j.NeededBy(pass.Info, e.Stmt) || under != nil && syntax.Uses(pass.Info, e.Stmt, under)) {
			return false
		}
	}
	if under == nil {
		return true
	}
	_, body := syntax.FuncParts(a.Func.Node())
	safe := true
	ast.Inspect(body, func(n ast.Node) bool {
		if d, ok := n.(*ast.DeferStmt); ok && d.Pos() > after.End() && syntax.Uses(pass.Info, d, under) {
			safe = false
		}
		return safe
	})
	return safe
}

// splitsReturn reports whether the release of a queued writer at stmt
// splits it, so that the return's own use of the writer runs first:
// "return json.NewEncoder(w).Encode(v)".
func splitsReturn(pass *Pass, a *ownership.Acquisition, stmt ast.Stmt) bool {
	ret, ok := stmt.(*ast.ReturnStmt)
	return ok && a.Acquirer.Kind.Queues && len(ret.Results) == 1 && !syntax.IsNil(pass.Info, ret.Results[0]) &&
		errorResultOf(pass, a.Func.Node()) != nil
}

// callAfterWrites finds a call between the last use of the writer before
// exit e and e itself: a release at e would come after it, and it may
// read what the writer still holds through something leakfix does not see
// (a closure that opens the file, an upload of it). Calls inside returns
// end their own paths; builtins, conversions and the making of errors
// read nothing.
func callAfterWrites(pass *Pass, a *ownership.Acquisition, writers map[*types.Var]bool, e *ownership.Exit) (token.Pos, bool) {
	end := e.Pos()
	_, body := syntax.FuncParts(a.Func.Node())
	last := a.Call.End()
	for c := range a.Func.Preorder((*ast.Ident)(nil)) {
		id := c.Node().(*ast.Ident)
		if id.Pos() >= end || id.Pos() < last || !writers[varOf(pass.Info, id)] {
			continue
		}
		// The use's statement, all of it: fmt.Fprintln(w, strings.Join(...)).
		for s := range c.Enclosing() {
			if st, ok := s.Node().(ast.Stmt); ok {
				if _, isBlock := st.(*ast.BlockStmt); !isBlock {
					last = max(last, st.End())
					break
				}
			}
		}
	}
	if ret, ok := e.Stmt.(*ast.ReturnStmt); ok && len(ret.Results) == 1 && !mentionsAny(pass.Info, ret, writers) {
		// Split, "return upload()" would run before the release.
		if at, ok := readingCall(pass.Info, ret); ok {
			return at, true
		}
	}
	at, found := token.NoPos, false
	ast.Inspect(body, func(n ast.Node) bool {
		if found || n == nil || n.End() <= last || n.Pos() >= end {
			return !found && n != nil && n.Pos() < end
		}
		switch n := n.(type) {
		case *ast.ReturnStmt, *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if n.Pos() > last && !readsNothing(pass.Info, n) {
				at, found = n.Pos(), true
			}
		}
		return !found
	})
	return at, found
}

// writerVars are vars, the variables holding the writer, and those
// assigned from an expression of them: the entry writers of a zip or tar
// writer (w, err := zw.Create(name)), a multipart writer's parts. Writes
// through them are writes to the writer.
func writerVars(info *types.Info, body *ast.BlockStmt, vars []*types.Var) map[*types.Var]bool {
	out := map[*types.Var]bool{}
	for _, v := range vars {
		out[v] = true
	}
	ast.Inspect(body, func(n ast.Node) bool {
		if as, ok := n.(*ast.AssignStmt); ok && len(as.Rhs) == 1 && mentionsAny(info, as.Rhs[0], out) {
			for _, lhs := range as.Lhs {
				if id := identOf(lhs); id != nil {
					if v, ok := info.ObjectOf(id).(*types.Var); ok {
						out[v] = true
					}
				}
			}
		}
		return true
	})
	return out
}

// mentionsAny reports whether one of vars appears in n.
func mentionsAny(info *types.Info, n ast.Node, vars map[*types.Var]bool) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && vars[varOf(info, id)] {
			found = true
		}
		return !found
	})
	return found
}

// readingCall finds a call in n that may read what a writer wrote.
func readingCall(info *types.Info, n ast.Node) (token.Pos, bool) {
	at, found := token.NoPos, false
	ast.Inspect(n, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok && !readsNothing(info, call) {
			at, found = call.Pos(), true
		}
		return !found
	})
	return at, found
}

// readsNothing reports whether call cannot read a writer's output: a
// builtin, a conversion, or the making or testing of an error.
func readsNothing(info *types.Info, call *ast.CallExpr) bool {
	if tv, ok := info.Types[call.Fun]; ok && (tv.IsType() || tv.IsBuiltin()) {
		return true
	}
	switch syntax.CalleeName(info, call) {
	case "errors.New", "errors.Is", "errors.As", "fmt.Errorf", "fmt.Sprintf", "fmt.Sprint":
		return true
	}
	return false
}
