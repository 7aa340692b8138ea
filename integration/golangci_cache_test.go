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
	const leak = `package size

import "os"

func Size(path string) (int64, error) {
	f, err := os.Open(path)
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
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/size\n\ngo 1.22\n")
	write("size.go", leak)
	write(".golangci.yml", golangciConfig("{}"))
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
