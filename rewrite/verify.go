package rewrite

import (
	"errors"
	"fmt"
	"go/types"
	"strings"
	"sync"

	"github.com/leakfix/leakfix/fix"
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
	pkg := fix.Package{
		Path:     p.PkgPath,
		Fset:     p.Fset,
		Files:    p.Syntax,
		Importer: importerFor(p),
		Sizes:    p.TypesSizes,
	}
	if p.Module != nil && p.Module.GoVersion != "" {
		pkg.GoVersion = "go" + p.Module.GoVersion
	}
	return fix.Check(pkg, replaced, added)
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
