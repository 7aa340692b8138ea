package integration

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/leakfix/leakfix/rules"
)

// golangciLint returns the golangci-lint built with leakfix's plugin that
// LEAKFIX_GOLANGCI_LINT names (golangci/build-custom.sh builds one; .ci/run
// does, and sets the variable), and skips the test without one. A binary
// built from other leakfix sources than these fails the test: it would
// test the plugin as it was.
func golangciLint(t *testing.T) string {
	t.Helper()
	path := golangciLintPath(t)
	// golangci-lint runs one at a time per temporary directory (it locks
	// golangci-lint.lock there, and gives up after 5s): the test's own
	// keeps it from waiting on any other golangci-lint of the machine.
	t.Setenv("TMPDIR", t.TempDir())
	return path
}

// golangciLintPath is golangciLint for a parallel test, which cannot set
// the environment: it must run golangci-lint with golangciEnv.
func golangciLintPath(t *testing.T) string {
	t.Helper()
	path := os.Getenv("LEAKFIX_GOLANGCI_LINT")
	if path == "" {
		t.Skip("LEAKFIX_GOLANGCI_LINT is unset: build a golangci-lint with leakfix's plugin with golangci/build-custom.sh OUTPUT (as .ci/run does) and set LEAKFIX_GOLANGCI_LINT=OUTPUT")
	}
	if _, err := os.Stat(path); err != nil {
		t.Skipf("LEAKFIX_GOLANGCI_LINT: %v", err)
	}
	if err := sameSources(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// golangciEnv is the environment of a golangci-lint that golangciLintPath
// found: a temporary directory of the test's own, as golangciLint sets.
func golangciEnv(t *testing.T) []string { return []string{"TMPDIR=" + t.TempDir()} }

// sameSources checks that the golangci-lint at path was built from the
// leakfix sources here: its version ends as build-custom.sh stamps it now,
// with a hash of the sources.
func sameSources(path string) error {
	stamp, err := buildStamp()
	if err != nil {
		return fmt.Errorf("golangci/build-custom.sh --version: %v", err)
	}
	out, err := exec.Command(path, "--version").Output()
	if err != nil {
		return fmt.Errorf("%s --version: %v", path, err)
	}
	_, hash, _ := strings.Cut(stamp, "-leakfix-")
	if !strings.Contains(string(out), "-leakfix-"+hash+" ") {
		return fmt.Errorf("LEAKFIX_GOLANGCI_LINT=%s (%s) was built from other leakfix sources: rebuild it with golangci/build-custom.sh", path, bytes.TrimSpace(out))
	}
	return nil
}

var buildStamp = sync.OnceValues(func() (string, error) {
	out, err := exec.Command("bash", filepath.Join("..", "golangci", "build-custom.sh"), "--version").Output()
	return strings.TrimSpace(string(out)), err
})

// golangciConfig is a .golangci.yml that runs leakfix's linter alone, with
// the given plugin settings, and reports every issue: golangci-lint
// otherwise shows at most three alike and one a line.
func golangciConfig(settings string) string {
	return `version: "2"
linters:
  default: none
  enable:
    - leakfix
  settings:
    custom:
      leakfix:
        type: module
        description: resource leaks, fixed in place
        settings: ` + settings + `
issues:
  max-issues-per-linter: 0
  max-same-issues: 0
  uniq-by-line: false
`
}

// A golangci-lint issue, as its JSON output has it.
type golangciIssue struct {
	FromLinter string
	Text       string
	Pos        struct {
		Filename     string
		Line, Column int
	}
}

func parseGolangciJSON(t *testing.T, out string) []golangciIssue {
	t.Helper()
	var doc struct{ Issues []golangciIssue }
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("golangci-lint's JSON: %v\n%s", err, out)
	}
	return doc.Issues
}

// leakfixFinding turns an issue of the linter leakfix into the finding it
// tells: its text is the rule's name and the message, as on the command
// line.
func leakfixFinding(t *testing.T, linter, file string, line, col int, text string) finding {
	t.Helper()
	if linter != "leakfix" {
		t.Errorf("%s:%d:%d: issue of linter %q, want leakfix", file, line, col, linter)
	}
	rule, msg, _ := strings.Cut(text, ": ")
	if _, ok := rules.Lookup(rule); !ok {
		t.Errorf("%s:%d:%d: %q does not start with a rule's name", file, line, col, text)
	}
	return finding{filepath.ToSlash(file), line, col, rule, msg}
}

// testGolangciLint is TestEntryPoints' golangci-lint: the custom
// golangci-lint with only the rule enabled in the plugin's settings finds
// what the command line finds, in JSON and in SARIF, and --fix makes the
// JSON's fixes, but for those that would edit another file than their
// finding's, which golangci-lint's --fix cannot.
func testGolangciLint(t *testing.T, mod string, rule *rules.Rule, jsonFindings []jsonFinding, fixed map[string]string) {
	gcl, env := golangciLintPath(t), golangciEnv(t)
	// A fix that would edit another file is none under golangci-lint.
	want, wantEdits := fileLocalWant(t, mod, jsonFindings, ", declaring cancelOnClose there, and golangci-lint applies only the edits in the finding's own file")
	var others []string
	for _, r := range rules.All() {
		if r != rule {
			others = append(others, r.Name)
		}
	}
	dir := copyModule(t, mod)
	settings := "{enable: [" + rule.Name + "], disable: [" + strings.Join(others, ", ") + "]}"
	if err := os.WriteFile(filepath.Join(dir, ".golangci.yml"), []byte(golangciConfig(settings)), 0o644); err != nil {
		t.Fatal(err)
	}
	sarifPath := filepath.Join(t.TempDir(), "golangci.sarif")
	stdout, _ := runExitEnv(t, dir, env, 1, gcl, "run", "--output.json.path=stdout", "--output.text.path=", "--output.sarif.path="+sarifPath, "--show-stats=false", "./...")
	var got []finding
	for _, is := range parseGolangciJSON(t, stdout) {
		got = append(got, leakfixFinding(t, is.FromLinter, is.Pos.Filename, is.Pos.Line, is.Pos.Column, is.Text))
	}
	sameFindings(t, got, want)

	// SARIF's ruleId is the linter's name; the rule starts the message.
	sarif, err := os.ReadFile(sarifPath)
	if err != nil {
		t.Fatal(err)
	}
	results, _ := parseSARIF(t, dir, string(sarif))
	got = nil
	for _, r := range results {
		got = append(got, leakfixFinding(t, r.Rule, r.File, r.Line, r.Column, r.Text))
	}
	sameFindings(t, got, want)

	// What has no safe fix is still reported after --fix, and fails the
	// run.
	afterFix := 0
	for _, f := range want {
		if strings.Contains(f.Text, "(no automatic fix: ") {
			afterFix = 1
		}
	}
	runExitEnv(t, dir, env, afterFix, gcl, "run", "--fix", "./...")
	sameFiles(t, dirFiles(dir), applyEdits(t, mod, wantEdits), fixed)
}

// TestGolangciLintBadSetting: a wrong setting of the plugin stops
// golangci-lint (exit 3) with the README's error, which names the setting,
// its place in .golangci.yml and the valid settings.
func TestGolangciLintBadSetting(t *testing.T) {
	gcl := golangciLint(t)
	dir := t.TempDir()
	for name, content := range map[string]string{
		"go.mod":        "module example.com/bad\n\ngo 1.22\n",
		"bad.go":        "package bad\n",
		".golangci.yml": golangciConfig("{colour: red}"),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, stderr := runExit(t, dir, 3, gcl, "run", "./...")
	const want = `Error: build linters: plugin(leakfix): newPlugin linters.settings.custom.leakfix.settings: unknown setting "colour" (the settings are enable and disable, lists of rule names as for leakfix --enable and --disable)` + "\n"
	if !strings.HasPrefix(stderr, want) {
		t.Errorf("stderr:\n%s\nwant it to start with:\n%s", stderr, want)
	}
}
