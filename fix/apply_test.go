package fix

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"path"
	"slices"
	"strings"
	"testing"

	udiff "github.com/aymanbagabas/go-udiff"
	"github.com/dave/dst"
)

// checked parses and type-checks src as a one-file package, with every
// import resolved to an empty package.
func checked(t *testing.T, src string) (*File, *ast.File) {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	info := &types.Info{
		Types: map[ast.Expr]types.TypeAndValue{}, Defs: map[*ast.Ident]types.Object{},
		Uses: map[*ast.Ident]types.Object{}, Implicits: map[ast.Node]types.Object{},
	}
	conf := types.Config{
		Importer: ImporterFunc(func(p string) (*types.Package, error) {
			pkg := types.NewPackage(p, path.Base(p))
			pkg.MarkComplete()
			return pkg, nil
		}),
		Error: func(error) {}, // uses of the empty packages do not resolve
	}
	tpkg, _ := conf.Check("x", fset, []*ast.File{f}, info)
	return &File{Fset: fset, Pkg: tpkg, Info: info, Syntax: f, Src: []byte(src)}, f
}

// useImport is a fix that inserts "println(NAME.X)" after the first
// statement of the function named fn, NAME being the name the file gets
// for importPath.
func useImport(file *ast.File, fn, importPath string) *Fix {
	var anchor ast.Stmt
	for _, d := range file.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == fn {
			anchor = fd.Body.List[0]
		}
	}
	return &Fix{
		Sites: []Site{{Pos: anchor.Pos(), End: anchor.End()}},
		Edit: func(e *Editor) error {
			name := e.ImportName(importPath)
			return e.InsertAfter(anchor, &dst.ExprStmt{X: &dst.CallExpr{
				Fun:  dst.NewIdent("println"),
				Args: []dst.Expr{&dst.SelectorExpr{X: dst.NewIdent(name), Sel: dst.NewIdent("X")}},
			}})
		},
	}
}

// Apply returns f's content with fixes applied and shared declared: the
// bytes that Edits' edits make, which the tests compare with what they
// expect.
func Apply(f *File, fixes []*Fix, shared ...*Shared) ([]byte, error) {
	edits, err := Edits(f, fixes, shared...)
	if err != nil {
		return nil, err
	}
	return udiff.ApplyBytes(f.Src, edits)
}

func TestApplyImports(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{{
		name: "joins the standard group in order, leaving the other group alone",
		src: `package x

import (
	"io"
	"os"

	"example.com/z"
)

func f() {
	_ = 1
}
`,
		want: `package x

import (
	"io"
	"net/http"
	"os"

	"example.com/z"
)

func f() {
	_ = 1
	println(http.X)
}
`,
	}, {
		name: "aliases a name a local already uses",
		src: `package x

import "os"

func f(http int) {
	_ = http
}
`,
		want: `package x

import "os"
import nethttp "net/http"

func f(http int) {
	_ = http
	println(nethttp.X)
}
`,
	}, {
		name: "reuses an existing import under its alias",
		src: `package x

import web "net/http"

var _ = web.X

func f() {
	_ = 1
}
`,
		want: `package x

import web "net/http"

var _ = web.X

func f() {
	_ = 1
	println(web.X)
}
`,
	}, {
		name: "adds a declaration to a file without imports",
		src: `package x

func f() {
	_ = 1
}
`,
		want: `package x

import "net/http"

func f() {
	_ = 1
	println(http.X)
}
`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pkg, file := checked(t, tt.src)
			got, err := Apply(pkg, []*Fix{useImport(file, "f", "net/http")})
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestApplyKeepsLineEndings(t *testing.T) {
	src := strings.ReplaceAll("package x\n\n// f does little.\nfunc f() {\n\t_ = 1\n\t_ = 2\n}\n", "\n", "\r\n")
	pkg, file := checked(t, src)
	got, err := Apply(pkg, []*Fix{useImport(file, "f", "os")})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.ReplaceAll("package x\n\nimport \"os\"\n\n// f does little.\nfunc f() {\n\t_ = 1\n\tprintln(os.X)\n\t_ = 2\n}\n", "\n", "\r\n")
	if string(got) != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// Lines that differ only in white space are recognised, so the fix goes
// between them and they stay as they are.
func TestApplyUnformattedNeighbours(t *testing.T) {
	src := "package x\n\nfunc f() {\n\tx  :=  1 \n\t_ = x\t\n}\n"
	pkg, file := checked(t, src)
	got, err := Apply(pkg, []*Fix{useImport(file, "f", "os")})
	if err != nil {
		t.Fatal(err)
	}
	want := "package x\n\nimport \"os\"\n\nfunc f() {\n\tx  :=  1 \n\tprintln(os.X)\n\t_ = x\t\n}\n"
	if string(got) != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// When the fix lands among lines the printer restructures, the printed
// lines at the fix site replace the original ones, and nothing else changes.
func TestApplyRestructuredSite(t *testing.T) {
	src := `package x

func   g()   {}

func f() { x := 1; _ = x }
`
	pkg, file := checked(t, src)
	got, err := Apply(pkg, []*Fix{useImport(file, "f", "os")})
	if err != nil {
		t.Fatal(err)
	}
	want := `package x

import "os"

func   g()   {}

func f() {
	x := 1
	println(os.X)
	_ = x
}
`
	if string(got) != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestApplyStale(t *testing.T) {
	src := "package x\n\nfunc f() {\n\t_ = 1\n}\n"
	pkg, file := checked(t, src)
	pkg.Src = []byte(src + "// more\n")
	_, err := Apply(pkg, []*Fix{useImport(file, "f", "os")})
	if !errors.Is(err, ErrStale) {
		t.Errorf("got %v, want ErrStale", err)
	}
}

// A UTF-8 byte-order mark stays at the start of the file, whether the fix
// and the import it needs are near it or not.
func TestApplyKeepsByteOrderMark(t *testing.T) {
	const bom = "\ufeff"
	tests := []struct{ name, src, want string }{{
		name: "fix below, import after the package clause",
		src:  bom + "package x\n\nfunc f() {\n\t_ = 1\n}\n",
		want: bom + "package x\n\nimport \"os\"\n\nfunc f() {\n\t_ = 1\n\tprintln(os.X)\n}\n",
	}, {
		name: "fix on the first line, which the printer restructures",
		src:  bom + "package x; import \"os\"; func f() { _ = 1 }\n",
		want: bom + "package x\n\nimport \"os\"\n\nfunc f() {\n\t_ = 1\n\tprintln(os.X)\n}\n",
	}, {
		name: "with CRLF line endings",
		src:  bom + "package x\r\n\r\nfunc f() {\r\n\t_ = 1\r\n}\r\n",
		want: bom + "package x\r\n\r\nimport \"os\"\r\n\r\nfunc f() {\r\n\t_ = 1\r\n\tprintln(os.X)\r\n}\r\n",
	}}
	runImportCases(t, tests)
}

// runImportCases applies a fix that needs os imported to each src, and
// compares the result with want.
func runImportCases(t *testing.T, tests []struct{ name, src, want string }) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pkg, file := checked(t, tt.src)
			got, err := Apply(pkg, []*Fix{useImport(file, "f", "os")})
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

// Inserted lines end as most lines of the file do; the lines that were
// there keep their own endings.
func TestApplyMixedLineEndings(t *testing.T) {
	tests := []struct{ name, src, want string }{{
		name: "mostly LF",
		src:  "package x\n\n// f does little.\r\nfunc f() {\n\t_ = 1\n}\n",
		want: "package x\n\nimport \"os\"\n\n// f does little.\r\nfunc f() {\n\t_ = 1\n\tprintln(os.X)\n}\n",
	}, {
		name: "mostly CRLF",
		src:  "package x\r\n\r\n// f does little.\nfunc f() {\r\n\t_ = 1\r\n}\r\n",
		want: "package x\r\n\r\nimport \"os\"\r\n\r\n// f does little.\nfunc f() {\r\n\t_ = 1\r\n\tprintln(os.X)\r\n}\r\n",
	}}
	runImportCases(t, tests)
}

// In a file with //line directives, a fix goes where it belongs in the
// file above the first directive, and is refused below one: the lines it
// inserts would have no place in what the directive maps the file onto,
// and would shift the positions of the lines after them.
func TestApplyLineDirectives(t *testing.T) {
	tests := []struct{ name, src, want, wantErr string }{{
		name: "a directive below the fix, numbering lines backwards",
		src: `package x

func f() {
	_ = 1

	_ = 2
}

//line other.go:1
func g() {
	_ = 0
}
`,
		want: `package x

import "os"

func f() {
	_ = 1
	println(os.X)

	_ = 2
}

//line other.go:1
func g() {
	_ = 0
}
`,
	}, {
		name: "a directive on the line below the fix",
		src: `package x

func f() {
	_ = 1 // one
//line x.go:5

	_ = 2
}
`,
		want: `package x

import "os"

func f() {
	_ = 1 // one
	println(os.X)
//line x.go:5

	_ = 2
}
`,
	}, {
		name: "a directive above the function",
		src: `package x

//line other.go:1
func f() {
	_ = 1
}
`,
		wantErr: "the fix would go below the line directive on line 3 of x.go",
	}, {
		name: "a directive above the fix, in the function",
		src: `package x

func f() {
//line template.tmpl:300:5
	_ = 1
	_ = 2
}
`,
		wantErr: "the fix would go below the line directive on line 4 of x.go",
	}, {
		name: "a directive above the import",
		src: `//line gen.tmpl:1
package x

func f() {
	_ = 1
}
`,
		wantErr: "the fix would go below the line directive on line 1 of x.go",
	}, {
		name:    "a block directive on the line of the fix",
		src:     "package x\n\nfunc f() {\n\t_ = 1 /*line a.go:9:9*/; _ = 2\n}\n",
		wantErr: "the fix would go below the line directive on line 4 of x.go",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pkg, file := checked(t, tt.src)
			got, err := Apply(pkg, []*Fix{useImport(file, "f", "os")})
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Errorf("got error %v, want %q; output:\n%s", err, tt.wantErr, got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

// An import cannot go where a fix rewrites the line: then the fix fails,
// rather than producing a file that does not parse.
func TestApplyImportOnRewrittenLine(t *testing.T) {
	pkg, file := checked(t, "package x; func f() { _ = 1 }\n")
	got, err := Apply(pkg, []*Fix{useImport(file, "f", "os")})
	want := `cannot add the import of "os": a fix rewrites the line where it goes`
	if err == nil || err.Error() != want {
		t.Errorf("got error %v, want %q; output:\n%s", err, want, got)
	}
}

// A file that uses cgo is never rewritten: neither as written (it imports
// "C") nor as cmd/cgo translates it for the type checker (generated, its
// //line directives pointing at the file as written).
func TestApplyRefusesCgo(t *testing.T) {
	for name, src := range map[string]string{
		"as written": "package x\n\n// #include <stdlib.h>\nimport \"C\"\n\nfunc f() {\n\t_ = 1\n}\n",
		"translated": "// Code generated by cmd/cgo; DO NOT EDIT.\n\n//line /src/x/c.go:1:1\npackage x\n\nfunc f() {\n\t_ = 1\n}\n",
	} {
		t.Run(name, func(t *testing.T) {
			pkg, file := checked(t, src)
			if _, err := Apply(pkg, []*Fix{useImport(file, "f", "os")}); !errors.Is(err, ErrCgo) {
				t.Errorf("got %v, want ErrCgo", err)
			}
		})
	}
}

// On a large file, Edits decorates only the declarations its fixes are
// in, and makes the edits a decoration of the whole file makes, with
// comments between the declarations; where the other lines are not
// gofmt-clean, it inserts just the fix's lines, and keeps every other
// byte. A fix that reaches outside the declarations its sites are in is
// made on the whole file.
func TestEditsOfPartOfFile(t *testing.T) {
	for _, clean := range []bool{true, false} {
		var b strings.Builder
		b.WriteString("// Package x.\npackage x\n\nimport \"os\"\n\nvar _ = os.Args\n")
		for i := range 40 {
			fmt.Fprintf(&b, "\n// f%d does\n// things.\nfunc f%d() {\n\t_ = %d // one\n\tif true {\n\t\t_ = 2\n\t}\n}\n\n// between %d\n\ntype t%d struct{ a int }\n", i, i, i, i, i)
		}
		src := b.String()
		if !clean {
			src = strings.ReplaceAll(src, "type t", "type  t")
		}
		f, file := checked(t, src)
		tf := f.Fset.File(file.Pos())
		for _, fn := range [][]string{{"f0"}, {"f17", "f39"}, {"f3", "f4"}} {
			var fixes []*Fix
			for _, name := range fn {
				fixes = append(fixes, useImport(file, name, "os"))
			}
			part, view, ok := declsOfFixes(f, tf, fixes)
			if !ok || len(part.Decls) != len(fixes) {
				t.Fatalf("declsOfFixes: ok %v, %d declarations for %d fixes", ok, len(part.Decls), len(fixes))
			}
			got, ed, err := f.printedEdits(tf, part, view, fixes, false)
			if err != nil || ed == nil {
				t.Fatalf("%v: part: %v (editor %v)", fn, err, ed)
			}
			if clean {
				want, _, err := f.printedEdits(tf, file, nil, fixes, false)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, want) {
					t.Errorf("%v: edits of the part:\n%v\nof the whole file:\n%v", fn, got, want)
				}
			}
			out, err := udiff.Apply(src, got)
			want := src
			for _, name := range fn {
				at := fmt.Sprintf("\n\t_ = %s // one\n", name[1:])
				want = strings.Replace(want, at, at+"\tprintln(os.X)\n", 1)
			}
			if err != nil || out != want {
				t.Errorf("clean %v, %v: got\n%s", clean, fn, out)
			}
		}
		// A fix that edits a declaration its site is not in.
		var anchor ast.Stmt = file.Decls[2].(*ast.FuncDecl).Body.List[0] // f0's
		reach := &Fix{
			Sites: []Site{{Pos: file.Decls[10].Pos(), End: file.Decls[10].End()}},
			Edit:  func(e *Editor) error { return e.InsertAfter(anchor, &dst.ExprStmt{X: dst.NewIdent("x")}) },
		}
		part, view, ok := declsOfFixes(f, tf, []*Fix{reach})
		if !ok {
			t.Fatal("declsOfFixes refused one site")
		}
		if _, ed, err := f.printedEdits(tf, part, view, []*Fix{reach}, false); ed != nil || err != nil {
			t.Errorf("a fix reaching outside its part: editor %v, error %v; want neither", ed, err)
		}
		out, err := Apply(f, []*Fix{reach})
		if err != nil || !strings.Contains(string(out), "\t_ = 0 // one\n\tx\n") {
			t.Errorf("Apply: %v\n%s", err, out)
		}
	}
}
