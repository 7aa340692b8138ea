package ownership

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"testing"
)

// releaseMethodOf finds the method whatever the type's underlying type:
// a named integer can be a descriptor that Close releases.
func TestReleaseMethodOf(t *testing.T) {
	const src = `package p

type fd int

func (fd) Close() error { return nil }

type name string

type buffered struct{}

func (*buffered) Flush() error { return nil }

type alias = fd

var (
	descriptor fd
	aliased    alias
	plain      int
	text       name
	writer     *buffered
	value      buffered
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
	for v, want := range map[string]string{"descriptor": "Close", "aliased": "Close", "plain": "", "text": "", "writer": "Flush", "value": "Flush"} {
		if got := releaseMethodOf(pkg.Scope().Lookup(v).Type()); got != want {
			t.Errorf("releaseMethodOf(%s) = %q, want %q", v, got, want)
		}
	}
}
