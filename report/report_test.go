package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"go/token"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/leakfix/leakfix/driver"
	"github.com/leakfix/leakfix/internal/cases"
	"github.com/leakfix/leakfix/internal/sarifschema"
	"github.com/leakfix/leakfix/load"
	"github.com/leakfix/leakfix/rules"
)

// TestMain removes the module of the golden cases that runCases lays out.
func TestMain(m *testing.M) {
	code := m.Run()
	if casesDir != "" {
		os.RemoveAll(casesDir)
	}
	os.Exit(code)
}

var (
	casesOnce   sync.Once
	casesDir    string // the module of every rule's golden cases, once laid out
	casesReport *Report
	casesErr    error
)

// runCases runs every rule over the golden cases, as leakfix --format does.
// The run is the same for every test that asks (the tests only read the
// report): it is made once, by the first of them.
func runCases(t *testing.T) *Report {
	t.Helper()
	casesOnce.Do(func() { casesReport, casesErr = reportCases() })
	if casesErr != nil {
		t.Fatal(casesErr)
	}
	return casesReport
}

func reportCases() (*Report, error) {
	mod, err := os.MkdirTemp("", "leakfix-report-cases-")
	if err != nil {
		return nil, err
	}
	casesDir = mod
	for _, r := range rules.All() {
		if _, err := cases.Layout(mod, filepath.Join("..", "testdata", r.Name)); err != nil {
			return nil, err
		}
	}
	res, err := driver.Run(driver.Options{
		Load:  load.Config{Dir: mod, Tests: true},
		Args:  []string{"./..."},
		Rules: rules.All(),
	})
	if err != nil {
		return nil, err
	}
	if len(res.Errors) > 0 {
		return nil, fmt.Errorf("load errors: %v", res.Errors)
	}
	return &Report{Dir: mod, Findings: res.Findings, Changes: res.Changes, Rules: rules.All(), Version: "test"}, nil
}

// validSARIF is rep's SARIF log, which must validate against the schema.
func validSARIF(t *testing.T, rep *Report) *bytes.Buffer {
	t.Helper()
	var out bytes.Buffer
	if err := rep.SARIF(&out); err != nil {
		t.Fatal(err)
	}
	if err := sarifschema.Validate(out.Bytes()); err != nil {
		t.Fatalf("invalid SARIF: %v\n%s", err, out.Bytes())
	}
	return &out
}

func TestSARIFValidates(t *testing.T) {
	rep := runCases(t)
	out := validSARIF(t, rep)
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
		if f := rep.Findings[i]; res.RuleID != f.Rule || (len(res.Fixes) == 1) != f.Fixed() {
			t.Errorf("result %d: rule %q, %d fixes; finding %s: %s fixed=%v", i, res.RuleID, len(res.Fixes), f.Position, f.Rule, f.Fixed())
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
		if got["fixable"] != f.Fixed() || hasFix != f.Fixed() {
			t.Errorf("line %d: fixable %v, fix %v; finding fixed=%v", n+1, got["fixable"], hasFix, f.Fixed())
		}
		if name := filepath.ToSlash(got["file"].(string)); hasFix && !strings.HasPrefix(fix, "diff --git a/"+name+" b/"+name+"\n--- a/"+name+"\n") {
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

// A result's partial fingerprint does not move with its line: code added
// above a finding leaves it as it was; another finding on an identical
// line gets the next occurrence.
func TestSARIFFingerprints(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.go")
	fingerprints := func(src string) []string {
		t.Helper()
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		var findings []driver.Finding
		offset := 0
		for i, line := range strings.SplitAfter(src, "\n") {
			if col := strings.Index(line, "os.Open"); col >= 0 {
				findings = append(findings, driver.Finding{
					Finding:     rules.Finding{Rule: "missing-close"},
					Position:    token.Position{Filename: path, Line: i + 1, Column: col + 1, Offset: offset + col},
					EndPosition: token.Position{Filename: path, Line: i + 1, Column: col + 8, Offset: offset + col + 7},
				})
			}
			offset += len(line)
		}
		var out bytes.Buffer
		if err := (&Report{Dir: dir, Findings: findings, Rules: rules.All()}).SARIF(&out); err != nil {
			t.Fatal(err)
		}
		var log struct {
			Runs []struct {
				Results []struct {
					PartialFingerprints map[string]string
				}
			}
		}
		if err := json.Unmarshal(out.Bytes(), &log); err != nil {
			t.Fatal(err)
		}
		var prints []string
		for _, r := range log.Runs[0].Results {
			prints = append(prints, r.PartialFingerprints["leakfixLineHash/v1"])
		}
		return prints
	}
	before := fingerprints("package a\n\tf, err := os.Open(p)\n\tg, err := os.Open(q)\n\tf, err := os.Open(p)\n")
	after := fingerprints("package a\n\n// moved\n\tf, err := os.Open(p)\n\tg, err := os.Open(q)\n\tf, err := os.Open(p)\n")
	if len(before) != 3 || !slices.Equal(before, after) {
		t.Fatalf("fingerprints moved with the lines:\nbefore %q\nafter  %q", before, after)
	}
	if before[0] == before[2] || !strings.HasSuffix(before[0], ":1") || !strings.HasSuffix(before[2], ":2") {
		t.Errorf("identical lines not told apart by occurrence: %q", before)
	}
	if before[0] == before[1] {
		t.Errorf("different lines, same fingerprint: %q", before)
	}
}

// Packages that fail to load are the run's notifications, at their
// positions, and the run did not succeed.
func TestSARIFNotifications(t *testing.T) {
	dir := t.TempDir()
	rep := &Report{Dir: dir, Rules: rules.All(), Errors: []load.Error{
		{Pos: filepath.Join(dir, "a.go") + ":3:7", Msg: "undefined: x"},
		{Msg: "go list failed"},
	}}
	out := validSARIF(t, rep)
	var log struct {
		Runs []struct {
			Invocations []struct {
				ExecutionSuccessful        bool
				ToolExecutionNotifications []struct {
					Level     string
					Message   struct{ Text string }
					Locations []struct {
						PhysicalLocation struct {
							ArtifactLocation struct{ URI string }
							Region           struct{ StartLine, StartColumn int }
						}
					}
				}
			}
		}
	}
	if err := json.Unmarshal(out.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	inv := log.Runs[0].Invocations[0]
	if inv.ExecutionSuccessful || len(inv.ToolExecutionNotifications) != 2 {
		t.Fatalf("want a failed invocation with 2 notifications:\n%s", out.Bytes())
	}
	n := inv.ToolExecutionNotifications[0]
	if n.Level != "error" || n.Message.Text != "undefined: x" || len(n.Locations) != 1 {
		t.Fatalf("first notification: %+v", n)
	}
	if loc := n.Locations[0].PhysicalLocation; loc.ArtifactLocation.URI != "a.go" || loc.Region.StartLine != 3 || loc.Region.StartColumn != 7 {
		t.Errorf("first notification's location: %+v", loc)
	}
	if len(inv.ToolExecutionNotifications[1].Locations) != 0 {
		t.Errorf("an error without a position has a location: %+v", inv.ToolExecutionNotifications[1])
	}
}

// The SARIF multitool's validator, with GitHub's rules (what code
// scanning checks on upload) and SARIF's own, finds nothing in a log of
// every golden case, nor in one with load errors. Skipped where the
// multitool (npm's @microsoft/sarif-multitool) is not installed; CI
// installs it. One run of the tool validates both logs (its start is most
// of its time): each of its results names the log it is about.
func TestSARIFMultitool(t *testing.T) {
	tool, err := exec.LookPath("sarif-multitool")
	if err != nil {
		t.Skip("sarif-multitool is not installed (npm install -g @microsoft/sarif-multitool)")
	}
	cases := runCases(t)
	failed := *cases
	failed.Errors = []load.Error{{Pos: filepath.Join(cases.Dir, "a.go") + ":3:7", Msg: "undefined: x"}}
	dir := t.TempDir()
	out := filepath.Join(dir, "validation.sarif")
	args := []string{"validate", "--rule-kind", `"Gh;Sarif"`}
	logs := map[string]string{} // the file of a log → its name
	for name, rep := range map[string]*Report{"cases": cases, "failed": &failed} {
		in := filepath.Join(dir, name+".sarif")
		var log bytes.Buffer
		if err := rep.SARIF(&log); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(in, log.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		logs[in] = name
		args = append(args, in)
	}
	// The npm wrapper runs the tool through a shell: the rule kinds'
	// semicolon is quoted for it.
	cmd := exec.Command(tool, append(args, "--output", out)...)
	stdout, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if !bytes.Contains(stdout, []byte("Done. 2 files scanned.")) {
		t.Errorf("the multitool did not validate both logs:\n%s", stdout)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("no validation log: %v\n%s", err, stdout)
	}
	var validation struct {
		Runs []struct {
			Results []struct {
				RuleID  string
				Message struct {
					Text, ID  string
					Arguments []string
				}
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(data, &validation); err != nil {
		t.Fatal(err)
	}
	if len(validation.Runs) != 1 {
		t.Fatalf("validation log has %d runs", len(validation.Runs))
	}
	for _, r := range validation.Runs[0].Results {
		name := "?" // a result about neither log
		for _, loc := range r.Locations {
			if u, err := url.Parse(loc.PhysicalLocation.ArtifactLocation.URI); err == nil && logs[u.Path] != "" {
				name = logs[u.Path]
			}
		}
		t.Errorf("%s: %s: %s%s %q", name, r.RuleID, r.Message.Text, r.Message.ID, r.Message.Arguments)
	}
}
