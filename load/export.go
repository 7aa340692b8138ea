package load

import (
	"errors"
	"fmt"
	"go/token"
	"go/types"
	"os"
	"strings"
	"sync"

	"golang.org/x/tools/go/gcexportdata"
	"golang.org/x/tools/go/packages"
)

// exportData reads the types of packages from the export data the go
// command built, each package once for the whole run, so that every
// package type-checked against them sees the same types.Package for a
// dependency, whichever batch it is in.
//
// Export data identifies packages by path, not by go list's IDs, and
// reading one package's export data may declare objects of the packages it
// mentions. So each ID gets its types.Package up front, and a read sees
// the packages of its own dependencies, by path, as gcexportdata.Read's
// "imports" view: an object is then declared once, in the package that
// every other read finds.
type exportData struct {
	fset *token.FileSet

	mu    sync.Mutex // reads may declare objects in any package: one at a time
	meta  map[string]*packages.Package
	types map[string]*types.Package
	errs  map[string]error
}

func newExportData(fset *token.FileSet) *exportData {
	return &exportData{
		fset:  fset,
		meta:  map[string]*packages.Package{},
		types: map[string]*types.Package{},
		errs:  map[string]error{},
	}
}

// add records the packages of a listing and, through their imports, of
// every package they depend on.
func (x *exportData) add(pkgs []*packages.Package) {
	packages.Visit(pkgs, func(p *packages.Package) bool {
		if _, ok := x.meta[p.ID]; ok {
			return false
		}
		x.meta[p.ID] = p
		return true
	}, nil)
}

// byPath returns the types of the package with the given import path (its
// plain variant, not a test's), for an import that a fix adds.
func (x *exportData) byPath(path string) (*types.Package, error) {
	if p, ok := x.meta[path]; ok && p.PkgPath == path {
		return x.load(p.ID)
	}
	return nil, errNotListed(path)
}

// load returns the complete types of the package with the given ID.
func (x *exportData) load(id string) (*types.Package, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if t := x.types[id]; t != nil && t.Complete() {
		return t, nil
	}
	if err, ok := x.errs[id]; ok {
		return nil, err
	}
	t, err := x.read(id)
	if err != nil {
		x.errs[id] = err
	}
	return t, err
}

func (x *exportData) read(id string) (*types.Package, error) {
	p, ok := x.meta[id]
	if !ok {
		return nil, fmt.Errorf("no package %s", id)
	}
	if p.ExportFile == "" {
		// The go command could not build it, and says why.
		var msgs []string
		for _, e := range p.Errors {
			msgs = append(msgs, strings.Join(strings.Fields(e.Msg), " "))
		}
		if len(msgs) == 0 {
			msgs = append(msgs, "it does not build")
		}
		return nil, errors.New(strings.Join(msgs, "; "))
	}
	f, err := os.Open(p.ExportFile)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// go list -export still hands out compiler archives (Go 1.26), which
	// only NewReader opens, deprecated as it is; go/packages does the same.
	//lint:ignore SA1019 the files are archives until Go 1.29
	r, err := gcexportdata.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("reading export data of %s: %v", p.PkgPath, err)
	}
	view := map[string]*types.Package{}
	seen := map[string]bool{}
	var visit func(p *packages.Package)
	visit = func(p *packages.Package) {
		if seen[p.ID] {
			return
		}
		seen[p.ID] = true
		view[p.PkgPath] = x.placeholder(p)
		for _, imp := range p.Imports {
			if dep, ok := x.meta[imp.ID]; ok {
				visit(dep)
			}
		}
	}
	visit(p)
	t, err := gcexportdata.Read(r, x.fset, view, p.PkgPath)
	if err != nil {
		return nil, fmt.Errorf("reading export data of %s: %v", p.PkgPath, err)
	}
	if t != x.types[id] {
		return nil, fmt.Errorf("reading export data of %s: the package was not read into its own types.Package", p.PkgPath)
	}
	return t, nil
}

// placeholder returns the types.Package of p, creating it empty if need
// be: the export data of p or of a package that mentions it fills it.
func (x *exportData) placeholder(p *packages.Package) *types.Package {
	t := x.types[p.ID]
	if t == nil {
		if p.PkgPath == "unsafe" {
			t = types.Unsafe
		} else {
			t = types.NewPackage(p.PkgPath, p.Name)
		}
		x.types[p.ID] = t
	}
	return t
}
