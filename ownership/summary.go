package ownership

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"github.com/leakfix/leakfix/internal/syntax"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// A Summary says what a function does with the resources passed to it:
// which parameters it closes or takes over (returns, stores, hands to a
// goroutine). A resource passed to such a parameter is the callee's
// responsibility, as with `defer drainAndClose(resp.Body)` or
// `return util.Close(f)`.
type Summary struct {
	// Takes lists the indexes, in the signature's Params, of the
	// parameters the function takes responsibility for. The receiver is
	// not a parameter.
	Takes []int
	// Closes lists those of Takes that the function closes and never
	// hands on: a caller's release, not a hand-off.
	Closes []int
	// Borrows lists the parameters the function only uses in place
	// (reads, writes, inspects) and leaves to its caller.
	Borrows []int
	// Returns says which result, if any, is a resource the function
	// acquired and the caller must release.
	Returns []Returned
	// ReturnsOther is set when the function could return a resource and
	// returns none that it acquired: a field, a shared value, a parameter,
	// a fresh value. Its caller owns nothing it returns.
	ReturnsOther bool `json:",omitempty"`
	// FailsOnError lists the error parameters the function ends the test
	// or the program on, when they are not nil (a test's require_NoError):
	// a call of it with the acquisition's error checks it.
	FailsOnError []int
	// LimitsBody lists the *http.Request parameters whose Body the
	// function replaces (with http.MaxBytesReader, say): a request given
	// to it is no longer read unbounded.
	LimitsBody []int
}

// Lookup returns the summary of the function that call calls, and the index
// of its argument arg among the function's parameters (a variadic tail maps
// to the last one; for a method expression T.M(recv, ...), the receiver is
// not a parameter). It reports false when the callee is not known.
func Lookup(sums Summaries, info *types.Info, call *ast.CallExpr, arg int) (Summary, int, bool) {
	if sums == nil {
		return Summary{}, 0, false
	}
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok {
		return Summary{}, 0, false
	}
	sum, ok := sums.Summary(fn)
	if !ok {
		return Summary{}, 0, false
	}
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if s := info.Selections[sel]; s != nil && s.Kind() == types.MethodExpr {
			arg--
		}
	}
	sig := fn.Signature()
	if n := sig.Params().Len(); sig.Variadic() && arg >= n-1 {
		arg = n - 1
	}
	return sum, arg, arg >= 0
}

// Summaries tells what functions of other packages do with what they are
// given. Implementations key functions by their full name, since the same
// function seen from two packages may be two objects (one from source, one
// from export data).
type Summaries interface {
	Summary(fn *types.Func) (Summary, bool)
}

// SummaryMap is a Summaries keyed by Key.
type SummaryMap map[string]Summary

// Summary implements Summaries.
func (m SummaryMap) Summary(fn *types.Func) (Summary, bool) {
	s, ok := m[Key(fn)]
	return s, ok
}

// Key names a function stably across packages: the full name of its
// generic origin.
func Key(fn *types.Func) string { return fn.Origin().FullName() }

// Summarize learns, from their bodies, what the functions declared in the
// files of in do with their parameters. imported covers functions of other
// packages (nil when none are known). Functions of the package that call
// each other are resolved by iterating until nothing changes.
func Summarize(fset *token.FileSet, info *types.Info, in *inspector.Inspector, imported Summaries) SummaryMap {
	own := SummaryMap{}
	consulted := &watched{Summaries: own, keys: map[string]bool{}}
	// The package's own functions are judged from this package alone:
	// its test variant, summarized at the same time, writes the same keys
	// to what imported reads, and whichever finished first would decide.
	all := &split{own: consulted, imported: imported, path: packagePath(info)}
	type target struct {
		fn     *types.Func
		cursor inspector.Cursor
		params []*types.Var
	}
	var targets []target
	var decls []inspector.Cursor
	for c := range in.Root().Preorder((*ast.FuncDecl)(nil)) {
		decl := c.Node().(*ast.FuncDecl)
		fn, ok := info.Defs[decl.Name].(*types.Func)
		if !ok || decl.Body == nil {
			continue
		}
		t := target{fn: fn, cursor: c}
		params := fn.Signature().Params()
		for i := range params.Len() {
			t.params = append(t.params, params.At(i))
		}
		if limits, ok := bodiesReplaced(info, decl.Body, t.params); ok {
			// Known for every function given a request, limiting or not.
			own[Key(fn)] = Summary{LimitsBody: limits}
		}
		decls = append(decls, c)
		if fails := failsOnErrorParams(info, t.params, decl.Body); len(fails) > 0 {
			s := own[Key(fn)]
			s.FailsOnError = fails
			own[Key(fn)] = s
		}
		if slices.ContainsFunc(t.params, closable) {
			targets = append(targets, t)
			consulted.keys[Key(fn)] = true
		}
	}
	// Which functions return what they acquired, until no call of one of
	// this package makes another. Until learned otherwise, none does: a
	// function whose body is seen is never judged by its shape.
	for _, c := range decls {
		fn := info.Defs[c.Node().(*ast.FuncDecl).Name].(*types.Func)
		if mayReturnResource(fn.Signature()) {
			s := own[Key(fn)]
			s.ReturnsOther = true
			own[Key(fn)] = s
		}
	}
	for changed := true; changed; {
		changed = false
		for _, c := range decls {
			r := returnsAcquired(fset, info, c, all)
			if len(r) == 0 {
				continue
			}
			key := Key(info.Defs[c.Node().(*ast.FuncDecl).Name].(*types.Func))
			if s := own[key]; len(s.Returns) == 0 {
				s.Returns, s.ReturnsOther = r, false
				own[key] = s
				changed = true
			}
		}
	}
	// Another round is needed only when a judgement relied on a summary of
	// this package, which may have changed since.
	for changed := true; changed; {
		changed, consulted.hit = false, false
		for _, t := range targets {
			var s Summary
			for i, p := range t.params {
				if !closable(p) || p.Name() == "" || p.Name() == "_" {
					continue
				}
				f := &follower{fset: fset, info: info, fn: t.cursor, kind: kindOf(p.Type()), summaries: all, best: Judgement{Verdict: Leaks}}
				f.followVar(p, nil, holder)
				switch f.best.Verdict {
				case Closed:
					s.Takes = append(s.Takes, i)
					if len(f.best.HandOffs) == 0 {
						s.Closes = append(s.Closes, i)
					}
				case HandedOn:
					s.Takes = append(s.Takes, i)
				case Leaks:
					s.Borrows = append(s.Borrows, i)
				}
			}
			key := Key(t.fn)
			old, ok := own[key]
			s.LimitsBody, s.Returns, s.FailsOnError, s.ReturnsOther = old.LimitsBody, old.Returns, old.FailsOnError, old.ReturnsOther
			if !ok && (len(s.Takes) > 0 || len(s.Borrows) > 0) || ok && !(slices.Equal(old.Takes, s.Takes) && slices.Equal(old.Closes, s.Closes) && slices.Equal(old.Borrows, s.Borrows)) {
				own[key] = s
				changed = consulted.hit
			}
		}
	}
	return own
}

// bodiesReplaced returns the indexes of the *http.Request parameters whose
// Body body assigns, and whether there is any such parameter.
func bodiesReplaced(info *types.Info, body *ast.BlockStmt, params []*types.Var) ([]int, bool) {
	var requests []int
	for i, p := range params {
		if syntax.IsPointerTo(p.Type(), "net/http", "Request") {
			requests = append(requests, i)
		}
	}
	if len(requests) == 0 {
		return nil, false
	}
	var limits []int
	ast.Inspect(body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok {
			return true
		}
		for _, lhs := range as.Lhs {
			sel, ok := ast.Unparen(lhs).(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "Body" {
				continue
			}
			id, ok := ast.Unparen(sel.X).(*ast.Ident)
			if !ok {
				continue
			}
			for _, i := range requests {
				if info.Uses[id] == params[i] && !slices.Contains(limits, i) {
					limits = append(limits, i)
				}
			}
		}
		return true
	})
	slices.Sort(limits)
	return limits, true
}

// watched notes whether a summary of one of keys, the functions being
// summarized, was looked up.
type watched struct {
	Summaries
	keys map[string]bool
	hit  bool
}

func (w *watched) Summary(fn *types.Func) (Summary, bool) {
	w.hit = w.hit || w.keys[Key(fn)]
	return w.Summaries.Summary(fn)
}

// split looks up the functions of the package at path in own, and the
// others in imported.
type split struct {
	own      Summaries
	imported Summaries
	path     string
}

func (s *split) Summary(fn *types.Func) (Summary, bool) {
	if fn.Pkg() != nil && fn.Pkg().Path() == s.path || s.imported == nil {
		return s.own.Summary(fn)
	}
	return s.imported.Summary(fn)
}

// packagePath is the path of the package info describes, "" when it
// declares nothing.
func packagePath(info *types.Info) string {
	for _, obj := range info.Defs {
		if obj != nil && obj.Pkg() != nil {
			return obj.Pkg().Path()
		}
	}
	return ""
}

// Concerns reports whether a summary of fn could tell its callers
// something about a resource they hold: it can return one, or it takes a
// value with a Close or Flush method, or an *http.Response. (Any interface
// could hold a resource too, but a dependency's functions that take one
// are too many to learn for what they rarely say.)
func Concerns(fn *types.Func) bool {
	sig := fn.Signature()
	if mayReturnResource(sig) {
		return true
	}
	for p := range sig.Params().Variables() {
		if _, isFunc := p.Type().Underlying().(*types.Signature); !isFunc && (syntax.IsPointerTo(p.Type(), "net/http", "Response") || releaseMethodOf(p.Type()) != "") {
			return true
		}
	}
	return false
}

// closable reports whether a parameter can hold a resource: its type has a
// Close or Flush method, it is an interface (an io.Reader may hold a file,
// which a type assertion could reach), an *http.Response, or a function (a
// cancel func).
func closable(p *types.Var) bool {
	t := p.Type()
	if _, isFunc := t.Underlying().(*types.Signature); isFunc || syntax.IsPointerTo(t, "net/http", "Response") {
		return true
	}
	return types.IsInterface(t) || releaseMethodOf(t) != ""
}

// releaseMethodOf is the method that releases a value of type t: "Close"
// when it has one, else "Flush" (a bufio.Writer's), else "".
func releaseMethodOf(t types.Type) string {
	if _, ok := types.Unalias(t).(*types.Basic); ok {
		return "" // no methods (a named type has its own): most parameters and results
	}
	for _, m := range []string{"Close", "Flush"} {
		if hasReleaseMethod(t, m) {
			return m
		}
	}
	return ""
}

// hasReleaseMethod reports whether t has a method name that releases it:
// one that takes nothing and returns nothing or an error. (jennifer's
// File has a Close(...Code) that writes a token.)
func hasReleaseMethod(t types.Type, name string) bool {
	fn := methodNamed(t, name)
	if fn == nil {
		return false
	}
	sig := fn.Signature()
	res := sig.Results()
	return sig.Params().Len() == 0 && (res.Len() == 0 || res.Len() == 1 && syntax.IsError(res.At(0).Type()))
}

// methodNamed is the method of t (or *t, for an addressable t) with the
// name, as types.LookupFieldOrMethod finds it, or nil. An interface's
// methods (error's, most often), and those of a named struct without
// embedded fields, which are only those declared on it, are read
// directly: the lookup walks the type, and is asked of nearly every
// call's result and parameter types.
func methodNamed(t types.Type, name string) *types.Func {
	if iface, ok := t.Underlying().(*types.Interface); ok {
		for m := range iface.Methods() {
			if m.Name() == name {
				return m
			}
		}
		return nil
	}
	named, _ := types.Unalias(t).(*types.Named)
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		named, _ = types.Unalias(p.Elem()).(*types.Named)
	}
	if named != nil {
		if st, ok := named.Underlying().(*types.Struct); ok && !hasEmbedded(st) {
			for m := range named.Methods() {
				if m.Name() == name {
					return m
				}
			}
			return nil
		}
	}
	obj, _, _ := types.LookupFieldOrMethod(t, true, nil, name)
	fn, _ := obj.(*types.Func)
	return fn
}

func hasEmbedded(st *types.Struct) bool {
	for f := range st.Fields() {
		if f.Embedded() {
			return true
		}
	}
	return false
}

// kindOf is the kind of resource a value of type t is followed as.
func kindOf(t types.Type) *Kind {
	if _, ok := t.Underlying().(*types.Signature); ok {
		return funcKind
	}
	switch {
	case syntax.IsPointerTo(t, "net/http", "Response"):
		return ResponseBody
	case syntax.IsPointerTo(t, "encoding/csv", "Writer"):
		return CSVWriter // WriteAll flushes it too
	case releaseMethodOf(t) == "Flush":
		return flusherKind
	}
	return closerKind
}

// closerKind is the kind of a parameter with a Close method, flusherKind
// of one with only a Flush method; funcKind of a parameter that is a
// function, released by calling it.
var (
	closerKind  = Closer
	flusherKind = &Kind{Name: "flusher", Release: "Flush"}
	funcKind    = &Kind{Name: "func", Func: true}
)
