package report

import (
	"encoding/json"
	"io"

	"github.com/leakfix/leakfix/diff"
)

// jsonFinding is one line of JSON output. Lines and columns count from 1;
// columns count bytes, as go/token's do; the end is exclusive.
type jsonFinding struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line"`
	EndColumn int    `json:"end_column"`
	Rule      string `json:"rule"`
	Message   string `json:"message"`
	Fixable   bool   `json:"fixable"`
	// Evidence, for a resource, is what shows that the function owns it:
	// table, config, learned, implementations or shape.
	Evidence string `json:"evidence,omitempty"`
	// Fix is the unified diff of this finding's fix alone, with the same
	// a/ and b/ headers as leakfix -d (see PatchPath): its file, then any
	// other file it changes (the one that declares what it shares with the
	// package's other fixes, which each of them changes the same way).
	Fix string `json:"fix,omitempty"`
}

// JSONLines writes one JSON object a line for each finding, fixed ones
// included (with -w, "fixable" findings are the ones written).
func (r *Report) JSONLines(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, f := range r.Findings {
		name := r.rel(f.Position.Filename)
		jf := jsonFinding{
			File:      name,
			Line:      f.Position.Line,
			Column:    f.Position.Column,
			EndLine:   f.EndPosition.Line,
			EndColumn: f.EndPosition.Column,
			Rule:      f.Rule,
			Message:   f.Text(),
			Fixable:   f.Fixed(),
			Evidence:  f.Evidence,
		}
		if f.Fixed() {
			edits, files := fixEdits(f)
			for _, path := range files {
				jf.Fix += diff.UnifiedEdits(PatchPath(r.Dir, path), r.source(path), edits[path])
			}
		}
		if err := enc.Encode(jf); err != nil {
			return err
		}
	}
	return nil
}
