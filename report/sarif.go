package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/leakfix/leakfix/driver"
	"github.com/leakfix/leakfix/fix"
	"github.com/leakfix/leakfix/internal/dirs"
)

// The SARIF 2.1.0 log, as much of it as leakfix fills in.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool               sarifTool                    `json:"tool"`
		Invocations        []sarifInvocation            `json:"invocations"`
		OriginalURIBaseIDs map[string]sarifArtifactPath `json:"originalUriBaseIds"`
		Results            []sarifResult                `json:"results"`
		ColumnKind         string                       `json:"columnKind"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version,omitempty"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string           `json:"id"`
		ShortDescription     sarifText        `json:"shortDescription"`
		FullDescription      sarifText        `json:"fullDescription"`
		Help                 sarifText        `json:"help"`
		HelpURI              string           `json:"helpUri"`
		DefaultConfiguration sarifRuleConfig  `json:"defaultConfiguration"`
		Properties           map[string][]any `json:"properties,omitempty"`
	}
	sarifRuleConfig struct {
		Level string `json:"level"`
	}
	sarifInvocation struct {
		ExecutionSuccessful        bool                `json:"executionSuccessful"`
		ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
	}
	// A notification says what went wrong running the tool: a package
	// that failed to load or type-check, where.
	sarifNotification struct {
		Level     string          `json:"level"`
		Message   sarifText       `json:"message"`
		Locations []sarifLocation `json:"locations,omitempty"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifResult struct {
		RuleID    string          `json:"ruleId"`
		RuleIndex int             `json:"ruleIndex"`
		Level     string          `json:"level"`
		Message   sarifText       `json:"message"`
		Locations []sarifLocation `json:"locations"`
		// PartialFingerprints identify the result across commits, as
		// GitHub code scanning tracks an alert: see fingerprint.
		PartialFingerprints map[string]string `json:"partialFingerprints"`
		Fixes               []sarifFix        `json:"fixes,omitempty"`
	}
	sarifLocation struct {
		PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
	}
	sarifPhysicalLocation struct {
		ArtifactLocation sarifArtifactPath `json:"artifactLocation"`
		Region           sarifRegion       `json:"region"`
	}
	sarifArtifactPath struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId,omitempty"`
	}
	// A region's end column is exclusive; columns count UTF-16 code
	// units, SARIF's default column kind, which GitHub expects.
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn,omitempty"`
		EndLine     int `json:"endLine,omitempty"`
		EndColumn   int `json:"endColumn,omitempty"`
	}
	sarifFix struct {
		Description     sarifText             `json:"description"`
		ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
	}
	sarifArtifactChange struct {
		ArtifactLocation sarifArtifactPath  `json:"artifactLocation"`
		Replacements     []sarifReplacement `json:"replacements"`
	}
	sarifReplacement struct {
		DeletedRegion   sarifRegion `json:"deletedRegion"`
		InsertedContent sarifText   `json:"insertedContent"`
	}
)

// srcRoot is the base of the artifacts' relative URIs: the directory
// leakfix ran in, which GitHub code scanning takes as the repository's root.
const srcRoot = "%SRCROOT%"

const homepage = "https://github.com/leakfix/leakfix"

// ruleHelpURL documents the rules: the README's account of what leakfix
// fixes.
const ruleHelpURL = homepage + "#what-it-fixes"

// SARIF writes the findings as a SARIF 2.1.0 log with one run: the rules
// that ran, and a result for each finding, fixed ones included, with its
// fix as replacements in the original file.
func (r *Report) SARIF(w io.Writer) error {
	run := sarifRun{
		Tool:        sarifTool{Driver: sarifDriver{Name: "leakfix", Version: sarifVersion(r.Version), InformationURI: homepage, Rules: []sarifRule{}}},
		Invocations: []sarifInvocation{{ExecutionSuccessful: len(r.Errors) == 0, ToolExecutionNotifications: r.notifications()}},
		OriginalURIBaseIDs: map[string]sarifArtifactPath{
			srcRoot: {URI: (&url.URL{Scheme: "file", Path: filepath.ToSlash(r.Dir) + "/"}).String()},
		},
		Results:    []sarifResult{},
		ColumnKind: "utf16CodeUnits",
	}
	ruleIndex := map[string]int{}
	for _, rule := range r.Rules {
		ruleIndex[rule.Name] = len(run.Tool.Driver.Rules)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
			ID:                   rule.Name,
			ShortDescription:     sarifText{rule.Summary},
			FullDescription:      sarifText{rule.Doc},
			Help:                 sarifText{rule.Doc},
			HelpURI:              ruleHelpURL,
			DefaultConfiguration: sarifRuleConfig{Level: "warning"},
			Properties:           map[string][]any{"tags": {"reliability", "resource-leak"}},
		})
	}
	seen := map[string]int{} // occurrences of each fingerprint so far
	for _, f := range r.Findings {
		src := r.source(f.Position.Filename)
		where := r.artifact(f.Position.Filename)
		fp := fingerprint(f.Rule, where.URI, lineText(src, f.Position.Offset))
		seen[fp]++
		res := sarifResult{
			PartialFingerprints: map[string]string{fingerprintKey: fmt.Sprintf("%s:%d", fp, seen[fp])},
			RuleID:              f.Rule,
			RuleIndex:           ruleIndex[f.Rule],
			Level:               "warning",
			Message:             sarifText{f.Text()},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysicalLocation{
				ArtifactLocation: where,
				Region: sarifRegion{
					StartLine: f.Position.Line, StartColumn: utf16Column(src, f.Position.Offset, f.Position.Column),
					EndLine: f.EndPosition.Line, EndColumn: utf16Column(src, f.EndPosition.Offset, f.EndPosition.Column),
				},
			}}},
		}
		if f.Fixed() {
			res.Fixes = []sarifFix{r.sarifFix(f, where)}
		}
		run.Results = append(run.Results, res)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	})
}

// sarifVersion is the version as SARIF wants it, starting with a number
// (a module version's "v" dropped; a build from a clone, "(devel)", is
// 0.0.0-devel), so that consumers can compare versions.
func sarifVersion(v string) string {
	v = strings.TrimPrefix(v, "v")
	if v == "" || v[0] < '0' || v[0] > '9' {
		return "0.0.0-devel"
	}
	return v
}

// fingerprintKey names leakfix's partial fingerprint and its version.
const fingerprintKey = "leakfixLineHash/v1"

// fingerprint identifies a finding without its line number, which moves
// when code above it changes: its rule, its file and the text of its line,
// trimmed. Findings with the same fingerprint in a file are told apart by
// their order (":1", ":2"), as GitHub's own primaryLocationLineHash does.
func fingerprint(rule, uri string, line []byte) string {
	h := sha256.New()
	for _, part := range [][]byte{[]byte(rule), []byte(uri), bytes.TrimSpace(line)} {
		h.Write(part)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// lineText is the line of src that holds the byte offset.
func lineText(src []byte, offset int) []byte {
	if offset < 0 || offset > len(src) {
		return nil
	}
	start := bytes.LastIndexByte(src[:offset], '\n') + 1
	end := bytes.IndexByte(src[offset:], '\n')
	if end < 0 {
		return src[start:]
	}
	return src[start : offset+end]
}

// notifications are the load and type errors, as the tool's notifications,
// each at its file, line and column where it has them.
func (r *Report) notifications() []sarifNotification {
	var out []sarifNotification
	for _, e := range r.Errors {
		n := sarifNotification{Level: "error", Message: sarifText{e.Msg}}
		if file, line, col, ok := splitPos(e.Pos); ok {
			n.Locations = []sarifLocation{{PhysicalLocation: sarifPhysicalLocation{
				ArtifactLocation: r.artifact(file),
				Region:           sarifRegion{StartLine: line, StartColumn: col},
			}}}
		}
		out = append(out, n)
	}
	return out
}

// RelPos makes the file of a "file:line:col" position relative to dir.
func RelPos(dir, pos string) string {
	file, line, col, ok := splitPos(pos)
	switch {
	case !ok:
		return dirs.Rel(dir, pos)
	case col == 0:
		return fmt.Sprintf("%s:%d", dirs.Rel(dir, file), line)
	}
	return fmt.Sprintf("%s:%d:%d", dirs.Rel(dir, file), line, col)
}

// splitPos splits "file:line:col" or "file:line" from the right (a file
// name may hold a colon, C:\ on Windows).
func splitPos(pos string) (file string, line, col int, ok bool) {
	file = pos
	var nums []int
	for range 2 {
		i := strings.LastIndexByte(file, ':')
		if i < 0 {
			break
		}
		n, err := strconv.Atoi(file[i+1:])
		if err != nil {
			break
		}
		nums = append([]int{n}, nums...)
		file = file[:i]
	}
	switch len(nums) {
	case 1:
		return file, nums[0], 0, file != ""
	case 2:
		return file, nums[0], nums[1], file != ""
	}
	return "", 0, 0, false
}

// sarifFix is a fixed finding's fix, as replacements of whole lines of the
// original files it changes: its own, then any other.
func (r *Report) sarifFix(f driver.Finding, where sarifArtifactPath) sarifFix {
	edits, files := fixEdits(f)
	var changes []sarifArtifactChange
	for _, path := range files {
		loc := where
		if path != f.File {
			loc = r.artifact(path)
		}
		changes = append(changes, r.sarifChange(loc, r.source(path), edits[path]))
	}
	return sarifFix{Description: sarifText{f.Fix.Message}, ArtifactChanges: changes}
}

// sarifChange is the change that edits, line edits of old, make to the
// file at where.
func (r *Report) sarifChange(where sarifArtifactPath, old []byte, edits []fix.Edit) sarifArtifactChange {
	change := sarifArtifactChange{ArtifactLocation: where}
	for _, e := range edits {
		startLine, startCol := lineColumn(old, e.Start)
		endLine, endCol := lineColumn(old, e.End)
		change.Replacements = append(change.Replacements, sarifReplacement{
			DeletedRegion:   sarifRegion{StartLine: startLine, StartColumn: startCol, EndLine: endLine, EndColumn: endCol},
			InsertedContent: sarifText{e.New},
		})
	}
	return change
}

// artifact is a file's location: a URI relative to srcRoot when the file is
// under it, else an absolute file URI.
func (r *Report) artifact(path string) sarifArtifactPath {
	rel := filepath.ToSlash(r.rel(path))
	if filepath.IsAbs(rel) || rel == ".." || len(rel) > 3 && rel[:3] == "../" {
		return sarifArtifactPath{URI: (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()}
	}
	return sarifArtifactPath{URI: (&url.URL{Path: rel}).EscapedPath(), URIBaseID: srcRoot}
}

// lineColumn returns the line and UTF-16 column, from 1, of a byte offset
// of src.
func lineColumn(src []byte, offset int) (line, column int) {
	offset = min(offset, len(src))
	line, column = byteLineColumn(src, offset)
	return line, utf16Column(src, offset, column)
}

// byteLineColumn returns the line and byte column, from 1, of a byte
// offset of src (its end, past it).
func byteLineColumn(src []byte, offset int) (line, column int) {
	offset = min(offset, len(src))
	line, start := 1, 0
	for i := range offset {
		if src[i] == '\n' {
			line, start = line+1, i+1
		}
	}
	return line, 1 + offset - start
}

// utf16Column converts a byte column, from 1, at a byte offset of src to a
// UTF-16 one. Without the source (unreadable), it keeps the byte column.
func utf16Column(src []byte, offset, byteColumn int) int {
	start := offset - (byteColumn - 1)
	if src == nil || start < 0 || offset > len(src) {
		return byteColumn
	}
	return 1 + utf16Len(src[start:offset])
}

func utf16Len(b []byte) int {
	n := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		n += utf16.RuneLen(r)
		b = b[size:]
	}
	return n
}
