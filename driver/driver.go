// Package driver runs leakfix's pipeline: load → match → fix → verify. It
// returns the findings and the fixed content of each file; showing a diff or
// writing the files is left to the caller.
package driver

import (
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
	"strings"
	"sync"

	udiff "github.com/aymanbagabas/go-udiff"
	"github.com/leakfix/leakfix/config"
	"github.com/leakfix/leakfix/dependencies"
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
	Rules []*rules.Rule // the rules to run, unless Selection is set
	// Selection, when set, chooses each package's rules in place of
	// Rules: the enable and disable of the package's .leakfix.yaml over
	// the defaults, then Selection's own (the command line's flags),
	// which win.
	Selection *rules.Selection
	// MaxBodyBytes, when positive, is the limit the unbounded-read rules
	// put on bodies, over the one in .leakfix.yaml.
	MaxBodyBytes int64
	// Log, when set, receives verbose notes: the build configuration,
	// the files analyzed and skipped, and why fixes were dropped.
	Log func(format string, args ...any)
	// Progress, when set, is called as packages are done: once when
	// analysis starts, then after each package. Calls do not overlap.
	Progress func(Progress)
	// EachFix asks for each fixed finding's fix applied alone
	// (Finding.FixEdits), as JSON and SARIF show each fix on its own.
	EachFix bool
	// Keep, when set, says which findings count, by the file on disk
	// (absolute) and the line there that they start on: the others are
	// neither reported nor fixed (--new-from-rev keeps the changed lines).
	Keep func(file string, line int) bool
}

// Progress is how far a run is.
type Progress struct {
	Done, Total int // packages
	Findings    int // found so far
}

// A Finding is a rule's finding with its resolved position.
type Finding struct {
	// Finding is the rule's finding. Its Fix, once applied, keeps its
	// message and sites, not its Edit, which holds on to the package's
	// syntax and types, released when the package is done.
	rules.Finding
	// Position and EndPosition are where the finding is, as go vet
	// reports it: //line directives apply.
	Position, EndPosition token.Position
	// File is the file on disk that holds the finding, the one its fix
	// rewrites (absolute).
	File string
	// Fixed is set when the fix is in the file's new content.
	Fixed bool
	// FixEdits are the edits of this finding's fix alone, when Fixed and
	// Options.EachFix are set, as line edits of each file it changes (by
	// absolute path): its own, and the one that declares what the fix
	// shares with the other fixes of its package, whose insertion is the
	// same edit in each of them.
	FixEdits map[string][]udiff.Edit
}

// A FileChange is the fixed content of one file.
type FileChange struct {
	Path string // absolute
	// Old is the content the package was loaded from.
	Old, New []byte
}

// Result is what a run found and fixed.
type Result struct {
	Findings []Finding    // sorted by position
	Changes  []FileChange // sorted by path
	Errors   []rewrite.Error
	// Warnings are what the user should know though nothing failed: a
	// named file that the build leaves out, patterns that matched no
	// package, a resource of .leakfix.yaml that names no function.
	Warnings []string
	// Rules are the rules that ran on some package, in the order of
	// rules.All.
	Rules []*rules.Rule
}

// Run runs the pipeline. Packages are loaded in batches (see
// rewrite.Load): each batch is summarized, analyzed, fixed and verified,
// and released before the next one is loaded.
//
// Named files of several modules are loaded module by module (see
// rewrite.GroupByModule), and the results put together.
func Run(opts Options) (*Result, error) {
	groups, err := rewrite.GroupByModule(opts.Load, opts.Args)
	if err != nil {
		return nil, err
	}
	cwd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	res := &Result{}
	rel := func(path string) string { return relPath(cwd, path) }
	run := &acrossGroups{
		res: res, configs: &config.Finder{}, ran: map[*rules.Rule]bool{},
		resources: &resourceCheck{rel: rel}, rel: rel,
	}
	for _, g := range groups {
		o := opts
		o.Load.Dir, o.Args = g.Dir, g.Args
		if len(groups) > 1 && opts.Log != nil {
			opts.Log("loading %s from %s", strings.Join(relPaths(rel, g.Args), " "), cmp.Or(rel(g.Dir), "."))
		}
		if err := runGroup(o, run); err != nil {
			return nil, err
		}
	}
	res.Warnings = append(res.Warnings, slices.Sorted(slices.Values(run.resources.finish()))...)
	for _, r := range rules.All() {
		if run.ran[r] {
			res.Rules = append(res.Rules, r)
		}
	}
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

// relPaths names absolute paths as rel does, as findings are; other
// arguments are left as they are.
func relPaths(rel func(string) string, paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = p
		if filepath.IsAbs(p) {
			out[i] = rel(p)
		}
	}
	return out
}

// acrossGroups is what the module groups of one run share: the result, the
// configs read, the check of the configs' resources, the rules that ran,
// the progress, and how paths are shown (relative to the directory the
// run started in).
type acrossGroups struct {
	res       *Result
	configs   *config.Finder
	resources *resourceCheck
	ran       map[*rules.Rule]bool
	done      Progress
	rel       func(string) string
}

// runGroup runs the pipeline on arguments that one go command loads, and
// adds what it finds to all.
func runGroup(opts Options, all *acrossGroups) error {
	res, configs, resources, ran := all.res, all.configs, all.resources, all.ran
	logf := opts.Log
	if logf == nil {
		logf = func(string, ...any) {}
	}
	rel := all.rel
	if opts.Log != nil {
		build, err := rewrite.DescribeBuild(opts.Load)
		if err != nil {
			return err
		}
		logf("build configuration: %s", build)
	}
	load, err := rewrite.LoadPackages(opts.Load, opts.Args)
	if err != nil {
		return err
	}
	for _, f := range load.Unloaded {
		why := "its build constraints exclude it"
		if strings.HasSuffix(f, "_test.go") && !opts.Load.Tests {
			why = "it is a test file, and tests are left out (--test=false)"
		}
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s is not analyzed: %s", rel(f), why))
	}
	if load.NoMatch {
		patterns := strings.Join(opts.Args, " ")
		res.Warnings = append(res.Warnings, fmt.Sprintf("%q matched no packages", cmp.Or(patterns, ".")))
	}
	sums := &syncSummaries{m: ownership.SummaryMap{}}
	progress := opts.Progress
	if progress == nil {
		progress = func(Progress) {}
	}
	done := all.done
	done.Total += load.Planned()
	progress(done)
	var mu sync.Mutex
	cache := dependencies.DefaultCache()
	learned := map[string]map[string]bool{} // dependencies' functions learned by earlier batches
	for batch := range load.Batches() {
		deps, stats := dependencies.Learn(load, batch.Packages, cache, learned)
		sums.add(deps)
		if stats.Packages > 0 {
			logf("summarized %d dependency packages from source (%d from the cache in %s)", stats.Packages, stats.Cached, cmp.Or(cache.Dir, "no directory"))
		}
		inspectors := summarize(sums, batch.Packages)
		run := &packageRun{
			source: batch.Source, analyzes: load.Analyzes, verify: load.Verify,
			sums: sums, rules: opts.Rules, maxBodyBytes: opts.MaxBodyBytes, eachFix: opts.EachFix,
			keep: opts.Keep, logf: logf, rel: rel,
		}
		var g errgroup.Group
		g.SetLimit(runtime.GOMAXPROCS(0))
		for _, p := range batch.Packages {
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
					done.Total = max(done.Total, done.Done) // a package whose tests fail comes alone
					done.Findings += len(findings)
					progress(done)
				}()
				cfg, err := configs.For(packageDir(p))
				run := *run
				if err == nil && opts.Selection != nil {
					run.rules, err = opts.Selection.ForConfig(cfg)
				}
				if err != nil {
					mu.Lock()
					defer mu.Unlock()
					res.Errors = append(res.Errors, configErrors(err)...)
					return nil
				}
				resources.see(cfg, p)
				findings, changes := run.analyze(p, inspectors[p.ID], cfg)
				mu.Lock()
				defer mu.Unlock()
				for _, r := range run.rules {
					ran[r] = true
				}
				res.Findings = append(res.Findings, findings...)
				res.Changes = append(res.Changes, changes...)
				return nil
			})
		}
		g.Wait()
	}
	res.Errors = append(res.Errors, load.Errors...)
	all.done = done
	return nil
}

// summarize adds to all what the functions of pkgs do with the resources
// passed to them, dependencies first, so that each package's summaries can
// build on those of the packages it imports; packages whose dependencies
// are done are summarized in parallel. Packages of earlier batches are
// known through all; packages that were not loaded from source stay
// unknown, but for the standard library's built-in table.
//
// It returns the inspector it built for each package, for the rules.
func summarize(all *syncSummaries, pkgs []*packages.Package) map[string]*inspector.Inspector {
	inspectors := make(map[string]*inspector.Inspector, len(pkgs))
	waits, unseen := summaryOrder(pkgs)
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
			for _, id := range waits[p.ID] {
				<-done[id]
			}
			sem <- struct{}{}
			defer func() { <-sem }()
			in := inspector.New(p.Syntax)
			var imported ownership.Summaries = all
			if skip := unseen[p.ID]; len(skip) > 0 {
				imported = &withoutPackages{all, skip}
			}
			all.addFrom(ownership.Summarize(p.Fset, p.TypesInfo, in, imported), ownVariant(p))
			mu.Lock()
			inspectors[p.ID] = in
			mu.Unlock()
			return nil
		})
	}
	g.Wait()
	return inspectors
}

// summaryOrder says, for each of pkgs, which others it waits for: those
// it imports, where a package checked as its test variant ("q [q.test]")
// stands for the plain one ("q"), whose summaries it makes (its own
// variant "q [q.test]" where there are several). Import cycles
// that variants make (q's tests import p, which imports q) are broken
// where waiting for the variant would close one, deterministically, in
// the order of the IDs; a package that does not wait for a variant does
// not read that package's summaries either (unseen), rather than read
// them half made.
func summaryOrder(pkgs []*packages.Package) (waits map[string][]string, unseen map[string]map[string]bool) {
	ids := map[string]bool{}
	variant := map[string]string{} // PkgPath → ID of the variant standing for it
	for _, p := range pkgs {
		ids[p.ID] = true
	}
	for _, p := range slices.SortedFunc(slices.Values(pkgs), func(a, b *packages.Package) int { return cmp.Compare(a.ID, b.ID) }) {
		if p.ID != p.PkgPath && !ids[p.PkgPath] && (variant[p.PkgPath] == "" || ownVariant(p)) {
			variant[p.PkgPath] = p.ID
		}
	}
	waits = map[string][]string{}
	var redirects [][2]string
	for _, p := range pkgs {
		for _, imp := range p.Imports {
			switch {
			case ids[imp.ID]:
				waits[p.ID] = append(waits[p.ID], imp.ID)
			case variant[imp.PkgPath] != "" && variant[imp.PkgPath] != p.ID:
				redirects = append(redirects, [2]string{p.ID, variant[imp.PkgPath]})
			}
		}
	}
	reaches := func(from, to string) bool {
		seen := map[string]bool{}
		stack := []string{from}
		for len(stack) > 0 {
			id := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if id == to {
				return true
			}
			if !seen[id] {
				seen[id] = true
				stack = append(stack, waits[id]...)
			}
		}
		return false
	}
	slices.SortFunc(redirects, func(a, b [2]string) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	unseen = map[string]map[string]bool{}
	pathOf := map[string]string{}
	for _, p := range pkgs {
		pathOf[p.ID] = p.PkgPath
	}
	for _, r := range redirects {
		if reaches(r[1], r[0]) {
			if unseen[r[0]] == nil {
				unseen[r[0]] = map[string]bool{}
			}
			unseen[r[0]][pathOf[r[1]]] = true
			continue
		}
		waits[r[0]] = append(waits[r[0]], r[1])
	}
	return waits, unseen
}

// ownVariant reports whether p is its package's own: the plain package or
// its own test variant ("p [p.test]"), which has all its files.
func ownVariant(p *packages.Package) bool {
	return p.ID == p.PkgPath || p.ID == p.PkgPath+" ["+p.PkgPath+".test]"
}

// withoutPackages hides the summaries of some packages.
type withoutPackages struct {
	ownership.Summaries
	paths map[string]bool
}

func (w *withoutPackages) Summary(fn *types.Func) (ownership.Summary, bool) {
	if fn.Pkg() != nil && w.paths[fn.Pkg().Path()] {
		return ownership.Summary{}, false
	}
	return w.Summaries.Summary(fn)
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

func (s *syncSummaries) add(m ownership.SummaryMap) { s.addFrom(m, true) }

// addFrom adds m, learned from a package or from one of its variants. A
// package is summarized once per variant checked (its own test variant
// "p [p.test]", and "p [q.test]" for the tests of a package it imports),
// and each writes the same keys: the package's own variant decides, so
// that what importers read does not depend on which finished last: it
// overwrites what another variant wrote, and another variant writes only
// keys no one has.
func (s *syncSummaries) addFrom(m ownership.SummaryMap, canonical bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range m {
		if _, ok := s.m[k]; ok && !canonical {
			continue
		}
		s.m[k] = v
	}
}

// configErrors reports a bad config file like load errors: each mistake
// at its position, so that it is printed relative to the current
// directory.
func configErrors(err error) []rewrite.Error {
	var list config.Errors
	var one *config.Error
	switch {
	case errors.As(err, &list):
	case errors.As(err, &one):
		list = config.Errors{one}
	default:
		return []rewrite.Error{{Msg: err.Error()}}
	}
	var out []rewrite.Error
	for _, e := range list {
		out = append(out, rewrite.Error{Pos: e.Pos(), Msg: e.Msg})
	}
	return out
}

// packageDir is the directory of a package's files.
func packageDir(p *packages.Package) string {
	if len(p.GoFiles) > 0 {
		return filepath.Dir(p.GoFiles[0])
	}
	return "."
}

// A packageRun holds what analyzing the packages of one batch needs
// besides each package.
type packageRun struct {
	source       func(file string) ([]byte, bool)            // the content a file was parsed from
	analyzes     func(p *packages.Package, file string) bool // whether findings in file count
	verify       func(p *packages.Package, replaced map[string][]byte) error
	sums         ownership.Summaries
	rules        []*rules.Rule
	maxBodyBytes int64 // Options.MaxBodyBytes
	eachFix      bool  // Options.EachFix
	logf         func(string, ...any)
	rel          func(string) string // a path as the user sees it

	keep func(file string, line int) bool // Options.Keep, or nil
}

// A sourceFile is one syntax tree of a package and the file on disk it
// stands for.
type sourceFile struct {
	syntax *ast.File
	path   string // the file on disk: for cmd/cgo's output, the file cgo translated
	// generated files are skipped: the rules report nothing in them.
	generated bool
	// built files are written by the build (by cgo, say) and not the
	// translation of a file of the user's.
	built bool
	// noFix says why leakfix does not rewrite the file, or is "".
	noFix string
}

// sourceFiles maps each file of p to the file on disk it stands for.
func sourceFiles(p *packages.Package) map[*token.File]*sourceFile {
	files := map[*token.File]*sourceFile{}
	for _, f := range p.Syntax {
		tf := p.Fset.File(f.Pos())
		sf := &sourceFile{syntax: f, path: tf.Name()}
		if orig, ok := fix.CgoSource(p.Fset, f); ok {
			sf.path, sf.noFix = orig, fix.ErrCgo.Error()
		} else {
			sf.built = !slices.Contains(p.GoFiles, sf.path)
			sf.generated = ast.IsGenerated(f)
			sf.noFix = rewrite.NotRewritable(p, f)
		}
		files[tf] = sf
	}
	return files
}

// analyze matches the rules against p, fixes the files with fixable
// findings and verifies the fixed package.
func (r *packageRun) analyze(p *packages.Package, in *inspector.Inspector, cfg *config.Config) ([]Finding, []FileChange) {
	pkg := &rules.Package{
		Fset: p.Fset, Files: p.Syntax, Types: p.Types, Info: p.TypesInfo,
		Summaries: r.sums, Acquirers: cfg.Acquirers(),
		MaxBodyBytes: cmp.Or(r.maxBodyBytes, cfg.MaxBodyBytes),
		Inspector:    in,
	}
	files := sourceFiles(p)
	byPath := map[string]*sourceFile{}
	for _, sf := range files {
		byPath[sf.path] = sf
	}
	r.logFiles(p, files)
	var findings []Finding
	byFile := map[*sourceFile][]int{} // indexes of the fixable findings of each file
	for _, f := range rules.Run(pkg, r.rules) {
		sf := files[p.Fset.File(f.Pos)]
		if !r.analyzes(p, sf.path) || cfg.Excludes(f.Rule, sf.path) || r.keep != nil && !r.keep(sf.path, diskLine(p.Fset, f.Pos, sf)) {
			continue
		}
		findings = append(findings, Finding{Finding: f, Position: p.Fset.Position(f.Pos), EndPosition: p.Fset.Position(f.End), File: sf.path})
		if f.Fix != nil {
			byFile[sf] = append(byFile[sf], len(findings)-1)
		}
	}
	// noFix takes its fix off finding i, and says why: a fix that was
	// tried, and failed to apply or to type-check, is dropped; one in a
	// file leakfix may not rewrite is not applied.
	noFix := func(i int, tried bool, why string) {
		pos := findings[i].Position
		pos.Filename = r.rel(pos.Filename)
		what := "not applying"
		if tried {
			what = "dropped"
		}
		r.logf("%s: %s fix %q: %s", pos, what, findings[i].Fix.Message, why)
		findings[i].Fix, findings[i].NoFix = nil, why
	}
	replaced := map[string][]byte{}
	old := map[string][]byte{}
	accepted := map[string][]int{}
	for sf, idx := range byFile {
		src, ok := r.source(sf.path)
		why := sf.noFix
		if why == "" && !ok {
			why = "the file's content is not known" // the load did not read it
		}
		if why != "" {
			for _, i := range idx {
				noFix(i, false, why)
			}
			continue
		}
		content, fixes, whyDropped := r.fixFile(p, byPath, sf, src, findings, idx)
		for _, i := range fixes.dropped {
			noFix(i, true, whyDropped[i])
		}
		if len(fixes.kept) > 0 {
			replaced[sf.path], old[sf.path], accepted[sf.path] = content, src, fixes.kept
		}
	}
	// The files that declare what the kept fixes share get it, with their
	// own kept fixes. Each file's fixes type-check on their own, with
	// those declarations; check them together, unless they are in one
	// file, and so checked already.
	needs := map[string][]*fix.Shared{} // declaring file → the declarations
	for _, idx := range accepted {
		for _, i := range idx {
			if sh := findings[i].Fix.Shared; sh != nil {
				needs[sh.File] = append(needs[sh.File], sh)
			}
		}
	}
	var why string
	for _, name := range slices.Sorted(maps.Keys(needs)) {
		shared := needs[name]
		var fixes []*fix.Fix
		for _, i := range accepted[name] {
			fixes = append(fixes, findings[i].Fix)
		}
		content, src, err := r.declare(p, byPath, name, fixes, shared)
		if err != nil {
			why = err.Error()
			break
		}
		replaced[name], old[name] = content, src
	}
	if why == "" && len(replaced) > 1 {
		if err := r.verify(p, replaced); err != nil {
			why = fmt.Sprintf("the fixed package does not type-check: %v", err)
		}
	}
	if why != "" {
		for _, idx := range accepted {
			for _, i := range idx {
				noFix(i, true, why)
			}
		}
		replaced = nil
	}
	var changes []FileChange
	for name, content := range replaced {
		for _, i := range accepted[name] {
			findings[i].Fixed = true
		}
		changes = append(changes, FileChange{Path: name, Old: old[name], New: content})
	}
	if r.eachFix {
		r.fixEach(p, files, byPath, findings, old)
	}
	for i := range findings {
		if fx := findings[i].Fix; fx != nil {
			findings[i].Fix = &fix.Fix{Message: fx.Message, Sites: fx.Sites}
		}
	}
	return findings, changes
}

// diskLine is the line of the file on disk that pos is on: its own line,
// whatever //line directives say, but for a file cgo translated, whose
// directives give the lines of the file translated.
func diskLine(fset *token.FileSet, pos token.Pos, sf *sourceFile) int {
	p := fset.PositionFor(pos, false)
	if p.Filename != sf.path {
		return fset.Position(pos).Line
	}
	return p.Line
}

// fixIndexes are the findings whose fixes a file keeps, and those it drops.
type fixIndexes struct{ kept, dropped []int }

// fixFile applies the fixes of the findings at idx to the file, keeping
// those that type-check: all of them when they do together, else each one
// that does alone and with the ones kept before it. It returns the fixed
// content and why each dropped fix was dropped.
func (r *packageRun) fixFile(p *packages.Package, byPath map[string]*sourceFile, sf *sourceFile, src []byte, findings []Finding, idx []int) ([]byte, fixIndexes, map[int]string) {
	content, _, err := r.fixVerified(p, byPath, sf, src, findings, idx)
	if err == nil {
		return content, fixIndexes{kept: idx}, nil
	}
	if len(idx) == 1 {
		return nil, fixIndexes{dropped: idx}, map[int]string{idx[0]: err.Error()}
	}
	var out fixIndexes
	why := map[int]string{}
	for _, i := range idx {
		try := append(out.kept[:len(out.kept):len(out.kept)], i)
		if c, _, err := r.fixVerified(p, byPath, sf, src, findings, try); err == nil {
			content, out.kept = c, try
		} else {
			out.dropped = append(out.dropped, i)
			why[i] = err.Error()
		}
	}
	return content, out, why
}

// fixVerified applies the fixes of the findings at idx to the file, with
// the declarations they share that the file holds, declares those that
// other files hold there, and checks that the package still type-checks
// with the result. It returns the file's content and that of the other
// files it changes.
func (r *packageRun) fixVerified(p *packages.Package, byPath map[string]*sourceFile, sf *sourceFile, src []byte, findings []Finding, idx []int) ([]byte, map[string][]byte, error) {
	var fixes []*fix.Fix
	shared := map[string][]*fix.Shared{} // declaring file → the declarations
	for _, i := range idx {
		fx := findings[i].Fix
		fixes = append(fixes, fx)
		if fx.Shared != nil {
			shared[fx.Shared.File] = append(shared[fx.Shared.File], fx.Shared)
		}
	}
	content, err := fix.Apply(fileOf(p, sf, src), fixes, shared[sf.path]...)
	if err != nil {
		return nil, nil, err
	}
	replaced := map[string][]byte{sf.path: content}
	others := map[string][]byte{}
	for name, decls := range shared {
		if name == sf.path {
			continue
		}
		if others[name], _, err = r.declare(p, byPath, name, nil, decls); err != nil {
			return nil, nil, err
		}
		replaced[name] = others[name]
	}
	if err := r.verify(p, replaced); err != nil {
		return nil, nil, fmt.Errorf("the fixed file does not type-check: %v", err)
	}
	return content, others, nil
}

// declare returns the content of the named file of p with fixes, fixes of
// its own, applied and the shared declarations appended, and its content
// as loaded.
func (r *packageRun) declare(p *packages.Package, byPath map[string]*sourceFile, name string, fixes []*fix.Fix, shared []*fix.Shared) (content, src []byte, err error) {
	sf := byPath[name]
	src, ok := r.source(name)
	base := filepath.Base(name)
	switch {
	case sf == nil:
		return nil, nil, fmt.Errorf("the fix declares %s in %s, which is not a file of the package", shared[0].Name, base)
	case !r.analyzes(p, name):
		return nil, nil, fmt.Errorf("the fix declares %s in %s, which is not among the files to fix", shared[0].Name, r.rel(name))
	case sf.noFix != "":
		return nil, nil, fmt.Errorf("the fix declares %s in %s: %s", shared[0].Name, base, sf.noFix)
	case !ok:
		return nil, nil, fmt.Errorf("the fix declares %s in %s, whose content is not known", shared[0].Name, base)
	}
	content, err = fix.Apply(fileOf(p, sf, src), fixes, shared...)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot declare %s in %s: %v", shared[0].Name, base, err)
	}
	return content, src, nil
}

// fixEach sets FixEdits on the fixed findings: each fix applied alone to
// the files' original content. Fixes were verified together; one alone is
// verified again, and left out (FixEdits nil) should it not type-check.
func (r *packageRun) fixEach(p *packages.Package, files map[*token.File]*sourceFile, byPath map[string]*sourceFile, findings []Finding, old map[string][]byte) {
	for i := range findings {
		f := &findings[i]
		if !f.Fixed {
			continue
		}
		sf := files[p.Fset.File(f.Pos)]
		content, others, err := r.fixVerified(p, byPath, sf, old[sf.path], findings, []int{i})
		if err != nil {
			continue
		}
		fixed := map[string][]byte{sf.path: content}
		maps.Copy(fixed, others)
		f.FixEdits = r.fixEdits(p, byPath, sf, f.Fix, fixed)
	}
}

// fixEdits returns the edits of fx, a fix of the file sf, alone, which
// make the files fixed, as fix.EditsAlone has them (a declaration shared
// with other fixes is the same edit in each of them). A file whose edits
// do not give its fixed content gets the lines that changed.
func (r *packageRun) fixEdits(p *packages.Package, byPath map[string]*sourceFile, sf *sourceFile, fx *fix.Fix, fixed map[string][]byte) map[string][]udiff.Edit {
	src, _ := r.source(sf.path)
	own := fileOf(p, sf, src)
	decl := own
	if sh := fx.Shared; sh != nil && byPath[sh.File] != nil && sh.File != sf.path {
		src, _ := r.source(sh.File)
		decl = fileOf(p, byPath[sh.File], src)
	}
	edits, err := fix.EditsAlone(own, fx, decl)
	if err != nil {
		edits = map[string][]udiff.Edit{}
	}
	for name, want := range fixed {
		src, _ := r.source(name)
		if got, err := udiff.Apply(string(src), edits[name]); err != nil || got != string(want) {
			edits[name] = udiff.Lines(string(src), string(want))
		}
	}
	return edits
}

// fileOf is sf with the content src, for fix.
func fileOf(p *packages.Package, sf *sourceFile, src []byte) *fix.File {
	return &fix.File{Fset: p.Fset, Pkg: p.Types, Info: p.TypesInfo, Syntax: sf.syntax, Src: src}
}

// logFiles says which files of p are analyzed, and which are skipped and
// why: generated, excluded by the build configuration, or not fixed
// because cgo translates them.
func (r *packageRun) logFiles(p *packages.Package, files map[*token.File]*sourceFile) {
	var analyzed, notes []string
	for _, sf := range files {
		name := r.rel(sf.path)
		switch {
		case sf.built || !r.analyzes(p, sf.path):
		case sf.generated:
			notes = append(notes, fmt.Sprintf("skipped %s: generated", name))
		default:
			analyzed = append(analyzed, name)
			if sf.noFix != "" {
				notes = append(notes, fmt.Sprintf("%s: findings reported, not fixed: %s", name, sf.noFix))
			}
		}
	}
	for _, f := range p.IgnoredFiles {
		if strings.HasSuffix(f, ".go") && r.analyzes(p, f) {
			notes = append(notes, fmt.Sprintf("skipped %s: excluded by the build configuration", r.rel(f)))
		}
	}
	slices.Sort(analyzed)
	slices.Sort(notes)
	r.logf("%s: analyzed %s", p.ID, strings.Join(analyzed, " "))
	for _, n := range notes {
		r.logf("%s", n)
	}
}

// relPath makes path relative to dir, also when it lies outside it
// (../pkg/file.go).
func relPath(dir, path string) string {
	if rel, err := filepath.Rel(dir, path); err == nil {
		return rel
	}
	return path
}
