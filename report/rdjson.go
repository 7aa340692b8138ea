package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/leakfix/leakfix/fix"
)

// rdjson is reviewdog's diagnostic format, the JSON of its DiagnosticResult
// message (github.com/reviewdog/reviewdog/proto/rdf). Lines and columns
// count from 1, columns in bytes (UTF-8, as go/token's); a range's end is
// exclusive, and a range without columns stands for whole lines, its end
// line included without its line break.
type (
	rdjsonResult struct {
		Source      rdjsonSource       `json:"source"`
		Severity    string             `json:"severity"`
		Diagnostics []rdjsonDiagnostic `json:"diagnostics"`
	}
	rdjsonSource struct {
		Name string `json:"name"`
		URL  string `json:"url"`
	}
	rdjsonDiagnostic struct {
		Message     string             `json:"message"`
		Location    rdjsonLocation     `json:"location"`
		Severity    string             `json:"severity"`
		Code        rdjsonCode         `json:"code"`
		Suggestions []rdjsonSuggestion `json:"suggestions,omitempty"`
	}
	rdjsonLocation struct {
		Path  string      `json:"path"`
		Range rdjsonRange `json:"range"`
	}
	rdjsonRange struct {
		Start rdjsonPosition `json:"start"`
		End   rdjsonPosition `json:"end"`
	}
	rdjsonPosition struct {
		Line   int `json:"line"`
		Column int `json:"column,omitempty"` // 0: the range is whole lines
	}
	rdjsonCode struct {
		Value string `json:"value"`
		URL   string `json:"url"`
	}
	rdjsonSuggestion struct {
		Range rdjsonRange `json:"range"`
		Text  string      `json:"text"`
	}
)

// RDJSON writes the findings as one rdjson document, for reviewdog
// (reviewdog -f=rdjson): a diagnostic for each finding, fixed ones
// included, with its fix as suggestions, one for each place of the file
// the fix changes (see rdjsonEdit). A finding without a fix is a
// diagnostic without suggestions, and so is one whose fix edits another
// file too (the one declaring what the package's fixes share), which a
// suggestion, an edit of the diagnostic's file, cannot.
func (r *Report) RDJSON(w io.Writer) error {
	const severity = "WARNING" // SARIF's "warning"
	res := rdjsonResult{
		Source:      rdjsonSource{Name: "leakfix", URL: homepage},
		Severity:    severity,
		Diagnostics: []rdjsonDiagnostic{},
	}
	for _, f := range r.Findings {
		d := rdjsonDiagnostic{
			Message: f.Text(),
			Location: rdjsonLocation{
				Path: filepath.ToSlash(r.rel(f.Position.Filename)),
				Range: rdjsonRange{
					Start: rdjsonPosition{Line: f.Position.Line, Column: f.Position.Column},
					End:   rdjsonPosition{Line: f.EndPosition.Line, Column: f.EndPosition.Column},
				},
			},
			Severity: severity,
			Code:     rdjsonCode{Value: f.Rule, URL: ruleHelpURL},
		}
		if f.Fixed() {
			if edits, files := fixEdits(f); len(files) > 1 {
				var others []string
				for _, path := range files[1:] {
					others = append(others, filepath.Base(path))
				}
				unfixed := f.Finding
				unfixed.Fix, unfixed.NoFix = nil, fmt.Sprintf("the fix also edits %s, and a suggestion edits only the finding's own file; leakfix -w makes it", strings.Join(others, ", "))
				d.Message = unfixed.Text()
			} else {
				for _, e := range edits[f.File] {
					d.Suggestions = append(d.Suggestions, rdjsonEdit(r.source(f.File), e))
				}
			}
		}
		res.Diagnostics = append(res.Diagnostics, d)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(res)
}

// rdjsonEdit is a line edit of src as a suggestion, the way reviewdog reads
// a diff (-f=diff), which GitHub's suggested changes take: lines replaced
// are a range of whole lines, replaced by the new lines without the last
// line break; lines inserted are an empty range at the start of the line
// they go before. Lines deleted, and lines replaced where the file or the
// fix does not end the last one with a plain line break ("\n", not "\r\n",
// which a range of whole lines leaves out too), are an exact range.
func rdjsonEdit(src []byte, e fix.Edit) rdjsonSuggestion {
	endsLine := func(b []byte) bool {
		return bytes.HasSuffix(b, []byte("\n")) && !bytes.HasSuffix(b, []byte("\r\n"))
	}
	if e.Start < e.End && endsLine(src[e.Start:e.End]) && endsLine([]byte(e.New)) {
		first, _ := byteLineColumn(src, e.Start)
		last, _ := byteLineColumn(src, e.End-1)
		return rdjsonSuggestion{
			Range: rdjsonRange{Start: rdjsonPosition{Line: first}, End: rdjsonPosition{Line: last}},
			Text:  strings.TrimSuffix(e.New, "\n"),
		}
	}
	at := func(offset int) rdjsonPosition {
		line, col := byteLineColumn(src, offset)
		return rdjsonPosition{Line: line, Column: col}
	}
	return rdjsonSuggestion{Range: rdjsonRange{Start: at(e.Start), End: at(e.End)}, Text: e.New}
}
