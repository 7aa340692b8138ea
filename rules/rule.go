// Package rules is leakfix's rule engine: each rule receives one
// type-checked package and reports findings, each with an optional fix
// expressed as edits to the file's decorated syntax tree (github.com/dave/dst).
//
// Rules match on go/types objects, never on spelled names, so an aliased
// import of net/http is recognised and a user's own type named Response is
// not. What a value is, where it flows and what closes it is decided once,
// in package ownership, and shared by every rule.
package rules

import (
	"go/ast"
	"go/token"
	"go/types"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/leakfix/leakfix/config"
	"github.com/leakfix/leakfix/fix"
	"github.com/leakfix/leakfix/ownership"
	"golang.org/x/tools/go/ast/inspector"
)

// A Rule is one leak pattern that leakfix finds and, where it can prove the
// change right, fixes.
type Rule struct {
	Name    string // flag and output name, e.g. "missing-close"
	Summary string // one line, shown by --list-rules
	Doc     string // the full documentation, shown by --list-rules
	// DefaultOff rules run only when enabled by name.
	DefaultOff bool
	Run        func(*Pass)
}

// All returns every rule, in the order --list-rules shows them.
func All() []*Rule {
	return []*Rule{MissingClose, LostCancel, DeferInLoop, EarlyCancel, UnboundedRead, UnboundedClientRead, UnflushedWriter, UnclosedWriter, CloseOrder, ExitSkipsDefer}
}

// Lookup returns the rule with the given name.
func Lookup(name string) (*Rule, bool) {
	for _, r := range All() {
		if r.Name == name {
			return r, true
		}
	}
	return nil, false
}

// Select returns the rules to run: the default ones, plus enable, minus
// disable. Unknown names are an error that lists the known ones.
func Select(enable, disable []string) ([]*Rule, error) {
	for _, name := range slices.Concat(enable, disable) {
		if _, ok := Lookup(name); !ok {
			return nil, unknownRule(name)
		}
	}
	return Selection{enable, disable}.ForConfig(&config.Config{})
}

// Package is the type-checked package the rules run on.
type Package struct {
	Fset  *token.FileSet
	Files []*ast.File
	Types *types.Package
	Info  *types.Info
	// Summaries tells what functions of this and other packages do with
	// the resources passed to them (nil when nothing is known).
	Summaries ownership.Summaries
	// Acquirers are the functions that acquire resources: the standard
	// library's and the project's own (nil for the standard library's).
	Acquirers ownership.Acquirers
	// MaxBodyBytes is the limit the unbounded-read rules put on bodies
	// (0 for config.DefaultMaxBodyBytes).
	MaxBodyBytes int64
	// Inspector walks Files; nil to build one. (Sharing the one the
	// summaries were computed with saves building it twice.)
	Inspector *inspector.Inspector
	// Kinds say what each of Files is, as the entry point that loaded
	// them classified them (fix.Classify); nil to classify them here.
	// Nothing is reported in a generated file.
	Kinds map[*ast.File]fix.FileKind
}

// kind is what f, one of p's files, is.
func (p *Package) kind(f *ast.File) fix.FileKind {
	if k, ok := p.Kinds[f]; ok {
		return k
	}
	return fix.Classify(p.Fset, f, nil)
}

func (p *Package) maxBodyBytes() int64 {
	if p.MaxBodyBytes > 0 {
		return p.MaxBodyBytes
	}
	return config.DefaultMaxBodyBytes
}

func (p *Package) acquirers() ownership.Acquirers {
	if p.Acquirers == nil {
		return ownership.With(nil)
	}
	return p.Acquirers
}

// acquisitions returns the package's acquisitions, found once for all the
// rules that run on it.
func (p *Pass) acquisitions() []*ownership.Acquisition {
	if p.shared == nil {
		p.shared = &shared{}
	}
	p.shared.once.Do(func() {
		p.shared.judgements = map[*ownership.Acquisition]ownership.Judgement{}
		p.shared.paths = map[*ownership.Acquisition]followed{}
		p.shared.acquisitions = ownership.Find(p.Fset, p.Info, p.Inspector.Root(), p.acquirers(), p.Summaries)
	})
	return p.shared.acquisitions
}

// judge returns who is responsible for a's resource, judged once for all
// the rules that ask.
func (p *Pass) judge(a *ownership.Acquisition) ownership.Judgement {
	p.acquisitions() // makes p.shared
	if j, ok := p.shared.judgements[a]; ok {
		return j
	}
	j := ownership.Judge(p.Fset, p.Info, a, p.Summaries)
	p.shared.judgements[a] = j
	return j
}

// shared holds what the rules running on one package compute once. The
// rules of a package run one after another, so it needs no lock past the
// first computation.
type shared struct {
	once         sync.Once
	acquisitions []*ownership.Acquisition
	judgements   map[*ownership.Acquisition]ownership.Judgement
	paths        map[*ownership.Acquisition]followed
}

// followed is the result of ownership.FollowPaths for an acquisition and
// its judgement.
type followed struct {
	paths *ownership.Paths
	ok    bool
}

// followPaths follows a's resource along its function's paths with its
// judgement, once per package: missing-close and the body readers it
// folds both need them.
func (p *Pass) followPaths(a *ownership.Acquisition) (*ownership.Paths, bool) {
	j := p.judge(a)
	if f, ok := p.shared.paths[a]; ok {
		return f.paths, f.ok
	}
	paths, ok := ownership.FollowPaths(p.Info, a, j)
	p.shared.paths[a] = followed{paths, ok}
	return paths, ok
}

// A Pass is one rule's run over one package.
type Pass struct {
	*Package // its Inspector is set
	rule     *Rule
	findings []Finding
	shared   *shared
}

// Report records a finding of the pass's rule.
func (p *Pass) Report(f Finding) {
	f.Rule = p.rule.Name
	p.findings = append(p.findings, f)
}

// A Finding is one leak at one place.
type Finding struct {
	Rule     string
	Pos, End token.Pos
	Message  string
	// Fix is the safe automatic fix, or nil when there is none.
	Fix *fix.Fix
	// NoFix says why there is no automatic fix, when Fix is nil.
	NoFix string
	// Evidence, for a resource, is what shows that the function owns it
	// (ownership.Evidence: "table", "learned", "shape"...).
	Evidence string
}

// Run runs rules over pkg and returns their findings, sorted by position,
// without those in generated files or silenced by a suppression comment.
func Run(pkg *Package, rs []*Rule) []Finding {
	if pkg.Inspector == nil {
		withInspector := *pkg
		withInspector.Inspector = inspector.New(pkg.Files)
		pkg = &withInspector
	}
	sh := &shared{}
	var all []Finding
	for _, r := range rs {
		pass := &Pass{Package: pkg, rule: r, shared: sh}
		r.Run(pass)
		all = append(all, pass.findings...)
	}
	skip := suppressions(pkg)
	all = slices.DeleteFunc(all, func(f Finding) bool {
		p := pkg.Fset.Position(f.Pos)
		return skip.generated[pkg.Fset.File(f.Pos)] || skip.silences(f.Rule, p)
	})
	sort.SliceStable(all, func(i, j int) bool { return all[i].Pos < all[j].Pos })
	placeShared(pkg, all)
	return all
}

// placeShared chooses the file of pkg that declares each declaration the
// findings' fixes share (fix.Shared, by name): of the files that hold
// those fixes, the first by name, preferring a file that is not a test's
// (non-test code sees only those) and does not use cgo (leakfix does not
// rewrite such files). Every such fix gets the same file, whichever entry
// point runs the rules, since it depends only on the fixes the package has.
func placeShared(pkg *Package, findings []Finding) {
	if !slices.ContainsFunc(findings, func(f Finding) bool { return f.Fix != nil && f.Fix.Shared != nil }) {
		return // most packages: no file's imports need reading
	}
	cgo := map[*token.File]bool{}
	for _, f := range pkg.Files {
		cgo[pkg.Fset.File(f.Pos())] = pkg.kind(f).Cgo
	}
	type candidate struct {
		test, cgo bool
		name      string
	}
	better := func(a, b candidate) bool {
		if a.test != b.test {
			return !a.test
		}
		if a.cgo != b.cgo {
			return !a.cgo
		}
		return a.name < b.name
	}
	chosen := map[string]candidate{} // shared name → file
	for _, f := range findings {
		if f.Fix == nil || f.Fix.Shared == nil {
			continue
		}
		tf := pkg.Fset.File(f.Pos)
		c := candidate{strings.HasSuffix(tf.Name(), "_test.go"), cgo[tf], tf.Name()}
		if prev, ok := chosen[f.Fix.Shared.Name]; !ok || better(c, prev) {
			chosen[f.Fix.Shared.Name] = c
		}
	}
	for _, f := range findings {
		if f.Fix != nil && f.Fix.Shared != nil {
			f.Fix.Shared.File = chosen[f.Fix.Shared.Name].name
		}
	}
}

type fileLine struct {
	file string
	line int
}

type skipped struct {
	generated map[*token.File]bool
	lines     map[fileLine]string // lines whose findings are silenced: the rule, "" for all
}

// silences reports whether a suppression comment silences a finding of
// rule at p.
func (s skipped) silences(rule string, p token.Position) bool {
	r, ok := s.lines[fileLine{p.Filename, p.Line}]
	return ok && (r == "" || r == rule)
}

// suppressRx matches //leakfix:ignore (a reason may follow), a bare
// //nolint, and //nolint:leakfix, also within a list such as
// //nolint:errcheck,leakfix: they silence every rule. A //nolint naming
// bodyclose or sqlclosecheck, the linters that report unclosed response
// bodies and sql rows, in a function's doc comment says that the function
// leaves them open on purpose (restic's test of a mock response with no
// body): it silences missing-close there. On a line it is not taken: it
// answers those linters' report of a body the function hands on, which
// leakfix follows itself, and the paths where the function does not hand
// it on still leak (go-openai's sendRequestRaw: "//nolint:bodyclose //
// body should be closed by outer function", and left open when the
// status is an error).
var suppressRx = regexp.MustCompile(`^//\s*(leakfix:ignore\b|nolint(?:$|\s)|nolint:([\w-]+,)*(leakfix|all|bodyclose|sqlclosecheck)\b)`)

// silencedRule is the rule a suppression comment silences: missing-close
// for a //nolint list that names bodyclose or sqlclosecheck but not
// leakfix or all, else "" (every rule).
func silencedRule(comment string) string {
	_, list, ok := strings.Cut(comment, "nolint:")
	fields := strings.Fields(list)
	if !ok || len(fields) == 0 || strings.HasPrefix(comment, "//nolint ") {
		return ""
	}
	for _, name := range strings.Split(fields[0], ",") {
		if name == "leakfix" || name == "all" {
			return ""
		}
	}
	return MissingClose.Name
}

// suppressions finds the generated files of pkg, and the lines silenced by a
// suppression comment: the comment's own line and the line below it, or,
// for a comment in a function's doc comment, every line of the function,
// as golangci-lint reads //nolint above a declaration. Lines are those
// that //line directives give, as for the findings.
func suppressions(pkg *Package) skipped {
	s := skipped{generated: map[*token.File]bool{}, lines: map[fileLine]string{}}
	silence := func(file string, from, to int, rule string) {
		for line := from; line <= to; line++ {
			if r, ok := s.lines[fileLine{file, line}]; !ok || r != "" {
				s.lines[fileLine{file, line}] = rule
			}
		}
	}
	for _, f := range pkg.Files {
		if pkg.kind(f).Generated {
			s.generated[pkg.Fset.File(f.Pos())] = true
			continue
		}
		docOf := map[*ast.CommentGroup]*ast.FuncDecl{}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Doc != nil {
				docOf[fd.Doc] = fd
			}
		}
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				if !suppressRx.MatchString(c.Text) {
					continue
				}
				rule := silencedRule(c.Text)
				p := pkg.Fset.Position(c.Slash)
				if fd := docOf[cg]; fd != nil {
					silence(p.Filename, p.Line, pkg.Fset.Position(fd.End()).Line, rule)
				} else if rule == "" {
					silence(p.Filename, p.Line, p.Line+1, rule)
				}
			}
		}
	}
	return s
}
