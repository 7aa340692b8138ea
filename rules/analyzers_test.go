package rules_test

import (
	"path/filepath"
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

// TestAnalyzers runs each rule's analyzer over the rule's golden cases,
// which the command line's golden test runs too: the same `// want`
// findings, and the suggested fixes applied give the same .golden files.
// The cases that span packages check that facts carry what a helper in one
// package does to what another package gives it.
func TestAnalyzers(t *testing.T) {
	for _, rule := range rules.All() {
		t.Run(rule.Name, func(t *testing.T) {
			mod := t.TempDir()
			if _, err := cases.Layout(mod, filepath.Join("..", "testdata", rule.Name)); err != nil {
				t.Fatal(err)
			}
			analysistest.RunWithSuggestedFixes(t, mod, rules.AnalyzerOf(rule), "./...")
		})
	}
}
