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

// Check type-checks pkg again, in memory, with some of its files replaced by
// new content (keyed by file name), and returns the first error.
func Check(pkg Package, replaced map[string][]byte) error {
	files := make([]*ast.File, 0, len(pkg.Files))
	for _, f := range pkg.Files {
		// The file's own name: //line directives may name another.
		name := pkg.Fset.File(f.Pos()).Name()
		src, ok := replaced[name]
		if !ok {
			files = append(files, f)
			continue
		}
		nf, err := parser.ParseFile(pkg.Fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
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
