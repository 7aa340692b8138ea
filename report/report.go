// Package report writes what a leakfix run found: as text in go vet's
// style (for people), as JSON Lines (for scripts), as SARIF 2.1.0 (for
// code-scanning dashboards such as GitHub's) and as rdjson (for reviewdog,
// which posts findings on code review). Every format carries the same
// findings with the same text (rules.Finding.Text); JSON, SARIF and rdjson
// carry each finding's fix on its own, as the driver made its edits.
package report

import (
	"os"
	"path/filepath"

	"github.com/leakfix/leakfix/driver"
	"github.com/leakfix/leakfix/fix"
	"github.com/leakfix/leakfix/internal/dirs"
	"github.com/leakfix/leakfix/load"
	"github.com/leakfix/leakfix/rules"
)

// A Report is one run's findings, ready to be written.
type Report struct {
	// Dir is the directory paths are shown relative to (the current
	// directory).
	Dir      string
	Findings []driver.Finding
	// Changes hold the original content of the files the fixes change.
	Changes []driver.FileChange
	// Written says which files -w wrote: their fixed findings are gone.
	Written map[string]bool
	// Rules are the rules that ran, for SARIF's rule metadata.
	Rules []*rules.Rule
	// Version is leakfix's version, for SARIF's tool description.
	Version string
	// Errors are why: the load and type errors, for SARIF's
	// notifications.
	Errors []load.Error

	sources map[string][]byte
}

// Remaining counts the findings that are still in the code: all but those
// fixed in a written file.
func (r *Report) Remaining() int {
	n := 0
	for _, f := range r.Findings {
		if !r.gone(f) {
			n++
		}
	}
	return n
}

func (r *Report) gone(f driver.Finding) bool { return f.Fixed() && r.Written[f.File] }

// rel is a finding's path as shown: relative to Dir.
func (r *Report) rel(path string) string { return dirs.Rel(r.Dir, path) }

// source returns a file's content as it was analyzed.
func (r *Report) source(path string) []byte {
	for _, c := range r.Changes {
		if c.Path == path {
			return c.Old
		}
	}
	if src, ok := r.sources[path]; ok {
		return src
	}
	src, _ := os.ReadFile(path) // an unreadable file shows byte columns
	if r.sources == nil {
		r.sources = map[string][]byte{}
	}
	r.sources[path] = src
	return src
}

// fixEdits returns the edits of a fixed finding's fix, by file (absolute
// path), and the files in order: the finding's own first. An unfixed
// finding has none.
func fixEdits(f driver.Finding) (fix.FileEdits, []string) {
	if f.Fix == nil {
		return nil, nil
	}
	edits := f.Fix.Edits
	files := []string{f.File}
	for _, path := range edits.Files() {
		if path != f.File {
			files = append(files, path)
		}
	}
	return edits, files
}

// PatchPath names path, an absolute file name, as leakfix's diff headers
// do, so that the diff applies where git apply takes its paths from:
// relative to the top level of the git work tree that holds path (git
// apply reads them so from any directory of the work tree), else to the
// root of its module, for patch -p1 there. Where there is neither, it is
// relative to dir.
func PatchPath(dir, path string) string {
	root := gitTopLevel(filepath.Dir(path))
	if root == "" {
		root = dirs.ModuleRoot(filepath.Dir(path))
	}
	if root == "" {
		root = dir
	}
	return filepath.ToSlash(dirs.Rel(root, path))
}

// gitTopLevel returns the top level of the git work tree that holds dir,
// found as git finds it (the nearest directory with a .git entry, a file
// in a linked worktree or a submodule), or "" when dir is in none.
func gitTopLevel(dir string) string {
	top, _ := dirs.Above(dir, ".git")
	return top
}
