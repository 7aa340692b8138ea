package ownership

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"
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
	recv := fn.Signature().Recv()
	if recv == nil || !types.IsInterface(recv.Type()) {
		return 0
	}
	named, ok := types.Unalias(recv.Type()).(*types.Named)
	if !ok || named.Obj().Pkg() == nil {
		return 0
	}
	iface, _ := named.Underlying().(*types.Interface)
	ipkg := named.Obj().Pkg()
	if iface == nil || named.Obj().Exported() && !isInternal(ipkg.Path()) {
		return 0
	}
	pkgs := []*types.Package{ipkg}
	caller := f.pkg()
	if caller != nil {
		pkgs = append(pkgs, caller)
		pkgs = append(pkgs, caller.Imports()...)
	}
	// A value of a type declared elsewhere can come in through an exported
	// API that takes the interface: testing.MainStart takes the testDeps
	// that testing/internal/testdeps implements, and keeps the profile
	// file testing.go hands to it.
	if exposes(ipkg, named) || caller != nil && caller != ipkg && exposes(caller, named) {
		return 0
	}
	seen := map[*types.Package]bool{}
	found, anyTakes := false, false
	for _, p := range pkgs {
		if seen[p] {
			continue
		}
		seen[p] = true
		for _, name := range p.Scope().Names() {
			tn, ok := p.Scope().Lookup(name).(*types.TypeName)
			if !ok || tn.IsAlias() || types.IsInterface(tn.Type()) || f.standIn(tn) {
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
				return 0
			}
			sum, ok := f.summaryOf(m)
			switch {
			case !ok:
				return 0 // an implementation whose body is not known
			case slices.Contains(sum.Takes, param):
				anyTakes = true
			case !slices.Contains(sum.Borrows, param):
				return 0
			}
			found = true
		}
	}
	switch {
	case !found:
		return 0
	case anyTakes:
		return takes
	}
	return consumes
}

// standIn reports whether tn is declared in a test file while the call
// being judged is not: a test's stand-in implementation, which only the
// test binary holds, does not decide what the program's code owns (a test
// whose stand-in keeps what the code then closes fails visibly).
func (f *follower) standIn(tn *types.TypeName) bool {
	if f.fset == nil {
		return false
	}
	isTest := func(p token.Pos) bool { return strings.HasSuffix(f.fset.Position(p).Filename, "_test.go") }
	return isTest(tn.Pos()) && !isTest(f.fn.Node().Pos())
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
