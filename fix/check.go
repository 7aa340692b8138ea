package fix

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
)

// A Package is what type-checking a package again, with fixed files, needs:
// its syntax as loaded and the types of its imports. Both the command line
// (from go/packages) and the analyzers (from an analysis.Pass) describe their
// package this way, so a fix is held to the same check everywhere.
type Package struct {
	Path  string
	Fset  *token.FileSet
	Files []*ast.File
	// Importer resolves the package's imports, and those a fix adds, to
	// the types the package was checked against.
	Importer  types.Importer
	Sizes     types.Sizes
	GoVersion string // "go1.22", or "" for the newest
}

// ImporterFunc is a types.Importer that is a function.
type ImporterFunc func(path string) (*types.Package, error)

func (f ImporterFunc) Import(path string) (*types.Package, error) { return f(path) }

// Check type-checks pkg again, in memory, with some of its files replaced
// by new content (keyed by file name), and returns the first error.
//
// The function bodies of the files not replaced are left out of the
// check: the package type-checked as loaded, and fixes edit function
// bodies and add declarations, never the type of one that exists, so
// those bodies type-check as before. What the replaced files declare and
// use is checked against every declaration of the package, so a clash
// with another file (a name declared twice) is found. Left without their
// bodies, the other files may import packages they no longer use, which
// is not an error of the fixes. On a large package this makes a check a
// fraction of a full one.
func Check(pkg Package, replaced map[string][]byte) error {
	files := make([]*ast.File, 0, len(pkg.Files))
	bodiless := map[*token.File]bool{}
	for _, f := range pkg.Files {
		// The file's own name: //line directives may name another.
		tf := pkg.Fset.File(f.Pos())
		src, ok := replaced[tf.Name()]
		if !ok {
			files = append(files, withoutBodies(f))
			bodiless[tf] = true
			continue
		}
		nf, err := parser.ParseFile(pkg.Fset, tf.Name(), src, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files = append(files, nf)
	}
	var first error
	conf := types.Config{
		Importer:  pkg.Importer,
		Sizes:     pkg.Sizes,
		GoVersion: pkg.GoVersion,
		Error: func(err error) {
			if te, ok := err.(types.Error); ok && te.Soft && bodiless[pkg.Fset.File(te.Pos)] {
				// An import that only the bodies left out used: the
				// file is as loaded, which type-checked, so a soft
				// error there (unused, never wrong) is the check's own.
				return
			}
			if first == nil {
				first = err
			}
		},
	}
	// The per-file Go versions (//go:build go1.N) are applied from the
	// files themselves; no other type information is needed.
	conf.Check(pkg.Path, pkg.Fset, files, &types.Info{FileVersions: map[*ast.File]string{}})
	return first
}

// withoutBodies is f with its functions' bodies left out, but for those
// the type checker requires: an init function's and a generic one's.
func withoutBodies(f *ast.File) *ast.File {
	out := *f
	out.Decls = make([]ast.Decl, len(f.Decls))
	for i, d := range f.Decls {
		out.Decls[i] = d
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil && fd.Type.TypeParams == nil && !(fd.Recv == nil && fd.Name.Name == "init") {
			bodiless := *fd
			bodiless.Body = nil
			out.Decls[i] = &bodiless
		}
	}
	return &out
}
