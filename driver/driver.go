// Package driver runs leakfix's pipeline: load → match → fix → verify. It
// returns the findings and the fixed content of each file; showing a diff or
// writing the files is left to the caller.
package driver

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/leakfix/leakfix/fix"
	"github.com/leakfix/leakfix/ownership"
	"github.com/leakfix/leakfix/rewrite"
	"github.com/leakfix/leakfix/rules"
	"golang.org/x/sync/errgroup"
	"golang.org/x/tools/go/packages"
)

// Options configure a run.
type Options struct {
	Load  rewrite.LoadConfig
	Args  []string      // package patterns or .go files
	Rules []*rules.Rule // the rules to run
	// Log, when set, receives verbose notes: the build configuration,
	// the files analyzed and skipped, and why fixes were dropped.
	Log func(format string, args ...any)
}

// A Finding is a rule's finding with its resolved position.
type Finding struct {
	rules.Finding
	// Position and EndPosition are where the finding is, as go vet
	// reports it: //line directives apply.
	Position, EndPosition token.Position
	// File is the file on disk that holds the finding, the one its fix
	// rewrites (absolute).
	File string
	// Fixed is set when the fix is in the file's new content. The Fix
	// itself is not kept once applied: it holds on to the package's
	// syntax and types, which are released after the package is done.
	Fixed bool
}

// A FileChange is the fixed content of one file.
type FileChange struct {
	Path     string // absolute
	Old, New []byte // Old is the content the package was loaded from
}

// Result is what a run found and fixed.
type Result struct {
	Findings []Finding    // sorted by position
	Changes  []FileChange // sorted by path
	Errors   []rewrite.Error
}

// Run runs the pipeline. Packages are loaded in batches (see
// rewrite.Load): each batch is summarized, analyzed, fixed and verified,
// and released before the next one is loaded.
func Run(opts Options) (*Result, error) {
	logf := opts.Log
	if logf == nil {
		logf = func(string, ...any) {}
	}
	cwd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	rel := func(path string) string { return relPath(cwd, path) }
	if opts.Log != nil {
		build, err := rewrite.DescribeBuild(opts.Load)
		if err != nil {
			return nil, err
		}
		logf("build configuration: %s", build)
	}
	load, err := rewrite.LoadPackages(opts.Load, opts.Args)
	if err != nil {
		return nil, err
	}
	for _, f := range load.Unloaded {
		logf("skipped %s: not in the build", rel(f))
	}
	res := &Result{}
	sums := ownership.SummaryMap{}
	for batch := range load.Batches() {
		summarize(sums, batch.Packages)
		run := &packageRun{source: batch.Source, analyzes: load.Analyzes, sums: sums, rules: opts.Rules, logf: logf, rel: rel}
		var mu sync.Mutex
		var g errgroup.Group
		g.SetLimit(runtime.GOMAXPROCS(0))
		for _, p := range batch.Packages {
			g.Go(func() error {
				findings, changes := run.analyze(p)
				mu.Lock()
				defer mu.Unlock()
				res.Findings = append(res.Findings, findings...)
				res.Changes = append(res.Changes, changes...)
				return nil
			})
		}
		g.Wait()
	}
	res.Errors = load.Errors
	slices.SortFunc(res.Findings, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Position.Filename, b.Position.Filename),
			cmp.Compare(a.Position.Offset, b.Position.Offset), cmp.Compare(a.Rule, b.Rule))
	})
	slices.SortFunc(res.Changes, func(a, b FileChange) int { return cmp.Compare(a.Path, b.Path) })
	return res, nil
}

// summarize adds to all what the functions of pkgs do with the resources
// passed to them, dependencies first, so that each package's summaries can
// build on those of the packages it imports. Packages of earlier batches
// are known through all; packages that were not loaded from source stay
// unknown, but for the standard library's built-in table.
func summarize(all ownership.SummaryMap, pkgs []*packages.Package) {
	loaded := map[string]*packages.Package{}
	for _, p := range pkgs {
		loaded[p.ID] = p
	}
	done := map[string]bool{}
	var visit func(p *packages.Package)
	visit = func(p *packages.Package) {
		if done[p.ID] {
			return
		}
		done[p.ID] = true
		for _, imp := range p.Imports {
			if dep, ok := loaded[imp.ID]; ok {
				visit(dep)
			}
		}
		maps.Copy(all, ownership.Summarize(p.TypesInfo, p.Syntax, all))
	}
	for _, p := range pkgs {
		visit(p)
	}
}

// A packageRun holds what analyzing the packages of one batch needs
// besides each package.
type packageRun struct {
	source   func(file string) ([]byte, bool)            // the content a file was parsed from
	analyzes func(p *packages.Package, file string) bool // whether findings in file count
	sums     ownership.Summaries
	rules    []*rules.Rule
	logf     func(string, ...any)
	rel      func(string) string // a path as the user sees it
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
		if orig, ok := rules.CgoSource(p.Fset, f); ok {
			sf.path, sf.noFix = orig, "the file uses cgo, and leakfix does not rewrite cgo files"
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
func (r *packageRun) analyze(p *packages.Package) ([]Finding, []FileChange) {
	pkg := &rules.Package{Fset: p.Fset, Files: p.Syntax, Types: p.Types, Info: p.TypesInfo, Summaries: r.sums}
	files := sourceFiles(p)
	r.logFiles(p, files)
	var findings []Finding
	byFile := map[*sourceFile][]int{} // indexes of the fixable findings of each file
	for _, f := range rules.Run(pkg, r.rules) {
		sf := files[p.Fset.File(f.Pos)]
		if !r.analyzes(p, sf.path) {
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
		content, fixes, whyDropped := fixFile(p, sf, src, findings, idx)
		for _, i := range fixes.dropped {
			noFix(i, true, whyDropped[i])
		}
		if len(fixes.kept) > 0 {
			replaced[sf.path], old[sf.path], accepted[sf.path] = content, src, fixes.kept
		}
	}
	// Each file's fixes type-check on their own; check them together,
	// unless they are in one file, and so checked already.
	if len(replaced) > 1 {
		if err := rewrite.Verify(p, replaced); err != nil {
			for _, idx := range accepted {
				for _, i := range idx {
					noFix(i, true, fmt.Sprintf("the fixed package does not type-check: %v", err))
				}
			}
			replaced = nil
		}
	}
	var changes []FileChange
	for name, content := range replaced {
		for _, i := range accepted[name] {
			findings[i].Fixed = true
		}
		changes = append(changes, FileChange{Path: name, Old: old[name], New: content})
	}
	for i := range findings {
		findings[i].Fix = nil
	}
	return findings, changes
}

// fixIndexes are the findings whose fixes a file keeps, and those it drops.
type fixIndexes struct{ kept, dropped []int }

// fixFile applies the fixes of the findings at idx to the file, keeping
// those that type-check: all of them when they do together, else each one
// that does alone and with the ones kept before it. It returns the fixed
// content and why each dropped fix was dropped.
func fixFile(p *packages.Package, sf *sourceFile, src []byte, findings []Finding, idx []int) ([]byte, fixIndexes, map[int]string) {
	content, err := fixVerified(p, sf, src, findings, idx)
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
		if c, err := fixVerified(p, sf, src, findings, try); err == nil {
			content, out.kept = c, try
		} else {
			out.dropped = append(out.dropped, i)
			why[i] = err.Error()
		}
	}
	return content, out, why
}

// fixVerified applies the fixes of the findings at idx to the file and
// checks that the package still type-checks with the result.
func fixVerified(p *packages.Package, sf *sourceFile, src []byte, findings []Finding, idx []int) ([]byte, error) {
	var fixes []*fix.Fix
	for _, i := range idx {
		fixes = append(fixes, findings[i].Fix)
	}
	content, err := fix.Apply(&fix.File{Fset: p.Fset, Pkg: p.Types, Info: p.TypesInfo, Syntax: sf.syntax, Src: src}, fixes)
	if err != nil {
		return nil, err
	}
	if err := rewrite.Verify(p, map[string][]byte{sf.path: content}); err != nil {
		return nil, fmt.Errorf("the fixed file does not type-check: %v", err)
	}
	return content, nil
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
