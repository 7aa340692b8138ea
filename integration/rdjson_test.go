package integration

import (
	"bytes"
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakfix/leakfix/internal/rdfschema"
)

// parseRDJSON reads leakfix's rdjson document (valid against reviewdog's
// schema): its diagnostics as findings, and its suggestions as edits of the
// module's files, read as reviewdog's rdf defines them (byte columns, an
// exclusive end, a range without columns whole lines without the last line
// break).
func parseRDJSON(t *testing.T, mod, doc string) ([]finding, []edit) {
	t.Helper()
	if err := rdfschema.Validate([]byte(doc)); err != nil {
		t.Fatalf("invalid rdjson: %v", err)
	}
	type position struct{ Line, Column int }
	type span struct{ Start, End position }
	var res struct {
		Diagnostics []struct {
			Message  string
			Location struct {
				Path  string
				Range span
			}
			Code        struct{ Value string }
			Suggestions []struct {
				Range span
				Text  string
			}
		}
	}
	if err := json.Unmarshal([]byte(doc), &res); err != nil {
		t.Fatal(err)
	}
	var found []finding
	var edits []edit
	for _, d := range res.Diagnostics {
		loc := d.Location
		found = append(found, finding{loc.Path, loc.Range.Start.Line, loc.Range.Start.Column, d.Code.Value, d.Message})
		if len(d.Suggestions) == 0 {
			continue
		}
		src, err := os.ReadFile(filepath.Join(mod, filepath.FromSlash(loc.Path)))
		if err != nil {
			t.Fatal(err)
		}
		lineStart := func(line int) int {
			off := 0
			for l := 1; l < line; l++ {
				i := bytes.IndexByte(src[off:], '\n')
				if i < 0 {
					t.Fatalf("%s: line %d is past the end", loc.Path, line)
				}
				off += i + 1
			}
			return off
		}
		for _, s := range d.Suggestions {
			r := s.Range
			start, end := lineStart(r.Start.Line)+max(r.Start.Column-1, 0), lineStart(r.End.Line)+max(r.End.Column-1, 0)
			if r.Start.Column == 0 && r.End.Column == 0 {
				end = lineStart(r.End.Line)
				if i := bytes.IndexByte(src[end:], '\n'); i >= 0 {
					end += i
				} else {
					end = len(src)
				}
			}
			edits = append(edits, edit{loc.Path, start, end, s.Text})
		}
	}
	return found, edits
}

// fileLocalWant is what an entry point whose fixes edit only their
// finding's file (rdjson's suggestions, golangci-lint's --fix) says of the
// JSON Lines' findings, and the edits it makes: a fix that also edits
// another file (the one declaring what the package's fixes share) is no
// fix there, and its message says why, ending with because; the other
// fixes are the JSON's.
func fileLocalWant(t *testing.T, mod string, jsonFindings []jsonFinding, because string) ([]finding, []edit) {
	var found []finding
	var edits []edit
	for _, jf := range jsonFindings {
		f := jf.finding
		if files := splitDiff(jf.Fix); len(files) > 1 {
			var others []string
			for _, d := range files[1:] {
				others = append(others, path.Base(diffName(t, d)))
			}
			f.Text += " (no automatic fix: the fix also edits " + strings.Join(others, ", ") + because + ")"
		} else if jf.Fix != "" {
			edits = append(edits, diffEdits(t, mod, jf.Fix)...)
		}
		found = append(found, f)
	}
	return found, edits
}
