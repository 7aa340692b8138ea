package load

import (
	"fmt"
	"go/types"

	"github.com/leakfix/leakfix/fix"
	"golang.org/x/tools/go/packages"
)

// Checked describes p for fix.Check, which type-checks it again, in
// memory, with fixed files. Imports resolve to the types the load read
// from export data, also one that only a fix imports, so a check costs one
// type-check of one package, and every type is the one the rest of the run
// sees.
func (l *Plan) Checked(p *packages.Package) fix.Package {
	return Checked(p, l.exports.byPath)
}

// Checked is Plan.Checked for a package checked outside a Plan: p's own
// imports resolve to the types p was checked with, others through more.
func Checked(p *packages.Package, more func(path string) (*types.Package, error)) fix.Package {
	pkg := fix.Package{
		Path:  p.PkgPath,
		Fset:  p.Fset,
		Files: p.Syntax,
		Sizes: p.TypesSizes,
		Importer: fix.ImporterFunc(func(path string) (*types.Package, error) {
			if path == "unsafe" {
				return types.Unsafe, nil
			}
			if ip, ok := p.Imports[path]; ok && ip.Types != nil {
				return ip.Types, nil
			}
			return more(path)
		}),
	}
	if p.Module != nil && p.Module.GoVersion != "" {
		pkg.GoVersion = "go" + p.Module.GoVersion
	}
	return pkg
}

// errNotListed is why a package that no listed package depends on cannot
// be imported by a fix: its export data was never built.
func errNotListed(path string) error {
	return fmt.Errorf("import %q: not a dependency of the loaded packages", path)
}
