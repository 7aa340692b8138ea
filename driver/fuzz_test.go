package driver

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"go/types"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/leakfix/leakfix/config"
	"github.com/leakfix/leakfix/fix"
	"github.com/leakfix/leakfix/internal/syntax"
	"github.com/leakfix/leakfix/load"
	"github.com/leakfix/leakfix/ownership"
	"github.com/leakfix/leakfix/rules"
	"golang.org/x/tools/go/packages"
)

// FuzzRewrite runs the rewriting path of the pipeline (match, fix,
// verify) on one file held in memory, type-checked as a package of its own,
// and checks that it does not panic, that the fixed file parses and has
// every comment of the input in order, and that a second run, over the
// fixed file and the files the fixes add, changes nothing. The seeds are
// the golden cases of every rule, and example files of the standard
// library that use files, HTTP bodies or sql.Rows, each also with CRLF
// line endings and with a byte-order mark.
//
//	go test ./driver -run '^$' -fuzz FuzzRewrite -fuzztime 1m
//
// Inputs that do not parse or type-check are skipped, as the pipeline never
// analyzes such packages; so are inputs importing a package the seeds do
// not import, to keep each run in memory.
func FuzzRewrite(f *testing.F) {
	for _, src := range fuzzSeeds(f) {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		fixed, ok := rewriteSeed(t, src)
		if !ok || fixed == nil {
			return
		}
		out := fixed[fuzzFile]
		if _, err := parser.ParseFile(token.NewFileSet(), fuzzFile, out, parser.ParseComments); err != nil {
			t.Fatalf("the fixed file does not parse: %v\n%s", err, out)
		}
		if missing := missingComment(src, out); missing != "" {
			t.Fatalf("comment %q lost or moved out of order:\n%s", missing, out)
		}
		again, ok := rewriteInMemory(t, fixed)
		if !ok {
			t.Fatalf("the fixed package does not type-check:\n%s", out)
		}
		if again != nil {
			t.Fatalf("a second run changes the package again:\n%s\n--- into:\n%s", out, again[fuzzFile])
		}
	})
}

// TestFuzzSeedsExerciseFixes keeps the fuzz test honest: most seeds must
// be packages the pipeline analyzes, and many must get fixes.
func TestFuzzSeedsExerciseFixes(t *testing.T) {
	seeds := fuzzSeeds(t)
	analyzed, fixed := 0, 0
	for _, src := range seeds {
		out, ok := rewriteInMemory(t, map[string][]byte{fuzzFile: src})
		seedRewrites.Store(string(src), seedRewrite{out, ok})
		if ok {
			analyzed++
			if out != nil {
				fixed++
			}
		}
	}
	if analyzed < len(seeds)*9/10 || fixed < len(seeds)/4 {
		t.Errorf("of %d seeds, %d are analyzed and %d get fixes", len(seeds), analyzed, fixed)
	}
}

// seedRewrites holds what rewriteInMemory made of each seed, as
// TestFuzzSeedsExerciseFixes found it, for FuzzRewrite's run over the
// seeds (go test runs the fuzz tests' seeds after the tests): the
// pipeline is deterministic, and a second run over every seed would
// double the time of both.
var seedRewrites sync.Map // string(seed) → seedRewrite

type seedRewrite struct {
	fixed map[string][]byte
	ok    bool
}

// rewriteSeed is rewriteInMemory on src alone, as fuzzFile, from
// seedRewrites when src is a seed that TestFuzzSeedsExerciseFixes ran. Other
// inputs (the fuzzer's) are not kept.
func rewriteSeed(t *testing.T, src []byte) (map[string][]byte, bool) {
	if r, ok := seedRewrites.Load(string(src)); ok {
		r := r.(seedRewrite)
		return r.fixed, r.ok
	}
	return rewriteInMemory(t, map[string][]byte{fuzzFile: src})
}

// fuzzFile is the name the fuzzed file has.
var fuzzFile = filepath.Join(string(filepath.Separator), "fuzz", "x.go")

// stdSeeds are files of the standard library that type-check on their own
// (they use only the exported API of their package) and acquire resources.
var stdSeeds = []string{
	"errors/example_test.go",
	"net/http/httputil/example_test.go",
	"net/http/example_test.go",
	"net/http/httptest/example_test.go",
	"os/example_test.go",
	"database/sql/example_test.go",
	"mime/multipart/example_test.go",
	"bufio/example_test.go",
	"io/example_test.go",
	"archive/zip/example_test.go",
}

// fuzzSeeds reads the seeds: the golden cases' inputs and stdSeeds, each
// also with CRLF line endings and with a byte-order mark.
func fuzzSeeds(tb testing.TB) [][]byte {
	golden, err := filepath.Glob(filepath.Join("..", "testdata", "*", "*.go"))
	if err != nil || len(golden) == 0 {
		tb.Fatalf("no golden cases: %v", err)
	}
	var seeds [][]byte
	for _, name := range golden {
		src, err := os.ReadFile(name)
		if err != nil {
			tb.Fatal(err)
		}
		if importsModules(src) {
			continue // a case with a dependency module (testdata/*/_deps): not a file alone
		}
		seeds = append(seeds, src)
	}
	for _, name := range stdSeeds {
		src, err := os.ReadFile(filepath.Join(build.Default.GOROOT, "src", name))
		if err != nil {
			tb.Fatal(err)
		}
		seeds = append(seeds, src)
	}
	for _, src := range seeds[:len(seeds):len(seeds)] {
		seeds = append(seeds, bytes.ReplaceAll(src, []byte("\n"), []byte("\r\n")), append([]byte("\ufeff"), src...))
	}
	return seeds
}

// rewriteInMemory runs the pipeline on files (by absolute name, all in one
// directory) as a package of their own, and returns the package's files
// with the fixes, and the files they add; nil when nothing was fixed. It
// reports false when the files are not a package the pipeline would
// analyze.
func rewriteInMemory(t testing.TB, files map[string][]byte) (map[string][]byte, bool) {
	fset := token.NewFileSet()
	names := slices.Sorted(maps.Keys(files))
	var syntax []*ast.File
	imports := map[string]*packages.Package{}
	for _, name := range names {
		f, err := parser.ParseFile(fset, name, files[name], parser.AllErrors|parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil, false
		}
		syntax = append(syntax, f)
		for _, spec := range f.Imports {
			path, err := strconv.Unquote(spec.Path.Value)
			if err != nil {
				return nil, false
			}
			if path == "unsafe" || path == "C" {
				continue
			}
			tp, ok := fuzzImports(t, seedImports(t))[path]
			if !ok {
				return nil, false
			}
			imports[path] = &packages.Package{ID: path, PkgPath: path, Name: tp.Name(), Types: tp}
		}
	}
	info := &types.Info{
		Types: map[ast.Expr]types.TypeAndValue{}, Defs: map[*ast.Ident]types.Object{},
		Uses: map[*ast.Ident]types.Object{}, Implicits: map[ast.Node]types.Object{},
		Instances: map[*ast.Ident]types.Instance{}, Scopes: map[ast.Node]*types.Scope{},
		Selections: map[*ast.SelectorExpr]*types.Selection{}, FileVersions: map[*ast.File]string{},
	}
	sizes := types.SizesFor("gc", build.Default.GOARCH)
	conf := types.Config{
		Importer: fix.ImporterFunc(func(path string) (*types.Package, error) {
			if path == "unsafe" {
				return types.Unsafe, nil
			}
			return imports[path].Types, nil
		}),
		Sizes: sizes,
	}
	tpkg, err := conf.Check("fuzz", fset, syntax, info)
	if err != nil {
		return nil, false
	}
	p := &packages.Package{
		ID: "fuzz", Name: tpkg.Name(), PkgPath: "fuzz",
		GoFiles: names, CompiledGoFiles: names,
		Imports: imports, Fset: fset, Syntax: syntax,
		Types: tpkg, TypesInfo: info, TypesSizes: sizes,
	}
	sums := &syncSummaries{m: ownership.SummaryMap{}}
	inspectors := summarize(sums, []*packages.Package{p}, nil)
	run := &packageRun{
		source: func(name string) ([]byte, bool) {
			src, ok := files[name]
			return src, ok
		},
		kinds:    fix.ClassifyAll(fset, syntax, names),
		analyzes: func(*packages.Package, string) bool { return true },
		checked: func(p *packages.Package) fix.Package {
			return load.Checked(p, func(path string) (*types.Package, error) {
				if tp, ok := fuzzImports(t, seedImports(t))[path]; ok {
					return tp, nil
				}
				return nil, fmt.Errorf("import %q: not a seed's import", path)
			})
		},
		sums:  sums,
		rules: rules.All(),
		logf:  func(string, ...any) {},
		rel:   func(path string) string { return path },
	}
	_, changes := run.analyze(p, inspectors[p.ID], &config.Config{})
	if len(changes) == 0 {
		return nil, true
	}
	out := maps.Clone(files)
	for _, c := range changes {
		if c.Old != nil && !bytes.Equal(c.Old, files[c.Path]) {
			t.Fatalf("the change of %s replaces content other than the input", c.Path)
		}
		out[c.Path] = c.New
	}
	return out, true
}

// seedImports lists the packages the seeds import.
func seedImports(tb testing.TB) []string {
	seedImportsOnce.Do(func() {
		seen := map[string]bool{}
		for _, src := range fuzzSeeds(tb) {
			f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.ImportsOnly)
			if err != nil {
				continue
			}
			for _, spec := range f.Imports {
				if path, err := strconv.Unquote(spec.Path.Value); err == nil && !seen[path] && path != "unsafe" && path != "C" {
					seen[path] = true
					seedImportsList = append(seedImportsList, path)
				}
			}
		}
		slices.Sort(seedImportsList)
	})
	return seedImportsList
}

// importsModules reports whether src imports a package outside the
// standard library.
func importsModules(src []byte) bool {
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.ImportsOnly)
	if err != nil {
		return false
	}
	for _, spec := range f.Imports {
		if path, err := strconv.Unquote(spec.Path.Value); err == nil && !syntax.IsStandardPath(path) {
			return true
		}
	}
	return false
}

var (
	seedImportsOnce sync.Once
	seedImportsList []string

	fuzzImportsOnce sync.Once
	fuzzImportsMap  map[string]*types.Package
)

// fuzzImports loads the types of the given packages from export data,
// once for the process, all in one load so that they agree on the types
// they share.
func fuzzImports(tb testing.TB, paths []string) map[string]*types.Package {
	fuzzImportsOnce.Do(func() {
		pkgs, err := packages.Load(&packages.Config{Mode: packages.NeedName | packages.NeedTypes}, paths...)
		if err != nil {
			tb.Fatal(err)
		}
		fuzzImportsMap = map[string]*types.Package{}
		for _, p := range pkgs {
			if len(p.Errors) > 0 {
				tb.Fatalf("loading %s: %v", p.PkgPath, p.Errors[0])
			}
			fuzzImportsMap[p.PkgPath] = p.Types
		}
	})
	return fuzzImportsMap
}

// missingComment returns the first comment of src, in order, that out does
// not have in the same order, or "".
func missingComment(src, out []byte) string {
	comments := func(src []byte) []string {
		f, err := parser.ParseFile(token.NewFileSet(), fuzzFile, src, parser.ParseComments)
		if err != nil {
			return nil
		}
		var texts []string
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				texts = append(texts, strings.TrimRight(c.Text, "\r"))
			}
		}
		return texts
	}
	have := comments(out)
	for _, c := range comments(src) {
		i := slices.Index(have, c)
		if i < 0 {
			return c
		}
		have = have[i+1:]
	}
	return ""
}
