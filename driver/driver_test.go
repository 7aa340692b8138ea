package driver

import (
	"fmt"
	"go/ast"
	"go/token"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"weak"

	"github.com/dave/dst"
	"github.com/leakfix/leakfix/fix"
	"github.com/leakfix/leakfix/internal/cases"
	"github.com/leakfix/leakfix/load"
	"github.com/leakfix/leakfix/rules"
	"github.com/leakfix/leakfix/write"
)

// writeModule writes a module named example.com/m with the given files
// into a new directory, makes it the current directory, and returns it.
func writeModule(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files["go.mod"] = "module example.com/m\n\ngo 1.22\n"
	if err := cases.WriteFiles(dir, files); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	return dir
}

// callAfter is a fix that inserts a call of fn after stmt.
func callAfter(stmt ast.Stmt, fn string) *fix.Fix {
	return &fix.Fix{
		Message: "call " + fn,
		Sites:   []fix.Site{{Pos: stmt.Pos(), End: stmt.End()}},
		Edit: func(e *fix.Editor) error {
			return e.InsertAfter(stmt, &dst.ExprStmt{X: &dst.CallExpr{Fun: dst.NewIdent(fn)}})
		},
	}
}

// firstStmts returns the first statement of each function of the pass, by
// function name.
func firstStmts(pass *rules.Pass) map[string]ast.Stmt {
	stmts := map[string]ast.Stmt{}
	for _, f := range pass.Files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil && len(fd.Body.List) > 0 {
				stmts[fd.Name.Name] = fd.Body.List[0]
			}
		}
	}
	return stmts
}

// logTo returns a Log function that collects the notes.
func logTo(notes *[]string) func(string, ...any) {
	var mu sync.Mutex
	return func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		*notes = append(*notes, fmt.Sprintf(format, args...))
	}
}

// A fix whose result does not type-check is dropped: the finding stays,
// without a fix and saying why (and -v says so too), while a good fix in
// the same file is kept.
func TestDropsFixThatDoesNotTypeCheck(t *testing.T) {
	writeModule(t, map[string]string{"p/p.go": `package p

func ok() {}

func Good() {
	_ = 1
}

func Bad() {
	_ = 2
}
`})
	rule := &rules.Rule{Name: "test", Run: func(pass *rules.Pass) {
		stmts := firstStmts(pass)
		pass.Report(rules.Finding{Pos: stmts["Good"].Pos(), Message: "good", Fix: callAfter(stmts["Good"], "ok")})
		pass.Report(rules.Finding{Pos: stmts["Bad"].Pos(), Message: "bad", Fix: callAfter(stmts["Bad"], "undefinedFunction")})
	}}
	var notes []string
	res, err := Run(Options{Args: []string{"./..."}, Rules: []*rules.Rule{rule}, Log: logTo(&notes)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) > 0 || len(res.Findings) != 2 || len(res.Changes) != 1 {
		t.Fatalf("got %d errors, %d findings, %d changes; want 0, 2, 1", len(res.Errors), len(res.Findings), len(res.Changes))
	}
	good, bad := res.Findings[0], res.Findings[1]
	if !good.Fixed() || good.NoFix != "" {
		t.Errorf("the good fix was not kept: %+v", good)
	}
	if bad.Fixed() || !strings.Contains(bad.NoFix, "does not type-check") || !strings.Contains(bad.NoFix, "undefinedFunction") {
		t.Errorf("the bad fix: Fixed %v, NoFix %q; want not fixed, with the type error", bad.Fixed(), bad.NoFix)
	}
	if got := string(res.Changes[0].New); !strings.Contains(got, "\tok()\n") || strings.Contains(got, "undefinedFunction") {
		t.Errorf("fixed file:\n%s", got)
	}
	want := `p/p.go:10:2: dropped fix "call undefinedFunction": the fixed file does not type-check`
	if !slices.ContainsFunc(notes, func(n string) bool { return strings.HasPrefix(n, want) }) {
		t.Errorf("no note %q in:\n%s", want, strings.Join(notes, "\n"))
	}
}

// Of two fixes in two files that type-check each alone but not
// together, the first (by file name) is kept and the other dropped,
// saying why.
func TestDropsFixesThatDoNotTypeCheckTogether(t *testing.T) {
	writeModule(t, map[string]string{
		"p/a.go": "package p\n\nfunc A() {\n\t_ = 1\n}\n",
		"p/b.go": "package p\n\nfunc B() {\n\t_ = 2\n}\n",
	})
	// Each fix declares the same function in its file.
	declareHelper := func(file *ast.File, at ast.Stmt) *fix.Fix {
		return &fix.Fix{
			Message: "declare helper",
			Sites:   []fix.Site{{Pos: at.Pos(), End: at.End()}},
			Edit: func(e *fix.Editor) error {
				d, err := e.Dst(file)
				if err != nil {
					return err
				}
				df := d.(*dst.File)
				df.Decls = append(df.Decls, &dst.FuncDecl{
					Name: dst.NewIdent("helper"),
					Type: &dst.FuncType{},
					Body: &dst.BlockStmt{},
					Decs: dst.FuncDeclDecorations{NodeDecs: dst.NodeDecs{Before: dst.EmptyLine}},
				})
				return nil
			},
		}
	}
	rule := &rules.Rule{Name: "test", Run: func(pass *rules.Pass) {
		stmts := firstStmts(pass)
		for i, fn := range []string{"A", "B"} {
			pass.Report(rules.Finding{Pos: stmts[fn].Pos(), Message: fn, Fix: declareHelper(pass.Files[i], stmts[fn])})
		}
	}}
	res, err := Run(Options{Args: []string{"./..."}, Rules: []*rules.Rule{rule}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 2 {
		t.Fatalf("%d findings, want 2", len(res.Findings))
	}
	a, b := res.Findings[0], res.Findings[1]
	if len(res.Changes) != 1 || filepath.Base(res.Changes[0].Path) != "a.go" || !a.Fixed() {
		t.Errorf("A: Fixed %v, NoFix %q, %d changes; want a.go fixed alone", a.Fixed(), a.NoFix, len(res.Changes))
	}
	if b.Fixed() || !strings.Contains(b.NoFix, "does not type-check") || !strings.Contains(b.NoFix, "helper redeclared") {
		t.Errorf("B: Fixed %v, NoFix %q; want not fixed, the package not type-checking with A's fix", b.Fixed(), b.NoFix)
	}
}

// The content a change replaces is the one the package was loaded from:
// a file edited while leakfix runs is not silently overwritten, since
// writing checks the file still holds Old.
func TestChangeOldIsLoadedContent(t *testing.T) {
	const src = "package p\n\nfunc ok() {}\n\nfunc F() {\n\t_ = 1\n}\n"
	dir := writeModule(t, map[string]string{"p/p.go": src})
	path := filepath.Join(dir, "p", "p.go")
	rule := &rules.Rule{Name: "test", Run: func(pass *rules.Pass) {
		stmt := firstStmts(pass)["F"]
		pass.Report(rules.Finding{Pos: stmt.Pos(), Message: "f", Fix: callAfter(stmt, "ok")})
		// The user saves the file while leakfix runs.
		if err := os.WriteFile(path, []byte(strings.Replace(src, "_ = 1", "_ = 7", 1)), 0o644); err != nil {
			t.Error(err)
		}
	}}
	res, err := Run(Options{Args: []string{"./..."}, Rules: []*rules.Rule{rule}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Changes) != 1 {
		t.Fatalf("%d changes, want 1", len(res.Changes))
	}
	if got := string(res.Changes[0].Old); got != src {
		t.Errorf("Old is %q, want the loaded content %q", got, src)
	}
	if err := write.File(path, res.Changes[0].Old, res.Changes[0].New); err == nil {
		t.Error("WriteFile overwrote the file edited meanwhile")
	}
}

// Packages are loaded in batches, dependencies first: what a package does
// with a resource it is given is known to the packages that import it,
// and each batch is released before the next is analyzed, the fixes of its
// findings included.
func TestBatches(t *testing.T) {
	writeModule(t, map[string]string{
		"c/c.go": "package c\n\nimport \"os\"\n\nfunc Done(f *os.File) { f.Close() }\n",
		"b/b.go": `package b

import (
	"os"

	"example.com/m/c"
)

func Use(p string) {
	f, err := os.Open(p)
	if err != nil {
		return
	}
	c.Done(f)
}
`,
		"a/a.go": "package a\n\nimport _ \"example.com/m/b\"\n\nfunc A() {\n\t_ = 1\n}\n",
	})
	var (
		order []string
		trees []weak.Pointer[ast.File]
		alive []string
	)
	probe := &rules.Rule{Name: "probe", Run: func(pass *rules.Pass) {
		runtime.GC()
		for i, w := range trees {
			if w.Value() != nil {
				alive = append(alive, fmt.Sprintf("%s (while analyzing %s)", order[i], pass.Types.Path()))
			}
		}
		order = append(order, pass.Types.Path())
		trees = append(trees, weak.Make(pass.Files[0]))
		// A fix may hold on to the syntax of its whole package, as
		// missing-close's do through the package's inspector.
		for _, stmt := range firstStmts(pass) {
			fx, files := callAfter(stmt, "println"), pass.Files
			edit := fx.Edit
			fx.Edit = func(e *fix.Editor) error {
				_ = files
				return edit(e)
			}
			pass.Report(rules.Finding{Pos: stmt.Pos(), Message: "probe", Fix: fx})
		}
	}}
	res, err := Run(Options{
		Load:  load.Config{BatchBytes: 1},
		Args:  []string{"./..."},
		Rules: []*rules.Rule{rules.MissingClose, probe},
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"example.com/m/c", "example.com/m/b", "example.com/m/a"}; !slices.Equal(order, want) {
		t.Errorf("analyzed in the order %v, want %v", order, want)
	}
	if len(alive) > 0 {
		t.Errorf("syntax of earlier batches still in memory: %v", alive)
	}
	for _, f := range res.Findings {
		if f.Rule == rules.MissingClose.Name {
			t.Errorf("%s: %s: c.Done's summary was not known to b", f.Position, f.Message)
		}
	}
}

// A package whose tests do not type-check is still analyzed and fixed,
// without them; the tests' errors are reported.
func TestBrokenTestsLeavePackageAnalyzed(t *testing.T) {
	writeModule(t, map[string]string{
		"p/p.go": `package p

import "os"

func Name(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	return f.Name()
}
`,
		"p/p_test.go": "package p\n\nvar _ int = \"not an int\"\n",
	})
	res, err := Run(Options{Load: load.Config{Tests: true}, Args: []string{"./..."}, Rules: rules.All()})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != 1 || !strings.HasSuffix(res.Errors[0].Pos, "p_test.go:3:13") {
		t.Errorf("errors: %v, want one, in p_test.go", res.Errors)
	}
	if len(res.Findings) != 1 || !res.Findings[0].Fixed() || len(res.Changes) != 1 {
		t.Errorf("findings %v, %d changes; want p.go's leak fixed", res.Findings, len(res.Changes))
	}
}

// useImport is a fix that inserts "_ = NAME.sel" after stmt, NAME being
// the name the file gets for importPath.
func useImport(stmt ast.Stmt, importPath, sel string) *fix.Fix {
	return &fix.Fix{
		Message: "use " + importPath,
		Sites:   []fix.Site{{Pos: stmt.Pos(), End: stmt.End()}},
		Edit: func(e *fix.Editor) error {
			name := e.ImportName(importPath)
			return e.InsertAfter(stmt, &dst.AssignStmt{
				Lhs: []dst.Expr{dst.NewIdent("_")}, Tok: token.ASSIGN,
				Rhs: []dst.Expr{&dst.SelectorExpr{X: dst.NewIdent(name), Sel: dst.NewIdent(sel)}},
			})
		},
	}
}

// An import a fix adds is type-checked against the export data the load
// built: a dependency of the loaded packages (io, through os) resolves,
// and a fix that needs a package outside them is dropped, saying why.
func TestImportsAddedByFixes(t *testing.T) {
	writeModule(t, map[string]string{"p/p.go": `package p

import "os"

func UsesIO() {
	_ = os.Args
}

func UsesHTTP() {
	_ = os.Args
}
`})
	rule := &rules.Rule{Name: "test", Run: func(pass *rules.Pass) {
		stmts := firstStmts(pass)
		pass.Report(rules.Finding{Pos: stmts["UsesIO"].Pos(), Message: "io", Fix: useImport(stmts["UsesIO"], "io", "EOF")})
		pass.Report(rules.Finding{Pos: stmts["UsesHTTP"].Pos(), Message: "http", Fix: useImport(stmts["UsesHTTP"], "net/http", "MethodGet")})
	}}
	res, err := Run(Options{Args: []string{"./..."}, Rules: []*rules.Rule{rule}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) > 0 || len(res.Findings) != 2 || len(res.Changes) != 1 {
		t.Fatalf("got %d errors, %d findings, %d changes; want 0, 2, 1", len(res.Errors), len(res.Findings), len(res.Changes))
	}
	io, http := res.Findings[0], res.Findings[1]
	if !io.Fixed() {
		t.Errorf("the fix importing io was not kept: %q", io.NoFix)
	}
	if http.Fixed() || !strings.Contains(http.NoFix, `import "net/http": not a dependency of the loaded packages`) {
		t.Errorf("the fix importing net/http: Fixed %v, NoFix %q", http.Fixed(), http.NoFix)
	}
	got := string(res.Changes[0].New)
	if !strings.Contains(got, "import (\n\t\"io\"\n\t\"os\"\n)") && !strings.Contains(got, "import \"io\"") {
		t.Errorf("fixed file does not import io:\n%s", got)
	}
}
