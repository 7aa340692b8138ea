package syntax

import (
	"go/types"
	"strings"
)

// IsError reports whether t is the predeclared error type.
func IsError(t types.Type) bool {
	return types.Identical(t, types.Universe.Lookup("error").Type())
}

// IsNamed reports whether t is the named type path.name (through an
// alias, not through a pointer).
func IsNamed(t types.Type, path, name string) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == path && n.Obj().Name() == name
}

// IsPointerTo reports whether t is a pointer to the named type path.name:
// IsPointerTo(t, "net/http", "Request") for an *http.Request.
func IsPointerTo(t types.Type, path, name string) bool {
	p, ok := t.Underlying().(*types.Pointer)
	return ok && IsNamed(p.Elem(), path, name)
}

// IsStandardPath reports whether the package at path is in the standard
// library: no dot in its first element.
func IsStandardPath(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}
