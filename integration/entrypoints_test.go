package integration

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/leakfix/leakfix/internal/cases"
	"github.com/leakfix/leakfix/internal/sarifschema"
	"github.com/leakfix/leakfix/rules"
	"go.yaml.in/yaml/v3"
)

// A finding as every entry point can tell it.
type finding struct {
	File         string // slash-separated, relative to the module
	Line, Column int
	Rule, Text   string
}

func (f finding) String() string {
	return fmt.Sprintf("%s:%d:%d: %s: %s", f.File, f.Line, f.Column, f.Rule, f.Text)
}

// TestEntryPoints runs every way of using leakfix over the same cases (each
// rule's golden cases, laid out by package cases, with that rule alone
// selected, as the golden test runs them) and requires the same findings
// and the same fixes from each: the command line's text output and -w, JSON
// Lines, SARIF (valid against the schema), rdjson (valid against
// reviewdog's schema; its suggestions cannot add files, as analysis fixes
// cannot), go vet -vettool, go fix -fixtool, the analyzer in process (as
// analysistest runs it: rules.TestAnalyzers holds it to the cases' `//
// want` comments and .golden files under analysistest itself), the custom
// golangci-lint (where LEAKFIX_GOLANGCI_LINT names one) and the pre-commit
// hooks' entries called as pre-commit calls them.
//
// The reference is the command line's text output; the fixes must give
// the cases' .golden files (the golden test holds the command line to
// them, and to the cases' `// want` comments).
//
// The rules, and the entry points of a rule, run in parallel, each in a
// copy of the rule's module of its own: most of the time goes in waiting
// for the go command and leakfix, which then overlap.
func TestEntryPoints(t *testing.T) {
	t.Parallel()
	for _, r := range rules.All() {
		t.Run(r.Name, func(t *testing.T) {
			t.Parallel()
			testEntryPoints(t, r)
		})
	}
}

func testEntryPoints(t *testing.T, rule *rules.Rule) {
	mod := t.TempDir()
	ruleDir := filepath.Join("..", "testdata", rule.Name)
	caseFiles, err := cases.Layout(mod, ruleDir)
	if err != nil {
		t.Fatal(err)
	}
	// Only this rule: on the command line (and so in the hooks, whose
	// args pre-commit puts between the entry and the files), and as a
	// vet tool, where naming an analyzer's flag runs it alone.
	var others []string
	for _, r := range rules.All() {
		if r != rule {
			others = append(others, r.Name)
		}
	}
	only := []string{"--enable=" + rule.Name, "--disable=" + strings.Join(others, ",")}
	vetOnly := "-" + rules.AnalyzerName(rule)
	leakfix := func(args ...string) []string { return append(slices.Clone(only), args...) }

	fixed := map[string]string{} // module-relative file → its content once fixed
	var goFiles []string         // module-relative .go files, as pre-commit passes them
	for _, f := range caseFiles {
		rel, _ := filepath.Rel(mod, f.Path)
		rel = filepath.ToSlash(rel)
		goFiles = append(goFiles, rel)
		want, err := os.ReadFile(cmpOr(f.Golden, f.Source))
		if err != nil {
			t.Fatal(err)
		}
		fixed[rel] = string(want)
	}
	sort.Strings(goFiles)

	stdout, stderr := runExit(t, mod, 1, "leakfix", leakfix("./...")...)
	if stdout == "" && len(fixedFiles(mod, fixed)) > 0 {
		t.Fatal("leakfix printed no diff")
	}
	want := parseText(t, stderr, true)
	if len(want) == 0 {
		t.Fatal("no findings")
	}
	// Once fixed, leakfix still exits 1 if some leak has no safe fix.
	afterFix := 0
	if slices.ContainsFunc(want, func(f finding) bool { return strings.Contains(f.Text, "(no automatic fix: ") }) {
		afterFix = 1
	}

	// JSON has each fix on its own: the fixes applied one after the
	// other give what -w writes, as the analyzers' fixes (go vet, go fix,
	// analysistest) do.
	jsonOut, _ := runExit(t, mod, 1, "leakfix", leakfix("--format", "json", "./...")...)
	jsonFindings := parseJSONLines(t, jsonOut)

	t.Run("write", func(t *testing.T) {
		t.Parallel()
		dir := copyModule(t, mod)
		runExit(t, dir, afterFix, "leakfix", leakfix("-w", "./...")...)
		checkFixed(t, dir, fixed)
	})

	t.Run("json", func(t *testing.T) {
		t.Parallel()
		// Each fix's diff applies alone with patch -p1; the diffs'
		// edits together, with the identical ones (the declaration
		// that fixes of a package share) made once, give what -w
		// writes.
		var got []finding
		var edits []edit
		for _, jf := range jsonFindings {
			got = append(got, jf.finding)
			if jf.Fix != "" {
				applyPatch(t, copyModule(t, mod), jf.Fix)
				edits = append(edits, diffEdits(t, mod, jf.Fix)...)
			}
		}
		sameFindings(t, got, want)
		checkFixed(t, applyEdits(t, mod, edits), fixed)
	})

	t.Run("sarif", func(t *testing.T) {
		t.Parallel()
		stdout, _ := runExit(t, copyModule(t, mod), 1, "leakfix", leakfix("--format", "sarif", "./...")...)
		if err := sarifschema.Validate([]byte(stdout)); err != nil {
			t.Fatalf("invalid SARIF: %v", err)
		}
		got, edits := parseSARIF(t, mod, stdout)
		sameFindings(t, got, want)
		checkFixed(t, applyEdits(t, mod, edits), fixed)
	})

	t.Run("rdjson", func(t *testing.T) {
		t.Parallel()
		stdout, _ := runExit(t, copyModule(t, mod), 1, "leakfix", leakfix("--format", "rdjson", "./...")...)
		got, edits := parseRDJSON(t, mod, stdout)
		want, wantEdits := fileLocalWant(t, mod, jsonFindings, ", and a suggestion edits only the finding's own file; leakfix -w makes it")
		sameFindings(t, got, want)
		sameFiles(t, applyEdits(t, mod, edits), applyEdits(t, mod, wantEdits), fixed)
	})

	t.Run("vet", func(t *testing.T) {
		t.Parallel()
		dir := copyModule(t, mod)
		// Plain go vet: the command line's findings in vet's format.
		_, stderr := runExit(t, dir, 1, "go", "vet", "-vettool="+leakfixPath(), vetOnly, "./...")
		sameFindings(t, parseText(t, stderr, false), withoutRule(want))

		// go vet -json names the analyzer and carries the fixes.
		stdout, _ := runExit(t, dir, 0, "go", "vet", "-vettool="+leakfixPath(), vetOnly, "-json", "./...")
		got, edits := parseVetJSON(t, dir, stdout)
		sameFindings(t, got, want)
		checkFixed(t, applyEdits(t, mod, edits), fixed)
	})

	t.Run("fix", func(t *testing.T) {
		t.Parallel()
		// The go command's fix driver gofmts each file it fixes
		// whole; leakfix -w keeps the lines outside its fixes as
		// they were. On gofmt-clean files the two agree.
		gofmted := map[string]string{}
		for name, content := range fixed {
			gofmted[name] = content
			if orig, _ := os.ReadFile(filepath.Join(mod, name)); string(orig) != content {
				out, err := format.Source([]byte(content))
				if err != nil {
					t.Fatal(err)
				}
				gofmted[name] = string(out)
			}
		}
		dir := copyModule(t, mod)
		runExit(t, dir, 0, "go", "fix", "-fixtool="+leakfixPath(), vetOnly, "./...")
		checkFixed(t, dir, gofmted)
	})

	t.Run("analyzer", func(t *testing.T) {
		t.Parallel()
		got, edits := analyzedCases(t).of(t, rule, goFiles)
		sameFindings(t, got, want)
		checkFixed(t, applyEdits(t, mod, edits), fixed)
	})

	t.Run("golangci-lint", func(t *testing.T) {
		t.Parallel()
		testGolangciLint(t, mod, rule, jsonFindings, fixed)
	})

	t.Run("pre-commit", func(t *testing.T) {
		t.Parallel()
		hooks := preCommitHooks(t)
		dir := copyModule(t, mod)
		// leakfix-check names the files leakfix would fix and fails.
		stdout, stderr := runHook(t, dir, hooks["leakfix-check"], only, goFiles, 1)
		if got, wantListed := strings.Fields(stdout), fixedFiles(mod, fixed); !slices.Equal(got, wantListed) {
			t.Errorf("leakfix-check listed %q, want %q", got, wantListed)
		}
		sameFindings(t, parseText(t, stderr, true), want)
		// leakfix fixes them; what has no safe fix still fails it.
		runHook(t, dir, hooks["leakfix"], only, goFiles, afterFix)
		checkFixed(t, dir, fixed)
		stdout, _ = runHook(t, dir, hooks["leakfix-check"], only, goFiles, afterFix)
		if stdout != "" {
			t.Errorf("after the fix, leakfix-check still lists %s", stdout)
		}
	})
}

// A line of leakfix --format json.
type jsonFinding struct {
	finding
	Fixable bool
	Fix     string
}

func parseJSONLines(t *testing.T, out string) []jsonFinding {
	t.Helper()
	var found []jsonFinding
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var jf struct {
			File          string
			Line, Column  int
			Rule, Message string
			Fixable       bool
			Fix           string
		}
		if err := json.Unmarshal(sc.Bytes(), &jf); err != nil {
			t.Fatalf("%v: %s", err, sc.Bytes())
		}
		found = append(found, jsonFinding{finding{filepath.ToSlash(jf.File), jf.Line, jf.Column, jf.Rule, jf.Message}, jf.Fixable, jf.Fix})
	}
	return found
}

// splitDiff splits a unified diff into the diffs of its files, each from
// its "diff --git" line.
func splitDiff(d string) []string {
	var parts []string
	lines := strings.SplitAfter(d, "\n")
	start := 0
	for i := 1; i < len(lines); i++ {
		if strings.HasPrefix(lines[i], "diff --git ") {
			parts = append(parts, strings.Join(lines[start:i], ""))
			start = i
		}
	}
	if d != "" {
		parts = append(parts, strings.Join(lines[start:], ""))
	}
	return parts
}

// diffName is the file that one file's diff changes, module-relative.
func diffName(t *testing.T, fileDiff string) string {
	t.Helper()
	_, rest, ok := strings.Cut(fileDiff, "\n+++ b/")
	if !ok {
		t.Fatalf("no +++ line in\n%s", fileDiff)
	}
	name, _, _ := strings.Cut(rest, "\n")
	name, _, _ = strings.Cut(name, "\t")
	return name
}

// applyPatch applies one fix's diff in dir with patch -p1, as a user of
// the JSON output would.
func applyPatch(t *testing.T, dir, fixDiff string) {
	t.Helper()
	patch := exec.Command("patch", "-p1", "--quiet", "--forward", "--no-backup-if-mismatch")
	patch.Dir, patch.Stdin = dir, strings.NewReader(fixDiff)
	if out, err := patch.CombinedOutput(); err != nil {
		t.Fatalf("patch: %v\n%s\n%s", err, out, fixDiff)
	}
}

var hunkHeader = regexp.MustCompile(`^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@`)

// diffEdits reads a unified diff of files of mod as edits of their
// content: each run of removed and added lines is one edit.
func diffEdits(t *testing.T, mod, fixDiff string) []edit {
	t.Helper()
	var edits []edit
	for _, d := range splitDiff(fixDiff) {
		lines := strings.SplitAfter(d, "\n")
		name := diffName(t, d)
		// The lines after "diff --git", "--- a/" and "+++ b/".
		plus := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "+++ b/") })
		src, err := os.ReadFile(filepath.Join(mod, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		line := 0 // the next line of src, from 1
		run := -1 // the first line of src the current edit replaces
		var text strings.Builder
		var prev byte // the kind of the line before: ' ', '-' or '+'
		flush := func() {
			if run >= 0 {
				edits = append(edits, edit{name, byteOffset(src, run, 1), byteOffset(src, line, 1), text.String()})
			}
			run = -1
			text.Reset()
		}
		for _, l := range lines[plus+1:] {
			if l == "" {
				continue
			}
			kind := l[0]
			switch {
			case strings.HasPrefix(l, "@@ "):
				flush()
				m := hunkHeader.FindStringSubmatch(l)
				if m == nil {
					t.Fatalf("bad hunk header %q", l)
				}
				line, _ = strconv.Atoi(m[1])
				if m[2] == "0" {
					line++ // an insertion after line m[1]
				}
			case strings.HasPrefix(l, " "):
				flush()
				line++
			case strings.HasPrefix(l, "-"), strings.HasPrefix(l, "+"):
				if run < 0 {
					run = line
				}
				if l[0] == '-' {
					line++
				} else {
					text.WriteString(l[1:])
				}
			case strings.HasPrefix(l, `\`) && prev == '+':
				// No newline at the end of the added line.
				s := strings.TrimSuffix(text.String(), "\n")
				text.Reset()
				text.WriteString(s)
			}
			prev = kind
		}
		flush()
	}
	return edits
}

// fixedFiles lists, as leakfix -l does, the case files that have fixes.
func fixedFiles(mod string, fixed map[string]string) []string {
	var out []string
	for name, content := range fixed {
		if orig, _ := os.ReadFile(filepath.Join(mod, name)); string(orig) != content {
			out = append(out, filepath.FromSlash(name))
		}
	}
	slices.Sort(out)
	return out
}

func leakfixPath() string { return filepath.Join(binDir, "leakfix") }

// runExit runs a command in dir, as the testscript scenarios do (offline,
// the built leakfix first on PATH), and requires its exit status.
func runExit(t *testing.T, dir string, status int, name string, args ...string) (stdout, stderr string) {
	t.Helper()
	return runExitEnv(t, dir, nil, status, name, args...)
}

// runExitEnv is runExit with env added to the command's environment.
func runExitEnv(t *testing.T, dir string, env []string, status int, name string, args ...string) (stdout, stderr string) {
	t.Helper()
	path := name
	if name == "leakfix" {
		path = leakfixPath() // the one built for the tests, whatever PATH holds
	}
	cmd := exec.Command(path, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"PATH="+binDir+string(os.PathListSeparator)+os.Getenv("PATH"),
		"GOTOOLCHAIN=local", "GOPROXY=off", "GOFLAGS=-mod=mod -buildvcs=false", "CGO_ENABLED=0",
		"NO_COLOR=", "TERM=dumb")
	cmd.Env = append(cmd.Env, env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	got := 0
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		got = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if got != status {
		t.Fatalf("%s %s exited %d, want %d\nstdout:\n%s\nstderr:\n%s", name, strings.Join(args, " "), got, status, &out, &errOut)
	}
	return out.String(), errOut.String()
}

var textLine = regexp.MustCompile(`^(.+?):(\d+):(\d+): (?:([a-z-]+): )?(.*)$`)

// parseText parses findings in go vet's style, with the rule's name after
// the position (leakfix's text output) or without it (go vet's).
func parseText(t *testing.T, out string, withRule bool) []finding {
	t.Helper()
	var found []finding
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		m := textLine.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("not a finding: %q", line)
		}
		rule, text := m[4], m[5]
		if !withRule && rule != "" {
			// go vet's lines have no rule: a message that starts
			// like one is a message still.
			rule, text = "", rule+": "+text
		}
		if withRule && rule == "" {
			t.Fatalf("no rule in %q", line)
		}
		line, _ := strconv.Atoi(m[2])
		col, _ := strconv.Atoi(m[3])
		found = append(found, finding{filepath.ToSlash(m[1]), line, col, rule, text})
	}
	return found
}

func withoutRule(found []finding) []finding {
	out := slices.Clone(found)
	for i := range out {
		out[i].Rule = ""
	}
	return out
}

func sameFindings(t *testing.T, got, want []finding) {
	t.Helper()
	key := func(f finding) string { return f.String() }
	g, w := mapped(got, key), mapped(want, key)
	slices.Sort(g)
	slices.Sort(w)
	if !slices.Equal(g, w) {
		t.Errorf("findings differ\ngot:\n\t%s\nwant:\n\t%s", strings.Join(g, "\n\t"), strings.Join(w, "\n\t"))
	}
}

func mapped[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// An edit of a file's original content, in bytes.
type edit struct {
	file       string // module-relative
	start, end int
	text       string
}

func parseSARIF(t *testing.T, mod, doc string) ([]finding, []edit) {
	t.Helper()
	type region struct{ StartLine, StartColumn, EndLine, EndColumn int }
	type artifact struct{ URI string }
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID    string
				Message   struct{ Text string }
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation artifact
						Region           region
					}
				}
				Fixes []struct {
					ArtifactChanges []struct {
						ArtifactLocation artifact
						Replacements     []struct {
							DeletedRegion   region
							InsertedContent struct{ Text string }
						}
					}
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(doc), &log); err != nil {
		t.Fatal(err)
	}
	var found []finding
	var edits []edit
	for _, res := range log.Runs[0].Results {
		loc := res.Locations[0].PhysicalLocation
		// The cases are ASCII: UTF-16 columns are byte columns.
		found = append(found, finding{loc.ArtifactLocation.URI, loc.Region.StartLine, loc.Region.StartColumn, res.RuleID, res.Message.Text})
		for _, fix := range res.Fixes {
			for _, ch := range fix.ArtifactChanges {
				file := ch.ArtifactLocation.URI
				src, err := os.ReadFile(filepath.Join(mod, filepath.FromSlash(file)))
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range ch.Replacements {
					del := r.DeletedRegion
					edits = append(edits, edit{file,
						byteOffset(src, del.StartLine, del.StartColumn),
						byteOffset(src, del.EndLine, del.EndColumn),
						r.InsertedContent.Text})
				}
			}
		}
	}
	return found, edits
}

func parseVetJSON(t *testing.T, mod, doc string) ([]finding, []edit) {
	t.Helper()
	// go vet -json: one object a package, package → analyzer → diagnostics.
	type tree map[string]map[string][]struct {
		Posn, Message, Category string
		SuggestedFixes          []struct {
			Edits []struct {
				Filename   string
				Start, End int
				New        string
			}
		} `json:"suggested_fixes"`
	}
	var found []finding
	var edits []edit
	rel := func(file string) string {
		r, _ := filepath.Rel(mod, file)
		return filepath.ToSlash(r)
	}
	dec := json.NewDecoder(strings.NewReader(doc))
	for dec.More() {
		var pkg tree
		if err := dec.Decode(&pkg); err != nil {
			t.Fatalf("%v\n%s", err, doc)
		}
		for _, analyzers := range pkg {
			for name, diags := range analyzers {
				rule := ""
				for _, r := range rules.All() {
					if rules.AnalyzerName(r) == name {
						rule = r.Name
					}
				}
				for _, d := range diags {
					m := textLine.FindStringSubmatch(d.Posn + ": x")
					line, _ := strconv.Atoi(m[2])
					col, _ := strconv.Atoi(m[3])
					found = append(found, finding{rel(m[1]), line, col, rule, d.Message})
					for _, sf := range d.SuggestedFixes {
						for _, e := range sf.Edits {
							edits = append(edits, edit{rel(e.Filename), e.Start, e.End, e.New})
						}
					}
				}
			}
		}
	}
	return found, edits
}

// applyEdits applies edits to a copy of mod.
func applyEdits(t *testing.T, mod string, edits []edit) string {
	t.Helper()
	dir := copyModule(t, mod)
	byFile := map[string][]edit{}
	for _, e := range edits {
		byFile[e.file] = append(byFile[e.file], e)
	}
	for file, es := range byFile {
		name := filepath.Join(dir, filepath.FromSlash(file))
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		// The fixes that share a declaration each carry the same edits
		// for it: they are made once, as the analysis drivers merge them.
		es = slices.Compact(slices.SortedFunc(slices.Values(es), func(a, b edit) int { return cmpEdits(b, a) }))
		sort.Slice(es, func(i, j int) bool { return es[i].start > es[j].start })
		for i, e := range es {
			if i > 0 && e.end > es[i-1].start {
				t.Fatalf("%s: overlapping edits %+v and %+v", file, e, es[i-1])
			}
			src = slices.Concat(src[:e.start], []byte(e.text), src[e.end:])
		}
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// byteOffset turns a SARIF line and UTF-16 column into a byte offset of
// src.
func byteOffset(src []byte, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(src[off:], '\n')
		if i < 0 {
			return len(src)
		}
		off += i + 1
	}
	for units := 1; units < col && off < len(src); {
		r, size := utf8.DecodeRune(src[off:])
		units += utf16.RuneLen(r)
		off += size
	}
	return off
}

// checkFixed compares the case files in dir with their fixed content.
// sameFiles requires the files of fixed (module-relative names) to be
// alike in two copies of the module.
func sameFiles(t *testing.T, dir, want string, fixed map[string]string) {
	t.Helper()
	content := map[string]string{}
	for name := range fixed {
		b, err := os.ReadFile(filepath.Join(want, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		content[name] = string(b)
	}
	checkFixed(t, dir, content)
}

func checkFixed(t *testing.T, dir string, fixed map[string]string) {
	t.Helper()
	for name, want := range fixed {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Errorf("%s differs from its fixed content:\n%s", name, got)
		}
	}
}

func copyModule(t *testing.T, mod string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(mod)); err != nil {
		t.Fatal(err)
	}
	return dir
}

// A hook of .pre-commit-hooks.yaml, as much of it as calling it needs.
type hook struct {
	ID            string   `yaml:"id"`
	Entry         string   `yaml:"entry"`
	Types         []string `yaml:"types"`
	PassFilenames *bool    `yaml:"pass_filenames"`
}

func preCommitHooks(t *testing.T) map[string]hook {
	t.Helper()
	content, err := os.ReadFile(filepath.Join("..", ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var hooks []hook
	if err := yaml.Unmarshal(content, &hooks); err != nil {
		t.Fatal(err)
	}
	byID := map[string]hook{}
	for _, h := range hooks {
		byID[h.ID] = h
	}
	for _, id := range []string{"leakfix", "leakfix-check"} {
		h, ok := byID[id]
		if !ok {
			t.Fatalf("no hook %q in .pre-commit-hooks.yaml", id)
		}
		if !slices.Equal(h.Types, []string{"go"}) || h.PassFilenames == nil || !*h.PassFilenames {
			t.Fatalf("hook %q: want types [go] and pass_filenames true, got %+v", id, h)
		}
	}
	return byID
}

// runHook calls a hook as pre-commit does: its entry, split like a shell
// command line, then the args of the user's configuration, then the staged
// files of its types, in the repository's root.
func runHook(t *testing.T, dir string, h hook, configArgs, files []string, status int) (stdout, stderr string) {
	t.Helper()
	args := append(strings.Fields(h.Entry), configArgs...)
	for _, f := range files {
		if strings.HasSuffix(f, ".go") {
			args = append(args, f)
		}
	}
	return runExit(t, dir, status, args[0], args[1:]...)
}

func cmpEdits(a, b edit) int {
	return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.end, b.end), strings.Compare(a.text, b.text))
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
