// rules.Package analyzers is leakfix's rules as go/analysis analyzers, for the
// drivers of the golang.org/x/tools/go/analysis framework: go vet
// -vettool, go fix -fixtool, golangci-lint's module plugins, Bazel's nogo.
// Each rule also has a package of its own below this one, exposing its
// analyzer as the package-level variable Analyzer: the form nogo (and
// other one-analyzer-per-package drivers) wants; each is the very analyzer
// of All.
package analyzers

import (
	"errors"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/leakfix/leakfix/config"
	"github.com/leakfix/leakfix/fix"
	"github.com/leakfix/leakfix/internal/syntax"
	"github.com/leakfix/leakfix/ownership"
	"github.com/leakfix/leakfix/rules"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
)

// All holds one analysis.Analyzer per rule, in the order of rules.All, for
// the drivers of the golang.org/x/tools/go/analysis framework: go vet
// -vettool, gopls-style tools, golangci-lint's module plugins, Bazel's nogo.
//
// An analyzer's name is its rule's name with '-' turned into '_'
// (missing-close → missing_close), since the framework wants identifiers.
// Its diagnostics carry the rule's findings, with the text the command
// line prints (rules.Finding.Text), and the rule's name as Category. A fixable
// finding has one SuggestedFix: the edits of the same dst rewrite that
// "leakfix -w" writes, cut down to the changed lines.
//
// What functions do with the resources they are given flows between
// packages as facts of Ownership, which every rule analyzer
// requires.
//
// A fix may edit another file of the package besides its own: the one
// that declares what the package's fixes share (early-cancel's
// cancelOnClose).
//
// A driver handed one of these analyzers chose its rule, so a rule off by
// default runs (nogo, a multichecker of your own); the package's
// .leakfix.yaml may still disable it, and its exclusions apply. go vet and
// golangci-lint choose as the command line does: see For.
var All = analyzersFor(rules.All(), func(r *rules.Rule, cfg *config.Config) bool { return rules.ByConfig(r, cfg, true) })

// For returns analyzers of every rule that run their rule where
// the command line's selection would: the package's .leakfix.yaml's enable
// and disable over the defaults, and flags over both, which flags returns
// (it is called once the driver's flags are parsed: go vet's -NAME
// flags, golangci-lint's settings). They are distinct from All,
// with the same names and the same Ownership.
func For(flags func() rules.Selection) []*analysis.Analyzer {
	return analyzersFor(rules.All(), func(r *rules.Rule, cfg *config.Config) bool { return flags().Runs(r, cfg) })
}

// Of returns the analyzer of a rule, or nil for a rule that is not
// among rules.All.
func Of(r *rules.Rule) *analysis.Analyzer {
	if i := slices.Index(rules.All(), r); i >= 0 {
		return All[i]
	}
	return nil
}

// Name is the analyzer name of a rule: its name with '-' turned
// into '_'.
func Name(r *rules.Rule) string { return strings.ReplaceAll(r.Name, "-", "_") }

// A chooser says whether a rule's analyzer runs it on a package that cfg
// applies to (cfg's rule names checked).
type chooser func(r *rules.Rule, cfg *config.Config) bool

// A presentation is how an analyzer hands its findings to the driver
// running it.
type presentation struct {
	ruleInMessage bool // each message starts with its rule's name
	fileLocal     bool // a fix edits its finding's file only (see Combined)
}

func analyzersFor(rs []*rules.Rule, runs chooser) []*analysis.Analyzer {
	var out []*analysis.Analyzer
	for _, r := range rs {
		out = append(out, &analysis.Analyzer{
			Name:     Name(r),
			Doc:      r.Summary + "\n\n" + r.Doc,
			URL:      analyzerURL,
			Requires: []*analysis.Analyzer{inspect.Analyzer, Ownership},
			Run: func(pass *analysis.Pass) (any, error) {
				return nil, runAnalyzer(pass, []*rules.Rule{r}, runs, presentation{})
			},
		})
	}
	return out
}

const analyzerURL = "https://github.com/leakfix/leakfix#what-it-fixes"

// Combined returns one analyzer, named name, that runs every rule
// the command line's selection would, with flags for its flags (see
// For), together, as the command line does, and starts each
// diagnostic's message with its rule's name as the command line prints it
// ("missing-close: f (file from os.Open) is never closed").
//
// It is for golangci-lint, which names every issue of a plugin by the
// plugin's linter name (its SARIF ruleId, the "(leakfix)" of its text) and
// puts the analyzer's name before the message when the two names differ:
// with All, its messages would start "missing_close:", since an
// analyzer's name must be an identifier (golangci-lint runs
// analysis.Validate) and so cannot be the rule's.
//
// Its fixes edit only the finding's own file: golangci-lint's --fix
// computes every edit's offset in that file
// (golangci/golangci-lint#6671), so an edit of another file would land in
// the wrong one, or be dropped. A fix that would edit another file (the
// one declaring what the package's fixes share) is reported without a
// fix, saying so; the fix in the declaring file is kept.
func Combined(name string, flags rules.Selection) *analysis.Analyzer {
	runs := func(r *rules.Rule, cfg *config.Config) bool { return flags.Runs(r, cfg) }
	return &analysis.Analyzer{
		Name:     name,
		Doc:      "leakfix's rules " + rules.Names(rules.All()) + ": resource leaks, fixed in place",
		URL:      analyzerURL,
		Requires: []*analysis.Analyzer{inspect.Analyzer, Ownership},
		Run: func(pass *analysis.Pass) (any, error) {
			return nil, runAnalyzer(pass, rules.All(), runs, presentation{ruleInMessage: true, fileLocal: true})
		},
	}
}

// runAnalyzer runs those of rs that the package's config and runs choose
// over the pass's package, and reports their findings as diagnostics, as
// pr says, but for those in files the config excludes from their rule. A
// bug in a rule is this package's error, as on the command line, rather
// than a crash of the whole go vet run.
func runAnalyzer(pass *analysis.Pass, rs []*rules.Rule, runs chooser, pr presentation) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("internal error in rule %s (please report it): %v\n%s", rules.Names(rs), p, debug.Stack())
		}
	}()
	cfg, err := projectConfig(pass)
	if err != nil {
		return err
	}
	if err := rules.CheckNames(cfg); err != nil {
		return err
	}
	rs = slices.DeleteFunc(slices.Clone(rs), func(r *rules.Rule) bool { return !runs(r, cfg) })
	if len(rs) == 0 {
		return nil
	}
	pkg := &rules.Package{
		Fset:      pass.Fset,
		Files:     pass.Files,
		Types:     pass.Pkg,
		Info:      pass.TypesInfo,
		Summaries: pass.ResultOf[Ownership].(ownership.Summaries),
		Acquirers: cfg.Acquirers(),
		// The command line's --max-body-bytes has no flag here: the
		// limit comes from .leakfix.yaml, or is the default.
		MaxBodyBytes: cfg.MaxBodyBytes,
		Inspector:    pass.ResultOf[inspect.Analyzer].(*inspector.Inspector),
		Kinds:        fix.ClassifyAll(pass.Fset, pass.Files, nil),
	}
	var findings []rules.Finding
	for _, f := range rules.Run(pkg, rs) {
		if !cfg.Excludes(f.Rule, pass.Fset.File(f.Pos).Name()) {
			findings = append(findings, f)
		}
	}
	fixes := suggestedFixes(pass, pkg.Kinds, findings, pr.fileLocal)
	for i, f := range findings {
		d := analysis.Diagnostic{Pos: f.Pos, End: f.End, Category: f.Rule}
		if fixes[i] != nil {
			d.SuggestedFixes = []analysis.SuggestedFix{*fixes[i]}
		}
		d.Message = f.Text()
		if pr.ruleInMessage {
			d.Message = f.Rule + ": " + d.Message
		}
		pass.Report(d)
	}
	return nil
}

// configs finds the .leakfix.yaml of each package, once per directory, for
// every pass of the process (go vet runs one package a process; other
// drivers run many).
var configs config.Finder

// projectConfig is the .leakfix.yaml that applies to the pass's package, as
// on the command line: the first found walking up from the package's
// directory. A driver that sandboxes the analysis from files outside the
// package (Bazel) finds none, and tracks the standard library's resources
// only.
func projectConfig(pass *analysis.Pass) (*config.Config, error) {
	if len(pass.Files) == 0 {
		return &config.Config{}, nil
	}
	return configs.For(filepath.Dir(pass.Fset.File(pass.Files[0].Pos()).Name()))
}

// suggestedFixes turns the findings' fixes into text edits, the ones the
// command line makes (fix.EditsAlone) and chooses (fix.Select: merged in
// order, the package type-checked with all of them), and returns each
// finding's, or nil, where a finding without one says why in its NoFix.
// A fix that needs a shared declaration carries its insertion into the
// file rules.Run chose for it, the same edit in every fix of the package that
// needs it, which the drivers merge into one; unless fileLocal, where
// such a fix is not offered.
func suggestedFixes(pass *analysis.Pass, kinds map[*ast.File]fix.FileKind, findings []rules.Finding, fileLocal bool) []*analysis.SuggestedFix {
	out := make([]*analysis.SuggestedFix, len(findings))
	sources := map[string][]byte{}
	var tried []int
	var edits []fix.FileEdits
	for i, f := range findings {
		if f.Fix == nil {
			continue
		}
		fe, why := fixEdits(pass, kinds, f, sources, fileLocal)
		if why != "" {
			findings[i].Fix, findings[i].NoFix = nil, why
			continue
		}
		tried, edits = append(tried, i), append(edits, fe)
	}
	if len(tried) == 0 {
		return out
	}
	_, whys := fix.Select(checkedPackage(pass), func(name string) []byte { return sources[name] }, edits)
	for k, i := range tried {
		if whys[k] != nil {
			findings[i].Fix, findings[i].NoFix = nil, whys[k].Error()
			continue
		}
		sf := &analysis.SuggestedFix{Message: findings[i].Fix.Message}
		for _, name := range edits[k].Files() {
			tf := pass.Fset.File(fileNamed(pass, name).Pos())
			for _, e := range edits[k][name] {
				sf.TextEdits = append(sf.TextEdits, analysis.TextEdit{
					Pos:     tf.Pos(e.Start),
					End:     tf.Pos(e.End),
					NewText: []byte(e.New),
				})
			}
		}
		out[i] = sf
	}
	return out
}

// fixEdits returns the edits of a finding's fix alone, reading the files
// it edits into sources, or why it has none.
func fixEdits(pass *analysis.Pass, kinds map[*ast.File]fix.FileKind, f rules.Finding, sources map[string][]byte, fileLocal bool) (fix.FileEdits, string) {
	fileOf := func(file *ast.File) (*fix.File, string) {
		name := pass.Fset.File(file.Pos()).Name()
		if _, ok := sources[name]; !ok {
			src, err := pass.ReadFile(name)
			if err != nil {
				return nil, err.Error()
			}
			sources[name] = src
		}
		kind := kinds[file]
		return &fix.File{Fset: pass.Fset, Pkg: pass.Pkg, Info: pass.TypesInfo, Syntax: file, Src: sources[name], Kind: &kind}, ""
	}
	file := fileAt(pass.Files, f.Pos)
	if file == nil {
		return nil, "the finding is in no file of the package"
	}
	own, why := fileOf(file)
	if why != "" {
		return nil, why
	}
	if sh := f.Fix.Shared; fileLocal && sh != nil && sh.File != pass.Fset.File(file.Pos()).Name() {
		return nil, fmt.Sprintf("the fix also edits %s, declaring %s there, and golangci-lint applies only the edits in the finding's own file", filepath.Base(sh.File), sh.Name)
	}
	edits, err := fix.EditsOf(own, f.Fix, func(name string) (*fix.File, error) {
		df := fileNamed(pass, name)
		if df == nil {
			return nil, errors.New("not a file of the package")
		}
		decl, why := fileOf(df)
		if why != "" {
			return nil, errors.New(why)
		}
		return decl, nil
	})
	if err != nil {
		return nil, err.Error()
	}
	return edits, ""
}

// fileNamed returns the file of the pass whose token.File has the name.
func fileNamed(pass *analysis.Pass, name string) *ast.File {
	for _, f := range pass.Files {
		if pass.Fset.File(f.Pos()).Name() == name {
			return f
		}
	}
	return nil
}

// checkedPackage describes the pass's package for fix.Check. Imports
// resolve as the package's own import declarations did, so vendored paths
// (which the go command maps) resolve too.
func checkedPackage(pass *analysis.Pass) fix.Package {
	imports := map[string]*types.Package{"unsafe": types.Unsafe}
	// The packages the imports depend on have types too, from the same
	// export data: a fix may import one (errors, fmt, io). Under go vet
	// such a package may be incomplete, holding only what the imports
	// refer to (net/http's io has io.ReadCloser): the check imports a
	// complete package of those declarations, so that a fix that needs
	// another does not type-check, and is not offered.
	var known func(p *types.Package)
	known = func(p *types.Package) {
		for _, imp := range p.Imports() {
			if _, ok := imports[imp.Path()]; !ok {
				imports[imp.Path()] = completed(imp)
				known(imp)
			}
		}
	}
	known(pass.Pkg)
	for _, f := range pass.Files {
		for _, spec := range f.Imports {
			if pn := pass.TypesInfo.PkgNameOf(spec); pn != nil {
				imports[strings.Trim(spec.Path.Value, "`\"")] = pn.Imported()
			}
		}
	}
	return fix.Package{
		Path:  pass.Pkg.Path(),
		Fset:  pass.Fset,
		Files: pass.Files,
		Importer: fix.ImporterFunc(func(path string) (*types.Package, error) {
			if p, ok := imports[path]; ok {
				return p, nil
			}
			// Under go vet only the package's imports and what they
			// depend on have types at hand: a fix that adds another
			// cannot be checked, so it is not offered.
			return nil, fmt.Errorf("no types for %q, which the fix imports", path)
		}),
		Sizes:     pass.TypesSizes,
		GoVersion: pass.Pkg.GoVersion(),
	}
}

// completed is p, or, when p is incomplete, a complete package of p's
// declarations (the type checker ignores an incomplete import).
func completed(p *types.Package) *types.Package {
	if p.Complete() {
		return p
	}
	c := types.NewPackage(p.Path(), p.Name())
	for _, name := range p.Scope().Names() {
		c.Scope().Insert(p.Scope().Lookup(name))
	}
	c.MarkComplete()
	return c
}

// fileAt returns the file of files that holds pos.
func fileAt(files []*ast.File, pos token.Pos) *ast.File {
	for _, f := range files {
		if f.FileStart <= pos && pos <= f.FileEnd {
			return f
		}
	}
	return nil
}

// Ownership learns what the functions of each package do with the
// resources passed to them (ownership.Summarize), exports that as facts for
// the packages that import it, and returns, as its result, the
// ownership.Summaries (a *packageSummaries: the framework wants the
// declared result type exactly) of this package's functions and of the
// imported ones.
// It is how go vet, which sees one package at a time, knows what the
// command line knows from the packages it loaded: that a helper in another
// package closes the file it is given.
//
// Standard-library packages export no facts: what the standard library does
// with a value is the built-in table's to say (ownership/stdlib.go), in
// every entry point alike, and summarizing all of it on each go vet run
// would cost time for nothing.
var Ownership = &analysis.Analyzer{
	Name:       "leakfix_ownership",
	Doc:        "learn which resources each function closes or keeps (takes) and which it only uses (borrows), for leakfix's rules",
	URL:        "https://github.com/leakfix/leakfix#how-it-works",
	Run:        runOwnership,
	Requires:   []*analysis.Analyzer{inspect.Analyzer},
	FactTypes:  []analysis.Fact{new(summaryFact)},
	ResultType: reflect.TypeFor[*packageSummaries](),
}

// summaryFact is the ownership.Summary of one function, as a fact.
type summaryFact ownership.Summary

func (*summaryFact) AFact() {}

func (f *summaryFact) String() string {
	return fmt.Sprintf("takes %v, borrows %v, limits the body of %v", f.Takes, f.Borrows, f.LimitsBody)
}

func runOwnership(pass *analysis.Pass) (any, error) {
	imported := factSummaries{pass}
	own := ownership.Summarize(pass.Fset, pass.TypesInfo, pass.ResultOf[inspect.Analyzer].(*inspector.Inspector), imported)
	if !isStandard(pass) {
		for _, f := range pass.Files {
			for _, decl := range f.Decls {
				fd, ok := decl.(*ast.FuncDecl)
				if !ok {
					continue
				}
				fn, ok := pass.TypesInfo.Defs[fd.Name].(*types.Func)
				if !ok {
					continue
				}
				if s, ok := own.Summary(fn); ok {
					fact := summaryFact(s)
					pass.ExportObjectFact(fn, &fact)
				}
			}
		}
	}
	return &packageSummaries{own: own, imported: imported}, nil
}

// isStandard reports whether the pass's package is in the standard
// library: outside any module, with no dot in its path's first element.
func isStandard(pass *analysis.Pass) bool {
	return pass.Module == nil && syntax.IsStandardPath(pass.Pkg.Path())
}

// factSummaries are the summaries that imported packages exported as facts.
// The framework keys facts by object, ownership by full name: the object of
// a function is its generic origin, as ownership.Key's name is.
type factSummaries struct{ pass *analysis.Pass }

func (s factSummaries) Summary(fn *types.Func) (ownership.Summary, bool) {
	fn = fn.Origin()
	if fn.Pkg() == nil || fn.Pkg() == s.pass.Pkg {
		return ownership.Summary{}, false
	}
	var fact summaryFact
	if !s.pass.ImportObjectFact(fn, &fact) {
		return ownership.Summary{}, false
	}
	return ownership.Summary(fact), true
}

// packageSummaries answers for the package's own functions from what was
// learned of their bodies, and for imported ones from facts.
type packageSummaries struct {
	own      ownership.SummaryMap
	imported factSummaries
}

func (s *packageSummaries) Summary(fn *types.Func) (ownership.Summary, bool) {
	if sum, ok := s.own.Summary(fn); ok {
		return sum, true
	}
	return s.imported.Summary(fn)
}
