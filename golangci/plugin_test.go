package golangci

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
)

// analyzerOf makes the plugin as golangci-lint does, from its registration
// and settings, and returns the analyzer that runs the rules.
func analyzerOf(t *testing.T, settings any) *analysis.Analyzer {
	t.Helper()
	newPlugin, err := register.GetPlugin("leakfix")
	if err != nil {
		t.Fatal(err)
	}
	p, err := newPlugin(settings)
	if err != nil {
		t.Fatalf("%v: %v", settings, err)
	}
	if p.GetLoadMode() != register.LoadModeTypesInfo {
		t.Errorf("load mode %q", p.GetLoadMode())
	}
	as, err := p.BuildAnalyzers()
	if err != nil {
		t.Fatal(err)
	}
	// golangci-lint validates the analyzers before running them, and
	// shows a message without the analyzer's name only when it is the
	// linter's.
	if err := analysis.Validate(as); err != nil {
		t.Fatal(err)
	}
	if len(as) != 2 || as[0].Name != "leakfix" || !strings.HasPrefix(as[1].Name, "leakfix_config_") {
		t.Fatalf("analyzers %v, want leakfix and its config key", as)
	}
	return as[0]
}

// The second analyzer's name, which golangci-lint's cache of issues is
// keyed by, changes with the .leakfix.yaml of the working directory's
// module, and only with it.
func TestConfigKey(t *testing.T) {
	t.Setenv("GOWORK", "off")
	dir := t.TempDir()
	t.Chdir(dir)
	key := func() string {
		t.Helper()
		p, err := New(nil)
		if err != nil {
			t.Fatal(err)
		}
		as, err := p.BuildAnalyzers()
		if err != nil {
			t.Fatal(err)
		}
		return as[1].Name
	}
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/m\n")
	none := key()
	write("m.go", "package m\n")
	if key() != none {
		t.Error("a Go file changed the config key")
	}
	write(".leakfix.yaml", "disable: [missing-close]\n")
	disabled := key()
	if disabled == none {
		t.Error("a new .leakfix.yaml left the config key as it was")
	}
	write(".leakfix.yaml", "disable: [lost-cancel]\n")
	if k := key(); k == disabled || k == none {
		t.Error("an edit of .leakfix.yaml left the config key as it was")
	}
}

// TestPluginFixes applies the plugin's suggested fixes, as golangci-lint
// run --fix does: they give leaky.go.golden, what leakfix -w writes.
//
// The same analysistest run, over a package with a leak of a default rule
// (missing-close) and of a rule that is off by default
// (unbounded-client-read), runs the plugin's analyzer with each setting of
// pluginSettings, its diagnostics kept apart: the settings choose the
// rules, and each message starts with its rule's name as the command line
// prints it. The analyzers of all the settings run in one pass over the
// package, as golangci-lint runs its linters' analyzers, which shares the
// loading (the standard library, from source) and the ownership facts.
func TestPluginFixes(t *testing.T) {
	fixes := analyzerOf(t, map[string]any{"enable": []any{"unbounded-client-read"}})
	var analyzers []*analysis.Analyzer
	for _, tc := range pluginSettings {
		a := analyzerOf(t, tc.settings)
		if !slices.Equal(a.Requires, fixes.Requires) {
			t.Fatalf("settings %v: the analyzer requires %v, not %v", tc.settings, a.Requires, fixes.Requires)
		}
		analyzers = append(analyzers, a)
	}
	got := make([][]string, len(analyzers)) // each setting's diagnostics
	var mu sync.Mutex
	settings := &analysis.Analyzer{
		Name:     "settings",
		Doc:      "runs the plugin's analyzer of each setting, keeping their diagnostics apart, then the one with unbounded-client-read enabled",
		Requires: fixes.Requires,
		Run: func(pass *analysis.Pass) (any, error) {
			for i, a := range analyzers {
				p := *pass
				p.Analyzer = a
				p.Report = func(d analysis.Diagnostic) {
					pos := pass.Fset.Position(d.Pos)
					mu.Lock()
					defer mu.Unlock()
					got[i] = append(got[i], fmt.Sprintf("%d:%d: %s", pos.Line, pos.Column, d.Message))
				}
				if _, err := a.Run(&p); err != nil {
					return nil, fmt.Errorf("settings %v: %v", pluginSettings[i].settings, err)
				}
			}
			return fixes.Run(pass)
		},
	}
	analysistest.RunWithSuggestedFixes(t, "testdata/leaky", settings, "./...")
	for i, tc := range pluginSettings {
		if !slices.Equal(got[i], tc.want) {
			t.Errorf("settings %v: diagnostics\n\t%q\nwant\n\t%q", tc.settings, got[i], tc.want)
		}
	}
}

// pluginSettings are the settings TestPluginFixes runs the plugin with, and
// the diagnostics each gives in testdata/leaky.
var pluginSettings = []struct {
	settings any
	want     []string
}{
	{nil, []string{missingCloseLeak}},
	{map[string]any{}, []string{missingCloseLeak}},
	{map[string]any{"disable": []any{"missing-close"}}, nil},
	{map[string]any{"enable": []any{"unbounded-client-read"}}, []string{missingCloseLeak, clientReadLeak}},
	{map[string]any{"enable": []any{"unbounded-client-read"}, "disable": []any{"missing-close"}}, []string{clientReadLeak}},
}

// The leaks of testdata/leaky, as the plugin reports them.
const (
	missingCloseLeak = "12:12: missing-close: f (file from os.Open) is never closed"
	clientReadLeak   = "29:9: unbounded-client-read: resp.Body is read whole with no limit on its size"
)

// TestPluginBadSettings: a wrong setting is an error that names it, where
// it is in .golangci.yml, and what it may be. golangci-lint prints it after
// "plugin(leakfix): newPlugin ", its own words.
func TestPluginBadSettings(t *testing.T) {
	newPlugin, err := register.GetPlugin("leakfix")
	if err != nil {
		t.Fatal(err)
	}
	const rules = "missing-close, lost-cancel, defer-in-loop, early-cancel, unbounded-read, unbounded-client-read, unflushed-writer, unclosed-writer, close-order, exit-skips-defer"
	for _, tc := range []struct {
		settings any
		want     string
	}{
		{map[string]any{"colour": "red"},
			`linters.settings.custom.leakfix.settings: unknown setting "colour" (the settings are enable and disable, lists of rule names as for leakfix --enable and --disable)`},
		{map[string]any{"enable": "missing-close"},
			`linters.settings.custom.leakfix.settings.enable must be a list of rule names, not "missing-close"`},
		{map[string]any{"disable": []any{"missing-close", 3}},
			`linters.settings.custom.leakfix.settings.disable must be a list of rule names, not ["missing-close",3]`},
		{map[string]any{"disable": []any{"no-such-rule"}},
			`linters.settings.custom.leakfix.settings.disable: unknown rule "no-such-rule" (rules: ` + rules + `)`},
		{map[string]any{"enable": []any{"missing_close"}},
			`linters.settings.custom.leakfix.settings.enable: unknown rule "missing_close" (rules: ` + rules + `)`},
		{[]any{"missing-close"},
			`linters.settings.custom.leakfix.settings must be a map with the keys enable and disable, not ["missing-close"]`},
	} {
		_, err := newPlugin(tc.settings)
		if err == nil || err.Error() != tc.want {
			t.Errorf("settings %v: error\n\t%v\nwant\n\t%s", tc.settings, err, tc.want)
		}
	}
}
