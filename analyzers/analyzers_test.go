package analyzers_test

import (
	"os"
	"strings"
	"testing"

	"github.com/leakfix/leakfix/analyzers"
	"github.com/leakfix/leakfix/analyzers/closeorder"
	"github.com/leakfix/leakfix/analyzers/deferinloop"
	"github.com/leakfix/leakfix/analyzers/earlycancel"
	"github.com/leakfix/leakfix/analyzers/exitskipsdefer"
	"github.com/leakfix/leakfix/analyzers/lostcancel"
	"github.com/leakfix/leakfix/analyzers/missingclose"
	"github.com/leakfix/leakfix/analyzers/unboundedclientread"
	"github.com/leakfix/leakfix/analyzers/unboundedread"
	"github.com/leakfix/leakfix/analyzers/unclosedwriter"
	"github.com/leakfix/leakfix/analyzers/unflushedwriter"
	"github.com/leakfix/leakfix/rules"
)

// Every rule has its package, named after it without dashes, whose
// Analyzer is the rule's.
func TestOnePackagePerRule(t *testing.T) {
	byPackage := map[string]any{
		"missingclose":        missingclose.Analyzer,
		"lostcancel":          lostcancel.Analyzer,
		"deferinloop":         deferinloop.Analyzer,
		"unboundedread":       unboundedread.Analyzer,
		"unboundedclientread": unboundedclientread.Analyzer,
		"earlycancel":         earlycancel.Analyzer,
		"unflushedwriter":     unflushedwriter.Analyzer,
		"unclosedwriter":      unclosedwriter.Analyzer,
		"closeorder":          closeorder.Analyzer,
		"exitskipsdefer":      exitskipsdefer.Analyzer,
	}
	for _, r := range rules.All() {
		dir := strings.ReplaceAll(r.Name, "-", "")
		if _, err := os.Stat(dir); err != nil {
			t.Errorf("rule %s: no package analyzers/%s", r.Name, dir)
			continue
		}
		if a, ok := byPackage[dir]; !ok || a != analyzers.Of(r) {
			t.Errorf("rule %s: analyzers/%s.Analyzer is not the rule's analyzer (add it to this test)", r.Name, dir)
		}
	}
}
