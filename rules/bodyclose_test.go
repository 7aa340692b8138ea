package rules_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aymanbagabas/go-udiff"
	"github.com/leakfix/leakfix/driver"
	"github.com/leakfix/leakfix/internal/cases"
	"github.com/leakfix/leakfix/load"
	"github.com/leakfix/leakfix/rules"
)

// bodycloseMinFound is how many of the functions bodyclose reports a leak in
// leakfix must find too.
const bodycloseMinFound = 9

// bodycloseWant marks, in testdata/bodyclose, a line bodyclose reports (its
// `// want`, renamed so that the golden tests leave it alone).
const bodycloseWant = "// bodyclose-want "

// TestBodyclose runs leakfix over bodyclose's own test suite
// (testdata/bodyclose, see its README.md), function by function: a
// function with a bodyclose-want mark leaks a response body, and leakfix
// should report something in most of them; one without does not, and
// leakfix must neither report anything in it nor change it.
func TestBodyclose(t *testing.T) {
	mod, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	files, err := cases.Layout(mod, filepath.Join("..", "testdata", "bodyclose"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := driver.Run(driver.Options{
		Load:  load.Config{Dir: mod, Tests: true},
		Args:  []string{"./..."},
		Rules: []*rules.Rule{rules.MissingClose, rules.DeferInLoop, rules.EarlyCancel},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Errors {
		t.Errorf("load error: %s: %s", e.Pos, e.Msg)
	}

	// The functions of every file, and which of them bodyclose reports.
	fset := token.NewFileSet()
	syntax := map[string]*ast.File{} // file in mod → its syntax
	var funcs []string               // in file order
	positive := map[string]bool{}
	for _, f := range files {
		file, err := parser.ParseFile(fset, f.Path, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		syntax[f.Path] = file
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok {
				continue
			}
			name := funcName(mod, fset, fn)
			if slices.Contains(funcs, name) {
				t.Fatalf("two functions named %s in testdata/bodyclose", name)
			}
			funcs = append(funcs, name)
			for _, cg := range file.Comments {
				for _, c := range cg.List {
					if c.Pos() >= fn.Pos() && c.End() <= fn.End() && strings.HasPrefix(c.Text, bodycloseWant) {
						positive[name] = true
					}
				}
			}
		}
	}
	if len(positive) < bodycloseMinFound {
		t.Fatalf("only %d functions with a %q mark in testdata/bodyclose", len(positive), bodycloseWant)
	}
	// enclosing returns the function that holds the byte at offset in file,
	// or "" when none does.
	enclosing := func(path string, offset int) string {
		file, ok := syntax[path]
		if !ok {
			return ""
		}
		pos := token.Pos(fset.File(file.Pos()).Base() + offset)
		for _, decl := range file.Decls {
			if fn, ok := decl.(*ast.FuncDecl); ok && fn.Pos() <= pos && pos < fn.End() {
				return funcName(mod, fset, fn)
			}
		}
		return ""
	}

	reported := map[string][]string{} // function → its findings' texts
	for _, f := range res.Findings {
		name := enclosing(f.File, f.Position.Offset)
		if name == "" {
			t.Errorf("%s: finding outside any function: %s", f.Position, f.Text())
			continue
		}
		reported[name] = append(reported[name], fmt.Sprintf("line %d: %s", f.Position.Line, f.Text()))
	}
	changed := map[string]bool{} // function → a fix changes it
	for _, ch := range res.Changes {
		if _, ok := syntax[ch.Path]; !ok {
			t.Logf("a fix adds or changes %s", ch.Path)
			continue
		}
		for _, e := range udiff.Lines(string(ch.Old), string(ch.New)) {
			if name := enclosing(ch.Path, e.Start); name != "" {
				changed[name] = true
			} else {
				t.Errorf("%s: changed outside any function, at offset %d: %q", ch.Path, e.Start, e.New)
			}
		}
	}

	var found, missed []string
	for _, name := range funcs {
		switch {
		case positive[name] && len(reported[name]) > 0:
			found = append(found, name)
		case positive[name]:
			missed = append(missed, name)
		case len(reported[name]) > 0:
			t.Errorf("%s: bodyclose reports nothing here, leakfix does:\n\t%s", name, strings.Join(reported[name], "\n\t"))
		}
		if !positive[name] && changed[name] {
			t.Errorf("%s: bodyclose reports nothing here, a fix changes it", name)
		}
	}
	t.Logf("found %d of %d functions bodyclose reports: %s", len(found), len(positive), strings.Join(found, ", "))
	for _, name := range found {
		t.Logf("  %s:\n\t%s", name, strings.Join(reported[name], "\n\t"))
	}
	t.Logf("missed: %s", strings.Join(missed, ", "))
	var fixed []string
	for _, name := range funcs {
		if changed[name] {
			fixed = append(fixed, name)
		}
	}
	t.Logf("changed by fixes: %s", strings.Join(fixed, ", "))
	if len(found) < bodycloseMinFound {
		t.Errorf("found %d of the %d functions bodyclose reports, want at least %d; missed: %s",
			len(found), len(positive), bodycloseMinFound, strings.Join(missed, ", "))
	}
}

// funcName names fn for the test's messages: its package's directory and its
// name, with its receiver type for a method ("a.(*MyResponse).Response").
func funcName(mod string, fset *token.FileSet, fn *ast.FuncDecl) string {
	dir, err := filepath.Rel(mod, filepath.Dir(fset.Position(fn.Pos()).Filename))
	if err != nil {
		dir = "?"
	}
	name := fn.Name.Name
	if fn.Recv != nil && len(fn.Recv.List) == 1 {
		recv := fn.Recv.List[0].Type
		if star, ok := recv.(*ast.StarExpr); ok {
			name = fmt.Sprintf("(*%s).%s", typeName(star.X), name)
		} else {
			name = fmt.Sprintf("%s.%s", typeName(recv), name)
		}
	}
	return filepath.ToSlash(dir) + "." + name
}

func typeName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.IndexExpr:
		return typeName(e.X)
	case *ast.IndexListExpr:
		return typeName(e.X)
	}
	return "?"
}
