package config

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/leakfix/leakfix/internal/dirs"
)

// Digest hashes the config files that may apply to the packages a go
// command run from dir analyzes: every .leakfix.yaml in dir and above it,
// and every one below the root of dir's module (or workspace), where the
// go command's ./... looks: not in vendor, testdata, or directories whose
// name starts with "." or "_". A file's path, and its content or why it
// cannot be read, enter the hash, so adding, removing, moving or editing
// one changes it.
//
// A vet tool's answer to -V=full is its identity for the go command's
// cache (see leakfix's vettool.go): with the digest in it, a changed config
// makes the go command run the analysis again.
func Digest(dir string) string {
	dir = filepath.Clean(dir)
	files := map[string]bool{}
	for d := dir; ; d = filepath.Dir(d) {
		if path := filepath.Join(d, FileName); exists(path) {
			files[path] = true
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	// Outside any module (go vet file.go in $HOME, say), only the configs
	// above apply to what the go command can name, and a walk of the
	// tree below could take long.
	if root, ok := moduleRoot(dir); ok {
		filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
			switch {
			case err != nil:
				return nil // unreadable: as for the go command, not there
			case e.IsDir() && path != root && skippedDir(e.Name()):
				return filepath.SkipDir
			case !e.IsDir() && e.Name() == FileName:
				files[path] = true
			}
			return nil
		})
	}
	h := sha256.New()
	for _, path := range slices.Sorted(maps.Keys(files)) {
		data, err := os.ReadFile(path)
		if err != nil {
			data = []byte(err.Error())
		}
		fmt.Fprintf(h, "%q %x\n", path, sha256.Sum256(data))
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// skippedDir reports whether the go command's ./... leaves out a directory
// of that name.
func skippedDir(name string) bool {
	return name == "vendor" || name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}

// moduleRoot is the directory of the workspace (go.work, or $GOWORK) or
// module (go.mod) that dir is in; false outside any.
func moduleRoot(dir string) (string, bool) {
	switch gowork := os.Getenv("GOWORK"); {
	case gowork == "off":
	case gowork != "":
		return filepath.Dir(gowork), true
	default:
		if root, ok := dirs.Above(dir, "go.work"); ok {
			return root, true
		}
	}
	return dirs.Above(dir, "go.mod")
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
