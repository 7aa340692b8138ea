// Package dirs finds the directories that hold the files the go command
// and git look for (go.mod, go.work, .git), by walking up from a
// directory, without running either.
package dirs

import (
	"os"
	"path/filepath"
)

// Above returns the first of dir and its parents that holds an entry
// named name (a file or a directory: .git is a file in a linked work
// tree), and false when none does.
func Above(dir, name string) (string, bool) {
	for {
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// ModuleRoot returns the directory of the go.mod that the go command
// would use in dir (the nearest one in dir or above it), or "" when there
// is none.
func ModuleRoot(dir string) string {
	root, _ := Above(dir, "go.mod")
	return root
}

// Rel makes path relative to dir, also when it lies outside it
// (../pkg/file.go), as leakfix shows paths and names them in diff
// headers; a path it cannot make relative stays as it is.
func Rel(dir, path string) string {
	if rel, err := filepath.Rel(dir, path); err == nil {
		return rel
	}
	return path
}
