// Package diff renders the changes leakfix makes to a file as a unified
// diff, in the style of `gofmt -d` and `git diff`, and optionally colours
// that diff for display on a terminal.
//
// Diffs are computed with github.com/aymanbagabas/go-udiff (a fork of the
// diff package used by gopls). The output of [Unified] carries "a/" and "b/"
// prefixed headers so that it can be applied with `git apply` or
// `patch -p1` from the directory the names are relative to.
package diff

import (
	"os"
	"strconv"
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"
	"golang.org/x/term"
)

// contextLines is the number of unchanged lines shown around each change.
const contextLines = 3

// Unified returns a unified diff of old→new for one file, with headers
// "diff --git a/<name> b/<name>", "--- a/<name>" and "+++ b/<name>" and 3
// lines of context, or "" when old and new are equal.
//
// name is a slash-separated path relative to the directory the diff applies
// in; callers pass it already relative. The "diff --git" line makes git
// apply read name as relative to the top level of the work tree, wherever
// in it it runs (it reads a plain diff's names as relative to the current
// directory). The output is accepted by `git apply`
// and by `patch -p1`. A last line that lacks a newline is followed by the usual
// "\ No newline at end of file" marker, and other line endings (such as the
// "\r" of CRLF files) are kept as part of the line content.
//
// Names containing spaces, control characters, double quotes or
// backslashes are written in the C-style quoted form used by git (for
// example --- "a/my dir/x.go"), which both git apply and GNU patch
// understand; other names, including non-ASCII ones, are written as is.
func Unified(name string, old, new []byte) string {
	if string(old) == string(new) {
		return ""
	}
	return UnifiedEdits(name, old, udiff.Lines(string(old), string(new)))
}

// UnifiedEdits is Unified for old changed by edits, line edits of old, as
// they are: two diffs that make one edit among others show it alike.
func UnifiedEdits(name string, old []byte, edits []udiff.Edit) string {
	if len(edits) == 0 {
		return ""
	}
	out, err := udiff.ToUnified(quoteName("a/"+name), quoteName("b/"+name), string(old), edits, contextLines)
	if err != nil {
		// Cannot happen: the edits are of old and consistent.
		panic("diff: internal error: " + err.Error())
	}
	return "diff --git " + quoteName("a/"+name) + " " + quoteName("b/"+name) + "\n" + renumberNewStarts(out)
}

// renumberNewStarts recomputes the new-file start line of every hunk header
// from its old-file start and the lines the earlier hunks added or
// removed. go-udiff miscounts it after a hunk that joins two changes with
// context lines (as x/tools' internal diff did, golang/go#81453); git apply
// ignores the number, but patch and editors rely on it.
func renumberNewStarts(out string) string {
	lines := strings.SplitAfter(out, "\n")
	delta := 0
	for i, line := range lines {
		f := strings.Fields(line)
		if len(f) < 4 || f[0] != "@@" || f[3] != "@@" || !strings.HasPrefix(f[1], "-") || !strings.HasPrefix(f[2], "+") {
			continue
		}
		oldStart, _ := strconv.Atoi(strings.SplitN(f[1][1:], ",", 2)[0])
		oldCount, newCount := hunkCounts(line)
		newStart := oldStart + delta
		// A range with no lines names the line before it.
		if oldCount == 0 {
			newStart++
		}
		if newCount == 0 {
			newStart--
		}
		newRange := strconv.Itoa(newStart)
		if newCount != 1 {
			newRange += "," + strconv.Itoa(newCount)
		}
		lines[i] = strings.Replace(line, f[2], "+"+newRange, 1)
		delta += newCount - oldCount
	}
	return strings.Join(lines, "")
}

// quoteName returns name as it should appear in a "---" or "+++" header:
// unchanged if it needs no quoting, otherwise enclosed in double quotes with
// git's C-style escapes (\", \\, \t, \n, \r and \ooo octal for other
// control bytes).
func quoteName(name string) string {
	if !strings.ContainsFunc(name, func(r rune) bool {
		return r <= ' ' || r == 0x7f || r == '"' || r == '\\'
	}) {
		return name
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(name); i++ {
		switch c := name[i]; c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if c < ' ' || c == 0x7f {
				b.WriteByte('\\')
				b.WriteByte('0' + c>>6)
				b.WriteByte('0' + c>>3&7)
				b.WriteByte('0' + c&7)
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// ANSI escape sequences used by Colorize.
const (
	ansiReset = "\x1b[0m"
	ansiBold  = "\x1b[1m"
	ansiRed   = "\x1b[31m"
	ansiGreen = "\x1b[32m"
	ansiCyan  = "\x1b[36m"
)

// Colorize adds ANSI colours to a unified diff, for display on a terminal:
// file headers are bold, removed ('-') lines red, added ('+') lines green
// and hunk headers ("@@ ... @@") cyan. Context lines and
// "\ No newline at end of file" markers are left as they are.
//
// unified may hold the diffs of several files one after another. Hunk
// bodies are recognised using the line counts of their "@@" headers, so a
// removed line that itself starts with "-- " is not mistaken for a file
// header.
func Colorize(unified string) string {
	if unified == "" {
		return ""
	}
	var b strings.Builder
	b.Grow(len(unified) + len(unified)/4)
	oldLeft, newLeft := 0, 0 // lines of the current hunk body still to come
	for len(unified) > 0 {
		line, rest, hasNL := strings.Cut(unified, "\n")
		unified = rest

		color := ""
		inHunk := oldLeft > 0 || newLeft > 0
		switch {
		case inHunk && strings.HasPrefix(line, "-"):
			color = ansiRed
			oldLeft--
		case inHunk && strings.HasPrefix(line, "+"):
			color = ansiGreen
			newLeft--
		case inHunk && (strings.HasPrefix(line, " ") || line == "" || line == "\r"):
			// Context line (some tools strip the space of empty lines).
			oldLeft--
			newLeft--
		case strings.HasPrefix(line, `\`):
			// "\ No newline at end of file": belongs to the previous line.
		case strings.HasPrefix(line, "@@"):
			color = ansiCyan
			oldLeft, newLeft = hunkCounts(line)
		case !inHunk && (strings.HasPrefix(line, "--- ") || strings.HasPrefix(line, "+++ ") ||
			strings.HasPrefix(line, "diff ") || strings.HasPrefix(line, "index ") || strings.HasPrefix(line, "new file mode ")):
			color = ansiBold
		}

		if color != "" && line != "" {
			b.WriteString(color)
			b.WriteString(line)
			b.WriteString(ansiReset)
		} else {
			b.WriteString(line)
		}
		if hasNL {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// hunkCounts parses the old and new line counts of a hunk header such as
// "@@ -1,5 +1,6 @@". An omitted count means 1. It returns 0, 0 if the
// header cannot be parsed.
func hunkCounts(header string) (oldCount, newCount int) {
	f := strings.Fields(header)
	if len(f) < 4 || f[0] != "@@" || !strings.HasPrefix(f[1], "-") || !strings.HasPrefix(f[2], "+") {
		return 0, 0
	}
	count := func(r string) int {
		_, c, ok := strings.Cut(r[1:], ",")
		if !ok {
			return 1
		}
		n, err := strconv.Atoi(c)
		if err != nil || n < 0 {
			return 0
		}
		return n
	}
	return count(f[1]), count(f[2])
}

// ShouldColor reports whether diff output written to f should be coloured.
// mode is "always", "never" or "auto"; any other value is treated as
// "never". In auto mode output is coloured when f is a terminal, the
// NO_COLOR environment variable (https://no-color.org) is unset or empty,
// and TERM is not "dumb".
func ShouldColor(mode string, f *os.File) bool {
	switch mode {
	case "always":
		return true
	case "auto":
		if f == nil || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
			return false
		}
		return term.IsTerminal(int(f.Fd()))
	default:
		return false
	}
}
