package diff

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// git apply reads the names of Unified's diffs as relative to the top level
// of the work tree from any directory of it: run in a subdirectory it
// changes the files below that directory and skips the others,
// as git does; run at the top level it applies every file.
func TestGitApplyFromSubdirectory(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git not found on PATH")
	}
	const old, new = "old\n", "new\n"
	patch := Unified("sub/x.go", []byte(old), []byte(new)) +
		Unified("top.go", []byte(old), []byte(new))
	setup := func(t *testing.T) string {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "sub", "x.go"), old)
		writeFile(t, filepath.Join(dir, "top.go"), old)
		run(t, dir, "", git, "init", "-q")
		return dir
	}

	t.Run("subdirectory", func(t *testing.T) {
		dir := setup(t)
		run(t, filepath.Join(dir, "sub"), patch, git, "apply", "-")
		checkFile(t, filepath.Join(dir, "sub", "x.go"), new)
		checkFile(t, filepath.Join(dir, "top.go"), old)
	})
	t.Run("top level", func(t *testing.T) {
		dir := setup(t)
		run(t, dir, patch, git, "apply", "-")
		checkFile(t, filepath.Join(dir, "sub", "x.go"), new)
		checkFile(t, filepath.Join(dir, "top.go"), new)
	})
}
