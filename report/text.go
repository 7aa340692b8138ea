package report

import (
	"fmt"
	"io"
)

// Text writes the findings in go vet's style, one a line, sorted:
// "path/file.go:line:col: rule: text". Findings fixed in a written file are
// left out, or with verbose marked "(fixed)".
func (r *Report) Text(w io.Writer, verbose bool) error {
	for _, f := range r.Findings {
		gone := r.gone(f)
		if gone && !verbose {
			continue
		}
		pos := f.Position
		pos.Filename = r.rel(pos.Filename)
		line := fmt.Sprintf("%s: %s: %s", pos, f.Rule, f.Text())
		if gone {
			line += " (fixed)"
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	return nil
}
