package fix

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strings"
	"testing"
)

// Check leaves the bodies of the files not replaced out, and with them
// the uses of their imports, but still finds a replaced file's clash
// with another file's declarations, and its own errors.
func TestCheckWithoutOtherBodies(t *testing.T) {
	dep := types.NewPackage("dep", "dep")
	dep.Scope().Insert(types.NewFunc(token.NoPos, dep, "F", types.NewSignatureType(nil, nil, nil, nil, nil, false)))
	dep.MarkComplete()
	fset := token.NewFileSet()
	var files []*ast.File
	for _, file := range [][2]string{
		{"/p/a.go", "package p\n\nfunc A() {}\n"},
		{"/p/b.go", "package p\n\nimport \"dep\"\n\nfunc helper() {}\n\nfunc B() int {\n\tdep.F()\n\treturn 1\n}\n\nfunc init() { B() }\n"},
	} {
		f, err := parser.ParseFile(fset, file[0], file[1], parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	pkg := Package{Path: "p", Fset: fset, Files: files, Importer: ImporterFunc(func(string) (*types.Package, error) { return dep, nil })}
	for _, tt := range []struct{ a, wantErr string }{
		{"package p\n\nfunc A() { _ = B() }\n", ""},
		{"package p\n\nfunc A() {}\n\nfunc helper() {}\n", "helper redeclared"},
		{"package p\n\nfunc A() { x := 1 }\n", "declared and not used"},
		{"package p\n\nimport \"dep\"\n\nfunc A() {}\n", `"dep" imported and not used`},
	} {
		err := Check(pkg, map[string][]byte{"/p/a.go": []byte(tt.a)})
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("a.go %q: got %v, want %q", tt.a, err, tt.wantErr)
		}
	}
	// The files as they were still have their bodies: b.go's import is
	// used, and its body checked.
	if b := files[1].Decls[2].(*ast.FuncDecl); b.Name.Name != "B" || b.Body == nil {
		t.Error("Check took the body out of a loaded file's syntax")
	}
}
