package rules_test

import (
	"bytes"
	"cmp"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/leakfix/leakfix/analyzers"
	"github.com/leakfix/leakfix/internal/cases"
	"github.com/leakfix/leakfix/rules"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
)

func TestAnalyzersValid(t *testing.T) {
	for _, as := range [][]*analysis.Analyzer{analyzers.All, {analyzers.Combined("leakfix", rules.Selection{})}} {
		if err := analysis.Validate(as); err != nil {
			t.Fatal(err)
		}
	}
	for i, r := range rules.All() {
		a := analyzers.All[i]
		if a.Name != analyzers.Name(r) || analyzers.Of(r) != a {
			t.Errorf("analyzer %d is %q, want the one of rule %q", i, a.Name, r.Name)
		}
	}
}

// TestAnalyzers runs each rule's analyzer over the rule's golden cases
// under analysistest, which the command line's golden test runs too: the
// same `// want` findings, and the suggested fixes applied give the same
// .golden files. The cases that span packages check that facts carry what
// a helper in one package does to what another package gives it.
//
// The cases of all the rules are laid out as one module, which one
// analysistest run analyzes with an analyzer that runs, on each package,
// the analyzer of the rule whose case it is: analysistest loads the
// standard library from source, and most of its time goes there, once
// rather than once a rule. The same run analyzes, in packages of their
// own in that module, the cases of the tests of the analyzers that follow
// a package's config (followConfig) and of golangci-lint's analyzer
// (fileLocalDir), each with its own analyzer, and its results are those
// that the subtests check further: sharedDeclarationFixes,
// fileLocalFixes, and sameAsCommandLine, which holds each rule's analyzer
// to the exact findings and fixes of the command line's pipeline over the
// same cases (the golden test's first run; integration.TestEntryPoints
// holds the other entry points to the command line's).
func TestAnalyzers(t *testing.T) {
	t.Parallel() // with the golden tests, which wait on the go command
	mod, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	requires := analyzers.All[0].Requires
	ruleOf := map[string]*analysis.Analyzer{} // a case's package directory → its analyzer
	caseDirs := map[*rules.Rule][]string{}    // the package directories of each rule's cases
	analyze := func(dir string, a *analysis.Analyzer) {
		t.Helper()
		if !slices.Equal(a.Requires, requires) {
			// The analyzer below gives each the results of its own.
			t.Fatalf("%s requires %v, not %v as the others", a.Name, a.Requires, requires)
		}
		if _, ok := ruleOf[dir]; ok {
			t.Fatalf("%s is the case of two analyzers", dir)
		}
		ruleOf[dir] = a
	}
	for _, rule := range rules.All() {
		files, err := cases.Layout(mod, filepath.Join("..", "testdata", rule.Name))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if ruleOf[filepath.Dir(f.Path)] != analyzers.Of(rule) { // once for a package of several files
				analyze(filepath.Dir(f.Path), analyzers.Of(rule))
				caseDirs[rule] = append(caseDirs[rule], filepath.Dir(f.Path))
			}
		}
	}
	for _, c := range followConfigCases() {
		dir := filepath.Join(mod, followConfigDir, regexp.MustCompile(`\W+`).ReplaceAllString(c.name, "_"))
		c.layOut(t, dir)
		analyze(filepath.Join(dir, "a"), c.analyzer)
	}
	fileLocal := filepath.Join(mod, fileLocalDir, "twofiles")
	if err := os.CopyFS(fileLocal, os.DirFS(filepath.Join(mod, "twofiles"))); err != nil {
		t.Fatal(err)
	}
	analyze(fileLocal, golangciAnalyzer())

	byCase := &analysis.Analyzer{
		Name:     "by_case",
		Doc:      "runs on each package of the cases the analyzer of the rule whose case it is",
		Requires: requires,
		Run: func(pass *analysis.Pass) (any, error) {
			dir := filepath.Dir(pass.Fset.File(pass.Files[0].Pos()).Name())
			a, ok := ruleOf[dir]
			switch {
			case !ok && !strings.HasPrefix(dir, mod+string(filepath.Separator)):
				// The main package go test generates for a case with
				// tests ("p.test"), in the build cache: no case.
				return nil, nil
			case !ok:
				return nil, fmt.Errorf("%s is the case of no rule", dir)
			}
			return a.Run(pass)
		},
	}
	results := analysistest.RunWithSuggestedFixes(t, mod, byCase, "./...")
	// The results of the packages in dir.
	in := func(t *testing.T, dir string) []*analysistest.Result {
		var out []*analysistest.Result
		for _, res := range results {
			if res.Pass != nil && len(res.Pass.Files) > 0 && filepath.Dir(res.Pass.Fset.File(res.Pass.Files[0].Pos()).Name()) == dir {
				out = append(out, res)
			}
		}
		if len(out) == 0 {
			t.Fatalf("no results for %s", dir)
		}
		return out
	}
	t.Run("SharedDeclarationFixes", func(t *testing.T) {
		sharedDeclarationFixes(t, mod, in(t, filepath.Join(mod, "twofiles")))
	})
	t.Run("FileLocalFixes", func(t *testing.T) {
		fileLocalFixes(t, in(t, fileLocal))
	})
	t.Run("CommandLine", func(t *testing.T) {
		for _, rule := range rules.All() {
			t.Run(rule.Name, func(t *testing.T) {
				t.Parallel()
				var rs []*analysistest.Result
				for _, dir := range caseDirs[rule] {
					rs = append(rs, in(t, dir)...)
				}
				sameAsCommandLine(t, mod, rule, rs)
			})
		}
	})
}

// sameAsCommandLine holds a rule's analyzer, as analysistest runs it over
// the rule's cases (the results given, in mod), to the command line's
// findings and fixes, as the golden test's first run has them: the same
// findings, at the same positions, with the same text (the `// want`
// comments are only patterns), and the suggested fixes, applied (the
// identical edits of fixes that share a declaration once, as the analysis
// drivers merge them), give the fixed files byte for byte.
func sameAsCommandLine(t *testing.T, mod string, rule *rules.Rule, results []*analysistest.Result) {
	first := firstGoldenRun(rule)
	if first.err != nil {
		t.Fatal(first.err)
	}
	rel := func(dir, file string) string {
		r, err := filepath.Rel(dir, file)
		if err != nil {
			t.Fatal(err)
		}
		return filepath.ToSlash(r)
	}
	var want []string
	for _, f := range first.res.Findings {
		want = append(want, fmt.Sprintf("%s:%d:%d: %s: %s", rel(first.mod, f.Position.Filename), f.Position.Line, f.Position.Column, f.Rule, f.Text()))
	}
	type edit struct {
		start, end int
		text       string
	}
	var got []string
	edits := map[string][]edit{} // module-relative file → the edits of the fixes
	for _, res := range results {
		if res.Err != nil {
			t.Errorf("analyzing %s: %v", res.Pass.Pkg.Path(), res.Err)
		}
		for _, d := range res.Diagnostics {
			pos := res.Pass.Fset.Position(d.Pos)
			got = append(got, fmt.Sprintf("%s:%d:%d: %s: %s", rel(mod, pos.Filename), pos.Line, pos.Column, d.Category, d.Message))
			for _, sf := range d.SuggestedFixes {
				for _, e := range sf.TextEdits {
					tf := res.Pass.Fset.File(e.Pos)
					name := rel(mod, tf.Name())
					edits[name] = append(edits[name], edit{tf.Offset(e.Pos), tf.Offset(e.End), string(e.NewText)})
				}
			}
		}
	}
	// A package with tests is analyzed twice, as itself and with its
	// tests ("p [p.test]"), which find the same in its files, with the
	// same fixes.
	slices.Sort(want)
	got = slices.Compact(slices.Sorted(slices.Values(got)))
	if !slices.Equal(got, want) {
		t.Errorf("findings differ\ngot:\n\t%s\nwant:\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
	for _, f := range first.files {
		name := rel(first.mod, f.Path)
		src, err := os.ReadFile(f.Source)
		if err != nil {
			t.Fatal(err)
		}
		wantFixed := src
		if f.Golden != "" {
			if wantFixed, err = os.ReadFile(f.Golden); err != nil {
				t.Fatal(err)
			}
		}
		es := slices.SortedFunc(slices.Values(edits[name]), func(a, b edit) int {
			return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.end, b.end), strings.Compare(a.text, b.text))
		})
		es = slices.Compact(es)
		fixed := src
		for i := len(es) - 1; i >= 0; i-- {
			if i > 0 && es[i-1].end > es[i].start {
				t.Fatalf("%s: overlapping edits %+v and %+v", name, es[i-1], es[i])
			}
			fixed = slices.Concat(fixed[:es[i].start], []byte(es[i].text), fixed[es[i].end:])
		}
		if !bytes.Equal(fixed, wantFixed) {
			t.Errorf("%s: the suggested fixes give\n%s\nwant\n%s", name, fixed, wantFixed)
		}
	}
}

// sharedDeclarationFixes holds the analyzer's early-cancel fixes in two
// files of one package (testdata/early-cancel/twofiles, laid out in mod,
// whose analysis results are given) to what the analysis drivers need:
// each fix carries cancelOnClose's declaration into the same file, a.go,
// with the same edits, so that each fix applied alone, and both merged as
// go fix merges them (identical edits coalesce), build, and declare it
// exactly once.
func sharedDeclarationFixes(t *testing.T, mod string, results []*analysistest.Result) {
	type edit struct {
		start, end int
		text       string
	}
	var fixes []map[string][]edit // each diagnostic's fix: file → edits
	var fixedFiles []string       // the file of each diagnostic
	for _, res := range results {
		for _, d := range res.Diagnostics {
			if len(d.SuggestedFixes) != 1 {
				t.Fatalf("%s: %d fixes, want 1: %s", res.Pass.Fset.Position(d.Pos), len(d.SuggestedFixes), d.Message)
			}
			byFile := map[string][]edit{}
			for _, e := range d.SuggestedFixes[0].TextEdits {
				tf := res.Pass.Fset.File(e.Pos)
				byFile[tf.Name()] = append(byFile[tf.Name()], edit{tf.Offset(e.Pos), tf.Offset(e.End), string(e.NewText)})
			}
			fixes = append(fixes, byFile)
			fixedFiles = append(fixedFiles, filepath.Base(res.Pass.Fset.File(d.Pos).Name()))
		}
	}
	// go/packages parses a package's files in parallel, so the order of
	// their positions, and of the diagnostics, is not the files' order.
	if !slices.Equal(slices.Sorted(slices.Values(fixedFiles)), []string{"a.go", "b.go"}) {
		t.Fatalf("fixes in %q, want one in a.go and one in b.go", fixedFiles)
	}
	for _, subset := range [][]int{{0}, {1}, {0, 1}} {
		dir := t.TempDir()
		if err := os.CopyFS(dir, os.DirFS(mod)); err != nil {
			t.Fatal(err)
		}
		merged := map[string][]edit{}
		for _, i := range subset {
			for file, es := range fixes[i] {
				merged[file] = append(merged[file], es...)
			}
		}
		for file, es := range merged {
			slices.SortFunc(es, func(a, b edit) int {
				return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.end, b.end), strings.Compare(a.text, b.text))
			})
			es = slices.Compact(es)
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			for i := len(es) - 1; i >= 0; i-- {
				if i > 0 && es[i-1].end > es[i].start {
					t.Fatalf("fixes %v: overlapping edits of %s: %+v and %+v", subset, file, es[i-1], es[i])
				}
				src = slices.Concat(src[:es[i].start], []byte(es[i].text), src[es[i].end:])
			}
			rel, _ := filepath.Rel(mod, file)
			if err := os.WriteFile(filepath.Join(dir, rel), src, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		build := exec.Command("go", "vet", "./twofiles")
		build.Dir = dir
		if out, err := build.CombinedOutput(); err != nil {
			t.Errorf("fixes %v applied: the package does not build: %v\n%s", subset, err, out)
		}
		decls := 0
		for _, name := range []string{"a.go", "b.go"} {
			src, err := os.ReadFile(filepath.Join(dir, "twofiles", name))
			if err != nil {
				t.Fatal(err)
			}
			decls += strings.Count(string(src), "\ntype cancelOnClose struct")
		}
		if decls != 1 {
			t.Errorf("fixes %v applied: cancelOnClose declared %d times, want once", subset, decls)
		}
	}
}

// fileLocalFixes holds the analyzer for golangci-lint to fixes that edit
// only their own file: of twofiles' early-cancel fixes (the results given,
// of golangciAnalyzer), the one in a.go, which declares cancelOnClose
// there, is offered; the one in b.go, which would declare it in a.go too,
// is not, and says why.
func fileLocalFixes(t *testing.T, results []*analysistest.Result) {
	seen := map[string]bool{}
	for _, res := range results {
		for _, d := range res.Diagnostics {
			file := filepath.Base(res.Pass.Fset.File(d.Pos).Name())
			seen[file] = true
			switch file {
			case "a.go":
				if len(d.SuggestedFixes) != 1 {
					t.Fatalf("a.go: %d fixes, want 1: %s", len(d.SuggestedFixes), d.Message)
				}
				for _, e := range d.SuggestedFixes[0].TextEdits {
					if name := filepath.Base(res.Pass.Fset.File(e.Pos).Name()); name != "a.go" {
						t.Errorf("a.go's fix edits %s", name)
					}
				}
			case "b.go":
				if len(d.SuggestedFixes) != 0 || !strings.HasSuffix(d.Message, "(no automatic fix: the fix also edits a.go, declaring cancelOnClose there, and golangci-lint applies only the edits in the finding's own file)") {
					t.Errorf("b.go: %d fixes, message %q; want none, and why", len(d.SuggestedFixes), d.Message)
				}
			}
		}
	}
	if !seen["a.go"] || !seen["b.go"] {
		t.Errorf("findings in %v, want a.go and b.go", seen)
	}
}

// fileLocalDir holds, in TestAnalyzers' module, the copy of twofiles that
// golangciAnalyzer analyzes: its fix in a.go gives a.go.golden, as the
// early-cancel analyzer's fixes do.
const fileLocalDir = "golangci"

// golangciAnalyzer is the analyzer golangci-lint runs, with early-cancel
// alone selected.
func golangciAnalyzer() *analysis.Analyzer {
	var others []string
	for _, r := range rules.All() {
		if r != rules.EarlyCancel {
			others = append(others, r.Name)
		}
	}
	return analyzers.Combined("leakfix", rules.Selection{Enable: []string{rules.EarlyCancel.Name}, Disable: others})
}
