// Package dependencies learns what the functions of a program's
// third-party dependencies do with resources: which return one their
// caller must close (an SFTP client's OpenFile, a websocket dialer's Dial),
// which close or keep what they are given. go vet learns that from facts,
// analysing every dependency; the command line reads only export data for
// them, so it learns it here, from their source, for the functions the
// program calls and the ones those call in their own package, and keeps
// what it learned on disk by module version: a second run pays nothing.
package dependencies

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"go/ast"
	"go/types"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"

	"github.com/leakfix/leakfix/internal/syntax"
	"github.com/leakfix/leakfix/ownership"
	"golang.org/x/sync/errgroup"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/packages"
)

// A Loader lists the dependencies of the loaded packages and type-checks
// one from source (load.Plan does).
type Loader interface {
	Dependency(path string) (*packages.Package, bool)
	CheckDependency(meta *packages.Package, prune func([]*ast.File)) (*packages.Package, error)
}

// A Cache is the directory the summaries are kept in, "" for none.
type Cache struct{ Dir string }

// DefaultCache is $LEAKFIX_CACHE, or leakfix/summaries in the user's cache
// directory; LEAKFIX_CACHE=off keeps nothing.
func DefaultCache() Cache {
	switch dir := os.Getenv("LEAKFIX_CACHE"); dir {
	case "off":
		return Cache{}
	case "":
		base, err := os.UserCacheDir()
		if err != nil {
			return Cache{}
		}
		return Cache{Dir: filepath.Join(base, "leakfix", "summaries")}
	default:
		return Cache{Dir: dir}
	}
}

// Stats counts the dependency packages summarized, and how many of them
// came from the cache.
type Stats struct{ Packages, Cached int }

// Learn summarizes the functions of third-party packages that pkgs call
// and whose summary could matter (ownership.Concerns). Packages of the
// main module, which are loaded from source, and the standard library,
// which ownership's table covers, are left out. A package that cannot be
// read or checked is left unknown, as it was before.
//
// learned holds, by package path, the functions earlier calls learned
// (the batches before this one): they are not learned again, and Learn
// adds this call's.
func Learn(l Loader, pkgs []*packages.Package, cache Cache, learned map[string]map[string]bool) (ownership.SummaryMap, Stats) {
	called := map[string]map[string]bool{} // package path → names of functions called
	for _, p := range pkgs {
		for _, obj := range p.TypesInfo.Uses {
			fn, ok := obj.(*types.Func)
			if !ok || fn.Pkg() == nil || syntax.IsStandardPath(fn.Pkg().Path()) {
				continue
			}
			if recv := fn.Signature().Recv(); recv != nil && types.IsInterface(recv.Type()) {
				continue // no body
			}
			if fn = fn.Origin(); !ownership.Concerns(fn) {
				continue
			}
			path := fn.Pkg().Path()
			if learned[path][fn.Name()] {
				continue
			}
			if called[path] == nil {
				called[path] = map[string]bool{}
			}
			called[path][fn.Name()] = true
		}
	}
	for path, names := range called {
		if learned[path] == nil {
			learned[path] = map[string]bool{}
		}
		maps.Copy(learned[path], names)
	}
	var mu sync.Mutex
	all := ownership.SummaryMap{}
	var stats Stats
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for path, names := range called {
		meta, ok := l.Dependency(path)
		if !ok || meta.Module == nil || meta.Module.Main {
			continue
		}
		g.Go(func() error {
			sums, cached, ok := learnPackage(l, meta, names, cache)
			mu.Lock()
			defer mu.Unlock()
			if ok {
				maps.Copy(all, sums)
				stats.Packages++
				if cached {
					stats.Cached++
				}
			}
			return nil
		})
	}
	g.Wait()
	return all, stats
}

// An entry is what the cache keeps for one package: the summaries learned
// from the bodies needed for the functions named in Covered.
type entry struct {
	Covered   []string
	Summaries ownership.SummaryMap
}

// learnPackage summarizes the functions named in names of the dependency
// meta, from the cache when it holds them.
func learnPackage(l Loader, meta *packages.Package, names map[string]bool, cache Cache) (ownership.SummaryMap, bool, bool) {
	file := cache.file(meta)
	var old entry
	if file != "" {
		if data, err := os.ReadFile(file); err == nil && json.Unmarshal(data, &old) == nil {
			if covers(old.Covered, names) {
				return old.Summaries, true, true
			}
			for _, n := range old.Covered {
				names[n] = true
			}
		}
	}
	var kept int
	p, err := l.CheckDependency(meta, func(files []*ast.File) { kept = pruneBodies(files, names) })
	if err != nil {
		return nil, false, false
	}
	sums := ownership.SummaryMap{}
	if kept > 0 {
		sums = ownership.Summarize(p.Fset, p.TypesInfo, inspector.New(p.Syntax), nil)
	}
	if file != "" {
		e := entry{Covered: slices.Sorted(maps.Keys(names)), Summaries: sums}
		if data, err := json.Marshal(e); err == nil {
			writeAtomic(file, data) // a cache that cannot be written is only slower
		}
	}
	return sums, false, true
}

func covers(covered []string, names map[string]bool) bool {
	for n := range names {
		if _, ok := slices.BinarySearch(covered, n); !ok {
			return false
		}
	}
	return true
}

// pruneBodies drops the bodies of the functions and methods of files that
// neither have one of names nor are called, by name, from a body kept: what
// a summary of the functions named can depend on in their own package. It
// returns how many bodies it kept.
func pruneBodies(files []*ast.File, names map[string]bool) int {
	byName := map[string][]*ast.FuncDecl{}
	for _, f := range files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				byName[fd.Name.Name] = append(byName[fd.Name.Name], fd)
			}
		}
	}
	keep := map[*ast.FuncDecl]bool{}
	queue := slices.Collect(maps.Keys(names))
	for len(queue) > 0 {
		name := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		for _, fd := range byName[name] {
			if keep[fd] {
				continue
			}
			keep[fd] = true
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok {
					switch fun := ast.Unparen(call.Fun).(type) {
					case *ast.Ident:
						queue = append(queue, fun.Name)
					case *ast.SelectorExpr:
						queue = append(queue, fun.Sel.Name)
					}
				}
				return true
			})
		}
	}
	for _, decls := range byName {
		for _, fd := range decls {
			if !keep[fd] {
				fd.Body = nil
			}
		}
	}
	return len(keep)
}

// file is where the cache keeps the summaries of meta: only for a module
// of a known version, whose source the version fixes, and keyed by the
// leakfix binary too, since what it learns changes with it.
func (c Cache) file(meta *packages.Package) string {
	mod := meta.Module
	if mod.Replace != nil {
		mod = mod.Replace
	}
	self := executableHash()
	if c.Dir == "" || mod.Version == "" || self == "" {
		return ""
	}
	h := sha256.New()
	for _, part := range []string{self, runtime.Version(), mod.Path, mod.Version, meta.PkgPath} {
		io.WriteString(h, part+"\x00")
	}
	// The files the build constraints chose.
	for _, name := range meta.CompiledGoFiles {
		io.WriteString(h, filepath.Base(name)+"\x00")
	}
	key := hex.EncodeToString(h.Sum(nil))
	return filepath.Join(c.Dir, key[:2], key+".json")
}

var executableHash = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	f, err := os.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
})

// writeAtomic writes data to file through a temporary file, so that a
// concurrent run never reads half an entry.
func writeAtomic(file string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), ".tmp-*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := cmp.Or(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), file)
}
