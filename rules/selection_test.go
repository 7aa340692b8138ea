package rules_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/leakfix/leakfix/analyzers"
	"github.com/leakfix/leakfix/config"
	"github.com/leakfix/leakfix/internal/cases"
	"github.com/leakfix/leakfix/rules"
	"golang.org/x/tools/go/analysis"
)

func names(rs []*rules.Rule) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return out
}

// TestSelectionForConfig: the defaults, then the file's enable and
// disable, then the flags', which win.
func TestSelectionForConfig(t *testing.T) {
	defaults := names(must(rules.Select(nil, nil)))
	without := func(name string) []string {
		return slices.DeleteFunc(slices.Clone(defaults), func(n string) bool { return n == name })
	}
	withClientRead := names(must(rules.Select([]string{"unbounded-client-read"}, nil)))
	for _, tt := range []struct {
		file  string
		flags rules.Selection
		want  []string
	}{
		{"", rules.Selection{}, defaults},
		{"disable: [missing-close]", rules.Selection{}, without("missing-close")},
		{"disable: [missing-close]", rules.Selection{Enable: []string{"missing-close"}}, defaults},
		{"enable: [unbounded-client-read]", rules.Selection{}, withClientRead},
		{"enable: [unbounded-client-read]", rules.Selection{Disable: []string{"unbounded-client-read"}}, defaults},
		{"", rules.Selection{Enable: []string{"unbounded-client-read"}}, withClientRead},
		{"enable: [missing-close]", rules.Selection{Disable: []string{"missing-close"}}, without("missing-close")},
	} {
		cfg, err := config.Parse("/p/.leakfix.yaml", []byte(tt.file))
		if err != nil {
			t.Fatal(err)
		}
		got, err := tt.flags.ForConfig(cfg)
		if err != nil || !slices.Equal(names(got), tt.want) {
			t.Errorf("file %q, flags %+v: got %v (%v), want %v", tt.file, tt.flags, names(got), err, tt.want)
		}
	}
	for file, want := range map[string]string{
		"enable: [a]": `/p/.leakfix.yaml:1:10: unknown rule "a" (rules: missing-close, lost-cancel, defer-in-loop, early-cancel, unbounded-read, unbounded-client-read, unflushed-writer, unclosed-writer, close-order, exit-skips-defer)`,
		"exclusions:\n  rules:\n    - path: x\n      rules: [b]": `/p/.leakfix.yaml:4:15: unknown rule "b" (rules: missing-close, lost-cancel, defer-in-loop, early-cancel, unbounded-read, unbounded-client-read, unflushed-writer, unclosed-writer, close-order, exit-skips-defer)`,
	} {
		cfg, err := config.Parse("/p/.leakfix.yaml", []byte(file))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := (rules.Selection{}).ForConfig(cfg); err == nil || err.Error() != want {
			t.Errorf("file %q: got %v, want %s", file, err, want)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// followConfigDir holds, in TestAnalyzers' module, the cases of
// followConfigCases, each in a directory of its own with its config.
const followConfigDir = "followconfig"

// A followConfigCase is a package a/ with a leak, and the config beside
// it, which the analyzer must follow.
type followConfigCase struct {
	name, config string
	analyzer     *analysis.Analyzer
	reported     bool
}

// followConfigCases: an analyzer reports nothing for a package whose
// config disables its rule, and nothing in the files an exclusion leaves
// to it; a flag that enables the rule wins over the file, and
// analyzers.All, chosen by the driver, follow the file's disable.
// TestAnalyzers runs each case under analysistest, as the package of its
// own it is in its module: where the leak is reported, its `// want` and
// the fix (a.go.golden) are checked.
func followConfigCases() []followConfigCase {
	missingClose := func(flags rules.Selection) *analysis.Analyzer {
		return analyzers.For(func() rules.Selection { return flags })[slices.Index(rules.All(), rules.MissingClose)]
	}
	return []followConfigCase{
		{"no config", "", missingClose(rules.Selection{}), true},
		{"disabled", "disable: [missing-close]\n", missingClose(rules.Selection{}), false},
		{"disabled, flag enables", "disable: [missing-close]\n", missingClose(rules.Selection{Enable: []string{"missing-close"}}), true},
		{"disabled, chosen analyzer", "disable: [missing-close]\n", analyzers.Of(rules.MissingClose), false},
		{"excluded", "exclusions:\n  rules:\n    - path: ^a/\n      rules: [missing-close]\n", missingClose(rules.Selection{}), false},
		{"excluded, chosen analyzer", "exclusions:\n  rules:\n    - path: ^a/\n", analyzers.Of(rules.MissingClose), false},
		{"another rule excluded", "exclusions:\n  rules:\n    - path: ^a/\n      rules: [lost-cancel]\n", missingClose(rules.Selection{}), true},
	}
}

// layOut writes the case in dir: its config, and a/a.go with the leak, a
// `// want` on it where it is reported, and then a/a.go.golden, the file
// fixed.
func (c followConfigCase) layOut(t *testing.T, dir string) {
	t.Helper()
	const want = ` // want "is never closed"`
	const leak = `package a

import "os"

func Size() (int64, error) {
	f, err := os.Open("x")` + want + `
	if err != nil {
		return 0, err
	}
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}
`
	files := map[string]string{config.FileName: c.config}
	if c.reported {
		files["a/a.go"] = leak
		files["a/a.go.golden"] = strings.Replace(leak, "\tst, err := f.Stat()", "\tdefer f.Close()\n\tst, err := f.Stat()", 1)
	} else {
		files["a/a.go"] = strings.Replace(leak, want, "", 1)
	}
	if err := cases.WriteFiles(dir, files); err != nil {
		t.Fatal(err)
	}
}
