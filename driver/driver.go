// Package driver runs leakfix's pipeline: load → match → fix → verify. It
// returns the findings and the fixed content of each file; showing a diff or
// writing the files is left to the caller.
package driver

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"

	"github.com/leakfix/leakfix/config"
	"github.com/leakfix/leakfix/fix"
	"github.com/leakfix/leakfix/ownership"
	"github.com/leakfix/leakfix/rewrite"
	"github.com/leakfix/leakfix/rules"
	"golang.org/x/sync/errgroup"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/packages"
)

// Options configure a run.
type Options struct {
	Load  rewrite.LoadConfig
	Args  []string      // package patterns or .go files
	Rules []*rules.Rule // the rules to run
	// MaxBodyBytes, when positive, is the limit the unbounded-read rules
	// put on bodies, over the one in .leakfix.yaml.
	MaxBodyBytes int64
	// Log, when set, receives verbose progress notes.
	Log func(format string, args ...any)
	// Progress, when set, is called as packages are done: once when
	// analysis starts, then after each package. Calls do not overlap.
	Progress func(Progress)
	// EachFix asks for each fixed finding's fix applied alone
	// (Finding.FixedAlone), as JSON and SARIF show each fix on its own.
	EachFix bool
}

// Progress is how far a run is.
type Progress struct {
	Done, Total int // packages
	Findings    int // found so far
}

// A Finding is a rule's finding with its resolved position.
type Finding struct {
	rules.Finding
	Position, EndPosition token.Position
	// Fixed is set when the fix is in the file's new content.
	Fixed bool
	// FixedAlone is the file's content with this finding's fix alone
	// applied, and FixAdds the files that fix adds (by absolute path),
	// when Fixed and Options.EachFix are set.
	FixedAlone []byte
	FixAdds    map[string][]byte
}

// A FileChange is the fixed content of one file.
type FileChange struct {
	Path     string // absolute
	Old, New []byte // Old is nil for a file a fix adds
}

// Result is what a run found and fixed.
type Result struct {
	Findings []Finding    // sorted by position
	Changes  []FileChange // sorted by path
	Errors   []rewrite.Error
}

// Run runs the pipeline.
func Run(opts Options) (*Result, error) {
	logf := opts.Log
	if logf == nil {
		logf = func(string, ...any) {}
	}
	load, err := rewrite.LoadPackages(opts.Load, opts.Args)
	if err != nil {
		return nil, err
	}
	for _, f := range load.Unloaded {
		logf("skipped %s: not in the build (tags %q, tests %v)", f, opts.Load.Tags, opts.Load.Tests)
	}
	res := &Result{Errors: load.Errors}
	sums, inspectors := summarize(load.Packages)
	configs := &config.Finder{}
	progress := opts.Progress
	if progress == nil {
		progress = func(Progress) {}
	}
	done := Progress{Total: len(load.Packages)}
	progress(done)
	var mu sync.Mutex
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, p := range load.Packages {
		g.Go(func() error {
			var findings []Finding
			defer func() {
				// A bug in a rule costs its package, not the run.
				r := recover()
				mu.Lock()
				defer mu.Unlock()
				if r != nil {
					res.Errors = append(res.Errors, rewrite.Error{Msg: fmt.Sprintf("internal error analyzing %s (please report it): %v\n%s", p.PkgPath, r, debug.Stack())})
				}
				done.Done++
				done.Findings += len(findings)
				progress(done)
			}()
			cfg, err := configs.For(packageDir(p))
			if err != nil {
				mu.Lock()
				defer mu.Unlock()
				res.Errors = append(res.Errors, configError(err))
				return nil
			}
			findings, changes := runPackage(p, load, sums, inspectors[p.ID], cfg, opts, logf)
			if opts.EachFix {
				fixEach(p, findings, changes)
			}
			mu.Lock()
			defer mu.Unlock()
			res.Findings = append(res.Findings, findings...)
			res.Changes = append(res.Changes, changes...)
			return nil
		})
	}
	g.Wait()
	// Sorted, and a bad config that several packages share said once.
	slices.SortFunc(res.Errors, func(a, b rewrite.Error) int { return cmp.Or(cmp.Compare(a.Pos, b.Pos), cmp.Compare(a.Msg, b.Msg)) })
	res.Errors = slices.Compact(res.Errors)
	slices.SortFunc(res.Findings, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Position.Filename, b.Position.Filename),
			cmp.Compare(a.Position.Offset, b.Position.Offset), cmp.Compare(a.Rule, b.Rule))
	})
	slices.SortFunc(res.Changes, func(a, b FileChange) int { return cmp.Compare(a.Path, b.Path) })
	return res, nil
}

// summarize learns what the functions of the loaded packages do with the
// resources passed to them, dependencies first, so that each package's
// summaries can build on those of the packages it imports; packages whose
// dependencies are done are summarized in parallel. Packages that were
// not loaded from source stay unknown, but for the standard library's
// built-in table.
//
// It returns the inspector it built for each package, for the rules.
func summarize(pkgs []*packages.Package) (ownership.Summaries, map[string]*inspector.Inspector) {
	all := &syncSummaries{m: ownership.SummaryMap{}}
	inspectors := make(map[string]*inspector.Inspector, len(pkgs))
	done := make(map[string]chan struct{}, len(pkgs))
	for _, p := range pkgs {
		done[p.ID] = make(chan struct{})
	}
	var mu sync.Mutex
	var g errgroup.Group
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for _, p := range pkgs {
		g.Go(func() error {
			defer close(done[p.ID])
			for _, imp := range p.Imports {
				if ch, ok := done[imp.ID]; ok {
					<-ch
				}
			}
			sem <- struct{}{}
			defer func() { <-sem }()
			in := inspector.New(p.Syntax)
			own := ownership.Summarize(p.TypesInfo, in, all)
			all.add(own)
			mu.Lock()
			inspectors[p.ID] = in
			mu.Unlock()
			return nil
		})
	}
	g.Wait()
	return all, inspectors
}

// syncSummaries is a SummaryMap that packages summarized in parallel add
// to while others read it.
type syncSummaries struct {
	mu sync.RWMutex
	m  ownership.SummaryMap
}

func (s *syncSummaries) Summary(fn *types.Func) (ownership.Summary, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.m.Summary(fn)
}

func (s *syncSummaries) add(m ownership.SummaryMap) {
	s.mu.Lock()
	defer s.mu.Unlock()
	maps.Copy(s.m, m)
}

// configError reports a bad config file like a load error: at its
// position, so that it is printed relative to the current directory.
func configError(err error) rewrite.Error {
	var ce *config.Error
	if !errors.As(err, &ce) {
		return rewrite.Error{Msg: err.Error()}
	}
	pos := ce.File
	if ce.Line > 0 {
		pos = fmt.Sprintf("%s:%d", ce.File, ce.Line)
	}
	return rewrite.Error{Pos: pos, Msg: ce.Msg}
}

// packageDir is the directory of a package's files.
func packageDir(p *packages.Package) string {
	if len(p.GoFiles) > 0 {
		return filepath.Dir(p.GoFiles[0])
	}
	return "."
}

// runPackage matches rules against one package, fixes the files with
// fixable findings and verifies the fixed package.
func runPackage(p *packages.Package, load *rewrite.Load, sums ownership.Summaries, in *inspector.Inspector, cfg *config.Config, opts Options, logf func(string, ...any)) ([]Finding, []FileChange) {
	pkg := &rules.Package{
		Fset: p.Fset, Files: p.Syntax, Types: p.Types, Info: p.TypesInfo,
		Summaries: sums, Acquirers: cfg.Acquirers(),
		MaxBodyBytes: cmp.Or(opts.MaxBodyBytes, cfg.MaxBodyBytes),
		Inspector:    in,
	}
	for _, f := range p.Syntax {
		if ast.IsGenerated(f) {
			logf("skipped %s: generated", p.Fset.Position(f.Pos()).Filename)
		}
	}
	var findings []Finding
	byFile := map[string][]int{} // file → indexes of its fixable findings
	for _, f := range rules.Run(pkg, opts.Rules) {
		pos := p.Fset.Position(f.Pos)
		if !load.Analyzes(p, pos.Filename) {
			continue
		}
		findings = append(findings, Finding{Finding: f, Position: pos, EndPosition: p.Fset.Position(f.End)})
		if f.Fix != nil {
			byFile[pos.Filename] = append(byFile[pos.Filename], len(findings)-1)
		}
	}
	noFix := func(i int, why string) {
		findings[i].Fix, findings[i].NoFix = nil, why
	}
	replaced := map[string][]byte{}
	accepted := map[string][]int{}
	for name, idx := range byFile {
		file, ok := rewrite.FileOf(p, name)
		if !ok {
			for _, i := range idx {
				noFix(i, "the file is generated or processed by cgo")
			}
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			for _, i := range idx {
				noFix(i, err.Error())
			}
			continue
		}
		content, ok, why := fixVerified(p, pkg, file, src, findings, idx)
		if !ok {
			// Find the fixes that are safe alone, and keep those.
			var good []int
			for _, i := range idx {
				if _, ok, why := fixVerified(p, pkg, file, src, findings, append(good[:len(good):len(good)], i)); ok {
					good = append(good, i)
				} else {
					logf("%s: dropped fix %q: %s", findings[i].Position, findings[i].Fix.Message, why)
					noFix(i, why)
				}
			}
			if len(good) == 0 {
				continue
			}
			idx = good
			content, ok, why = fixVerified(p, pkg, file, src, findings, idx)
			if !ok {
				for _, i := range idx {
					noFix(i, why)
				}
				continue
			}
		}
		replaced[name] = content
		accepted[name] = idx
	}
	if len(replaced) == 0 {
		return findings, nil
	}
	// Each file's fixes type-check on their own; check them together once,
	// with the files the fixes add.
	var all []*fix.Fix
	for _, idx := range accepted {
		for _, i := range idx {
			all = append(all, findings[i].Fix)
		}
	}
	added, why := addedFiles(p, all)
	if why != "" {
		for _, idx := range accepted {
			for _, i := range idx {
				noFix(i, why)
			}
		}
		return findings, nil
	}
	if err := rewrite.VerifyWith(p, replaced, added); err != nil {
		for _, idx := range accepted {
			for _, i := range idx {
				noFix(i, fmt.Sprintf("the fixed package does not type-check: %v", err))
			}
		}
		return findings, nil
	}
	var changes []FileChange
	for name, content := range replaced {
		for _, i := range accepted[name] {
			findings[i].Fixed = true
		}
		old, _ := os.ReadFile(name)
		changes = append(changes, FileChange{Path: name, Old: old, New: content})
	}
	for name, content := range added {
		changes = append(changes, FileChange{Path: name, New: content})
	}
	return findings, changes
}

// fixEach sets FixedAlone on the fixed findings: each fix applied alone to
// the file's original content. Fixes were verified together; one alone is
// verified again, and left out (FixedAlone nil) should it not type-check.
func fixEach(p *packages.Package, findings []Finding, changes []FileChange) {
	for i := range findings {
		f := &findings[i]
		if !f.Fixed {
			continue
		}
		j := slices.IndexFunc(changes, func(c FileChange) bool { return c.Path == f.Position.Filename })
		file, ok := rewrite.FileOf(p, f.Position.Filename)
		if j < 0 || !ok {
			continue
		}
		content, err := fix.Apply(&fix.File{Fset: p.Fset, Pkg: p.Types, Info: p.TypesInfo, Syntax: file, Src: changes[j].Old}, []*fix.Fix{f.Fix})
		if err != nil {
			continue
		}
		// The files a fix adds are among the changes; the fix alone
		// needs them to type-check.
		added, why := addedFiles(p, []*fix.Fix{f.Fix})
		if why == "" && rewrite.VerifyWith(p, map[string][]byte{f.Position.Filename: content}, added) == nil {
			f.FixedAlone, f.FixAdds = content, added
		}
	}
}

// addedFiles gathers the files that fixes add to p's directory, by path.
// A file that exists already, or that two fixes would give different
// contents, is a reason to apply none of them.
func addedFiles(p *packages.Package, fixes []*fix.Fix) (map[string][]byte, string) {
	added := map[string][]byte{}
	for _, fx := range fixes {
		for base, content := range fx.NewFiles {
			path := filepath.Join(packageDir(p), base)
			if prev, ok := added[path]; ok && !bytes.Equal(prev, content) {
				return nil, fmt.Sprintf("two fixes would write %s differently", base)
			}
			if _, err := os.Lstat(path); err == nil {
				return nil, fmt.Sprintf("it needs to add %s, which exists already", base)
			}
			added[path] = content
		}
	}
	return added, ""
}

// fixVerified applies the fixes of the findings at idx to file and checks
// that the package still type-checks with the result.
func fixVerified(p *packages.Package, pkg *rules.Package, file *ast.File, src []byte, findings []Finding, idx []int) ([]byte, bool, string) {
	var fixes []*fix.Fix
	for _, i := range idx {
		fixes = append(fixes, findings[i].Fix)
	}
	name := p.Fset.Position(file.Pos()).Filename
	content, err := fix.Apply(&fix.File{Fset: p.Fset, Pkg: p.Types, Info: p.TypesInfo, Syntax: file, Src: src}, fixes)
	if err != nil {
		return nil, false, err.Error()
	}
	added, why := addedFiles(p, fixes)
	if why != "" {
		return nil, false, why
	}
	if err := rewrite.VerifyWith(p, map[string][]byte{name: content}, added); err != nil {
		return nil, false, fmt.Sprintf("the fixed file does not type-check: %v", err)
	}
	return content, true, ""
}
