// Package rewrite loads packages, applies fixes to their decorated syntax
// trees, verifies the result and writes it back.
//
// Only the named packages are type-checked from source; their dependencies
// come from export data. Only files with fixes are decorated, and only the
// parts of a restored file at a fix site are kept, so every other byte of
// the file stays as it was.
package rewrite

import (
	"errors"
	"fmt"
	"go/ast"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"
)

// LoadConfig says how to load packages.
type LoadConfig struct {
	Dir   string // where to run the go command ("" for the current directory)
	Tags  string // build tags, as for go build -tags
	Tests bool   // include _test.go files
}

// A Load is the result of loading the command line's arguments.
type Load struct {
	// Packages are the loaded, type-checked packages to analyze: each
	// file belongs to exactly one of them (a package's test variant
	// replaces it, since it has all its files).
	Packages []*packages.Package
	// Errors are the load, parse and type errors, one per problem, as
	// "file:line:col: message" where there is a position.
	Errors []Error
	// Only holds the absolute names of the .go files named on the command
	// line. A package reached only through them is analyzed for them alone.
	Only       map[string]bool
	restricted map[string]bool // IDs of packages reached only through named files
	// Unloaded are named files that no loaded package holds, such as files
	// excluded by build constraints: they are left alone.
	Unloaded []string
}

// An Error is a problem loading a package.
type Error struct {
	Pos string // "file:line:col" (absolute file), or "" when unknown
	Msg string
}

const loadMode = packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
	packages.NeedImports | packages.NeedTypes | packages.NeedTypesInfo | packages.NeedSyntax |
	packages.NeedTypesSizes | packages.NeedModule

// LoadPackages loads args: package patterns as go build takes them, or .go
// files, each standing for the package that holds it. Packages that fail to
// load or type-check are reported in Errors and left out of Packages.
func LoadPackages(cfg LoadConfig, args []string) (*Load, error) {
	var patterns []string
	var only map[string]bool
	for _, arg := range args {
		if !strings.HasSuffix(arg, ".go") {
			patterns = append(patterns, arg)
			continue
		}
		abs, err := filepath.Abs(filepath.Join(cfg.Dir, arg))
		if err != nil {
			return nil, err
		}
		if st, err := os.Stat(abs); err != nil {
			return nil, fmt.Errorf("%s: %w", arg, errors.Unwrap(err))
		} else if st.IsDir() {
			patterns = append(patterns, arg)
			continue
		}
		if only == nil {
			only = map[string]bool{}
		}
		only[abs] = true
	}
	pcfg := &packages.Config{Mode: loadMode, Dir: cfg.Dir, Tests: cfg.Tests}
	if cfg.Tags != "" {
		pcfg.BuildFlags = []string{"-tags=" + cfg.Tags}
	}
	var queries []string
	for f := range only {
		queries = append(queries, "file="+f)
	}
	slices.Sort(queries)
	l := &Load{Only: only, restricted: map[string]bool{}}
	var pkgs []*packages.Package
	// Packages named by a pattern are analyzed whole; those reached only
	// through a named file, for that file. The two need separate loads
	// to tell which is which.
	if len(patterns) > 0 || len(queries) == 0 {
		if len(patterns) == 0 {
			patterns = []string{"."}
		}
		whole, err := packages.Load(pcfg, patterns...)
		if err != nil {
			return nil, err
		}
		pkgs = whole
	}
	if len(queries) > 0 {
		named, err := packages.Load(pcfg, queries...)
		if err != nil {
			return nil, err
		}
		for _, p := range named {
			if !slices.ContainsFunc(pkgs, func(q *packages.Package) bool { return q.ID == p.ID }) {
				l.restricted[p.ID] = true
				pkgs = append(pkgs, p)
			}
		}
	}
	seen := map[Error]bool{}
	for _, p := range analysisSet(pkgs) {
		if len(p.Errors) == 0 {
			l.Packages = append(l.Packages, p)
			continue
		}
		typeErrs := slices.ContainsFunc(p.Errors, func(e packages.Error) bool { return e.Kind != packages.ListError })
		for _, e := range p.Errors {
			if typeErrs && e.Kind == packages.ListError && strings.HasPrefix(e.Msg, "# ") {
				// The go command's report of the compile failure that
				// the type checker's errors spell out with positions.
				continue
			}
			le := Error{Pos: e.Pos, Msg: e.Msg}
			if !seen[le] {
				seen[le] = true
				l.Errors = append(l.Errors, le)
			}
		}
	}
	if only != nil {
		l.reportUnloaded()
	}
	return l, nil
}

// Analyzes reports whether leakfix analyzes the named file of p: every
// file of a package named by a pattern, and only the named files of a
// package reached through them.
func (l *Load) Analyzes(p *packages.Package, file string) bool {
	return !l.restricted[p.ID] || l.Only[file]
}

// analysisSet picks, from a load with tests, one package for each set of
// files: a package's test variant ("p [p.test]") has all of p's files, so it
// replaces p, unless it fails to load and p does not. Generated test mains
// are left out.
func analysisSet(pkgs []*packages.Package) []*packages.Package {
	variantOK := map[string]bool{} // PkgPath → its in-package test variant loaded cleanly
	for _, p := range pkgs {
		if isTestVariantOf(p) {
			variantOK[p.PkgPath] = len(p.Errors) == 0
		}
	}
	var out []*packages.Package
	for _, p := range pkgs {
		switch {
		case strings.HasSuffix(p.ID, ".test") && p.Name == "main":
			// the generated test main
		case isTestVariantOf(p):
			out = append(out, p)
		case !strings.Contains(p.ID, " ["):
			if ok, hasVariant := variantOK[p.PkgPath]; !hasVariant || !ok && len(p.Errors) == 0 {
				out = append(out, p)
			}
		default:
			out = append(out, p) // an external test package: p_test [p.test]
		}
	}
	return out
}

// isTestVariantOf reports whether p is a package recompiled with its own
// _test.go files: "p [p.test]".
func isTestVariantOf(p *packages.Package) bool {
	return p.ID == p.PkgPath+" ["+p.PkgPath+".test]"
}

// reportUnloaded lists the named files that no loaded package holds, such
// as files excluded by build constraints.
func (l *Load) reportUnloaded() {
	held := map[string]bool{}
	for _, p := range l.Packages {
		for _, f := range p.GoFiles {
			held[f] = true
		}
	}
	for _, e := range l.Errors {
		if file, _, ok := strings.Cut(e.Pos, ":"); ok {
			held[file] = true // its package failed, and says so
		}
	}
	for f := range l.Only {
		if !held[f] {
			l.Unloaded = append(l.Unloaded, f)
		}
	}
	slices.Sort(l.Unloaded)
}

// FileOf returns the syntax tree of the named file of p, and whether the
// file is one leakfix may rewrite: Go source as written (not produced by
// cgo), not generated.
func FileOf(p *packages.Package, name string) (*ast.File, bool) {
	for _, f := range p.Syntax {
		if p.Fset.Position(f.Pos()).Filename != name {
			continue
		}
		return f, slices.Contains(p.GoFiles, name) && !ast.IsGenerated(f) && !importsC(f)
	}
	return nil, false
}

func importsC(f *ast.File) bool {
	for _, imp := range f.Imports {
		if imp.Path.Value == `"C"` {
			return true
		}
	}
	return false
}
