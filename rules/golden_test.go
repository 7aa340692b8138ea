package rules_test

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/leakfix/leakfix/driver"
	"github.com/leakfix/leakfix/internal/cases"
	"github.com/leakfix/leakfix/load"
	"github.com/leakfix/leakfix/rules"
)

// TestGolden runs each rule over its cases in testdata/<rule>/, laid out as
// package cases describes: every NAME.go is a package of its own, and each
// subdirectory a case spanning packages. A comment `// want "regexp"` on a line expects a
// finding there whose text (message, and "(no automatic fix: ...)" when
// there is none) matches; findings nobody wants fail the test. NAME.go.golden
// holds the fixed file; a case without one must not change. The fixed cases
// must build, and a second run over them must find nothing to fix.
var update = flag.Bool("update", false, "write the .golden files from the current output")

func TestGolden(t *testing.T) {
	for _, rule := range rules.All() {
		t.Run(rule.Name, func(t *testing.T) {
			// Each rule in its own module: they load, fix and build
			// in parallel, overlapping the go command's waits.
			t.Parallel()
			runGolden(t, rule)
		})
	}
}

func runGolden(t *testing.T, rule *rules.Rule) {
	first := firstGoldenRun(rule)
	if first.err != nil {
		t.Fatal(first.err)
	}
	mod, files := first.mod, first.files
	inputs := map[string]string{}  // file in mod → its source case
	goldens := map[string]string{} // file in mod → its .golden file, if any
	for _, f := range files {
		inputs[f.Path] = f.Source
		if f.Golden != "" {
			goldens[f.Path] = f.Golden
		}
	}
	check := func(res *driver.Result) *driver.Result {
		for _, e := range res.Errors {
			t.Errorf("load error: %s: %s", e.Pos, e.Msg)
		}
		return res
	}
	res := check(first.res)

	// Findings against // want comments.
	got := map[string][]string{} // "file:line" → finding texts
	for _, f := range res.Findings {
		key := fmt.Sprintf("%s:%d", f.Position.Filename, f.Position.Line)
		got[key] = append(got[key], f.Text())
	}
	for file, c := range inputs {
		src, _ := os.ReadFile(c)
		for i, line := range strings.Split(string(src), "\n") {
			key := fmt.Sprintf("%s:%d", file, i+1)
			for _, rx := range wants(t, c, i+1, line) {
				j := indexMatch(got[key], rx)
				if j < 0 {
					t.Errorf("%s:%d: no finding matches %q (got %q)", c, i+1, rx, got[key])
					continue
				}
				got[key] = append(got[key][:j], got[key][j+1:]...)
			}
		}
	}
	for key, texts := range got {
		for _, text := range texts {
			t.Errorf("%s: unexpected finding: %s", key, text)
		}
	}

	// Fixed files against golden ones.
	changed := map[string][]byte{}
	for _, ch := range res.Changes {
		changed[ch.Path] = ch.New
	}
	for file, c := range inputs {
		if out, ok := changed[file]; ok && *update {
			writeFile(t, c+".golden", string(out))
			goldens[file] = c + ".golden"
		}
		golden, ok := goldens[file]
		if !ok {
			if out, ok := changed[file]; ok {
				t.Errorf("%s: changed, but has no .golden file; got:\n%s", c, out)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if got := changed[file]; string(got) != string(want) {
			t.Errorf("%s: fixed file differs from %s\n--- got:\n%s", c, golden, got)
		}
	}
	if t.Failed() {
		return
	}

	// The fixed code builds, and a second run has nothing left to fix.
	for file, out := range changed {
		writeFile(t, file, string(out))
	}
	build := exec.Command("go", "build", "./...")
	build.Dir = mod
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("fixed cases do not build: %v\n%s", err, out)
	}
	again, err := goldenRun(mod, rule)
	if err != nil {
		t.Fatal(err)
	}
	if check(again); len(again.Changes) > 0 {
		t.Errorf("a second run changes %s again", again.Changes[0].Path)
	}
}

// A firstRun is the first run of the golden test over a rule's cases, in
// a module of their own (removed by TestMain), which TestAnalyzers also
// holds the analyzers to.
type firstRun struct {
	mod   string
	files []cases.File
	res   *driver.Result
	err   error
}

var firstRuns sync.Map // *rules.Rule → func() *firstRun

// firstGoldenRun lays out the rule's cases and runs the rule over them,
// once for the package's tests.
func firstGoldenRun(rule *rules.Rule) *firstRun {
	once, _ := firstRuns.LoadOrStore(rule, sync.OnceValue(func() *firstRun {
		mod, err := os.MkdirTemp("", "leakfix-golden-")
		if err != nil {
			return &firstRun{err: err}
		}
		tempDirs.Store(mod, true)
		if mod, err = filepath.EvalSymlinks(mod); err != nil {
			return &firstRun{err: err}
		}
		files, err := cases.Layout(mod, filepath.Join("..", "testdata", rule.Name))
		if err != nil {
			return &firstRun{err: err}
		}
		res, err := goldenRun(mod, rule)
		return &firstRun{mod: mod, files: files, res: res, err: err}
	}))
	return once.(func() *firstRun)()
}

// goldenRun runs the rule over the module's packages, their tests too.
func goldenRun(mod string, rule *rules.Rule) (*driver.Result, error) {
	return driver.Run(driver.Options{
		Load:  load.Config{Dir: mod, Tests: true},
		Args:  []string{"./..."},
		Rules: []*rules.Rule{rule},
	})
}

// tempDirs are the directories TestMain removes.
var tempDirs sync.Map // string → true

func TestMain(m *testing.M) {
	code := m.Run()
	tempDirs.Range(func(dir, _ any) bool {
		os.RemoveAll(dir.(string))
		return true
	})
	os.Exit(code)
}

var wantRx = regexp.MustCompile("// want ((?:(?:\"(?:[^\"\\\\]|\\\\.)*\"|`[^`]*`)\\s*)+)$")
var quotedRx = regexp.MustCompile("\"(?:[^\"\\\\]|\\\\.)*\"|`[^`]*`")

// wants returns the expectations of a `// want "rx" ...` comment on line.
func wants(t *testing.T, file string, n int, line string) []*regexp.Regexp {
	m := wantRx.FindStringSubmatch(line)
	if m == nil {
		return nil
	}
	var out []*regexp.Regexp
	for _, q := range quotedRx.FindAllString(m[1], -1) {
		s, err := strconv.Unquote(q)
		if err != nil {
			t.Fatalf("%s:%d: bad want %s: %v", file, n, q, err)
		}
		out = append(out, regexp.MustCompile(s))
	}
	return out
}

func indexMatch(texts []string, rx *regexp.Regexp) int {
	for i, s := range texts {
		if rx.MatchString(s) {
			return i
		}
	}
	return -1
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
