package syntax

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"testing"

	"golang.org/x/tools/go/ast/inspector"
)

const src = `package p

import (
	"net/http"
	"os"
)

type names []string

func f(r *http.Request, w http.ResponseWriter, n names, err error) {
	for range n {
		_ = func() {
			lit()
		}
		inLoop()
	}
	if r == nil {
		os.Exit(1)
	}
	outside()
}

func lit()     {}
func inLoop()  {}
func outside() {}
`

func check(t *testing.T) (*ast.File, *types.Info, *inspector.Inspector) {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	info := &types.Info{Defs: map[*ast.Ident]types.Object{}, Uses: map[*ast.Ident]types.Object{}, Types: map[ast.Expr]types.TypeAndValue{}}
	if _, err := (&types.Config{Importer: importer.Default()}).Check("p", fset, []*ast.File{f}, info); err != nil {
		t.Fatal(err)
	}
	return f, info, inspector.New([]*ast.File{f})
}

// call finds the cursor of the call of the function name.
func call(t *testing.T, in *inspector.Inspector, name string) inspector.Cursor {
	t.Helper()
	for c := range in.Root().Preorder((*ast.CallExpr)(nil)) {
		if id, ok := c.Node().(*ast.CallExpr).Fun.(*ast.Ident); ok && id.Name == name {
			return c
		}
	}
	t.Fatalf("no call of %s", name)
	return inspector.Cursor{}
}

func TestLoopAndFunc(t *testing.T) {
	_, _, in := check(t)
	for name, want := range map[string]bool{"inLoop": true, "lit": false, "outside": false} {
		if got := InLoop(call(t, in, name)); got != want {
			t.Errorf("InLoop(%s()) = %v, want %v (a loop around a function literal is not its own)", name, got, want)
		}
	}
	loop, ok := Loop(call(t, in, "inLoop"))
	if _, isRange := loop.Node().(*ast.RangeStmt); !ok || !isRange || LoopBody(loop.Node()) == nil {
		t.Errorf("Loop(inLoop()) = %T, %v; want the range statement", loop.Node(), ok)
	}
	fn, ok := EnclosingFunc(call(t, in, "lit"))
	if _, isLit := fn.Node().(*ast.FuncLit); !ok || !isLit {
		t.Errorf("EnclosingFunc(lit()) = %T, want the function literal", fn.Node())
	}
	if fn, _ := EnclosingFunc(call(t, in, "outside")); fn.Node().(*ast.FuncDecl).Name.Name != "f" {
		t.Errorf("EnclosingFunc(outside()) is not f")
	}
}

func TestTypes(t *testing.T) {
	f, info, _ := check(t)
	params := info.Defs[f.Decls[2].(*ast.FuncDecl).Name].(*types.Func).Signature().Params()
	r, w, n, err := params.At(0).Type(), params.At(1).Type(), params.At(2).Type(), params.At(3).Type()
	switch {
	case !IsPointerTo(r, "net/http", "Request") || IsNamed(r, "net/http", "Request"):
		t.Errorf("*http.Request: IsPointerTo %v, IsNamed %v", IsPointerTo(r, "net/http", "Request"), IsNamed(r, "net/http", "Request"))
	case !IsNamed(w, "net/http", "ResponseWriter") || IsPointerTo(w, "net/http", "ResponseWriter"):
		t.Errorf("http.ResponseWriter is not named as such")
	case !IsNamed(n, "p", "names") || IsError(n):
		t.Errorf("names is not named as such")
	case !IsError(err):
		t.Errorf("IsError(error) = false")
	}
	for path, want := range map[string]bool{"net/http": true, "os": true, "example.com/x": false, "github.com/leakfix/leakfix": false} {
		if IsStandardPath(path) != want {
			t.Errorf("IsStandardPath(%q) = %v", path, !want)
		}
	}
}

func TestTerminates(t *testing.T) {
	f, info, _ := check(t)
	body := f.Decls[2].(*ast.FuncDecl).Body.List
	ifs := body[1].(*ast.IfStmt)
	if !Terminates(info, ifs.Body) || !IsNil(info, ifs.Cond.(*ast.BinaryExpr).Y) {
		t.Errorf("a block ending in os.Exit does not terminate, or nil is not nil")
	}
	if Terminates(info, body[2]) || Terminates(info, body[0]) {
		t.Errorf("a plain call or a loop terminates")
	}
}
