package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFindWalksUp(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, FileName), "resources:\n  - func: example.com/s.Open\n    release: Release\nmax-body-bytes: 1024\n")
	deep := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	var f Finder
	cfg, err := f.For(deep)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Path != filepath.Join(root, FileName) || cfg.MaxBodyBytes != 1024 {
		t.Fatalf("got %+v", cfg)
	}
	a := cfg.Acquirers()
	if got := a["example.com/s.Open"]; got == nil || got.Kind.ReleaseMethod() != "Release" || got.Kind.Name != "resource" {
		t.Errorf("declared resource: got %+v", got)
	}
	if a["os.Open"] == nil {
		t.Error("the standard library's acquirers are missing")
	}
	// A nearer file wins.
	write(t, filepath.Join(root, "a", FileName), "")
	var g Finder
	near, err := g.For(deep)
	if err != nil {
		t.Fatal(err)
	}
	if near.Path != filepath.Join(root, "a", FileName) || len(near.Resources) != 0 {
		t.Errorf("nearer config: got %+v", near)
	}
}

func TestNoConfig(t *testing.T) {
	var f Finder
	cfg, err := f.For(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Path != "" && filepath.Base(cfg.Path) == FileName && filepath.Dir(cfg.Path) != "/" {
		t.Skipf("a %s above the temp dir applies: %s", FileName, cfg.Path)
	}
	if len(cfg.Resources) != 0 || cfg.MaxBodyBytes != 0 {
		t.Errorf("got %+v, want the empty config", cfg)
	}
}

func TestErrorsNamePositionAndKey(t *testing.T) {
	tests := []struct {
		content   string
		line, col int
		msg       string
	}{
		{"resources:\n  - func: x.Open\n    relase: Release\n", 3, 5, `unknown key "relase" in a resource (valid keys: func, kind, release, result)`},
		{"resourcez: []\nenable: [a]\n", 1, 1, `unknown key "resourcez" in the file (valid keys: disable, enable, exclusions, max-body-bytes, resources)`},
		{"resources:\n  - func: x.Open\n  - release: Close\n", 3, 5, "a resource needs func: the function that acquires it"},
		{"resources:\n  - func: x.Open\n    result: -1\n", 3, 13, "result must be the index of a result (0 for the first), not -1"},
		{"resources:\n  - func: x.Open\n    result: first\n", 3, 13, `result must be an integer, not the string "first"`},
		{"resources:\n  - func: os.Open()\n", 2, 11, `func must name a function as go/types spells it (example.com/store.Open, (*example.com/pool.Pool).Get), not "os.Open()"`},
		{"resources:\n  - func: x.Open\n    release: Close()\n", 3, 14, `release must be the name of a method, not "Close()"`},
		{"resources:\n  func: x.Open\n", 2, 3, "resources must be a list, not a mapping"},
		{"max-body-bytes: lots\n", 1, 17, `max-body-bytes must be an integer, not the string "lots"`},
		{"max-body-bytes: -1\n", 1, 17, "max-body-bytes must be a positive number of bytes, not -1 (leave it out for the default, 32 MiB)"},
		{"max-body-bytes: 0\n", 1, 17, "max-body-bytes must be a positive number of bytes, not 0 (leave it out for the default, 32 MiB)"},
		{"max-body-bytes: 1\nmax-body-bytes: 2\n", 2, 1, `key "max-body-bytes" appears twice in the file`},
		{"enable: missing-close\n", 1, 9, `enable must be a list, not the string "missing-close"`},
		{"disable: [[a]]\n", 1, 11, "each of disable must be a string, not a list"},
		{"enable: [a, b]\ndisable:\n  - c\n  - a\n", 4, 5, `rule "a" is both enabled (line 1) and disabled`},
		{"exclusions:\n  - path: x\n", 2, 3, "exclusions must be a mapping of rules, not a list"},
		{"exclusions:\n  rules:\n    - path: '(_test.go'\n", 3, 13, "path must be a regular expression: error parsing regexp: missing closing ): `(_test.go`"},
		{"exclusions:\n  rules:\n    - rules: [a]\n", 3, 7, "an exclusion needs path: a regular expression matching the files' paths relative to DIR"},
		{"exclusions:\n  rules:\n    - path: x\n      linters: [a]\n", 4, 7, `unknown key "linters" in an exclusion (valid keys: path, rules)`},
		{"- a\n", 1, 1, "the file must be a mapping of disable, enable, exclusions, max-body-bytes, resources, not a list"},
		// The yaml package's syntax errors give a line, no column.
		{"resources: [\n", 1, 0, "did not find expected node content"},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		path := filepath.Join(dir, FileName)
		write(t, path, tt.content)
		var f Finder
		_, err := f.For(dir)
		var ce *Error
		if !errors.As(err, &ce) {
			t.Errorf("%q: got %v, want an *Error", tt.content, err)
			continue
		}
		want := strings.ReplaceAll(tt.msg, "DIR", dir)
		if ce.File != path || ce.Line != tt.line || ce.Col != tt.col || ce.Msg != want {
			t.Errorf("%q:\ngot  %s:%d:%d: %s\nwant line %d:%d: %s", tt.content, ce.File, ce.Line, ce.Col, ce.Msg, tt.line, tt.col, want)
		}
	}
}

func TestSelectionAndExclusions(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	write(t, path, `enable: [unbounded-client-read]
disable:
  - defer-in-loop
exclusions:
  rules:
    - path: '_test\.go$'
      rules: [missing-close]
    - path: ^gen/
`)
	var f Finder
	cfg, err := f.For(filepath.Join(dir, "sub"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Enable) != 1 || cfg.Enable[0] != (Name{"unbounded-client-read", Pos{1, 10}}) {
		t.Errorf("enable: got %+v", cfg.Enable)
	}
	if len(cfg.Disable) != 1 || cfg.Disable[0] != (Name{"defer-in-loop", Pos{3, 5}}) {
		t.Errorf("disable: got %+v", cfg.Disable)
	}
	for _, tt := range []struct {
		rule, file string
		want       bool
	}{
		{"missing-close", "a/a_test.go", true},
		{"missing-close", "a/a.go", false},
		{"lost-cancel", "a/a_test.go", false},
		{"lost-cancel", "gen/x.go", true}, // no rules: every rule
		{"missing-close", "a/gen/x.go", false},
	} {
		if got := cfg.Excludes(tt.rule, filepath.Join(dir, filepath.FromSlash(tt.file))); got != tt.want {
			t.Errorf("Excludes(%s, %s) = %v, want %v", tt.rule, tt.file, got, tt.want)
		}
	}
}

// TestEveryMistakeReported: one run names every mistake of the file, in
// its order, not the first alone.
func TestEveryMistakeReported(t *testing.T) {
	_, err := Parse("/p/.leakfix.yaml", []byte(`resourcez: []
resources:
  - func: x.Open
    relase: Release
  - kind: handle
max-body-bytes: -1
exclusions:
  rules:
    - rules: [a]
`))
	want := `/p/.leakfix.yaml:1:1: unknown key "resourcez" in the file (valid keys: disable, enable, exclusions, max-body-bytes, resources)
/p/.leakfix.yaml:4:5: unknown key "relase" in a resource (valid keys: func, kind, release, result)
/p/.leakfix.yaml:5:5: a resource needs func: the function that acquires it
/p/.leakfix.yaml:6:17: max-body-bytes must be a positive number of bytes, not -1 (leave it out for the default, 32 MiB)
/p/.leakfix.yaml:9:7: an exclusion needs path: a regular expression matching the files' paths relative to /p`
	var list Errors
	if !errors.As(err, &list) || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
}

// TestFuncNames: the full names go/types gives are accepted as they are.
func TestFuncNames(t *testing.T) {
	for _, name := range []string{"os.Open", "example.com/s.Open", "gopkg.in/yaml.v3.NewDecoder", "(*example.com/p.Pool).Get", "(example.com/p.Iface).Open", "(*example.com/p.M[K, V]).Get"} {
		if _, err := Parse("/p/"+FileName, []byte("resources:\n  - func: "+yamlQuote(name)+"\n")); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	for _, name := range []string{"Open", "os.Open()", "os. Open", "(*p.T.Get"} {
		if _, err := Parse("/p/"+FileName, []byte("resources:\n  - func: "+yamlQuote(name)+"\n")); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// yamlQuote quotes s as a single-quoted YAML scalar.
func yamlQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
