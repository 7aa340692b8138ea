// Package load lists the packages the command line names and type-checks
// them from source, in batches, their dependencies read from export data;
// it groups named files by the module that holds them, and describes a
// loaded package for fix.Check, which type-checks it again with fixes.
package load

import (
	"cmp"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"iter"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/leakfix/leakfix/fix"
	"golang.org/x/sync/errgroup"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/packages"
)

// Config says how to load packages.
type Config struct {
	Dir   string // where to run the go command ("" for the current directory)
	Tags  string // build tags, as for go build -tags
	Tests bool   // include _test.go files
	// BatchBytes bounds the Go source type-checked and held in memory at
	// once (0 for DefaultBatchBytes). A package larger than that is a
	// batch of its own.
	BatchBytes int64
	// Inspectors asks for each package's inspector (Batch.Inspectors),
	// built while the batch type-checks.
	Inspectors bool
}

// DefaultBatchBytes is the default Config.BatchBytes: enough packages
// to keep every core busy type-checking them. A package's syntax trees and
// type information take about twenty times the size of its source.
func DefaultBatchBytes() int64 {
	return max(1<<20, 512<<10*int64(runtime.GOMAXPROCS(0)))
}

// A Plan is the command line's arguments, listed: which packages to
// analyze, in batches that are parsed, type-checked and analyzed one after
// the other, so that memory holds the syntax and types of one batch at a
// time, not of every package.
//
// The go command is run once, to list the packages and build the export
// data of their dependencies. Each package is then type-checked from
// source, its imports read from export data, the packages of earlier
// batches included: so packages do not wait for each other, and every
// package sees the same types for a dependency.
type Plan struct {
	// Errors are the load, parse and type errors, one per problem, as
	// "file:line:col: message" where there is a position. Batches add
	// theirs as they load.
	Errors []Error
	// Only holds the absolute names of the .go files named on the command
	// line. A package reached only through them is analyzed for them alone.
	Only map[string]bool
	// Unloaded are named files that no package holds, such as files
	// excluded by build constraints: they are left alone.
	Unloaded []string
	// NoMatch is set when the patterns matched no package at all (go
	// build warns "matched no packages" then).
	NoMatch bool

	batches    [][]*packages.Package // the packages to check, by batch, dependencies first
	restricted map[string]bool       // IDs of packages reached only through named files
	// fset holds the positions of the dependencies' export data, and of
	// the files of the batch being loaded: one file set, so that every
	// position resolves.
	fset     *token.FileSet
	exports  *exportData
	reported map[Error]bool
	// inspectors is Config.Inspectors.
	inspectors bool
}

// An Error is a problem loading a package.
type Error struct {
	Pos string // "file:line:col" (absolute file), or "" when unknown
	Msg string
}

// A Batch is a set of packages type-checked together.
type Batch struct {
	// Packages are the packages to analyze: each file belongs to exactly
	// one of them (a package's test variant replaces it, since it has all
	// its files). Packages that fail to load or type-check are left out,
	// and their errors added to the Plan's.
	Packages []*packages.Package
	// Inspectors walk each package's syntax, by package ID, when
	// Config.Inspectors asks for them.
	Inspectors map[string]*inspector.Inspector
	// Kinds say what each file of Packages is (fix.Classify), decided
	// here once for every stage after.
	Kinds map[*ast.File]fix.FileKind
	// sources holds the content each file was parsed from.
	sources map[string][]byte
	files   []*token.File // every file parsed for the batch
}

// Source returns the content the named file was parsed from: fixes apply
// to it, and the file is written only if it still holds it.
func (b *Batch) Source(file string) ([]byte, bool) {
	src, ok := b.sources[file]
	return src, ok
}

// listMode lists packages, their files and the export data of every
// package they depend on, without parsing or type-checking anything.
const listMode = packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
	packages.NeedImports | packages.NeedDeps | packages.NeedExportFile |
	packages.NeedTypesSizes | packages.NeedModule

// Packages lists args: package patterns as go build takes them, or .go
// files, each standing for the package that holds it. Batches then loads
// the packages.
func Packages(cfg Config, args []string) (*Plan, error) {
	patterns, files, err := classifyArgs(cfg.Dir, args)
	if err != nil {
		return nil, err
	}
	var only map[string]bool
	for _, abs := range files {
		if only == nil {
			only = map[string]bool{}
		}
		only[abs] = true
	}
	pcfg := &packages.Config{Mode: listMode, Dir: cfg.Dir, Tests: cfg.Tests}
	if cfg.Tags != "" {
		pcfg.BuildFlags = []string{"-tags=" + cfg.Tags}
	}
	l := &Plan{Only: only, restricted: map[string]bool{}, reported: map[Error]bool{}, fset: token.NewFileSet(), inspectors: cfg.Inspectors}
	l.exports = newExportData(l.fset)
	var roots []*packages.Package
	// Packages named by a pattern are analyzed whole; those reached only
	// through a named file, for that file. The two need separate lists
	// to tell which is which.
	if len(patterns) > 0 || len(only) == 0 {
		if len(patterns) == 0 {
			patterns = []string{"."}
		}
		pkgs, err := packages.Load(pcfg, patterns...)
		if err != nil {
			return nil, err
		}
		if len(pkgs) == 0 {
			// go list fails outside a module, and go/packages says
			// nothing of it.
			if err := inModule(cfg.Dir); err != nil {
				return nil, err
			}
			l.NoMatch = true
		}
		roots = pkgs
		l.exports.add(pkgs)
	}
	if len(only) > 0 {
		pkgs, err := loadHolders(pcfg, slices.Sorted(maps.Keys(only)))
		if err != nil {
			return nil, err
		}
		l.exports.add(pkgs)
		held := map[string]bool{}
		for _, p := range pkgs {
			for _, f := range p.GoFiles {
				held[f] = true
			}
			if !slices.ContainsFunc(roots, func(q *packages.Package) bool { return q.ID == p.ID }) {
				l.restricted[p.ID] = true
				roots = append(roots, p)
			}
		}
		for f := range only {
			if !held[f] {
				l.Unloaded = append(l.Unloaded, f)
			}
		}
		slices.Sort(l.Unloaded)
	}
	roots = append(roots, l.ownDependencies(roots)...)
	l.batches = planBatches(roots, cmp.Or(cfg.BatchBytes, DefaultBatchBytes()))
	return l, nil
}

// loadHolders loads the packages that hold the named files (absolute), as
// "file=" queries do: a file's packages are those of its directory that
// have a file of its name. go/packages runs the go command once per
// "file=" query, and each lists the dependencies' export data again: a
// pre-commit hook passing 30 files ran it 30 times. The directories are
// listed in one go instead, and only the files no package of theirs holds
// (outside the module, excluded by build constraints) are left to
// "file=" queries, which make ad-hoc packages of them as before.
func loadHolders(pcfg *packages.Config, files []string) ([]*packages.Package, error) {
	var dirs []string
	for _, f := range files {
		if d := filepath.Dir(f); !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	listed, err := packages.Load(pcfg, dirs...)
	if err != nil {
		listed = nil // the go command refused a directory: "file=" queries for all
	}
	var pkgs []*packages.Package
	var queries []string
	for _, f := range files {
		held := false
		for _, p := range listed {
			if slices.Contains(p.GoFiles, f) {
				held = true
				if !slices.Contains(pkgs, p) {
					pkgs = append(pkgs, p)
				}
			}
		}
		if !held {
			queries = append(queries, "file="+f)
		}
	}
	if len(queries) > 0 {
		more, err := packages.Load(pcfg, queries...)
		if err != nil {
			return nil, err
		}
		pkgs = append(pkgs, more...)
	}
	return pkgs, nil
}

// inModule says, as the go command does, when dir is in no module and no
// workspace: nil when it is.
func inModule(dir string) error {
	gomod, gowork, err := mainModules(dir)
	if err != nil {
		return err
	}
	if (gomod == "" || gomod == os.DevNull) && (gowork == "" || gowork == "off") {
		return errors.New("go.mod file not found in current directory or any parent directory; leakfix analyzes the packages of a module (see 'go help modules')")
	}
	return nil
}

// ownDependencies returns the packages of the main module that roots
// import, directly or not, and that are not among them. They are checked
// from source too, but analyzed for no file: what their functions do with
// the resources they are given is learned from their bodies, so that
// "leakfix c/c.go" judges a call into them as "leakfix ./..." does. The
// modules the main module depends on are not: their summaries would cost
// type-checking them all.
func (l *Plan) ownDependencies(roots []*packages.Package) []*packages.Package {
	listed := map[string]bool{}
	for _, p := range roots {
		listed[p.ID] = true
	}
	var out []*packages.Package
	var visit func(p *packages.Package)
	visit = func(p *packages.Package) {
		for _, imp := range p.Imports {
			if listed[imp.ID] || strings.Contains(imp.ID, " [") || imp.Module == nil || !imp.Module.Main {
				continue
			}
			listed[imp.ID] = true
			l.restricted[imp.ID] = true
			out = append(out, imp)
			visit(imp)
		}
	}
	for _, p := range roots {
		visit(p)
	}
	return out
}

// Planned is the number of packages Batches is to yield, as far as is
// known before type-checking them: a package whose test variant fails to
// type-check comes too, without its tests.
func (l *Plan) Planned() int {
	n := 0
	for _, batch := range l.batches {
		first, _ := splitFallback(batch)
		n += len(first)
	}
	return n
}

// Analyzes reports whether leakfix analyzes the named file of p: every
// file of a package named by a pattern, and only the named files of a
// package reached through them.
func (l *Plan) Analyzes(p *packages.Package, file string) bool {
	return !l.restricted[p.ID] || l.Only[file]
}

// Batches parses and type-checks the listed packages one batch at a time
// and yields each batch. A batch is not referenced once the next one is
// asked for, so its memory can be reclaimed. Problems with the packages go
// to l.Errors.
func (l *Plan) Batches() iter.Seq[*Batch] {
	return func(yield func(*Batch) bool) {
		for _, pkgs := range l.batches {
			b := l.check(pkgs)
			ok := yield(b)
			// The batch's files are done with: let the file set forget
			// them, or it would grow with every batch.
			for _, tf := range b.files {
				l.fset.RemoveFile(tf)
			}
			if !ok {
				return
			}
		}
	}
}

// check parses and type-checks a batch of packages. A package's test
// variant ("p [p.test]") is checked instead of the package itself, which
// is checked only when the variant fails, and generated test mains not at
// all.
func (l *Plan) check(pkgs []*packages.Package) *Batch {
	b := &Batch{sources: map[string][]byte{}, Inspectors: map[string]*inspector.Inspector{}}
	first, fallback := splitFallback(pkgs)
	parsed := l.parse(b, slices.Concat(first, fallback))
	checked := l.typeCheck(b, first, parsed)
	failed := map[string]bool{} // PkgPath of each test variant that failed
	for _, p := range checked {
		if isTestVariant(p) && len(p.Errors) > 0 {
			failed[p.PkgPath] = true
		}
	}
	fallback = slices.DeleteFunc(fallback, func(p *packages.Package) bool { return !failed[p.PkgPath] })
	checked = append(checked, l.typeCheck(b, fallback, parsed)...)
	b.Kinds = map[*ast.File]fix.FileKind{}
	for _, p := range checked {
		if len(p.Errors) == 0 {
			b.Packages = append(b.Packages, p)
			maps.Copy(b.Kinds, fix.ClassifyAll(p.Fset, p.Syntax, p.GoFiles))
		} else {
			l.addErrors(p)
		}
	}
	return b
}

// splitFallback splits pkgs into the packages to check, and those to check
// only should their test variant fail. Generated test mains are left out.
func splitFallback(pkgs []*packages.Package) (first, fallback []*packages.Package) {
	variants := map[string]bool{} // PkgPath of each test variant
	for _, p := range pkgs {
		if isTestVariant(p) {
			variants[p.PkgPath] = true
		}
	}
	for _, p := range pkgs {
		switch {
		case strings.HasSuffix(p.ID, ".test") && p.Name == "main":
			// the generated test main
		case !strings.Contains(p.ID, " [") && variants[p.PkgPath]:
			fallback = append(fallback, p)
		default:
			first = append(first, p)
		}
	}
	return first, fallback
}

// A parsedFile is the syntax tree of a file, or the error parsing it.
type parsedFile struct {
	syntax *ast.File
	err    error
}

// parse parses the files of pkgs, each once, in parallel, and records
// their content in b.
func (l *Plan) parse(b *Batch, pkgs []*packages.Package) map[string]parsedFile {
	var names []string
	for _, p := range pkgs {
		for _, name := range p.CompiledGoFiles {
			if !slices.Contains(names, name) {
				names = append(names, name)
			}
		}
	}
	files := make([]parsedFile, len(names))
	sources := make([][]byte, len(names))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, name := range names {
		g.Go(func() error {
			src, err := os.ReadFile(name)
			if err != nil {
				files[i].err = err
				return nil
			}
			sources[i] = src
			// Nothing in leakfix uses the syntactic object resolution
			// that the parser does by default.
			files[i].syntax, files[i].err = parser.ParseFile(l.fset, name, src, parser.AllErrors|parser.ParseComments|parser.SkipObjectResolution)
			return nil
		})
	}
	g.Wait()
	parsed := make(map[string]parsedFile, len(names))
	for i, name := range names {
		parsed[name] = files[i]
		if sources[i] != nil {
			b.sources[name] = sources[i]
		}
		if f := files[i].syntax; f != nil {
			b.files = append(b.files, l.fset.File(f.Pos()))
		}
	}
	return parsed
}

// typeCheck type-checks pkgs from their parsed files, in parallel, and
// returns a package for each, with syntax, types and errors.
//
// Each package's inspector is built meanwhile, from its syntax alone, into
// b.Inspectors: the type-checking of the largest package of a batch is
// what the batch waits for, with the other cores idle.
func (l *Plan) typeCheck(b *Batch, pkgs []*packages.Package, parsed map[string]parsedFile) []*packages.Package {
	out := make([]*packages.Package, len(pkgs))
	inspectors := make([]*inspector.Inspector, len(pkgs))
	var g, built errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, meta := range pkgs {
		if l.inspectors {
			built.Go(func() error {
				inspectors[i] = inspector.New(syntaxOf(meta, parsed))
				return nil
			})
		}
		g.Go(func() error {
			out[i] = l.typeCheckOne(meta, parsed)
			return nil
		})
	}
	g.Wait()
	built.Wait()
	for i, p := range out {
		if inspectors[i] != nil {
			b.Inspectors[p.ID] = inspectors[i]
		}
	}
	return out
}

// syntaxOf returns the syntax trees of meta's files, in its order: those
// that parsed.
func syntaxOf(meta *packages.Package, parsed map[string]parsedFile) []*ast.File {
	var files []*ast.File
	for _, name := range meta.CompiledGoFiles {
		if f := parsed[name].syntax; f != nil {
			files = append(files, f)
		}
	}
	return files
}

func (l *Plan) typeCheckOne(meta *packages.Package, parsed map[string]parsedFile) *packages.Package {
	return l.typeCheckFiles(l.fset, meta, parsed)
}

// typeCheckFiles type-checks meta from the files in parsed, whose
// positions are in fset.
func (l *Plan) typeCheckFiles(fset *token.FileSet, meta *packages.Package, parsed map[string]parsedFile) *packages.Package {
	p := &packages.Package{
		ID: meta.ID, Name: meta.Name, PkgPath: meta.PkgPath, Dir: meta.Dir,
		GoFiles: meta.GoFiles, CompiledGoFiles: meta.CompiledGoFiles, IgnoredFiles: meta.IgnoredFiles,
		Module: meta.Module, TypesSizes: meta.TypesSizes,
		Errors:  slices.Clone(meta.Errors),
		Imports: map[string]*packages.Package{},
		Fset:    fset,
	}
	for _, name := range meta.CompiledGoFiles {
		f := parsed[name]
		var el scanner.ErrorList
		switch {
		case errors.As(f.err, &el):
			for _, e := range el {
				p.Errors = append(p.Errors, packages.Error{Pos: e.Pos.String(), Msg: e.Msg, Kind: packages.ParseError})
			}
		case f.err != nil:
			p.Errors = append(p.Errors, packages.Error{Pos: name + ":1", Msg: f.err.Error(), Kind: packages.ParseError})
		}
	}
	p.Syntax = syntaxOf(meta, parsed)
	p.TypesInfo = &types.Info{
		Types:        map[ast.Expr]types.TypeAndValue{},
		Defs:         map[*ast.Ident]types.Object{},
		Uses:         map[*ast.Ident]types.Object{},
		Implicits:    map[ast.Node]types.Object{},
		Instances:    map[*ast.Ident]types.Instance{},
		Scopes:       map[ast.Node]*types.Scope{},
		Selections:   map[*ast.SelectorExpr]*types.Selection{},
		FileVersions: map[*ast.File]string{},
	}
	conf := &types.Config{
		Importer: fix.ImporterFunc(func(path string) (*types.Package, error) {
			if path == "unsafe" {
				return types.Unsafe, nil
			}
			imp, ok := meta.Imports[path]
			if !ok {
				return nil, fmt.Errorf("no package for import %q", path)
			}
			t, err := l.exports.load(imp.ID)
			if err == nil {
				p.Imports[path] = &packages.Package{ID: imp.ID, Name: imp.Name, PkgPath: imp.PkgPath, Types: t}
			}
			return t, err
		}),
		Sizes: meta.TypesSizes,
		Error: func(err error) {
			if te, ok := err.(types.Error); ok {
				p.Errors = append(p.Errors, packages.Error{Pos: fset.Position(te.Pos).String(), Msg: te.Msg, Kind: packages.TypeError})
			} else {
				p.Errors = append(p.Errors, packages.Error{Pos: "-", Msg: err.Error(), Kind: packages.TypeError})
			}
		},
	}
	if meta.Module != nil && meta.Module.GoVersion != "" {
		conf.GoVersion = "go" + meta.Module.GoVersion
	}
	// The package is named as go list says, even where the files' package
	// clauses disagree.
	p.Types = types.NewPackage(meta.PkgPath, meta.Name)
	types.NewChecker(conf, fset, p.Types, p.TypesInfo).Files(p.Syntax)
	return p
}

// Dependency returns the listed package at the import path path (its plain
// variant, not a test's), which the loaded packages depend on.
func (l *Plan) Dependency(path string) (*packages.Package, bool) {
	p, ok := l.exports.meta[path]
	return p, ok && p.PkgPath == path
}

// CheckDependency parses and type-checks from source a dependency that the
// loaded packages read from export data, after prune has edited its
// syntax: it drops the function bodies that need no checking, which are
// most of the cost. The syntax and types are the caller's alone (their own file
// set; the types of the package itself are distinct from those its
// importers see). Errors that the dropped bodies cause (an import only
// they used) are ignored, as are any others; only files that cannot be
// read or parsed at all fail it.
func (l *Plan) CheckDependency(meta *packages.Package, prune func([]*ast.File)) (*packages.Package, error) {
	fset := token.NewFileSet()
	parsed := make(map[string]parsedFile, len(meta.CompiledGoFiles))
	var files []*ast.File
	for _, name := range meta.CompiledGoFiles {
		src, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		parsed[name] = parsedFile{syntax: f}
		files = append(files, f)
	}
	prune(files)
	p := l.typeCheckFiles(fset, meta, parsed)
	p.Errors = nil
	return p, nil
}

// addErrors records the errors of p, each once.
func (l *Plan) addErrors(p *packages.Package) {
	typeErrs := slices.ContainsFunc(p.Errors, func(e packages.Error) bool { return e.Kind != packages.ListError })
	for _, e := range p.Errors {
		if typeErrs && e.Kind == packages.ListError && strings.HasPrefix(e.Msg, "# ") {
			// The go command's report of the compile failure that the
			// type checker's errors spell out with positions.
			continue
		}
		le := Error{Pos: e.Pos, Msg: e.Msg}
		if le.Pos == "-" {
			le.Pos = ""
		}
		if !l.reported[le] {
			l.reported[le] = true
			l.Errors = append(l.Errors, le)
		}
	}
}

// planBatches orders the packages to check so that a package comes after
// the packages its non-test files import (test files can import packages
// that import the package under test, so their imports cannot be ordered
// too), and cuts the order into batches of at most budget bytes of source,
// a package and its test variants staying together.
func planBatches(roots []*packages.Package, budget int64) [][]*packages.Package {
	groups := map[string][]*packages.Package{} // by groupKey
	var keys []string
	for _, p := range roots {
		k := groupKey(p.ID)
		if groups[k] == nil {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], p)
	}
	slices.Sort(keys)
	var order []string
	done := map[string]bool{}
	var visit func(k string)
	visit = func(k string) {
		if done[k] {
			return
		}
		done[k] = true
		for _, p := range groups[k] {
			if strings.Contains(p.ID, " [") {
				continue // tests
			}
			// In the order of the import paths, not the map's: the
			// order decides where batches are cut, and so which
			// packages a test sees the summaries of.
			for _, path := range slices.Sorted(maps.Keys(p.Imports)) {
				if id := p.Imports[path].ID; groups[id] != nil {
					visit(id)
				}
			}
		}
		order = append(order, k)
	}
	for _, k := range keys {
		visit(k)
	}
	var batches [][]*packages.Package
	var size int64
	for _, k := range order {
		n := sourceBytes(groups[k])
		if len(batches) == 0 || size > 0 && size+n > budget {
			batches = append(batches, nil)
			size = 0
		}
		batches[len(batches)-1] = append(batches[len(batches)-1], groups[k]...)
		size += n
	}
	return batches
}

// groupKey is the import path of the package that a package ID stands
// for, or tests: "p" for "p", "p [p.test]", "p_test [p.test]" and "p.test".
func groupKey(id string) string {
	if _, variant, ok := strings.Cut(id, " ["); ok {
		return strings.TrimSuffix(strings.TrimSuffix(variant, "]"), ".test")
	}
	return strings.TrimSuffix(id, ".test")
}

// sourceBytes is the size of the files a group's packages have, each
// counted once: a measure of the memory their syntax and types take.
func sourceBytes(pkgs []*packages.Package) int64 {
	seen := map[string]bool{}
	var n int64
	for _, p := range pkgs {
		for _, f := range p.CompiledGoFiles {
			if seen[f] {
				continue
			}
			seen[f] = true
			if info, err := os.Stat(f); err == nil {
				n += info.Size()
			}
		}
	}
	return n
}

// isTestVariant reports whether p is a package recompiled with its own
// _test.go files: "p [p.test]".
func isTestVariant(p *packages.Package) bool {
	return p.ID == p.PkgPath+" ["+p.PkgPath+".test]"
}

// DescribeBuild describes the build configuration that decides which files
// are loaded: the target platform, cgo, build tags and tests, as the go
// command sees them in cfg.Dir.
func DescribeBuild(cfg Config) (string, error) {
	cmd := exec.Command("go", "env", "GOOS", "GOARCH", "CGO_ENABLED")
	cmd.Dir = cfg.Dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go env: %w", err)
	}
	env := strings.Fields(string(out))
	if len(env) != 3 {
		return "", fmt.Errorf("go env: unexpected output %q", out)
	}
	tags := cfg.Tags
	if tags == "" {
		tags = "(none)"
	}
	return fmt.Sprintf("GOOS=%s GOARCH=%s CGO_ENABLED=%s, tags %s, tests %v", env[0], env[1], env[2], tags, cfg.Tests), nil
}
