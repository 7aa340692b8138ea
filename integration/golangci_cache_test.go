package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGolangciLintConfigChange: golangci-lint caches each package's issues,
// and sees a changed .leakfix.yaml without a cache clean: the plugin's
// analyzers are named after the configs that apply, and golangci-lint keys
// its cache by those names. Going back to a config seen before replays its
// issues.
func TestGolangciLintConfigChange(t *testing.T) {
	gcl := golangciLint(t)
	dir := t.TempDir()
	t.Setenv("GOLANGCI_LINT_CACHE", t.TempDir()) // a cache of the test's own
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The editors' module: a leak in size/size.go, and the README's
	// .golangci.yml.
	for name, content := range editorModule {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		write(name, content)
	}
	const found = "missing-close: f (file from os.Open) is never closed"
	run := func(status int) string {
		t.Helper()
		stdout, _ := runExit(t, dir, status, gcl, "run", "--output.text.path=stdout", "--show-stats=false", "./...")
		return stdout
	}
	if out := run(1); !strings.Contains(out, found) {
		t.Fatalf("golangci-lint did not report the leak:\n%s", out)
	}
	write(".leakfix.yaml", "disable: [missing-close]\n")
	if out := run(0); strings.Contains(out, found) {
		t.Errorf("with missing-close disabled in .leakfix.yaml, golangci-lint replayed the cached issue:\n%s", out)
	}
	write(".leakfix.yaml", "resources: []\n")
	if out := run(1); !strings.Contains(out, found) {
		t.Errorf("with missing-close enabled again, golangci-lint did not report the leak:\n%s", out)
	}
}
