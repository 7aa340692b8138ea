package driver

import (
	"cmp"
	"fmt"
	"go/build"
	"go/types"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/leakfix/leakfix/config"
	"github.com/leakfix/leakfix/internal/syntax"
	"golang.org/x/tools/go/packages"
)

// resourceCheck checks the resources that configs declare against the
// types of the loaded packages: a func that names no function, a result
// the function does not have, a release method its result lacks. Each is
// a warning: the resource is then tracked by nothing (ownership ignores an
// acquirer's result the function does not have), and the user should
// know why.
//
// A func is checked in the first package whose imports (transitively)
// hold its package. One whose package no loaded package imports is
// checked at the end only where a directory says whether the package
// exists (the standard library's, the main modules'): a pre-commit run
// over a few files loads few packages, and a resource of a package they
// do not import is no mistake.
type resourceCheck struct {
	mu       sync.Mutex
	pending  map[*config.Resource]*config.Config // not found in any package's imports yet
	warnings []string
	modules  map[string]string   // main modules' paths → directories
	rel      func(string) string // a path as the user sees it
}

// see checks cfg's pending resources against p's package and its imports.
func (c *resourceCheck) see(cfg *config.Config, p *packages.Package) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pending == nil {
		c.pending = map[*config.Resource]*config.Config{}
		c.modules = map[string]string{}
	}
	if p.Module != nil && p.Module.Main {
		c.modules[p.Module.Path] = p.Module.Dir
	}
	var byPath map[string]*types.Package // made on first need
	for i := range cfg.Resources {
		r := &cfg.Resources[i]
		if done, seen := c.pending[r]; seen && done == nil {
			continue // checked
		}
		if byPath == nil {
			byPath = importedPackages(p.Types)
		}
		path, _ := splitFunc(r.Func)
		pkg := byPath[path]
		if pkg == nil {
			c.pending[r] = cfg
			continue
		}
		c.pending[r] = nil
		if why, at := checkResource(pkg, r); why != "" {
			c.warn(cfg, at, r, why)
		}
	}
}

// finish warns about the pending resources whose package does not exist.
func (c *resourceCheck) finish() []string {
	for r, cfg := range c.pending {
		if cfg == nil {
			continue
		}
		path, _ := splitFunc(r.Func)
		if dir, ok := c.packageDir(path); ok && !hasGoFiles(dir) {
			c.warn(cfg, r.FuncPos, r, fmt.Sprintf("there is no package %s", path))
		}
	}
	return c.warnings
}

func (c *resourceCheck) warn(cfg *config.Config, pos config.Pos, r *config.Resource, why string) {
	c.warnings = append(c.warnings, fmt.Sprintf("%s: func %s: %s", config.Position(c.rel(cfg.Path), pos), r.Func, why))
}

// packageDir is the directory a package of path would be in, where that
// is known without the go command: in the standard library, when its
// first element has no dot, or in a main module.
func (c *resourceCheck) packageDir(path string) (string, bool) {
	for mod, dir := range c.modules {
		if rest, ok := strings.CutPrefix(path, mod); ok && (rest == "" || rest[0] == '/') {
			return filepath.Join(dir, filepath.FromSlash(rest)), true
		}
	}
	if syntax.IsStandardPath(path) && build.Default.GOROOT != "" {
		return filepath.Join(build.Default.GOROOT, "src", filepath.FromSlash(path)), true
	}
	return "", false
}

func hasGoFiles(dir string) bool {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".go") {
			return true
		}
	}
	return false
}

// importedPackages maps the paths of pkg and of every package it imports,
// directly or not, to their types.
func importedPackages(pkg *types.Package) map[string]*types.Package {
	out := map[string]*types.Package{}
	var add func(*types.Package)
	add = func(p *types.Package) {
		if p == nil || out[p.Path()] != nil {
			return
		}
		out[p.Path()] = p
		for _, imp := range p.Imports() {
			add(imp)
		}
	}
	add(pkg)
	return out
}

// splitFunc splits a function's full name as go/types spells it into its
// package path and the rest: "example.com/s.Open" → "example.com/s",
// "Open"; "(*example.com/s.Pool).Get" → "example.com/s", "(*Pool).Get".
func splitFunc(full string) (path, rest string) {
	if recv, method, ok := strings.Cut(strings.TrimPrefix(full, "("), ")."); ok && strings.HasPrefix(full, "(") {
		star := ""
		if strings.HasPrefix(recv, "*") {
			star, recv = "*", recv[1:]
		}
		i := strings.LastIndex(recv, ".")
		return recv[:max(i, 0)], "(" + star + recv[i+1:] + ")." + method
	}
	i := strings.LastIndex(full, ".")
	return full[:max(i, 0)], full[i+1:]
}

// checkResource says what is wrong with r, whose package is pkg, and where
// in the file, or returns "".
func checkResource(pkg *types.Package, r *config.Resource) (string, config.Pos) {
	fn, why := lookupFunc(pkg, r.Func)
	if fn == nil {
		return why, r.FuncPos
	}
	results := fn.Signature().Results()
	switch n := results.Len(); {
	case n == 0:
		return "it returns nothing", r.FuncPos
	case r.Result >= n:
		return fmt.Sprintf("result %d is out of range: its results are 0 to %d; the resource is not tracked", r.Result, n-1), r.ResultPos
	}
	t := results.At(r.Result).Type()
	release := cmp.Or(r.Release, "Close")
	if m, _, _ := types.LookupFieldOrMethod(t, true, fn.Pkg(), release); m == nil {
		return fmt.Sprintf("its result %d, %s, has no method %s; its leaks are reported, never fixed", r.Result, types.TypeString(t, nil), release), r.FuncPos
	} else if _, ok := m.(*types.Func); !ok {
		return fmt.Sprintf("%s of its result %d, %s, is not a method; its leaks are reported, never fixed", release, r.Result, types.TypeString(t, nil)), r.FuncPos
	}
	return "", config.Pos{}
}

// lookupFunc finds the function or method of pkg whose full name is full,
// or says why there is none.
func lookupFunc(pkg *types.Package, full string) (*types.Func, string) {
	_, rest := splitFunc(full)
	if !strings.HasPrefix(rest, "(") {
		switch obj := pkg.Scope().Lookup(rest); obj := obj.(type) {
		case *types.Func:
			return obj, ""
		case nil:
			return nil, fmt.Sprintf("package %s has no function %s", pkg.Path(), rest)
		default:
			return nil, fmt.Sprintf("%s is not a function", types.ObjectString(obj, nil))
		}
	}
	recv, method, _ := strings.Cut(strings.TrimPrefix(rest, "("), ").")
	name, _, _ := strings.Cut(strings.TrimPrefix(recv, "*"), "[") // a generic type's parameters
	tn, ok := pkg.Scope().Lookup(name).(*types.TypeName)
	if !ok {
		return nil, fmt.Sprintf("package %s has no type %s", pkg.Path(), name)
	}
	obj, _, _ := types.LookupFieldOrMethod(tn.Type(), true, pkg, method)
	fn, ok := obj.(*types.Func)
	if !ok {
		return nil, fmt.Sprintf("%s has no method %s", tn.Name(), method)
	}
	if got := fn.Origin().FullName(); got != full {
		// Calls are matched by the full name of the method they call:
		// the receiver as declared, or the embedded type's for a
		// promoted method.
		return nil, fmt.Sprintf("the method is %s; name it so", got)
	}
	return fn, ""
}
