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
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"

	"github.com/leakfix/leakfix/config"
	"github.com/leakfix/leakfix/dependencies"
	"github.com/leakfix/leakfix/fix"
	"github.com/leakfix/leakfix/internal/dirs"
	"github.com/leakfix/leakfix/load"
	"github.com/leakfix/leakfix/ownership"
	"github.com/leakfix/leakfix/rules"
	"golang.org/x/sync/errgroup"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/packages"
)

// Options configure a run.
type Options struct {
	Load  load.Config
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
	// Finding is the rule's finding, its Fix taken off once the package
	// is done (it holds on to the package's syntax and types): what the
	// run made of it is Fix, or why not NoFix.
	rules.Finding
	// Position and EndPosition are where the finding is, as go vet
	// reports it: //line directives apply.
	Position, EndPosition token.Position
	// File is the file on disk that holds the finding, the one its fix
	// rewrites (absolute).
	File string
	// Fix is the finding's fix when it is among the changes, or nil.
	Fix *AppliedFix
}

// An AppliedFix is a fix that is among a run's changes.
type AppliedFix struct {
	Message string
	// Edits are the fix's own, as fix.EditsAlone made them, by file
	// (absolute): those of its finding's file, and of the one that
	// declares what it shares with the other fixes of its package, where
	// its insertion is the same edit in each of them. The changes of a
	// file are its fixes' edits merged.
	Edits fix.FileEdits
}

// Fixed reports whether the finding's fix is among the changes.
func (f *Finding) Fixed() bool { return f.Fix != nil }

// A FileChange is the fixed content of one file.
type FileChange struct {
	Path string // absolute
	// Old is the content the package was loaded from.
	Old, New []byte
	// Edits are those that make New of Old: the merged edits of the
	// fixes that change the file.
	Edits []fix.Edit
}

// Result is what a run found and fixed.
type Result struct {
	Findings []Finding    // sorted by position
	Changes  []FileChange // sorted by path
	Errors   []load.Error
	// Warnings are what the user should know though nothing failed: a
	// named file that the build leaves out, patterns that matched no
	// package, a resource of .leakfix.yaml that names no function.
	Warnings []string
	// Rules are the rules that ran on some package, in the order of
	// rules.All.
	Rules []*rules.Rule
}

// Run runs the pipeline. Packages are loaded in batches (see
// load.Plan): each batch is summarized, analyzed, fixed and verified,
// and released before the next one is loaded.
//
// Named files of several modules are loaded module by module (see
// load.GroupByModule), and the results put together.
func Run(opts Options) (*Result, error) {
	groups, err := load.GroupByModule(opts.Load, opts.Args)
	if err != nil {
		return nil, err
	}
	cwd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	res := &Result{}
	rel := func(path string) string { return dirs.Rel(cwd, path) }
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
	slices.SortFunc(res.Errors, func(a, b load.Error) int { return cmp.Or(cmp.Compare(a.Pos, b.Pos), cmp.Compare(a.Msg, b.Msg)) })
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
		build, err := load.DescribeBuild(opts.Load)
		if err != nil {
			return err
		}
		logf("build configuration: %s", build)
	}
	cfg := opts.Load
	cfg.Inspectors = true // for the summaries and the rules
	plan, err := load.Packages(cfg, opts.Args)
	if err != nil {
		return err
	}
	for _, f := range plan.Unloaded {
		why := "its build constraints exclude it"
		if strings.HasSuffix(f, "_test.go") && !opts.Load.Tests {
			why = "it is a test file, and tests are left out (--test=false)"
		}
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s is not analyzed: %s", rel(f), why))
	}
	if plan.NoMatch {
		patterns := strings.Join(opts.Args, " ")
		res.Warnings = append(res.Warnings, fmt.Sprintf("%q matched no packages", cmp.Or(patterns, ".")))
	}
	sums := &syncSummaries{m: ownership.SummaryMap{}}
	progress := opts.Progress
	if progress == nil {
		progress = func(Progress) {}
	}
	done := all.done
	done.Total += plan.Planned()
	progress(done)
	var mu sync.Mutex
	cache := dependencies.DefaultCache()
	learned := map[string]map[string]bool{} // dependencies' functions learned by earlier batches
	for batch := range plan.Batches() {
		deps, stats := dependencies.Learn(plan, batch.Packages, cache, learned)
		sums.add(deps)
		if stats.Packages > 0 {
			logf("summarized %d dependency packages from source (%d from the cache in %s)", stats.Packages, stats.Cached, cmp.Or(cache.Dir, "no directory"))
		}
		inspectors := summarize(sums, batch.Packages, batch.Inspectors)
		run := &packageRun{
			source: batch.Source, kinds: batch.Kinds, analyzes: plan.Analyzes, checked: plan.Checked,
			sums: sums, rules: opts.Rules, maxBodyBytes: opts.MaxBodyBytes,
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
						res.Errors = append(res.Errors, load.Error{Msg: fmt.Sprintf("internal error analyzing %s (please report it): %v\n%s", p.PkgPath, r, debug.Stack())})
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
	res.Errors = append(res.Errors, plan.Errors...)
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
// It returns the inspector of each package, for the rules: the one of
// built, by ID, where there is one (the load builds them), else one it
// builds.
func summarize(all *syncSummaries, pkgs []*packages.Package, built map[string]*inspector.Inspector) map[string]*inspector.Inspector {
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
			in := built[p.ID]
			if in == nil {
				in = inspector.New(p.Syntax)
			}
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
func configErrors(err error) []load.Error {
	var list config.Errors
	var one *config.Error
	switch {
	case errors.As(err, &list):
	case errors.As(err, &one):
		list = config.Errors{one}
	default:
		return []load.Error{{Msg: err.Error()}}
	}
	var out []load.Error
	for _, e := range list {
		out = append(out, load.Error{Pos: e.Pos(), Msg: e.Msg})
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
	kinds        map[*ast.File]fix.FileKind                  // what each file is (load.Batch.Kinds)
	analyzes     func(p *packages.Package, file string) bool // whether findings in file count
	checked      func(p *packages.Package) fix.Package       // p, to type-check again with fixes
	sums         ownership.Summaries
	rules        []*rules.Rule
	maxBodyBytes int64 // Options.MaxBodyBytes
	logf         func(string, ...any)
	rel          func(string) string // a path as the user sees it

	keep func(file string, line int) bool // Options.Keep, or nil
}

// A sourceFile is one syntax tree of a package and what it is, as the
// load classified it: the file on disk it stands for (for cmd/cgo's
// output, the file cgo translated), whether it is generated, written by
// the build, and why leakfix does not rewrite it.
type sourceFile struct {
	syntax *ast.File
	kind   fix.FileKind
}

// sourceFiles maps each file of p to the file on disk it stands for.
func (r *packageRun) sourceFiles(p *packages.Package) map[*token.File]*sourceFile {
	files := map[*token.File]*sourceFile{}
	for _, f := range p.Syntax {
		files[p.Fset.File(f.Pos())] = &sourceFile{syntax: f, kind: r.kinds[f]}
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
		Kinds:        r.kinds,
	}
	files := r.sourceFiles(p)
	byPath := map[string]*sourceFile{}
	for _, sf := range files {
		byPath[sf.kind.Path] = sf
	}
	r.logFiles(p, files)
	var findings []Finding
	var fixable []int // indexes of the findings with a fix, in order
	for _, f := range rules.Run(pkg, r.rules) {
		sf := files[p.Fset.File(f.Pos)]
		if !r.analyzes(p, sf.kind.Path) || cfg.Excludes(f.Rule, sf.kind.Path) || r.keep != nil && !r.keep(sf.kind.Path, diskLine(p.Fset, f.Pos, sf)) {
			continue
		}
		findings = append(findings, Finding{Finding: f, Position: p.Fset.Position(f.Pos), EndPosition: p.Fset.Position(f.End), File: sf.kind.Path})
		if f.Fix != nil {
			fixable = append(fixable, len(findings)-1)
		}
	}
	// noFix says why finding i gets no fix: one that was tried, and
	// failed to apply or to type-check, is dropped; one in a file
	// leakfix may not rewrite is not applied.
	noFix := func(i int, tried bool, why string) {
		pos := findings[i].Position
		pos.Filename = r.rel(pos.Filename)
		what := "not applying"
		if tried {
			what = "dropped"
		}
		r.logf("%s: %s fix %q: %s", pos, what, findings[i].Finding.Fix.Message, why)
		findings[i].NoFix = why
	}
	// Earlier fixes win where fixes conflict (fix.Select): in the order
	// of their files' names and their offsets there, which does not
	// depend on the order the load parsed the files in.
	slices.SortStableFunc(fixable, func(i, j int) int {
		a, b := findings[i], findings[j]
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(p.Fset.PositionFor(a.Pos, false).Offset, p.Fset.PositionFor(b.Pos, false).Offset))
	})
	// Each fix decorates and prints its file on its own, which on a
	// large file is most of the fix's cost: in parallel.
	type made struct {
		edits  fix.FileEdits
		why    string
		failed bool
	}
	each := make([]made, len(fixable))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for k, i := range fixable {
		g.Go(func() error {
			defer func() {
				// A bug in a rule's fix costs the fix, not the run.
				if v := recover(); v != nil {
					each[k] = made{why: fmt.Sprintf("internal error making the fix (please report it): %v\n%s", v, debug.Stack()), failed: true}
				}
			}()
			each[k].edits, each[k].why, each[k].failed = r.editsOf(p, byPath, findings[i])
			return nil
		})
	}
	g.Wait()
	var tried []int // the findings whose fixes' edits are in edits
	var edits []fix.FileEdits
	for k, i := range fixable {
		if each[k].why != "" {
			noFix(i, each[k].failed, each[k].why)
			continue
		}
		tried, edits = append(tried, i), append(edits, each[k].edits)
	}
	var changes []FileChange
	if len(tried) > 0 {
		src := func(name string) []byte { b, _ := r.source(name); return b }
		merged, whys := fix.Select(r.checked(p), src, edits)
		for k, i := range tried {
			if whys[k] != nil {
				noFix(i, true, whys[k].Error())
				continue
			}
			findings[i].Fix = &AppliedFix{Message: findings[i].Finding.Fix.Message, Edits: edits[k]}
		}
		contents, err := merged.ApplyTo(src)
		if err != nil { // Select applied these very edits
			panic(fmt.Sprintf("fix.Select's edits do not apply: %v", err))
		}
		for _, name := range merged.Files() {
			changes = append(changes, FileChange{Path: name, Old: src(name), New: contents[name], Edits: merged[name]})
		}
	}
	for i := range findings {
		findings[i].Finding.Fix = nil
	}
	return findings, changes
}

// editsOf returns the edits of a finding's fix alone (fix.EditsOf),
// or why there are none and whether the fix was made (it failed) rather
// than not tried: a file leakfix does not rewrite, a shared declaration
// that cannot go where the package's fixes declare it.
func (r *packageRun) editsOf(p *packages.Package, byPath map[string]*sourceFile, f Finding) (edits fix.FileEdits, why string, made bool) {
	sf := byPath[f.File]
	own, why := r.fileToFix(p, sf, f.File)
	if why != "" {
		return nil, why, false
	}
	edits, err := fix.EditsOf(own, f.Finding.Fix, func(name string) (*fix.File, error) {
		sf := byPath[name]
		switch {
		case sf == nil:
			return nil, errors.New("not a file of the package")
		case !r.analyzes(p, name):
			return nil, errors.New("not among the files to fix")
		}
		decl, why := r.fileToFix(p, sf, name)
		if why != "" {
			return nil, errors.New(why)
		}
		return decl, nil
	})
	if err != nil {
		return nil, err.Error(), true
	}
	return edits, "", false
}

// fileToFix is sf, the file of p at path, for fix, or why leakfix does
// not rewrite it.
func (r *packageRun) fileToFix(p *packages.Package, sf *sourceFile, path string) (*fix.File, string) {
	if why := sf.kind.NoFix(); why != "" {
		return nil, why
	}
	src, ok := r.source(path)
	if !ok {
		return nil, "the file's content is not known" // the load did not read it
	}
	return &fix.File{Fset: p.Fset, Pkg: p.Types, Info: p.TypesInfo, Syntax: sf.syntax, Src: src, Kind: &sf.kind}, ""
}

// diskLine is the line of the file on disk that pos is on: its own line,
// whatever //line directives say, but for a file cgo translated, whose
// directives give the lines of the file translated.
func diskLine(fset *token.FileSet, pos token.Pos, sf *sourceFile) int {
	p := fset.PositionFor(pos, false)
	if p.Filename != sf.kind.Path {
		return fset.Position(pos).Line
	}
	return p.Line
}

// logFiles says which files of p are analyzed, and which are skipped and
// why: generated, excluded by the build configuration, or not fixed
// because cgo translates them.
func (r *packageRun) logFiles(p *packages.Package, files map[*token.File]*sourceFile) {
	var analyzed, notes []string
	for _, sf := range files {
		name := r.rel(sf.kind.Path)
		switch {
		case sf.kind.Built || !r.analyzes(p, sf.kind.Path):
		case sf.kind.Generated:
			notes = append(notes, fmt.Sprintf("skipped %s: generated", name))
		default:
			analyzed = append(analyzed, name)
			if why := sf.kind.NoFix(); why != "" {
				notes = append(notes, fmt.Sprintf("%s: findings reported, not fixed: %s", name, why))
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
