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
	path, skip, err := findGolangciLint()
	if skip != "" {
		t.Skip(skip)
	}
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// findGolangciLint returns the golangci-lint LEAKFIX_GOLANGCI_LINT names,
// or why the tests that run it are skipped, or why they fail: one built
// from other sources.
func findGolangciLint() (path, skip string, err error) {
	path = os.Getenv("LEAKFIX_GOLANGCI_LINT")
	if path == "" {
		return "", "LEAKFIX_GOLANGCI_LINT is unset: build a golangci-lint with leakfix's plugin with golangci/build-custom.sh OUTPUT (as .ci/run does) and set LEAKFIX_GOLANGCI_LINT=OUTPUT", nil
	}
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Sprintf("LEAKFIX_GOLANGCI_LINT: %v", err), nil
	}
	if err := sameSources(path); err != nil {
		return "", "", err
	}
	return path, "", nil
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

// golangciLintFor is TestEntryPoints' golangci-lint: the custom
// golangci-lint with only the rule enabled in the plugin's settings, run
// over the rule's packages of the entry points' module, finds what the
// command line finds, in JSON and in SARIF (check), and --fix makes the
// JSON's fixes, but for those that would edit another file than their
// finding's, which golangci-lint's --fix cannot (startFix, then
// checkFixed). Each run has a temporary directory of its own, as
// golangciEnv gives.
type golangciLintFor struct {
	c      *entryCases
	rule   *rules.Rule
	gcl    string
	config string // the .golangci.yml, outside the module
	sarif  string // where the first run writes its SARIF
	run    *started
	fix    *started
}

// startGolangciLint starts golangci-lint over the rule's packages, in the
// background, once after is done.
func startGolangciLint(t *testing.T, c *entryCases, gcl string, rule *rules.Rule, after *started) *golangciLintFor {
	var others []string
	for _, r := range c.rules {
		if r != rule {
			others = append(others, r.Name)
		}
	}
	dir := t.TempDir()
	g := &golangciLintFor{c: c, rule: rule, gcl: gcl, config: filepath.Join(dir, ".golangci.yml"), sarif: filepath.Join(dir, "golangci.sarif")}
	settings := "{enable: [" + rule.Name + "], disable: [" + strings.Join(others, ", ") + "]}"
	// Paths relative to the working directory, the module's root, not
	// to the config's.
	config := strings.Replace(golangciConfig(settings), "version: \"2\"\n", "version: \"2\"\nrun:\n  relative-path-mode: wd\n", 1)
	if err := os.WriteFile(g.config, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"run", "--config=" + g.config, "--output.json.path=stdout", "--output.text.path=", "--output.sarif.path=" + g.sarif, "--show-stats=false"}, c.pkgs[rule]...)
	g.run = startExitEnvAfter(after, c.dir, golangciEnv(t), 1, gcl, args...)
	return g
}

// want is what golangci-lint must find, and the edits of its fixes: a fix
// that would edit another file is none under golangci-lint.
func (g *golangciLintFor) want(t *testing.T, jsonFindings []jsonFinding) ([]finding, []edit) {
	return fileLocalWant(t, g.c.dir, jsonFindings, ", declaring cancelOnClose there, and golangci-lint applies only the edits in the finding's own file")
}

// check checks the first run's findings, in its JSON and its SARIF.
func (g *golangciLintFor) check(t *testing.T, jsonFindings []jsonFinding) {
	want, _ := g.want(t, jsonFindings)
	stdout, _ := g.run.wait(t)
	var got []finding
	for _, is := range parseGolangciJSON(t, stdout) {
		got = append(got, leakfixFinding(t, is.FromLinter, is.Pos.Filename, is.Pos.Line, is.Pos.Column, is.Text))
	}
	sameFindings(t, got, want)

	// SARIF's ruleId is the linter's name; the rule starts the message.
	sarif, err := os.ReadFile(g.sarif)
	if err != nil {
		t.Fatal(err)
	}
	results, _ := parseSARIF(t, g.c.dir, string(sarif))
	got = nil
	for _, r := range results {
		got = append(got, leakfixFinding(t, r.Rule, r.File, r.Line, r.Column, r.Text))
	}
	sameFindings(t, got, want)
}

// startFix starts golangci-lint --fix over the rule's packages, once after
// is done, which changes their files, and returns the files they must then
// hold (the module's files as laid out, the edits made).
func (g *golangciLintFor) startFix(t *testing.T, jsonFindings []jsonFinding, after *started) files {
	want, wantEdits := g.want(t, jsonFindings)
	// What has no safe fix is still reported after --fix, and fails the
	// run.
	afterFix := 0
	for _, f := range want {
		if strings.Contains(f.Text, "(no automatic fix: ") {
			afterFix = 1
		}
	}
	wantFiles := applyEdits(t, mapFiles(g.c.orig), wantEdits)
	g.fix = startExitEnvAfter(after, g.c.dir, golangciEnv(t), afterFix, g.gcl, append([]string{"run", "--config=" + g.config, "--fix"}, g.c.pkgs[g.rule]...)...)
	return wantFiles
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
