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
