package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/leakfix/leakfix/internal/cases"
	"github.com/leakfix/leakfix/rules"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"
)

// analyzed is every rule's analyzer run in process, as analysistest runs
// one (loaded from source, with the standard library it imports, and
// checker.Analyze's sanity checks), over the golden cases of all the rules
// laid out as one module: loading the standard library from source is
// most of analysistest's time, and this way it happens once for the ten
// rules, not once a rule.
type analyzed struct {
	dir   string // the module
	roots []*checker.Action
}

var analyzeCases = sync.OnceValues(func() (*analyzed, error) {
	dir := filepath.Join(binDir, "cases") // removed by TestMain
	for _, r := range rules.All() {
		if _, err := cases.Layout(dir, filepath.Join("..", "testdata", r.Name)); err != nil {
			return nil, err
		}
	}
	// analysistest's mode and module setup.
	mode := packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedImports |
		packages.NeedTypes | packages.NeedTypesSizes | packages.NeedSyntax | packages.NeedTypesInfo |
		packages.NeedDeps | packages.NeedModule
	pkgs, err := packages.Load(&packages.Config{
		Mode:  mode,
		Dir:   dir,
		Tests: true,
		Env:   append(os.Environ(), "GO111MODULE=on", "GOPROXY=off", "GOWORK=off", "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local"),
	}, "./...")
	if err != nil {
		return nil, err
	}
	if n := packages.PrintErrors(pkgs); n > 0 {
		return nil, fmt.Errorf("%d errors loading the cases (printed above)", n)
	}
	res, err := checker.Analyze(rules.Analyzers, pkgs, &checker.Options{SanityCheck: true})
	if err != nil {
		return nil, err
	}
	return &analyzed{dir, res.Roots}, nil
})

// analyzedCases returns the analysis of all the rules' cases, done by the
// first test to ask for it.
func analyzedCases(t *testing.T) *analyzed {
	t.Helper()
	a, err := analyzeCases()
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// of returns what the rule's analyzer reported in the packages of the
// rule's case files (module-relative, slash-separated), as the
// command line's findings, and the edits of its suggested fixes.
func (a *analyzed) of(t *testing.T, rule *rules.Rule, caseFiles []string) ([]finding, []edit) {
	t.Helper()
	var dirs []string
	for _, f := range caseFiles {
		dirs = append(dirs, filepath.Dir(filepath.FromSlash(f)))
	}
	rel := func(file string) string {
		r, err := filepath.Rel(a.dir, file)
		if err != nil {
			t.Fatal(err)
		}
		return filepath.ToSlash(r)
	}
	var found []finding
	var edits []edit
	ran := false
	for _, act := range a.roots {
		if act.Analyzer != rules.AnalyzerOf(rule) || len(act.Package.GoFiles) == 0 {
			continue
		}
		if pkgDir, _ := filepath.Rel(a.dir, filepath.Dir(act.Package.GoFiles[0])); !slices.Contains(dirs, pkgDir) {
			continue // another rule's case
		}
		ran = true
		if act.Err != nil {
			t.Errorf("analyzing %s: %v", act, act.Err)
		}
		for _, d := range act.Diagnostics {
			pos := act.Package.Fset.Position(d.Pos)
			found = append(found, finding{rel(pos.Filename), pos.Line, pos.Column, d.Category, d.Message})
			for _, sf := range d.SuggestedFixes {
				for _, e := range sf.TextEdits {
					file := act.Package.Fset.File(e.Pos)
					edits = append(edits, edit{rel(file.Name()), file.Offset(e.Pos), file.Offset(e.End), string(e.NewText)})
				}
			}
		}
	}
	if !ran {
		t.Fatalf("the analyzer of %s ran on none of its cases", rule.Name)
	}
	// A package with tests is analyzed twice, as itself and with its
	// tests ("p [p.test]"), which find the same in its files (their
	// identical edits applyEdits makes once).
	found = slices.Compact(slices.SortedFunc(slices.Values(found), func(a, b finding) int { return strings.Compare(a.String(), b.String()) }))
	return found, edits
}
