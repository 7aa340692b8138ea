package rules_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/leakfix/leakfix/internal/cases"
	"github.com/leakfix/leakfix/rules"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
)

func TestAnalyzersValid(t *testing.T) {
	if err := analysis.Validate(rules.Analyzers); err != nil {
		t.Fatal(err)
	}
	for i, r := range rules.All() {
		a := rules.Analyzers[i]
		if a.Name != rules.AnalyzerName(r) || rules.AnalyzerOf(r) != a {
			t.Errorf("analyzer %d is %q, want the one of rule %q", i, a.Name, r.Name)
		}
	}
}

// TestAnalyzers runs each rule's analyzer over the rule's golden cases
// under analysistest, which the command line's golden test runs too: the
// same `// want` findings, and the suggested fixes applied give the same
// .golden files. The cases that span packages check that facts carry what
// a helper in one package does to what another package gives it.
//
// The cases of all the rules are laid out as one module, which one
// analysistest run analyzes with an analyzer that runs, on each package,
// the analyzer of the rule whose case it is: analysistest loads the
// standard library from source, and most of its time goes there, once
// rather than once a rule.
func TestAnalyzers(t *testing.T) {
	mod, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	requires := rules.Analyzers[0].Requires
	ruleOf := map[string]*analysis.Analyzer{} // a case's package directory → its rule's analyzer
	for _, rule := range rules.All() {
		a := rules.AnalyzerOf(rule)
		if !slices.Equal(a.Requires, requires) {
			// The analyzer below gives each the results of its own.
			t.Fatalf("%s requires %v, not %v as the others", a.Name, a.Requires, requires)
		}
		files, err := cases.Layout(mod, filepath.Join("..", "testdata", rule.Name))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			ruleOf[filepath.Dir(f.Path)] = a
		}
	}
	byCase := &analysis.Analyzer{
		Name:     "by_case",
		Doc:      "runs on each package of the cases the analyzer of the rule whose case it is",
		Requires: requires,
		Run: func(pass *analysis.Pass) (any, error) {
			dir := filepath.Dir(pass.Fset.File(pass.Files[0].Pos()).Name())
			a, ok := ruleOf[dir]
			if !ok {
				return nil, fmt.Errorf("%s is the case of no rule", dir)
			}
			return a.Run(pass)
		},
	}
	analysistest.RunWithSuggestedFixes(t, mod, byCase, "./...")
}
