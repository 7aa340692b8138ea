package config

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/leakfix/leakfix/internal/dirs"
)

// TestDigest: the digest changes with every config that may apply to the
// packages of the module (edited, added below, above the working
// directory, removed), and not with those ./... leaves out.
func TestDigest(t *testing.T) {
	t.Setenv("GOWORK", "") // the workspace, if any, is found walking up
	root := t.TempDir()
	mod := filepath.Join(root, "mod")
	cwd := filepath.Join(mod, "cmd")
	write(t, filepath.Join(mod, "go.mod"), "module example.com/mod\n")
	write(t, filepath.Join(cwd, "main.go"), "package main\n")
	last := Digest(cwd) // no config
	if last == "" {
		t.Fatal("no digest without a config")
	}
	step := func(what string, changes bool) {
		t.Helper()
		d := Digest(cwd)
		if (d != last) != changes {
			t.Errorf("%s: digest changed %v, want %v", what, d != last, changes)
		}
		last = d
	}
	step("the same", false)
	write(t, filepath.Join(mod, FileName), "disable: [missing-close]\n")
	step("the module's config", true)
	write(t, filepath.Join(mod, FileName), "disable: [lost-cancel]\n")
	step("an edit", true)
	write(t, filepath.Join(mod, "pkg", "deep", FileName), "enable: [unbounded-client-read]\n")
	step("a config below the working directory's", true)
	write(t, filepath.Join(root, FileName), "")
	step("a config above the module", true)
	for _, skipped := range []string{"vendor", "testdata", ".git", "_old"} {
		write(t, filepath.Join(mod, "pkg", skipped, FileName), "disable: [missing-close]\n")
		step("a config in "+skipped, false)
	}
	write(t, filepath.Join(filepath.Dir(root), "elsewhere", FileName), "")
	step("a config outside the module and not above it", false)
	if err := os.Remove(filepath.Join(mod, "pkg", "deep", FileName)); err != nil {
		t.Fatal(err)
	}
	step("a config removed", true)
}

// TestDigestOutsideModules: outside any module only the configs in the
// directory and above count; the tree below is not walked.
func TestDigestOutsideModules(t *testing.T) {
	t.Setenv("GOWORK", "")
	dir := t.TempDir()
	if _, ok := dirs.Above(dir, "go.mod"); ok {
		t.Skip("the temporary directory is inside a module")
	}
	before := Digest(dir)
	write(t, filepath.Join(dir, "sub", FileName), "disable: [missing-close]\n")
	if Digest(dir) != before {
		t.Error("a config below the directory, outside any module, changed the digest")
	}
	write(t, filepath.Join(dir, FileName), "disable: [missing-close]\n")
	if Digest(dir) == before {
		t.Error("the directory's own config did not change the digest")
	}
}

// BenchmarkDigest walks a tree the size of a large module: $GOROOT/src,
// as a go vet run from there would.
func BenchmarkDigest(b *testing.B) {
	src := filepath.Join(runtime.GOROOT(), "src")
	b.Setenv("GOWORK", "off")
	for b.Loop() {
		Digest(src)
	}
}
