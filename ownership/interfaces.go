package ownership

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"
	"sync"
)

// What a call through an interface does with its argument is judged by
// the implementations the program has, when it cannot have others that
// leakfix does not see: the interface is unexported, or declared in an
// internal package, so every implementation a value of it can hold is
// declared in a package that sees it. leakfix looks for them in the
// interface's own package, the calling package (its tests included) and
// the packages the caller imports. If every implementation found only
// borrows the argument, so does the call; if any closes or keeps it, the
// call takes it; if any is not known, or none is found, the call is not
// judged.

// implementationsEffect returns what the implementations of the
// interface method fn do with parameter param, or 0 when that cannot be
// told.
func (f *follower) implementationsEffect(fn *types.Func, param int) argEffect {
	named, ok := closedInterface(fn)
	if !ok {
		return 0
	}
	caller := f.pkg()
	// A value of a type declared elsewhere can come in through an exported
	// API that takes the interface: testing.MainStart takes the testDeps
	// that testing/internal/testdeps implements, and keeps the profile
	// file testing.go hands to it.
	if exposes(named.Obj().Pkg(), named) || caller != nil && caller != named.Obj().Pkg() && exposes(caller, named) {
		return 0
	}
	impls, ok := cachedImplementations(f.fset, fn, named, caller, f.fn.Node().Pos())
	if !ok || len(impls) == 0 {
		return 0
	}
	anyTakes := false
	for _, m := range impls {
		sum, ok := f.summaryOf(m)
		switch {
		case !ok:
			return 0 // an implementation whose body is not known
		case slices.Contains(sum.Takes, param):
			anyTakes = true
		case !slices.Contains(sum.Borrows, param):
			return 0
		}
	}
	if anyTakes {
		return takes
	}
	return consumes
}

// closedInterface returns the named interface that declares the method fn
// when every implementation a value of it can hold is declared in a
// package that sees it: the interface is unexported, or declared in an
// internal package.
func closedInterface(fn *types.Func) (*types.Named, bool) {
	named, ok := interfaceOf(fn)
	if !ok || named.Obj().Exported() && !isInternal(named.Obj().Pkg().Path()) {
		return nil, false
	}
	return named, true
}

// interfaceOf returns the named interface whose method fn is.
func interfaceOf(fn *types.Func) (*types.Named, bool) {
	recv := fn.Signature().Recv()
	if recv == nil || !types.IsInterface(recv.Type()) {
		return nil, false
	}
	named, ok := types.Unalias(recv.Type()).(*types.Named)
	if !ok || named.Obj().Pkg() == nil {
		return nil, false
	}
	return named, true
}

// implKey identifies a search for the implementations of an interface
// method: the same for every call of it from one package's code (or one
// package's tests, which see their own stand-ins).
type implKey struct {
	fn       *types.Func
	caller   *types.Package
	fromTest bool
}

type implResult struct {
	impls []*types.Func
	ok    bool
}

// implCache keeps the searches made, which are many for the same few
// methods: io.Reader's Read is called everywhere. It holds the types of
// the packages it has seen, so it is emptied when it grows large, as it
// does over the batches of a large run.
var implCache = struct {
	sync.Mutex
	m map[implKey]implResult
}{m: map[implKey]implResult{}}

const implCacheSize = 1 << 14

// cachedImplementations is implementations, with stand-ins in test files
// left out for code at pos that is not in one, remembered.
func cachedImplementations(fset *token.FileSet, fn *types.Func, named *types.Named, caller *types.Package, pos token.Pos) ([]*types.Func, bool) {
	key := implKey{fn, caller, fset == nil || isTestFile(fset, pos)}
	implCache.Lock()
	r, hit := implCache.m[key]
	implCache.Unlock()
	if hit {
		return r.impls, r.ok
	}
	r.impls, r.ok = implementations(fn, named, caller, func(tn *types.TypeName) bool {
		return !key.fromTest && isTestFile(fset, tn.Pos())
	})
	implCache.Lock()
	if len(implCache.m) >= implCacheSize {
		clear(implCache.m)
	}
	implCache.m[key] = r
	implCache.Unlock()
	return r.impls, r.ok
}

// implementations returns the methods fn of the types that implement the
// interface named, declared in its own package, the caller's package and
// the packages the caller imports (but those skip leaves out). It reports
// false when an implementation's method is not a declared function.
func implementations(fn *types.Func, named *types.Named, caller *types.Package, skip func(*types.TypeName) bool) ([]*types.Func, bool) {
	iface, _ := named.Underlying().(*types.Interface)
	if iface == nil {
		return nil, false
	}
	pkgs := []*types.Package{named.Obj().Pkg()}
	if caller != nil {
		pkgs = append(pkgs, caller)
		pkgs = append(pkgs, caller.Imports()...)
	}
	seen := map[*types.Package]bool{}
	var out []*types.Func
	for _, p := range pkgs {
		if seen[p] {
			continue
		}
		seen[p] = true
		for _, name := range p.Scope().Names() {
			tn, ok := p.Scope().Lookup(name).(*types.TypeName)
			if !ok || tn.IsAlias() || types.IsInterface(tn.Type()) || skip(tn) {
				continue
			}
			// Most types do not have the method at all: that is cheaper
			// to ask than whether they implement the whole interface.
			if obj, _, _ := types.LookupFieldOrMethod(types.NewPointer(tn.Type()), true, fn.Pkg(), fn.Name()); obj == nil {
				continue
			}
			var impl types.Type
			switch {
			case types.Implements(tn.Type(), iface):
				impl = tn.Type()
			case types.Implements(types.NewPointer(tn.Type()), iface):
				impl = types.NewPointer(tn.Type())
			default:
				continue
			}
			obj, _, _ := types.LookupFieldOrMethod(impl, true, fn.Pkg(), fn.Name())
			m, ok := obj.(*types.Func)
			if !ok {
				return nil, false
			}
			out = append(out, m)
		}
	}
	return out, true
}

// implementationsReturn is the acquirer that a call of the interface
// method fn is by what the program's implementations of it return (see
// implementations): an acquirer when all of those with a known body
// return a resource they acquired, one that is only reported when others
// return none, and nil, with true, when none does. Test files'
// stand-ins do not count for a call at in the program's code. It reports
// false when no implementation with a known body says either.
func implementationsReturn(fset *token.FileSet, info *types.Info, fn *types.Func, at token.Pos, sums Summaries) (*Acquirer, bool) {
	named, ok := interfaceOf(fn)
	if !ok || sums == nil {
		return nil, false
	}
	caller := packageOf(info)
	impls, ok := cachedImplementations(fset, fn, named, caller, at)
	if !ok {
		return nil, false
	}
	var acquiring, other []*types.Func
	var r Returned
	for _, m := range impls {
		sum, ok := sums.Summary(m)
		switch {
		case !ok:
		case len(sum.Returns) > 0 && (len(acquiring) == 0 || sum.Returns[0].Kind == r.Kind && sum.Returns[0].Result == r.Result):
			acquiring, r = append(acquiring, m), sum.Returns[0]
		case len(sum.Returns) > 0:
			return nil, false // two kinds of resource
		case sum.ReturnsOther:
			other = append(other, m)
		}
	}
	switch {
	case len(acquiring) == 0 && len(other) == 0:
		return nil, false
	case len(acquiring) == 0:
		return nil, true
	}
	a := learned(fn, r)
	a.Request = 0 // the implementations' parameters need not agree
	a.Evidence = ByImplementations
	if len(other) > 0 {
		a.NoFix = fmt.Sprintf("the implementations of %s disagree: %s returns a resource it acquired, %s returns none", fn.FullName(), acquiring[0].FullName(), other[0].FullName())
	}
	return a, true
}

// packageOf is the package info describes, nil when it declares nothing.
func packageOf(info *types.Info) *types.Package {
	for _, obj := range info.Defs {
		if obj != nil && obj.Pkg() != nil {
			return obj.Pkg()
		}
	}
	return nil
}

// standIn reports whether tn is declared in a test file while the call
// being judged is not: a test's stand-in implementation, which only the
// test binary holds, does not decide what the program's code owns (a test
// whose stand-in keeps what the code then closes fails visibly).
func (f *follower) standIn(tn *types.TypeName) bool {
	return standIn(f.fset, tn, f.fn.Node().Pos())
}

// standIn reports whether tn is declared in a test file while the code at
// pos is not.
func standIn(fset *token.FileSet, tn *types.TypeName, pos token.Pos) bool {
	return fset != nil && isTestFile(fset, tn.Pos()) && !isTestFile(fset, pos)
}

func isTestFile(fset *token.FileSet, pos token.Pos) bool {
	return strings.HasSuffix(fset.Position(pos).Filename, "_test.go")
}

func (f *follower) summaryOf(fn *types.Func) (Summary, bool) {
	if f.summaries == nil {
		return Summary{}, false
	}
	return f.summaries.Summary(fn)
}

// pkg is the package of the function being followed.
func (f *follower) pkg() *types.Package {
	for c := range f.fn.Enclosing((*ast.FuncDecl)(nil)) {
		if obj := f.info.Defs[c.Node().(*ast.FuncDecl).Name]; obj != nil {
			return obj.Pkg()
		}
	}
	return nil
}

func isInternal(path string) bool {
	return path == "internal" || strings.HasPrefix(path, "internal/") || strings.HasSuffix(path, "/internal") || strings.Contains(path, "/internal/")
}

// exposes reports whether an exported function, method, variable or struct
// field of pkg has a type that mentions the interface iface, so that
// other packages can hand the package values of their own types as it.
func exposes(pkg *types.Package, iface *types.Named) bool {
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		if !obj.Exported() {
			if tn, ok := obj.(*types.TypeName); ok && exposedMethods(tn, iface) {
				return true
			}
			continue
		}
		switch obj := obj.(type) {
		case *types.Func, *types.Var:
			if mentions(obj.Type(), iface, map[types.Type]bool{}) {
				return true
			}
		case *types.TypeName:
			if st, ok := obj.Type().Underlying().(*types.Struct); ok {
				for i := range st.NumFields() {
					if fd := st.Field(i); fd.Exported() && mentions(fd.Type(), iface, map[types.Type]bool{}) {
						return true
					}
				}
			}
			if exposedMethods(obj, iface) {
				return true
			}
		}
	}
	return false
}

// exposedMethods reports whether an exported method of the named type tn
// mentions iface in its signature.
func exposedMethods(tn *types.TypeName, iface *types.Named) bool {
	named, ok := tn.Type().(*types.Named)
	if !ok || types.IsInterface(named) {
		return false
	}
	for m := range named.Methods() {
		if m.Exported() && mentions(m.Type(), iface, map[types.Type]bool{}) {
			return true
		}
	}
	return false
}

// mentions reports whether t is iface or is built from it (a pointer,
// slice, map, channel, function or struct with it inside). A function's
// results count too: a caller may pass what it returns back in.
func mentions(t types.Type, iface *types.Named, seen map[types.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t := types.Unalias(t).(type) {
	case *types.Named:
		return t.Origin() == iface.Origin()
	case *types.Pointer:
		return mentions(t.Elem(), iface, seen)
	case *types.Slice:
		return mentions(t.Elem(), iface, seen)
	case *types.Array:
		return mentions(t.Elem(), iface, seen)
	case *types.Map:
		return mentions(t.Key(), iface, seen) || mentions(t.Elem(), iface, seen)
	case *types.Chan:
		return mentions(t.Elem(), iface, seen)
	case *types.Signature:
		for _, tuple := range []*types.Tuple{t.Params(), t.Results()} {
			for v := range tuple.Variables() {
				if mentions(v.Type(), iface, seen) {
					return true
				}
			}
		}
	case *types.Struct:
		for i := range t.NumFields() {
			if mentions(t.Field(i).Type(), iface, seen) {
				return true
			}
		}
	}
	return false
}
