package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakfix/leakfix/driver"
	"github.com/leakfix/leakfix/internal/cases"
	"github.com/leakfix/leakfix/internal/sarifschema"
	"github.com/leakfix/leakfix/rewrite"
	"github.com/leakfix/leakfix/rules"
)

// runCases runs every rule over the golden cases, as leakfix --format does.
func runCases(t *testing.T) *Report {
	t.Helper()
	mod := t.TempDir()
	for _, r := range rules.All() {
		if _, err := cases.Layout(mod, filepath.Join("..", "testdata", r.Name)); err != nil {
			t.Fatal(err)
		}
	}
	res, err := driver.Run(driver.Options{
		Load:    rewrite.LoadConfig{Dir: mod, Tests: true},
		Args:    []string{"./..."},
		Rules:   rules.All(),
		EachFix: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) > 0 {
		t.Fatalf("load errors: %v", res.Errors)
	}
	return &Report{Dir: mod, Findings: res.Findings, Changes: res.Changes, Rules: rules.All(), Version: "test"}
}

func TestSARIFValidates(t *testing.T) {
	rep := runCases(t)
	var out bytes.Buffer
	if err := rep.SARIF(&out); err != nil {
		t.Fatal(err)
	}
	if err := sarifschema.Validate(out.Bytes()); err != nil {
		t.Fatalf("invalid SARIF: %v\n%s", err, out.Bytes())
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID string
				Fixes  []json.RawMessage
			}
		}
	}
	if err := json.Unmarshal(out.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) != 1 || len(log.Runs[0].Results) != len(rep.Findings) {
		t.Fatalf("want one run with %d results, got %s", len(rep.Findings), out.Bytes())
	}
	for i, res := range log.Runs[0].Results {
		if f := rep.Findings[i]; res.RuleID != f.Rule || (len(res.Fixes) == 1) != f.Fixed {
			t.Errorf("result %d: rule %q, %d fixes; finding %s: %s fixed=%v", i, res.RuleID, len(res.Fixes), f.Position, f.Rule, f.Fixed)
		}
	}
}

func TestJSONLines(t *testing.T) {
	rep := runCases(t)
	var out bytes.Buffer
	if err := rep.JSONLines(&out); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 1<<20)
	n := 0
	for ; sc.Scan(); n++ {
		var got map[string]any
		if err := json.Unmarshal(sc.Bytes(), &got); err != nil {
			t.Fatalf("line %d: %v: %s", n+1, err, sc.Bytes())
		}
		f := rep.Findings[n]
		for _, key := range []string{"file", "line", "column", "end_line", "end_column", "rule", "message", "fixable"} {
			if _, ok := got[key]; !ok {
				t.Errorf("line %d: no %q: %s", n+1, key, sc.Bytes())
			}
		}
		fix, hasFix := got["fix"].(string)
		if got["fixable"] != f.Fixed || hasFix != f.Fixed {
			t.Errorf("line %d: fixable %v, fix %v; finding fixed=%v", n+1, got["fixable"], hasFix, f.Fixed)
		}
		if hasFix && !strings.HasPrefix(fix, "--- a/"+filepath.ToSlash(got["file"].(string))+"\n") {
			t.Errorf("line %d: the fix is not a diff of %s:\n%s", n+1, got["file"], fix)
		}
	}
	if n != len(rep.Findings) {
		t.Errorf("%d lines for %d findings", n, len(rep.Findings))
	}
}

// Columns in SARIF count UTF-16 code units; go/token's count bytes.
func TestUTF16Columns(t *testing.T) {
	src := []byte("package p\n\nvar s = \"héllo😀\"; var x = 1\n")
	off := bytes.Index(src, []byte("var x"))
	byteCol := off - bytes.LastIndexByte(src[:off], '\n')
	if got, want := utf16Column(src, off, byteCol), byteCol-1-2; got != want {
		t.Errorf("utf16Column = %d, want %d (é is 2 bytes, 1 unit; 😀 4 bytes, 2 units)", got, want)
	}
	if line, col := lineColumn(src, off); line != 3 || col != byteCol-3 {
		t.Errorf("lineColumn = %d:%d, want 3:%d", line, col, byteCol-3)
	}
	if line, col := lineColumn(src, len(src)); line != 4 || col != 1 {
		t.Errorf("lineColumn(end) = %d:%d, want 4:1", line, col)
	}
}

func TestArtifactURIs(t *testing.T) {
	r := &Report{Dir: "/work/mod"}
	for path, want := range map[string]sarifArtifactPath{
		"/work/mod/a/b.go":      {URI: "a/b.go", URIBaseID: srcRoot},
		"/work/mod/my dir/b.go": {URI: "my%20dir/b.go", URIBaseID: srcRoot},
		"/elsewhere/c.go":       {URI: "file:///elsewhere/c.go"},
	} {
		if got := r.artifact(path); got != want {
			t.Errorf("artifact(%q) = %+v, want %+v", path, got, want)
		}
	}
}
