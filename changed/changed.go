// Package changed finds the lines of a git work tree that changed since a
// revision, for --new-from-rev: the lines `git diff REV` adds or changes,
// and every line of the files git does not track and does not ignore
// (new files not added yet), as golangci-lint's --new-from-rev has them.
// Lines only deleted leave no line behind, and count as none.
package changed

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// Lines are the changed lines of the files of one work tree.
type Lines struct {
	top   string                  // the work tree's top directory, symbolic links resolved
	lines map[string]map[int]bool // by path relative to top, slash-separated
	whole map[string]bool         // untracked files, by path relative to top

	mu   sync.Mutex
	dirs map[string]string // a directory → the same, symbolic links resolved
}

// Since returns the lines of the work tree that holds dir that changed
// since rev. Errors are git's, with the command that failed: dir in no
// work tree, rev no revision.
func Since(dir, rev string) (*Lines, error) {
	if rev == "" || strings.HasPrefix(rev, "-") {
		// git would take "-x" for an option.
		return nil, fmt.Errorf("%q is not a revision", rev)
	}
	out, err := git(dir, "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, err
	}
	top, err := filepath.EvalSymlinks(strings.TrimSuffix(string(out), "\n"))
	if err != nil {
		return nil, err
	}
	l := &Lines{top: top, dirs: map[string]string{}}
	// Paths relative to the top, whatever diff.relative says; a/ and b/
	// prefixes, whatever diff.noprefix and diff.mnemonicPrefix say; the
	// file's own lines, not those of a textconv filter; no context lines
	// (the lines between close hunks are shown if diff.interHunkContext
	// says so, and addedLines reads them as context).
	patch, err := git(top, "diff", "--no-color", "--no-ext-diff", "--no-textconv", "--unified=0", "--inter-hunk-context=0", "--src-prefix=a/", "--dst-prefix=b/", rev, "--")
	if err != nil {
		return nil, err
	}
	if l.lines, err = addedLines(patch); err != nil {
		return nil, fmt.Errorf("git diff %s: %v", rev, err)
	}
	untracked, err := git(top, "ls-files", "--others", "--exclude-standard", "-z")
	if err != nil {
		return nil, err
	}
	l.whole = map[string]bool{}
	for _, name := range strings.Split(string(untracked), "\x00") {
		if name != "" {
			l.whole[name] = true
		}
	}
	return l, nil
}

// Has reports whether line (from 1) of the file at path (absolute) changed.
// A file outside the work tree did not.
func (l *Lines) Has(path string, line int) bool {
	rel, err := filepath.Rel(l.top, filepath.Join(l.resolved(filepath.Dir(path)), filepath.Base(path)))
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return false
	}
	rel = filepath.ToSlash(rel)
	return l.whole[rel] || l.lines[rel][line]
}

// resolved is dir with symbolic links resolved, as git names the top
// (the current directory may be reached through a link), or dir itself
// when it cannot be resolved.
func (l *Lines) resolved(dir string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if r, ok := l.dirs[dir]; ok {
		return r
	}
	r, err := filepath.EvalSymlinks(dir)
	if err != nil {
		r = dir
	}
	l.dirs[dir] = r
	return r
}

// git runs git in dir and returns its output; an error is git's message.
func git(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("git %s: %s", strings.Join(args[:1], " "), msg)
	}
	return out, nil
}

// addedLines reads a patch, and returns the lines of the new side of each
// file that its hunks add, by the file's path (the b/ name, unquoted,
// without its prefix). A line of a hunk is read as a line of the hunk
// whatever it holds ("+++ x" adds the line "++ x"): each hunk is read to
// the number of lines its header gives.
func addedLines(patch []byte) (map[string]map[int]bool, error) {
	files := map[string]map[int]bool{}
	var file string // "" for a deleted file
	haveFile := false
	oldLeft, newLeft := 0, 0 // lines of the current hunk still to read
	newLine := 0             // the new side's line number of the next line
	sc := bufio.NewScanner(bytes.NewReader(patch))
	sc.Buffer(nil, 64<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if oldLeft > 0 || newLeft > 0 {
			switch {
			case strings.HasPrefix(line, "-") && oldLeft > 0:
				oldLeft--
			case strings.HasPrefix(line, "+") && newLeft > 0:
				files[file][newLine] = true
				newLine, newLeft = newLine+1, newLeft-1
			case strings.HasPrefix(line, " ") && oldLeft > 0 && newLeft > 0:
				newLine, oldLeft, newLeft = newLine+1, oldLeft-1, newLeft-1
			case strings.HasPrefix(line, `\`): // "\ No newline at end of file"
			default:
				return nil, fmt.Errorf("line %d: %q is no line of its hunk", n, line)
			}
			continue
		}
		switch {
		case strings.HasPrefix(line, "diff --cc ") || strings.HasPrefix(line, "diff --combined "):
			return nil, fmt.Errorf("%s is unmerged: resolve its conflicts first", strings.Fields(line)[2])
		case strings.HasPrefix(line, "diff "):
			haveFile = false
		case strings.HasPrefix(line, "+++ "):
			name, err := newName(line[len("+++ "):])
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", n, err)
			}
			file, haveFile = name, true
		case strings.HasPrefix(line, "@@ "):
			start, count, oldCount, err := hunkHeader(line)
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", n, err)
			}
			if !haveFile {
				return nil, fmt.Errorf("line %d: a hunk of no file", n)
			}
			if file != "" && files[file] == nil {
				files[file] = map[int]bool{}
			}
			newLine, oldLeft, newLeft = start, oldCount, count
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if oldLeft > 0 || newLeft > 0 {
		return nil, errors.New("the last hunk is cut short")
	}
	return files, nil
}

// newName is the path of a "+++ " line: "b/path", quoted as git quotes
// unusual names (C-style, which strconv reads), and followed by a tab when
// it holds a space; "" for /dev/null, a deleted file.
func newName(s string) (string, error) {
	if s == "/dev/null" {
		return "", nil
	}
	if strings.HasPrefix(s, `"`) {
		unquoted, err := strconv.Unquote(s)
		if err != nil {
			return "", fmt.Errorf("bad file name %s: %v", s, err)
		}
		s = unquoted
	} else {
		s = strings.TrimSuffix(s, "\t")
	}
	name, ok := strings.CutPrefix(s, "b/")
	if !ok {
		return "", fmt.Errorf("file name %q lacks the b/ prefix", s)
	}
	return name, nil
}

// hunkHeader reads "@@ -a[,b] +c[,d] @@ ...": the new side's first line
// and count (c, d) and the old side's count (b). A count left out is 1.
// (With a count of 0, the first line is the one before the hunk; no line
// of the new side is read then.)
func hunkHeader(line string) (start, count, oldCount int, err error) {
	fields := strings.Fields(line)
	if len(fields) < 4 || fields[3] != "@@" || !strings.HasPrefix(fields[1], "-") || !strings.HasPrefix(fields[2], "+") {
		return 0, 0, 0, fmt.Errorf("bad hunk header %q", line)
	}
	_, oldCount, err = lineRange(fields[1][1:])
	if err == nil {
		start, count, err = lineRange(fields[2][1:])
	}
	if err != nil {
		return 0, 0, 0, fmt.Errorf("bad hunk header %q: %v", line, err)
	}
	return start, count, oldCount, nil
}

// lineRange reads "start[,count]".
func lineRange(s string) (start, count int, err error) {
	startText, countText, hasCount := strings.Cut(s, ",")
	if start, err = strconv.Atoi(startText); err != nil {
		return 0, 0, err
	}
	count = 1
	if hasCount {
		if count, err = strconv.Atoi(countText); err != nil {
			return 0, 0, err
		}
	}
	return start, count, nil
}
