package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakfix/leakfix/config"
	"github.com/leakfix/leakfix/internal/cases"
	"github.com/leakfix/leakfix/rules"
)

// TestConfigSelectsInEveryEntryPoint: a rule chosen by .leakfix.yaml alone
// (a rule off by default, the others disabled) gives, in every entry point
// and with no flag, the findings that --enable and --disable give on the
// command line; an exclusion of every file from it leaves every entry
// point silent, and go fix without a change.
func TestConfigSelectsInEveryEntryPoint(t *testing.T) {
	t.Parallel() // with the other tests of the entry points
	rule := rules.UnboundedClientRead
	if !rule.DefaultOff {
		t.Fatalf("%s is on by default: choose a rule that is off", rule.Name)
	}
	mod := t.TempDir()
	if _, err := cases.Layout(mod, filepath.Join("..", "testdata", rule.Name)); err != nil {
		t.Fatal(err)
	}
	var others []string
	for _, r := range rules.All() {
		if r != rule {
			others = append(others, r.Name)
		}
	}
	_, stderr := runExit(t, mod, 1, "leakfix", "--enable="+rule.Name, "--disable="+strings.Join(others, ","), "./...")
	want := parseText(t, stderr, true)
	if len(want) == 0 {
		t.Fatal("no findings")
	}

	selecting := "enable: [" + rule.Name + "]\ndisable: [" + strings.Join(others, ", ") + "]\n"
	writeConfig(t, mod, selecting)
	t.Run("selected", func(t *testing.T) {
		t.Parallel()
		dir := copyModule(t, mod)
		_, stderr := runExit(t, dir, 1, "leakfix", "./...")
		sameFindings(t, parseText(t, stderr, true), want)
		_, stderr = runExit(t, dir, 1, "go", "vet", "-vettool="+leakfixPath(), "./...")
		sameFindings(t, parseText(t, stderr, false), withoutRule(want))
		hooks := preCommitHooks(t)
		_, stderr = runHook(t, dir, hooks["leakfix-check"], nil, goFilesOf(t, dir), 1)
		sameFindings(t, parseText(t, stderr, true), want)
	})

	t.Run("excluded", func(t *testing.T) {
		t.Parallel()
		dir := copyModule(t, mod)
		writeConfig(t, dir, selecting+"exclusions:\n  rules:\n    - path: '.*'\n      rules: ["+rule.Name+"]\n")
		for _, cmd := range [][]string{
			{"leakfix", "./..."},
			{"go", "vet", "-vettool=" + leakfixPath(), "./..."},
			{"go", "vet", "-vettool=" + leakfixPath(), "-" + rules.AnalyzerName(rule), "./..."},
		} {
			if _, stderr := runExit(t, dir, 0, cmd[0], cmd[1:]...); stderr != "" {
				t.Errorf("%s: %s", strings.Join(cmd, " "), stderr)
			}
		}
		before := goFilesContent(t, dir)
		runExit(t, dir, 0, "go", "fix", "-fixtool="+leakfixPath(), "./...")
		if after := goFilesContent(t, dir); after != before {
			t.Error("go fix changed excluded files")
		}
	})
}

func writeConfig(t *testing.T, dir, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, config.FileName), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// goFilesOf lists the module's .go files, relative and slash-separated, as
// pre-commit passes them.
func goFilesOf(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(path string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() && strings.HasSuffix(path, ".go") {
			rel, _ := filepath.Rel(dir, path)
			files = append(files, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// goFilesContent is the module's .go files, concatenated with their names.
func goFilesContent(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	for _, f := range goFilesOf(t, dir) {
		content, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f)))
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(f + "\n" + string(content))
	}
	return b.String()
}
