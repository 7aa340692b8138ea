package integration

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"go/format"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/leakfix/leakfix/analyzers"
	"github.com/leakfix/leakfix/config"
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
// rule's golden cases, laid out by package cases) and requires the same
// findings and the same fixes from each: the command line's text output
// and -w, JSON Lines, SARIF (valid against the schema), rdjson (valid
// against reviewdog's schema; its suggestions cannot add files, as
// analysis fixes cannot), go vet -vettool, go fix -fixtool, the custom
// golangci-lint (where LEAKFIX_GOLANGCI_LINT names one) and the pre-commit
// hooks' entries called as pre-commit calls them. (The analyzers in
// process, as analysistest runs them, loaded from source with the
// standard library they import, rules.TestAnalyzers holds to the same
// findings and fixes as the command line's, as well as to the cases' `//
// want` comments and .golden files: it has them loaded already.)
//
// The reference is, for each rule, the command line's text output over
// the rule's packages with that rule alone selected by --enable and
// --disable, as the golden test runs them; the fixes must give the cases'
// .golden files (the golden test holds the command line to them, and to
// the cases' `// want` comments).
//
// The cases of all the rules are one module (entryCases), in which the
// .leakfix.yaml of each case's packages selects its rule, as the flags
// do: every other entry point runs once, over the whole module, with no
// flag, and must give each rule's findings and fixes in the rule's files,
// and nothing else. That is also the claim that a rule chosen by
// .leakfix.yaml alone (a rule off by default among them,
// unbounded-client-read, the others disabled) gives in every entry point
// the findings --enable and --disable give. A copy of that rule's cases
// in excluded/, whose config excludes every file from it, leaves every
// entry point silent, go vet's flag naming the rule too, and go fix
// without a change there. Over the whole module, that flag runs the rule's
// analyzer alone, over every config, as --enable and --disable do.
//
// One module, in one directory, rather than a copy for each rule and entry
// point: the go command builds the module's packages for each new
// directory (go list -export, go vet), and go vet and go fix analyze every
// package of the standard library the cases import, again for each new
// set of analyzer flags or configs (the tool's identity, which keys their
// cache, hashes the configs). The runs of the entry points that only read
// start at once, in the background, and are checked in turn; those that
// write (-w, go fix, the hooks) run one after the other, each followed by
// putting the module back as it was.
func TestEntryPoints(t *testing.T) {
	t.Parallel()
	c := layOutEntryCases(t)
	mod := c.dir

	// With its configs alone, the command line finds what the flags
	// find. This first run also builds the module's packages, for the
	// runs below.
	_, stderr := runExit(t, mod, 1, "leakfix", "./...")
	selected := parseText(t, stderr, true)

	// The runs that only read, all started at once: the go command and
	// leakfix keep the CPUs busy while each waits for the other.
	refs := map[*rules.Rule]*started{}
	for _, rule := range c.rules {
		var others []string
		for _, r := range c.rules {
			if r != rule {
				others = append(others, r.Name)
			}
		}
		refs[rule] = startExit(mod, 1, "leakfix", append([]string{"--enable=" + rule.Name, "--disable=" + strings.Join(others, ",")}, c.pkgs[rule]...)...)
	}
	jsonRun := startExit(mod, 1, "leakfix", "--format", "json", "./...")
	sarifRun := startExit(mod, 1, "leakfix", "--format", "sarif", "./...")
	rdjsonRun := startExit(mod, 1, "leakfix", "--format", "rdjson", "./...")
	excludedRun := startExit(mod, 0, "leakfix", "./excluded/...")
	// go vet -json first: plain go vet is the same analysis, which the
	// go command then replays from its cache, and so are the excluded
	// copy's packages; naming the rule's analyzer is another analysis.
	vetJSON := startExit(mod, 0, "go", "vet", "-vettool="+leakfixPath(), "-json", "./...")
	vetPlain := startExitAfter(vetJSON, mod, 1, "go", "vet", "-vettool="+leakfixPath(), "./...")
	// A flag naming an analyzer runs it alone, over the configs, as
	// --enable and --disable do on the command line: excludedRule's
	// analyzer over the whole module, where the configs of other rules'
	// packages disable it, and choose others.
	var others []string
	for _, r := range c.rules {
		if r != c.excludedRule {
			others = append(others, r.Name)
		}
	}
	aloneRun := startExit(mod, 1, "leakfix", "--enable="+c.excludedRule.Name, "--disable="+strings.Join(others, ","), "./...")
	vetAlone := startExit(mod, 1, "go", "vet", "-vettool="+leakfixPath(), "-"+analyzers.Name(c.excludedRule), "./...")
	vetExcluded := [][]string{
		{"vet", "-vettool=" + leakfixPath(), "./excluded/..."},
		{"vet", "-vettool=" + leakfixPath(), "-" + analyzers.Name(c.excludedRule), "./excluded/..."},
	}
	vetExcludedRuns := []*started{startExitAfter(vetPlain, mod, 0, "go", vetExcluded[0]...)}
	vetExcludedRuns = append(vetExcludedRuns, startExitAfter(vetAlone, mod, 0, "go", vetExcluded[1]...))
	// golangci-lint, over each rule's packages, the rule chosen by the
	// plugin's settings.
	gcl, gclSkip, gclErr := findGolangciLint()
	gclRuns := map[*rules.Rule]*golangciLintFor{}
	if gclSkip == "" && gclErr == nil {
		// Two at a time: each loads what its rule's packages import from
		// source.
		var lanes [2]*started
		for i, rule := range c.rules {
			gclRuns[rule] = startGolangciLint(t, c, gcl, rule, lanes[i%2])
			lanes[i%2] = gclRuns[rule].run
		}
	}
	readers := append([]*started{jsonRun, sarifRun, rdjsonRun, excludedRun, vetJSON, vetPlain, aloneRun, vetAlone}, vetExcludedRuns...)
	for _, run := range refs {
		readers = append(readers, run)
	}
	for _, g := range gclRuns {
		readers = append(readers, g.run)
	}
	waitReaders := func() {
		for _, run := range readers {
			<-run.done
		}
	}
	t.Cleanup(func() {
		// Before the module is removed, should the test stop early.
		waitReaders()
		for _, g := range gclRuns {
			if g.fix != nil {
				<-g.fix.done
			}
		}
	})

	t.Run("reference", func(t *testing.T) {
		for _, rule := range c.rules {
			t.Run(rule.Name, func(t *testing.T) {
				stdout, stderr := refs[rule].wait(t)
				if stdout == "" && len(fixedFiles(mod, c.fixed[rule])) > 0 {
					t.Error("leakfix printed no diff")
				}
				c.want[rule] = parseText(t, stderr, true)
				if len(c.want[rule]) == 0 {
					t.Error("no findings")
				}
			})
		}
	})
	if t.Failed() {
		return
	}
	// Once fixed, leakfix still exits 1 if some leak has no safe fix.
	afterFix := 0
	for _, want := range c.want {
		if slices.ContainsFunc(want, func(f finding) bool { return strings.Contains(f.Text, "(no automatic fix: ") }) {
			afterFix = 1
		}
	}
	t.Run("selected", func(t *testing.T) {
		c.eachRule(t, selected, func(t *testing.T, rule *rules.Rule, got []finding) {
			sameFindings(t, got, c.want[rule])
		})
	})

	// JSON has each fix on its own: the fixes applied one after the
	// other give what -w writes, as the analyzers' fixes (go vet, go fix,
	// analysistest) do.
	jsonOut, _ := jsonRun.wait(t)
	jsonFindings := parseJSONLines(t, jsonOut)
	jsonOf := func(rule *rules.Rule) []jsonFinding {
		var out []jsonFinding
		for _, jf := range jsonFindings {
			if c.owner[jf.File] == rule {
				out = append(out, jf)
			}
		}
		return out
	}

	t.Run("json", func(t *testing.T) {
		// Each fix's diff applies alone with patch -p1; the diffs'
		// edits together, with the identical ones (the declaration that
		// fixes of a package share) made once, give what -w writes.
		c.eachRule(t, mapped(jsonFindings, func(jf jsonFinding) finding { return jf.finding }), func(t *testing.T, rule *rules.Rule, got []finding) {
			sameFindings(t, got, c.want[rule])
			var edits []edit
			for _, jf := range jsonOf(rule) {
				if jf.Fix != "" {
					checkPatch(t, mod, jf.Fix)
					edits = append(edits, diffEdits(t, mod, jf.Fix)...)
				}
			}
			checkFixed(t, applyEdits(t, dirFiles(mod), edits), c.fixed[rule])
		})
	})

	t.Run("sarif", func(t *testing.T) {
		stdout, _ := sarifRun.wait(t)
		if err := sarifschema.Validate([]byte(stdout)); err != nil {
			t.Fatalf("invalid SARIF: %v", err)
		}
		found, edits := parseSARIF(t, mod, stdout)
		c.eachRule(t, found, func(t *testing.T, rule *rules.Rule, got []finding) {
			sameFindings(t, got, c.want[rule])
			checkFixed(t, applyEdits(t, dirFiles(mod), c.editsOf(rule, edits)), c.fixed[rule])
		})
	})

	t.Run("rdjson", func(t *testing.T) {
		stdout, _ := rdjsonRun.wait(t)
		found, edits := parseRDJSON(t, mod, stdout)
		c.eachRule(t, found, func(t *testing.T, rule *rules.Rule, got []finding) {
			want, wantEdits := fileLocalWant(t, mod, jsonOf(rule), ", and a suggestion edits only the finding's own file; leakfix -w makes it")
			sameFindings(t, got, want)
			sameFiles(t, applyEdits(t, dirFiles(mod), c.editsOf(rule, edits)), applyEdits(t, dirFiles(mod), wantEdits), c.fixed[rule])
		})
	})

	t.Run("vet", func(t *testing.T) {
		// go vet -json names the analyzer and carries the fixes.
		stdout, _ := vetJSON.wait(t)
		found, edits := parseVetJSON(t, mod, stdout)
		c.eachRule(t, found, func(t *testing.T, rule *rules.Rule, got []finding) {
			sameFindings(t, got, c.want[rule])
			checkFixed(t, applyEdits(t, dirFiles(mod), c.editsOf(rule, edits)), c.fixed[rule])
		})

		// Plain go vet: the command line's findings in vet's format.
		_, stderr := vetPlain.wait(t)
		c.eachRule(t, parseText(t, stderr, false), func(t *testing.T, rule *rules.Rule, got []finding) {
			sameFindings(t, got, withoutRule(c.want[rule]))
		})

		// Naming an analyzer: it alone, where the configs choose others.
		_, stderr = aloneRun.wait(t)
		alone := parseText(t, stderr, true)
		if !slices.ContainsFunc(alone, func(f finding) bool { return c.owner[f.File] != c.excludedRule }) {
			t.Errorf("%s finds nothing in the other rules' cases: nothing shows that naming its analyzer turns the others off (choose a case where it finds something)", c.excludedRule.Name)
		}
		_, stderr = vetAlone.wait(t)
		sameFindings(t, parseText(t, stderr, false), withoutRule(alone))

		// The excluded copy: nothing, also where a flag names the rule.
		for i, run := range vetExcludedRuns {
			if _, stderr := run.wait(t); stderr != "" {
				t.Errorf("go %s: %s", strings.Join(vetExcluded[i], " "), stderr)
			}
		}
	})

	t.Run("excluded", func(t *testing.T) {
		if _, stderr := excludedRun.wait(t); stderr != "" {
			t.Errorf("leakfix ./excluded/...: %s", stderr)
		}
	})

	// needGolangciLint skips a subtest without the custom golangci-lint,
	// and fails it when the one named cannot be used.
	needGolangciLint := func(t *testing.T) {
		t.Helper()
		if gclSkip != "" {
			t.Skip(gclSkip)
		}
		if gclErr != nil {
			t.Fatal(gclErr)
		}
	}
	t.Run("golangci-lint", func(t *testing.T) {
		needGolangciLint(t)
		for _, rule := range c.rules {
			t.Run(rule.Name, func(t *testing.T) { gclRuns[rule].check(t, jsonOf(rule)) })
		}
	})

	// The entry points that write, in turn, once every reader is done
	// (whichever subtests ran).
	waitReaders()
	t.Run("write", func(t *testing.T) {
		defer c.restore(t)
		runExit(t, mod, afterFix, "leakfix", "-w", "./...")
		c.checkFixed(t, func(rule *rules.Rule) map[string]string { return c.fixed[rule] })
	})

	t.Run("fix", func(t *testing.T) {
		defer c.restore(t)
		// The go command's fix driver gofmts each file it fixes
		// whole; leakfix -w keeps the lines outside its fixes as
		// they were. On gofmt-clean files the two agree.
		gofmted := map[*rules.Rule]map[string]string{}
		for _, rule := range c.rules {
			gofmted[rule] = map[string]string{}
			for name, content := range c.fixed[rule] {
				gofmted[rule][name] = content
				if string(c.orig[name]) != content {
					out, err := format.Source([]byte(content))
					if err != nil {
						t.Fatal(err)
					}
					gofmted[rule][name] = string(out)
				}
			}
		}
		runExit(t, mod, 0, "go", "fix", "-fixtool="+leakfixPath(), "./...")
		c.checkFixed(t, func(rule *rules.Rule) map[string]string { return gofmted[rule] })
	})

	t.Run("pre-commit", func(t *testing.T) {
		defer c.restore(t)
		hooks := preCommitHooks(t)
		// Arguments of the user's configuration go between the entry
		// and the files.
		args := []string{"--color=never"}
		all := map[string]string{} // every case file once fixed
		for _, rule := range c.rules {
			maps.Copy(all, c.fixed[rule])
		}
		// leakfix-check names the files leakfix would fix and fails.
		stdout, stderr := runHook(t, mod, hooks["leakfix-check"], args, c.goFiles, 1)
		if got, wantListed := strings.Fields(stdout), fixedFiles(mod, all); !slices.Equal(got, wantListed) {
			t.Errorf("leakfix-check listed %q, want %q", got, wantListed)
		}
		c.eachRule(t, parseText(t, stderr, true), func(t *testing.T, rule *rules.Rule, got []finding) {
			sameFindings(t, got, c.want[rule])
		})
		// leakfix fixes them; what has no safe fix still fails it.
		runHook(t, mod, hooks["leakfix"], args, c.goFiles, afterFix)
		c.checkFixed(t, func(rule *rules.Rule) map[string]string { return c.fixed[rule] })
		stdout, _ = runHook(t, mod, hooks["leakfix-check"], args, c.goFiles, afterFix)
		if stdout != "" {
			t.Errorf("after the fix, leakfix-check still lists %s", stdout)
		}
	})

	t.Run("golangci-lint --fix", func(t *testing.T) {
		needGolangciLint(t)
		defer c.restore(t)
		// The rules' packages are apart: their fixes run at once.
		want := map[*rules.Rule]files{}
		var lanes [2]*started // two at a time, as the first runs
		for i, rule := range c.rules {
			want[rule] = gclRuns[rule].startFix(t, jsonOf(rule), lanes[i%2])
			lanes[i%2] = gclRuns[rule].fix
		}
		for _, rule := range c.rules {
			t.Run(rule.Name, func(t *testing.T) {
				gclRuns[rule].fix.wait(t)
				sameFiles(t, dirFiles(c.dir), want[rule], c.fixed[rule])
			})
		}
		checkFixed(t, dirFiles(c.dir), c.excluded)
	})
}

// entryCases is TestEntryPoints' module: every rule's golden cases, laid
// out by package cases, a .leakfix.yaml in each of their packages'
// directories that selects the rule (enable: [rule], disable: [the
// others]), and in excluded/ a copy of the cases of excludedRule under a
// config that selects it and excludes every file from it.
type entryCases struct {
	dir          string
	rules        []*rules.Rule
	excludedRule *rules.Rule
	owner        map[string]*rules.Rule // a case's module-relative file (slash-separated) → its rule
	ownerDir     map[string]*rules.Rule // a case's package directory (module-relative, slash-separated) → its rule
	files        map[*rules.Rule][]string
	pkgs         map[*rules.Rule][]string          // the rule's packages, as patterns ("./dir")
	fixed        map[*rules.Rule]map[string]string // the rule's files → their content once fixed
	excluded     map[string]string                 // excluded/'s .go files → their content, which must not change
	goFiles      []string                          // the cases' .go files, excluded/'s too, as pre-commit passes them
	orig         map[string][]byte                 // every file of the module (slash-separated) → its content as laid out

	want map[*rules.Rule][]finding // the reference: each rule's findings
}

func layOutEntryCases(t *testing.T) *entryCases {
	t.Helper()
	c := &entryCases{
		dir:          t.TempDir(),
		rules:        rules.All(),
		excludedRule: rules.UnboundedClientRead,
		owner:        map[string]*rules.Rule{},
		ownerDir:     map[string]*rules.Rule{},
		files:        map[*rules.Rule][]string{},
		pkgs:         map[*rules.Rule][]string{},
		fixed:        map[*rules.Rule]map[string]string{},
		excluded:     map[string]string{},
		want:         map[*rules.Rule][]finding{},
	}
	if !c.excludedRule.DefaultOff {
		t.Fatalf("%s is on by default: choose a rule that is off", c.excludedRule.Name)
	}
	selecting := func(rule *rules.Rule) string {
		var others []string
		for _, r := range c.rules {
			if r != rule {
				others = append(others, r.Name)
			}
		}
		return "enable: [" + rule.Name + "]\ndisable: [" + strings.Join(others, ", ") + "]\n"
	}
	for _, rule := range c.rules {
		caseFiles, err := cases.Layout(c.dir, filepath.Join("..", "testdata", rule.Name))
		if err != nil {
			t.Fatal(err)
		}
		c.fixed[rule] = map[string]string{}
		for _, f := range caseFiles {
			rel, _ := filepath.Rel(c.dir, f.Path)
			rel = filepath.ToSlash(rel)
			want, err := os.ReadFile(cmpOr(f.Golden, f.Source))
			if err != nil {
				t.Fatal(err)
			}
			c.fixed[rule][rel] = string(want)
			c.owner[rel] = rule
			c.files[rule] = append(c.files[rule], rel)
			dir := path.Dir(rel)
			switch r, ok := c.ownerDir[dir]; {
			case ok && r != rule:
				t.Fatalf("package %s holds cases of %s and %s", dir, r.Name, rule.Name)
			case !ok:
				c.ownerDir[dir] = rule
				c.pkgs[rule] = append(c.pkgs[rule], "./"+dir)
				writeConfig(t, filepath.Join(c.dir, filepath.FromSlash(dir)), selecting(rule))
			}
		}
		sort.Strings(c.files[rule])
		c.goFiles = append(c.goFiles, c.files[rule]...)
	}
	// The excluded copy, whose packages import nothing of the module.
	for _, rel := range c.files[c.excludedRule] {
		content, err := os.ReadFile(filepath.Join(c.dir, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(content, []byte(`"`+cases.ModulePath+"/")) {
			t.Fatalf("%s imports a package of the cases: its copy in excluded/ would not be alone", rel)
		}
		name := "excluded/" + rel
		writeTestFile(t, filepath.Join(c.dir, filepath.FromSlash(name)), string(content))
		c.excluded[name] = string(content)
		c.goFiles = append(c.goFiles, name)
	}
	writeConfig(t, filepath.Join(c.dir, "excluded"), selecting(c.excludedRule)+"exclusions:\n  rules:\n    - path: '.*'\n      rules: ["+c.excludedRule.Name+"]\n")
	sort.Strings(c.goFiles)
	c.orig = readTree(t, c.dir)
	return c
}

// eachRule hands each rule's findings among found, those in its files, to
// check, in a subtest of the rule's name, and fails on the findings in no
// rule's files, or of another rule than the one of their file.
func (c *entryCases) eachRule(t *testing.T, found []finding, check func(t *testing.T, rule *rules.Rule, got []finding)) {
	t.Helper()
	byRule := map[*rules.Rule][]finding{}
	for _, f := range found {
		rule := c.owner[f.File]
		if rule == nil || f.Rule != "" && f.Rule != rule.Name {
			t.Errorf("a finding outside the cases of its rule: %s", f)
			continue
		}
		byRule[rule] = append(byRule[rule], f)
	}
	for _, rule := range c.rules {
		t.Run(rule.Name, func(t *testing.T) { check(t, rule, byRule[rule]) })
	}
}

// editsOf returns the edits among edits of the files in the rule's
// packages.
func (c *entryCases) editsOf(rule *rules.Rule, edits []edit) []edit {
	var out []edit
	for _, e := range edits {
		if c.ownerDir[path.Dir(e.file)] == rule {
			out = append(out, e)
		}
	}
	return out
}

// checkFixed checks that each rule's files have the content fixed gives
// them, and that excluded/ has not changed.
func (c *entryCases) checkFixed(t *testing.T, fixed func(*rules.Rule) map[string]string) {
	t.Helper()
	for _, rule := range c.rules {
		t.Run("fixed/"+rule.Name, func(t *testing.T) { checkFixed(t, dirFiles(c.dir), fixed(rule)) })
	}
	checkFixed(t, dirFiles(c.dir), c.excluded)
}

// restore puts the module back as it was laid out.
func (c *entryCases) restore(t *testing.T) {
	t.Helper()
	now := readTree(t, c.dir)
	for name := range now {
		if _, ok := c.orig[name]; !ok {
			if err := os.Remove(filepath.Join(c.dir, filepath.FromSlash(name))); err != nil {
				t.Fatal(err)
			}
		}
	}
	for name, content := range c.orig {
		if !bytes.Equal(now[name], content) {
			writeTestFile(t, filepath.Join(c.dir, filepath.FromSlash(name)), string(content))
		}
	}
}

// readTree reads every file under dir, by slash-separated relative name.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		content, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = content
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// checkPatch checks that one fix's diff applies alone in dir with patch
// -p1, as a user of the JSON output would apply it (patch --dry-run:
// without changing dir).
func checkPatch(t *testing.T, dir, fixDiff string) {
	t.Helper()
	patch := exec.Command("patch", "-p1", "--dry-run", "--quiet", "--forward", "--no-backup-if-mismatch")
	patch.Dir, patch.Stdin = dir, strings.NewReader(fixDiff)
	if out, err := patch.CombinedOutput(); err != nil {
		t.Fatalf("patch: %v\n%s\n%s", err, out, fixDiff)
	}
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
	return startExitEnv(dir, env, status, name, args...).wait(t)
}

// A started command runs in the background, as runExit runs it; wait
// waits for it and checks its exit status, as runExit does.
type started struct {
	done           chan struct{}
	name           string
	args           []string
	status, got    int
	stdout, stderr string
	err            error
}

// startExit starts a command in dir as runExit runs it.
func startExit(dir string, status int, name string, args ...string) *started {
	return startExitEnv(dir, nil, status, name, args...)
}

// startExitAfter starts a command as startExit does once before is done.
func startExitAfter(before *started, dir string, status int, name string, args ...string) *started {
	return startExitEnvAfter(before, dir, nil, status, name, args...)
}

func startExitEnv(dir string, env []string, status int, name string, args ...string) *started {
	return startExitEnvAfter(nil, dir, env, status, name, args...)
}

// startExitEnvAfter starts a command as runExitEnv runs it once before is
// done (at once if before is nil).
func startExitEnvAfter(before *started, dir string, env []string, status int, name string, args ...string) *started {
	s := &started{done: make(chan struct{}), name: name, args: args, status: status}
	go func() {
		if before != nil {
			<-before.done
		}
		s.run(dir, env)
	}()
	return s
}

func (s *started) run(dir string, env []string) {
	defer close(s.done)
	path := s.name
	if s.name == "leakfix" {
		path = leakfixPath() // the one built for the tests, whatever PATH holds
	}
	cmd := exec.Command(path, s.args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"PATH="+binDir+string(os.PathListSeparator)+os.Getenv("PATH"),
		"GOTOOLCHAIN=local", "GOPROXY=off", "GOFLAGS=-mod=mod -buildvcs=false", "CGO_ENABLED=0",
		"NO_COLOR=", "TERM=dumb")
	cmd.Env = append(cmd.Env, env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	s.stdout, s.stderr = out.String(), errOut.String()
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		s.got = ee.ExitCode()
	} else {
		s.err = err
	}
}

func (s *started) wait(t *testing.T) (stdout, stderr string) {
	t.Helper()
	<-s.done
	if s.err != nil {
		t.Fatalf("%s: %v", s.name, s.err)
	}
	if s.got != s.status {
		t.Fatalf("%s %s exited %d, want %d\nstdout:\n%s\nstderr:\n%s", s.name, strings.Join(s.args, " "), s.got, s.status, s.stdout, s.stderr)
	}
	return s.stdout, s.stderr
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
		for _, byAnalyzer := range pkg {
			for name, diags := range byAnalyzer {
				rule := ""
				for _, r := range rules.All() {
					if analyzers.Name(r) == name {
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

// A module's files, as checkFixed reads them: a directory, or a module
// with edits applied (applyEdits).
type files interface {
	read(t *testing.T, name string) []byte // name is module-relative, slash-separated
}

// A dirFiles is the files of a directory.
type dirFiles string

func (d dirFiles) read(t *testing.T, name string) []byte {
	t.Helper()
	content, err := os.ReadFile(filepath.Join(string(d), filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return content
}

// A mapFiles is files held in memory.
type mapFiles map[string][]byte

func (m mapFiles) read(t *testing.T, name string) []byte {
	t.Helper()
	content, ok := m[name]
	if !ok {
		t.Fatalf("no file %s", name)
	}
	return content
}

// editedFiles are a module's files with the edits of applyEdits.
type editedFiles struct {
	base   files
	edited map[string][]byte // module-relative file → its content once edited
}

func (e editedFiles) read(t *testing.T, name string) []byte {
	t.Helper()
	if content, ok := e.edited[name]; ok {
		return content
	}
	return e.base.read(t, name)
}

// applyEdits applies edits to the files of mod, leaving them as they are.
func applyEdits(t *testing.T, mod files, edits []edit) files {
	t.Helper()
	byFile := map[string][]edit{}
	for _, e := range edits {
		byFile[e.file] = append(byFile[e.file], e)
	}
	out := editedFiles{mod, map[string][]byte{}}
	for file, es := range byFile {
		src := out.base.read(t, file)
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
		out.edited[file] = src
	}
	return out
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

// sameFiles requires the files of fixed (module-relative names) to be
// alike in two copies of the module.
func sameFiles(t *testing.T, got, want files, fixed map[string]string) {
	t.Helper()
	content := map[string]string{}
	for name := range fixed {
		content[name] = string(want.read(t, name))
	}
	checkFixed(t, got, content)
}

// checkFixed compares the case files with their fixed content.
func checkFixed(t *testing.T, got files, fixed map[string]string) {
	t.Helper()
	for name, want := range fixed {
		if content := got.read(t, name); string(content) != want {
			t.Errorf("%s differs from its fixed content:\n%s", name, content)
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

// writeConfig writes content as the .leakfix.yaml of dir.
func writeConfig(t *testing.T, dir, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, config.FileName), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
