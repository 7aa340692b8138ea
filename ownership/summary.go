package ownership

import (
	"go/ast"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ast/inspector"
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
	// Borrows lists the parameters the function only uses in place
	// (reads, writes, inspects) and leaves to its caller.
	Borrows []int
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
func Summarize(info *types.Info, in *inspector.Inspector, imported Summaries) SummaryMap {
	own := SummaryMap{}
	consulted := &watched{Summaries: own, keys: map[string]bool{}}
	all := chain{consulted, imported}
	type target struct {
		fn     *types.Func
		cursor inspector.Cursor
		params []*types.Var
	}
	var targets []target
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
		if slices.ContainsFunc(t.params, closable) {
			targets = append(targets, t)
			consulted.keys[Key(fn)] = true
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
				f := &follower{info: info, fn: t.cursor, kind: kindOf(p.Type()), summaries: all, best: Judgement{Verdict: Leaks}}
				f.followVar(p, nil, holder)
				switch f.best.Verdict {
				case Closed, HandedOn:
					s.Takes = append(s.Takes, i)
				case Leaks:
					s.Borrows = append(s.Borrows, i)
				}
			}
			key := Key(t.fn)
			old, ok := own[key]
			if !ok && (len(s.Takes) > 0 || len(s.Borrows) > 0) || ok && !(slices.Equal(old.Takes, s.Takes) && slices.Equal(old.Borrows, s.Borrows)) {
				own[key] = s
				changed = consulted.hit
			}
		}
	}
	return own
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

// chain looks up summaries in each of its members in turn.
type chain []Summaries

func (c chain) Summary(fn *types.Func) (Summary, bool) {
	for _, s := range c {
		if s == nil {
			continue
		}
		if sum, ok := s.Summary(fn); ok {
			return sum, true
		}
	}
	return Summary{}, false
}

// closable reports whether a parameter can hold a resource: its type has a
// Close method, it is an interface (an io.Reader may hold a file, which a
// type assertion could reach), an *http.Response, or a function (a cancel
// func).
func closable(p *types.Var) bool {
	if k := kindOf(p.Type()); k == ResponseBody || k == funcKind {
		return true
	}
	if types.IsInterface(p.Type()) {
		return true
	}
	obj, _, _ := types.LookupFieldOrMethod(p.Type(), true, p.Pkg(), "Close")
	_, ok := obj.(*types.Func)
	return ok
}

// kindOf is the kind of resource a value of type t is followed as.
func kindOf(t types.Type) *Kind {
	if _, ok := t.Underlying().(*types.Signature); ok {
		return funcKind
	}
	if ptr, ok := t.Underlying().(*types.Pointer); ok {
		if named, ok := ptr.Elem().(*types.Named); ok {
			obj := named.Obj()
			if obj.Pkg() != nil && obj.Pkg().Path() == "net/http" && obj.Name() == "Response" {
				return ResponseBody
			}
		}
	}
	return closerKind
}

// closerKind is the kind of a parameter with a Close method; funcKind of
// a parameter that is a function, released by calling it.
var (
	closerKind = &Kind{Name: "closer"}
	funcKind   = &Kind{Name: "func", Func: true}
)
