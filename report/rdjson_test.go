package report

import (
	"bytes"
	"encoding/json"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	udiff "github.com/aymanbagabas/go-udiff"
	"github.com/leakfix/leakfix/driver"
	"github.com/leakfix/leakfix/internal/rdfschema"
	"github.com/leakfix/leakfix/rules"
)

// The rdjson document, read back as reviewdog's rdf defines it.
type (
	rdfResult struct {
		Source      struct{ Name, URL string }
		Diagnostics []rdfDiagnostic
	}
	rdfDiagnostic struct {
		Message  string
		Location struct {
			Path  string
			Range rdfRange
		}
		Severity    string
		Code        struct{ Value, URL string }
		Suggestions []rdfSuggestion
	}
	rdfRange      struct{ Start, End struct{ Line, Column int } }
	rdfSuggestion struct {
		Range rdfRange
		Text  string
	}
)

// validRDJSON is rep's rdjson document, which must validate against
// reviewdog's schema.
func validRDJSON(t *testing.T, rep *Report) rdfResult {
	t.Helper()
	var out bytes.Buffer
	if err := rep.RDJSON(&out); err != nil {
		t.Fatal(err)
	}
	if err := rdfschema.Validate(out.Bytes()); err != nil {
		t.Fatalf("invalid rdjson: %v\n%s", err, out.Bytes())
	}
	var res rdfResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	return res
}

// applySuggestions applies suggestions to src as the rdf defines them:
// byte columns; an exclusive end; a range without columns is whole lines,
// the end line's line break left out.
func applySuggestions(t *testing.T, src []byte, sugs []rdfSuggestion) []byte {
	t.Helper()
	lineStart := func(line int) int {
		off := 0
		for l := 1; l < line; l++ {
			i := bytes.IndexByte(src[off:], '\n')
			if i < 0 {
				t.Fatalf("line %d is past the end", line)
			}
			off += i + 1
		}
		return off
	}
	type span struct {
		start, end int
		text       string
	}
	var spans []span
	for _, s := range sugs {
		r := s.Range
		var sp span
		if r.Start.Column == 0 && r.End.Column == 0 {
			sp.start = lineStart(r.Start.Line)
			sp.end = lineStart(r.End.Line)
			if i := bytes.IndexByte(src[sp.end:], '\n'); i >= 0 {
				sp.end += i
			} else {
				sp.end = len(src)
			}
		} else {
			sp.start = lineStart(r.Start.Line) + r.Start.Column - 1
			sp.end = lineStart(r.End.Line) + r.End.Column - 1
		}
		sp.text = s.Text
		spans = append(spans, sp)
	}
	slices.SortFunc(spans, func(a, b span) int { return b.start - a.start })
	out := slices.Clone(src)
	for i, sp := range spans {
		if sp.end < sp.start || i > 0 && sp.end > spans[i-1].start {
			t.Fatalf("bad or overlapping suggestions: %+v", sugs)
		}
		out = slices.Concat(out[:sp.start], []byte(sp.text), out[sp.end:])
	}
	return out
}

// Every golden case: one diagnostic a finding, in order, with its rule;
// a fixed finding's suggestions, applied, give its file with its fix
// alone; a fix that edits another file too (the one declaring what the
// package's fixes share), which a suggestion cannot, is no suggestion, and
// the message says why.
func TestRDJSON(t *testing.T) {
	rep := runCases(t)
	res := validRDJSON(t, rep)
	if res.Source.Name != "leakfix" || len(res.Diagnostics) != len(rep.Findings) {
		t.Fatalf("source %q, %d diagnostics for %d findings", res.Source.Name, len(res.Diagnostics), len(rep.Findings))
	}
	var suggested, elsewhere int
	for i, d := range res.Diagnostics {
		f := rep.Findings[i]
		where := filepath.ToSlash(rep.rel(f.Position.Filename))
		if d.Code.Value != f.Rule || d.Location.Path != where || d.Location.Range.Start.Line != f.Position.Line || d.Location.Range.Start.Column != f.Position.Column || d.Severity != "WARNING" {
			t.Errorf("diagnostic %d: %+v; finding %s: %s", i, d, f.Position, f.Rule)
			continue
		}
		edits, files := fixEdits(f)
		switch {
		case !f.Fixed():
			if len(d.Suggestions) > 0 || d.Message != f.Text() {
				t.Errorf("%s: unfixed finding: message %q, %d suggestions", f.Position, d.Message, len(d.Suggestions))
			}
		case len(files) > 1:
			elsewhere++
			if len(d.Suggestions) > 0 || !strings.Contains(d.Message, "(no automatic fix: the fix also edits ") {
				t.Errorf("%s: a fix that edits another file: message %q, %d suggestions", f.Position, d.Message, len(d.Suggestions))
			}
		default:
			suggested++
			if d.Message != f.Text() {
				t.Errorf("%s: message %q, want %q", f.Position, d.Message, f.Text())
			}
			src := rep.source(f.File)
			want, err := udiff.Apply(string(src), edits[f.File])
			if err != nil {
				t.Fatal(err)
			}
			if got := applySuggestions(t, src, d.Suggestions); string(got) != want {
				t.Errorf("%s: the suggestions give\n%s\nwant\n%s", f.Position, got, want)
			}
		}
	}
	if suggested == 0 || elsewhere == 0 {
		t.Errorf("the cases have %d fixes as suggestions and %d that edit another file; want some of each", suggested, elsewhere)
	}
}

// Each kind of line edit becomes a suggestion that gives the edited file:
// lines inserted (at the start, in the middle, at the end), replaced,
// deleted, the last line without a line break, lines ending in "\r\n", and
// several places at once.
func TestRDJSONEdits(t *testing.T) {
	old := "package p\n\nfunc f() {\n\ta()\n\tb()\n}\n"
	for name, fixed := range map[string]string{
		"insert":          "package p\n\nfunc f() {\n\ta()\n\tdefer c()\n\tb()\n}\n",
		"insert first":    "// x\npackage p\n\nfunc f() {\n\ta()\n\tb()\n}\n",
		"insert last":     "package p\n\nfunc f() {\n\ta()\n\tb()\n}\n\nfunc g() {}\n",
		"replace":         "package p\n\nfunc f() {\n\tx := a()\n\tdefer x.Close()\n\tb()\n}\n",
		"replace last":    "package p\n\nfunc f() {\n\ta()\n\tb()\n} // f\n",
		"delete":          "package p\n\nfunc f() {\n\tb()\n}\n",
		"delete last":     "package p\n\nfunc f() {\n\ta()\n\tb()\n",
		"no line break":   "package p\n\nfunc f() {\n\ta()\n\tb()\n}",
		"several places":  "package p\n\nimport \"os\"\n\nfunc f() {\n\ta()\n\tdefer os.Exit(0)\n\tb()\n}\n",
		"multibyte lines": "package p\n\nfunc f() {\n\ta(\"é😀\")\n\tb()\n}\n",
		"crlf":            "package p\n\nfunc f() {\r\n\ta()\r\n\tb()\n}\n",
	} {
		t.Run(name, func(t *testing.T) {
			var sugs []rdfSuggestion
			for _, e := range udiff.Lines(old, fixed) {
				s := rdjsonEdit([]byte(old), e)
				var r rdfSuggestion
				r.Text = s.Text
				r.Range.Start.Line, r.Range.Start.Column = s.Range.Start.Line, s.Range.Start.Column
				r.Range.End.Line, r.Range.End.Column = s.Range.End.Line, s.Range.End.Column
				sugs = append(sugs, r)
			}
			if got := applySuggestions(t, []byte(old), sugs); string(got) != fixed {
				t.Errorf("suggestions %+v give\n%q\nwant\n%q", sugs, got, fixed)
			}
		})
	}
}

// A location's columns count bytes, as the rdf says: a finding after "é"
// (2 bytes) and "😀" (4) is at its byte column, not its rune or UTF-16 one.
func TestRDJSONByteColumns(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.go")
	src := "package p\n\nvar s = \"é😀\"; var x = os.Open\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	off := strings.Index(src, "os.Open")
	col := off - strings.LastIndexByte(src[:off], '\n')
	rep := &Report{Dir: dir, Rules: rules.All(), Findings: []driver.Finding{{
		Finding:     rules.Finding{Rule: "missing-close", Message: "m"},
		Position:    token.Position{Filename: path, Line: 3, Column: col, Offset: off},
		EndPosition: token.Position{Filename: path, Line: 3, Column: col + 7, Offset: off + 7},
	}}}
	res := validRDJSON(t, rep)
	r := res.Diagnostics[0].Location.Range
	if r.Start.Line != 3 || r.Start.Column != col || r.End.Column != col+7 || src[off:off+7] != "os.Open" {
		t.Errorf("range %+v, want 3:%d-3:%d", r, col, col+7)
	}
	if res.Diagnostics[0].Location.Path != "a.go" {
		t.Errorf("path %q, want a.go", res.Diagnostics[0].Location.Path)
	}
}
