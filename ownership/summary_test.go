package ownership

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"testing"
)

// releaseMethodOf finds the method whatever the type's underlying type (a
// named integer can be a descriptor that Close releases), promoted from an
// embedded field or interface, or of a generic type's instance; not a field of func
// type, nor a Close that takes arguments.
func TestReleaseMethodOf(t *testing.T) {
	const src = `package p

type fd int

func (fd) Close() error { return nil }

type name string

type buffered struct{}

func (*buffered) Flush() error { return nil }

type alias = fd

type embeds struct{ fd }

type generic[T any] struct{}

func (*generic[T]) Close() error { return nil }

type closeField struct{ Close func() error }

type closer interface{ Close() error }

type readCloser interface {
	closer
	Read() int
}

type closeArg struct{}

func (closeArg) Close(force bool) error { return nil }

var (
	descriptor fd
	aliased    alias
	plain      int
	text       name
	writer     *buffered
	value      buffered
	promoted   *embeds
	instance   *generic[int]
	field      *closeField
	withArg    closeArg
	failure    error
	embedded   readCloser
	unnamed    interface{ Flush() error }
)
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := new(types.Config).Check("p", fset, []*ast.File{f}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for v, want := range map[string]string{"descriptor": "Close", "aliased": "Close", "plain": "", "text": "", "writer": "Flush", "value": "Flush",
		"promoted": "Close", "instance": "Close", "field": "", "withArg": "",
		"failure": "", "embedded": "Close", "unnamed": "Flush"} {
		if got := releaseMethodOf(pkg.Scope().Lookup(v).Type()); got != want {
			t.Errorf("releaseMethodOf(%s) = %q, want %q", v, got, want)
		}
	}
}
