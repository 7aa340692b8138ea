package rewrite

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/types"
	"strings"
	"sync"

	"golang.org/x/tools/go/packages"
)

// Verify type-checks p again, in memory, with some of its files replaced by
// new content (keyed by file name), and returns the first error. The
// dependencies' types are the ones the load read from export data, so this
// costs one type-check of one package; a dependency that only the new
// content imports is loaded from export data too.
func Verify(p *packages.Package, replaced map[string][]byte) error {
	return VerifyWith(p, replaced, nil)
}

// VerifyWith is Verify with files added to the package too (keyed by
// file name).
func VerifyWith(p *packages.Package, replaced, added map[string][]byte) error {
	files := make([]*ast.File, 0, len(p.Syntax)+len(added))
	for name, src := range added {
		nf, err := parser.ParseFile(p.Fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files = append(files, nf)
	}
	for _, f := range p.Syntax {
		name := p.Fset.Position(f.Pos()).Filename
		src, ok := replaced[name]
		if !ok {
			files = append(files, f)
			continue
		}
		nf, err := parser.ParseFile(p.Fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files = append(files, nf)
	}
	var errs []error
	conf := types.Config{
		Importer: importerFor(p),
		Sizes:    p.TypesSizes,
		Error:    func(err error) { errs = append(errs, err) },
	}
	if p.Module != nil && p.Module.GoVersion != "" {
		conf.GoVersion = "go" + p.Module.GoVersion
	}
	info := &types.Info{
		Types: map[ast.Expr]types.TypeAndValue{}, Defs: map[*ast.Ident]types.Object{},
		Uses: map[*ast.Ident]types.Object{}, Implicits: map[ast.Node]types.Object{},
		Instances: map[*ast.Ident]types.Instance{}, Scopes: map[ast.Node]*types.Scope{},
		Selections: map[*ast.SelectorExpr]*types.Selection{}, FileVersions: map[*ast.File]string{},
	}
	conf.Check(p.PkgPath, p.Fset, files, info)
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// importerFor resolves p's imports to the types its load produced.
func importerFor(p *packages.Package) types.Importer {
	return importerFunc(func(path string) (*types.Package, error) {
		if path == "unsafe" {
			return types.Unsafe, nil
		}
		if ip, ok := p.Imports[path]; ok && ip.Types != nil {
			return ip.Types, nil
		}
		return extraImport(path)
	})
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

var extra struct {
	sync.Mutex
	pkgs map[string]*types.Package
}

// extraImport loads, from export data, a package that a fix added an import
// of.
func extraImport(path string) (*types.Package, error) {
	extra.Lock()
	defer extra.Unlock()
	if t, ok := extra.pkgs[path]; ok {
		return t, nil
	}
	pkgs, err := packages.Load(&packages.Config{Mode: packages.NeedName | packages.NeedTypes}, path)
	if err != nil {
		return nil, err
	}
	if len(pkgs) != 1 || len(pkgs[0].Errors) > 0 || pkgs[0].Types == nil {
		var msgs []string
		for _, p := range pkgs {
			for _, e := range p.Errors {
				msgs = append(msgs, e.Msg)
			}
		}
		return nil, fmt.Errorf("import %q: %w", path, errors.New(strings.Join(msgs, "; ")))
	}
	if extra.pkgs == nil {
		extra.pkgs = map[string]*types.Package{}
	}
	extra.pkgs[path] = pkgs[0].Types
	return pkgs[0].Types, nil
}
